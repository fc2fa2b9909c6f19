#pragma once

#include "model/rules/settings.h"

#include <QMenu>

class QAction;

namespace ui {

// "Notifications": one checkable entry per kind of desktop notification. A choice applies at
// once and is saved (model::settingskeys::notification), like the window's other choices.
class NotificationsMenu : public QMenu {
    Q_OBJECT

public:
    explicit NotificationsMenu(QWidget* parent = nullptr);

    // The choices as resolved at the start (model/rules/settings.h); not saved.
    void setChoices(const model::NotificationChoices& choices);
    model::NotificationChoices choices() const;
    QAction* action(model::NoticeKind kind) const;

Q_SIGNALS:
    void choicesChanged(const model::NotificationChoices& choices);

private:
    QAction* m_unhealthy;
    QAction* m_changes;
    QAction* m_long;
};

} // namespace ui
