// Starts the real console on a kubeconfig, waits for the first complete dashboard and for every
// configured pod to have answered once, then for a window of its own prints: the health checks
// asked per minute (each one an API request to the proxy subresource), the most in flight at once
// per client, and the longest gap of the event loop (a timer ticking every 5 ms, as in
// tests/unit/tst_responsiveness.cpp; goal under 50 ms).
#include "app/console.h"
#include "benchsupport.h"
#include "kube/kubeconfig.h"
#include "model/state/dashboard.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <curl/curl.h>
#include <vector>

namespace {

// Pods (in slots and the sandbox) and Services with a configured check, and how many of them
// have an answer.
struct Coverage {
    int targets = 0, answered = 0, passing = 0;
};

Coverage coverage(const model::WatchedServices& services)
{
    Coverage c;
    for (const auto& s : services.services()) {
        if (!s.healthSpec.configured())
            continue;
        for (const model::SlotState* slot : {&s.a, &s.b, &s.sandbox})
            for (const auto& p : slot->podHealth) {
                ++c.targets;
                if (!model::healthPending(p.result))
                    ++c.answered;
                if (p.result.passed())
                    ++c.passing;
            }
    }
    return c;
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
    const int windowSeconds = arg(QStringLiteral("--seconds"), QStringLiteral("120")).toInt();
    const int expected = arg(QStringLiteral("--expect-services"), QStringLiteral("0")).toInt();

    const std::unique_ptr<app::Console> console = bench::openConsole(args);
    if (!console)
        return 1;
    ui::MainWindow& window = *console->window();
    model::Dashboard* dashboard = console->dashboard();
    window.show();

    QElapsedTimer sinceStart;
    sinceStart.start();
    bench::GapMeter meter;
    long long askedAtStart = 0;
    int peakInFlight = 0;
    bool measuring = false;
    QTimer sampler;
    sampler.setInterval(50);
    QObject::connect(&sampler, &QTimer::timeout, &window,
                     [&] { peakInFlight = std::max(peakInFlight, dashboard->health()->monitor()->inFlight()); });

    auto finish = [&] {
        meter.stop();
        sampler.stop();
        const long long asked = dashboard->health()->monitor()->asked() - askedAtStart;
        const Coverage c = coverage(*dashboard->watched());
        std::printf("window: %d s; services shown: %zu; checked pods: %d (passing %d)\n", windowSeconds,
                    dashboard->watched()->services().size(), c.targets, c.passing);
        std::printf("health checks asked: %lld, %.0f per minute (each one API request to the proxy)\n", asked,
                    asked * 60.0 / windowSeconds);
        std::printf("most health checks under way at once: %d asked, %d on the wire (limit: 8 per client)\n",
                    peakInFlight, dashboard->health()->peakInFlight());
        std::printf("event loop: longest gap %.1f ms, 99th percentile %.1f ms, gaps over 50 ms: %d\n", meter.maxMs(),
                    meter.percentileMs(0.99), meter.over(50.0));
        std::fflush(stdout);
        QApplication::quit();
    };
    auto start = [&] {
        if (measuring)
            return;
        const Coverage c = coverage(*dashboard->watched());
        if (!dashboard->watched()->complete() || static_cast<int>(dashboard->watched()->services().size()) < expected ||
            c.targets == 0 || c.answered < c.targets)
            return;
        measuring = true;
        std::printf("first answer from every checked pod: %lld ms after start (%d pods)\n",
                    static_cast<long long>(sinceStart.elapsed()), c.targets);
        std::fflush(stdout);
        askedAtStart = dashboard->health()->monitor()->asked();
        meter.start();
        sampler.start();
        QTimer::singleShot(windowSeconds * 1000, &window, finish);
    };
    QObject::connect(dashboard->watched(), &model::WatchedServices::servicesChanged, &window, start);
    QTimer::singleShot(180000, &window, [&] {
        if (!measuring) {
            const Coverage c = coverage(*dashboard->watched());
            std::fprintf(stderr, "bench: not every pod answered within 180 s (%d of %d)\n", c.answered, c.targets);
            QApplication::exit(1);
        }
    });
    const int rc = QApplication::exec();
    curl_global_cleanup();
    return rc;
}
