#pragma once

// What an action is, as a plan: the facts of each slot it touches, the checks that must hold, and
// how it ended. The confirm dialog, the command line (-o json too) and the audit record show
// these; the rules (model/rules/rules.h) make them and the executors (model/actions/) carry them
// out. Plain types, no I/O.

#include "kube/history.h"
#include "kube/objects.h"
#include "kube/patch.h"
#include "model/rules/analysislook.h"
#include "model/rules/imageref.h"
#include "model/rules/keys.h"
#include "model/rules/servicespec.h"
#include "model/rules/slot.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace model {

constexpr std::size_t historyCap = 20;       // entries kept on a live Service
constexpr std::size_t deployHistoryCap = 10; // entries kept on a Deployment

// What a slot runs, read fresh from its Deployment.
struct SlotFacts {
    std::optional<Slot> slot; // none: a plan that found no Deployment to read
    std::string deployment;
    bool exists = false;
    std::string image, tag, digest, commit, created;
    int desired = 0, updated = 0, ready = 0, available = 0;
    bool rolledOut = false; // model::rolledOut(): every desired pod is updated, available and ready
    kube::Labels selector;  // the Deployment's pod selector
    kube::HistorySlot record() const;
    nlohmann::json toJson() const;
};

// The metric analysis of one member before a swap: one look over the spec's window, staging's pods as
// the candidate against live's as the baseline.
struct AnalysisFacts {
    AnalysisSpec spec;                // no metrics: the service has no analysis, and the gate has no analysis check
    PrometheusTarget target;          // where the look was asked
    std::optional<AnalysisLook> look; // absent: not asked (then `problem` says why)
    std::string problem;              // why there is no look: no Prometheus, an annotation refused, pods not read
    // Metrics to measure, or a configuration that was refused (then the gate fails until it is corrected).
    bool configured() const { return !spec.metrics.empty() || !problem.empty(); }
    // Pass when every metric passed, Fail when one failed, else Inconclusive (never a pass).
    Outcome outcome() const;
};

// One service of a swap: which slot live selects now, and which it will select.
struct SwapMember {
    ServiceSpec spec;
    Slot liveFrom = Slot::A, liveTo = Slot::B; // live selects liveFrom; after the swap it selects liveTo
    SlotFacts from, to;                        // the slots' contents: `from` is live now, `to` goes live
    std::string liveHistory;                   // the live Service's history annotation as read
    std::string liveAuthors;                   // and its authors annotation (kube::HistoryRecord)
    std::string liveResourceVersion;           // the live Service's resourceVersion as read
    bool liveHasAnnotations = false;
    std::string healthCheck = "none"; // the staging pods' health check: "passed", "skipped" or "none"
    std::string smokeCheck = "none";  // the smoke requests to staging: "passed", "skipped" or "none"
    // The metric analysis of staging: "passed", "failed", "inconclusive", "skipped" or "none"; and
    // what it measured, kept so that the fresh plan at execute does not ask Prometheus again.
    std::string analysisCheck = "none";
    std::optional<AnalysisFacts> analysis;
};

// Evidence about staging that a swap's gate asks for and the person may choose to swap without:
// the app's health check of the staging pods, smoke requests to staging, metric analysis.
enum class Evidence { Health, Smoke, Analysis };
// "health", "smoke", "analysis": as the history and -o json record a skip.
const char* evidenceName(Evidence e);
std::optional<Evidence> evidenceNamed(std::string_view name);
// "the health check", "the smoke requests", "the metric analysis": for sentences.
std::string evidenceText(Evidence e);
// The command-line flag that skips it: "--skip-health-check", "--skip-smoke", "--skip-analysis".
std::string evidenceSkipFlag(Evidence e);

struct Check {
    std::string text; // what must hold, said plainly
    bool holds = false;
    bool permission = false; // a failed permission check (exit code 4 on the command line)
    bool changed = false;    // fails when the state moved on since it was expected (exit code 5)
    std::optional<Evidence> evidence =
        std::nullopt; // evidence about staging, which the person may skip; none: must hold
    std::string fix = {}; // what to do when it fails, in one sentence; empty: said by the kind of check
};

// The first check that does not hold, or nullptr when all hold.
const Check* firstFailedCheck(const std::vector<Check>& checks);

