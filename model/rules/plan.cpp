#include "model/rules/plan.h"

#include "model/rules/release.h"
#include "model/rules/slotrules.h"
#include "net/text.h"

#include <algorithm>

namespace model {

using nlohmann::json;

kube::HistorySlot SlotFacts::record() const
{
    return {slot ? name(*slot) : std::string(), deployment, image, tag, digest, commit, created};
}

json SlotFacts::toJson() const
{
    return record().toJson();
}

SlotFacts slotFacts(std::optional<Slot> slot, const std::string& deploymentName,
                    const std::optional<kube::Deployment>& d)
{
    SlotFacts f;
    f.slot = slot;
    f.deployment = deploymentName;
    if (!d)
        return f;
    f.exists = true;
    const Release release = releaseOf(d->podTemplate);
    f.image = release.image;
    f.tag = release.tag;
    f.digest = release.ref.digest;
    f.commit = release.commit;
    f.created = release.created;
    f.desired = d->replicas;
    f.updated = d->updatedReplicas;
    f.ready = d->readyReplicas;
    f.available = d->availableReplicas;
    f.selector = d->selector;
    f.rolledOut = rolledOut(*d);
    return f;
}

bool SwapPlan::allowed() const
{
    return !members.empty() && firstFailure() == nullptr;
}

const Check* firstFailedCheck(const std::vector<Check>& checks)
{
    for (const auto& c : checks)
        if (!c.holds)
            return &c;
    return nullptr;
}

const char* evidenceName(Evidence e)
{
    switch (e) {
    case Evidence::Health:
        return "health";
    case Evidence::Smoke:
        return "smoke";
    case Evidence::Analysis:
        return "analysis";
    }
    return "";
}

std::optional<Evidence> evidenceNamed(std::string_view name)
{
    for (Evidence e : {Evidence::Health, Evidence::Smoke, Evidence::Analysis})
        if (name == evidenceName(e))
            return e;
    return std::nullopt;
}

namespace {

// "  ok   TEXT" or "  FAIL TEXT", and under a failing check what to do about it when it says.
std::string checkLines(const std::vector<Check>& checks)
{
    std::string s;
    for (const auto& c : checks) {
        s += std::string(c.holds ? "  ok   " : "  FAIL ") + c.text + "\n";
        if (!c.holds && !c.fix.empty())
            s += "       " + c.fix + "\n";
    }
    return s;
}

} // namespace

std::string evidenceText(Evidence e)
{
    return e == Evidence::Health  ? "the health check"
           : e == Evidence::Smoke ? "the smoke requests"
                                  : "the metric analysis";
}

std::string evidenceSkipFlag(Evidence e)
{
    return e == Evidence::Health ? "--skip-health-check" : std::string("--skip-") + evidenceName(e);
}

Outcome AnalysisFacts::outcome() const
{
    return !problem.empty() || !look ? Outcome::Inconclusive : lookOutcome(*look);
}

bool SwapPlan::evidenceFails(Evidence e) const
{
    return std::any_of(checks.begin(), checks.end(), [e](const Check& c) { return c.evidence == e && !c.holds; });
}

std::set<Evidence> SwapPlan::failingEvidence() const
{
    std::set<Evidence> out;
    for (const auto& c : checks)
        if (c.evidence && !c.holds)
            out.insert(*c.evidence);
    return out;
}

bool SwapPlan::onlyEvidenceFails() const
{
    return !members.empty() && !failingEvidence().empty() &&
           std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.holds || c.evidence; });
}

bool SwapPlan::allowedSkipping(const std::set<Evidence>& skip) const
{
    return !members.empty() && std::all_of(checks.begin(), checks.end(), [&](const Check& c) {
        return c.holds || (c.evidence && skip.count(*c.evidence));
    });
}

const Check* SwapPlan::firstFailure() const
{
    return firstFailedCheck(checks);
}

bool SwapPlan::refusedAsChanged() const
{
    const Check* f = firstFailure();
    return f && f->changed;
}

