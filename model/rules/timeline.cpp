#include "timeline.h"

#include "displaytext.h"
#include "net/text.h"
#include "slot.h"
#include "watchrules.h"

#include <QTimeZone>
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <utility>

namespace model {

std::optional<std::int64_t> recordedSeconds(const std::string& rfc3339)
{
    const QDateTime t = parseTime(QString::fromStdString(rfc3339));
    if (!t.isValid())
        return std::nullopt;
    return t.toSecsSinceEpoch();
}

std::optional<std::int64_t> recordedMillis(const std::string& rfc3339)
{
    const QDateTime t = parseTime(QString::fromStdString(rfc3339));
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

namespace {

constexpr std::array<std::pair<EntryOutcome, const char*>, 6> outcomeNames{{
    {EntryOutcome::Done, "done"},
    {EntryOutcome::Held, "held"},
    {EntryOutcome::Failed, "failed"},
    {EntryOutcome::RolledBack, "rolled back"},
    {EntryOutcome::Unknown, "unknown"},
    {EntryOutcome::Unreadable, "unreadable"},
}};

// Newest first; entries without a readable time after all others.
bool newerFirst(const TimelineEntry& x, const TimelineEntry& y)
{
    if (x.atMs && y.atMs)
        return *x.atMs > *y.atMs;
    return x.atMs.has_value() && !y.atMs.has_value();
}

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.rfind(prefix, 0) == 0;
}

} // namespace

const char* outcomeName(EntryOutcome o)
{
    for (const auto& [value, text] : outcomeNames)
        if (value == o)
            return text;
    return "unknown";
}

std::optional<EntryOutcome> outcomeNamed(const std::string& name)
{
    for (const auto& [value, text] : outcomeNames)
        if (name == text)
            return value;
    return std::nullopt;
}

EntryOutcome outcomeOf(const kube::HistoryEntry& e)
{
    if (!e.readable())
        return EntryOutcome::Unreadable;
    if (e.action != watchAction)
        return EntryOutcome::Done;
    if (e.result == "held" || startsWith(e.result, "held "))
        return EntryOutcome::Held;
    if (startsWith(e.result, "rolled back"))
        return EntryOutcome::RolledBack;
    if (startsWith(e.result, "failed"))
        return EntryOutcome::Failed;
    return EntryOutcome::Unknown;
}

std::optional<std::int64_t> TimelineEntry::seconds() const
{
    if (!at || !started || *started > *at)
        return std::nullopt;
    return *at - *started;
}

std::vector<TimelineEntry> timelineOf(const std::vector<RecordedHistory>& read)
{
    std::vector<TimelineEntry> all;
    std::set<std::string> seen; // service and entry text: what was listed already
    for (const RecordedHistory& h : read) {
        // Newest first within an annotation, so that a stable sort keeps that order among equal times.
        for (auto it = h.entries.rbegin(); it != h.entries.rend(); ++it) {
            const std::string service = it->service.empty() ? h.service : it->service;
            if (!seen.insert(service + '\n' +
                             it->toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                     .second)
                continue;
            TimelineEntry t;
            t.at = recordedSeconds(it->at);
            t.atMs = recordedMillis(it->at);
            t.started = it->started.empty() ? std::nullopt : recordedSeconds(it->started);
            t.service = service;
            t.group = h.group;
            t.source = h.source;
            t.outcome = outcomeOf(*it);
            t.entry = *it;
            all.push_back(std::move(t));
        }
    }
    std::stable_sort(all.begin(), all.end(), newerFirst);
    return all;
}

std::vector<TimelineEntry> timelineOf(const std::vector<RecordedHistory>& annotations,
                                      const std::vector<RecordedHistory>& records)
{
    std::vector<RecordedHistory> read = annotations;
    read.insert(read.end(), records.begin(), records.end());
    return timelineOf(read);
}

std::vector<RecordedHistory> recordedHistories(const std::string& ns, const std::vector<kube::HistoryEntry>& entries,
                                               const std::map<std::string, std::string>& groupOf)
{
    std::map<std::string, RecordedHistory> byService;
    for (const kube::HistoryEntry& e : entries) {
        const auto group = groupOf.find(e.service);
        if (e.readable() && group == groupOf.end())
            continue;
        RecordedHistory& h = byService[e.readable() ? e.service : std::string()];
        if (h.source.empty()) {
            h.service = e.readable() ? e.service : std::string();
            h.group = e.readable() ? group->second : std::string();
            h.source = "record " + ns;
        }
        h.entries.push_back(e);
        if (e.readable())
            h.entries.back().authorCheck = kube::AuthorCheck::RecordOnly;
    }
    std::vector<RecordedHistory> out;
    for (auto& [service, h] : byService)
        out.push_back(std::move(h));
    return out;
}

std::optional<std::int64_t> recordReach(const std::vector<std::string>& froms)
{
    std::optional<std::int64_t> reach;
    for (const std::string& from : froms)
        if (const auto t = recordedSeconds(from))
            reach = reach ? std::max(*reach, *t) : *t;
    return reach;
}

std::string recordReachText(std::optional<std::int64_t> reach)
{
    if (!reach)
        return "record: the history annotations only";
    return "record from " +
           QDateTime::fromSecsSinceEpoch(*reach, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd")).toStdString();
}

std::string recordedSlotText(const kube::HistorySlot& slot)
{
    std::string text = displayNameOfRecorded(slot.slot);
    const std::string commit = slot.commit.substr(0, 12);
    std::string version = slot.tag;
    if (version.empty()) {
        // "ghcr.io/v-sekai/uro:c41e7a9" -> "c41e7a9"; "...@sha256:abc..." -> "sha256:abc..." shortened.
        const std::size_t slash = slot.image.rfind('/');
        const std::size_t at = slot.image.find('@', slash == std::string::npos ? 0 : slash);
        const std::size_t colon = slot.image.find(':', slash == std::string::npos ? 0 : slash);
        if (at != std::string::npos)
            version = slot.image.substr(at + 1, 19);
        else if (colon != std::string::npos)
            version = slot.image.substr(colon + 1);
        else
            version = slot.image;
    }
    const bool tagIsCommit =
        version.size() >= 7 && !commit.empty() && (version.rfind(commit, 0) == 0 || slot.commit.rfind(version, 0) == 0);
    if (tagIsCommit)
        return text + " " + commit;
    if (!version.empty())
        text += " " + version;
    if (!commit.empty())
        text += " (commit " + commit + ")";
    return text;
}

bool tellsWhatHappened(const kube::Event& e)
{
    static const std::set<std::string> reasons{"ScalingReplicaSet", "SuccessfulRescale", "BackOff",   "Killing",
                                               "Evicted",           "OOMKilling",        "Unhealthy", "Preempting"};
    return reasons.count(e.reason) > 0 || startsWith(e.reason, "Failed");
}

namespace {

bool aboutSlot(const kube::Event& e, const ServiceEvents& s)
{
    if (e.involvedNamespace != s.ns)
        return false;
    for (const std::string& d : s.deployments) {
        if (d.empty())
            continue;
        if (e.involvedKind == "Deployment" && e.involvedName == d)
            return true;
        // A ReplicaSet is named DEPLOYMENT-HASH, its pods DEPLOYMENT-HASH-SUFFIX.
        if ((e.involvedKind == "ReplicaSet" || e.involvedKind == "Pod") && startsWith(e.involvedName, d + "-"))
            return true;
    }
    return false;
}

std::string lowered(const std::string& kind)
{
    std::string out = kind;
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

TimelineEntry eventEntry(const kube::Event& e, const ServiceEvents& s)
{
    TimelineEntry t;
    t.at = recordedSeconds(e.lastTimestamp);
    t.atMs = recordedMillis(e.lastTimestamp);
    t.service = s.service;
    t.group = s.group;
    t.source = "event " + net::text::cut(e.meta.name, 128, "…");
    TimelineEvent ev;
    ev.type = net::text::cut(e.type, 32, "…");
    ev.reason = net::text::cut(e.reason, 64, "…");
    ev.object = lowered(net::text::cut(e.involvedKind, 32, "…")) + " " + net::text::cut(e.involvedName, 253, "…");
    ev.message = net::text::cut(e.message, maxEventMessageBytes, "…");
    ev.count = std::max(1, e.count);
    t.entry.at = e.lastTimestamp.substr(0, 64);
    t.entry.action = eventAction;
    t.entry.result = ev.message;
    t.event = std::move(ev);
    return t;
}

} // namespace

std::vector<TimelineEntry> withEvents(const std::vector<TimelineEntry>& timeline,
                                      const std::vector<ServiceEvents>& events)
{
    std::map<std::string, std::int64_t> oldest; // service -> its oldest entry's time
    for (const TimelineEntry& t : timeline)
        if (t.at && !t.event) {
            const auto [it, added] = oldest.emplace(t.service, *t.at);
            if (!added)
                it->second = std::min(it->second, *t.at);
        }
    std::vector<TimelineEntry> added;
    for (const ServiceEvents& s : events) {
        const auto from = oldest.find(s.service);
        if (from == oldest.end())
            continue;
        std::vector<TimelineEntry> own;
        for (const kube::Event& e : s.events)
            if (tellsWhatHappened(e) && aboutSlot(e, s))
                if (TimelineEntry t = eventEntry(e, s); t.atMs && *t.at >= from->second)
                    own.push_back(std::move(t));
        std::stable_sort(own.begin(), own.end(), newerFirst);
        if (own.size() > maxEventsPerService)
            own.resize(maxEventsPerService);
        std::move(own.begin(), own.end(), std::back_inserter(added));
    }
    // Among equal times the recorded entries come first (the record is to the millisecond, an Event to the
    // second).
    std::vector<TimelineEntry> all = timeline;
    std::move(added.begin(), added.end(), std::back_inserter(all));
    std::stable_sort(all.begin(), all.end(), newerFirst);
    return all;
}

bool TimelineFilter::matches(const TimelineEntry& e) const
{
    if (e.event) {
        if (!events || !users.empty() || !actions.empty() || !outcomes.empty())
            return false;
        if (!services.empty() && !services.count(e.service))
            return false;
        return (!since || *e.at >= *since) && (!until || *e.at <= *until);
    }
    auto admits = [](const auto& set, const auto& value) { return set.empty() || set.count(value) > 0; };
    if (!admits(services, e.service) || !admits(users, e.entry.user) || !admits(actions, e.entry.action) ||
        !admits(outcomes, e.outcome))
        return false;
    if ((since || until) && !e.at)
        return false;
    return (!since || *e.at >= *since) && (!until || *e.at <= *until);
}

std::vector<TimelineEntry> filtered(const std::vector<TimelineEntry>& timeline, const TimelineFilter& filter)
{
    std::vector<TimelineEntry> kept;
    std::copy_if(timeline.begin(), timeline.end(), std::back_inserter(kept),
                 [&filter](const TimelineEntry& e) { return filter.matches(e); });
    return kept;
}

} // namespace model
