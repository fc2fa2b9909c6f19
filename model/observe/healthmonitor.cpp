#include "model/observe/healthmonitor.h"

#include <QPointer>
#include <QTimer>
#include <algorithm>

namespace model {

std::string HealthTarget::keyOf(const std::string& context, const std::string& ns, bool service,
                                const std::string& name)
{
    return context + "/" + ns + (service ? "/services/" : "/pods/") + name;
}

std::string HealthTarget::key() const
{
    return keyOf(context, ns, service, name);
}

HealthMonitor::HealthMonitor(Ask ask, QObject* parent)
    : QObject(parent), m_ask(std::move(ask)), m_clock([] { return QDateTime::currentDateTimeUtc(); }),
      m_timer(new QTimer(this)), m_notify(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        tick();
        scheduleNext();
    });
    // Answers arrive in bursts (a pod per request, up to eight at once); the views hear once.
    m_notify->setSingleShot(true);
    m_notify->setInterval(100);
    connect(m_notify, &QTimer::timeout, this, &HealthMonitor::resultsChanged);
}

HealthMonitor::~HealthMonitor() = default;

void HealthMonitor::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void HealthMonitor::setAutomatic(bool automatic)
{
    m_automatic = automatic;
    if (!automatic)
        m_timer->stop();
    else
        scheduleNext();
}

std::string HealthMonitor::scopeOf(const HealthTarget& t)
{
    return t.context + "/" + t.ns + (t.service ? "/services" : "/pods");
}

void HealthMonitor::setTargets(std::vector<HealthTarget> targets)
{
    std::map<std::string, Entry> next;
    for (auto& t : targets) {
        if (!t.spec.configured())
            continue;
        const std::string key = t.key();
        auto old = m_entries.find(key);
        if (old != m_entries.end()) {
            Entry e = std::move(old->second);
            m_entries.erase(old);
            // A changed check (port, path, interval) is asked afresh.
            const HealthSpec& was = e.target.spec;
            if (was.port != t.spec.port || was.path != t.spec.path || was.expectStatus != t.spec.expectStatus ||
                was.timeoutSeconds != t.spec.timeoutSeconds || was.intervalSeconds != t.spec.intervalSeconds)
                e.lastAsked = {};
            e.target = std::move(t);
            next.emplace(key, std::move(e));
        } else {
            Entry e;
            e.target = std::move(t);
            e.generation = ++m_generation;
            next.emplace(key, std::move(e));
        }
    }
    // Whatever is left went away: forgotten, and its answer, if one is still coming, is dropped.
    m_entries = std::move(next);
    scheduleNext();
}

int HealthMonitor::tick()
{
    const QDateTime now = m_clock();
    int count = 0;
    bool refusedChanged = false;
    for (auto& [key, e] : m_entries) {
        if (e.inFlight)
            continue;
        const int interval = std::max(1, e.target.spec.intervalSeconds);
        if (e.lastAsked.isValid() && e.lastAsked.secsTo(now) < interval)
            continue;
        // The proxy of this namespace was refused: say so without asking until the pause is over.
        auto refused = m_refusals.find(scopeOf(e.target));
        if (refused != m_refusals.end() && now < refused->second.until) {
            e.lastAsked = now;
            if (!e.hasResult || e.result.sentence != refused->second.sentence) {
                e.result = HealthResult{};
                e.result.target = e.target.name;
                e.result.service = e.target.service;
                e.result.sentence = refused->second.sentence;
                e.result.forbidden = true;
                e.result.at = now;
                e.hasResult = true;
                refusedChanged = true;
            }
            continue;
        }
        e.lastAsked = now;
        e.inFlight = true;
        ++m_inFlight;
        ++m_asked;
        ++count;
        const unsigned generation = e.generation;
        const std::string k = key;
        m_ask(e.target, [self = QPointer<HealthMonitor>(this), k, generation](HealthResult r) {
            if (self)
                self->answered(k, generation, std::move(r));
        });
    }
    if (refusedChanged && !m_notify->isActive())
        m_notify->start();
    return count;
}

void HealthMonitor::answered(const std::string& key, unsigned generation, HealthResult r)
{
    --m_inFlight;
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second.generation != generation)
        return;
    Entry& e = it->second;
    e.inFlight = false;
    if (!r.at.isValid())
        r.at = m_clock();
    const std::string scope = scopeOf(e.target);
    if (healthNotAllowed(r))
        m_refusals[scope] = {r.sentence, m_clock().addSecs(refusalPauseSeconds)};
    else
        m_refusals.erase(scope);
    const bool changed =
        !e.hasResult || e.result.kind != r.kind || e.result.sentence != r.sentence || e.result.status != r.status;
    e.result = std::move(r);
    e.hasResult = true;
    // The age shown beside a result moves too, but that is the views' clock; only news is told.
    if (changed && !m_notify->isActive())
        m_notify->start();
    scheduleNext();
}

void HealthMonitor::scheduleNext()
{
    if (!m_automatic)
        return;
    const QDateTime now = m_clock();
    qint64 soonest = -1;
    for (const auto& [key, e] : m_entries) {
        if (e.inFlight)
            continue;
        qint64 wait = 0;
        if (e.lastAsked.isValid())
            wait = std::max<qint64>(0, now.msecsTo(e.lastAsked.addSecs(std::max(1, e.target.spec.intervalSeconds))));
        if (soonest < 0 || wait < soonest)
            soonest = wait;
    }
    if (soonest < 0) {
        m_timer->stop();
        return;
    }
    const int ms = static_cast<int>(std::min<qint64>(soonest, 60 * 60 * 1000));
    if (!m_timer->isActive() || m_timer->remainingTime() > ms)
        m_timer->start(ms);
}

const HealthResult* HealthMonitor::result(const std::string& key) const
{
    auto it = m_entries.find(key);
    return it != m_entries.end() && it->second.hasResult ? &it->second.result : nullptr;
}

bool HealthMonitor::allAnswered() const
{
    return std::all_of(m_entries.begin(), m_entries.end(), [](const auto& e) { return e.second.hasResult; });
}

std::map<std::string, std::string> HealthMonitor::refusals() const
{
    std::map<std::string, std::string> out;
    for (const auto& [scope, r] : m_refusals)
        out.emplace(scope, r.sentence);
    return out;
}

} // namespace model
