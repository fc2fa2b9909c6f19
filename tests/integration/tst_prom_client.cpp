// prom::Client against the rig's Prometheus (scripts/prometheus: inside the rig's network namespace,
// discovering pods through the API server): at its URL (SIGNALBOX_PROMETHEUS_URL) and through the
// API server's service proxy (SIGNALBOX_PROMETHEUS_SERVICE, NAMESPACE/SERVICE:PORT) as the rig's
// operator, refused to the viewer. A pod of the test's own, asked through the API server's pod
// proxy, is counted in what Prometheus scraped; a query with no data is an empty vector, a bad query
// is Prometheus's error as a sentence, and a stopped Prometheus is said to be unreachable.
#include "kube/client.h"
#include "prom/client.h"
#include "support/cluster.h"
#include "support/kubetest.h"

#include <QTcpServer>
#include <QTest>
#include <QUuid>
#include <cmath>
#include <optional>

namespace {

// Long enough for discovery (a watch of pods), a scrape (1 s) and a loaded machine.
constexpr int kScrapedWithinMs = 60000;

using Answer = std::optional<net::Result<prom::QueryResult>>;

// The clients' patience: the product's 15 s, raised because the test machine runs the whole suite
// on two cores meanwhile (a first proxied request there has taken more than 15 s).
prom::Client::Options patient()
{
    prom::Client::Options options;
    options.timeout = std::chrono::seconds(45);
    return options;
}

Answer query(prom::Client& client, const std::string& expr)
{
    return kubetest::await<prom::QueryResult>([&](auto cb) { client.query(expr, std::nullopt, cb); }, 60000);
}

QString messageOf(const Answer& r)
{
    if (!r)
        return QStringLiteral("(no answer within 60 s)");
    return *r ? QStringLiteral("(decoded)") : QString::fromStdString(r->error().message);
}

// SIGNALBOX_PROMETHEUS_SERVICE as NAMESPACE, SERVICE, PORT; nullopt when unset or malformed.
struct ServiceRef {
    std::string ns, name, port;
};
std::optional<ServiceRef> prometheusService()
{
    const QString text = qEnvironmentVariable("SIGNALBOX_PROMETHEUS_SERVICE");
    const int slash = text.indexOf(QLatin1Char('/'));
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    if (slash <= 0 || colon <= slash + 1 || colon == text.size() - 1)
        return std::nullopt;
    return ServiceRef{text.left(slash).toStdString(), text.mid(slash + 1, colon - slash - 1).toStdString(),
                      text.mid(colon + 1).toStdString()};
}

// Services in Prometheus's namespace as a stopped Prometheus leaves them: one whose selector
// matches no ready pod (a Deployment scaled to zero), one without a selector whose endpoints were
// never written, one whose endpoint is the address of Prometheus's stand-in Pod at a port where
// nothing listens. The API server's service proxy reads Endpoints (v1), not EndpointSlices, and
// forwards only to an address that a Pod of the cluster holds (its targetRef).
const QByteArray kStoppedServices = R"(apiVersion: v1
kind: Service
metadata: {name: tst-prom-empty}
spec: {selector: {app: tst-prom-nothing}, ports: [{name: web, port: 9090, targetPort: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: tst-prom-none}
spec: {ports: [{name: web, port: 9090, targetPort: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: tst-prom-stopped}
spec: {ports: [{name: web, port: 9090, targetPort: 9090}]}
---
apiVersion: v1
kind: Endpoints
metadata:
  name: tst-prom-stopped
  labels: {endpointslice.kubernetes.io/skip-mirror: "true"}
subsets:
- addresses: [{ip: 10.244.255.2, targetRef: {kind: Pod, namespace: monitoring, name: prometheus}}]
  ports: [{name: web, port: 9099, protocol: TCP}]
)";

// A namespace of the test's own with one pod that the rig's pod app answers for (and serves the
// /metrics of), so the rig's Prometheus scrapes it.
QByteArray podWorkload(const QString& ns)
{
    return QStringLiteral("apiVersion: v1\nkind: Namespace\nmetadata: {name: %1}\n---\n"
                          "apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: %1}\n"
                          "spec:\n  containers: [{name: app, image: example.invalid/app:1, "
                          "ports: [{containerPort: 8080}]}]\n")
        .arg(ns)
        .toUtf8();
}

// A port on the host's loopback where nothing listens: what a stopped Prometheus leaves at its URL.
std::string deadUrl()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    return "http://127.0.0.1:" + std::to_string(s.serverPort());
}

#define REQUIRE_PROMETHEUS()                                                                                           \
    do {                                                                                                               \
        if (qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL").isEmpty())                                                \
            QFAIL("The test Prometheus is not running (SIGNALBOX_PROMETHEUS_URL unset): run scripts/prometheus up "    \
                  "and eval \"$(scripts/prometheus env)\".");                                                          \
    } while (false)

// The proxy route needs the rig's Prometheus in the cluster; without it the cases fail and say so.
#define REQUIRE_PROMETHEUS_SERVICE()                                                                                   \
    do {                                                                                                               \
        if (qEnvironmentVariable("SIGNALBOX_PROMETHEUS_SERVICE").isEmpty())                                            \
            QFAIL("The rig's Prometheus is not in the cluster (SIGNALBOX_PROMETHEUS_SERVICE unset): eval \"$("         \
                  "scripts/prometheus env)\" with a rig that runs Prometheus in its network namespace.");              \
        REQUIRE_CLUSTER();                                                                                             \
        if (!prometheusService())                                                                                      \
            QFAIL("SIGNALBOX_PROMETHEUS_SERVICE is not NAMESPACE/SERVICE:PORT.");                                      \
    } while (false)

} // namespace

class TestPromClient : public QObject {
    Q_OBJECT

    net::Transport m_transport;
    // This run's names: a Prometheus that outlived an earlier run keeps that run's series.
    const std::string m_run = QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
    QString m_namespace; // of the test's pod, deleted at the end
    std::unique_ptr<prom::Client> m_url;

    std::unique_ptr<kube::Client> kubeClientAs(const QString& user)
    {
        const auto config = kubetest::restConfigFor(user);
        if (!config) {
            qWarning("%s", config.error().message.c_str());
            return nullptr;
        }
        return std::make_unique<kube::Client>(*config, &m_transport);
    }

    std::unique_ptr<prom::Client> proxyClient(kube::Client& kube, const std::string& service = {})
    {
        const ServiceRef ref = *prometheusService();
        return std::make_unique<prom::Client>(
            prom::Endpoint::serviceProxy(kube, ref.ns, service.empty() ? ref.name : service, ref.port), nullptr,
            patient());
    }

    // Waits until `expr` has exactly one series of value `expected`; false with the last answer in `last`.
    bool becomes(prom::Client& client, const std::string& expr, double expected, QString* last)
    {
        return QTest::qWaitFor(
            [&] {
                const Answer r = query(client, expr);
                *last = QString::fromStdString(expr) + QStringLiteral(": ") + messageOf(r);
                if (r && *r)
                    *last += QStringLiteral(", %1 series, first %2")
                                 .arg((*r)->vector.size())
                                 .arg((*r)->vector.empty() ? 0.0 : (*r)->vector.front().value);
                if (r && *r && (*r)->vector.size() == 1 && (*r)->vector.front().value == expected)
                    return true;
                QTest::qWait(250);
                return false;
            },
            kScrapedWithinMs);
    }

    // The rig's Prometheus: a pod of the test's own, asked 4 times through the API server's pod
    // proxy, is counted 4 times, at the URL and through the service proxy.
    void readsTheTestsPod()
    {
        REQUIRE_CLUSTER();
        m_namespace = QStringLiteral("tst-prom-client-") + QString::fromStdString(m_run).left(8);
        const auto applied = testsupport::kubectl(QStringLiteral("admin"),
                                                  {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                                                  podWorkload(m_namespace));
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe()));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return !testsupport::field(QStringLiteral("pod"), QStringLiteral("app"),
                                                    QStringLiteral("{.status.podIP}"), m_namespace)
                                     .isEmpty();
                     },
                     30000),
                 "the test's pod got no IP");
        auto admin = kubeClientAs(QStringLiteral("admin"));
        QVERIFY(admin);
        for (int i = 0; i < 4; ++i) {
            std::optional<kube::ProxyAnswer> answer;
            kube::ProxyRequest request;
            request.kind = "pods";
            request.ns = m_namespace.toStdString();
            request.name = "app";
            request.port = "8080";
            request.path = "/hello";
            request.timeout = std::chrono::seconds(10);
            admin->proxyGet(request, [&](kube::ProxyAnswer a) { answer = std::move(a); });
            QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 15000);
            QVERIFY2(answer->outcome == kube::ProxyAnswer::Outcome::Answered && answer->status == 200,
                     qPrintable(QString::fromStdString(answer->message + answer->detail + answer->body)));
        }
        const std::string total = "sum(http_requests_total{namespace=\"" + m_namespace.toStdString() + "\"})";
        QString last;
        QVERIFY2(becomes(*m_url, total, 4, &last), qPrintable(last));
        const Answer r = query(*m_url, "http_requests_total{namespace=\"" + m_namespace.toStdString() + "\"}");
        QVERIFY2(r && *r && !(*r)->vector.empty(), qPrintable(messageOf(r)));
        QCOMPARE((*r)->vector.front().labels.at("pod"), std::string("app"));
        QCOMPARE((*r)->vector.front().labels.at("status"), std::string("200"));
        if (prometheusService()) {
            auto operatorKube = kubeClientAs(QStringLiteral("operator"));
            QVERIFY(operatorKube);
            auto proxied = proxyClient(*operatorKube);
            QVERIFY2(becomes(*proxied, total, 4, &last), qPrintable(last));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_PROMETHEUS();
        m_url = std::make_unique<prom::Client>(
            prom::Endpoint::url(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL").toStdString()), &m_transport,
            patient());
    }

    // Vectors and matrices as Prometheus computes them, labels kept as plain text.
    void readsAVectorAndAMatrixAtTheUrl()
    {
        Answer r = query(*m_url, "label_replace(vector(0.25), \"pod\", \"<b>uro-a</b>\", \"\", \"\")");
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QCOMPARE((*r)->vector.front().value, 0.25);
        QCOMPARE((*r)->vector.front().labels.at("pod"), std::string("<b>uro-a</b>"));
        const QDateTime end = QDateTime::currentDateTimeUtc();
        r = kubetest::await<prom::QueryResult>(
            [&](auto cb) { m_url->queryRange("vector(1)", end.addSecs(-30), end, std::chrono::seconds(5), cb); });
        QVERIFY2(r && *r, qPrintable(messageOf(r)));
        QCOMPARE((*r)->type, prom::QueryResult::Type::Matrix);
        QCOMPARE((*r)->matrix.size(), std::size_t{1});
        QCOMPARE((*r)->matrix.front().points.size(), std::size_t{7});
        QCOMPARE((*r)->matrix.front().points.back().time, end.toMSecsSinceEpoch() / 1000.0);
    }

    void readsScrapedCounters() { readsTheTestsPod(); }

    // NaN and infinities as Prometheus computes them are kept as values.
    void keepsNaNAndInfinity()
    {
        Answer r = query(*m_url, "0/0");
        QVERIFY2(r && *r, qPrintable(messageOf(r)));
        QCOMPARE((*r)->type, prom::QueryResult::Type::Scalar);
        QVERIFY(std::isnan((*r)->scalar.value));
        r = query(*m_url, "vector(1) / 0");
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QVERIFY(std::isinf((*r)->vector.front().value) && (*r)->vector.front().value > 0);
        r = query(*m_url, "-vector(1) / 0");
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QVERIFY(std::isinf((*r)->vector.front().value) && (*r)->vector.front().value < 0);
    }

    void aQueryWithNoDataIsAnEmptyVector()
    {
        const Answer r = query(*m_url, "http_requests_total{namespace=\"no-such-namespace-" + m_run + "\"}");
        QVERIFY2(r && *r, qPrintable(messageOf(r)));
        QCOMPARE((*r)->type, prom::QueryResult::Type::Vector);
        QVERIFY((*r)->empty());
    }

    void aBadQueryIsPrometheusErrorAsASentence()
    {
        const Answer r = query(*m_url, "sum(rate(http_requests_total[2m])");
        QVERIFY(r && !*r);
        QCOMPARE(r->error().kind, net::Error::Kind::Api);
        QCOMPARE(r->error().reason, std::string("bad_data"));
        QCOMPARE(r->error().httpStatus, 400);
        const QString m = messageOf(r);
        QVERIFY2(m.startsWith(QStringLiteral("Prometheus at %1 refused the query: \"")
                                  .arg(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL"))),
                 qPrintable(m));
        QVERIFY2(m.contains(QStringLiteral("parse error")) &&
                     m.endsWith(QStringLiteral("Correct the query and try again.")),
                 qPrintable(m));
    }

    // A stopped Prometheus (and the forwarder before it) leaves nothing listening at its URL. The
    // shared one keeps running for the other tests, so a free port of the host's loopback stands in.
    void aStoppedPrometheusIsUnreachable()
    {
        const std::string url = deadUrl();
        prom::Client client(prom::Endpoint::url(url), &m_transport);
        const Answer r = query(client, "vector(1)");
        QVERIFY(r && !*r);
        QCOMPARE(r->error().cause, net::Error::Cause::Connect);
        QCOMPARE(messageOf(r), QStringLiteral("Nothing answers at %1: Prometheus is not running there or the address "
                                              "is wrong. Check the URL and that Prometheus runs.")
                                   .arg(QString::fromStdString(url)));
    }

    // Through the API server's service proxy, with only a kubeconfig: the operator may.
    void throughTheServiceProxyAsTheOperator()
    {
        REQUIRE_PROMETHEUS_SERVICE();
        const ServiceRef ref = *prometheusService();
        auto kube = kubeClientAs(QStringLiteral("operator"));
        QVERIFY(kube);
        auto client = proxyClient(*kube);
        Answer r = query(*client, "vector(1)");
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QCOMPARE((*r)->vector.front().value, 1.0);
        QVERIFY(kube->requestCounts().of("get services/proxy") >= 1);
        r = query(*client, "up{pod=\"no-such-pod-" + m_run + "\"}");
        QVERIFY2(r && *r && (*r)->empty(), qPrintable(messageOf(r)));
        r = query(*client, "sum(");
        QVERIFY(r && !*r);
        QVERIFY2(
            messageOf(r).startsWith(QStringLiteral("Prometheus %1/%2:%3 through the API server refused the query: ")
                                        .arg(QString::fromStdString(ref.ns), QString::fromStdString(ref.name),
                                             QString::fromStdString(ref.port))),
            qPrintable(messageOf(r)));
    }

    void theViewerIsToldByName()
    {
        REQUIRE_PROMETHEUS_SERVICE();
        auto kube = kubeClientAs(QStringLiteral("viewer"));
        QVERIFY(kube);
        const Answer r = query(*proxyClient(*kube), "up");
        QVERIFY(r && !*r);
        QCOMPARE(r->error().apiReason, net::Error::Reason::Forbidden);
        QCOMPARE(messageOf(r),
                 QStringLiteral("User \"viewer\" may not reach Prometheus through the API server: ask for "
                                "get on services/proxy in namespace %1.")
                     .arg(QString::fromStdString(prometheusService()->ns)));
    }

    // Prometheus's Service with nothing behind it, or nothing listening at its endpoint: the
    // sentences of a stopped Prometheus through the proxy (the rig's own keeps running for others).
    void aStoppedPrometheusThroughTheProxy()
    {
        REQUIRE_PROMETHEUS_SERVICE();
        const QString ns = QString::fromStdString(prometheusService()->ns);
        const auto applied = testsupport::kubectl(
            QStringLiteral("admin"),
            {QStringLiteral("-n"), ns, QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
            kStoppedServices);
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe()));
        auto kube = kubeClientAs(QStringLiteral("operator"));
        QVERIFY(kube);
        // The endpoints controller writes the selector's empty endpoints after the Service: a moment
        // on an idle machine, tens of seconds under the sanitized pass beside a build.
        QTRY_VERIFY_WITH_TIMEOUT(testsupport::kubectl(QStringLiteral("admin"),
                                                      {QStringLiteral("-n"), ns, QStringLiteral("get"),
                                                       QStringLiteral("endpoints/tst-prom-empty")})
                                         .exitCode == 0,
                                 90000);
        Answer none;
        (void)QTest::qWaitFor(
            [&] {
                none = query(*proxyClient(*kube, "tst-prom-empty"), "up");
                return none && !*none && none->error().apiReason == net::Error::Reason::ServiceUnavailable;
            },
            30000);
        const Answer absent = query(*proxyClient(*kube, "tst-prom-none"), "up");
        const Answer refused = query(*proxyClient(*kube, "tst-prom-stopped"), "up");
        testsupport::kubectl(QStringLiteral("admin"),
                             {QStringLiteral("-n"), ns, QStringLiteral("delete"), QStringLiteral("--wait=false"),
                              QStringLiteral("service/tst-prom-empty"), QStringLiteral("service/tst-prom-none"),
                              QStringLiteral("service/tst-prom-stopped"),
                              QStringLiteral("endpoints/tst-prom-stopped")});
        QCOMPARE(messageOf(none), QStringLiteral("The Service %1/tst-prom-empty has no ready endpoints: Prometheus is "
                                                 "not running behind it. Check its pods or EndpointSlice.")
                                      .arg(ns));
        QCOMPARE(messageOf(absent),
                 QStringLiteral("There is no Service %1/tst-prom-none, or no endpoints object behind it, for "
                                "Prometheus. Check the Prometheus setting (NAMESPACE/SERVICE:PORT) and that "
                                "Prometheus runs behind that Service.")
                     .arg(ns));
        QCOMPARE(messageOf(refused),
                 QStringLiteral("The API server cannot reach Prometheus behind %1/tst-prom-stopped:9090: it is not "
                                "running or not listening on that port. Check that Prometheus runs.")
                     .arg(ns));
    }

    void cleanupTestCase()
    {
        if (!m_namespace.isEmpty())
            testsupport::kubectl(QStringLiteral("admin"), {QStringLiteral("delete"), QStringLiteral("namespace"),
                                                           m_namespace, QStringLiteral("--wait=false")});
    }
};

QTEST_GUILESS_MAIN(TestPromClient)
#include "tst_prom_client.moc"
