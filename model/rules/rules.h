#pragma once

// The rules of swaps and deploys as pure functions over facts: what was read (Services,
// Deployments, access decisions, errors) goes in, checks and decisions come out. Swapper and
// Deployer only gather the facts and send the patches; tests/unit/tst_*rules.cpp table-test these.

#include "kube/objects.h"
#include "model/rules/healthcheck.h"
#include "model/rules/healthsummary.h"
#include "model/rules/plan.h"
#include "model/rules/slotrules.h"
#include "model/rules/smokereport.h"
#include "net/error.h"
#include "oci/registry.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace model {

// The app's health check of the staging slot's pods, asked when a swap is planned.
struct HealthFacts {
    HealthSpec spec;                // not configured: the service has no health check
    std::vector<HealthResult> pods; // every pod of the staging slot, in order
    std::string error;              // the pods could not be listed: why
};

// Everything a swap plan needs about one service, read fresh.
struct SwapFacts {
    std::optional<kube::Service> live, staging;
    std::optional<kube::Deployment> a, b;
    std::optional<kube::Error> error; // a read that failed other than with 404
    bool mayPatchLive = false, mayPatchStaging = false, mayRecord = false;
    bool liveHasAnnotations = false;
    std::optional<HealthFacts> health;     // swaps only; absent: not asked
    std::optional<SmokeFacts> smoke;       // swaps only; absent: not asked
    std::optional<AnalysisFacts> analysis; // swaps only; absent: not asked
};

// The services a plan of `kind` for `service` covers: a repair mends one service, a swap or a
// rollback moves its whole group. Empty when no service of that name is known.
std::vector<ServiceSpec> swapMembers(SwapPlan::Kind kind, const std::string& service,
                                     const std::vector<ServiceSpec>& known);

// The plan of a swap, rollback or repair; `facts[i]` was read for `members[i]`. `expectLive`:
// refuse (as changed) unless live is on this slot (none: any). A swap of a member with a
// health check also requires every staging pod to pass it, and one with smoke requests requires them
// to pass, unless that evidence is in `skip` (the person chose to swap without it; the plan and the
// history say so). Rollback and repair have no such gate.
SwapPlan planSwap(SwapPlan::Kind kind, const std::string& service, const std::vector<ServiceSpec>& members,
                  const std::vector<SwapFacts>& facts, std::optional<Slot> expectLive,
                  const std::set<Evidence>& skip = {});

// The health check of one member's staging pods as a check of the plan.
Check healthCheckOf(const std::string& service, const HealthFacts& health, bool skip);

// The metric analysis of one member's staging against live as a check of the plan (Evidence::Analysis).
Check analysisCheckOf(const std::string& service, const AnalysisFacts& analysis, bool skip);
// The gate's word for the analysis in the history: "passed", "failed", "inconclusive", or "skipped".
std::string analysisCheckName(const AnalysisFacts& analysis, bool skip);

// Why a fresh plan does not allow carrying out the confirmed one, as the outcome to report;
// nothing when it may go ahead.
std::optional<SwapOutcome> refuseFreshSwap(const SwapPlan& confirmed, const SwapPlan& fresh);

// The status a failed patch of a live Service maps to.
SwapOutcome::Status livePatchFailure(const kube::Error& e);
// Whether a failed request may still have been carried out: its answer was lost after it could have
// reached the server (a timeout, a connection that broke, a 5xx of a server that may still be
// working on it). A request that never left (no connection, TLS) or was refused was not.
bool mayHaveBeenCarriedOut(const kube::Error& e);
// Whether a failed patch of a staging Service is tried again (passing failures, twice).
bool retryStagingPatch(const kube::Error& e, int attempt);
// The entry recorded in the live Service's history for one member of a swap or rollback.
kube::HistoryEntry swapHistoryEntry(const SwapPlan& plan, const SwapMember& m, const std::string& at);

// Verification: the ready, not deleted pods' IPs, the ready endpoints' addresses, and whether the
// live endpoints are exactly the new slot's ready pods (and there is at least one).
std::set<std::string> readyPodIPs(const std::vector<kube::Pod>& pods);
std::set<std::string> readyEndpointAddresses(const std::vector<kube::EndpointSlice>& slices);
bool endpointsMatch(const std::set<std::string>& readyPods, const std::set<std::string>& endpoints);

// What one verification round read about the live Service of a member.
struct EndpointFacts {
    std::set<std::string> readyPods; // of the slot that went live
    std::set<std::string> endpoints; // ready addresses of the live Service's EndpointSlices
    std::string failure;             // a list that failed
};

