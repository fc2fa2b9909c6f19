// A field of the wrong type is a sentence with its path, never "does not exist". Kubernetes' own
// API server keeps Deployments typed, so this unit test puts a small HTTP server on 127.0.0.1 in
// its place that answers with recorded objects (tests/data), one of them with `spec.replicas` as a
// string, and plans a swap and a deploy through the real Swapper and Deployer on it; the client's typed
// calls are asked directly too.
#include "model/actions/deploy.h"
#include "model/actions/swap.h"
#include "oci/registry.h"
#include "rulefacts.h"
#include "support/httpserver.h"
#include "support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

QJsonObject fromFile(const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray itemNamed(const QString& listFile, const QString& name)
{
    for (const QJsonValue& v : fromFile(listFile).value(QStringLiteral("items")).toArray())
        if (v.toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString() == name)
            return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    return {};
}

// The API server's part, from recorded objects; uro-a is the one whose replicas are a string.
void answerAsTheApiServer(testsupport::HttpServer& server)
{
    const QString data = testsupport::testDataDir();
    auto ok = [](const QByteArray& body) {
        return testsupport::HttpServer::Answer{200, {"Content-Type: application/json"}, body};
    };
    const QByteArray deployments = "/apis/apps/v1/namespaces/uro/deployments/";
    const QByteArray services = "/api/v1/namespaces/uro/services/";
    server.answer(deployments + "uro-a",
                  ok(QJsonDocument(fromFile(data + QStringLiteral("/objects/wrong-deployment-replicas-string.json")))
                         .toJson(QJsonDocument::Compact)));
    for (const char* name : {"uro-b", "uro-frontend-a", "uro-frontend-b"})
        server.answer(deployments + name,
                      ok(itemNamed(data + QStringLiteral("/model/uro-deployments.json"), QLatin1String(name))));
    for (const char* name : {"uro-staging", "uro"})
        server.answer(services + name,
                      ok(itemNamed(data + QStringLiteral("/model/uro-services.json"), QLatin1String(name))));
    server.answer("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                  ok(R"({"kind":"SelfSubjectAccessReview","status":{"allowed":true}})"));
    server.answer("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                  ok(R"({"kind":"SelfSubjectRulesReview","status":{"resourceRules":[],"incomplete":true}})"));
    server.answer("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                  ok(R"({"kind":"SelfSubjectReview","status":{"userInfo":{"username":"operator"}}})"));
    server.answer("/api/v1/namespaces/uro/pods",
                  ok(R"({"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]})"));
    // Typed lists: every item decodes, or the list fails on the first that does not.
    const QByteArray pod = R"({"metadata":{"name":"p1"},"status":{"phase":"Running"}})";
    const QByteArray badPod = R"({"metadata":{"name":"p2","namespace":"listed"},"status":{"podIP":7}})";
    server.answer("/api/v1/namespaces/listed/pods", ok(R"({"kind":"PodList","items":[)" + pod + "]}"));
    server.answer("/api/v1/namespaces/mistyped/pods", ok(R"({"kind":"PodList","items":[)" + pod + "," + badPod + "]}"));
    server.answer("/api/v1/namespaces/notalist/pods", ok(R"({"kind":"PodList","items":{"a":1}})"));
}

} // namespace

class TestDecodeErrors : public QObject {
    Q_OBJECT

    testsupport::HttpServer m_server;
    kube::Transport m_transport;

    kube::RestConfig config() const
    {
        kube::RestConfig c;
        c.contextName = "recorded";
        c.namespaceName = "uro";
        c.cluster.server = m_server.origin().toStdString();
        c.user.token = "t";
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.isListening());
        answerAsTheApiServer(m_server);
    }

    void aSwapPlanNamesTheFieldThatCannotBeRead()
    {
        kube::Client client(config(), &m_transport);
        model::Swapper swapper(&client, {rulefacts::spec("uro")});
        std::optional<model::SwapPlan> plan;
        swapper.plan(model::SwapPlan::Kind::Swap, "uro", 0, [&plan](model::SwapPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(plan.has_value(), 10000);
        QVERIFY(!plan->allowed());
        const QString text = QString::fromStdString(plan->describe());
        QVERIFY2(text.contains(QStringLiteral("whose field Deployment.spec.replicas is not a whole number")),
                 qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("does not exist")), qPrintable(text));
    }

    void aDeployPlanNamesTheFieldThatCannotBeRead()
    {
        kube::Client client(config(), &m_transport);
        oci::RegistryClient registry(&m_transport);
        model::Deployer deployer(&client, &registry, rulefacts::spec("uro"));
        std::optional<model::DeployPlan> plan;
        deployer.plan(model::DeployTarget::Staging,
                      m_server.hostPort().toStdString() + "/v-sekai/uro@sha256:" + std::string(64, 'a'),
                      [&plan](model::DeployPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(plan.has_value(), 10000);
        QVERIFY(!plan->allowed());
        const QString text = QString::fromStdString(plan->describe());
        QVERIFY2(text.contains(QStringLiteral(".spec.replicas")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("does not exist")), qPrintable(text));
    }

    void typedCallsDecodeAtTheBoundary()
    {
        kube::Client client(config(), &m_transport);
        std::optional<kube::Result<std::vector<kube::Pod>>> listed, mistyped, notAList;
        client.listPods("listed", {}, [&](auto r) { listed = std::move(r); });
        client.listPods("mistyped", {}, [&](auto r) { mistyped = std::move(r); });
        client.listPods("notalist", {}, [&](auto r) { notAList = std::move(r); });
        std::optional<kube::Result<kube::Deployment>> a, b;
        client.getDeployment("uro", "uro-a", [&](auto r) { a = std::move(r); });
        client.getDeployment("uro", "uro-b", [&](auto r) { b = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(listed && mistyped && notAList && a && b, 10000);

        QVERIFY(*listed);
        QCOMPARE(listed->value().size(), std::size_t(1));
        QCOMPARE(listed->value().front().phase, std::string("Running"));
        QVERIFY(!*mistyped);
        const std::string sentence = mistyped->error().message;
        QVERIFY2(sentence.find("Pod (listed/p2) whose field Pod.status.podIP is not a string") != std::string::npos,
                 sentence.c_str());
        QVERIFY(!*notAList);
        QCOMPARE(notAList->error().kind, kube::Error::Kind::Decode);

        QVERIFY(!*a); // spec.replicas is a string
        QVERIFY2(a->error().message.find("Deployment.spec.replicas is not a whole number") != std::string::npos,
                 a->error().message.c_str());
        QVERIFY(kube::carriedOut(*a)); // a 2xx answer that cannot be decoded: a write would have been carried out
        QVERIFY(*b);
        QVERIFY(b->value().templateSource); // kept as sent, for an undone deploy
        QVERIFY(kube::templateRestorePatch(b->value(), 1, {{"signalbox.v-sekai.org/history", "", true}}));
    }
};

QTEST_GUILESS_MAIN(TestDecodeErrors)
#include "tst_decodeerrors.moc"
