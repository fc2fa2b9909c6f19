#pragma once

// The rules of one slot that the plans (model/rules/rules.h) and the service state
// (model/state/servicestate.h) share: which slot a Service selects, and how far a slot's
// Deployment has rolled out. Each is defined here once.

#include "kube/objects.h"
#include "model/rules/slot.h"
#include "model/rules/status.h"

#include <optional>
#include <string>

namespace model {

// Which slot a Service selects, given the two slot Deployments (nullptr: it does not exist):
// A, B, or none with `*both` set when it selects both (and clear when it selects neither).
std::optional<Slot> selectedSlot(const kube::Service& svc, const kube::Deployment* a, const kube::Deployment* b,
                                 bool* both);
std::optional<Slot> selectedSlot(const kube::Service& svc, const std::optional<kube::Deployment>& a,
                                 const std::optional<kube::Deployment>& b, bool* both);

struct RolloutStatus {
    Rollout state = Rollout::Unknown;
    std::string text; // "rolled out", "1 of 2 pods updated", "stalled: no progress for 600 s", ...
};

// Where a Deployment's rollout stands. Complete: the controller saw the newest spec, and every
// desired pod (at least one) is updated, available and ready, with no other pod left.
RolloutStatus rolloutOf(const kube::Deployment& d);
// The rollout is Complete: a slot a swap may send live traffic to, a deploy that finished.
bool rolledOut(const kube::Deployment& d);

} // namespace model
