// The thread that owns kube::Client is the UI thread, so nothing on it may block: not a request
// to a server that never answers, not an exec credential plugin that takes seconds. A timer
// ticking every 5 ms measures the longest time the event loop was away while such work is pending.
#include "kube/client.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

using namespace std::chrono_literals;

namespace {

constexpr double kMaxGapMs = 50.0;
const kube::Client::Target kVersionTarget{"get", kube::Resource{"", "", "version", false}, {}, {}, false};

// Ticks every 5 ms and keeps the longest time between two ticks, counting the end of the window as a tick.
class GapMeter {
public:
    GapMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { tick(); });
    }

    void start()
    {
        m_clock.start();
        m_lastNs = 0;
        m_maxGapNs = 0;
        m_maxGapEndNs = 0;
        m_ticks = 0;
        m_timer.start();
    }

    void stop()
    {
        m_timer.stop();
        tick();
    }

    double maxGapMs() const { return static_cast<double>(m_maxGapNs) / 1e6; }
    double maxGapEndMs() const { return static_cast<double>(m_maxGapEndNs) / 1e6; }
    int ticks() const { return m_ticks; }

private:
    void tick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        if (now - m_lastNs > m_maxGapNs) {
            m_maxGapNs = now - m_lastNs;
            m_maxGapEndNs = now;
        }
        m_lastNs = now;
        ++m_ticks;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_maxGapNs = 0;
    qint64 m_maxGapEndNs = 0;
    int m_ticks = 0;
};

const QByteArray kVersionBody = R"({"major":"1","minor":"30","gitVersion":"v1.30.0"})";

kube::RestConfig restConfig(const QString& server)
{
    return kubetest::serverConfig(server, "responsiveness", "default");
}

} // namespace

// Where a callback's result lands; `finished` lets QSignalSpy::wait spin the event loop until it does.
class Outcome : public QObject {
    Q_OBJECT

public:
    std::optional<kube::Result<kube::Json>> result;

    void set(kube::Result<kube::Json> r)
    {
        result.emplace(std::move(r));
        Q_EMIT finished();
    }

Q_SIGNALS:
    void finished();
};

class TestResponsiveness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void silentServerTimesOutWithoutBlocking();
    void execPluginRunsWithoutBlocking();
};

void TestResponsiveness::initTestCase()
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void TestResponsiveness::cleanupTestCase()
{
    curl_global_cleanup();
}

void TestResponsiveness::silentServerTimesOutWithoutBlocking()
{
    testsupport::HttpServer server(testsupport::HttpServer::Mode::Silent);
    QVERIFY(server.isListening());
    kube::Transport transport;
    kube::Client client(restConfig(server.origin()), &transport);
    Outcome outcome;
    QSignalSpy finished(&outcome, &Outcome::finished);

    kube::HttpRequest request;
    request.path = "/version";
    request.timeout = 3000ms;

    GapMeter meter;
    QElapsedTimer elapsed;
    meter.start();
    elapsed.start();
    client.send(request, kVersionTarget, [&outcome](kube::Result<kube::Json> r) { outcome.set(std::move(r)); });
    const bool done = finished.count() == 1 || finished.wait(10000);
    meter.stop();
    const qint64 tookMs = elapsed.elapsed();
    qInfo("silent server: request ended after %lld ms; largest event-loop gap %.2f ms (ending at %.0f ms) over %d "
          "ticks",
          tookMs, meter.maxGapMs(), meter.maxGapEndMs(), meter.ticks());

    QVERIFY2(done, "the request did not end within 10 s although its timeout is 3 s");
    QVERIFY(outcome.result.has_value());
    QVERIFY2(!outcome.result->ok(), "a server that never answers gave an answer");
    const kube::Error& error = outcome.result->error();
    QCOMPARE(error.kind, kube::Error::Kind::Transport);
    const QString message = QString::fromStdString(error.message);
    QVERIFY2(message.contains(server.origin() + QStringLiteral(" did not answer within 3 s")), qPrintable(message));
    QVERIFY2(server.accepted() >= 1, "the client never connected, so the test measured nothing");
    QVERIFY2(tookMs >= 2900,
             qPrintable(QStringLiteral("the request ended after %1 ms, before its timeout").arg(tookMs)));
    QVERIFY2(meter.maxGapMs() < kMaxGapMs,
             qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(meter.maxGapMs(), 0, 'f', 2)));
}

void TestResponsiveness::execPluginRunsWithoutBlocking()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString plugin = dir.filePath(QStringLiteral("slow-plugin"));
    {
        QFile file(plugin);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\n"
                   "sleep 2\n"
                   "echo '{\"apiVersion\": \"client.authentication.k8s.io/v1\", \"kind\": \"ExecCredential\", "
                   "\"status\": {\"token\": \"responsiveness-token\"}}'\n");
        file.close();
        QVERIFY(file.setPermissions(file.permissions() | QFileDevice::ExeOwner));
    }

    testsupport::HttpServer server;
    server.answer({}, {200, {"Content-Type: application/json"}, kVersionBody});
    QVERIFY(server.isListening());
    kube::RestConfig config = restConfig(server.origin());
    config.user.name = "plugin-user";
    kube::ExecConfig exec;
    exec.apiVersion = "client.authentication.k8s.io/v1";
    exec.command = plugin.toStdString();
    exec.interactiveMode = "Never";
    config.user.exec = exec;

    kube::Transport transport;
    kube::Client client(config, &transport);
    Outcome outcome;
    QSignalSpy finished(&outcome, &Outcome::finished);

    kube::HttpRequest request;
    request.path = "/version";
    request.timeout = 10000ms;

    GapMeter meter;
    QElapsedTimer elapsed;
    meter.start();
    elapsed.start();
    client.send(request, kVersionTarget, [&outcome](kube::Result<kube::Json> r) { outcome.set(std::move(r)); });
    const bool done = finished.count() == 1 || finished.wait(15000);
    meter.stop();
    const qint64 tookMs = elapsed.elapsed();
    qInfo("exec plugin: request done after %lld ms; largest event-loop gap %.2f ms (ending at %.0f ms) over %d ticks",
          tookMs, meter.maxGapMs(), meter.maxGapEndMs(), meter.ticks());

    QVERIFY2(done, "the request did not complete within 15 s");
    QVERIFY(outcome.result.has_value());
    QVERIFY2(outcome.result->ok(), outcome.result->ok() ? "" : outcome.result->error().message.c_str());
    QCOMPARE(QString::fromStdString(outcome.result->value().value("gitVersion", "")), QStringLiteral("v1.30.0"));
    QCOMPARE(client.credentials()->execRuns(), 1);
    QCOMPARE(server.requests().size(), 1);
    QVERIFY2(server.requests().front().head.contains("\r\nAuthorization: Bearer responsiveness-token"),
             server.requests().front().head.constData());
    QVERIFY2(tookMs >= 1900, qPrintable(QStringLiteral("done after %1 ms: the plugin cannot have run").arg(tookMs)));
    QVERIFY2(meter.maxGapMs() < kMaxGapMs,
             qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(meter.maxGapMs(), 0, 'f', 2)));
}

QTEST_GUILESS_MAIN(TestResponsiveness)
#include "tst_responsiveness.moc"
