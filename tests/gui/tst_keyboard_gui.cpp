// The console by keyboard alone: from the start, filter, open uro, deploy a tag from the rig's
// registry to staging, swap, read the outcome, roll back, open the logs, pause them and close
// them, every step a key pressed in the focused widget (dialogs answered by keys too). And Tab
// leaves every table (History, Activity, the tag picker, the shortcuts list).
#include "gui/guisupport.h"
#include "ui/activitypanel.h"
#include "ui/help.h"
#include "ui/logview.h"
#include "ui/slottile.h"

#include <QAction>
#include <QApplication>
#include <QPointer>
#include <QPushButton>
#include <QStatusBar>
#include <QTableWidget>

using guisupport::Console;

namespace {

using Kind = model::SwapPlan::Kind;

QWidget* focused()
{
    return QApplication::focusWidget();
}

// A key pressed where the focus is (shortcuts go through the shortcut map as for a person).
void press(QKeyCombination key)
{
    QWidget* target = focused() ? focused() : QApplication::activeWindow();
    QVERIFY(target);
    QTest::keyClick(target, key.key(), key.keyboardModifiers());
}

void type(const QString& text)
{
    QVERIFY(focused());
    QTest::keyClicks(focused(), text);
}

// Tab until `w` has the focus; false after `limit` presses.
bool tabTo(QWidget* w, int limit = 40)
{
    for (int i = 0; i < limit && focused() != w; ++i)
        QTest::keyClick(focused() ? focused() : QApplication::activeWindow(), Qt::Key_Tab);
    return focused() == w;
}

// The window manager gives the focus back when a dialog closes; the offscreen platform does not.
void backTo(QWidget* window)
{
    QTest::qWait(100); // an activation asked for before (the platform's, or ours) comes first
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window));
    QTRY_COMPARE(QApplication::activeWindow(), window);
}

// One Tab in `table` takes the focus elsewhere (the arrows move in it, not Tab).
void tabLeaves(QAbstractItemView* table)
{
    table->setFocus(Qt::TabFocusReason);
    QTRY_COMPARE(focused(), table);
    QTest::keyClick(table, Qt::Key_Tab);
    QVERIFY2(focused() != table, qPrintable(table->objectName()));
}

// The confirm dialog the page opens: the name typed, Enter; then back to `window`.
void confirmByKeys(QSignalSpy& opened, QWidget* window)
{
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.takeFirst().first().value<QDialog*>());
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isActiveWindow());
    QVERIFY(tabTo(dialog->nameField()));
    type(QString::fromStdString(dialog->plan().service));
    QVERIFY(dialog->confirmButton()->isEnabled());
    QPointer<QDialog> gone(dialog);
    press(Qt::Key_Return);
    QTRY_VERIFY(!gone || !gone->isVisible());
    backTo(window);
}

} // namespace

class TestKeyboardGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }
    void cleanup() { ui::setOpenUrlHook({}); }

    void everyStepByKeys()
    {
        const QString registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/test, or scripts/registry up and eval its env.");
        Console c(QStringLiteral("operator"));
        ui::MainWindow* w = c.window;
        w->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(w, QStringLiteral("uro")) >= 0, 20000);

        // Filter, go to the table, move to uro, open it.
        press(Qt::CTRL | Qt::Key_F);
        QCOMPARE(focused(), w->filterField());
        type(QStringLiteral("uro"));
        QVERIFY(tabTo(w->overview()));
        press(Qt::Key_Home);
        for (int i = 0; i < 10 && guisupport::serviceInRow(w, w->overview()->currentIndex().row()) != "uro"; ++i)
            press(Qt::Key_Down);
        QCOMPARE(guisupport::serviceInRow(w, w->overview()->currentIndex().row()), QStringLiteral("uro"));
        press(ui::keys::open);
        QTRY_COMPARE(w->currentService(), QStringLiteral("uro"));
        ui::ServicePage* page = w->servicePage();

        // Deploy: Ctrl+D, the repository, Enter lists the tags; filter, Tab into the tags, Enter
        // chooses and checks, Enter deploys; Esc closes.
        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QTRY_VERIFY_WITH_TIMEOUT(page->deployButton()->isEnabled(), 20000);
        press(ui::keys::deploy);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 5000);
        QPointer<ui::DeployDialog> deploy =
            qobject_cast<ui::DeployDialog*>(opened.takeFirst().first().value<QDialog*>());
        QVERIFY(deploy);
        QTRY_VERIFY(deploy->isActiveWindow());
        auto* repo = deploy->findChild<QLineEdit*>(QStringLiteral("repositoryField"));
        QVERIFY(tabTo(repo));
        press(Qt::CTRL | Qt::Key_A);
        type(registry + QStringLiteral("/v-sekai/uro"));
        press(Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(deploy->tagsLoaded(), 20000);
        QVERIFY(deploy->isVisible()); // Enter listed the tags, it did not close or deploy
        QVERIFY(tabTo(deploy->filterField()));
        type(QStringLiteral("3f2c"));
        QCOMPARE(deploy->tagTable()->model()->rowCount(), 1);
        QVERIFY(tabTo(deploy->tagTable()));
        STEP(tabLeaves(deploy->tagTable()));
        QVERIFY(tabTo(deploy->tagTable()));
        press(Qt::Key_Home);
        press(Qt::Key_Return); // chooses the tag; Check is now what Enter presses
        QCOMPARE(deploy->referenceField()->text(), registry + QStringLiteral("/v-sekai/uro:3f2c1a9"));
        QTRY_VERIFY_WITH_TIMEOUT(deploy->deployButton()->isEnabled(), 20000);
        QVERIFY(deploy->deployButton()->isDefault()); // after Check, Enter deploys (not Close)
        QTRY_COMPARE(focused(), deploy->deployButton());
        press(Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(deploy->statusText().contains(QStringLiteral("rolled out")), 60000);
        press(Qt::Key_Escape);
        QTRY_VERIFY(!deploy || !deploy->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(page->tile(model::Slot::B)->health() == model::Health::Healthy, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(page->actions()->availability(Kind::Swap).plan &&
                                     page->actions()->availability(Kind::Swap).plan->members.front().to.tag ==
                                         "3f2c1a9",
                                 20000);

        // Swap by its key, confirm by typing the name and Enter; the outcome is on the page.
        QTRY_VERIFY_WITH_TIMEOUT(page->button(Kind::Swap)->isEnabled(), 20000);
        backTo(w);
        press(ui::keys::swap);
        STEP(confirmByKeys(opened, w));
        QTRY_VERIFY2_WITH_TIMEOUT(page->outcomeText().startsWith(QStringLiteral("Swapped: uro now live on slot B")),
                                  qPrintable(page->outcomeText()), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(page->history()->rowCount(), 2, 10000);

        // The tables with rows: Tab leaves each; Esc in Activity clears it and goes back to the page.
        STEP(tabLeaves(page->history()));
        QTableWidget* activity = w->activityPanel()->table();
        QVERIFY(activity->rowCount() > 0);
        STEP(tabLeaves(activity));
        activity->setFocus(Qt::TabFocusReason);
        press(Qt::Key_Down);
        press(Qt::Key_Escape);
        QVERIFY(activity->selectedItems().isEmpty());
        QVERIFY(focused() != activity);
        QCOMPARE(w->currentService(), QStringLiteral("uro")); // Esc there did not leave the page

        // Roll back by its key.
        QTRY_VERIFY_WITH_TIMEOUT(page->button(Kind::Rollback)->isEnabled(), 20000);
        press(ui::keys::rollback);
        STEP(confirmByKeys(opened, w));
        QTRY_VERIFY2_WITH_TIMEOUT(page->outcomeText().startsWith(QStringLiteral("Rolled back: uro now live on slot A")),
                                  qPrintable(page->outcomeText() + QStringLiteral(" | ") + page->actionReasonText()),
                                  30000);

        // Logs: Ctrl+L opens them; Ctrl+Space pauses wherever the focus is, and again resumes;
        // Esc closes the window, and Ctrl+W another one.
        QSignalSpy logs(w, &ui::MainWindow::logViewOpened);
        press(ui::keys::logs);
        QTRY_COMPARE(logs.count(), 1);
        QPointer<ui::LogView> view = logs.takeFirst().first().value<ui::LogView*>();
        QVERIFY(view);
        STEP(backTo(view));
        QVERIFY(tabTo(view->filterEdit()));
        press(Qt::CTRL | Qt::Key_Space);
        QVERIFY(view->paused());
        QCOMPARE(view->pauseButton()->text().remove(QLatin1Char('&')), QStringLiteral("Resume"));
        QVERIFY(tabTo(view->findChild<QWidget*>(QStringLiteral("logText"))));
        press(Qt::CTRL | Qt::Key_Space);
        QVERIFY(!view->paused());
        QCOMPARE(view->pauseButton()->text().remove(QLatin1Char('&')), QStringLiteral("Pause"));
        press(Qt::Key_Escape);
        QTRY_VERIFY(!view);
        backTo(w);
        press(ui::keys::logs);
        QTRY_COMPARE(logs.count(), 1);
        view = logs.takeFirst().first().value<ui::LogView*>();
        STEP(backTo(view));
        press(Qt::CTRL | Qt::Key_W);
        QTRY_VERIFY(!view);
    }

    // The shortcuts list: Tab leaves its table; Ctrl+W closes it. F1 without a browser says where.
    void helpByKeys()
    {
        ui::MainWindow w;
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSignalSpy opened(&w, &ui::MainWindow::dialogOpened);
        w.findChild<QAction*>(QStringLiteral("shortcutsAction"))->trigger();
        QCOMPARE(opened.count(), 1);
        QPointer<QDialog> dialog = opened.first().first().value<QDialog*>();
        QVERIFY(QTest::qWaitForWindowActive(dialog));
        auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        STEP(tabLeaves(table));
        press(Qt::CTRL | Qt::Key_W);
        QTRY_VERIFY(!dialog || !dialog->isVisible());

        ui::setOpenUrlHook([](const QUrl&) { return false; });
        backTo(&w);
        press(Qt::Key_F1);
        QVERIFY2(w.noticeText().contains(ui::troubleshootingUrl().toString()), qPrintable(w.noticeText()));
    }
};

QTEST_MAIN(TestKeyboardGui)
#include "tst_keyboard_gui.moc"
