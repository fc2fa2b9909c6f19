#include "model/rules/rules.h"

#include "model/rules/imageref.h"
#include "model/rules/release.h"
#include "model/rules/watchrules.h"

#include <algorithm>

namespace model {

using nlohmann::json;

namespace {

SwapOutcome swapOutcome(SwapOutcome::Status s, std::string message)
{
    SwapOutcome o;
    o.status = s;
    o.message = std::move(message);
    return o;
}

// Adds the checks of one service to a swap plan, each prefixed with the service's name in a group.
struct MemberChecks {
    SwapPlan& plan;
    std::string name;
    bool operator()(bool holds, std::string text, bool permission = false, bool changed = false,
                    std::string fix = {}) const
    {
        Check c{name + text, holds, permission, changed};
        c.fix = std::move(fix);
        plan.checks.push_back(std::move(c));
        return holds;
    }
};

SwapMember swapMember(const ServiceSpec& spec, const SwapFacts& r, Slot live)
{
    SwapMember m;
    m.spec = spec;
    m.liveHistory = r.live->meta.annotation(historyAnnotation);
    m.liveAuthors = r.live->meta.annotation(historyAuthorsAnnotation);
    m.liveResourceVersion = r.live->meta.resourceVersion;
    m.liveHasAnnotations = r.liveHasAnnotations;
    m.liveFrom = live;
    m.liveTo = other(live); // in a repair: where staging will point
    m.from = slotFacts(live, spec.slotDeployment(live), bySlot(live, r.a, r.b));
    m.to = slotFacts(other(live), spec.slotDeployment(other(live)), bySlot(other(live), r.a, r.b));
    return m;
}

std::string stagingText(Slot live, std::optional<Slot> staging, bool stagingBoth)
{
    if (staging == live)
        return "Staging points at the other slot (it points at slot " + letter(live) + " too: repair it first)";
    if (staging)
        return "Staging points at the other slot (slot " + letter(*staging) + ")";
    return std::string("Staging points at the other slot (it selects ") + (stagingBoth ? "both" : "neither") + ")";
}

// Rollback: the newest entry that can be read must be a swap away from what staging still runs.
// What others wrote that cannot be read is no swap of ours, and a watch's verdict moved nothing.
void checkRollback(const MemberChecks& check, const SwapMember& m)
{
    const auto history = kube::decodeHistory(m.liveHistory);
    const auto lastRead = std::find_if(history.rbegin(), history.rend(), [](const kube::HistoryEntry& e) {
        return e.readable() && e.action != watchAction;
    });
    const kube::HistoryEntry* last = lastRead == history.rend() ? nullptr : &*lastRead;
    const bool untouched = last && last->from.slot == name(m.liveTo) && last->from.image == m.to.image;
    check(untouched,
          last ? "The release that was live before the last swap still runs untouched in slot " + letter(m.liveTo) +
                     (untouched ? "" : " (staging was redeployed since)")
               : "There is a swap to roll back (no swap is recorded)",
          false, false,
          last ? "Nothing is left to roll back to: swap instead, once staging holds the release you want live."
               : "Nothing is recorded to roll back: swap instead, if staging holds the release you want live.");
}

bool healthPassed(const HealthFacts& h)
{
    return h.error.empty() && !h.pods.empty() &&
           std::all_of(h.pods.begin(), h.pods.end(), [](const HealthResult& r) { return r.passed(); });
}

// The checks of one service once both Services and both slots were read; false when it cannot be
// planned further.
bool checkSwapMember(SwapPlan& plan, const MemberChecks& check, const ServiceSpec& spec, const SwapFacts& r,
                     std::optional<Slot> expectLive)
{
    bool liveBoth = false, stagingBoth = false;
    const std::optional<Slot> selected = selectedSlot(*r.live, r.a, r.b, &liveBoth);
    const std::optional<Slot> staging = selectedSlot(*r.staging, r.a, r.b, &stagingBoth);
    if (!check(selected.has_value(),
               selected ? "Live selects exactly one slot (now slot " + letter(*selected) + ")"
                        : std::string("Live selects exactly one slot (it selects ") + (liveBoth ? "both" : "neither") +
                              ")",
               false, false,
               "Set the slot label in the selector of the Service " + spec.liveService +
                   " to the slot that should be live (kubectl edit); Signalbox does not guess which one."))
        return false;
    const Slot live = *selected;
    SwapMember m = swapMember(spec, r, live);
    if (plan.kind == SwapPlan::Kind::Repair) {
        check(staging == live,
              "Live and staging both point at slot " + letter(live) + ", so there is something to repair");
        check(r.mayPatchStaging, "You may patch the Service " + spec.stagingService, true);
        plan.members.push_back(m);
        return true;
    }
    // Before the other checks: a racer that lost reads "changed since", not a half state.
    if (expectLive &&
        !check(live == expectLive,
               "Live is on slot " + letter(*expectLive) + " as expected (it is on slot " + letter(live) + ")", false,
               true))
        return false;
    check(staging && staging != live, stagingText(live, staging, stagingBoth), false, false,
          staging == live ? "Repair it first (the service page's Repair button, or signalbox repair " + spec.name +
                                "): staging then points at the other slot."
                          : "Set the slot label in the selector of the Service " + spec.stagingService +
                                " to slot " + letter(other(live)) + " (kubectl edit).");
    if (plan.kind == SwapPlan::Kind::Rollback)
        checkRollback(check, m);
    check(m.to.rolledOut,
          "Staging (slot " + letter(m.liveTo) + ", " + m.to.deployment + ") is fully rolled out and ready (" +
              std::to_string(m.to.ready) + " of " + std::to_string(m.to.desired) + " ready)",
          false, false,
          "Wait for the rollout to finish; if it does not, the slot's tile shows its pods and their events.");
    // The gate before a swap: the staging pods answer the app's own health check. Not for a
    // rollback, which must stay possible to the release that was live before.
    if (plan.kind == SwapPlan::Kind::Swap && r.health && r.health->spec.configured()) {
        Check c = healthCheckOf(spec.name, *r.health, plan.skips(Evidence::Health));
        c.text = check.name + c.text;
        const bool passed = healthPassed(*r.health);
        m.healthCheck = passed ? "passed" : plan.skips(Evidence::Health) ? "skipped" : "failed";
        plan.checks.push_back(std::move(c));
    }
    if (plan.kind == SwapPlan::Kind::Swap && r.smoke && r.smoke->configured()) {
        Check c = smokeCheckOf(*r.smoke, plan.skips(Evidence::Smoke));
        c.text = check.name + c.text;
        m.smokeCheck = r.smoke->report.passed() ? "passed" : plan.skips(Evidence::Smoke) ? "skipped" : "failed";
        plan.checks.push_back(std::move(c));
    }
    if (plan.kind == SwapPlan::Kind::Swap && r.analysis && r.analysis->configured()) {
        Check c = analysisCheckOf(spec.name, *r.analysis, plan.skips(Evidence::Analysis));
        c.text = check.name + c.text;
        m.analysisCheck = analysisCheckName(*r.analysis, plan.skips(Evidence::Analysis));
        m.analysis = r.analysis;
        plan.checks.push_back(std::move(c));
    }
    check(r.mayPatchLive, "You may patch the Service " + spec.liveService, true);
    check(r.mayPatchStaging, "You may patch the Service " + spec.stagingService, true);
    check(r.mayRecord, "You may record events in " + spec.ns, true);
    plan.members.push_back(m);
    return true;
}

std::string shownValue(const std::optional<double>& v, const std::string& unit)
{
    return v ? formatValue(*v, unit) : std::string("no data");
}

// Why the analysis did not pass, in one sentence: each failing metric with both values and its
// condition; else why it is inconclusive.
std::string analysisWhy(const AnalysisFacts& a)
{
    if (!a.problem.empty())
        return a.problem;
    if (!a.look)
        return "it was not asked";
    const auto values = [](const MetricReading& m) {
        return m.name + ": staging " + shownValue(m.candidate, m.unit) + " against live " +
               shownValue(m.baseline, m.unit);
    };
    std::string failed;
    for (const MetricReading& m : a.look->metrics)
        if (m.outcome == Outcome::Fail)
            failed += (failed.empty() ? "" : "; ") + values(m) + ", fails " + m.condition;
    if (!failed.empty())
        return failed;
    if (!a.look->problem.empty())
        return "inconclusive, never a pass: " + a.look->problem;
    for (const MetricReading& m : a.look->metrics)
        if (m.outcome != Outcome::Pass) {
            // readMetric ends the explanation with why a value is missing, "(candidate: no data)", when known.
            const std::size_t why = m.explanation.rfind(" (");
            const bool told = why != std::string::npos && m.explanation.back() == ')';
            return "inconclusive, never a pass: " + values(m) + (told ? m.explanation.substr(why) : std::string());
        }
    return a.look->metrics.empty() ? "inconclusive, never a pass: no metrics were measured" : std::string();
}

} // namespace

Check analysisCheckOf(const std::string& service, const AnalysisFacts& a, bool skip)
{
    Check c;
    c.evidence = Evidence::Analysis;
    const std::string what = "Metrics of " + service + "'s staging are no worse than live";
    if (a.outcome() == Outcome::Pass) {
        std::string values;
        for (const MetricReading& m : a.look->metrics)
            values += (values.empty() ? "" : ", ") + m.name + " " + shownValue(m.candidate, m.unit) + " against " +
                      shownValue(m.baseline, m.unit);
        c.holds = true;
        c.text = what + " (" + values + " over " + promDuration(a.spec.windowSeconds) + ")";
        return c;
    }
    const std::string why = analysisWhy(a);
    c.holds = skip;
    c.text = what + (skip ? ": skipped, as you chose (" + why + ")" : " (" + why + ")");
    c.permission = !skip && a.look && a.look->forbidden;
    return c;
}

std::string analysisCheckName(const AnalysisFacts& a, bool skip)
{
    const Outcome o = a.outcome();
    return o == Outcome::Pass ? "passed" : skip ? "skipped" : o == Outcome::Fail ? "failed" : "inconclusive";
}

Check healthCheckOf(const std::string& service, const HealthFacts& h, bool skip)
{
    Check c;
    c.evidence = Evidence::Health;
    const std::string what = "Every staging pod of " + service + " answers the health check";
    std::string why;
    const HealthResult* failing = nullptr;
    if (!h.error.empty()) {
        why = h.error;
    } else if (h.pods.empty()) {
        why = "there are no staging pods to ask";
    } else {
        for (const auto& r : h.pods)
            if (!r.passed()) {
                failing = &r;
                break;
            }
        if (failing) {
            why = failing->target + " " + failing->sentence;
            const auto more =
                std::count_if(h.pods.begin(), h.pods.end(), [](const HealthResult& r) { return !r.passed(); });
            if (more > 1)
                why += ", and " + std::to_string(more - 1) + " more";
        }
    }
    const std::string asked = "GET " + h.spec.path + " on port " + h.spec.port;
    if (why.empty()) {
        c.holds = true;
        c.text = what + " (" + asked + ": " + std::to_string(h.pods.size()) + " of " + std::to_string(h.pods.size()) +
                 " answered " + std::to_string(h.spec.expectStatus) + ")";
        return c;
    }
    if (skip) {
        c.holds = true;
        c.text = what + ": skipped, as you chose (" + why + ")";
        return c;
    }
    c.holds = false;
    c.permission = failing && failing->forbidden;
    c.text = what + " (" + why + ")";
    return c;
}

std::vector<ServiceSpec> swapMembers(SwapPlan::Kind kind, const std::string& service,
                                     const std::vector<ServiceSpec>& known)
{
    const auto it = std::find_if(known.begin(), known.end(), [&](const ServiceSpec& s) { return s.name == service; });
    std::vector<ServiceSpec> members;
    if (it == known.end())
        return members;
    for (const auto& s : known)
        if (kind == SwapPlan::Kind::Repair ? s.name == service : s.group == it->group)
            members.push_back(s);
    return members;
}

SwapPlan planSwap(SwapPlan::Kind kind, const std::string& service, const std::vector<ServiceSpec>& members,
                  const std::vector<SwapFacts>& facts, std::optional<Slot> expectLive, const std::set<Evidence>& skip)
{
    SwapPlan plan;
    plan.kind = kind;
    if (kind == SwapPlan::Kind::Swap)
        plan.skipped = skip;
    plan.service = service;
    if (members.empty() || facts.size() != members.size()) {
        plan.checks.push_back({"There is a service named " + service + " (check its name and the namespace)", false});
        return plan;
    }
    plan.group = members.front().group;
    for (const auto& s : members)
        plan.memberKeys.push_back(s.ns + "/" + s.name);
    for (std::size_t i = 0; i < members.size(); ++i) {
        const ServiceSpec& spec = members[i];
        const SwapFacts& r = facts[i];
        const MemberChecks check{plan, members.size() > 1 ? spec.name + ": " : std::string()};
        if (r.error) {
            check(false, r.error->message, r.error->httpStatus == 403);
            continue;
        }
        const bool hasLive =
            check(r.live.has_value(), "The live Service " + spec.liveService + " exists in " + spec.ns);
        const bool hasStaging =
            check(r.staging.has_value(), "The staging Service " + spec.stagingService + " exists in " + spec.ns);
        check(r.a && r.b, "Both slot Deployments (" + spec.slotA + ", " + spec.slotB + ") exist");
        if (hasLive && hasStaging && r.a && r.b)
            checkSwapMember(plan, check, spec, r, expectLive);
    }
    return plan;
}

std::optional<SwapOutcome> refuseFreshSwap(const SwapPlan& confirmed, const SwapPlan& fresh)
{
    const std::string changed = confirmed.service + " changed since you looked: ";
    // A member that joined or left the group since: refused whatever else holds.
    const PlanDifference d = differenceFromConfirmed(confirmed, fresh);
    if (d.kind == PlanDifference::Kind::Members)
        return swapOutcome(SwapOutcome::Status::Conflict,
                           changed + d.why + ". Nothing was changed; look again and confirm what you see.");
    if (!fresh.allowed()) {
        const Check* f = fresh.firstFailure();
        // The evidence is taken again at execute: a pod that stopped answering refuses the swap.
        if (f && f->evidence && !f->permission)
            return swapOutcome(SwapOutcome::Status::Refused, "Refused: " + f->text +
                                                                 ". Nothing was changed; fix the release, or swap "
                                                                 "without " +
                                                                 evidenceText(*f->evidence) + ".");
        // The plan held when it was confirmed; what fails now changed since.
        const bool forbidden = f && f->permission;
        return swapOutcome(forbidden ? SwapOutcome::Status::Forbidden : SwapOutcome::Status::Conflict,
                           (forbidden ? std::string("Refused: ") : changed) +
                               (f ? f->text : std::string("no service")) + ". Nothing was changed.");
    }
    // What was confirmed must still be what would happen, member by member.
    if (d)
        return swapOutcome(SwapOutcome::Status::Conflict,
                           changed + d.why + ". Nothing was changed; look again and confirm what you see.");
    return std::nullopt;
}

SwapOutcome::Status livePatchFailure(const kube::Error& e)
{
    return e.apiReason == kube::Error::Reason::Conflict ? SwapOutcome::Status::Conflict
           : e.httpStatus == 403                        ? SwapOutcome::Status::Forbidden
                                                        : SwapOutcome::Status::Failed;
}

bool mayHaveBeenCarriedOut(const kube::Error& e)
{
    using Cause = kube::Error::Cause;
    if (e.kind == kube::Error::Kind::Transport)
        return e.cause == Cause::Timeout || e.cause == Cause::Broken || e.cause == Cause::Protocol ||
               e.cause == Cause::TooLarge || e.cause == Cause::Other;
    if (e.kind == kube::Error::Kind::Api)
        return e.httpStatus == 500 || e.httpStatus == 502 || e.httpStatus == 503 || e.httpStatus == 504;
    return e.kind == kube::Error::Kind::Decode; // an answer came, but could not be read
}

bool retryStagingPatch(const kube::Error& e, int attempt)
{
    return attempt < 2 && e.apiReason != kube::Error::Reason::Conflict;
}

kube::HistoryEntry swapHistoryEntry(const SwapPlan& plan, const SwapMember& m, const std::string& at)
{
    kube::HistoryEntry entry;
    entry.at = at;
    entry.user = plan.user;
    entry.action = plan.kind == SwapPlan::Kind::Rollback ? "rollback" : "swap";
    entry.service = m.spec.name;
    entry.from = m.from.record();
    entry.to = m.to.record();
    if (plan.kind == SwapPlan::Kind::Swap) {
        entry.healthCheck = m.healthCheck;
        if (m.smokeCheck != "none")
            entry.smokeCheck = m.smokeCheck;
        // What the person chose to swap without and that did fail: the skips that made a difference.
        if (m.healthCheck == "skipped")
            entry.skipped.push_back(evidenceName(Evidence::Health));
        if (m.smokeCheck == "skipped")
            entry.skipped.push_back(evidenceName(Evidence::Smoke));
        if (m.analysisCheck != "none")
            entry.analysisCheck = m.analysisCheck;
        if (m.analysisCheck == "skipped")
            entry.skipped.push_back(evidenceName(Evidence::Analysis));
        if (m.analysis && m.analysis->look)
            for (const MetricReading& r : m.analysis->look->metrics)
                if (entry.analysis.size() < kube::historyMetricsLimit)
                    entry.analysis.push_back(
                        {.name = r.name, .unit = r.unit, .staging = r.candidate, .live = r.baseline});
    }
    return entry;
}

std::set<std::string> readyPodIPs(const std::vector<kube::Pod>& pods)
{
    std::set<std::string> ips;
    for (const kube::Pod& p : pods)
        if (p.ready() && !p.podIP.empty() && p.meta.deletionTimestamp.empty())
            ips.insert(p.podIP);
    return ips;
}

std::set<std::string> readyEndpointAddresses(const std::vector<kube::EndpointSlice>& slices)
{
    std::set<std::string> addresses;
    for (const kube::EndpointSlice& s : slices)
        for (const auto& e : s.endpoints)
            if (e.ready)
                addresses.insert(e.addresses.begin(), e.addresses.end());
    return addresses;
}

bool endpointsMatch(const std::set<std::string>& readyPods, const std::set<std::string>& endpoints)
{
    return !readyPods.empty() && readyPods == endpoints;
}

std::string swapDoneMessage(const SwapPlan& plan, long long milliseconds)
{
    std::string names;
    for (const auto& m : plan.members)
        names += (names.empty() ? "" : ", ") + m.spec.name + " now live on slot " + letter(m.liveTo);
    return std::string(plan.kind == SwapPlan::Kind::Rollback ? "Rolled back: " : "Swapped: ") + names +
           ". The live endpoints are the new slot's ready pods (verified in " + std::to_string(milliseconds) + " ms).";
}

std::string movedText(const SwapPlan& plan)
{
    if (plan.kind == SwapPlan::Kind::Repair)
        return {};
    auto image = [](const SlotFacts& f) { return f.image.empty() ? std::string("no image read") : f.image; };
    std::string text;
    for (const auto& m : plan.members)
        text += (text.empty() ? "" : "\n") + m.spec.name + ": live is slot " + letter(m.liveTo) + ", " + image(m.to) +
                "; slot " + letter(m.liveFrom) + " (" + image(m.from) + ") is staging now.";
    return text;
}

std::string rollbackReason(const std::string& watchVerdict, const std::string& liveSlot,
                           const std::vector<PodHealth>& livePods)
{
    std::string failing;
    for (const auto& p : livePods)
        if (p.result.kind == HealthResult::Kind::Fail)
            failing += (failing.empty() ? "" : ", ") + p.pod + " (" + p.result.sentence + ")";
    std::string text;
    if (!watchVerdict.empty())
        text = "The watch after the swap: " + watchVerdict;
    if (!failing.empty())
        text += (text.empty() ? "" : "\n") + std::string("Pods of slot ") + liveSlot +
                " (live) that fail the health check now: " + failing + ".";
    return text;
}

std::string unverifiedMessage(const SwapMember& m, const EndpointFacts& facts)
{
    return "Swapped, but after 30 s the endpoints of " + m.spec.liveService + " are not the ready pods of slot " +
           letter(m.liveTo) + " (" + std::to_string(facts.endpoints.size()) + " endpoints, " +
           std::to_string(facts.readyPods.size()) + " ready pods" +
           (facts.failure.empty() ? "" : "; " + facts.failure) +
           "). Check the Service and the pods before relying on it.";
}

std::string stagingFailureMessage(const SwapPlan& plan, const SwapMember& m, const kube::Error& e)
{
    if (plan.kind == SwapPlan::Kind::Repair)
        return "The repair of " + m.spec.name + " failed: " + e.message;
    return "Half switched: " + m.spec.liveService + " now points at slot " + letter(m.liveTo) + ", but " +
           m.spec.stagingService + " still points at slot " + letter(m.liveTo) + " too (" + e.message +
           "). Live traffic goes to the new release; staging has no slot of its own. Repair it with `signalbox "
           "repair " +
           m.spec.name + "` (or the Repair button), which points " + m.spec.stagingService + " at slot " +
           letter(m.liveFrom) + ".";
}

DeployPlan deployRequest(DeployTarget target, const ServiceSpec& spec, const std::string& image)
{
    DeployPlan p;
    p.service = spec.name;
    p.spec = spec;
    p.target = target;
    p.imageText = image;
    if (target == DeployTarget::Live) {
        p.checks.push_back({"Live is never a deploy target: deploy to staging, then swap", false});
        return p;
    }
    std::string why;
    const auto ref = parseImageRef(image, &why);
    if (!ref) {
        p.badInput = true;
        p.checks.push_back({"\"" + image + "\" is an image reference (" + why + ")", false});
        return p;
    }
    p.ref = *ref;
    p.tag = ref->tag;
    return p;
}

namespace {

struct DeployChecks {
    DeployPlan& plan;
    bool operator()(bool holds, std::string text, bool permission = false) const
    {
        plan.checks.push_back({std::move(text), holds, permission});
        return holds;
    }
};

// Staging is the slot the staging Service selects and the live Service does not.
std::optional<kube::Deployment> stagingTarget(DeployPlan& p, const DeployChecks& check, const DeployFacts& r)
{
    const ServiceSpec& spec = p.spec;
    p.ns = spec.ns;
    check(r.live && r.staging,
          "The live and staging Services " + spec.liveService + " and " + spec.stagingService + " exist in " + spec.ns);
    bool both = false;
    const std::optional<Slot> selected = r.staging ? selectedSlot(*r.staging, r.a, r.b, &both) : std::nullopt;
    if (!check(selected.has_value(), "The staging Service selects exactly one slot"))
        return std::nullopt;
    const Slot slot = *selected;
    const auto& d = bySlot(slot, r.a, r.b);
    const bool notLive = !(r.live && d && kube::selectorMatches(r.live->selector, d->podTemplate.labels));
    if (!check(notLive, "The staging slot (" + displayName(slot) + ") is not live" +
                            (notLive ? "" : " (live and staging point at the same slot: repair it first)")))
        return std::nullopt;
    p.slot = slot;
    p.deployment = spec.slotDeployment(slot);
    check(d.has_value(), "The staging Deployment " + p.deployment + " exists");
    return d;
}

void pin(DeployPlan& p, const DeployChecks& check, const DeployFacts& r)
{
    if (!p.ref.digest.empty()) {
        p.pinned = p.ref.name() + "@" + p.ref.digest;
    } else if (r.manifest) {
        p.pinned = p.ref.name() + "@" + r.manifest->digest;
        p.created = r.manifest->created;
        p.revision = r.manifest->revision;
    }
    if (r.registryError)
        check(false, "The tag " + p.ref.tag + " resolves to a digest: " + r.registryError->message +
                         " Deploy by digest (repository@sha256:...) if the registry cannot be reached from here.");
    if (p.revision.empty())
        p.revision = commitFromTag(p.tag);
}

} // namespace

DeployPlan planDeploy(DeployTarget target, const ServiceSpec& spec, const std::string& image, const DeployFacts& facts)
{
    DeployPlan p = deployRequest(target, spec, image);
    if (!p.checks.empty())
        return p;
    p.user = facts.user;
    const DeployChecks check{p};
    if (facts.error) {
        check(false, facts.error->message, facts.error->httpStatus == 403);
        return p;
    }
    std::optional<kube::Deployment> targetDeployment;
    if (target == DeployTarget::Sandbox) {
        p.slot = Slot::Sandbox;
        p.ns = spec.sandboxNamespace;
        p.deployment = spec.sandboxDeployment;
        targetDeployment = facts.sandbox;
        check(facts.sandbox.has_value(), "The sandbox Deployment " + p.ns + "/" + p.deployment + " exists");
    } else {
        targetDeployment = stagingTarget(p, check, facts);
    }
    if (targetDeployment) {
        p.current = slotFacts(p.slot, p.deployment, targetDeployment);
        p.resourceVersion = targetDeployment->meta.resourceVersion;
        if (!targetDeployment->podTemplate.containers.empty())
            p.container = targetDeployment->podTemplate.containers.front().name;
    }
    pin(p, check, facts);
    check(facts.mayPatch, "You may patch the Deployment " + p.ns + "/" + p.deployment, true);
    if (target == DeployTarget::Staging && spec.runsMigrationsAtStart && spec.stagingSharesLiveDatabase)
        p.warning = spec.name + " runs its database migrations when it starts, and its staging slot shares "
                                "the live database: starting this image changes the live schema before any swap. Make "
                                "sure the live release works with the new schema.";
    return p;
}

std::optional<DeployOutcome> refuseFreshDeploy(const DeployPlan& confirmed, const DeployPlan& fresh)
{
    if (!fresh.allowed()) {
        const Check* f = fresh.firstFailure();
        return DeployOutcome{f && f->permission ? DeployOutcome::Status::Forbidden : DeployOutcome::Status::Refused,
                             "Refused: " + (f ? f->text : std::string("nothing to do")) + ". Nothing was changed."};
    }
    if (fresh.slot != confirmed.slot || fresh.deployment != confirmed.deployment)
        return DeployOutcome{DeployOutcome::Status::Conflict, fresh.service +
                                                                  " changed since you looked: staging is now " +
                                                                  fresh.place() + ". Nothing was changed."};
    return std::nullopt;
}

bool deploySucceeded(const DeployOutcome& o)
{
    return o.succeeded();
}

DeployOutcome::Status deployPatchFailure(const kube::Error& e)
{
    return e.httpStatus == 403                            ? DeployOutcome::Status::Forbidden
           : e.apiReason == kube::Error::Reason::Conflict ? DeployOutcome::Status::Conflict
                                                          : DeployOutcome::Status::Failed;
}

kube::HistoryEntry deployHistoryEntry(const DeployPlan& p, const std::string& at)
{
    kube::HistoryEntry entry;
    entry.at = at;
    entry.user = p.user;
    entry.action = "deploy";
    entry.service = p.service;
    entry.target = targetName(p.target);
    entry.from = p.current.record();
    const auto at_ = p.pinned.find('@');
    entry.to = {p.slot ? name(*p.slot) : std::string(),
                p.deployment,
                p.pinned,
                p.tag,
                at_ == std::string::npos ? std::string() : p.pinned.substr(at_ + 1),
                p.revision,
                p.created};
    return entry;
}

kube::Labels deployTemplateAnnotations(const kube::Labels& current, const DeployPlan& p, const std::string& at)
{
    // The tag stays beside the digest for people.
    const std::map<std::string, std::string> ours = {{tagAnnotation, p.tag},
                                                     {revisionAnnotation, p.revision},
                                                     {createdAnnotation, p.created},
                                                     {deployedAtAnnotation, at}};
    kube::Labels out = current;
    for (const auto& [k, v] : ours)
        if (v.empty())
            out.erase(k);
        else
            out[k] = v;
    return out;
}

bool deployedSlotIsLive(const kube::Service& live, const kube::Deployment& deployed)
{
    return kube::selectorMatches(live.selector, deployed.podTemplate.labels);
}

RolloutState rolloutState(const DeployPlan& p, const kube::Deployment& d, std::int64_t generation)
{
    RolloutState s;
    s.slot = slotFacts(p.slot, p.deployment, d);
    const kube::Condition* progressing = d.condition("Progressing");
    if (progressing && progressing->reason == "ProgressDeadlineExceeded") {
        s.kind = RolloutState::Kind::Stalled;
        s.message = "The rollout of " + p.deployment + " stalled: " + progressing->message +
                    " The slot keeps its old pods where they still run; look at the pods' events, fix the "
                    "image or its configuration, and deploy again.";
    } else if (d.observedGeneration >= generation && s.slot.rolledOut) {
        s.kind = RolloutState::Kind::Finished;
    }
    return s;
}

bool GroupDeployPlan::allowed() const
{
    return !members.empty() && firstRefused() == nullptr;
}

const DeployPlan* GroupDeployPlan::firstRefused() const
{
    for (const auto& m : members)
        if (!m.allowed())
            return &m;
    return nullptr;
}

std::string GroupDeployPlan::describe() const
{
    std::string s;
    for (const auto& m : members)
        s += m.describe();
    return s;
}

json GroupDeployPlan::toJson() const
{
    json all = json::array();
    for (const auto& m : members)
        all.push_back(m.toJson());
    return all;
}

std::string groupRepository(const ServiceSpec& spec, const std::optional<kube::Deployment>& current)
{
    if (!spec.imageRepository.empty())
        return spec.imageRepository;
    if (current && !current->podTemplate.containers.empty())
        if (auto ref = parseImageRef(current->podTemplate.containers.front().image))
            return ref->name();
    return {};
}

DeployPlan noRepositoryPlan(DeployTarget target, const ServiceSpec& spec)
{
    DeployPlan p;
    p.service = spec.name;
    p.spec = spec;
    p.target = target;
    p.badInput = true;
    p.checks.push_back({spec.name + " has no image repository: set `image:` for it in the configuration", false});
    return p;
}

GroupDeployPlan planGroupDeploy(const std::string& service, DeployTarget target, const std::string& tag,
                                std::vector<DeployPlan> members)
{
    GroupDeployPlan g;
    g.service = service;
    g.target = target;
    g.tag = tag;
    for (const auto& m : members)
        if (m.service == service)
            g.group = m.spec.group;
    if (tag.empty())
        for (auto& m : members)
            m.checks.push_back({"The members share a tag (give it with --tag, for example the commit)", false});
    g.members = std::move(members);
    return g;
}

std::string groupStopMessage(const std::string& failure, const std::vector<std::string>& deployed)
{
    std::string names;
    for (const auto& n : deployed)
        names += (names.empty() ? "" : ", ") + n;
    return failure + (names.empty() ? " Nothing else was deployed." : " Already deployed: " + names + ".");
}

} // namespace model
