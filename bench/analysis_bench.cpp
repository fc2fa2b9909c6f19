// The metric feed with 50 services on screen, each with the default analysis (error ratio and p99
// latency) on its live and staging slots, against a fake Prometheus on loopback (or the one at
// --prometheus URL). Prints the queries per minute per service (instant and range) and the event
// loop's longest gap, measured by a 0-ms timer with a QElapsedTimer, while the feed runs at the
// console's intervals (--values-seconds 30, --ranges-seconds 60). Numbers only, no thresholds.
#include "benchsupport.h"
#include "model/state/metricfeed.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <cstdio>
#include <curl/curl.h>
#include <map>

namespace {

// Prometheus's HTTP API as far as the feed asks it: one series to an instant query, 240 points to a
// range query, over keep-alive connections.
class FakePrometheus : public QTcpServer {
public:
    long long answered = 0;

    FakePrometheus()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] { serve(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    void serve(QTcpSocket* s)
    {
        QByteArray& buffer = m_buffers[s];
        buffer += s->readAll();
        for (int end = buffer.indexOf("\r\n\r\n"); end >= 0; end = buffer.indexOf("\r\n\r\n")) {
            const QByteArray request = buffer.left(end);
            buffer.remove(0, end + 4);
            const QByteArray body = request.contains("/api/v1/query_range") ? matrix() : vector();
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
            ++answered;
        }
    }
    static QByteArray vector()
    {
        return R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"0.002"]}]}})";
    }
    QByteArray matrix()
    {
        if (m_matrix.isEmpty()) {
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            QByteArray points;
            for (int i = 0; i < 240; ++i)
                points += (i ? "," : "") + ("[" + QByteArray::number(now - 3600 + 15 * i) + ",\"0.002\"]");
            m_matrix = R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[)" +
                       points + "]}]}}";
        }
        return m_matrix;
    }
    std::map<QTcpSocket*, QByteArray> m_buffers;
    QByteArray m_matrix;
};

} // namespace

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto arg = [&args](const char* name, const char* fallback) {
        return bench::argument(args, QString::fromUtf8(name), QString::fromUtf8(fallback));
    };
    const int seconds = arg("--seconds", "120").toInt();
    const int services = arg("--services", "50").toInt();
    const int valuesSeconds = arg("--values-seconds", "30").toInt();
    const int rangesSeconds = arg("--ranges-seconds", "60").toInt();
    QString url = arg("--prometheus", "");

    FakePrometheus fake;
    if (url.isEmpty()) {
        if (!fake.listen(QHostAddress::LocalHost)) {
            std::fprintf(stderr, "bench: cannot listen on loopback\n");
            return 1;
        }
        url = QStringLiteral("http://127.0.0.1:%1").arg(fake.serverPort());
    }
    model::PrometheusTarget target;
    target.url = url.toStdString();
    std::vector<std::string> names;
    for (int i = 0; i < services; ++i)
        names.push_back("svc" + std::to_string(i));
    // Each service: the default metrics, live on slot A and staging on slot B with two pods each.
    const auto lookup = [target](const std::string& name) -> std::optional<model::MetricSubject> {
        model::MetricSubject s;
        s.ns = "bench";
        s.service = name;
        s.analysis.metrics = model::defaultMetrics();
        s.target = target;
        s.pods[model::Slot::A] = {name + "-a-1", name + "-a-2"};
        s.pods[model::Slot::B] = {name + "-b-1", name + "-b-2"};
        return s;
    };
    model::MetricFeed feed(lookup, nullptr);
    feed.setIntervals(std::chrono::seconds(valuesSeconds), std::chrono::seconds(rangesSeconds));

    // The event loop's gaps: a 0-ms timer runs whenever the loop is free.
    QElapsedTimer clock;
    qint64 last = 0, longest = 0;
    long long over50 = 0, turns = 0;
    QTimer spin;
    spin.setInterval(0);
    QObject::connect(&spin, &QTimer::timeout, &spin, [&] {
        const qint64 now = clock.nsecsElapsed();
        longest = std::max(longest, now - last);
        over50 += now - last > 50'000'000;
        ++turns;
        last = now;
    });
    long long problems = 0;
    QObject::connect(&feed, &model::MetricFeed::changed, &feed, [&](const std::string& name) {
        if (const auto* m = feed.metrics(name); m && !m->problem.empty() && problems++ == 0)
            std::fprintf(stderr, "bench: %s: %s\n", name.c_str(), m->problem.c_str());
    });
    clock.start();
    spin.start();
    feed.setShown(names, true);
    QTimer::singleShot(std::chrono::seconds(seconds), &app, &QCoreApplication::quit);
    app.exec();

    const double minutes = seconds / 60.0;
    std::printf("services on screen:                 %d (2 metrics, 2 slots each)\n", services);
    std::printf("Prometheus:                         %s\n", url.toUtf8().constData());
    std::printf("window:                             %d s (values every %d s, ranges every %d s)\n", seconds,
                valuesSeconds, rangesSeconds);
    std::printf("queries per minute per service:     %.1f\n", double(feed.queriesSent()) / minutes / services);
    std::printf("rounds per minute per service:      %.1f\n", double(feed.roundsStarted()) / minutes / services);
    if (fake.isListening())
        std::printf("answered by the fake Prometheus:    %lld\n", fake.answered);
    std::printf("rounds with a problem:              %lld\n", problems);
    std::printf("event loop's longest gap:           %.1f ms (%lld of %lld turns over 50 ms)\n", double(longest) / 1e6,
                over50, turns);
    return 0;
}
