#include "model/views/watchverdict.h"

namespace model {

ServiceState withWatchVerdict(ServiceState s, const ActionRunner* runner)
{
    const Activity* failed = runner ? runner->failedWatch(s.spec.ns, s.spec.name) : nullptr;
    const std::string verdict = failed ? failed->message : std::string();
    if (verdict == s.gotWorse)
        return s;
    s.gotWorse = verdict;
    s.revision = 0;
    applyStatus(s);
    return s;
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

std::vector<ServiceState> withWatchVerdicts(const std::vector<ServiceState>& services, const ActionRunner* runner)
{
    std::vector<ServiceState> out;
    out.reserve(services.size());
    for (const ServiceState& s : services)
        out.push_back(withWatchVerdict(s, runner));
    return out;
}

} // namespace model
