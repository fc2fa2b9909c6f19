// Where the notification sender looks for the session bus, and what it does without one: it says
// why, and sends nothing (the window's status line is then all there is).
#include "desktop/notificationsender.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestNotifySender : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sessionBusAddress()
    {
        QTemporaryDir runtime;
        QVERIFY(runtime.isValid());
        QProcessEnvironment env;
        QCOMPARE(desktop::sessionBusAddress(env), QString());
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        // No socket there: no bus, and none is started for the asking.
        QCOMPARE(desktop::sessionBusAddress(env), QString());
        QFile bus(runtime.filePath(QStringLiteral("bus")));
        QVERIFY(bus.open(QIODevice::WriteOnly));
        bus.close();
        QCOMPARE(desktop::sessionBusAddress(env),
                 QStringLiteral("unix:path=") + runtime.path() + QStringLiteral("/bus"));
        // The variable wins.
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/run/user/1000/other"));
        QCOMPARE(desktop::sessionBusAddress(env), QStringLiteral("unix:path=/run/user/1000/other"));
    }

    void withoutABusNothingIsSent()
    {
        desktop::NotificationSender sender({QStringLiteral("Signalbox"), QStringLiteral("signalbox"), {}},
                                           QDBusConnection(QStringLiteral("not-connected")));
        QVERIFY(!sender.available());
        QVERIFY(!sender.unavailableReason().isEmpty());
        sender.send(QStringLiteral("uro: live slot A is not healthy"), QStringLiteral("Health check: 1 of 2 fail."),
                    true);
        QCOMPARE(sender.pending(), 0);
    }
};

QTEST_GUILESS_MAIN(TestNotifySender)
#include "tst_notifysender.moc"
