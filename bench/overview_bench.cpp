// The overview at scale, without a cluster: the real main window (offscreen) shows N services
// (default 1,000) through its filter/sort proxy in attention-first order; then, for R rounds
// (default 200), K rows (default 20) change their live readiness (so they move in the order) and
// the window draws. Prints the time to show the first N rows, and the median, 95th percentile and
// longest time of a round (model update, proxy re-sort, paint), without and with a filter typed.
#include "benchsupport.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QTableView>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

model::ServiceState service(int i)
{
    model::ServiceState s;
    s.spec.name = QStringLiteral("svc-%1").arg(i, 4, 10, QLatin1Char('0')).toStdString();
    s.spec.ns = "team-" + std::to_string(i % 40);
    s.spec.applyDefaults();
    for (auto* slot : {&s.a, &s.b}) {
        slot->slot = slot == &s.a ? model::Slot::A : model::Slot::B;
        slot->exists = true;
        slot->desired = slot->ready = 2;
        slot->rollout = model::Rollout::Complete;
        slot->health = model::Health::Healthy;
        slot->tag = "v" + std::to_string(i % 7);
        slot->image = "ghcr.io/example/" + s.spec.name + ":" + slot->tag;
    }
    s.live = model::Slot::A;
    s.staging = model::Slot::B;
    model::applyStatus(s);
    return s;
}

void flip(model::ServiceState& s)
{
    const bool bad = s.a.ready == s.a.desired;
    s.a.ready = bad ? 1 : 2;
    s.a.health = bad ? model::Health::Degraded : model::Health::Healthy;
    s.anomalies.clear();
    if (bad)
        s.anomalies.push_back({model::Anomaly::Severity::Warning, "Live (slot A) has 1 of 2 pods ready."});
    model::applyStatus(s);
}

struct Times {
    double median = 0, p95 = 0, longest = 0;
};

Times summarize(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    if (ms.empty())
        return {};
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back()};
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int n = bench::argument(args, QStringLiteral("--services"), QStringLiteral("1000")).toInt();
    const int rounds = bench::argument(args, QStringLiteral("--rounds"), QStringLiteral("200")).toInt();
    const int changes = bench::argument(args, QStringLiteral("--changes"), QStringLiteral("20")).toInt();

    ui::MainWindow window;
    window.resize(1180, 760);
    window.show();
    std::vector<model::ServiceState> services;
    for (int i = 0; i < n; ++i)
        services.push_back(service(i));
    QElapsedTimer t;
    t.start();
    window.serviceModel()->setServices(services);
    app.processEvents();
    std::printf("first %d rows shown: %.1f ms\n", n, t.nsecsElapsed() / 1e6);

    QRandomGenerator random(13);
    for (const QString& filter : {QString(), QStringLiteral("team-1 v3")}) {
        window.filterField()->setText(filter);
        app.processEvents();
        std::vector<double> ms;
        for (int r = 0; r < rounds; ++r) {
            for (int k = 0; k < changes; ++k)
                flip(services[random.bounded(n)]);
            t.restart();
            window.serviceModel()->setServices(services);
            window.overview()->viewport()->repaint();
            app.processEvents();
            ms.push_back(t.nsecsElapsed() / 1e6);
        }
        const Times s = summarize(ms);
        std::printf("%-26s %5d rows shown, %d rows changed per round: median %.2f ms, p95 %.2f ms, longest %.2f ms\n",
                    filter.isEmpty() ? "no filter" : qPrintable(QStringLiteral("filter \"%1\"").arg(filter)),
                    window.overview()->model()->rowCount(), changes, s.median, s.p95, s.longest);
    }
    return 0;
}
