#include "notificationsmenu.h"

#include "model/rules/settingskeys.h"
#include "model/views/notifyrules.h"
#include "text.h"

#include <QSettings>
#include <QSignalBlocker>

namespace ui {

NotificationsMenu::NotificationsMenu(QWidget* parent) : QMenu(tr("&Notifications"), parent)
{
    setObjectName(QStringLiteral("notificationsMenu"));
    auto add = [this](model::NoticeKind kind, const QString& text, const QString& name, const QString& why) {
        QAction* a = addAction(text);
        a->setObjectName(name);
        a->setCheckable(true);
        a->setChecked(true);
        a->setToolTip(tip(why));
        connect(a, &QAction::toggled, this, [this, kind](bool on) {
            QSettings().setValue(model::settingskeys::notification(kind), on);
            Q_EMIT choicesChanged(choices());
        });
        return a;
    };
    setToolTipsVisible(true);
    m_unhealthy =
        add(model::NoticeKind::LiveUnhealthy, tr("When a &live slot stops being healthy"),
            QStringLiteral("notifyLiveUnhealthy"), tr("Its pods are not all ready, or its health check fails"));
    m_changes = add(model::NoticeKind::ChangedByOthers, tr("When someone &else swaps or deploys"),
                    QStringLiteral("notifyChangedByOthers"), tr("A swap or deploy that this window did not start"));
    m_long = add(model::NoticeKind::LongAction, tr("When a long &action finishes in the background"),
                 QStringLiteral("notifyLongActions"),
                 tr("An action of this window that took %1 s or more ends while the window is not active")
                     .arg(model::longActionSeconds));
}

QAction* NotificationsMenu::action(model::NoticeKind kind) const
{
    switch (kind) {
    case model::NoticeKind::LiveUnhealthy:
        return m_unhealthy;
    case model::NoticeKind::ChangedByOthers:
        return m_changes;
    case model::NoticeKind::LongAction:
        return m_long;
    }
    return nullptr;
}

void NotificationsMenu::setChoices(const model::NotificationChoices& choices)
{
    for (auto kind :
         {model::NoticeKind::LiveUnhealthy, model::NoticeKind::ChangedByOthers, model::NoticeKind::LongAction}) {
        const QSignalBlocker block(action(kind));
        action(kind)->setChecked(choices.on(kind));
    }
}

model::NotificationChoices NotificationsMenu::choices() const
{
    model::NotificationChoices c;
    c.liveUnhealthy = m_unhealthy->isChecked();
    c.changedByOthers = m_changes->isChecked();
    c.longActions = m_long->isChecked();
    return c;
}

} // namespace ui
