// The console's part of bench/scale, driven as a person would: the main window on a kubeconfig
// (no configuration file), the event loop's gaps during the first load, then one service's page
// opened until its buttons are decided, then the swap confirmed on that page, run to its end.
// Each phase prints its start and end as UTC times, so bench/scale can count the API requests the
// console sent in between (from the API server's audit log, by the console's user agent).
//   bench_scale --kubeconfig FILE --expect-services N --service NAME [--no-swap]
#include "app/console.h"
#include "benchsupport.h"
#include "model/actions/serviceactions.h"
#include "model/state/dashboard.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>
#include <cstdio>
#include <curl/curl.h>
#include <functional>
#include <memory>
#include <vector>

namespace {

QByteArray utcNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8();
}

// Calls `check` every 10 ms until it returns true or `limitMs` passed; then `done(met)`.
void waitFor(QObject* context, std::function<bool()> check, int limitMs, std::function<void(bool)> done)
{
    auto* timer = new QTimer(context);
    auto since = std::make_shared<QElapsedTimer>();
    since->start();
    QObject::connect(timer, &QTimer::timeout, context, [timer, since, check, limitMs, done] {
        const bool met = check();
        if (!met && since->elapsed() < limitMs)
            return;
        timer->stop();
        timer->deleteLater();
        done(met);
    });
    timer->start(10);
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = 0;
    {
        QApplication app(argc, argv);
        const QStringList args = app.arguments();
        const int expected = bench::argument(args, QStringLiteral("--expect-services"), QStringLiteral("0")).toInt();
        const QString service = bench::argument(args, QStringLiteral("--service"), QString());
        const bool swap = !args.contains(QStringLiteral("--no-swap"));

        bench::GapMeter gaps;
        QTimer::singleShot(0, &app, [&gaps] { gaps.start(); }); // from the event loop's first turn
        const std::unique_ptr<app::Console> console = bench::openConsole(args);
        if (!console)
            return 1;
        console->runner()->setWatchSeconds(0); // the swap ends at its verification, with no watch after it
        ui::MainWindow& window = *console->window();
        model::Dashboard* dashboard = console->dashboard();
        window.show();

        auto finish = [](int code) { QTimer::singleShot(0, qApp, [code] { QApplication::exit(code); }); };

        auto runSwap = [&] {
            model::ServiceActions* actions = window.servicePage()->actions();
            const auto& a = actions->availability(model::SwapPlan::Kind::Swap);
            if (!a.enabled || !a.plan) {
                std::printf("swap: not enabled: %s\n", a.reason.c_str());
                finish(1);
                return;
            }
            std::printf("swap begin %s\n", utcNow().constData());
            std::fflush(stdout);
            QElapsedTimer t;
            t.start();
            const int id = actions->run(*a.plan);
            waitFor(
                &window,
                [actions, id] {
                    const model::Activity* act = actions->latestActivity();
                    return act && act->id == id && !act->running();
                },
                120000,
                [&, actions, t](bool met) {
                    const model::Activity* act = actions->latestActivity();
                    std::printf("swap end %s\n", utcNow().constData());
                    std::printf("swap: %s in %lld ms: %s\n",
                                !met                                              ? "not finished"
                                : act->state == model::Activity::State::Succeeded ? "succeeded"
                                                                                  : "failed",
                                static_cast<long long>(t.elapsed()), act ? act->message.c_str() : "");
                    std::fflush(stdout);
                    finish(met && act->state == model::Activity::State::Succeeded ? 0 : 1);
                });
        };

        // Opens the service's page, `label` naming it in the output, and calls `then` once its
        // buttons are decided.
        std::function<void(const char*, std::function<void()>)> openPage = [&](const char* label,
                                                                               std::function<void()> then) {
            std::printf("%s begin %s\n", label, utcNow().constData());
            std::fflush(stdout);
            QElapsedTimer t;
            t.start();
            if (!window.showService(service)) {
                std::printf("page: there is no service named %s\n", qPrintable(service));
                finish(1);
                return;
            }
            model::ServiceActions* actions = window.servicePage()->actions();
            waitFor(
                &window,
                [actions] {
                    return actions->availability(model::SwapPlan::Kind::Swap).planned &&
                           actions->deployAvailability().planned;
                },
                60000,
                [&, actions, t, label, then](bool met) {
                    std::printf("%s end %s\n", label, utcNow().constData());
                    const auto& a = actions->availability(model::SwapPlan::Kind::Swap);
                    std::printf("%s: buttons %s in %lld ms (swap %s%s)\n", label, met ? "decided" : "not decided",
                                static_cast<long long>(t.elapsed()),
                                a.enabled ? "enabled" : "disabled: ", a.enabled ? "" : a.reason.c_str());
                    std::fflush(stdout);
                    if (!met)
                        finish(1);
                    else
                        then();
                });
        };
        // The page, back to the overview, the page again (its reviews now kept), then the swap.
        auto pages = [&] {
            openPage("page", [&] {
                window.showOverview();
                QTimer::singleShot(2000, &window, [&] {
                    openPage("page-again", [&] {
                        if (!swap)
                            finish(0);
                        else
                            QTimer::singleShot(3000, &window, runSwap); // let the page's reads end first
                    });
                });
            });
        };

        std::function<void()> shown;
        auto loaded = std::make_shared<std::vector<QMetaObject::Connection>>();
        auto onChange = [&, loaded] {
            if (loaded->empty() || !dashboard->watched()->complete() ||
                static_cast<int>(dashboard->watched()->services().size()) < expected)
                return;
            for (const auto& c : *loaded)
                QObject::disconnect(c);
            loaded->clear();
            // Shown once painted: in the next turn, as the window's own update would be, not inside
            // the change's handler.
            QTimer::singleShot(0, &window, shown);
        };
        shown = [&] {
            window.repaint();
            gaps.stop();
            std::printf("first complete dashboard: %lld ms after start (%zu services)\n",
                        static_cast<long long>(sinceStart.elapsed()), dashboard->watched()->services().size());
            std::printf("event-loop gaps during the first load: longest %.1f ms, 99th percentile %.1f ms, "
                        "%d over 50 ms\n",
                        gaps.maxMs(), gaps.percentileMs(0.99), gaps.over(50));
            if (gaps.over(50) > 0)
                std::printf("  the gaps over 50 ms: %s\n", gaps.listOver(50).c_str());
            std::printf("resident memory at the first complete dashboard: %.1f MiB\n", bench::residentKiB() / 1024.0);
            std::fflush(stdout);
            if (service.isEmpty())
                finish(0);
            else
                QTimer::singleShot(5000, &window, pages); // let the first load's stragglers end
        };
        loaded->push_back(
            QObject::connect(dashboard->watched(), &model::WatchedServices::servicesChanged, &window, onChange));
        loaded->push_back(
            QObject::connect(dashboard->watched(), &model::WatchedServices::completed, &window, onChange));
        QTimer::singleShot(600000, &window, [&] {
            std::fprintf(stderr, "bench: not finished within 600 s\n");
            QApplication::exit(1);
        });
        rc = QApplication::exec();
    }
    curl_global_cleanup();
    return rc;
}
