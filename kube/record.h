#pragma once

#include "kube/history.h"
#include "kube/net.h"
#include "kube/objects.h"

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

// The namespace's record: the ConfigMap signalbox-record, one per namespace where Signalbox writes a
// history, holds the entries of every service there, longer than the annotations keep them (20 on a
// live Service, 10 on a Deployment). The writers append to it after their annotation; the timeline and
// the delivery figures read both. Its data holds the same two texts as the annotations (kube::HistoryRecord,
// so the history-authors policy can check them the same way) and "record-from", from when it reaches:
//
//     history      the entries as a JSON list, oldest first
//     authors      who wrote them, one "<length> <user>" line per entry
//     record-from  RFC 3339: every entry written since is held (the oldest kept once the cap dropped some)
//
// Why these caps and what they cost: docs/design.md, "How far back the record reaches".
namespace kube {

class Client;

inline const std::string recordName = "signalbox-record";
inline const std::string recordHistoryKey = "history";
inline const std::string recordAuthorsKey = "authors";
inline const std::string recordFromKey = "record-from";

// The history and authors texts together stay within this many bytes, and hold at most so many entries.
inline constexpr std::size_t recordByteLimit = 256 * 1024;
inline constexpr std::size_t recordEntryLimit = 1000;
// A record larger than this was not written by Signalbox: it is not read (one unreadable entry says so).
inline constexpr std::size_t recordReadLimit = 2 * recordByteLimit;

struct NamespaceRecord {
    HistoryRecord record;
    std::string from; // RFC 3339 as written; empty before the first entry
};

// The record with `entry` (by `writer`, the API server's name of whoever writes) appended: the oldest
// entries dropped while it holds more than `entryCap` entries or more than `byteCap` bytes. Then it reaches
// from its oldest entry kept; a new record from its first entry; otherwise from where it did. Pure.
NamespaceRecord appendRecord(const NamespaceRecord& before, const HistoryEntry& entry, const std::string& writer,
                             std::size_t entryCap = recordEntryLimit, std::size_t byteCap = recordByteLimit);

// What a record holds, decoded as the annotations are (decodeHistory), its newest recordEntryLimit entries at
// most; a record past recordReadLimit bytes is one unreadable entry. `from` is cut to 64 characters.
struct ReadRecord {
    std::vector<HistoryEntry> entries;
    std::string from;
};
ReadRecord decodeRecord(const NamespaceRecord& stored);
// The record as a ConfigMap's data holds it (missing keys read as empty).
NamespaceRecord recordFromData(const Labels& data);

// Reads the record of each namespace; `done` once all have answered, by namespace: what it holds (a record
// not there yet holds nothing) or why it could not be read.
void readRecords(Client* client, const std::set<std::string>& namespaces,
                 std::function<void(std::map<std::string, Result<ReadRecord>>)> done);

// How appending to a record went. Not extended: one sentence (what was refused and what to do).
struct RecordWritten {
    bool extended = false;
    std::string problem;
    int requests = 0; // sent, for the benchmark and the tests
};

// Appends `entries` in order to the record in `ns`, one write each (the policy admits one new entry per
// write), by `writer`: reads it (created on first use), appends, and writes it with the resourceVersion it
// read; a conflict (someone else wrote first) reads again, up to five times per entry. `done` is called
// once. A refusal (403) or any other failure is not retried: the caller's action is done all the same.
void appendToRecord(Client* client, const std::string& ns, std::vector<HistoryEntry> entries, const std::string& writer,
                    std::function<void(RecordWritten)> done);

} // namespace kube
