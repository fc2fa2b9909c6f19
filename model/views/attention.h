#pragma once

// "Needs attention first": how urgently a service asks for a person, as a pure function of its
// state, so the overview's default order and its tests read the same rule.

#include "model/state/servicestate.h"

namespace model {

// Most urgent first; the overview sorts by this, then by name.
enum class Attention {
    Broken,      // live and staging on one slot, a live Service that selects both, neither or no slot,
                 // or any other anomaly of critical severity (live has no ready pod)
    LiveFailing, // live answers its health check with failures, or has fewer ready pods than wanted
    Staging,     // staging is missing, short of ready pods (not while a healthy rollout goes on), failing its
                 // check, or its rollout stalled
    Warning,     // any other warning (a slot's problem, recent warning events, a badge of Attention)
    Waiting,     // nothing wrong: staging is ready to swap
    Rolling,     // nothing wrong: a slot is rolling out
    Calm         // nothing wrong and nothing waiting
};

Attention attentionOf(const ServiceState& s);
// Whether `x` comes before `y` in attention-first order: the more urgent first, then by name,
// namespace and context, so the order is total and stable between refreshes.
bool attentionBefore(const ServiceState& x, const ServiceState& y);
// "broken", "live failing", "staging", "warning", "waiting", "rolling", "calm"
const char* attentionName(Attention a);

} // namespace model
