#pragma once

// "Needs attention first": how urgently a service asks for a person, as a pure function of its
// state, so the overview's default order and its tests read the same rule.

#include "model/state/servicestate.h"

namespace model {

// As the status rule (model/rules/status.h) decided it when the state last changed.
Attention attentionOf(const ServiceState& s);
// Whether `x` comes before `y` in attention-first order: the more urgent first, then by name,
// namespace and context, so the order is total and stable between refreshes.
bool attentionBefore(const ServiceState& x, const ServiceState& y);

} // namespace model
