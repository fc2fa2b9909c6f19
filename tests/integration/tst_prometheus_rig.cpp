// The test Prometheus (scripts/prometheus up) as issue 23's analysis will read it: a local HTTP server
// serves a Prometheus text exposition, the test names it in the file_sd folder, and Prometheus's
// /api/v1/query returns what the server served, then what it serves after a change. This proves the
// rig only; the product's Prometheus client is not here yet.
#include "support/httpserver.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSaveFile>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>
#include <optional>

using testsupport::HttpServer;

namespace {

// Long enough for file_sd to notice the file (1 s), a scrape (1 s) and a loaded machine.
constexpr int kScrapedWithinMs = 30000;

#define REQUIRE_PROMETHEUS()                                                                                           \
    do {                                                                                                               \
        if (qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL").isEmpty() ||                                              \
            qEnvironmentVariable("SIGNALBOX_PROMETHEUS_TARGETS").isEmpty())                                            \
            QFAIL("The test Prometheus is not running (SIGNALBOX_PROMETHEUS_URL or SIGNALBOX_PROMETHEUS_TARGETS "      \
                  "unset): run scripts/prometheus up and eval \"$(scripts/prometheus env)\".");                        \
    } while (false)

// The exposition an app such as Uro serves: a request counter by status and a latency histogram.
QByteArray exposition(int ok, int failed)
{
    const int total = ok + failed;
    return "# HELP http_requests_total Requests answered, by status.\n"
           "# TYPE http_requests_total counter\n"
           "http_requests_total{status=\"200\"} " +
           QByteArray::number(ok) +
           "\n"
           "http_requests_total{status=\"500\"} " +
           QByteArray::number(failed) +
           "\n"
           "# HELP http_request_duration_seconds Time to answer a request.\n"
           "# TYPE http_request_duration_seconds histogram\n"
           "http_request_duration_seconds_bucket{le=\"0.1\"} " +
           QByteArray::number(total / 2) +
           "\n"
           "http_request_duration_seconds_bucket{le=\"0.5\"} " +
           QByteArray::number(total) +
           "\n"
           "http_request_duration_seconds_bucket{le=\"+Inf\"} " +
           QByteArray::number(total) +
           "\n"
           "http_request_duration_seconds_sum " +
           QByteArray::number(0.2 * total) +
           "\n"
           "http_request_duration_seconds_count " +
           QByteArray::number(total) + "\n";
}

} // namespace

class TestPrometheusRig : public QObject {
    Q_OBJECT

    HttpServer m_app;
    QNetworkAccessManager m_network;
    // Every series of this run carries run=<this>, so a Prometheus that outlived an earlier run
    // (its series still in the TSDB) cannot answer for this one.
    const QString m_run = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString m_targetsFile;
    int m_ok = 7;
    int m_failed = 1;

    void writeTargets(const QByteArray& json)
    {
        // QSaveFile writes beside the file under another name and renames it: Prometheus reads
        // only *.json, and never half of one.
        QSaveFile f(m_targetsFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(json);
        QVERIFY(f.commit());
    }

    // Prometheus's answer to an instant query: the value of each series, by its labels' JSON, or
    // nullopt when the query failed (then `error` says why).
    std::optional<QMap<QString, double>> query(const QString& expression, QString* error)
    {
        QUrl url(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_URL") + QStringLiteral("/api/v1/query"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("query"), expression);
        url.setQuery(q);
        QNetworkRequest request(url);
        request.setTransferTimeout(5000);
        QNetworkReply* reply = m_network.get(request);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec(); // the server's scrapes are answered meanwhile, on this loop
        reply->deleteLater();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (reply->error() != QNetworkReply::NoError ||
            answer.value(QStringLiteral("status")).toString() != QStringLiteral("success")) {
            *error = QStringLiteral("the query %1 failed: %2 %3")
                         .arg(expression, reply->errorString(),
                              QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact)));
            return std::nullopt;
        }
        QMap<QString, double> out;
        for (const QJsonValue& series : answer.value(QStringLiteral("data"))[QStringLiteral("result")].toArray()) {
            const QJsonObject s = series.toObject();
            const QString labels = QString::fromUtf8(
                QJsonDocument(s.value(QStringLiteral("metric")).toObject()).toJson(QJsonDocument::Compact));
            out.insert(labels, s.value(QStringLiteral("value"))[1].toString().toDouble());
        }
        return out;
    }

    // Waits until `expression` has exactly one series and its value is `expected`; fails with the
    // last answer otherwise.
    bool becomes(const QString& expression, double expected, QString* last)
    {
        return QTest::qWaitFor(
            [&] {
                const auto answer = query(expression, last);
                if (answer)
                    *last = QStringLiteral("%1, expected %2: %3 series: ")
                                .arg(expression)
                                .arg(expected)
                                .arg(answer->size()) +
                            QStringList(answer->keys()).join(QStringLiteral(", ")) + QStringLiteral(" = ") +
                            QString::number(answer->isEmpty() ? 0.0 : answer->first());
                if (answer && answer->size() == 1 && qFuzzyCompare(answer->first(), expected))
                    return true;
                QTest::qWait(200); // a few looks per scrape (1 s) are plenty
                return false;
            },
            kScrapedWithinMs);
    }

