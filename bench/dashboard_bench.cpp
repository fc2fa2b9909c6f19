// Starts the real main window on a kubeconfig, and prints: the time from process start to the
// first complete dashboard on screen, then, after an idle period, resident memory and CPU use.
#include "app/console.h"
#include "benchsupport.h"
#include "kube/kubeconfig.h"
#include "model/state/dashboard.h"
#include "net/transport.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <curl/curl.h>
#include <sys/resource.h>

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto arg = [&args](const QString& name, const QString& fallback) {
        return bench::argument(args, name, fallback);
    };
    const int idleSeconds = arg(QStringLiteral("--idle-seconds"), QStringLiteral("300")).toInt();
    const int expected = arg(QStringLiteral("--expect-services"), QStringLiteral("0")).toInt();

    const std::unique_ptr<app::Console> console = bench::openConsole(args);
    if (!console)
        return 1;
    ui::MainWindow& window = *console->window();
    model::Dashboard* dashboard = console->dashboard();
    window.show();

    double idleCpuStart = 0;
    qint64 idleStartMs = 0;
    auto finishIdle = [&] {
        const double cpu = cpuSeconds() - idleCpuStart;
        const double wall = (sinceStart.elapsed() - idleStartMs) / 1000.0;
        std::printf("resident memory after %d s: %.1f MiB\n", idleSeconds, bench::residentKiB() / 1024.0);
        std::printf("CPU while idle: %.2f%% of one core (%.2f s CPU in %.0f s)\n", 100.0 * cpu / wall, cpu, wall);
        std::printf("informers: %zu, services shown: %d\n", dashboard->watched()->informerCount(),
                    window.serviceModel()->rowCount());
        std::fflush(stdout);
        QApplication::quit();
    };
    auto checkComplete = [&] {
        if (!dashboard->watched()->complete() || static_cast<int>(dashboard->watched()->services().size()) < expected)
            return false;
        window.repaint(); // the dashboard counts as shown once it is painted
        std::printf("first complete dashboard: %lld ms after start (%zu services)\n",
                    static_cast<long long>(sinceStart.elapsed()), dashboard->watched()->services().size());
        std::fflush(stdout);
        idleCpuStart = cpuSeconds();
        idleStartMs = sinceStart.elapsed();
        QTimer::singleShot(idleSeconds * 1000, &window, finishIdle);
        return true;
    };
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = QObject::connect(dashboard->watched(), &model::WatchedServices::servicesChanged, &window, [&, conn] {
        if (checkComplete())
            QObject::disconnect(*conn);
    });
    QTimer::singleShot(120000, &window, [&] {
        if (idleStartMs == 0) {
            std::fprintf(stderr, "bench: the dashboard was not complete within 120 s\n");
            QApplication::exit(1);
        }
    });
    const int rc = QApplication::exec();
    curl_global_cleanup();
    return rc;
}
