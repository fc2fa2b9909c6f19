#pragma once

#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// The history annotation (signalbox.v-sekai.org/history) that swaps write on the live Service and
// deploys on a Deployment. Whoever may annotate those objects (the deployer role, operators) can
// write anything there, so every entry is decoded here, tolerantly, and nothing above reads it raw.
namespace kube {

// Whether the API server checked who wrote an entry. model::judgeAuthors decides it from the entry's
// writtenBy and what is known of the admission policy where the entry was read
// (deploy/policy/history-authors.yaml); until then an entry is NotJudged, which vouches for nothing.
enum class AuthorCheck {
    NotJudged,
    Vouched,        // the policy is installed and the entry's user is the writer its author line names
    WrittenByOther, // the author line names someone other than the entry's user
    NoAuthor,       // no author line covers the entry: someone else's tool wrote it, or wrote over it
    BeforePolicy,   // written before the policy was installed
    PolicyMissing,  // the policy (or its binding) is not installed: author lines are not checked
    PolicyUnknown,  // whether the policy is installed is not known (it may not be read, or the read failed)
    RecordOnly,     // only the namespace's record (kube/record.h) holds it, and the policy does not cover that
};

// What ran in a slot at one side of a recorded change.
struct HistorySlot {
    std::string slot, deployment, image, tag, digest, commit, created;
    nlohmann::json toJson() const;
};

// One metric the gate's analysis measured before a swap: staging's value against live's (none: no data).
struct HistoryMetric {
    std::string name, unit;
    std::optional<double> staging, live;
    nlohmann::json toJson() const;
};

// Metrics kept per entry, and the characters of a metric's name or unit.
inline constexpr std::size_t historyMetricsLimit = 10;

struct HistoryEntry {
    std::string at; // RFC 3339, as written
    // When the action began (RFC 3339), so that `at` - `started` is how long it took; empty in entries
    // written before it was recorded.
    std::string started;
    std::string user, action, service;
    std::string target; // deploys: "staging" or "sandbox"
    // Swaps: whether the staging pods' health check "passed", was "skipped" by the person, or there
    // was "none" configured; empty in entries written before there was one (or not a string).
    std::string healthCheck;
    // Swaps: the smoke requests to staging, as healthCheck; empty when none were configured.
    std::string smokeCheck;
    // Swaps: the metric analysis of staging ("passed", "failed", "inconclusive", "skipped"; empty when
    // none was configured) and the values it measured, at most historyMetricsLimit.
    std::string analysisCheck;
    std::vector<HistoryMetric> analysis;
    // Swaps: the evidence the person chose to swap without and that failed ("health", "smoke",
    // "analysis"); empty in older entries.
    std::vector<std::string> skipped;
    // How an action ended, when the entry says so: a watch after a swap writes "held",
    // "failed: why" or "rolled back: why". Absent in older entries.
    std::string result;
    HistorySlot from, to;
    // Why the entry could not be read; empty when it could. An unreadable entry is kept and shown.
    std::string unreadable;
    // Who wrote this element by the authors annotation (see HistoryRecord): the user name on the
    // line that covers it, when that line's length frames exactly this element's text; empty when
    // no line does. Not part of toJson(): it is never written into the history itself.
    std::string writtenBy;
    AuthorCheck authorCheck = AuthorCheck::NotJudged;

    bool readable() const { return unreadable.empty(); }
    nlohmann::json toJson() const;
};

// The two annotations that hold a history on one object: `history`, the entries as a JSON list,
// oldest first; and `authors` (signalbox.v-sekai.org/history-authors), who wrote them, one line
// per entry, oldest first, newest last:
//
//     <length> <user>
//
// <user> is the API server's name of the writer and <length> the number of characters (Unicode code
// points, as CEL counts them) of that entry's JSON text in `history`; the newest line covers the
// list's last element, the line before it the element before, and so on. The lengths bind each
// name to the text it wrote, so the admission policy can check, as text, that a writer only
// appends (or withdraws their own newest entry). A user name holds no line break.
struct HistoryRecord {
    std::string history;
    std::string authors;
};

// Larger elements are not carried over when the history is rewritten (see appendHistory).
inline constexpr std::size_t historyElementLimit = 2048;
// Deeper JSON is not parsed at all: the library's copy and serialisation recurse per level.
inline constexpr int historyDepthLimit = 64;

// The entries of an annotation value, oldest first. Never throws: an element that is not a
// readable entry becomes an unreadable entry saying why, and a value that is not a JSON list is
// one unreadable entry saying so. An empty value has no entries.
std::vector<HistoryEntry> decodeHistory(const std::string& annotationValue);
// The same, each entry's writtenBy filled from the authors: walking from the newest line and the
// list's end, a line covers an element when the text its length frames is preceded by ',' or '['
// and reads as that very element; the first line that does not stops the walk (the entries before
// it have no author). Malformed authors (a line that is not "<length> <user>") cover nothing.
std::vector<HistoryEntry> decodeHistory(const HistoryRecord& record);
// The same, only the newest `newest` elements decoded: a long record (kube/record.h) is read no further back than
// it may hold, whatever someone else wrote into it.
std::vector<HistoryEntry> decodeHistory(const HistoryRecord& record, std::size_t newest);

// The annotation value with `entry` appended and only the newest `cap` elements kept. Elements
// someone else wrote are carried over as they are when they are at most historyElementLimit
// characters long, otherwise replaced by a short marker that says what was there; a value that is
// not a JSON list becomes such a marker. So the result stays small whatever was written before.
std::string appendHistory(const std::string& annotationValue, const HistoryEntry& entry, std::size_t cap);
// The same on both annotations, with `writer` (the API server's name of whoever sends the patch) as
// the new entry's author. The elements the authors cover are carried over character for character
// with their lines, as the admission policy requires; the elements before them are rewritten as
// above and have no line. An element that must be replaced (too large) loses its line, and so do all
// older ones.
// With `byteCap`, older elements are dropped too until both texts together (the history and the kept
// author lines) take at most that many bytes; the new entry is always kept. `trimmed`, when given,
// says what was dropped.
struct Trimmed {
    std::size_t dropped = 0; // elements of the old value not carried over
    std::string oldestAt;    // the `at` of the oldest element kept, as written (empty when it has none)
};
HistoryRecord appendHistory(const HistoryRecord& record, const HistoryEntry& entry, const std::string& writer,
                            std::size_t cap, std::size_t byteCap = std::numeric_limits<std::size_t>::max(),
                            Trimmed* trimmed = nullptr);

// The record without its newest element and that element's author line, when `writer` wrote it
// (its line names them and covers it): what the policy admits as withdrawing one's own entry. An
// empty field means the annotation is to be removed. nullopt when the newest entry is not `writer`'s.
std::optional<HistoryRecord> withdrawNewest(const HistoryRecord& record, const std::string& writer);

} // namespace kube
