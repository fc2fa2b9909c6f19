// Starts the real console on a kubeconfig, opens the log view of one slot (following, as a tile's
// Logs button does), waits until every pod of the slot has joined the stream, then for a window of
// its own appends lines to those pods' log files in the rig (round robin, at a given total rate)
// and prints: lines written, received by the stream and drawn by the view, the longest gaps of the
// event loop (a timer ticking every 5 ms, as in bench/health; goal under 50 ms), and the resident
// memory every 10 s (flat once the view's buffer of 50,000 lines is full).
#include "app/console.h"
#include "kube/kubeconfig.h"
#include "model/dashboard.h"
#include "ui/logview.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <curl/curl.h>
#include <memory>
#include <vector>

namespace {

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
        m_last = 0;
        m_gaps.clear();
        m_timer.start();
    }
    void stop()
    {
        m_timer.stop();
        tick();
    }
    double maxMs() const { return m_gaps.empty() ? 0 : *std::max_element(m_gaps.begin(), m_gaps.end()) / 1e6; }
    double percentileMs(double p) const
    {
        if (m_gaps.empty())
            return 0;
        std::vector<qint64> g = m_gaps;
        std::sort(g.begin(), g.end());
        return g[std::min(g.size() - 1, static_cast<std::size_t>(p * g.size()))] / 1e6;
    }
    int over(double ms) const
    {
        return static_cast<int>(std::count_if(m_gaps.begin(), m_gaps.end(), [ms](qint64 g) { return g / 1e6 > ms; }));
    }

private:
    void tick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        m_gaps.push_back(now - m_last);
        m_last = now;
    }
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<qint64> m_gaps;
};

