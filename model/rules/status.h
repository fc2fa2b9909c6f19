#pragma once

// A service's status, decided once: how urgently it asks for a person (the overview's order), the
// chip the overview and the service page show, and the sentence behind it. A pure function of
// facts about the live and staging slots (readiness, rollout, the health check's answers) and of
// the watch after the latest swap, so a chip never says "Ready to swap" beside a failing check.

#include "model/rules/healthsummary.h"

#include <optional>
#include <string>
#include <vector>

namespace model {

enum class Rollout { Unknown, Progressing, Complete, Stalled, ScaledDown };
// Readiness as Kubernetes reports it (the health check's answers are a HealthSummary).
enum class Health { Healthy, Degraded, Down, Missing };
// The chip. Its words are badgeName's.
enum class Badge { InSync, ReadyToSwap, RollingOut, Attention, StagingFailsCheck, LiveFailsCheck, LiveGotWorse };

struct Anomaly {
    enum class Severity { Info, Warning, Critical };
    Severity severity = Severity::Warning;
    std::string text;
};

// Most urgent first; the overview sorts by this, then by name.
enum class Attention {
    Broken,      // live and staging on one slot, a live Service that selects both, neither or no slot,
                 // or any other anomaly of critical severity (live has no ready pod)
    LiveFailing, // live answers its health check with failures, has fewer ready pods than wanted, or
                 // the watch after the latest swap found it got worse
    Staging,     // staging is missing, short of ready pods (not while a healthy rollout goes on), failing its
                 // check, or its rollout stalled
    Warning,     // any other warning (a slot's problem, recent warning events, live not ready)
    Waiting,     // nothing wrong: staging is ready to swap
    Rolling,     // nothing wrong: a slot is rolling out
    Calm         // nothing wrong and nothing waiting
};

// What the status reads of one slot in its role (live or staging).
struct SlotStatusFacts {
    std::string label; // "A", "B"
    bool exists = false;
    int desired = 0, ready = 0;
    Health readiness = Health::Missing;
    Rollout rollout = Rollout::Unknown;
    std::string rolloutText;
    bool hasProblems = false;
    HealthSummary check;        // the pods' answers to the health check
    HealthSummary serviceCheck; // the role's Service's answer
    std::string image;          // as shown: the tag, else a short digest
};

struct StatusFacts {
    bool split = false;                     // live and staging select the same slot
    std::vector<Anomaly> anomalies;         // as derived, any order
    std::optional<SlotStatusFacts> live;    // the slot live selects, when it selects exactly one
    std::optional<SlotStatusFacts> staging; // the other slot staging selects, when it does
    bool sameRelease = false;               // staging runs what live runs
    std::string gotWorse;                   // the watch after the latest swap found live got worse: its sentence
    std::string stagingWorse;               // staging's metrics now fail their comparison with live's: its sentence
};

struct Status {
    Attention attention = Attention::Calm;
    Badge badge = Badge::InSync;
    std::string text; // one sentence: what the chip means for this service now
};

Status decideStatus(const StatusFacts& facts);

// "In sync", "Ready to swap", "Rolling out", "Attention", "Staging fails its check", "Live fails
// its check", "Live got worse"
const char* badgeName(Badge b);
// "broken", "live failing", "staging", "warning", "waiting", "rolling", "calm"
const char* attentionName(Attention a);

} // namespace model
