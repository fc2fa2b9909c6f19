// A field of the wrong type is a sentence with its path, never "does not exist". Kubernetes' own
// API server keeps Deployments typed, so this unit test puts a small HTTP server on 127.0.0.1 in
// its place that answers with recorded objects (tests/data), one of them with `spec.replicas` as a
// string, and plans a swap and a deploy through the real Swapper and Deployer on it.
#include "model/deploy.h"
#include "model/swap.h"
#include "oci/registry.h"
#include "support/localhttpserver.h"
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
QByteArray answer(const QByteArray& head)
{
    const QString data = testsupport::testDataDir();
    const QByteArray line = head.left(head.indexOf("\r\n"));
    const QByteArray path = line.split(' ').value(1);
    auto ok = [](const QByteArray& body) {
        return testsupport::LocalHttpServer::response(200, "OK", "application/json", body);
    };
    if (path.contains("/deployments/uro-a"))
        return ok(QJsonDocument(fromFile(data + QStringLiteral("/objects/wrong-deployment-replicas-string.json")))
                      .toJson(QJsonDocument::Compact));
    for (const char* name : {"uro-b", "uro-frontend-a", "uro-frontend-b"})
        if (path.endsWith(QByteArray("/deployments/") + name))
            return ok(itemNamed(data + QStringLiteral("/model/uro-deployments.json"), QLatin1String(name)));
    for (const char* name : {"uro-staging", "uro"})
        if (path.endsWith(QByteArray("/services/") + name))
            return ok(itemNamed(data + QStringLiteral("/model/uro-services.json"), QLatin1String(name)));
    if (path.contains("selfsubjectaccessreviews"))
        return ok(R"({"kind":"SelfSubjectAccessReview","status":{"allowed":true}})");
    if (path.contains("selfsubjectrulesreviews"))
        return ok(R"({"kind":"SelfSubjectRulesReview","status":{"resourceRules":[],"incomplete":true}})");
    if (path.contains("selfsubjectreviews"))
        return ok(R"({"kind":"SelfSubjectReview","status":{"userInfo":{"username":"operator"}}})");
    if (path.contains("/pods"))
        return ok(R"({"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]})");
    return testsupport::LocalHttpServer::response(
        404, "Not Found", "application/json",
        R"({"kind":"Status","status":"Failure","reason":"NotFound","code":404,"message":"not found"})");
}

model::ServiceSpec uro()
{
    model::ServiceSpec s;
    s.name = "uro";
    s.ns = "uro";
    s.applyDefaults();
    return s;
}

} // namespace

class TestDecodeErrors : public QObject {
    Q_OBJECT

    testsupport::LocalHttpServer m_server{&answer};
    kube::Transport m_transport;

    kube::RestConfig config() const
    {
        kube::RestConfig c;
        c.contextName = "recorded";
        c.namespaceName = "uro";
        c.cluster.server = "http://" + m_server.address().toStdString();
        c.user.token = "t";
        return c;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_server.isListening()); }

    void aSwapPlanNamesTheFieldThatCannotBeRead()
    {
        kube::Client client(config(), &m_transport);
        model::Swapper swapper(&client, {uro()});
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
        model::Deployer deployer(&client, &registry, uro());
        std::optional<model::DeployPlan> plan;
        deployer.plan(model::DeployTarget::Staging,
                      m_server.address().toStdString() + "/v-sekai/uro@sha256:" + std::string(64, 'a'),
                      [&plan](model::DeployPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(plan.has_value(), 10000);
        QVERIFY(!plan->allowed());
        const QString text = QString::fromStdString(plan->describe());
        QVERIFY2(text.contains(QStringLiteral(".spec.replicas")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("does not exist")), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestDecodeErrors)
#include "tst_decodeerrors.moc"