// Resident memory of this process in MiB (Linux /proc).
double rssMiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto arg = [&args](const QString& name, const QString& fallback) {
        const int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
    };
    const int windowSeconds = arg(QStringLiteral("--seconds"), QStringLiteral("60")).toInt();
    const int rate = arg(QStringLiteral("--rate"), QStringLiteral("1000")).toInt();
    const int expectedPods = arg(QStringLiteral("--pods"), QStringLiteral("20")).toInt();
    const QString service = arg(QStringLiteral("--service"), QStringLiteral("uro"));
    const char slot = arg(QStringLiteral("--slot"), QStringLiteral("a")).at(0).toLatin1();
    const QString logsDir = arg(QStringLiteral("--logs-dir"), QString()); // STATE/pod-logs/NAMESPACE
    if (logsDir.isEmpty()) {
        std::fprintf(stderr, "bench: give --logs-dir, the rig's pod-logs folder of the slot's namespace\n");
        return 2;
    }

    kube::KubeconfigOptions options = kube::KubeconfigOptions::fromEnvironment();
    options.explicitPath = arg(QStringLiteral("--kubeconfig"), QString()).toStdString();
    auto merged = kube::loadKubeconfig(options);
    auto rest = kube::loadRestConfig(options);
    if (!merged || !rest) {
        std::fprintf(stderr, "bench: %s\n", (merged ? rest.error() : merged.error()).message.c_str());
        return 1;
    }
    app::Console console(options, {});
    console.connectWith(merged.value(), rest.value());
    ui::MainWindow& window = *console.window();
    model::Dashboard* dashboard = console.dashboard();
    window.show();

    ui::LogView* view = nullptr;
    GapMeter meter;
    QTimer writer, sampler;
    std::vector<std::unique_ptr<QFile>> files;
    long long written = 0, received = 0, drawn = 0;
    std::vector<double> rss;
    bool measuring = false;
    QElapsedTimer clock;

    auto finish = [&] {
        meter.stop();
        sampler.stop();
        rss.push_back(rssMiB());
        std::printf("window: %d s; pods: %zu; lines written: %lld (%.0f per second)\n", windowSeconds, files.size(),
                    written, written / static_cast<double>(windowSeconds));
        std::printf("since the view opened (with each pod's last 500 lines before): lines received by the stream: "
                    "%lld; drawn by the view: %lld; in its buffer: %zu\n",
                    received, drawn, view->stream() ? view->stream()->lines().size() : std::size_t(0));
        std::printf("event loop: longest gap %.1f ms, 99th percentile %.1f ms, gaps over 50 ms: %d\n", meter.maxMs(),
                    meter.percentileMs(0.99), meter.over(50.0));
        std::printf("resident memory (MiB) every 10 s:");
        for (double m : rss)
            std::printf(" %.1f", m);
        std::printf("\n");
        std::fflush(stdout);
        QApplication::quit();
    };
    auto begin = [&] {
        measuring = true;
        std::printf("following %zu pods; appending %d lines per second for %d s\n", files.size(), rate, windowSeconds);
        std::fflush(stdout);
        clock.start();
        meter.start();
        rss.push_back(rssMiB());
        sampler.start();
        writer.start();
        // The writer stops at the end of the window; the last lines get 2 s to arrive.
        QTimer::singleShot(windowSeconds * 1000, &window, [&] { writer.stop(); });
        QTimer::singleShot(windowSeconds * 1000 + 2000, &window, finish);
    };

    sampler.setInterval(10000);
    QObject::connect(&sampler, &QTimer::timeout, &window, [&] { rss.push_back(rssMiB()); });
    writer.setInterval(10);
    writer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&writer, &QTimer::timeout, &window, [&] {
        // As many lines as the rate asks by now, spread over the pods in turn.
        const long long due = clock.elapsed() * rate / 1000;
        while (written < due) {
            QFile& f = *files[static_cast<std::size_t>(written) % files.size()];
            const QDateTime now = QDateTime::currentDateTimeUtc();
            const QByteArray line = now.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000000Z")).toLatin1() +
                                    " stdout F " + now.toString(QStringLiteral("HH:mm:ss.zzz")).toLatin1() +
                                    " [info] GET /api/v1/shards 200 in 1ms request " + QByteArray::number(written) +
                                    "\n";
            f.write(line);
            f.flush();
            ++written;
        }
    });

    auto opened = [&] {
        if (view || !dashboard->complete())
            return;
        const model::ServiceState* st = dashboard->service(service.toStdString());
        if (!st)
            return;
        const model::SlotState& s = slot == 's' ? st->sandbox : st->slot(slot);
        if (static_cast<int>(s.pods.size()) < expectedPods)
            return;
        for (const std::string& pod : s.pods) {
            auto f = std::make_unique<QFile>(logsDir + QLatin1Char('/') + QString::fromStdString(pod) +
                                             QStringLiteral("/current.log"));
            if (!f->open(QIODevice::Append)) {
                std::fprintf(stderr, "bench: cannot append to %s\n", qPrintable(f->fileName()));
                QApplication::exit(1);
                return;
            }
            files.push_back(std::move(f));
        }
        view = window.openLogs(service, slot, {});
        QObject::connect(view, &ui::LogView::linesShown, &window, [&](int n) { drawn += n; });
        QObject::connect(view->stream(), &model::LogStream::linesAdded, &window,
                         [&](const std::vector<model::LogLine>& b) { received += static_cast<long long>(b.size()); });
        auto* ready = new QTimer(&window);
        ready->setInterval(100);
        QObject::connect(ready, &QTimer::timeout, &window, [&, ready] {
            if (view->stream() && view->stream()->pods().size() >= files.size()) {
                ready->stop();
                begin();
            }
        });
        ready->start();
    };
    QObject::connect(dashboard, &model::Dashboard::servicesChanged, &window, opened);
    QTimer::singleShot(180000, &window, [&] {
        if (!measuring) {
            std::fprintf(stderr, "bench: the slot's %d pods did not all join the log view within 180 s\n",
                         expectedPods);
            QApplication::exit(1);
        }
    });
    const int rc = QApplication::exec();
    curl_global_cleanup();
    return rc;
}