bool SwapPlan::refusedForPermission() const
{
    const Check* f = firstFailure();
    return f && f->permission;
}

std::string SwapPlan::verb() const
{
    return kind == Kind::Swap ? "swap" : kind == Kind::Rollback ? "roll back" : "repair";
}

namespace {

// The gate's analysis of a member for -o json: each metric with both values and its outcome; null when none.
json analysisJson(const std::optional<AnalysisFacts>& a)
{
    if (!a)
        return nullptr;
    json metrics = json::array();
    if (a->look)
        for (const MetricReading& m : a->look->metrics) {
            kube::HistoryMetric values{.name = m.name, .unit = m.unit, .staging = m.candidate, .live = m.baseline};
            json j = values.toJson();
            j.update(json{{"condition", m.condition}, {"outcome", outcomeName(m.outcome)}});
            metrics.push_back(std::move(j));
        }
    json j = {{"outcome", outcomeName(a->outcome())}, {"windowSeconds", a->spec.windowSeconds}, {"metrics", metrics}};
    if (!a->problem.empty())
        j.update(json{{"problem", a->problem}});
    return j;
}

} // namespace

json SwapPlan::toJson() const
{
    json j = {{"action", kind == Kind::Swap       ? "swap"
                         : kind == Kind::Rollback ? "rollback"
                                                  : "repair"},
              {"service", service},
              {"group", group},
              {"user", user},
              {"allowed", allowed()}};
    if (skips(Evidence::Health))
        j.emplace("skipHealthCheck", true);
    if (!skipped.empty()) {
        json names = json::array();
        for (Evidence e : skipped)
            names.push_back(evidenceName(e));
        j.emplace("skipped", std::move(names));
    }
    json memberList = json::array(), checkList = json::array();
    for (const auto& m : members)
        memberList.push_back({{"service", m.spec.name},
                              {"namespace", m.spec.ns},
                              {"liveFrom", name(m.liveFrom)},
                              {"liveTo", name(m.liveTo)},
                              {"from", m.from.toJson()},
                              {"to", m.to.toJson()},
                              {"healthCheck", m.healthCheck},
                              {"smokeCheck", m.smokeCheck},
                              {"analysisCheck", m.analysisCheck},
                              {"analysis", analysisJson(m.analysis)}});
    for (const auto& c : checks)
        checkList.push_back({{"check", c.text}, {"holds", c.holds}});
    if (!members.empty())
        j.emplace("members", std::move(memberList));
    if (!checks.empty())
        j.emplace("checks", std::move(checkList));
    return j;
}

std::string SwapPlan::describe() const
{
    std::string s;
    for (const auto& m : members) {
        if (kind == Kind::Repair) {
            s += m.spec.name + ": point " + m.spec.stagingService + " at slot " + letter(m.liveTo) + " (" + m.to.image +
                 ")\n";
            continue;
        }
        s += m.spec.name + ": live " + m.spec.liveService + " slot " + letter(m.liveFrom) + " -> " + letter(m.liveTo) +
             "\n";
        s += "    from " + m.from.image +
             (m.from.commit.empty() ? "" : "  commit " + net::text::cut(m.from.commit, 12)) + "\n";
        s += "    to   " + m.to.image + (m.to.commit.empty() ? "" : "  commit " + net::text::cut(m.to.commit, 12)) +
             "  (" + std::to_string(m.to.ready) + "/" + std::to_string(m.to.desired) + " ready)\n";
    }
    s += "as user: " + (user.empty() ? std::string("(unknown)") : user) + "\n";
    s += checkLines(checks);
    return s;
}

