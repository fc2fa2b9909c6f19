// prom::Client against a real Prometheus: the test Prometheus at its URL (scripts/prometheus, with a
// target of this test's own named in its file_sd folder), and the rig's Prometheus through the API
// server's service proxy (SIGNALBOX_PROMETHEUS_SERVICE, NAMESPACE/SERVICE:PORT) as the rig's
// operator, refused to the viewer. A query with no data is an empty vector, a bad query is
// Prometheus's error as a sentence, and a stopped Prometheus is said to be unreachable.
#include "kube/client.h"
#include "prom/client.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <cmath>
#include <optional>

using testsupport::HttpServer;

namespace {

// Long enough for file_sd to notice the file (1 s), a scrape (1 s) and a loaded machine.
constexpr int kScrapedWithinMs = 30000;

using Answer = std::optional<net::Result<prom::QueryResult>>;

Answer query(prom::Client& client, const std::string& expr)
{
    return kubetest::await<prom::QueryResult>([&](auto cb) { client.query(expr, std::nullopt, cb); }, 20000);
}

QString messageOf(const Answer& r)
{
    if (!r)
        return QStringLiteral("(no answer within 20 s)");
    return *r ? QStringLiteral("(decoded)") : QString::fromStdString(r->error().message);
}

// The exposition an app serves: a request counter by status.
QByteArray exposition(int ok, int failed)
{
    return "# TYPE http_requests_total counter\n"
           "http_requests_total{status=\"200\"} " +
           QByteArray::number(ok) + "\nhttp_requests_total{status=\"500\"} " + QByteArray::number(failed) + "\n";
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

// Two Services in Prometheus's namespace: one with nothing behind it, one whose endpoint is an
// address of the rig's network where nothing listens (a stopped Prometheus). The API server's
// service proxy reads Endpoints (v1), not EndpointSlices, so the address is given as Endpoints.
const QByteArray kStoppedServices = R"(apiVersion: v1
kind: Service
metadata: {name: tst-prom-empty}
spec: {ports: [{name: web, port: 9090, targetPort: 9090}]}
---
apiVersion: v1
kind: Service
metadata: {name: tst-prom-stopped}
spec: {ports: [{name: web, port: 9090, targetPort: 9090}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: tst-prom-stopped}
subsets: [{addresses: [{ip: 10.244.255.2}], ports: [{name: web, port: 9099}]}]
)";

#define REQUIRE_PROMETHEUS()                                                                                           \
    do {                                                                                                               \
        if (qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL").isEmpty() ||                                              \
            qEnvironmentVariable("SIGNALBOX_PROMETHEUS_TARGETS").isEmpty())                                            \
            QFAIL("The test Prometheus is not running (SIGNALBOX_PROMETHEUS_URL or SIGNALBOX_PROMETHEUS_TARGETS "      \
                  "unset): run scripts/prometheus up and eval \"$(scripts/prometheus env)\".");                        \
    } while (false)

// The proxy route needs the rig's Prometheus in the cluster; without it the cases say so and skip.
#define REQUIRE_PROMETHEUS_SERVICE()                                                                                   \
    do {                                                                                                               \
        if (qEnvironmentVariable("SIGNALBOX_PROMETHEUS_SERVICE").isEmpty())                                            \
            QSKIP("The rig's Prometheus is not in the cluster (SIGNALBOX_PROMETHEUS_SERVICE unset): eval \"$("         \
                  "scripts/prometheus env)\" with a rig that runs Prometheus in its network namespace.");              \
        REQUIRE_CLUSTER();                                                                                             \
        if (!prometheusService())                                                                                      \
            QFAIL("SIGNALBOX_PROMETHEUS_SERVICE is not NAMESPACE/SERVICE:PORT.");                                      \
    } while (false)

} // namespace

class TestPromClient : public QObject {
    Q_OBJECT

    net::Transport m_transport;
    HttpServer m_app;
    // Every series of this run carries run=<this>: a Prometheus that outlived an earlier run keeps
    // that run's series.
    const std::string m_run = QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
    QString m_targetsFile;
    std::unique_ptr<prom::Client> m_url;

    std::string selector(const std::string& metric, const std::string& more = {}) const
    {
        return metric + "{job=\"tests\",run=\"" + m_run + "\"" + more + "}";
    }

