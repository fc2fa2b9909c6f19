#pragma once

// When the console tells the person something on the desktop: pure functions over the previous
// and the new service states, this window's activities and the window's active state, so the
// rules are table-tested without a cluster, a bus or a window.

#include "model/rules/settings.h"
#include "model/state/servicestate.h"

#include <QDateTime>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace model {

struct Activity;

struct Notice {
    NoticeKind kind = NoticeKind::LiveUnhealthy;
    std::string summary; // "uro: live slot A is not healthy"
    std::string body;    // one sentence: what is wrong and what to look at
    // The body as said inside Signalbox, where "open Signalbox" would make no sense: it names the
    // page to open instead. Empty: the body serves both.
    std::string windowBody;
    // One sentence for the window's status area: the summary and the window's body together.
    std::string sentence() const;
};

// A live slot that stopped being healthy is told once; the latch is released only after the live
// slot has been healthy for this long without a break, so a flapping slot is told once.
constexpr int unhealthyRecoverySeconds = 60;
// Another change of the same group (or service, without one) within this time after a notice is
// part of the same change: a group swap moves each member, and is told once.
constexpr int changeFoldSeconds = 30;
// An action of this window that ran at least this long is told when it ends while the window is
// not active.
constexpr int longActionSeconds = 10;

// What the rule remembers between derivations, per service ("context/namespace/name").
struct NoticeMemory {
    struct Latch {
        bool told = false;      // a live-unhealthy notice was sent and not yet released
        QDateTime healthySince; // while told: since when the live slot is healthy again
    };
    std::map<std::string, Latch> unhealthy;
    std::map<std::string, QDateTime> lastChange; // by group key: when a change was last told
};

// Whether the live slot is healthy, unhealthy, or not known yet (no live slot, health check
// still asking): only a known state moves the latch.
enum class LiveHealth { Unknown, Healthy, Unhealthy };
LiveHealth liveHealthOf(const ServiceState& s);

// The facts for one derivation.
struct NoticeFacts {
    // Empty the first time: what is already wrong at the start is shown in the window, not told.
    const std::vector<ServiceState>* previous = nullptr;
    const std::vector<ServiceState>* current = nullptr;
    // This window's activities (the ActionRunner's): a change one of them made is not another's.
    const std::vector<Activity>* activities = nullptr;
    std::string user; // who this window is signed in as (the dashboard's userName())
    QDateTime now;
};

// The notices of one derivation, and the memory updated. A live slot that becomes unhealthy is
// told once (edge-triggered, latched as above); a change of the live slot or of slot A's or B's
// image that no running or recently ended (changeFoldSeconds) action of this window explains is
// told once per group and fold time. Kinds turned off are neither told nor latched.
std::vector<Notice> decideNotices(const NoticeFacts& facts, const NotificationChoices& choices, NoticeMemory& memory);

// An action of this window that just ended: told when it ran at least longActionSeconds and the
// window is not active. A watch after a swap counts like any other action.
std::optional<Notice> longActionNotice(const Activity& ended, bool windowActive, const NotificationChoices& choices);

} // namespace model