PlanDifference differenceFromConfirmed(const SwapPlan& confirmed, const SwapPlan& fresh)
{
    if (confirmed.kind != fresh.kind)
        return {PlanDifference::Kind::Contents, "the action is not the one confirmed"};
    auto key = [](const SwapMember& m) { return m.spec.ns + "/" + m.spec.name; };
    auto keys = [&key](const SwapPlan& p) {
        std::vector<std::string> out = p.memberKeys;
        if (out.empty())
            for (const auto& m : p.members)
                out.push_back(key(m));
        std::sort(out.begin(), out.end());
        return out;
    };
    auto said = [](const std::string& k) {
        const auto slash = k.find('/');
        return k.substr(slash + 1) + " (namespace " + k.substr(0, slash) + ")";
    };
    const auto was = keys(confirmed), now = keys(fresh);
    for (const auto& k : now)
        if (!std::binary_search(was.begin(), was.end(), k))
            return {PlanDifference::Kind::Members,
                    said(k) + " is now part of the group and was not shown when you confirmed"};
    for (const auto& k : was)
        if (!std::binary_search(now.begin(), now.end(), k))
            return {PlanDifference::Kind::Members, said(k) + " is no longer part of the group"};
    auto find = [&key](const SwapPlan& p, const std::string& k) -> const SwapMember* {
        for (const auto& m : p.members)
            if (key(m) == k)
                return &m;
        return nullptr;
    };
    for (const auto& c : confirmed.members) {
        const SwapMember* f = find(fresh, key(c));
        if (!f)
            return {PlanDifference::Kind::Contents, c.spec.name + " can no longer be planned"};
        if (c.liveFrom != f->liveFrom || c.liveTo != f->liveTo)
            return {PlanDifference::Kind::Contents,
                    c.spec.name + "'s live slot is now " + letter(f->liveFrom) + ", not " + letter(c.liveFrom)};
        if (c.to.image != f->to.image || c.to.digest != f->to.digest)
            return {PlanDifference::Kind::Contents,
                    c.spec.name + "'s staging now runs " + f->to.image + ", not " + c.to.image};
        if (c.from.image != f->from.image || c.from.digest != f->from.digest)
            return {PlanDifference::Kind::Contents,
                    c.spec.name + "'s live slot now runs " + f->from.image + ", not " + c.from.image};
    }
    return {};
}

bool DeployPlan::allowed() const
{
    return firstFailure() == nullptr && !pinned.empty();
}

const Check* DeployPlan::firstFailure() const
{
    return firstFailedCheck(checks);
}

std::string DeployPlan::place() const
{
    return slot ? displayName(*slot) : std::string("no slot");
}

std::string DeployPlan::describe() const
{
    std::string s = service + ": deploy to " + targetName(target) +
                    (slot ? " (" + letter(*slot) + ", " + ns + "/" + deployment + ")" : std::string()) + "\n";
    if (current.exists)
        s += "    now  " + current.image + "\n";
    if (!pinned.empty())
        s += "    new  " + pinned + (tag.empty() ? "" : "  (tag " + tag + ")") +
             (revision.empty() ? "" : "  commit " + net::text::cut(revision, 12)) +
             (created.empty() ? "" : "  built " + created) + "\n";
    if (!warning.empty())
        s += "WARNING: " + warning + "\n";
    s += "as user: " + (user.empty() ? std::string("(unknown)") : user) + "\n";
    s += checkLines(checks);
    return s;
}

json DeployPlan::toJson() const
{
    json j = {{"service", service},       {"target", targetName(target)},
              {"namespace", ns},          {"deployment", deployment},
              {"image", pinned},          {"tag", tag},
              {"revision", revision},     {"created", created},
              {"from", current.toJson()}, {"user", user},
              {"allowed", allowed()},     {"warning", warning}};
    json checkList = json::array();
    for (const auto& c : checks)
        checkList.push_back({{"check", c.text}, {"holds", c.holds}});
    if (!checks.empty())
        j.emplace("checks", std::move(checkList));
    return j;
}

const char* targetName(DeployTarget t)
{
    return t == DeployTarget::Sandbox ? "sandbox" : t == DeployTarget::Staging ? "staging" : "live";
}

} // namespace model
