#include "model/state/metricfeed.h"

#include "model/observe/analysisrun.h"
#include "model/state/watchedservices.h"
#include "prom/client.h"

#include <QTimer>
#include <cmath>
#include <memory>

namespace model {

namespace {

constexpr int chartSeconds = 3600;

std::string targetKey(const PrometheusTarget& t)
{
    return t.viaProxy() ? "proxy " + t.serviceNamespace + "/" + t.serviceName + ":" + t.servicePort
                        : "url " + t.url + " " + t.bearerTokenFile + " " + t.caFile;
}

std::vector<std::string> podsOf(const SlotState& slot)
{
    std::vector<std::string> names;
    for (const PodRow& p : slot.podRows)
        if (p.phase != "Terminating")
            names.push_back(p.name);
    return names;
}

// The series a range query answered, or nothing (no data, or more than one series: not one number).
std::vector<TimedValue> seriesOf(const net::Result<prom::QueryResult>& r)
{
    std::vector<TimedValue> points;
    if (!r || r->type != prom::QueryResult::Type::Matrix || r->matrix.size() != 1)
        return points;
    for (const prom::Point& p : r->matrix.front().points)
        points.push_back({.time = p.time, .value = p.value});
    return points;
}

} // namespace

std::optional<MetricSubject> metricSubject(const ServiceState& state, const kube::Service* live,
                                           const PrometheusTarget& topLevel)
{
    std::vector<std::string> problems;
    MetricSubject s;
    s.ns = state.spec.ns;
    s.service = state.spec.name;
    s.analysis = analysisSpecFor(state.spec, live, &problems);
    s.target = prometheusTargetFor(state.spec, topLevel, live, &problems);
    if (s.analysis.metrics.empty() || !s.target.configured())
        return std::nullopt;
    for (const std::optional<Slot>& slot : {state.live, state.staging})
        if (slot)
            s.pods[*slot] = podsOf(state.slot(*slot));
    return s;
}

MetricFeed::MetricFeed(Lookup lookup, kube::Client* client, QObject* parent)
    : QObject(parent), m_lookup(std::move(lookup)), m_client(client), m_timer(new QTimer(this))
{
    m_timer->setInterval(std::chrono::seconds(30));
    connect(m_timer, &QTimer::timeout, this, &MetricFeed::tick);
}

MetricFeed::~MetricFeed()
{
    // The rounds' calls go before the clients that carry them.
    for (auto& [name, t] : m_shown)
        delete t.round.data();
}

MetricFeed::Lookup MetricFeed::lookupIn(WatchedServices* watched, PrometheusTarget topLevel)
{
    QPointer<WatchedServices> w(watched);
    return [w, topLevel](const std::string& name) -> std::optional<MetricSubject> {
        const ServiceState* state = w ? w->service(name) : nullptr;
        if (!state)
            return std::nullopt;
        const auto facts = w->watchedSwapFacts(name);
        return metricSubject(*state, facts && facts->live ? &*facts->live : nullptr, topLevel);
    };
}

void MetricFeed::setIntervals(std::chrono::milliseconds values, std::chrono::milliseconds ranges)
{
    m_timer->setInterval(values);
    m_rangeInterval = ranges;
}

void MetricFeed::setShown(const std::vector<std::string>& services, bool charts)
{
    const bool chartsAdded = charts && !m_charts;
    m_charts = charts;
    for (auto it = m_shown.begin(); it != m_shown.end();) {
        if (std::find(services.begin(), services.end(), it->first) == services.end()) {
            delete it->second.round.data(); // cancels what is in flight
            it = m_shown.erase(it);
        } else {
            ++it;
        }
    }
    for (const std::string& name : services) {
        auto [it, added] = m_shown.try_emplace(name);
        if (added || chartsAdded)
            startRound(name, it->second);
    }
    if (m_shown.empty())
        m_timer->stop();
    else if (!m_timer->isActive())
        m_timer->start();
}

std::vector<std::string> MetricFeed::shownServices() const
{
    std::vector<std::string> out;
    for (const auto& [name, tracked] : m_shown)
        out.push_back(name);
    return out;
}

const MetricFeed::ServiceMetrics* MetricFeed::metrics(const std::string& service) const
{
    auto it = m_shown.find(service);
    return it != m_shown.end() && it->second.hasAnalysis ? &it->second.metrics : nullptr;
}

void MetricFeed::tick()
{
    // Each service's round from the event loop on its own: fifty services do not start in one turn.
    for (const auto& [name, t] : m_shown)
        QTimer::singleShot(0, this, [this, name = name] {
            if (auto it = m_shown.find(name); it != m_shown.end())
                startRound(name, it->second);
        });
}

prom::Client* MetricFeed::clientFor(const PrometheusTarget& target)
{
    const std::string key = targetKey(target);
    auto it = m_proms.find(key);
    if (it != m_proms.end())
        return it->second;
    prom::Client* client = makePrometheusClient(target, m_client, this);
    m_proms[key] = client;
    return client;
}

void MetricFeed::startRound(const std::string& name, Tracked& t)
{
    if (t.round)
        return; // one round at a time
    const std::optional<MetricSubject> subject = m_lookup(name);
    if (!subject) {
        if (t.hasAnalysis) {
            t = Tracked{};
            Q_EMIT changed(name);
        }
        return;
    }
    ++m_rounds;
    t.hasAnalysis = true;
    t.metrics.metrics = subject->analysis.metrics;
    prom::Client* prom = clientFor(subject->target);
    auto* round = new QObject(this);
    t.round = round;
    const bool ranges =
        m_charts && (!t.metrics.ranged.isValid() ||
                     t.metrics.ranged.msecsTo(QDateTime::currentDateTimeUtc()) >= m_rangeInterval.count());
    // Each slot's values, and the ranges when due; the round ends when all have answered.
    auto left = std::make_shared<int>(int(subject->pods.size()) + (ranges ? 1 : 0));
    for (const auto& [slot, pods] : subject->pods) {
        AnalysisSide side;
        side.vars = {subject->ns, subject->service, std::string(model::name(slot)), pods,
                     subject->analysis.windowSeconds};
        for (const MetricSpec& m : subject->analysis.metrics) {
            const auto q = expandQuery(m.queryTemplate, side.vars);
            m_queries += q && !q->noPods && prom ? 1 : 0; // what measureSide will ask
        }
        const Slot s = slot;
        measureSide(prom, subject->analysis, side, round, [this, name, s, left](std::vector<MeasuredValue> values) {
            auto it = m_shown.find(name);
            if (it == m_shown.end())
                return;
            it->second.metrics.slots[s].values = std::move(values);
            if (--*left == 0)
                roundDone(name);
        });
    }
    if (ranges) {
        t.metrics.ranged = QDateTime::currentDateTimeUtc();
        askRanges(name, *subject, round, left);
    }
    if (*left == 0)
        QTimer::singleShot(0, round, [this, name] { roundDone(name); });
}

void MetricFeed::askRanges(const std::string& name, const MetricSubject& subject, QObject* round,
                           const std::shared_ptr<int>& left)
{
    prom::Client* prom = clientFor(subject.target);
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const QDateTime start = end.addSecs(-chartSeconds);
    const int step = rangeStepSeconds(chartSeconds);
    Tracked& t = m_shown[name];
    t.metrics.windowSeconds = chartSeconds;
    t.metrics.stepSeconds = step;
    auto calls = std::make_shared<int>(0);
    for (const auto& [slot, pods] : subject.pods) {
        t.metrics.slots[slot].history.resize(subject.analysis.metrics.size());
        const QueryVars vars{subject.ns, subject.service, std::string(model::name(slot)), pods,
                             subject.analysis.windowSeconds};
        for (std::size_t i = 0; i < subject.analysis.metrics.size(); ++i) {
            const auto q = expandQuery(subject.analysis.metrics[i].queryTemplate, vars);
            if (!q || q->noPods || !prom) {
                t.metrics.slots[slot].history[i].clear();
                continue;
            }
            ++*calls;
            ++m_queries;
            const Slot s = slot;
            prom->queryRange(
                q->query, start, end, std::chrono::seconds(step),
                [this, name, s, i, calls, left](net::Result<prom::QueryResult> r) {
                    auto it = m_shown.find(name);
                    if (it == m_shown.end())
                        return;
                    auto& history = it->second.metrics.slots[s].history;
                    if (i < history.size())
                        history[i] = seriesOf(r);
                    if (--*calls == 0 && --*left == 0)
                        roundDone(name);
                },
                round);
        }
    }
    if (*calls == 0)
        --*left;
}

void MetricFeed::roundDone(const std::string& name)
{
    auto it = m_shown.find(name);
    if (it == m_shown.end())
        return;
    if (it->second.round)
        it->second.round->deleteLater();
    it->second.round = nullptr;
    // Prometheus not asked (refused, unreachable): the first sentence stands for the service, said once.
    std::string problem;
    for (const auto& [slot, m] : it->second.metrics.slots)
        for (const MeasuredValue& v : m.values)
            if (!v.asked && problem.empty())
                problem = v.problem;
    it->second.metrics.problem = problem;
    it->second.metrics.measured = QDateTime::currentDateTimeUtc();
    Q_EMIT changed(name);
}

} // namespace model