    std::unique_ptr<kube::Client> kubeClientAs(const QString& user)
    {
        const auto config = kubetest::restConfigFor(user);
        if (!config) {
            qWarning("%s", config.error().message.c_str());
            return nullptr;
        }
        return std::make_unique<kube::Client>(*config, &m_transport);
    }

    // Runs `scripts/prometheus VERB` on a state folder of its own; the output on failure.
    static testsupport::ProcessResult prometheusScript(const QString& verb, const QString& state)
    {
        testsupport::RunOptions options;
        options.timeoutMs = 120000;
        options.environment.insert(QStringLiteral("SIGNALBOX_PROMETHEUS_DIR"), state);
        return testsupport::run(testsupport::sourceDir() + QStringLiteral("/scripts/prometheus"), {verb}, options);
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_PROMETHEUS();
        QVERIFY(m_app.isListening());
        m_app.setResponder([](const HttpServer::Request& r) {
            if (r.path() != "/metrics")
                return HttpServer::Answer{404, {"Content-Type: text/plain"}, "no such path"};
            return HttpServer::Answer{
                200, {"Content-Type: text/plain; version=0.0.4; charset=utf-8"}, exposition(3, 1)};
        });
        const QDir targets(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_TARGETS"));
        QVERIFY2(targets.exists(), qPrintable(targets.path() + " does not exist"));
        m_targetsFile = targets.filePath(QStringLiteral("tst_prom_client-%1.json").arg(QString::fromStdString(m_run)));
        QSaveFile f(m_targetsFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonArray{QJsonObject{{QStringLiteral("targets"), QJsonArray{m_app.hostPort()}},
                                           {QStringLiteral("labels"),
                                            QJsonObject{{QStringLiteral("run"), QString::fromStdString(m_run)}}}}})
                    .toJson());
        QVERIFY(f.commit());
        m_url = std::make_unique<prom::Client>(
            prom::Endpoint::url(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL").toStdString()), &m_transport);
    }

    void readsAVectorAndAMatrixAtTheUrl()
    {
        const std::string failed = selector("http_requests_total", ",status=\"500\"");
        Answer r;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         r = query(*m_url, failed);
                         if (r && *r && (*r)->vector.size() == 1)
                             return true;
                         QTest::qWait(200);
                         return false;
                     },
                     kScrapedWithinMs),
                 qPrintable(messageOf(r)));
        const prom::Sample& s = (*r)->vector.front();
        QCOMPARE(s.value, 1.0);
        QCOMPARE(s.labels.at("status"), std::string("500"));
        QCOMPARE(s.labels.at("run"), m_run);
        QVERIFY(std::abs(s.time - QDateTime::currentSecsSinceEpoch()) < 60);

        // The error ratio as the analysis asks it: 1 of 4.
        r = query(*m_url, "sum(" + failed + ") / sum(" + selector("http_requests_total") + ")");
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QCOMPARE((*r)->vector.front().value, 0.25);

        // A range: one series per status, a point per second that was scraped.
        QTest::qWait(2000);
        const QDateTime end = QDateTime::currentDateTimeUtc();
        r = kubetest::await<prom::QueryResult>([&](auto cb) {
            m_url->queryRange(selector("http_requests_total"), end.addSecs(-30), end, std::chrono::seconds(1), cb);
        });
        QVERIFY2(r && *r, qPrintable(messageOf(r)));
        QCOMPARE((*r)->type, prom::QueryResult::Type::Matrix);
        QCOMPARE((*r)->matrix.size(), std::size_t{2});
        QVERIFY((*r)->matrix.front().points.size() >= 2);
    }

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
        const Answer r = query(*m_url, selector("http_requests_total", ",status=\"418\""));
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

