#pragma once

// What the console benchmarks share: their arguments, the console as the program assembles it on
// a kubeconfig, resident memory, and the meter of the event loop's gaps.
#include "app/console.h"
#include "kube/kubeconfig.h"
#include "model/rules/servicespec.h"

#include <QElapsedTimer>
#include <QFile>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace bench {

// The value after `name` in the arguments, else `fallback`.
inline QString argument(const QStringList& args, const QString& name, const QString& fallback)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
}

// The console on the kubeconfig of --kubeconfig (else the environment's), with the services file
// of --config when given, connected; nullptr (after saying why) when either cannot be read.
inline std::unique_ptr<app::Console> openConsole(const QStringList& args)
{
    kube::KubeconfigOptions options = kube::KubeconfigOptions::fromEnvironment();
    options.explicitPath = argument(args, QStringLiteral("--kubeconfig"), QString()).toStdString();
    auto merged = kube::loadKubeconfig(options);
    auto rest = kube::loadRestConfig(options);
    if (!merged || !rest) {
        std::fprintf(stderr, "bench: %s\n", (merged ? rest.error() : merged.error()).message.c_str());
        return nullptr;
    }
    model::ServiceConfig config;
    const QString configPath = argument(args, QStringLiteral("--config"), QString());
    if (!configPath.isEmpty()) {
        auto c = model::loadServiceConfig(configPath.toStdString(), true);
        if (!c) {
            std::fprintf(stderr, "bench: %s\n", c.error().message.c_str());
            return nullptr;
        }
        config = c.value();
    }
    auto console = std::make_unique<app::Console>(options, config);
    console->connectWith(merged.value(), rest.value());
    return console;
}

// Resident memory of this process in KiB (Linux /proc), -1 when it cannot be read.
inline long residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

// Ticks every 5 ms and keeps every gap between two ticks.
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
        m_ends.clear();
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

    // The gaps over `ms`, each with when it ended (seconds since start): "98 ms at 0.41 s, ...".
    std::string listOver(double ms) const
    {
        std::string out;
        for (std::size_t i = 0; i < m_gaps.size(); ++i)
            if (m_gaps[i] / 1e6 > ms) {
                char one[64];
                std::snprintf(one, sizeof one, "%s%.0f ms at %.2f s", out.empty() ? "" : ", ", m_gaps[i] / 1e6,
                              m_ends[i] / 1e9);
                out += one;
            }
        return out;
    }

private:
    void tick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        m_gaps.push_back(now - m_last);
        m_ends.push_back(now);
        m_last = now;
    }
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<qint64> m_gaps;
    std::vector<qint64> m_ends;
};

} // namespace bench
