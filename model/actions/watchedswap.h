#pragma once

#include "model/actions/swap.h"
#include "model/actions/swapwatch.h"

#include <QObject>
#include <optional>
#include <string>
#include <vector>

namespace model {

// How the watch after a swap ended.
struct WatchOutcome {
    enum class Verdict {
        Held,            // every member's slot held for the window
        Ended,           // ended before its window by the application (`why`); nothing had got worse
        Worse,           // a member got worse; no rollback was asked for
        RolledBack,      // a member got worse, and the checked rollback put live back
        RollbackRefused, // a member got worse; the rollback's checks did not hold, so nothing was changed
        RollbackFailed,  // a member got worse; the rollback was carried out and did not succeed
    };
    Verdict verdict = Verdict::Held;
    std::string why;      // what got worse ("uro: 2 of 2 pods of slot B fail ..."), or why it ended early
    std::string held;     // Held: "uro: slot B held for 5 min after the swap" (the last member's)
    std::string rollback; // after a rollback: "The rollback was refused: ...", "The rollback failed: ..." or
                          // the rollback's outcome ("Rolled back: ...")
    std::optional<kube::Error> notRecorded; // the first verdict the history refused

    bool ok() const { return verdict == Verdict::Held || verdict == Verdict::Ended; }
    // The result in the history entry: "held", "failed: why", "rolled back: why", or `why` when ended.
    std::string result() const;
    // What got worse and how the rollback went: "why. The rollback failed: ..."; empty when ok().
    std::string failure() const;
};

// The watch after a swap that succeeded, shared by the console's runner and `swap --watch`: each
// member's new live slot is watched for the same window (one SwapWatch each); the first member
// that gets worse ends the watch (the others stop unrecorded) and, when asked, starts the checked
// rollback; each verdict is recorded in its member's live Service's history as `user`. The runner
// watches each member of a group as an activity of its own, so it makes one of these per member.
class WatchedSwap : public QObject {
    Q_OBJECT

public:
    struct Member {
        ServiceSpec spec;
        Slot slot = Slot::A; // the slot the swap made live
    };
    // Whether a swap's end is followed by a watch: a swap (not a rollback or repair) that
    // succeeded, with a window to watch.
    static bool follows(const SwapPlan& plan, const SwapOutcome& outcome, int seconds);
    // The members of a swap that succeeded, each with the slot it made live.
    static std::vector<Member> membersOf(const SwapPlan& swapped);

    WatchedSwap(kube::Client* client, std::vector<Member> members, int seconds, std::string user,
                QObject* parent = nullptr);

    // When a member gets worse, roll back `service` (of `group`): planned on fresh reads of the
    // group in `config`, carried out only when every check holds.
    void setRollbackOnFailure(std::string service, std::vector<ServiceSpec> group, ServiceConfig config);

    // The configuration's top-level Prometheus, for the metric analysis of members that name none.
    void setPrometheus(const PrometheusTarget& topLevel);

    void start();
    // Ends without a verdict (another swap or rollback of the service began); no signal follows.
    void stop();
    // Ends every member still watched now, each with `why` ("ended when the window closed")
    // recorded as its verdict; `finished` follows.
    void endNow(const std::string& why);

Q_SIGNALS:
    // A member's look ("uro: slot B holds: ... (40 s of 5 min)"), or a step of the rollback.
    void progressed(const std::string& sentence);
    // A member's slot held for the window (its verdict is recorded next).
    void held(const std::string& sentence);
    // The first member that got worse; the others are stopped.
    void worse(const std::string& sentence);
    // The rollback passed its checks and is carried out now.
    void rollbackPlanned(const model::SwapPlan& plan);
    // The rollback ended (refused, failed or done: `outcome.rollback`), before the verdict is recorded.
    void rollbackEnded(const model::WatchOutcome& outcome);
    // A verdict the live Service's history refused; the verdict stands.
    void notRecorded(const kube::Error& error);
    // The verdict, once recorded (or refused).
    void finished(const model::WatchOutcome& outcome);

private:
    void memberHeld(SwapWatch* watch, const std::string& sentence);
    void memberWorse(SwapWatch* watch, const std::string& sentence);
    void rollBack(WatchOutcome outcome, SwapWatch* failed);
    // Records the verdict of `failed` and says it.
    void conclude(const WatchOutcome& outcome, SwapWatch* failed);
    void record(SwapWatch* watch, const std::string& result, std::function<void()> then);
    // After the history took the verdict: the namespace's record (kube/record.h), then `then`.
    void extendRecord(const std::string& ns, const kube::HistoryEntry& entry, std::function<void()> then);

    kube::Client* m_client;
    std::string m_user;
    std::vector<SwapWatch*> m_watches;
    std::size_t m_holding = 0; // members that have not yet held and been recorded
    bool m_decided = false;    // a member got worse, or the watch was ended or stopped
    WatchOutcome m_outcome;
    struct Rollback {
        std::string service;
        std::vector<ServiceSpec> group;
        ServiceConfig config;
    };
    std::optional<Rollback> m_rollback;
};

} // namespace model
