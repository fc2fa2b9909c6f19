// Desktop notifications from the real console against the local control plane, on a private D-Bus
// session bus this test starts (dbus-daemon with a minimal configuration, listening on a socket in
// a temporary folder). A recording service of the test owns org.freedesktop.Notifications on that
// bus and records every Notify call: a live slot whose health check starts failing is told once,
// and not again while it keeps failing; a swap by another user (the command line as operator) is
// told once for the whole group; a swap made in this window is not told; a kind turned off in the
// window's menu is not told, and the choice is saved.
#include "desktop/notificationsender.h"
#include "guisupport.h"
#include "model/rules/settingskeys.h"
#include "model/views/notifications.h"
#include "ui/mainwindow.h"
#include "ui/notificationsmenu.h"

#include <QAction>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusError>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using testsupport::kubectl;

// Owns org.freedesktop.Notifications on the test's bus and records what it is asked to show.
class NotificationRecorder : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Call {
        QString app, icon, summary, body;
        QVariantMap hints;
    };
    std::vector<Call> calls;

    int count(const QString& summaryPart) const
    {
        return int(
            std::count_if(calls.begin(), calls.end(), [&](const Call& c) { return c.summary.contains(summaryPart); }));
    }
    QString summaries() const
    {
        QStringList all;
        for (const auto& c : calls)
            all << c.summary;
        return all.join(QStringLiteral(" | "));
    }

public Q_SLOTS:
    uint Notify(const QString& app, uint replaces, const QString& icon, const QString& summary, const QString& body,
                const QStringList& actions, const QVariantMap& hints, int timeout)
    {
        Q_UNUSED(replaces);
        Q_UNUSED(actions);
        Q_UNUSED(timeout);
        calls.push_back({app, icon, summary, body, hints});
        return uint(calls.size());
    }
};

namespace {

QString healthCell(ui::MainWindow* w)
{
    auto* m = w->serviceModel();
    for (int row = 0; row < m->rowCount(); ++row)
        if (m->service(row)->spec.name == "uro")
            return m->data(m->index(row, model::ServiceListModel::HealthColumn)).toString();
    return {};
}

std::optional<model::Slot> liveOf(const model::WatchedServices* d, const std::string& service)
{
    const model::ServiceState* s = d ? d->service(service) : nullptr;
    return s ? s->live : std::nullopt;
}

const QString unhealthy = QStringLiteral("uro: live slot A is not healthy");

} // namespace

