#include "model/views/attention.h"

#include <algorithm>
#include <tuple>

namespace model {

namespace {

bool hasAnomaly(const ServiceState& s, Anomaly::Severity severity)
{
    return std::any_of(s.anomalies.begin(), s.anomalies.end(),
                       [severity](const Anomaly& a) { return a.severity == severity; });
}

bool failsCheck(const SlotState& slot)
{
    return slot.healthCheck.state == HealthSummary::State::Failing;
}

// Fewer ready pods than it asks for (or no Deployment at all).
bool lacksPods(const SlotState& slot)
{
    return !slot.exists || slot.ready < slot.desired || slot.health == Health::Down;
}

} // namespace

Attention attentionOf(const ServiceState& s)
{
    const SlotState* live = s.liveSlot();
    const bool split = s.live && s.live == s.staging;
    if (split || hasAnomaly(s, Anomaly::Severity::Critical))
        return Attention::Broken;
    if (!live || lacksPods(*live) || failsCheck(*live) || s.liveServiceHealth.state == HealthSummary::State::Failing)
        return Attention::LiveFailing;
    const SlotState* staging = s.stagingSlot();
    // A staging slot that is rolling out is short of pods on its way to a release, not broken,
    // unless none is ready or its pods have problems (a rollout whose pods crash is still one).
    const bool stagingShort =
        staging && lacksPods(*staging) &&
        (staging->rollout != Rollout::Progressing || staging->ready == 0 || !staging->problems.empty());
    if (!staging || stagingShort || failsCheck(*staging) || staging->rollout == Rollout::Stalled ||
        s.stagingServiceHealth.state == HealthSummary::State::Failing)
        return Attention::Staging;
    if (hasAnomaly(s, Anomaly::Severity::Warning) || s.badge == Badge::Attention || live->health != Health::Healthy ||
        (staging->health != Health::Healthy && staging->rollout != Rollout::Progressing))
        return Attention::Warning;
    switch (s.badge) {
    case Badge::ReadyToSwap:
        return Attention::Waiting;
    case Badge::RollingOut:
        return Attention::Rolling;
    case Badge::InSync:
    case Badge::Attention:
        break;
    }
    return Attention::Calm;
}

bool attentionBefore(const ServiceState& x, const ServiceState& y)
{
    const int ax = static_cast<int>(attentionOf(x)), ay = static_cast<int>(attentionOf(y));
    return std::tie(ax, x.spec.name, x.spec.ns, x.spec.context) < std::tie(ay, y.spec.name, y.spec.ns, y.spec.context);
}

const char* attentionName(Attention a)
{
    switch (a) {
    case Attention::Broken:
        return "broken";
    case Attention::LiveFailing:
        return "live failing";
    case Attention::Staging:
        return "staging";
    case Attention::Warning:
        return "warning";
    case Attention::Waiting:
        return "waiting";
    case Attention::Rolling:
        return "rolling";
    case Attention::Calm:
        return "calm";
    }
    return "calm";
}

} // namespace model
