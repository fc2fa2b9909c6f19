#include "model/views/watchverdict.h"

namespace model {

namespace {

// `s` with `verdict` in `field`, its status decided again when that changed it.
ServiceState withSentence(ServiceState s, std::string ServiceState::*field, const std::string& verdict)
{
    if (verdict == s.*field)
        return s;
    s.*field = verdict;
    s.revision = 0;
    applyStatus(s);
    return s;
}

} // namespace

ServiceState withWatchVerdict(ServiceState s, const ActionRunner* runner)
{
    const Activity* failed = runner ? runner->failedWatch(s.spec.ns, s.spec.name) : nullptr;
    return withSentence(std::move(s), &ServiceState::gotWorse, failed ? failed->message : std::string());
}

bool anyWatchVerdict(const ActionRunner* runner)
{
    if (!runner)
        return false;
    for (const Activity& a : runner->activities())
        if (runner->failedWatch(a.ns, a.service) == &a)
            return true;
    return false;
}

ServiceState withMetricVerdict(ServiceState s, const MetricFeed* feed)
{
    std::string verdict;
    const MetricFeed::ServiceMetrics* m = feed ? feed->metrics(s.spec.name) : nullptr;
    if (m && m->problem.empty() && m->measured.isValid() && s.live && s.staging && *s.live != *s.staging &&
        m->slots.count(*s.live) && m->slots.count(*s.staging))
        verdict = stagingWorseSentence(m->metrics, m->slots.at(*s.staging).values, m->slots.at(*s.live).values,
                                       s.slot(*s.staging).label());
    return withSentence(std::move(s), &ServiceState::stagingWorse, verdict);
}

bool anyMetricVerdict(const std::vector<ServiceState>& services, const MetricFeed* feed)
{
    if (!feed)
        return false;
    for (const std::string& name : feed->shownServices())
        for (const ServiceState& s : services)
            if (s.spec.name == name && !withMetricVerdict(s, feed).stagingWorse.empty())
                return true;
    return false;
}

std::vector<ServiceState> withVerdicts(const std::vector<ServiceState>& services, const ActionRunner* runner,
                                       const MetricFeed* feed)
{
    std::vector<ServiceState> out;
    out.reserve(services.size());
    for (const ServiceState& s : services)
        out.push_back(withMetricVerdict(withWatchVerdict(s, runner), feed));
    return out;
}

std::vector<ServiceState> withWatchVerdicts(const std::vector<ServiceState>& services, const ActionRunner* runner)
{
    std::vector<ServiceState> out;
    out.reserve(services.size());
    for (const ServiceState& s : services)
        out.push_back(withWatchVerdict(s, runner));
    return out;
}

} // namespace model
