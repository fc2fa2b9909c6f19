// The rig's metrics end to end, as issue 23's analysis will read them: in a namespace of the test's
// own, a Deployment whose pods fail every fifth request (error-ratio 0.2) and one whose pods answer
// after 300 ms get traffic from `scripts/cluster traffic`; the rig's Prometheus (scripts/prometheus
// up, inside the rig's network namespace) discovers the pods through the API server and scrapes the
// pod app's /metrics for each. Its query API, asked at the host URL and through the API server's
// service proxy as operator, gives the error ratio and a p99 above the injected latency; viewer is
// refused the proxy. The product's Prometheus client is not here; this proves the rig.
#include "support/testsupport.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>
#include <optional>

using testsupport::ProcessResult;

namespace {

// Discovery (a watch), a scrape (1 s) and a loaded machine.
constexpr int kScrapedWithinMs = 60000;
// What the traffic asks: 20 requests a second for 10 s to the failing pods, 5 s to the slow ones.
constexpr int kRate = 20;
constexpr double kErrorRatio = 0.2;
constexpr double kLatencySeconds = 0.3;

#define REQUIRE_PROMETHEUS()                                                                                           \
    do {                                                                                                               \
        if (qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL").isEmpty() ||                                              \
            qEnvironmentVariable("SIGNALBOX_PROMETHEUS_SERVICE").isEmpty())                                            \
            QFAIL("The rig's Prometheus is not running (SIGNALBOX_PROMETHEUS_URL or SIGNALBOX_PROMETHEUS_SERVICE "     \
                  "unset): run scripts/prometheus up and eval \"$(scripts/prometheus env)\".");                        \
    } while (false)

// Two Deployments of two pods and a Service each, in `ns`; the rig's pod app answers for them by
// their annotations.
QByteArray workload(const QString& ns)
{
    QString yaml = QStringLiteral("apiVersion: v1\nkind: Namespace\nmetadata: {name: %1}\n").arg(ns);
    const auto add = [&](const QString& name, const QString& annotation) {
        yaml += QStringLiteral("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %1, namespace: %2}\n"
                               "spec:\n  replicas: 2\n  selector: {matchLabels: {app: %1}}\n  template:\n"
                               "    metadata:\n      labels: {app: %1}\n      annotations: {%3}\n"
                               "    spec:\n      containers: [{name: app, image: example.invalid/app:1, "
                               "ports: [{containerPort: 4000}]}]\n"
                               "---\napiVersion: v1\nkind: Service\nmetadata: {name: %1, namespace: %2}\n"
                               "spec:\n  selector: {app: %1}\n  ports: [{name: http, port: 80, targetPort: 4000}]\n")
                    .arg(name, ns, annotation);
    };
    add(QStringLiteral("flaky"), QStringLiteral("test.signalbox.v-sekai.org/error-ratio: \"%1\"").arg(kErrorRatio));
    add(QStringLiteral("slow"),
        QStringLiteral("test.signalbox.v-sekai.org/latency: \"%1ms\"").arg(kLatencySeconds * 1000));
    return yaml.toUtf8();
}

// The answers' count by status that `scripts/cluster traffic` prints ("200 160" lines).
QMap<int, int> countsOf(const QByteArray& output)
{
    QMap<int, int> counts;
    static const QRegularExpression line(QStringLiteral("^(\\d{3}) (\\d+)$"), QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(QString::fromUtf8(output)); it.hasNext();) {
        const auto m = it.next();
        counts.insert(m.captured(1).toInt(), m.captured(2).toInt());
    }
    return counts;
}

} // namespace

class TestPrometheusRig : public QObject {
    Q_OBJECT

    QNetworkAccessManager m_network;
    // A namespace of this run's own, so series of an earlier run cannot answer for this one and no
    // test of namespace uro is disturbed.
    const QString m_ns = QStringLiteral("tst-prometheus-rig-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    QMap<int, int> m_flaky; // the traffic's answers by status
    QMap<int, int> m_slow;

    enum class Route { HostUrl, ProxyAsOperator };

    // The JSON of an answer of Prometheus's query API, at the host URL or through the API server's
    // service proxy as operator; empty with `error` filled when it failed.
    QJsonObject ask(Route route, const QString& expression, QString* error)
    {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("query"), expression);
        QByteArray body;
        if (route == Route::HostUrl) {
            QUrl url(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL") + QStringLiteral("/api/v1/query"));
            url.setQuery(q);
            QNetworkRequest request(url);
            request.setTransferTimeout(5000);
            QNetworkReply* reply = m_network.get(request);
            QEventLoop loop;
            connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            reply->deleteLater();
            body = reply->readAll();
            if (reply->error() != QNetworkReply::NoError) {
                *error = QStringLiteral("%1 at the host URL: %2").arg(expression, reply->errorString());
                return {};
            }
        } else {
            const QString service = qEnvironmentVariable("SIGNALBOX_PROMETHEUS_SERVICE"); // monitoring/prometheus:9090
            const ProcessResult r = proxyGet(QStringLiteral("operator"), service, q);
            if (r.exitCode != 0) {
                *error = QStringLiteral("%1 through the proxy as operator: %2").arg(expression, r.describe());
                return {};
            }
            body = r.out;
        }
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        if (answer.value(QStringLiteral("status")).toString() != QStringLiteral("success")) {
            *error = QStringLiteral("%1 failed: %2").arg(expression, QString::fromUtf8(body.left(500)));
            return {};
        }
        return answer;
    }

    // GET of Prometheus's query API through the API server's service proxy as `user`, by kubectl
    // (verbose, so the HTTP status is in its log).
    static ProcessResult proxyGet(const QString& user, const QString& service, const QUrlQuery& q)
    {
        const QString ns = service.section(u'/', 0, 0);
        const QString name = service.section(u'/', 1);
        return testsupport::kubectl(user, {QStringLiteral("get"), QStringLiteral("-v=6"), QStringLiteral("--raw"),
                                           QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy/api/v1/query?%3")
                                               .arg(ns, name, q.toString(QUrl::FullyEncoded))});
    }

    // The value of a query that answers one series, or nullopt.
    std::optional<double> scalar(Route route, const QString& expression, QString* last)
    {
        const QJsonObject answer = ask(route, expression, last);
        if (answer.isEmpty())
            return std::nullopt;
        const QJsonArray result = answer.value(QStringLiteral("data"))[QStringLiteral("result")].toArray();
        *last = QStringLiteral("%1: %2").arg(expression,
                                             QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)));
        if (result.size() != 1)
            return std::nullopt;
        return result.at(0)[QStringLiteral("value")][1].toString().toDouble();
    }

    // Waits until `expression` answers one value for which `accept` holds, on both routes.
    template <typename Accept> bool becomes(const QString& expression, Accept accept, QString* last)
    {
        for (Route route : {Route::HostUrl, Route::ProxyAsOperator}) {
            const bool reached = QTest::qWaitFor(
                [&] {
                    const auto v = scalar(route, expression, last);
                    if (v && accept(*v))
                        return true;
                    QTest::qWait(300);
                    return false;
                },
                kScrapedWithinMs);
            if (!reached)
                return false;
        }
        return true;
    }

    QString selector(const QString& metric, const QString& app, const QString& more = {}) const
    {
        return QStringLiteral("%1{namespace=\"%2\",pod=~\"%3-.*\"%4}").arg(metric, m_ns, app, more);
    }

    bool readyEndpoints(const QString& service, int count)
    {
        const ProcessResult r =
            testsupport::kubectl(QStringLiteral("admin"),
                                 {QStringLiteral("get"), QStringLiteral("endpointslices"), QStringLiteral("-n"), m_ns,
                                  QStringLiteral("-l"), QStringLiteral("kubernetes.io/service-name=") + service,
                                  QStringLiteral("-o"), QStringLiteral("jsonpath={..addresses[*]}")});
        return r.exitCode == 0 && r.outText().split(u' ', Qt::SkipEmptyParts).size() == count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        REQUIRE_PROMETHEUS();
        const ProcessResult applied =
            testsupport::kubectl(QStringLiteral("admin"),
                                 {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, workload(m_ns));
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.describe()));
        QVERIFY2(QTest::qWaitFor([&] { return readyEndpoints(QStringLiteral("flaky"), 2); }, 60000),
                 "the pods of Deployment flaky did not become ready endpoints");
        QVERIFY2(QTest::qWaitFor([&] { return readyEndpoints(QStringLiteral("slow"), 2); }, 60000),
                 "the pods of Deployment slow did not become ready endpoints");
        // Prometheus scrapes the four pods before the traffic, so it sees every counter from zero.
        QString last;
        QVERIFY2(
            becomes(
                QStringLiteral("count(up{namespace=\"%1\"} == 1)").arg(m_ns), [](double v) { return v == 4; }, &last),
            qPrintable(last));

        // Both at once, as users would: the slow pods' answers overlap (300 ms at 20/s).
        const QString cluster = testsupport::sourceDir() + QStringLiteral("/scripts/cluster");
        QProcess flaky, slow;
        flaky.start(cluster, {QStringLiteral("traffic"), m_ns + QStringLiteral("/flaky"), QString::number(kRate),
                              QStringLiteral("10s"), QStringLiteral("/api/v1/shards")});
        slow.start(cluster, {QStringLiteral("traffic"), m_ns + QStringLiteral("/slow"), QString::number(kRate),
                             QStringLiteral("5s")});
        QByteArray flakyOut, slowOut;
        for (auto [p, out] : {std::pair{&flaky, &flakyOut}, std::pair{&slow, &slowOut}}) {
            QVERIFY2(p->waitForFinished(60000), "scripts/cluster traffic did not stop by itself within 60 s");
            *out = p->readAllStandardOutput() + p->readAllStandardError();
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, out->constData());
        }
        m_flaky = countsOf(flakyOut);
        m_slow = countsOf(slowOut);
        // Only answers, no transport errors; about RATE × DURATION of them, every fifth a 500.
        QVERIFY2(m_flaky.keys() == (QList<int>{200, 500}), flakyOut.constData());
        QVERIFY2(m_slow.keys() == (QList<int>{200}), slowOut.constData());
        QVERIFY2(m_flaky.value(200) + m_flaky.value(500) >= kRate * 10 * 3 / 4, flakyOut.constData());
        QVERIFY2(m_slow.value(200) >= kRate * 5 * 3 / 4, slowOut.constData());
    }

    void countsEveryAnswer()
    {
        // The counters Prometheus holds add up to what the traffic got, status by status.
        QString last;
        for (int status : {200, 500}) {
            const double want = m_flaky.value(status);
            QVERIFY2(becomes(
                         QStringLiteral("sum(%1)").arg(selector(QStringLiteral("http_requests_total"),
                                                                QStringLiteral("flaky"),
                                                                QStringLiteral(",status=\"%1\"").arg(status))),
                         [want](double v) { return v == want; }, &last),
                     qPrintable(last));
        }
    }

    void measuresTheInjectedErrorRatio()
    {
        // Each pod fails exactly every fifth of its requests, so the ratio over both pods is 0.2 but
        // for the last few requests of each (fewer than five since its last failure).
        QString last;
        QVERIFY2(becomes(
                     QStringLiteral("sum(%1) / sum(%2)")
                         .arg(selector(QStringLiteral("http_requests_total"), QStringLiteral("flaky"),
                                       QStringLiteral(",status=~\"5..\"")),
                              selector(QStringLiteral("http_requests_total"), QStringLiteral("flaky"))),
                     [](double v) { return qAbs(v - kErrorRatio) <= 0.02; }, &last),
                 qPrintable(last));
    }

    void measuresTheInjectedLatency()
    {
        // Every answer of the slow pods took at least 300 ms, so the 99th percentile lies in the
        // bucket above 0.25 s, and no answer of the flaky pods comes near it.
        QString last;
        const auto p99 = [this](const QString& app) {
            return QStringLiteral("histogram_quantile(0.99, sum by (le) (%1))")
                .arg(selector(QStringLiteral("http_request_duration_seconds_bucket"), app));
        };
        QVERIFY2(becomes(
                     p99(QStringLiteral("slow")), [](double v) { return v > kLatencySeconds && v <= 0.5; }, &last),
                 qPrintable(last));
        QVERIFY2(becomes(
                     p99(QStringLiteral("flaky")), [](double v) { return v < 0.25; }, &last),
                 qPrintable(last));
        const double slowAnswers = m_slow.value(200);
        QVERIFY2(becomes(
                     QStringLiteral("sum(%1)").arg(
                         selector(QStringLiteral("http_request_duration_seconds_count"), QStringLiteral("slow"))),
                     [slowAnswers](double v) { return v == slowAnswers; }, &last),
                 qPrintable(last));
    }

    void keepsOnlyTheContractsLabels()
    {
        QString last;
        const QJsonObject answer = ask(Route::HostUrl, QStringLiteral("up{namespace=\"%1\"}").arg(m_ns), &last);
        QVERIFY2(!answer.isEmpty(), qPrintable(last));
        const QJsonArray result = answer.value(QStringLiteral("data"))[QStringLiteral("result")].toArray();
        QCOMPARE(result.size(), 4);
        for (const QJsonValue& series : result) {
            QStringList keys = series[QStringLiteral("metric")].toObject().keys();
            keys.sort();
            QCOMPARE(keys, (QStringList{QStringLiteral("__name__"), QStringLiteral("instance"), QStringLiteral("job"),
                                        QStringLiteral("namespace"), QStringLiteral("pod")}));
        }
    }

    void refusesTheProxyToViewer()
    {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("query"), QStringLiteral("up"));
        const ProcessResult r =
            proxyGet(QStringLiteral("viewer"), qEnvironmentVariable("SIGNALBOX_PROMETHEUS_SERVICE"), q);
        QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("status=\"403 Forbidden\"")), qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("services \"prometheus:9090\" is forbidden")),
                 qPrintable(r.describe()));
    }

    void cleanupTestCase()
    {
        testsupport::kubectl(QStringLiteral("admin"),
                             {QStringLiteral("delete"), QStringLiteral("namespace"), m_ns,
                              QStringLiteral("--wait=false"), QStringLiteral("--ignore-not-found")});
    }
};

QTEST_GUILESS_MAIN(TestPrometheusRig)
#include "tst_prometheus_rig.moc"
