#include "model/views/notifyrules.h"

#include "model/actions/actionrunner.h"

#include <algorithm>
#include <unordered_map>

namespace model {

std::string Notice::sentence() const
{
    const std::string& said = windowBody.empty() ? body : windowBody;
    return said.empty() ? summary + "." : summary + ". " + said;
}

LiveHealth liveHealthOf(const ServiceState& s)
{
    const SlotState* live = s.liveSlot();
    if (!s.liveServiceExists || !live)
        return LiveHealth::Unknown;
    if (!live->exists || live->health != Health::Healthy || live->healthCheck.state == HealthSummary::State::Failing)
        return LiveHealth::Unhealthy;
    if (live->healthCheck.state == HealthSummary::State::Waiting)
        return LiveHealth::Unknown;
    return LiveHealth::Healthy;
}

namespace {

std::string keyOf(const ServiceState& s)
{
    return s.spec.context + "/" + s.spec.ns + "/" + s.spec.name;
}

std::string groupKeyOf(const ServiceState& s)
{
    return s.spec.group.empty() ? keyOf(s) : s.spec.context + "/" + s.spec.ns + "/group " + s.spec.group;
}

Notice unhealthyNotice(const ServiceState& s)
{
    const SlotState& live = *s.liveSlot();
    Notice n;
    n.kind = NoticeKind::LiveUnhealthy;
    n.summary = s.spec.name + ": live slot " + letter(*s.live) + " is not healthy";
    // What is wrong, and what to look at: on the desktop in Signalbox, in Signalbox on the service's page.
    std::string problem, look;
    if (!live.exists) {
        problem = "Its Deployment " + live.deployment + " is missing";
        look = "repair the live Service";
    } else if (live.healthCheck.state == HealthSummary::State::Failing) {
        problem = "Health check: " + live.healthCheck.text;
        look = "see which pods fail";
    } else {
        problem = !live.problems.empty()
                      ? live.problems.front()
                      : std::to_string(live.ready) + " of " + std::to_string(live.desired) + " pods are ready";
        look = "see its pods and events";
    }
    n.body = problem + "; open Signalbox to " + look + ".";
    n.windowBody = problem + "; open the page of " + s.spec.name + " to " + look + ".";
    return n;
}

bool explainedByThisWindow(const ServiceState& s, const std::vector<Activity>* activities, const QDateTime& now)
{
    if (!activities)
        return false;
    return std::any_of(activities->begin(), activities->end(), [&](const Activity& a) {
        return !a.watches() && a.touches(s.spec.ns, s.spec.name) &&
               (a.running() || (a.finished.isValid() && a.finished.secsTo(now) <= changeFoldSeconds));
    });
}

// Who the history says made the change: the newest readable entry the previous state did not have.
const kube::HistoryEntry* recordedEntry(const ServiceState& before, const ServiceState& after)
{
    for (auto it = after.history.rbegin(); it != after.history.rend(); ++it) {
        if (!it->readable() || it->user.empty())
            continue;
        const bool known = std::any_of(before.history.begin(), before.history.end(), [&](const kube::HistoryEntry& e) {
            return e.at == it->at && e.action == it->action && e.user == it->user;
        });
        if (!known)
            return &*it;
    }
    return nullptr;
}

std::string releaseOf(const SlotState& slot)
{
    const std::string shown = slot.imageDisplay();
    return shown.empty() ? slot.image : shown;
}

std::optional<Notice> changeNotice(const ServiceState& before, const ServiceState& after, const std::string& user)
{
    const bool swapped = before.live && after.live && before.live != after.live;
    std::vector<Slot> deployed;
    for (Slot slot : {Slot::A, Slot::B}) {
        const SlotState& p = before.slot(slot);
        const SlotState& c = after.slot(slot);
        if (p.exists && c.exists && !p.image.empty() && !c.image.empty() && p.image != c.image)
            deployed.push_back(slot);
    }
    if (!swapped && deployed.empty())
        return std::nullopt;
    // The name is told as a fact only when the API server vouches for it (model/authorship.h).
    const kube::HistoryEntry* recorded = recordedEntry(before, after);
    const std::string by = !recorded                ? "by someone outside Signalbox (no record in its history)"
                           : !vouched(*recorded)    ? "(" + recordedAs(*recorded) + ")"
                           : recorded->user == user ? "by " + user + " (you) from another window or the command line"
                                                    : "by " + recorded->user;
    Notice n;
    n.kind = NoticeKind::ChangedByOthers;
    std::vector<std::string> said;
    if (swapped) {
        n.summary = after.spec.name + (after.spec.group.empty() ? "" : " (group " + after.spec.group + ")") +
                    " was swapped " + by;
        said.push_back("Live is now slot " + letter(*after.live) + " (" + releaseOf(after.slot(*after.live)) +
                       "), it was slot " + letter(*before.live) + " (" + releaseOf(before.slot(*before.live)) + ").");
    } else {
        n.summary = after.spec.name + ": slot " + letter(deployed.front()) + " was deployed " + by;
    }
    for (Slot slot : deployed)
        said.push_back("Slot " + letter(slot) + " now runs " + releaseOf(after.slot(slot)) + ", it ran " +
                       releaseOf(before.slot(slot)) + ".");
    for (const auto& s : said)
        n.body += (n.body.empty() ? "" : " ") + s;
    return n;
}

} // namespace

std::vector<Notice> decideNotices(const NoticeFacts& facts, const NotificationChoices& choices, NoticeMemory& memory)
{
    std::vector<Notice> out;
    if (!facts.current)
        return out;
    std::map<std::string, NoticeMemory::Latch> latches;
    // The previous picture by key, so a thousand services are matched in one pass each.
    std::unordered_map<std::string, const ServiceState*> previous;
    if (facts.previous)
        for (const ServiceState& s : *facts.previous)
            previous.emplace(keyOf(s), &s);
    for (const ServiceState& s : *facts.current) {
        const std::string key = keyOf(s);
        const auto found = previous.find(key);
        const ServiceState* before = found == previous.end() ? nullptr : found->second;
        NoticeMemory::Latch latch = memory.unhealthy.count(key) ? memory.unhealthy[key] : NoticeMemory::Latch{};

        // The live slot's health: told on the edge, released after a stretch of health.
        switch (liveHealthOf(s)) {
        case LiveHealth::Unhealthy:
            if (!latch.told && before && choices.liveUnhealthy)
                out.push_back(unhealthyNotice(s));
            // Latched even when not told (first sight, or the kind turned off): turning the kind on,
            // or opening the window, does not tell what is already so.
            latch.told = true;
            latch.healthySince = {};
            break;
        case LiveHealth::Healthy:
            if (latch.told && !latch.healthySince.isValid())
                latch.healthySince = facts.now;
            if (latch.told && latch.healthySince.secsTo(facts.now) >= unhealthyRecoverySeconds)
                latch = {};
            break;
        case LiveHealth::Unknown:
            latch.healthySince = {};
            break;
        }
        latches[key] = latch;

        // A change that no action of this window explains.
        if (!before || explainedByThisWindow(s, facts.activities, facts.now))
            continue;
        auto change = changeNotice(*before, s, facts.user);
        if (!change)
            continue;
        const std::string group = groupKeyOf(s);
        const auto told = memory.lastChange.find(group);
        if (told != memory.lastChange.end() && told->second.secsTo(facts.now) < changeFoldSeconds)
            continue;
        memory.lastChange[group] = facts.now;
        if (choices.changedByOthers)
            out.push_back(*change);
    }
    // Services no longer shown are forgotten.
    memory.unhealthy = std::move(latches);
    return out;
}

std::optional<Notice> longActionNotice(const Activity& ended, bool windowActive, const NotificationChoices& choices)
{
    if (!choices.longActions || windowActive || ended.running() || !ended.started.isValid() ||
        !ended.finished.isValid())
        return std::nullopt;
    const qint64 seconds = ended.started.secsTo(ended.finished);
    if (seconds < longActionSeconds)
        return std::nullopt;
    Notice n;
    n.kind = NoticeKind::LongAction;
    n.summary = ended.title + (ended.state == Activity::State::Succeeded ? " finished" : " failed");
    n.body = ended.message;
    if (!n.body.empty() && n.body.back() != '.')
        n.body += '.';
    n.body += (n.body.empty() ? "" : " ") + std::string("It took ") + std::to_string(seconds) + " s.";
    return n;
}

} // namespace model