    QString selector(const QString& metric, const QString& more = {}) const
    {
        return metric + QStringLiteral("{job=\"tests\",run=\"%1\"%2}").arg(m_run, more);
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_PROMETHEUS();
        QVERIFY(m_app.isListening());
        m_app.setResponder([this](const HttpServer::Request& r) {
            if (r.path() != "/metrics")
                return HttpServer::Answer{404, {"Content-Type: text/plain"}, "no such path"};
            // Prometheus 3 refuses a scrape without a content type it knows.
            return HttpServer::Answer{
                200, {"Content-Type: text/plain; version=0.0.4; charset=utf-8"}, exposition(m_ok, m_failed)};
        });
        const QDir targets(qEnvironmentVariable("SIGNALBOX_PROMETHEUS_TARGETS"));
        QVERIFY2(targets.exists(), qPrintable(targets.path() + " does not exist"));
        m_targetsFile = targets.filePath(QStringLiteral("tst_prometheus_rig-%1.json").arg(m_run));
        writeTargets(QJsonDocument(QJsonArray{QJsonObject{
                                       {QStringLiteral("targets"), QJsonArray{m_app.hostPort()}},
                                       {QStringLiteral("labels"), QJsonObject{{QStringLiteral("run"), m_run}}}}})
                         .toJson());
    }

    void readsTheServedCounter()
    {
        QString last;
        QVERIFY2(becomes(selector(QStringLiteral("http_requests_total"), QStringLiteral(",status=\"200\"")), 7, &last),
                 qPrintable(last));
        QVERIFY(m_app.paths().contains("/metrics"));
        QVERIFY2(becomes(selector(QStringLiteral("up")), 1, &last), qPrintable(last));
        QVERIFY2(becomes(QStringLiteral("sum(%1)").arg(selector(QStringLiteral("http_requests_total"))), 8, &last),
                 qPrintable(last));
    }

    void readsTheHistogram()
    {
        // Half of the 8 requests took at most 0.1 s, all at most 0.5 s: the median is the top of
        // the first bucket, the 75th percentile halfway into the second (linear within a bucket).
        QString last;
        const QString buckets =
            QStringLiteral("sum by (le) (%1)").arg(selector(QStringLiteral("http_request_duration_seconds_bucket")));
        QVERIFY2(becomes(QStringLiteral("histogram_quantile(0.5, %1)").arg(buckets), 0.1, &last), qPrintable(last));
        QVERIFY2(becomes(QStringLiteral("histogram_quantile(0.75, %1)").arg(buckets), 0.3, &last), qPrintable(last));
        QVERIFY2(becomes(selector(QStringLiteral("http_request_duration_seconds_count")), 8, &last), qPrintable(last));
    }

    void seesTheNewValueAfterAChange()
    {
        m_ok = 12;
        m_failed = 4;
        QString last;
        QVERIFY2(becomes(selector(QStringLiteral("http_requests_total"), QStringLiteral(",status=\"200\"")), 12, &last),
                 qPrintable(last));
        QVERIFY2(becomes(selector(QStringLiteral("http_requests_total"), QStringLiteral(",status=\"500\"")), 4, &last),
                 qPrintable(last));
        // The error ratio issue 23's default analysis computes, over the counters as they are now.
        QVERIFY2(becomes(QStringLiteral("sum(%1) / sum(%2)")
                             .arg(selector(QStringLiteral("http_requests_total"), QStringLiteral(",status=~\"5..\"")),
                                  selector(QStringLiteral("http_requests_total"))),
                         0.25, &last),
                 qPrintable(last));
    }

    void forgetsATargetRemovedFromTheFolder()
    {
        // A target gone from file_sd is marked stale at once: its series leave instant queries.
        QVERIFY(QFile::remove(m_targetsFile));
        QString error;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const auto answer = query(selector(QStringLiteral("up")), &error);
                         if (answer && answer->isEmpty())
                             return true;
                         if (answer)
                             error.clear();
                         QTest::qWait(200);
                         return false;
                     },
                     kScrapedWithinMs),
                 qPrintable(error.isEmpty() ? QStringLiteral("up{run=...} still answers after its target was removed")
                                            : error));
    }

    void cleanupTestCase()
    {
        if (!m_targetsFile.isEmpty())
            QFile::remove(m_targetsFile);
    }
};

QTEST_GUILESS_MAIN(TestPrometheusRig)
#include "tst_prometheus_rig.moc"
