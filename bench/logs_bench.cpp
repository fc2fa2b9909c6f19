// Starts the real console on a kubeconfig, opens the log view of one slot (following, as a tile's
// Logs button does), waits until every pod of the slot has joined the stream, then for a window of
// its own appends lines to those pods' log files in the rig (round robin, at a given total rate)
// and prints: lines written, received by the stream and drawn by the view, the longest gaps of the
// event loop (a timer ticking every 5 ms, as in bench/health; goal under 50 ms), and the resident
// memory every 10 s (flat once the view's buffer of 50,000 lines is full).
#include "app/console.h"
#include "benchsupport.h"
#include "kube/kubeconfig.h"
#include "model/state/dashboard.h"
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

// Resident memory of this process in MiB.
double rssMiB()
{
    const long kib = bench::residentKiB();
    return kib < 0 ? 0 : kib / 1024.0;
}

} // namespace

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto arg = [&args](const QString& name, const QString& fallback) {
        return bench::argument(args, name, fallback);
    };
    const int windowSeconds = arg(QStringLiteral("--seconds"), QStringLiteral("60")).toInt();
    const int rate = arg(QStringLiteral("--rate"), QStringLiteral("1000")).toInt();
    const int expectedPods = arg(QStringLiteral("--pods"), QStringLiteral("20")).toInt();
    const QString service = arg(QStringLiteral("--service"), QStringLiteral("uro"));
    // a, b, or s (sandbox)
    const QString slotArg = arg(QStringLiteral("--slot"), QStringLiteral("a"));
    const model::Slot slot = slotArg.startsWith(QLatin1Char('s'))
                                 ? model::Slot::Sandbox
                                 : model::parseSlot(slotArg.toStdString()).value_or(model::Slot::A);
    const QString logsDir = arg(QStringLiteral("--logs-dir"), QString()); // STATE/pod-logs/NAMESPACE
    if (logsDir.isEmpty()) {
        std::fprintf(stderr, "bench: give --logs-dir, the rig's pod-logs folder of the slot's namespace\n");
        return 2;
    }

    const std::unique_ptr<app::Console> console = bench::openConsole(args);
    if (!console)
        return 1;
    ui::MainWindow& window = *console->window();
    model::Dashboard* dashboard = console->dashboard();
    window.show();

    ui::LogView* view = nullptr;
    bench::GapMeter meter;
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
        if (view || !dashboard->watched()->complete())
            return;
        const model::ServiceState* st = dashboard->watched()->service(service.toStdString());
        if (!st)
            return;
        const model::SlotState& s = st->slot(slot);
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
    QObject::connect(dashboard->watched(), &model::WatchedServices::servicesChanged, &window, opened);
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
