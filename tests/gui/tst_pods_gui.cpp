// Why a slot is down, in the real console against the local control plane: each tile lists its
// pods with restarts and the last termination (pods annotated test.signalbox.v-sekai.org/restarted
// report one restart that ended in Error, exit 1), and the slot's Warning events with their counts;
// a selected pod shows its conditions, containers and events. The log view of a slot follows lines
// appended to its pods' logs (scripts/cluster logs-append), filters them, and holds still while
// paused; a user without pods/log is told so and no log is read.
// With SIGNALBOX_SCREENSHOT_DIR set, it saves the tiles with pods and events, and the log view.
#include "guisupport.h"
#include "ui/logview.h"
#include "ui/mainwindow.h"
#include "ui/slottile.h"

#include <QCheckBox>
#include <QFile>
#include <QListWidget>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using testsupport::appendLog;
using testsupport::kubectl;
using testsupport::rolledOut;
using testsupport::runningPods;

namespace {

const QString admin = QStringLiteral("admin");

// Marks slot b's pod template so that its new pods report one restart (the rig's stage), or
// takes the mark away again.
bool markRestarted(bool on)
{
    const QString patch =
        on ? QStringLiteral(
                 R"({"spec":{"template":{"metadata":{"annotations":{"test.signalbox.v-sekai.org/restarted":"true"}}}}})")
           : QStringLiteral(
                 R"([{"op":"remove","path":"/spec/template/metadata/annotations/test.signalbox.v-sekai.org~1restarted"}])");
    QStringList args{QStringLiteral("patch"),
                     QStringLiteral("deployment"),
                     QStringLiteral("uro-b"),
                     QStringLiteral("-n"),
                     QStringLiteral("uro"),
                     QStringLiteral("-p"),
                     patch};
    if (!on)
        args << QStringLiteral("--type=json");
    return kubectl(admin, args).exitCode == 0 && rolledOut(QStringLiteral("uro-b"));
}

// A Warning event about `pod` that happened `count` times, the last just now.
bool warnAbout(const QString& pod, const QString& name, int count = 14)
{
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    const QByteArray manifest = QStringLiteral(R"(
apiVersion: v1
kind: Event
metadata: {name: %1, namespace: uro}
type: Warning
reason: BackOff
message: Back-off restarting failed container uro in pod %2
count: %4
firstTimestamp: "%3"
lastTimestamp: "%3"
involvedObject: {kind: Pod, name: %2, namespace: uro, apiVersion: v1}
source: {component: kubelet}
)")
                                    .arg(name, pod, now)
                                    .arg(count)
                                    .toUtf8();
    return kubectl(admin, {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, manifest).exitCode == 0;
}

// Whether the view shows a line of `pod` containing `text` (the rig's lines start with the app's
// own time, "05:04:09.577 [info] ...").
bool shows(const ui::LogView* view, const QString& pod, const QString& text)
{
    for (const QString& line : view->shownText().split(u'\n'))
        if (line.contains(pod + QStringLiteral(" | ")) && line.contains(text))
            return true;
    return false;
}

ui::LogView* openSlotLogs(ui::MainWindow* w, model::Slot slot)
{
    QSignalSpy opened(w, &ui::MainWindow::logViewOpened);
    ui::SlotTile* tile = w->servicePage()->tile(slot);
    QTest::mouseClick(tile->logsButton(), Qt::LeftButton);
    if (opened.count() != 1)
        return nullptr;
    return opened.first().first().value<ui::LogView*>();
}

} // namespace

class TestPodsGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }

    void tilesListPodsWithRestartsAndWarnings()
    {
        auto restore = qScopeGuard([] {
            markRestarted(false);
            kubectl(admin, {QStringLiteral("delete"), QStringLiteral("event"), QStringLiteral("pods-gui-backoff"),
                            QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--ignore-not-found")});
        });
        QVERIFY(markRestarted(true));
        const QStringList pods = runningPods(QStringLiteral("b"));
        QVERIFY(!pods.isEmpty());
        QVERIFY(warnAbout(pods.first(), QStringLiteral("pods-gui-backoff")));

        guisupport::Console c(QStringLiteral("viewer"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::SlotTile* b = c.window->servicePage()->tile(model::Slot::B);
        // Every pod of the slot, each with its one restart and how the container before it ended.
        QTRY_VERIFY_WITH_TIMEOUT(
            b->podLines().size() == pods.size() &&
                b->podLines().join(u'\n').count(QStringLiteral("1 restart  last: Error, exit 1")) == pods.size(),
            20000);
        for (const QString& pod : pods)
            QVERIFY2(b->podLines().join(u'\n').contains(pod.mid(QStringLiteral("uro-b-").size())),
                     qPrintable(b->podLines().join(u'\n')));
        // Slot a's pods never restarted.
        const QString a = c.window->servicePage()->tile(model::Slot::A)->podLines().join(u'\n');
        QVERIFY2(!a.isEmpty() && !a.contains(QStringLiteral("restart")) && !a.contains(QStringLiteral("last:")),
                 qPrintable(a));

        // The warning, with its count and age.
        QTRY_VERIFY_WITH_TIMEOUT(!b->eventLines().isEmpty(), 20000);
        QVERIFY2(b->eventLines().first().startsWith(QStringLiteral("Back-off restarting failed container uro in pod ") +
                                                    pods.first() + QStringLiteral(" \u00d714, ")),
                 qPrintable(b->eventLines().join(u'\n')));
        QVERIFY(b->eventLines().first().endsWith(QStringLiteral(" ago")));
        QVERIFY(c.window->servicePage()->tile(model::Slot::A)->eventLines().isEmpty());

        // A selected pod shows its conditions, its container and its events, and offers its logs.
        QVERIFY(b->podDetailText().isEmpty());
        QVERIFY(!b->podLogsButton()->isVisible());
        b->selectPod(pods.first());
        QCOMPARE(b->selectedPod(), pods.first());
        const QString detail = b->podDetailText();
        QVERIFY2(detail.contains(QStringLiteral("Ready True")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("before: Error, exit 1")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("BackOff: Back-off restarting failed container")), qPrintable(detail));
        QVERIFY(b->podLogsButton()->isVisible());
        // A refresh keeps the selection: the event happens once more, and once the tile shows it,
        // the pod is still the one selected.
        QVERIFY(warnAbout(pods.first(), QStringLiteral("pods-gui-backoff"), 15));
        QTRY_VERIFY_WITH_TIMEOUT(b->eventLines().first().contains(QStringLiteral(" \u00d715, ")), 20000);
        QCOMPARE(b->selectedPod(), pods.first());
        guisupport::saveShot(c.window, QStringLiteral("tile-pods-events.png"));

        // The pod's own logs: a view of that pod only.
        QSignalSpy opened(c.window, &ui::MainWindow::logViewOpened);
        QTest::mouseClick(b->podLogsButton(), Qt::LeftButton);
        QCOMPARE(opened.count(), 1);
        auto* view = opened.first().first().value<ui::LogView*>();
        QVERIFY(view);
        QTRY_VERIFY_WITH_TIMEOUT(view->shownLineCount() > 0, 20000);
        for (const QString& line : view->shownText().split(u'\n'))
            QVERIFY2(line.startsWith(pods.first() + QStringLiteral(" | ")), qPrintable(line));
        QVERIFY(view->shownText().contains(QStringLiteral("Running UroWeb.Endpoint")));
        // The container before the restart: a new stream, read to its end, with the crash in it.
        auto* before = view->stream();
        view->findChild<QCheckBox*>(QStringLiteral("previous"))->setChecked(true);
        QVERIFY(view->stream() != before);
        QTRY_VERIFY_WITH_TIMEOUT(view->statusText().contains(QStringLiteral("read to the end")), 20000);
        QVERIFY2(view->shownText().contains(QStringLiteral("Application uro exited")), qPrintable(view->shownText()));
        QVERIFY(!view->shownText().contains(QStringLiteral("Running UroWeb.Endpoint")));
        view->close();
    }

    void theLogViewFollowsFiltersAndPauses()
    {
        guisupport::Console c(QStringLiteral("viewer"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::SlotTile* a = c.window->servicePage()->tile(model::Slot::A);
        QTRY_VERIFY_WITH_TIMEOUT(a->logsButton()->isVisible(), 20000);
        const QStringList pods = runningPods(QStringLiteral("a"));
        QVERIFY(pods.size() >= 2);
        QPointer<ui::LogView> view = openSlotLogs(c.window, model::Slot::A);
        QVERIFY(view);
        QVERIFY(view->isVisible());
        // Every pod's past, each line marked with its pod.
        QTRY_VERIFY_WITH_TIMEOUT(view->stream() && view->stream()->pods().size() == std::size_t(pods.size()), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(view->shownLineCount() > 0, 20000);
        for (const QString& pod : pods)
            QVERIFY(view->shownText().contains(pod + QStringLiteral(" | ")));

        // Follow: appended lines show, from both pods.
        const QString run = QString::number(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(appendLog(pods[0], QStringLiteral("[info] gui follow %1 first").arg(run)));
        QVERIFY(appendLog(pods[1], QStringLiteral("[info] gui follow %1 second").arg(run)));
        QTRY_VERIFY_WITH_TIMEOUT(shows(view, pods[0], QStringLiteral("[info] gui follow %1 first").arg(run)) &&
                                     shows(view, pods[1], QStringLiteral("[info] gui follow %1 second").arg(run)),
                                 20000);

        // Filter: only matching lines, including those that arrive later.
        view->setFilter(QStringLiteral("gui follow ") + run);
        QCOMPARE(view->shownLineCount(), 2);
        QVERIFY(appendLog(pods[0], QStringLiteral("[info] unrelated %1").arg(run)));
        QVERIFY(appendLog(pods[1], QStringLiteral("[info] gui follow %1 third").arg(run)));
        QTRY_VERIFY_WITH_TIMEOUT(view->shownText().contains(QStringLiteral("gui follow %1 third").arg(run)), 20000);
        QCOMPARE(view->shownLineCount(), 3);
        QVERIFY(!view->shownText().contains(QStringLiteral("unrelated")));
        view->setFilter({});
        QVERIFY(view->shownText().contains(QStringLiteral("[info] unrelated %1").arg(run)));

        // Pause: a line that arrives is in the buffer but not on screen until resumed.
        QTest::mouseClick(view->pauseButton(), Qt::LeftButton);
        QVERIFY(view->paused());
        const std::string held = QStringLiteral("[info] held while paused %1").arg(run).toStdString();
        QVERIFY(appendLog(pods[0], QString::fromStdString(held)));
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(view->stream()->lines().begin(), view->stream()->lines().end(),
                        [&](const model::LogLine& l) { return l.text.find(held) != std::string::npos; }),
            20000);
        // Absence, so a bounded wait: three of the view's drawing intervals (100 ms) without a drawing.
        QSignalSpy drawn(view, &ui::LogView::linesShown);
        QVERIFY(!drawn.wait(300));
        QVERIFY(!view->shownText().contains(QString::fromStdString(held)));
        QVERIFY2(view->statusText().contains(QStringLiteral("paused")), qPrintable(view->statusText()));
        QTest::mouseClick(view->pauseButton(), Qt::LeftButton);
        QVERIFY(!view->paused());
        QVERIFY(view->shownText().contains(QString::fromStdString(held)));

        // Timestamps on: each line starts with its local time to the millisecond (the date before it
        // when it is not today), as every view writes times.
        view->timestampsBox()->setChecked(true);
        bool stamped = false;
        static const QRegularExpression stamp(QStringLiteral(R"(^(\d{4}-\d\d-\d\d )?(\d\d:\d\d:\d\d\.\d{3}) (\S+) )"));
        for (const QString& line : view->shownText().split(u'\n'))
            if (line.contains(QStringLiteral("[info] held while paused"))) {
                const QRegularExpressionMatch m = stamp.match(line);
                stamped = m.hasMatch() && QTime::fromString(m.captured(2), QStringLiteral("HH:mm:ss.zzz")).isValid() &&
                          m.captured(3) == pods[0];
            }
        QVERIFY2(stamped, qPrintable(view->shownText().right(500)));
        guisupport::saveShot(view, QStringLiteral("log-view.png"));
        // Saved, the lines keep the kubelet's own times (the date and the zone), not the short local ones.
        {
            QTemporaryDir stampedDir;
            const QString stampedPath = stampedDir.filePath(QStringLiteral("stamped.log"));
            ui::LogView::setNextSavePath(stampedPath);
            QTest::mouseClick(view->findChild<QPushButton*>(QStringLiteral("save")), Qt::LeftButton);
            QFile file(stampedPath);
            QVERIFY(file.open(QIODevice::ReadOnly));
            static const QRegularExpression rfc3339(
                QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) (\S+) \| )"));
            bool kept = false;
            for (const QString& line : QString::fromUtf8(file.readAll()).split(u'\n'))
                if (line.contains(QStringLiteral("[info] held while paused"))) {
                    const QRegularExpressionMatch m = rfc3339.match(line);
                    kept = m.hasMatch() && m.captured(3) == pods[0];
                }
            QVERIFY(kept);
        }
        view->timestampsBox()->setChecked(false);

        // Save, through the dialog's test hook.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("uro-a.log"));
        ui::LogView::setNextSavePath(path);
        QTest::mouseClick(view->findChild<QPushButton*>(QStringLiteral("save")), Qt::LeftButton);
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(saved.readAll());
        QVERIFY(text.contains(QStringLiteral("[info] gui follow %1 third").arg(run)));
        QCOMPARE(text.count(u'\n'), view->shownLineCount());
        view->close();
        QTRY_VERIFY(view.isNull());
    }

    void aUserWithoutPodsLogIsToldBeforehand()
    {
        // The deployer may see the slots but not read their pods' logs.
        guisupport::Console c(QStringLiteral("deployer"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(c.window->servicePage()->tile(model::Slot::A)->logsButton()->isVisible(), 20000);
        QPointer<ui::LogView> view = openSlotLogs(c.window, model::Slot::A);
        QVERIFY(view);
        QSignalSpy added(view->stream(), &model::LogStream::linesAdded);
        QTRY_VERIFY_WITH_TIMEOUT(view->statusText().contains(QStringLiteral("may not read pod logs (get on pods/log)")),
                                 20000);
        QVERIFY(!view->statusText().contains(u'\n'));
        QCOMPARE(added.count(), 0);
        QVERIFY(view->stream()->pods().empty());
        QCOMPARE(view->shownLineCount(), 0);
        view->close();
    }
};

QTEST_MAIN(TestPodsGui)
#include "tst_pods_gui.moc"
