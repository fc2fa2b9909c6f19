#include "notificationsender.h"

#include <QDBusError>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QFileInfo>
#include <QVariantMap>

namespace desktop {

namespace {

const QString service = QStringLiteral("org.freedesktop.Notifications");
const QString path = QStringLiteral("/org/freedesktop/Notifications");
const QString connectionName = QStringLiteral("signalbox-notifications");

// How long a notification stays, in ms (-1: the daemon decides).
constexpr int expireDefault = -1;

QDBusConnection connectSession(const QString& address, QString* reason)
{
    if (address.isEmpty()) {
        *reason = QStringLiteral("There is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so "
                                 "notifications show in the window's status line only; run Signalbox in a desktop "
                                 "session to get them on the desktop.");
        return QDBusConnection(QString());
    }
    QDBusConnection bus = QDBusConnection::connectToBus(address, connectionName);
    if (!bus.isConnected())
        *reason = QStringLiteral("The D-Bus session bus cannot be reached (%1), so notifications show in the window's "
                                 "status line only; check DBUS_SESSION_BUS_ADDRESS.")
                      .arg(bus.lastError().message());
    return bus;
}

} // namespace

QString sessionBusAddress(const QProcessEnvironment& env)
{
    const QString named = env.value(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    if (!named.isEmpty())
        return named;
    const QString runtime = env.value(QStringLiteral("XDG_RUNTIME_DIR"));
    if (!runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus")))
        return QStringLiteral("unix:path=") + runtime + QStringLiteral("/bus");
    return {};
}

NotificationSender::NotificationSender(AppIdentity identity, QObject* parent)
    : QObject(parent), m_identity(std::move(identity)),
      m_bus(connectSession(sessionBusAddress(QProcessEnvironment::systemEnvironment()), &m_reason))
{
    askCapabilities();
}

NotificationSender::NotificationSender(AppIdentity identity, const QDBusConnection& bus, QObject* parent)
    : QObject(parent), m_identity(std::move(identity)), m_bus(bus)
{
    if (!m_bus.isConnected())
        m_reason = QStringLiteral("The D-Bus bus given is not connected, so notifications show in the window's status "
                                  "line only.");
    askCapabilities();
}

void NotificationSender::askCapabilities()
{
    if (!available())
        return;
    const QDBusMessage call = QDBusMessage::createMethodCall(service, path, service, QStringLiteral("GetCapabilities"));
    auto* watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher* w) {
        w->deleteLater();
        const QDBusPendingReply<QStringList> reply = *w;
        if (!reply.isError())
            m_bodyMarkup = reply.value().contains(QStringLiteral("body-markup"));
    });
}

void NotificationSender::send(const QString& summary, const QString& body, bool urgent)
{
    if (!available())
        return;
    QDBusMessage call = QDBusMessage::createMethodCall(service, path, service, QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(uchar(urgent ? 2 : 1)));
    if (!m_identity.desktopEntry.isEmpty())
        hints.insert(QStringLiteral("desktop-entry"), m_identity.desktopEntry);
    // The summary is never markup (the specification); the body is, for daemons that say so.
    const QString text = m_bodyMarkup ? body.toHtmlEscaped() : body;
    call << m_identity.name << uint(0) << m_identity.icon << summary << text << QStringList() << hints << expireDefault;
    ++m_pending;
    auto* watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, summary](QDBusPendingCallWatcher* w) {
        w->deleteLater();
        --m_pending;
        const QDBusPendingReply<uint> reply = *w;
        if (reply.isError()) {
            Q_EMIT failed(summary, QStringLiteral("The desktop did not show the notification (%1: %2); check that a "
                                                  "notification daemon runs in this session.")
                                       .arg(reply.error().name(), reply.error().message()));
            return;
        }
        Q_EMIT sent(reply.value());
    });
}

} // namespace desktop
