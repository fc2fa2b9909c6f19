#pragma once

#include "kube/client.h"
#include "model/rules/plan.h"
#include "model/rules/servicespec.h"
#include "model/rules/slotdiff.h"

#include <QObject>
#include <functional>
#include <optional>
#include <string>

// Reads what the diff of two slots needs (model::diffSlots): the live and staging Services, the slot
// Deployments (and the sandbox when named), then the ConfigMaps both sides name at the same place. A
// ConfigMap that may not be read, or is not there, is a note in the diff, not a failure. Shared by
// `signalbox diff`, the confirm dialogs and the service page's Compare slots view.
namespace model {

// The sides a diff names: live, staging, sandbox, a, b.
bool knownDiffSide(const std::string& side);

struct SlotDiffAnswer {
    std::optional<SlotDiff> diff;
    // No diff: why, in one sentence (a side that is not there, a Service that selects no slot), or
    // the read that failed (`error` set; 403 says who may not read what).
    std::string problem;
    std::optional<kube::Error> error;
};

// `from` and `to` are known sides; a sandbox in another context than `client`'s is answered with its
// sentence. `done` is called once, always later on the event loop, never when
// `owner` is gone.
void readSlotDiff(kube::Client* client, const ServiceSpec& spec, const std::string& from, const std::string& to,
                  QObject* owner, std::function<void(SlotDiffAnswer)> done);

// A deploy: what the plan's Deployment runs now against what it will run with the plan's image (its
// container's image, tag, commit and build time; everything else stays).
void readDeployDiff(kube::Client* client, const DeployPlan& plan, QObject* owner,
                    std::function<void(SlotDiffAnswer)> done);

} // namespace model
