#include "model/rules/status.h"

#include <algorithm>

namespace model {

namespace {

using Sev = Anomaly::Severity;
using Check = HealthSummary::State;

bool hasAnomaly(const StatusFacts& f, Sev severity)
{
    return std::any_of(f.anomalies.begin(), f.anomalies.end(),
                       [severity](const Anomaly& a) { return a.severity == severity; });
}

// The first anomaly of the highest severity above Info, or nothing.
const Anomaly* worstAnomaly(const StatusFacts& f)
{
    const Anomaly* worst = nullptr;
    for (const auto& a : f.anomalies)
        if (a.severity != Sev::Info && (!worst || a.severity > worst->severity))
            worst = &a;
    return worst;
}

// Fewer ready pods than it asks for (or no Deployment at all).
bool lacksPods(const SlotStatusFacts& s)
{
    return !s.exists || s.ready < s.desired || s.readiness == Health::Down;
}

bool failsCheck(const SlotStatusFacts& s)
{
    return s.check.state == Check::Failing || s.serviceCheck.state == Check::Failing;
}

// "Live (slot A) fails its health check: 1 of 2 fail." (the pods' answers first, then the Service's)
std::string checkSentence(const char* role, const SlotStatusFacts& s)
{
    if (s.check.state == Check::Failing)
        return std::string(role) + " (slot " + s.label + ") fails its health check: " + s.check.text + ".";
    return std::string("The ") + (role[0] == 'L' ? "live" : "staging") +
           " Service fails its health check: " + s.serviceCheck.text + ".";
}

// An Attention chip: the worst anomaly when there is one, else `fallback`.
Status attention(Attention level, const StatusFacts& f, std::string fallback)
{
    const Anomaly* worst = worstAnomaly(f);
    return {level, Badge::Attention, worst ? worst->text : std::move(fallback)};
}

std::optional<Status> liveFailing(const StatusFacts& f)
{
    if (!f.gotWorse.empty())
        return Status{Attention::LiveFailing, Badge::LiveGotWorse, f.gotWorse};
    if (!f.live)
        return attention(Attention::LiveFailing, f, "Live selects no slot.");
    if (failsCheck(*f.live))
        return Status{Attention::LiveFailing, Badge::LiveFailsCheck, checkSentence("Live", *f.live)};
    if (lacksPods(*f.live))
        return attention(Attention::LiveFailing, f,
                         "Live (slot " + f.live->label + ") has " + std::to_string(f.live->ready) + " of " +
                             std::to_string(f.live->desired) + " pods ready.");
    return std::nullopt;
}

std::optional<Status> stagingFailing(const StatusFacts& f)
{
    if (!f.staging)
        return attention(Attention::Staging, f, "There is no staging slot to deploy to or to swap with.");
    const SlotStatusFacts& s = *f.staging;
    if (failsCheck(s))
        return Status{Attention::Staging, Badge::StagingFailsCheck, checkSentence("Staging", s)};
    if (!f.stagingWorse.empty())
        return Status{Attention::Staging, Badge::StagingFailsCheck, f.stagingWorse};
    if (s.rollout == Rollout::Stalled)
        return attention(Attention::Staging, f, "The rollout of staging (slot " + s.label + ") has stalled.");
    // A staging slot that is rolling out is short of pods on its way to a release, not broken,
    // unless none is ready or its pods have problems (a rollout whose pods crash is still one).
    if (lacksPods(s) && (s.rollout != Rollout::Progressing || s.ready == 0 || s.hasProblems))
        return attention(Attention::Staging, f,
                         "Staging (slot " + s.label + ") has " + std::to_string(s.ready) + " of " +
                             std::to_string(s.desired) + " pods ready.");
    return std::nullopt;
}

} // namespace

Status decideStatus(const StatusFacts& f)
{
    if (f.split || hasAnomaly(f, Sev::Critical))
        return attention(Attention::Broken, f, "Live and staging select the same slot.");
    if (auto s = liveFailing(f))
        return *s;
    if (auto s = stagingFailing(f))
        return *s;
    const SlotStatusFacts& live = *f.live;
    const SlotStatusFacts& staging = *f.staging;
    if (hasAnomaly(f, Sev::Warning) || live.readiness != Health::Healthy)
        return attention(Attention::Warning, f, "Live (slot " + live.label + ") is not healthy.");
    if (staging.readiness != Health::Healthy && staging.rollout != Rollout::Progressing)
        return attention(Attention::Warning, f,
                         "Staging (slot " + staging.label + ") is not ready: " + staging.rolloutText + ".");
    for (const SlotStatusFacts* s : {&staging, &live})
        if (s->rollout == Rollout::Progressing)
            return {Attention::Rolling, Badge::RollingOut,
                    std::string(s == &live ? "Live" : "Staging") + " is rolling out: " + s->rolloutText};
    if (!f.sameRelease && staging.rollout == Rollout::Complete)
        return {Attention::Waiting, Badge::ReadyToSwap,
                "Staging runs " + staging.image + ", ready to swap with live " + live.image + "."};
    if (f.sameRelease)
        return {Attention::Calm, Badge::InSync, "Staging runs the same image as live."};
    return {Attention::Calm, Badge::InSync, "Staging differs from live but is not ready: " + staging.rolloutText + "."};
}

const char* badgeName(Badge b)
{
    switch (b) {
    case Badge::InSync:
        return "In sync";
    case Badge::ReadyToSwap:
        return "Ready to swap";
    case Badge::RollingOut:
        return "Rolling out";
    case Badge::Attention:
        return "Attention";
    case Badge::StagingFailsCheck:
        return "Staging fails its check";
    case Badge::LiveFailsCheck:
        return "Live fails its check";
    case Badge::LiveGotWorse:
        return "Live got worse";
    }
    return "";
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
    return "";
}

} // namespace model
