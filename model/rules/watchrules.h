#pragma once

// The watch after a swap as pure functions: what one look at the new live slot found goes in, and
// out comes whether it got worse than when the swap finished, said in one sentence.
// model::SwapWatch only gathers the looks; tests/unit/tst_watchrules.cpp table-tests these.

#include "model/rules/healthcheck.h"
#include "model/rules/slot.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace model {

// The history's action for a watch's verdict (kube::HistoryEntry::action).
inline const std::string watchAction = "watch";

// How long a watch runs unless the configuration says otherwise.
constexpr int defaultWatchSeconds = 300;
// A health check that fails this many times in a row makes the slot worse; one failure is noise.
constexpr int watchFailuresInARow = 3;

// One pod of the new live slot, as one look read it.
struct WatchPod {
    std::string name;
    bool ready = false;
    int restarts = 0;
};

// One look at the new live slot of one service.
struct WatchLook {
    int desired = 0; // the slot Deployment's replicas
    std::vector<WatchPod> pods;
    std::vector<HealthResult> podChecks;      // empty when the checks were not asked this time
    std::optional<HealthResult> serviceCheck; // the live Service's check, when asked
    std::string readFailure;                  // the pods could not be read this time (not counted as worse)
};

// What the watch keeps between looks: the slot as the swap left it, and the checks' failing streaks.
struct WatchMemory {
    bool started = false;
    int readyAtSwap = 0;
    std::map<std::string, int> restartsAtSwap; // pod -> restarts when the swap finished
    std::map<std::string, int> failing;        // pod or Service -> failures in a row
    std::map<std::string, std::string> lastFailure;
};

// Which service and slot the watch is about, for the sentences.
struct WatchSubject {
    std::string service;      // "uro"
    std::string liveService;  // the live Service's name
    std::optional<Slot> slot; // the slot that went live
    int expectStatus = 200;
};

struct WatchJudgement {
    WatchMemory memory;
    bool worse = false;
    std::string sentence; // worse: what got worse; otherwise how the slot stands now
};

// Judges one look against the memory. The first look is the state the swap left (it sets the
// baseline of readiness and restarts; its failing checks count toward a streak). Worse is:
// fewer pods ready than when the swap finished (and than desired), a pod's restarts rising above
// its count at the swap (a new pod's above zero), or the pods' or the live Service's check
// failing watchFailuresInARow times in a row.
WatchJudgement judgeWatch(const WatchSubject& subject, const WatchMemory& memory, const WatchLook& look);

// How often a watch of `windowSeconds` looks: a sixth of the window, between 1 and 5 s, and no
// less often than the health check's own interval.
int watchLookSeconds(int windowSeconds, int healthIntervalSeconds);

// A duration as people write it on the command line: "30s", "5m", "1h", "1m30s". Nothing when it
// cannot be read or exceeds a day.
std::optional<int> parseDurationSeconds(const std::string& text);
// "5 min", "30 s", "1 h 30 min": a duration for a sentence.
std::string durationText(int seconds);

} // namespace model
