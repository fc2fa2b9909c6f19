#include "exitcodes.h"

#include <algorithm>

namespace app {

int exitCode(const model::SwapOutcome& o)
{
    using S = model::SwapOutcome::Status;
    switch (o.status) {
    case S::Done:
        return o.verified ? Done : Failed;
    case S::Refused:
        return Refused;
    case S::Forbidden:
        return Forbidden;
    case S::Conflict:
        return Changed;
    case S::SplitState:
    case S::Unknown:
    case S::Failed:
        return Failed;
    }
    return Failed;
}

int exitCode(const model::DeployOutcome& o)
{
    using S = model::DeployOutcome::Status;
    switch (o.status) {
    case S::Done:
    case S::Started:
        return Done;
    case S::Refused:
        return Refused;
    case S::Forbidden:
        return Forbidden;
    case S::Conflict:
        return Changed;
    case S::Failed:
        return Failed;
    }
    return Failed;
}

int exitCode(const model::WatchOutcome& o)
{
    using V = model::WatchOutcome::Verdict;
    switch (o.verdict) {
    case V::Held:
    case V::Ended:
        return Done;
    case V::Worse:
    case V::RolledBack:
        return Unhealthy;
    case V::RollbackRefused:
    case V::RollbackFailed:
        return Failed;
    }
    return Failed;
}

int refusalExitCode(const model::SwapPlan& plan)
{
    return plan.refusedForPermission() ? Forbidden : plan.refusedAsChanged() ? Changed : Refused;
}

int refusalExitCode(const model::DeployPlan& plan)
{
    const model::Check* f = plan.firstFailure();
    return plan.badInput ? Usage : f && f->permission ? Forbidden : Refused;
}

int refusalExitCode(const model::GroupDeployPlan& plan)
{
    // A typing mistake first, then a permission, then any other refusal.
    int code = Refused;
    for (const auto& p : plan.members)
        if (!p.allowed()) {
            const int member = refusalExitCode(p);
            if (member == Usage || (member == Forbidden && code != Usage))
                code = member;
        }
    return code;
}

int exitCode(const kube::Error& e)
{
    if (e.httpStatus == 403)
        return Forbidden;
    if (e.apiReason == kube::Error::Reason::Conflict)
        return Changed;
    return Failed;
}

int exitCode(const std::vector<model::HealthResult>& results)
{
    using K = model::HealthResult::Kind;
    const auto any = [&](auto pred) { return std::any_of(results.begin(), results.end(), pred); };
    if (any([](const model::HealthResult& r) { return r.kind == K::Fail; }))
        return Unhealthy;
    if (any([](const model::HealthResult& r) { return r.forbidden; }))
        return Forbidden;
    if (any([](const model::HealthResult& r) { return r.kind != K::Pass; }))
        return Failed;
    return Done;
}

int exitCode(model::Verdict v)
{
    return v == model::Verdict::Passed ? Done : v == model::Verdict::Failed ? Unhealthy : Inconclusive;
}

} // namespace app