// The sentences of a swap's ends: done and verified; endpoints that never matched; a staging
// patch that failed after live was switched (the half-switched state and its repair).
std::string swapDoneMessage(const SwapPlan& plan, long long milliseconds);
std::string unverifiedMessage(const SwapMember& m, const EndpointFacts& facts);
std::string stagingFailureMessage(const SwapPlan& plan, const SwapMember& m, const kube::Error& e);
// What a swap or rollback moved, one line per member: the slot live now and its image, and the
// slot that went to staging with its image. Empty for a repair (live did not move).
std::string movedText(const SwapPlan& plan);
// Why one would roll back: the watch's verdict after the swap (empty: none found it worse) and the
// pods of the live slot (`liveSlot`, "B") that fail the health check now. Empty when neither.
std::string rollbackReason(const std::string& watchVerdict, const std::string& liveSlot,
                           const std::vector<PodHealth>& livePods);

// Everything a deploy plan needs, read fresh (the Services and slots for staging, the sandbox
// Deployment for sandbox), with the registry's answer for a tag.
struct DeployFacts {
    std::optional<kube::Service> live, staging;
    std::optional<kube::Deployment> a, b, sandbox;
    std::optional<kube::Error> error; // a read that failed other than with 404
    std::optional<oci::ManifestInfo> manifest;
    std::optional<kube::Error> registryError;
    bool mayPatch = false; // the target Deployment(s)
    std::string user;
};

// The refusals that need no read: live as a target, an image reference that cannot be parsed.
// The returned plan has checks only when it is refused already.
DeployPlan deployRequest(DeployTarget target, const ServiceSpec& spec, const std::string& image);
// The plan of a deploy of `image` to `target`.
DeployPlan planDeploy(DeployTarget target, const ServiceSpec& spec, const std::string& image, const DeployFacts& facts);

// Why a fresh deploy plan does not allow carrying out the confirmed one; nothing when it may go on.
std::optional<DeployOutcome> refuseFreshDeploy(const DeployPlan& confirmed, const DeployPlan& fresh);
// Whether a deploy went through (done, or started with its rollout left to the cluster).
bool deploySucceeded(const DeployOutcome& o);
// The status a failed patch of a Deployment maps to.
DeployOutcome::Status deployPatchFailure(const kube::Error& e);
// The entry recorded in the Deployment's history for a deploy.
kube::HistoryEntry deployHistoryEntry(const DeployPlan& p, const std::string& at);
// The pod template's annotations after the deploy: the tag, commit, build and deploy times
// replace ours (an empty value removes it); others stay.
kube::Labels deployTemplateAnnotations(const kube::Labels& current, const DeployPlan& p, const std::string& at);
// The deploy guard: whether the live Service selects the Deployment the deploy patched.
bool deployedSlotIsLive(const kube::Service& live, const kube::Deployment& deployed);

// Where a followed rollout stands.
struct RolloutState {
    enum class Kind { Progressing, Finished, Stalled };
    Kind kind = Kind::Progressing;
    std::string message; // Stalled: the controller's reason, said for people
    SlotFacts slot;
};
// `generation`: the one the deploy's patch produced; the rollout has finished once the controller
// saw it and every pod is updated and ready; it stalled once the progress deadline passed.
RolloutState rolloutState(const DeployPlan& p, const kube::Deployment& d, std::int64_t generation);

// A group deploy: every member with the same tag, each from its own repository, all checked
// before the first is changed.
struct GroupDeployPlan {
    std::string service; // the one named
    std::string group;
    std::string tag;
    DeployTarget target = DeployTarget::Staging;
    std::vector<DeployPlan> members;

    bool allowed() const; // every member passes (and there is one)
    const DeployPlan* firstRefused() const;
    std::string describe() const;
    nlohmann::json toJson() const;
};

// The repository a member's image comes from: the configured one, else the one `current` (its
// slot A, or its sandbox Deployment) runs now, without tag or digest. Empty when neither says.
std::string groupRepository(const ServiceSpec& spec, const std::optional<kube::Deployment>& current);
// The plan of a member that has no repository to take the tag from.
DeployPlan noRepositoryPlan(DeployTarget target, const ServiceSpec& spec);
GroupDeployPlan planGroupDeploy(const std::string& service, DeployTarget target, const std::string& tag,
                                std::vector<DeployPlan> members);
// How a group deploy that stopped at a member's failure is reported: its message, and which
// members were deployed before it.
std::string groupStopMessage(const std::string& failure, const std::vector<std::string>& deployed);

} // namespace model
