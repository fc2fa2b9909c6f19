#pragma once

#include "kube/history.h"
#include "kube/objects.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

// The release timeline across services: every recorded deploy, swap, rollback, repair and watch
// verdict, read from the history annotations of each service's live Service and slot Deployments,
// newest first. Pure: the reads happen elsewhere.
namespace model {

// Seconds since the epoch of an RFC 3339 time as the history writes it; nothing when it is not one.
std::optional<std::int64_t> recordedSeconds(const std::string& rfc3339);
// The same in milliseconds: the order of entries written within one second.
std::optional<std::int64_t> recordedMillis(const std::string& rfc3339);

// What one history annotation held, and where it was read.
struct RecordedHistory {
    std::string service, group;
    std::string source; // "service uro", "deployment uro-a": for the person, not parsed
    std::vector<kube::HistoryEntry> entries;
};

// How an action ended, by what its entry says: a swap, rollback, repair or deploy is recorded when it
// was carried out ("done"); a watch writes "held", "failed: ..." or "rolled back: ...".
enum class EntryOutcome { Done, Held, Failed, RolledBack, Unknown, Unreadable };
const char* outcomeName(EntryOutcome o);
std::optional<EntryOutcome> outcomeNamed(const std::string& name);
EntryOutcome outcomeOf(const kube::HistoryEntry& e);

// A Kubernetes Event about a service's slot Deployment, its ReplicaSets or its pods: what happened
// between recorded entries (scaled, back-off, failed, killed). Cluster text: cut to its caps.
struct TimelineEvent {
    std::string type;   // "Normal", "Warning"
    std::string reason; // "ScalingReplicaSet", "BackOff", "Killing", "FailedScheduling", ...
    std::string object; // "deployment uro-a", "pod uro-a-7d9f8c6b54-x2kqp"
    std::string message;
    int count = 1;
};

struct TimelineEntry {
    std::optional<std::int64_t> at;      // when it ended; nothing when the entry's time is unreadable
    std::optional<std::int64_t> started; // when it began, when the entry says so (newer versions)
    std::optional<std::int64_t> atMs;    // `at` to the millisecond, for the order
    std::string service, group, source;
    EntryOutcome outcome = EntryOutcome::Unknown;
    kube::HistoryEntry entry; // as recorded, its author judged by whoever read it
    // Set for a Kubernetes Event shown between entries (entry.action is then "event"): not an action.
    std::optional<TimelineEvent> event;

    // How long it took: from started to at, when both are known and in order.
    std::optional<std::int64_t> seconds() const;
};

// Every entry of every history, newest first; entries with the same time keep the order they were
// read in, newest last within an annotation (so newest first here). Entries without a readable time
// sort after all others. A group swap appears once per member, as recorded. An entry read twice (its
// service's annotation and the namespace's record hold the same text) is listed once, as first read:
// give the annotations first, whose authors the policy checks.
std::vector<TimelineEntry> timelineOf(const std::vector<RecordedHistory>& read);
// The annotations, then the namespaces' records: an entry both hold is shown as the annotation has it.
std::vector<TimelineEntry> timelineOf(const std::vector<RecordedHistory>& annotations,
                                      const std::vector<RecordedHistory>& records);

// One namespace's record (kube/record.h) as histories to merge: its entries by service, only those of the
// services in `groupOf` (service -> group; the record holds every service of the namespace) and unreadable
// ones; each judged RecordOnly, as the history-authors policy does not cover the record.
std::vector<RecordedHistory> recordedHistories(const std::string& ns, const std::vector<kube::HistoryEntry>& entries,
                                               const std::map<std::string, std::string>& groupOf);

// From when the merged timeline holds every entry of the namespaces read: the latest of their records'
// "record from" times (unreadable ones are left out); nothing when no record says.
std::optional<std::int64_t> recordReach(const std::vector<std::string>& froms);
// "record from 2026-11-02" (UTC); "record: the history annotations only" when nothing says.
std::string recordReachText(std::optional<std::int64_t> reach);

// One side of a recorded change, short: "slot B 3f2c1a9 (commit 3f2c1a9d3376)"; a tag that is the commit
// itself is said once; an image without a recorded tag is named by its tag or digest.
std::string recordedSlotText(const kube::HistorySlot& slot);

// The Events of one service's slot Deployments (and their ReplicaSets and pods), as read.
struct ServiceEvents {
    std::string service, group;
    std::string ns;
    std::vector<std::string> deployments; // the slot Deployments' names in `ns`
    std::vector<kube::Event> events;      // any order; others' events among them are left out
};

inline constexpr std::size_t maxEventsPerService = 50;   // the newest kept
inline constexpr std::size_t maxEventMessageBytes = 300; // cut on a character boundary, "…" added
inline const std::string eventAction = "event";

// Whether an Event says what happened to a slot: scaled, back-off, failed, killed, evicted, unhealthy.
// Signalbox's own Events (Swapped, Deployed, RolledBack) repeat the record and are not.
bool tellsWhatHappened(const kube::Event& e);

// The Events of each service that say what happened and fall between its recorded entries (from its
// oldest entry on; an Event older than the record explains nothing in it), as timeline entries marked
// as events, interleaved newest first with `timeline` (among equal times, entries first). At most maxEventsPerService
// per service, the newest. Pure.
std::vector<TimelineEntry> withEvents(const std::vector<TimelineEntry>& timeline,
                                      const std::vector<ServiceEvents>& events);

struct TimelineFilter {
    std::set<std::string> services, users, actions; // empty: any
    std::set<EntryOutcome> outcomes;                // empty: any
    std::optional<std::int64_t> since, until;       // inclusive bounds on `at`
    // Events between entries are kept only when asked, and only by the service and time filters
    // (a person, an action or an outcome chosen names entries, not Events).
    bool events = false;
    bool matches(const TimelineEntry& e) const;
};
std::vector<TimelineEntry> filtered(const std::vector<TimelineEntry>& timeline, const TimelineFilter& filter);

} // namespace model
