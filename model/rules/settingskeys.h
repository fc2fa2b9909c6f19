#pragma once

#include "model/rules/settings.h"

#include <QString>
#include <QStringList>

// Every key under which the console saves a choice (QSettings), in one place: the window writes
// them (ui/), the start reads them back (app/main.cpp), and a key spelt differently at the two ends
// would lose the choice without a word. The names are what users' settings files already hold:
// renaming one forgets what was saved under it (tst_settings pins them).
namespace model::settingskeys {

inline const QString windowGeometry = QStringLiteral("mainWindow/geometry");
inline const QString pollInterval = QStringLiteral("pollIntervalSeconds"); // 0: watch; else seconds
inline const QString watchAfterSwap = QStringLiteral("watchAfterSwapSeconds");
inline const QString readOnly = QStringLiteral("readOnly");
inline const QString palette = QStringLiteral("palette"); // light or dark; not set: the desktop's
// The group of the desktop notifications' choices, one key per kind under it.
inline const QString notifications = QStringLiteral("notifications");

// The key of one kind of notification's saved choice ("notifications/liveUnhealthy").
inline QString notification(NoticeKind kind)
{
    switch (kind) {
    case NoticeKind::LiveUnhealthy:
        return notifications + QStringLiteral("/liveUnhealthy");
    case NoticeKind::ChangedByOthers:
        return notifications + QStringLiteral("/changedByOthers");
    case NoticeKind::LongAction:
        return notifications + QStringLiteral("/longActions");
    }
    return {};
}

// Every key a value is saved under (the group is not one).
inline QStringList all()
{
    return {windowGeometry,
            pollInterval,
            watchAfterSwap,
            readOnly,
            palette,
            notification(NoticeKind::LiveUnhealthy),
            notification(NoticeKind::ChangedByOthers),
            notification(NoticeKind::LongAction)};
}

} // namespace model::settingskeys
