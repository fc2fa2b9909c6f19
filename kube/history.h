#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

// The history annotation (signalbox.v-sekai.org/history) that swaps write on the live Service and
// deploys on a Deployment. Whoever may annotate those objects (the deployer role, operators) can
// write anything there, so every entry is decoded here, tolerantly, and nothing above reads it raw.
namespace kube {

// What ran in a slot at one side of a recorded change.
struct HistorySlot {
    std::string slot, deployment, image, tag, digest, commit, created;
    nlohmann::json toJson() const;
};

struct HistoryEntry {
    std::string at; // RFC 3339, as written
    std::string user, action, service;
    std::string target; // deploys: "staging" or "sandbox"
    // Swaps: whether the staging pods' health check "passed", was "skipped" by the person, or there
    // was "none" configured; empty in entries written before there was one (or not a string).
    std::string healthCheck;
    // How an action ended, when the entry says so: a watch after a swap writes "held",
    // "failed: why" or "rolled back: why". Absent in older entries.
    std::string result;
    HistorySlot from, to;
    // Why the entry could not be read; empty when it could. An unreadable entry is kept and shown.
    std::string unreadable;

    bool readable() const { return unreadable.empty(); }
    nlohmann::json toJson() const;
};

// Larger elements are not carried over when the history is rewritten (see appendHistory).
inline constexpr std::size_t historyElementLimit = 2048;
// Deeper JSON is not parsed at all: the library's copy and serialisation recurse per level.
inline constexpr int historyDepthLimit = 64;

// The entries of an annotation value, oldest first. Never throws: an element that is not a
// readable entry becomes an unreadable entry saying why, and a value that is not a JSON list is
// one unreadable entry saying so. An empty value has no entries.
std::vector<HistoryEntry> decodeHistory(const std::string& annotationValue);

// The annotation value with `entry` appended and only the newest `cap` elements kept. Elements
// someone else wrote are carried over as they are when they are at most historyElementLimit
// characters long, otherwise replaced by a short marker that says what was there; a value that is
// not a JSON list becomes such a marker. So the result stays small whatever was written before.
std::string appendHistory(const std::string& annotationValue, const HistoryEntry& entry, std::size_t cap);

} // namespace kube
