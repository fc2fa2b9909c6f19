#pragma once

#include <QDBusConnection>
#include <QDBusError>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>

namespace desktop {

// How the application names itself to the notification daemon.
struct AppIdentity {
    QString name;         // shown as the sender ("Signalbox")
    QString icon;         // an icon name of the theme, or a file path
    QString desktopEntry; // the .desktop file's name without ".desktop" (the "desktop-entry" hint)
};

// The address of the session bus the environment names: DBUS_SESSION_BUS_ADDRESS, else the
// socket $XDG_RUNTIME_DIR/bus when it exists (as libdbus looks); empty when there is none. No
// bus is started for the asking (no autolaunch).
QString sessionBusAddress(const QProcessEnvironment& env);

// Sends freedesktop notifications (org.freedesktop.Notifications.Notify) on the session bus,
// without waiting for the answer: the call goes out and its reply is taken when it comes.
class NotificationSender : public QObject {
    Q_OBJECT

public:
    // Connects to the session bus the process environment names, when there is one.
    explicit NotificationSender(AppIdentity identity, QObject* parent = nullptr);
    // Uses `bus` (tests hand one of their own).
    NotificationSender(AppIdentity identity, const QDBusConnection& bus, QObject* parent = nullptr);

    // A session bus is connected; without one nothing is sent and `unavailableReason` says why.
    bool available() const { return m_bus.isConnected(); }
    QString unavailableReason() const { return m_reason; }
    const AppIdentity& identity() const { return m_identity; }

    // Sends one notification; `urgent` asks the daemon to keep it until it is seen. `body` is plain
    // text (it quotes what the cluster says): escaped for a daemon that reads markup in bodies.
    void send(const QString& summary, const QString& body, bool urgent);
    // Whether the daemon reads markup in bodies ("body-markup" among its capabilities); assumed until
    // it says otherwise, so a body is never read as markup.
    bool bodyMarkup() const { return m_bodyMarkup; }
    int pending() const { return m_pending; }

Q_SIGNALS:
    // The daemon took it, under this id.
    void sent(uint id);
    // It was not shown: one sentence that says why and what to do.
    void failed(const QString& summary, const QString& sentence);

private:
    void askCapabilities();

    AppIdentity m_identity;
    QString m_reason; // before m_bus: the constructor writes it while connecting
    QDBusConnection m_bus;
    int m_pending = 0;
    bool m_bodyMarkup = true;
};

} // namespace desktop
