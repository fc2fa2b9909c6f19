// A field of the wrong type is a sentence with its path, never "does not exist". Kubernetes' own
// API server keeps Deployments typed, so this unit test puts a small HTTP server on 127.0.0.1 in
// its place that answers with recorded objects (tests/data), one of them with `spec.replicas` as a
// string, and plans a swap and a deploy through the real Swapper and Deployer on it; the client's typed
// calls are asked directly too.
//
// Likewise an answer that never comes: a second server takes every request and answers none, then
// the client goes away (as on a change of context) and drops each request with its callback. The
// swap plan, the deploy plan and the health check each end at once in a sentence naming the reads
// that never answered, rather than waiting for ever.
#include "model/actions/deploy.h"
#include "model/actions/swap.h"
#include "model/observe/health.h"
#include "oci/registry.h"
#include "rulefacts.h"
#include "support/httpserver.h"
#include "support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <memory>
#include <optional>

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
    // Takes every request and answers none (held until answerOldest(), which this test never calls).
    testsupport::HttpServer m_silent{testsupport::HttpServer::Mode::Hold};
    kube::Transport m_transport;

    kube::RestConfig config(const testsupport::HttpServer& server) const
    {
        kube::RestConfig c;
        c.contextName = "recorded";
        c.namespaceName = "uro";
        c.cluster.server = server.origin().toStdString();
        c.user.token = "t";
        return c;
    }
    kube::RestConfig config() const { return config(m_server); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.isListening());
        answerAsTheApiServer(m_server);
        QVERIFY(m_silent.isListening());
    }

    void aSwapPlanNamesTheFieldThatCannotBeRead()
    {
        kube::Client client(config(), &m_transport);
        model::Swapper swapper(&client, {rulefacts::spec("uro")});
        std::optional<model::SwapPlan> plan;
        swapper.plan({model::SwapPlan::Kind::Swap, "uro"}, [&plan](model::SwapPlan p) { plan = std::move(p); });
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

    void aSwapPlanNamesTheReadsThatNeverAnswered()
    {
        const qsizetype asked = m_silent.paths().size();
        auto client = std::make_unique<kube::Client>(config(m_silent), &m_transport);
        model::Swapper swapper(client.get(), {rulefacts::spec("uro")});
        std::optional<model::SwapPlan> plan;
        swapper.plan({model::SwapPlan::Kind::Swap, "uro"}, [&plan](model::SwapPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(m_silent.paths().size() > asked, 10000); // on the wire
        QVERIFY(!plan);
        client.reset();
        QVERIFY(plan); // at once, not after a timeout
        QVERIFY(!plan->allowed());
        const std::string text = plan->describe();
        // The live Service is read only after staging: its read was never asked, and is named too.
        QVERIFY2(text.find("No answer came for the staging Service uro-staging, the live Service uro, the Deployment "
                           "uro-a, the Deployment uro-b, the access review to patch the Service uro, the access "
                           "review to patch the Service uro-staging and the access review to create Events in uro "
                           "(the request was dropped before it was answered). Try again.") != std::string::npos,
                 text.c_str());
        QVERIFY2(text.find("No answer came for the SelfSubjectReview of who you are") != std::string::npos,
                 text.c_str());
        QVERIFY2(text.find("does not exist") == std::string::npos, text.c_str());
    }

    void aDeployPlanNamesTheReadsThatNeverAnswered()
    {
        const qsizetype asked = m_silent.paths().size();
        auto client = std::make_unique<kube::Client>(config(m_silent), &m_transport);
        oci::RegistryClient registry(&m_transport);
        model::Deployer deployer(client.get(), &registry, rulefacts::spec("uro"));
        std::optional<model::DeployPlan> plan;
        // By digest: the registry is not asked, only the cluster.
        deployer.plan(model::DeployTarget::Staging,
                      m_silent.hostPort().toStdString() + "/v-sekai/uro@sha256:" + std::string(64, 'a'),
                      [&plan](model::DeployPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(m_silent.paths().size() > asked, 10000); // on the wire
        QVERIFY(!plan);
        client.reset();
        QVERIFY(plan);
        QVERIFY(!plan->allowed());
        const std::string text = plan->describe();
        QVERIFY2(text.find("No answer came for the Deployment uro/uro-a, the Deployment uro/uro-b, the live Service "
                           "uro, the staging Service uro-staging, the access review to patch the Deployment "
                           "uro/uro-a, the access review to patch the Deployment uro/uro-b and the "
                           "SelfSubjectReview of who you are") != std::string::npos,
                 text.c_str());
    }

    void aHealthCheckNamesTheReadThatNeverAnswered()
    {
        const qsizetype asked = m_silent.paths().size();
        auto client = std::make_unique<kube::Client>(config(m_silent), &m_transport);
        model::HealthProber prober(client.get(), 8);
        std::optional<model::ServiceHealthReport> report;
        model::checkServiceHealth(client.get(), &prober, rulefacts::spec("uro"), {},
                                  [&report](model::ServiceHealthReport r) { report = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(m_silent.paths().size() > asked, 10000); // on the wire
        QVERIFY(!report);
        client.reset();
        QVERIFY(report);
        QVERIFY(report->error);
        QCOMPARE(report->error->message, std::string("No answer came for the live Service uro (the request was "
                                                     "dropped before it was answered). Try again."));
    }
};

QTEST_GUILESS_MAIN(TestDecodeErrors)
#include "tst_decodeerrors.moc"
