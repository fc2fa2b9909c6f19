// Actions belong to the application, not to the page or dialog that started them. A swap held
// between its two patches (a test hook) while the person opens another service and switches
// namespace still completes, its outcome is shown and the buttons come back; a deploy whose
// dialog is closed right after its patch still runs its guard, records its Event and notifies;
// closing the window while a swap runs asks, and waits for it. The activity list shows its newest
// row as it comes, and Enter or a double-click on a row opens the row's whole outcome.
#include "gui/guisupport.h"
#include "support/httpserver.h"
#include "ui/activitypanel.h"
#include "ui/deploydialog.h"
#include "ui/mainwindow.h"
#include "ui/text.h"

#include <QHeaderView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QStandardPaths>
#include <QTableWidget>

using guisupport::confirmThrough;
using guisupport::openService;
using guisupport::switchNamespace;
using testsupport::kubectl;

namespace {

// The newest activity's row in the window's activity list.
QString newestActivity(ui::MainWindow* w)
{
    QTableWidget* t = w->activityPanel()->table();
    return t->rowCount() ? t->item(0, 1)->text() + QStringLiteral(": ") + t->item(0, 3)->text() : QString();
}

// A deploy of `image` to uro's staging slot through the deploy dialog, up to the Deploy click.
QPointer<ui::DeployDialog> startDeploy(ui::ServicePage* page, const QString& image)
{
    QPointer<ui::DeployDialog> dialog = guisupport::openDeployDialog(page);
    if (!dialog)
        return nullptr;
    dialog->referenceField()->setText(image);
    QTest::mouseClick(dialog->checkButton(), Qt::LeftButton);
    if (!QTest::qWaitFor([dialog] { return dialog && dialog->deployButton()->isEnabled(); }, 20000))
        return nullptr;
    QTest::mouseClick(dialog->deployButton(), Qt::LeftButton);
    return dialog;
}

// Holds each swap between its patches, or each deploy right after its patch, until `resume`.
struct Held : model::ActionSeams {
    enum What { Swaps, Deploys };
    explicit Held(What what) : what(what) {}
    void betweenSwapPatches(std::function<void()> go) override { hold(Swaps, std::move(go)); }
    void afterDeployPatch(std::function<void()> go) override { hold(Deploys, std::move(go)); }
    void hold(What at, std::function<void()> go)
    {
        if (at == what)
            resume = std::move(go);
        else
            go();
    }
    What what;
    std::function<void()> resume;
};

// A console whose deploys the runner holds right after their patch, with a chat webhook of the
// test's own; a deploy of uro to its staging slot started through the dialog.
struct HeldDeploy {
    testsupport::WebhookReceiver hook;
    Held held{Held::Deploys};
    std::function<void()>& resume = held.resume;
    std::unique_ptr<guisupport::Console> c;
    QPointer<ui::DeployDialog> dialog;
    QString digest;

    explicit HeldDeploy(QChar digestChar) : digest(QStringLiteral("sha256:") + QString(64, digestChar))
    {
        model::ServiceConfig config;
        config.webhook = hook.url().toStdString();
        c = std::make_unique<guisupport::Console>(QStringLiteral("operator"), config, &held);
        guisupport::openService(c->window, QStringLiteral("uro"));
        dialog = startDeploy(c->window->servicePage(), QStringLiteral("ghcr.io/v-sekai/uro@") + digest);
    }
};

} // namespace

class TestActivityGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }

    void aSwapGoesOnWhenTheWindowMovesOn()
    {
        testsupport::WebhookReceiver hook;
        model::ServiceConfig config;
        config.webhook = hook.url().toStdString();
        Held held(Held::Swaps);
        std::function<void()>& resume = held.resume;
        guisupport::Console c(QStringLiteral("operator"), config, &held);
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        confirmThrough(page, model::SwapPlan::Kind::Swap);

        // Held between the two patches: live moved, staging not yet.
        QTRY_VERIFY_WITH_TIMEOUT(static_cast<bool>(resume), 20000);
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro-staging")), QStringLiteral("b"));
        QVERIFY(newestActivity(c.window).startsWith(QStringLiteral("⟳ Swap uro (with uro-frontend)")));

        // The person moves on: the group's other service (its buttons wait), then another namespace.
        QVERIFY(c.window->showService(QStringLiteral("uro-frontend")));
        QVERIFY(!page->button(model::SwapPlan::Kind::Swap)->isEnabled());
        QCOMPARE(page->actionReasonText(), QStringLiteral("Working…"));
        QPointer<model::Dashboard> before = c.console->dashboard();
        switchNamespace(c.window, QStringLiteral("uro-sandbox"));
        QTRY_VERIFY(before.isNull()); // the old views and their watches are gone

        resume();
        QTRY_VERIFY2_WITH_TIMEOUT(newestActivity(c.window).startsWith(QStringLiteral(
                                      "✔ Swap uro (with uro-frontend): Swapped: uro now live on slot B, uro-frontend "
                                      "now live on slot B")),
                                  qPrintable(newestActivity(c.window)), 30000);
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(testsupport::selectorOf(s), QStringLiteral("b"));
            QCOMPARE(testsupport::selectorOf(s + QStringLiteral("-staging")), QStringLiteral("a"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(hook.contents().size(), 1, 10000);
        QVERIFY2(hook.contents().first().contains(QStringLiteral("operator · uro · swap: Swapped: uro now live")),
                 qPrintable(hook.contents().first()));

        // Back on uro: the outcome is there, and so are the buttons.
        switchNamespace(c.window, QStringLiteral("uro"));
        openService(c.window, QStringLiteral("uro"));
        page = c.window->servicePage();
        QVERIFY2(page->outcomeText().startsWith(QStringLiteral("Swapped: uro now live on slot B")),
                 qPrintable(page->outcomeText()));
        QTRY_VERIFY_WITH_TIMEOUT(page->button(model::SwapPlan::Kind::Rollback)->isEnabled(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(page->button(model::SwapPlan::Kind::Swap)->isEnabled(), 20000);
        guisupport::saveShot(c.window, QStringLiteral("activity.png"));

        // Enter on the row opens its whole outcome: what, how it ended, when, who, every word.
        QTableWidget* t = c.window->activityPanel()->table();
        QSignalSpy opened(c.window->activityPanel(), &ui::ActivityPanel::outcomeOpened);
        t->setFocus();
        t->setCurrentCell(0, 1);
        QTest::keyClick(t, Qt::Key_Return);
        QCOMPARE(opened.count(), 1);
        auto* window = opened.first().first().value<QDialog*>();
        QVERIFY(window->isVisible());
        const QString whole = window->findChild<QPlainTextEdit*>()->toPlainText();
        for (const QString& part :
             {QStringLiteral("Swap uro (with uro-frontend)\nSucceeded\nStarted: "), QStringLiteral("\nFinished: "),
              QStringLiteral("\nBy: operator\n"), QStringLiteral("Swapped: uro now live on slot B"),
              QStringLiteral("(verified in "), QStringLiteral("uro: live is slot B, ")})
            QVERIFY2(whole.contains(part), qPrintable(whole));
        QVERIFY(window->findChild<QPlainTextEdit*>()->isReadOnly());
        QCOMPARE(t->item(0, 3)->toolTip(), ui::tip(whole));
        QTest::keyClick(window, Qt::Key_Escape);
        QTRY_VERIFY(!window->isVisible());
    }

    // The list shows the newest row as it comes, even when scrolled to older ones; a double-click
    // on a row opens its outcome.
    void theListShowsTheNewestRowAndOpensOutcomes()
    {
        guisupport::Console c(QStringLiteral("operator"));
        model::ActionRunner* runner = c.console->runner();
        model::SwapPlan plan;
        plan.service = "uro";
        plan.user = "operator";
        // Without a connection a swap ends at once, as failed: rows without waiting for a cluster.
        for (int i = 0; i < 4; ++i)
            runner->startSwap(nullptr, {}, plan);
        ui::ActivityPanel* panel = c.window->activityPanel();
        QTableWidget* t = panel->table();
        QTRY_VERIFY(panel->isVisible());
        QCOMPARE(t->rowCount(), 4);
        // Room for about one row; the person scrolls down to the oldest.
        t->setFixedHeight(t->horizontalHeader()->height() + t->rowHeight(0) + 2 * t->frameWidth());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        t->scrollToBottom();
        auto inView = [t](int row) { return t->viewport()->rect().intersects(t->visualItemRect(t->item(row, 1))); };
        QVERIFY(!inView(0));
        const int newest = runner->startSwap(nullptr, {}, plan);
        QCOMPARE(t->rowCount(), 5);
        QTRY_VERIFY(inView(0));
        QVERIFY(panel->rowText(newest).startsWith(QStringLiteral("✘ Swap uro: There is no connection")));

        QSignalSpy opened(panel, &ui::ActivityPanel::outcomeOpened);
        const QPoint at = t->visualItemRect(t->item(0, 3)).center();
        // A double-click as a person makes it: a click, then the second press.
        QTest::mouseClick(t->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(t->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseRelease(t->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(opened.count(), 1);
        auto* window = opened.first().first().value<QDialog*>();
        const QString whole = window->findChild<QPlainTextEdit*>()->toPlainText();
        QVERIFY2(whole.startsWith(QStringLiteral("Swap uro\nFailed\nStarted: ")), qPrintable(whole));
        QVERIFY2(
            whole.contains(QStringLiteral("There is no connection to carry out the swap on. Nothing was changed.")),
            qPrintable(whole));
        QCOMPARE(whole, panel->outcomeText(0));
        // Esc in the list still leaves it.
        QSignalSpy left(panel, &ui::ActivityPanel::leaveRequested);
        window->close();
        t->setFocus();
        QTest::keyClick(t, Qt::Key_Escape);
        QCOMPARE(left.count(), 1);
    }

    void aDeployGoesOnWhenItsDialogCloses()
    {
        QVERIFY(testsupport::exampleRolledOut());
        const QString deployment = QStringLiteral("uro-") + testsupport::selectorOf(QStringLiteral("uro-staging"));
        HeldDeploy d(QLatin1Char('d'));
        QVERIFY(d.dialog);

        // Held right after the patch; the person closes the dialog and looks elsewhere.
        QTRY_VERIFY_WITH_TIMEOUT(static_cast<bool>(d.resume), 20000);
        QVERIFY(testsupport::field(QStringLiteral("deployment"), deployment,
                                   QStringLiteral("{.spec.template.spec.containers[0].image}"))
                    .endsWith(d.digest));
        d.dialog->close();
        QTRY_VERIFY(d.dialog.isNull());
        switchNamespace(d.c->window, QStringLiteral("uro-sandbox"));

        d.resume();
        QTRY_VERIFY2_WITH_TIMEOUT(newestActivity(d.c->window).contains(QStringLiteral("rolled out")),
                                  qPrintable(newestActivity(d.c->window)), 60000);
        QVERIFY(newestActivity(d.c->window).startsWith(QStringLiteral("✔ Deploy")));
        // Its record: the Event, the history on the Deployment, and the notification.
        const QString events = QString::fromUtf8(
            kubectl(QStringLiteral("admin"), {QStringLiteral("get"), QStringLiteral("events"), QStringLiteral("-n"),
                                              QStringLiteral("uro"), QStringLiteral("--field-selector"),
                                              QStringLiteral("reason=Deployed,involvedObject.name=") + deployment,
                                              QStringLiteral("-o"), QStringLiteral("jsonpath={.items[*].message}")})
                .out);
        QVERIFY2(events.contains(QStringLiteral("operator deployed ghcr.io/v-sekai/uro@") + d.digest),
                 qPrintable(events));
        QVERIFY(testsupport::field(QStringLiteral("deployment"), deployment,
                                   QStringLiteral("{.metadata.annotations.signalbox\\.v-sekai\\.org/history}"))
                    .contains(d.digest));
        QTRY_COMPARE_WITH_TIMEOUT(d.hook.contents().size(), 1, 10000);
        QVERIFY2(d.hook.contents().first().startsWith(QStringLiteral("✅ operator · uro · deploy: Deployed")),
                 qPrintable(d.hook.contents().first()));
    }

    void aDeployOvertakenAfterItsDialogClosedIsStillUndone()
    {
        QVERIFY(testsupport::exampleRolledOut());
        const QString live = testsupport::selectorOf(QStringLiteral("uro"));
        const QString staging = testsupport::selectorOf(QStringLiteral("uro-staging"));
        const QString deployment = QStringLiteral("uro-") + staging;
        const QString imageBefore = testsupport::field(QStringLiteral("deployment"), deployment,
                                                       QStringLiteral("{.spec.template.spec.containers[0].image}"));
        HeldDeploy d(QLatin1Char('e'));
        QVERIFY(d.dialog);
        QTRY_VERIFY_WITH_TIMEOUT(static_cast<bool>(d.resume), 20000);
        d.dialog->close();
        QTRY_VERIFY(d.dialog.isNull());
        // Someone swaps uro in the gap: the slot just deployed to is now live.
        QVERIFY(testsupport::setSlots(QStringLiteral("uro"), staging, live));

        d.resume();
        QTRY_VERIFY2_WITH_TIMEOUT(newestActivity(d.c->window).startsWith(QStringLiteral("✘ Deploy")),
                                  qPrintable(newestActivity(d.c->window)), 30000);
        QVERIFY2(newestActivity(d.c->window).contains(QStringLiteral("so the deploy was undone at once")),
                 qPrintable(newestActivity(d.c->window)));
        QCOMPARE(testsupport::field(QStringLiteral("deployment"), deployment,
                                    QStringLiteral("{.spec.template.spec.containers[0].image}")),
                 imageBefore);
        QTRY_COMPARE_WITH_TIMEOUT(d.hook.contents().size(), 1, 10000);
        QVERIFY2(d.hook.contents().first().startsWith(QStringLiteral("❌ operator · uro · deploy: A swap made")),
                 qPrintable(d.hook.contents().first()));
        QVERIFY(testsupport::setSlots(QStringLiteral("uro"), live, staging));
    }

    void closingTheWindowWaitsForARunningSwap()
    {
        QVERIFY(testsupport::exampleRolledOut());
        const QString live = testsupport::selectorOf(QStringLiteral("uro"));
        Held held(Held::Swaps);
        std::function<void()>& resume = held.resume;
        guisupport::Console c(QStringLiteral("operator"), {}, &held);
        openService(c.window, QStringLiteral("uro"));
        confirmThrough(c.window->servicePage(), model::SwapPlan::Kind::Swap);
        QTRY_VERIFY_WITH_TIMEOUT(static_cast<bool>(resume), 20000);

        QSignalSpy opened(c.window, &ui::MainWindow::dialogOpened);
        // "Keep open": nothing closes, the swap goes on.
        c.window->close();
        QTRY_COMPARE(opened.count(), 1);
        auto* box = qobject_cast<QMessageBox*>(opened.takeFirst().first().value<QDialog*>());
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("The swap of uro (with uro-frontend) is still running")),
                 qPrintable(box->text()));
        QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("keepOpenButton")), Qt::LeftButton);
        QVERIFY(c.window->isVisible());
        // "Close when finished": the window stays until the swap has finished, then closes.
        c.window->close();
        QTRY_COMPARE(opened.count(), 1);
        box = qobject_cast<QMessageBox*>(opened.takeFirst().first().value<QDialog*>());
        QVERIFY(box);
        QTest::mouseClick(box->findChild<QPushButton*>(QStringLiteral("closeWhenFinishedButton")), Qt::LeftButton);
        // Absence, so a bounded wait: 200 ms in which a window that did not wait would have closed.
        QVERIFY(!QTest::qWaitFor([&c] { return !c.window->isVisible(); }, 200));
        resume();
        QTRY_VERIFY_WITH_TIMEOUT(!c.window->isVisible(), 30000);
        const QString other = live == QStringLiteral("a") ? QStringLiteral("b") : QStringLiteral("a");
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), other);
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro-staging")), live);
        QCOMPARE(c.console->runner()->activities().back().state, model::Activity::State::Succeeded);
    }
};

QTEST_MAIN(TestActivityGui)
#include "tst_activity_gui.moc"