// A swap (or its rollback, or the repair of a half-done one) as a plan: what will change and
// what must hold. The confirm dialog, the command line and the audit record all show this.
struct SwapPlan {
    enum class Kind { Swap, Rollback, Repair };
    Kind kind = Kind::Swap;
    std::string service;
    std::string group;
    std::vector<SwapMember> members;
    std::vector<std::string> memberKeys; // "namespace/name" of every service planned, passing or not
    std::vector<Check> checks;
    std::string user;           // as the API server knows them (SelfSubjectReview)
    std::set<Evidence> skipped; // the evidence the person chose to swap without (a swap only)
    // A rollback: what found the release live now worse (model::rollbackReason), for the person
    // who confirms; empty when nothing did. Not part of what is carried out or compared.
    std::string why;

    bool allowed() const;
    // Some evidence fails, and only evidence does: swapping without what fails would go ahead.
    bool onlyEvidenceFails() const;
    bool evidenceFails(Evidence e) const;
    // The kinds of evidence whose checks fail, in order.
    std::set<Evidence> failingEvidence() const;
    // Allowed once the person skips `skip`: everything that fails is evidence among it.
    bool allowedSkipping(const std::set<Evidence>& skip) const;
    bool skips(Evidence e) const { return skipped.count(e) > 0; }
    const Check* firstFailure() const;
    bool refusedForPermission() const;
    bool refusedAsChanged() const;
    std::string verb() const; // "swap", "roll back", "repair"
    nlohmann::json toJson() const;
    std::string describe() const; // several lines for a terminal
};

struct SwapOutcome {
    // Unknown: a patch's answer was lost, so whether the server carried it out is not known; the
    // message says what a fresh read found.
    enum class Status { Done, Refused, Forbidden, Conflict, SplitState, Unknown, Failed };
    Status status = Status::Failed;
    std::string message;
    long long milliseconds = 0; // from the first patch to verified endpoints
    bool verified = false;
    // Done, with the live endpoints verified. (The command line's exit codes: app/exitcodes.h.)
    bool succeeded() const { return status == Status::Done && verified; }
};

// How a fresh plan differs from the one the person confirmed. The same means: the same kind,
// the same members (namespace and name), and for each the same slots, images and digests.
struct PlanDifference {
    enum class Kind { None, Members, Contents };
    Kind kind = Kind::None;
    std::string why; // a clause: "uro-extra (namespace uro) is now part of the group"
    explicit operator bool() const { return kind != Kind::None; }
};
PlanDifference differenceFromConfirmed(const SwapPlan& confirmed, const SwapPlan& fresh);

// `key` as one segment of a JSON Pointer (RFC 6901): "~" -> "~0", "/" -> "~1".
using kube::pointerEscape;

SlotFacts slotFacts(std::optional<Slot> slot, const std::string& deploymentName,
                    const std::optional<kube::Deployment>& d);

enum class DeployTarget { Sandbox, Staging, Live };

// Putting one image into sandbox or the staging slot, as a plan: what runs there now, the
// image pinned by digest, what must hold. Live is never a target.
struct DeployPlan {
    std::string service;
    DeployTarget target = DeployTarget::Staging;
    ServiceSpec spec;
    std::string ns, deployment;
    std::optional<Slot> slot; // the staging slot or the sandbox; none until the plan found it
    std::string imageText;    // as the user gave it
    ImageRef ref;
    std::string pinned; // registry/repository@sha256:...
    std::string tag, created, revision;
    SlotFacts current;
    std::string resourceVersion; // of the Deployment as read
    std::string container;
    std::vector<Check> checks;
    std::string user;
    std::string warning; // e.g. migrations that change the live schema

    bool allowed() const;
    const Check* firstFailure() const;
    std::string place() const; // "slot A", "sandbox"; "no slot" before the plan found one
    bool badInput = false;     // the image reference itself is wrong (exit code 2)
    std::string describe() const;
    nlohmann::json toJson() const;
};

struct DeployOutcome {
    enum class Status { Done, Refused, Forbidden, Conflict, Failed, Started };
    Status status = Status::Failed;
    std::string message;
    // Done, or (without waiting for the rollout) started. (The command line's exit codes: app/exitcodes.h.)
    bool succeeded() const { return status == Status::Done || status == Status::Started; }
};

const char* targetName(DeployTarget t);

} // namespace model