    // A Prometheus of the test's own, answering, then stopped: nothing answers at its address.
    void aStoppedPrometheusIsUnreachable()
    {
        QTemporaryDir dir;
        const QString state = dir.filePath(QStringLiteral("prometheus"));
        const auto started = prometheusScript(QStringLiteral("up"), state);
        QVERIFY2(started.exitCode == 0, qPrintable(started.describe()));
        QFile portFile(state + QStringLiteral("/run/prometheus.port"));
        QVERIFY(portFile.open(QIODevice::ReadOnly));
        const std::string url = "http://127.0.0.1:" + portFile.readAll().trimmed().toStdString();
        prom::Client client(prom::Endpoint::url(url), &m_transport);
        Answer r = query(client, "vector(1)");
        const auto stopped = prometheusScript(QStringLiteral("down"), state);
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QVERIFY2(stopped.exitCode == 0, qPrintable(stopped.describe()));
        r = query(client, "vector(1)");
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
        prom::Client client(prom::Endpoint::serviceProxy(*kube, ref.ns, ref.name, ref.port), nullptr);
        Answer r = query(client, "vector(1)");
        QVERIFY2(r && *r && (*r)->vector.size() == 1, qPrintable(messageOf(r)));
        QCOMPARE((*r)->vector.front().value, 1.0);
        QVERIFY(kube->requestCounts().of("get services/proxy") >= 1);
        // Prometheus scrapes the rig's pods by itself: `up` has series once it has listed them.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         r = query(client, "up");
                         return r && *r && !(*r)->vector.empty();
                     },
                     kScrapedWithinMs),
                 qPrintable(messageOf(r)));
        r = query(client, "up{pod=\"no-such-pod-" + m_run + "\"}");
        QVERIFY2(r && *r && (*r)->empty(), qPrintable(messageOf(r)));
        r = query(client, "sum(");
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
        const ServiceRef ref = *prometheusService();
        auto kube = kubeClientAs(QStringLiteral("viewer"));
        QVERIFY(kube);
        prom::Client client(prom::Endpoint::serviceProxy(*kube, ref.ns, ref.name, ref.port), nullptr);
        const Answer r = query(client, "up");
        QVERIFY(r && !*r);
        QCOMPARE(r->error().apiReason, net::Error::Reason::Forbidden);
        QCOMPARE(messageOf(r),
                 QStringLiteral("User \"viewer\" may not reach Prometheus through the API server: ask for "
                                "get on services/proxy in namespace %1.")
                     .arg(QString::fromStdString(ref.ns)));
    }

    // Prometheus's Service with nothing behind it, or nothing listening at its endpoint: the
    // sentences of a stopped Prometheus through the proxy (the rig's own keeps running for others).
    void aStoppedPrometheusThroughTheProxy()
    {
        REQUIRE_PROMETHEUS_SERVICE();
        const ServiceRef ref = *prometheusService();
        const QString ns = QString::fromStdString(ref.ns);
        const auto applied = testsupport::kubectl(
            QStringLiteral("admin"),
            {QStringLiteral("-n"), ns, QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
            kStoppedServices);
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe()));
        auto kube = kubeClientAs(QStringLiteral("operator"));
        QVERIFY(kube);
        prom::Client empty(prom::Endpoint::serviceProxy(*kube, ref.ns, "tst-prom-empty", "9090"), nullptr);
        prom::Client stopped(prom::Endpoint::serviceProxy(*kube, ref.ns, "tst-prom-stopped", "9090"), nullptr);
        const Answer none = query(empty, "up");
        const Answer refused = query(stopped, "up");
        testsupport::kubectl(QStringLiteral("admin"),
                             {QStringLiteral("-n"), ns, QStringLiteral("delete"), QStringLiteral("--wait=false"),
                              QStringLiteral("service/tst-prom-empty"), QStringLiteral("service/tst-prom-stopped"),
                              QStringLiteral("endpoints/tst-prom-stopped")});
        QCOMPARE(messageOf(none), QStringLiteral("The Service %1/tst-prom-empty has no ready endpoints: Prometheus is "
                                                 "not running behind it. Check its pods or EndpointSlice.")
                                      .arg(ns));
        QCOMPARE(messageOf(refused),
                 QStringLiteral("The API server cannot reach Prometheus behind %1/tst-prom-stopped:9090: "
                                "it is not running or not listening on that port. Check that "
                                "Prometheus runs.")
                     .arg(ns));
    }

    void cleanupTestCase()
    {
        if (!m_targetsFile.isEmpty())
            QFile::remove(m_targetsFile);
    }
};

QTEST_GUILESS_MAIN(TestPromClient)
#include "tst_prom_client.moc"
