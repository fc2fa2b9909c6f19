// A plan or report that lacks an answer ends in a sentence naming what did not answer; it never
// waits for ever. A small HTTP server on 127.0.0.1 takes the requests and answers none of them;
// then the client goes away (as on a change of context) and drops every request with its callback.
// The real Swapper, Deployer and health check must each end at once, saying which reads never came.
#include "model/actions/deploy.h"
#include "model/actions/swap.h"
#include "model/observe/health.h"
#include "oci/registry.h"
#include "support/cannedserver.h"

#include <QTest>
#include <memory>
#include <optional>

namespace {

model::ServiceSpec uro()
{
    model::ServiceSpec s;
    s.name = "uro";
    s.ns = "uro";
    s.applyDefaults();
    return s;
}

} // namespace

class TestUnanswered : public QObject {
    Q_OBJECT

    testsupport::CannedServer m_server;
    kube::Transport m_transport;
    std::unique_ptr<kube::Client> m_client;

    kube::RestConfig config() const
    {
        kube::RestConfig c;
        c.contextName = "silent";
        c.namespaceName = "uro";
        c.cluster.server = m_server.origin().toStdString();
        c.user.token = "t";
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.isListening());
        m_server.hold("/");
    }

    void init() { m_client = std::make_unique<kube::Client>(config(), &m_transport); }
    void cleanup() { m_client.reset(); }

    void aSwapPlanNamesTheReadsThatNeverAnswered()
    {
        model::Swapper swapper(m_client.get(), {uro()});
        std::optional<model::SwapPlan> plan;
        swapper.plan(model::SwapPlan::Kind::Swap, "uro", 0, [&plan](model::SwapPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(!m_server.paths().isEmpty(), 10000); // on the wire
        QVERIFY(!plan);
        m_client.reset();
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
        oci::RegistryClient registry(&m_transport);
        model::Deployer deployer(m_client.get(), &registry, uro());
        std::optional<model::DeployPlan> plan;
        // By digest: the registry is not asked, only the cluster.
        deployer.plan(model::DeployTarget::Staging,
                      m_server.hostPort().toStdString() + "/v-sekai/uro@sha256:" + std::string(64, 'a'),
                      [&plan](model::DeployPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(!m_server.paths().isEmpty(), 10000); // on the wire
        QVERIFY(!plan);
        m_client.reset();
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
        model::HealthProber prober(m_client.get(), 8);
        std::optional<model::ServiceHealthReport> report;
        model::checkServiceHealth(m_client.get(), &prober, uro(), {},
                                  [&report](model::ServiceHealthReport r) { report = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(!m_server.paths().isEmpty(), 10000); // on the wire
        QVERIFY(!report);
        m_client.reset();
        QVERIFY(report);
        QVERIFY(report->error);
        QCOMPARE(report->error->message, std::string("No answer came for the live Service uro (the request was "
                                                     "dropped before it was answered). Try again."));
    }
};

QTEST_GUILESS_MAIN(TestUnanswered)
#include "tst_unanswered.moc"
