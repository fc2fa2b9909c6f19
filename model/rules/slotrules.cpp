#include "model/rules/slotrules.h"

#include "model/rules/counted.h"

namespace model {

std::optional<Slot> selectedSlot(const kube::Service& svc, const kube::Deployment* a, const kube::Deployment* b,
                                 bool* both)
{
    const bool ma = a && kube::selectorMatches(svc.selector, a->podTemplate.labels);
    const bool mb = b && kube::selectorMatches(svc.selector, b->podTemplate.labels);
    *both = ma && mb;
    if (ma != mb)
        return ma ? Slot::A : Slot::B;
    return std::nullopt;
}

std::optional<Slot> selectedSlot(const kube::Service& svc, const std::optional<kube::Deployment>& a,
                                 const std::optional<kube::Deployment>& b, bool* both)
{
    return selectedSlot(svc, a ? &*a : nullptr, b ? &*b : nullptr, both);
}

RolloutStatus rolloutOf(const kube::Deployment& d)
{
    const kube::Condition* progressing = d.condition("Progressing");
    if (d.meta.generation > d.observedGeneration)
        return {Rollout::Progressing, "waiting for the controller to see the new version"};
    if (progressing && progressing->reason == "ProgressDeadlineExceeded")
        return {Rollout::Stalled, "stalled: no progress for " + std::to_string(d.progressDeadlineSeconds) + " s"};
    if (d.replicas == 0)
        return {Rollout::ScaledDown, "scaled to zero"};
    if (d.updatedReplicas < d.replicas)
        return {Rollout::Progressing,
                std::to_string(d.updatedReplicas) + " of " + std::to_string(d.replicas) + " pods updated"};
    if (d.statusReplicas > d.updatedReplicas)
        return {Rollout::Progressing,
                counted(d.statusReplicas - d.updatedReplicas, "old pod", "old pods") + " still terminating"};
    if (d.availableReplicas < d.updatedReplicas)
        return {Rollout::Progressing, std::to_string(d.availableReplicas) + " of " + std::to_string(d.updatedReplicas) +
                                          " updated pods available"};
    if (d.readyReplicas < d.replicas)
        return {Rollout::Progressing,
                std::to_string(d.readyReplicas) + " of " + std::to_string(d.replicas) + " pods ready"};
    // More pods than desired (a scale-down under way), or counts the controller has not caught up on.
    if (d.updatedReplicas != d.replicas || d.statusReplicas != d.replicas || d.availableReplicas != d.replicas ||
        d.readyReplicas != d.replicas)
        return {Rollout::Progressing,
                "scaling to " + counted(d.replicas, "pod", "pods") + " (" + std::to_string(d.statusReplicas) + " now)"};
    return {Rollout::Complete, "rolled out"};
}

bool rolledOut(const kube::Deployment& d)
{
    return rolloutOf(d).state == Rollout::Complete;
}

} // namespace model