class TestNotificationsGui : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    NotificationRecorder m_recorder;

    // Waits until the health monitor has asked `more` further questions (several rounds of the
    // 1-second checks), so that a notice that would repeat has had its chances.
    static void letChecksRun(model::HealthMonitor* monitor, int more)
    {
        const long long from = monitor->asked();
        QTRY_VERIFY_WITH_TIMEOUT(monitor->asked() >= from + more, 30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        REQUIRE_CLUSTER();
        QVERIFY(m_dir.isValid());
        // A session bus of this test's own: a socket in its temporary folder, no activation of
        // installed services, anyone may own any name.
        const QString config = m_dir.filePath(QStringLiteral("session.conf"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                               " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                               "<busconfig>\n"
                               "  <type>session</type>\n"
                               "  <listen>unix:dir=%1</listen>\n"
                               "  <auth>EXTERNAL</auth>\n"
                               "  <policy context=\"default\">\n"
                               "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                               "    <allow eavesdrop=\"true\"/>\n"
                               "    <allow own=\"*\"/>\n"
                               "  </policy>\n"
                               "</busconfig>\n")
                    .arg(m_dir.path())
                    .toUtf8());
        f.close();
        m_bus.start(QStringLiteral("dbus-daemon"), {QStringLiteral("--config-file=") + config,
                                                    QStringLiteral("--print-address"), QStringLiteral("--nofork")});
        QVERIFY2(m_bus.waitForStarted(10000), "dbus-daemon did not start; scripts/setup installs it (package dbus)");
        QTRY_VERIFY_WITH_TIMEOUT(m_bus.canReadLine() || m_bus.state() != QProcess::Running, 10000);
        const QString address = QString::fromUtf8(m_bus.readLine()).trimmed();
        QVERIFY2(address.startsWith(QStringLiteral("unix:")), qPrintable(address));
        // The console under test finds the bus as a desktop session's program does.
        qputenv("DBUS_SESSION_BUS_ADDRESS", address.toUtf8());

        QDBusConnection recorder = QDBusConnection::connectToBus(address, QStringLiteral("recorder"));
        QVERIFY2(recorder.isConnected(), qPrintable(recorder.lastError().message()));
        QVERIFY(recorder.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &m_recorder,
                                        QDBusConnection::ExportAllSlots));
        QVERIFY(recorder.registerService(QStringLiteral("org.freedesktop.Notifications")));

        testsupport::resetExample();
        testsupport::clearPodHealth();
        QSettings().remove(model::settingskeys::notifications);
    }

    void cleanupTestCase()
    {
        testsupport::clearPodHealth();
        QSettings().remove(model::settingskeys::notifications);
        QDBusConnection::disconnectFromBus(QStringLiteral("recorder"));
        if (m_bus.state() == QProcess::Running) {
            m_bus.terminate();
            if (!m_bus.waitForFinished(5000))
                m_bus.kill();
        }
    }

    void init()
    {
        testsupport::clearPodHealth();
        m_recorder.calls.clear();
    }

    void aLiveSlotGoingUnhealthyIsToldOnce()
    {
        guisupport::Console c(QStringLiteral("viewer"), guisupport::everySecond());
        QVERIFY2(c.console->notificationSender()->available(),
                 qPrintable(c.console->notificationSender()->unavailableReason()));
        QTRY_COMPARE_WITH_TIMEOUT(healthCell(c.window), QStringLiteral("live 2/2 answer · staging 2/2 answer"), 20000);
        // Healthy before: what is wrong at the start is shown, not told.
        QCOMPARE(model::liveHealthOf(*c.console->dashboard()->watched()->service("uro")), model::LiveHealth::Healthy);
        const QStringList live = testsupport::podsOf(QStringLiteral("a"));
        QCOMPARE(live.size(), 2);
        QVERIFY(testsupport::setPodHealth(live.first(), QStringLiteral("fail")));

        QTRY_VERIFY2_WITH_TIMEOUT(m_recorder.count(unhealthy) == 1, qPrintable(m_recorder.summaries()), 20000);
        const auto& call = m_recorder.calls.front();
        QCOMPARE(call.app, c.console->notificationSender()->identity().name);
        QCOMPARE(call.hints.value(QStringLiteral("desktop-entry")).toString(),
                 c.console->notificationSender()->identity().desktopEntry);
        QCOMPARE(call.body, QStringLiteral("Health check: 1 of 2 fail; open Signalbox to see which pods fail."));
        // The window's status line says the same, naming the page to open rather than Signalbox.
        QCOMPARE(c.window->noticeText(),
                 call.summary +
                     QStringLiteral(". Health check: 1 of 2 fail; open the page of uro to see which pods fail."));

        // It keeps failing through many more checks: nothing more is sent.
        letChecksRun(c.console->dashboard()->health()->monitor(), 30);
        QCOMPARE(healthCell(c.window), QStringLiteral("live 1 of 2 fail · staging 2/2 answer"));
        QVERIFY2(m_recorder.calls.size() == 1, qPrintable(m_recorder.summaries()));
        QVERIFY(testsupport::setPodHealth(live.first(), {}));
    }

    void aKindTurnedOffIsNotToldAndTheChoiceIsSaved()
    {
        guisupport::Console c(QStringLiteral("viewer"), guisupport::everySecond());
        QAction* off = c.window->notificationsMenu()->action(model::NoticeKind::LiveUnhealthy);
        QVERIFY(off->isChecked());
        off->trigger();
        QVERIFY(!off->isChecked());
        QVERIFY(!c.console->notifications()->choices().liveUnhealthy);
        QVERIFY(c.console->notifications()->choices().changedByOthers);
        const QString key = model::settingskeys::notification(model::NoticeKind::LiveUnhealthy);
        QCOMPARE(QSettings().value(key), QVariant(false));

        QTRY_COMPARE_WITH_TIMEOUT(healthCell(c.window), QStringLiteral("live 2/2 answer · staging 2/2 answer"), 20000);
        const QStringList live = testsupport::podsOf(QStringLiteral("a"));
        QVERIFY(testsupport::setPodHealth(live.first(), QStringLiteral("fail")));
        QTRY_COMPARE_WITH_TIMEOUT(healthCell(c.window), QStringLiteral("live 1 of 2 fail · staging 2/2 answer"), 20000);
        letChecksRun(c.console->dashboard()->health()->monitor(), 20);
        QVERIFY2(m_recorder.calls.empty(), qPrintable(m_recorder.summaries()));
        QVERIFY(!c.window->noticeText().contains(unhealthy));
        QVERIFY(testsupport::setPodHealth(live.first(), {}));
        off->trigger();
        QCOMPARE(QSettings().value(key), QVariant(true));
    }

    // Who swapped is told as a fact only when the API server vouches for it (the history-authors
    // policy installed); otherwise as what the history records.
    void aSwapByAnotherUserIsToldOnce_data()
    {
        QTest::addColumn<bool>("authorsChecked");
        QTest::addColumn<QString>("told");
        QTest::newRow("authors checked") << true << QStringLiteral("was swapped by operator");
        QTest::newRow("authors not checked")
            << false << QStringLiteral("was swapped (recorded as operator, not vouched)");
    }

    void aSwapByAnotherUserIsToldOnce()
    {
        QFETCH(bool, authorsChecked);
        QFETCH(QString, told);
        QString why;
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(false, &why), qPrintable(why));
        testsupport::resetExample();
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(authorsChecked, &why), qPrintable(why));
        const auto removePolicy = qScopeGuard([] { testsupport::setHistoryAuthorsPolicy(false); });
        guisupport::Console c(QStringLiteral("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(c.console->dashboard()->watched()->complete(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(liveOf(c.console->dashboard()->watched(), "uro-frontend"),
                                  std::optional(model::Slot::A), 20000);
        QCOMPARE(liveOf(c.console->dashboard()->watched(), "uro"), std::optional(model::Slot::A));

        // The operator swaps the group from the command line.
        // The console in this process follows it meanwhile: wait with the event loop running.
        const auto cli = testsupport::signalbox(
            QStringLiteral("operator"), {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")},
            testsupport::withEventLoop(60000));
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));

        QTRY_VERIFY2_WITH_TIMEOUT(m_recorder.count(told) == 1, qPrintable(m_recorder.summaries()), 20000);
        const auto& call = m_recorder.calls.front();
        QVERIFY2(call.body.startsWith(QStringLiteral("Live is now slot B")), qPrintable(call.body));
        // Both members have moved in this window's picture, and they were told once.
        QTRY_COMPARE_WITH_TIMEOUT(liveOf(c.console->dashboard()->watched(), "uro-frontend"),
                                  std::optional(model::Slot::B), 20000);
        QCOMPARE(liveOf(c.console->dashboard()->watched(), "uro"), std::optional(model::Slot::B));
        QVERIFY2(m_recorder.calls.size() == 1, qPrintable(m_recorder.summaries()));
    }

    void aSwapInThisWindowIsNotTold()
    {
        testsupport::resetExample();
        guisupport::Console c(QStringLiteral("operator"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        guisupport::confirmThrough(page, model::SwapPlan::Kind::Swap);
        QTRY_VERIFY2_WITH_TIMEOUT(page->outcomeText().startsWith(QStringLiteral("Swapped: uro now live on slot B")),
                                  qPrintable(page->outcomeText()), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(liveOf(c.console->dashboard()->watched(), "uro-frontend"),
                                  std::optional(model::Slot::B), 20000);
        QCOMPARE(liveOf(c.console->dashboard()->watched(), "uro"), std::optional(model::Slot::B));
        QVERIFY2(m_recorder.count(QStringLiteral("was swapped")) == 0, qPrintable(m_recorder.summaries()));
        testsupport::resetExample();
    }
};

QTEST_MAIN(TestNotificationsGui)
#include "tst_notifications_gui.moc"
