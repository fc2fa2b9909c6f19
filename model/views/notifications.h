#pragma once

#include "model/views/notifyrules.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <vector>

namespace model {

class ActionRunner;
class Connection;
class WatchedServices;

// Gathers the facts of the notification rules (model/notifyrules.h) as they change: each
// derivation of the shown dashboard, and each action of the runner that ends. What it decides it
// raises; the application sends it to the desktop and the window's status area.
class Notifications : public QObject {
    Q_OBJECT

public:
    explicit Notifications(ActionRunner* runner, QObject* parent = nullptr);

    // The services of the current context and namespace choice, and its connection (who the user
    // is); a new choice starts afresh (what is already wrong there is shown, not told).
    void setSource(WatchedServices* watched, Connection* connection);
    void setChoices(const NotificationChoices& choices) { m_choices = choices; }
    const NotificationChoices& choices() const { return m_choices; }
    // Whether the person is looking at the window now (the application asks the window).
    void setWindowActive(std::function<bool()> active) { m_windowActive = std::move(active); }

Q_SIGNALS:
    void noticed(const model::Notice& notice);

private:
    void derived();
    void ended(int id);

    QPointer<ActionRunner> m_runner;
    QPointer<WatchedServices> m_watched;
    QPointer<Connection> m_connection;
    NotificationChoices m_choices;
    std::function<bool()> m_windowActive;
    NoticeMemory m_memory;
    std::vector<ServiceState> m_previous;
    bool m_havePrevious = false;
};

} // namespace model
