// The watch after a swap in the console: a swap confirmed on the page is followed by a watch of
// the new live slot; when its pods start failing their health check, a banner on the page and in
// the main window says what got worse, its Roll back opens the checked rollback's confirm dialog,
// and once confirmed live is back and the banners are gone. The activity list shows the watch.
// After the swap the page's banner says what moved, the endpoints' verification time and that the
// watch runs; the rollback's dialog says why (the watch's verdict) and what is live after.
#include "gui/guisupport.h"
#include "support/httpserver.h"
#include "ui/activitypanel.h"
#include "ui/mainwindow.h"
#include "ui/slottile.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTableWidget>

using guisupport::confirmThrough;
using guisupport::openService;
using testsupport::kubectl;

namespace {

const QString errorRatioKey = QStringLiteral("test.signalbox.v-sekai.org/error-ratio");

const model::Activity* watchOf(model::ActionRunner* runner, const std::string& service)
{
    for (auto it = runner->activities().rbegin(); it != runner->activities().rend(); ++it)
        if (it->watches() && it->service == service)
            return &*it;
    return nullptr;
}

} // namespace

class TestWatchGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        REQUIRE_CLUSTER();
    }

    void init()
    {
        testsupport::resetExample();
        QVERIFY(testsupport::setSlotHealth(QStringLiteral("a"), {}));
        QVERIFY(testsupport::setSlotHealth(QStringLiteral("b"), {}));
    }

    void cleanup()
    {
        // theTopLevelPrometheusServesTheGateAndTheWatch's annotation, when it failed before taking it away.
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("annotate"), QStringLiteral("service"), QStringLiteral("-n"), QStringLiteral("uro"),
                 QStringLiteral("uro"), QStringLiteral("signalbox.v-sekai.org/analysis-")});
        QVERIFY(testsupport::setSlotHealth(QStringLiteral("a"), {}));
        QVERIFY(testsupport::setSlotHealth(QStringLiteral("b"), {}));
    }

    void failingPodsRaiseTheBannerAndItRollsBack()
    {
        testsupport::WebhookReceiver hook;
        model::ServiceConfig config;
        config.webhook = hook.url().toStdString();
        guisupport::Console c(QStringLiteral("operator"), config);
        model::ActionRunner* runner = c.console->runner();
        runner->setWatchSeconds(30);
        ui::MainWindow* w = c.window;
        openService(w, QStringLiteral("uro"));
        ui::ServicePage* page = w->servicePage();
        confirmThrough(page, model::SwapPlan::Kind::Swap);
        // The swap is done once the watch of the new live slot begins; then its pods start failing.
        QTRY_VERIFY_WITH_TIMEOUT(watchOf(runner, "uro") && watchOf(runner, "uro")->running(), 60000);
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QTRY_VERIFY2(page->outcomeText().contains(QStringLiteral("after the swap): running")),
                     qPrintable(page->outcomeText()));
        QTRY_VERIFY_WITH_TIMEOUT(w->activityPanel()->table()->item(0, 1)->text().contains(QStringLiteral("Watch")),
                                 5000);
        QVERIFY(testsupport::setSlotHealth(QStringLiteral("b"), QStringLiteral("fail")));

        QTRY_VERIFY_WITH_TIMEOUT(!page->watchBannerText().isEmpty(), 40000);
        const QString banner = page->watchBannerText();
        // The pods are annotated one after the other, so the verdict may count one of them or both; or
        // the live Service, now on those pods, fails three checks first.
        static const QRegularExpression verdict(QStringLiteral(
            "uro: (?:[12] of 2 pods of slot B fail|the live Service uro fails) the health check 3 times in a row"));
        QVERIFY2(verdict.match(banner).hasMatch(), qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("answered 500, expected 200")), qPrintable(banner));
        QVERIFY(page->watchRollbackButton()->isVisible());
        const model::Activity* watch = watchOf(runner, "uro");
        QCOMPARE(int(watch->state), int(model::Activity::State::Failed));
        // The webhook is told, with the sentence.
        QTRY_VERIFY_WITH_TIMEOUT(
            hook.contents()
                    .filter(QRegularExpression(
                        QStringLiteral("watch: Got worse: uro: (?:[12] of 2 pods of slot B|the live Service uro)")))
                    .size() == 1,
            10000);
        // The page's own banner says it; the main window's stays for the other pages. The status
        // beside it says so too, on the page and in the overview.
        QVERIFY(w->watchBannerText().isEmpty());
        QTRY_COMPARE(page->badgeText(), QStringLiteral("Live got worse"));
        QCOMPARE(guisupport::overviewStatus(w, QStringLiteral("uro")), QStringLiteral("Live got worse"));
        // The tile comes to say the same at the console's own next check (the example's interval, 15 s).
        QTRY_COMPARE_WITH_TIMEOUT(page->tile(model::Slot::B)->healthState(), model::HealthSummary::State::Failing,
                                  25000);
        guisupport::saveShot(w, QStringLiteral("watch-banner.png"));
        w->showOverview();
        QTRY_VERIFY(w->watchBannerText().contains(
            QRegularExpression(QStringLiteral("fails? the health check 3 times in a row"))));
        // The history records the verdict.
        QTRY_VERIFY_WITH_TIMEOUT(
            w->showService(QStringLiteral("uro")) && page->history()->item(0, 2) &&
                page->history()->item(0, 2)->text().startsWith(QStringLiteral("watch: failed: uro")),
            20000);
        w->showOverview();
        QTRY_VERIFY(!w->watchBannerText().isEmpty());

        // Roll back from the main window's banner: the page opens with the checked rollback's dialog.
        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QTest::mouseClick(w->watchRollbackButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
        QCOMPARE(w->currentService(), QStringLiteral("uro"));
        auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.first().first().value<QDialog*>());
        QVERIFY(dialog);
        QCOMPARE(int(dialog->plan().kind), int(model::SwapPlan::Kind::Rollback));
        // It says why (the watch's verdict) and what will be live after, in words of its own.
        const QString why = dialog->reasonText();
        QVERIFY2(why.contains(QStringLiteral("The watch after the swap: Got worse: uro: ")), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("the health check 3 times in a row")), qPrintable(why));
        QVERIFY2(why.contains(QRegularExpression(QStringLiteral("Live after the rollback: uro: slot A, \\S+"))),
                 qPrintable(why));
        auto* reason = dialog->findChild<QLabel*>(QStringLiteral("rollbackReason"));
        QVERIFY(reason && reason->isVisible());
        QCOMPARE(reason->textFormat(), Qt::PlainText);
        QVERIFY(!dialog->findChild<QLabel*>()->text().contains(QStringLiteral("The staging release becomes live")));
        QVERIFY(!dialog->confirmButton()->isEnabled());
        QTest::keyClicks(dialog->nameField(), QStringLiteral("uro"));
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("a"), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(page->watchBannerText().isEmpty(), 20000);
        QVERIFY(w->watchBannerText().isEmpty());
        QTRY_VERIFY(page->badgeText() != QStringLiteral("Live got worse"));
        QTRY_VERIFY_WITH_TIMEOUT(!runner->latestFor("uro", "uro")->running(), 60000);
        QCOMPARE(runner->latestFor("uro", "uro")->verb, std::string("roll back"));
        QCOMPARE(int(runner->latestFor("uro", "uro")->state), int(model::Activity::State::Succeeded));
    }

    void aWatchThatHoldsLeavesNoBanner()
    {
        guisupport::Console c(QStringLiteral("operator"));
        model::ActionRunner* runner = c.console->runner();
        runner->setWatchSeconds(6);
        ui::MainWindow* w = c.window;
        openService(w, QStringLiteral("uro"));
        ui::ServicePage* page = w->servicePage();
        confirmThrough(page, model::SwapPlan::Kind::Swap);
        // The swap's banner: what moved, the endpoints verified in N ms, and the watch running.
        static const QRegularExpression swapped(
            QStringLiteral("^Swapped: uro now live on slot B, uro-frontend now live on slot B\\. The live endpoints "
                           "are the new slot's ready pods \\(verified in \\d+ ms\\)\\.\n"
                           "uro: live is slot B, \\S+; slot A \\(\\S+\\) is staging now\\.\n"
                           "uro-frontend: live is slot B, \\S+; slot A \\(\\S+\\) is staging now\\.\n"
                           "Watch uro \\(slot B for 6 s after the swap\\): running; a banner comes up here if live "
                           "gets worse\\.$"));
        QTRY_VERIFY2_WITH_TIMEOUT(swapped.match(page->outcomeText()).hasMatch(), qPrintable(page->outcomeText()),
                                  60000);
        auto* outcome = page->findChild<QLabel*>(QStringLiteral("outcome"));
        QCOMPARE(outcome->textFormat(), Qt::PlainText);
        QCoreApplication::sendPostedEvents(nullptr,
                                           QEvent::LayoutRequest); // the banner's new height, before the picture
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        guisupport::saveShot(w, QStringLiteral("swap-banner.png"));
        QTRY_VERIFY_WITH_TIMEOUT(watchOf(runner, "uro") && !watchOf(runner, "uro")->running(), 60000);
        // It stays once the watch held, saying so, until dismissed.
        QTRY_VERIFY2(page->outcomeText().contains(QStringLiteral("Watch uro (slot B for 6 s after the swap): ")) &&
                         page->outcomeText().contains(QStringLiteral("held for 6 s")),
                     qPrintable(page->outcomeText()));
        QVERIFY(page->outcomeText().startsWith(QStringLiteral("Swapped: uro now live on slot B")));
        QTest::mouseClick(page->dismissOutcomeButton(), Qt::LeftButton);
        QVERIFY(page->outcomeText().isEmpty());
        const model::Activity* watch = watchOf(runner, "uro");
        QVERIFY2(watch->state == model::Activity::State::Succeeded, watch->message.c_str());
        QVERIFY2(QString::fromStdString(watch->message).contains(QStringLiteral("held for 6 s")),
                 watch->message.c_str());
        QVERIFY(w->servicePage()->watchBannerText().isEmpty());
        w->showOverview();
        QVERIFY(w->watchBannerText().isEmpty());
        // The activity list shows how it ended.
        bool listed = false;
        QTableWidget* t = w->activityPanel()->table();
        for (int row = 0; row < t->rowCount(); ++row)
            listed = listed || (t->item(row, 1)->text().contains(QStringLiteral("Watch uro")) &&
                                t->item(row, 3)->text().contains(QStringLiteral("held")));
        QVERIFY(listed);
    }

    // A watch only reads: closing the window does not wait out its window (5 minutes here) or ask;
    // the watch ends at once with its verdict recorded in the live Service's history.
    void closingTheWindowEndsARunningWatch()
    {
        guisupport::Console c(QStringLiteral("operator"));
        model::ActionRunner* runner = c.console->runner();
        runner->setWatchSeconds(300);
        ui::MainWindow* w = c.window;
        openService(w, QStringLiteral("uro"));
        confirmThrough(w->servicePage(), model::SwapPlan::Kind::Swap);
        QTRY_VERIFY_WITH_TIMEOUT(watchOf(runner, "uro") && watchOf(runner, "uro")->running(), 60000);
        QVERIFY(runner->runningCount() == 0); // only the watches run
        w->close();
        QTRY_VERIFY2_WITH_TIMEOUT(!w->isVisible(), "the window waits for the watch", 10000);
        QVERIFY(!w->findChild<QMessageBox*>(QStringLiteral("closeWhileRunningBox")));
        const model::Activity* watch = watchOf(runner, "uro");
        QVERIFY(!watch->running());
        QVERIFY2(QString::fromStdString(watch->message).contains(QStringLiteral("Ended when the window closed")),
                 watch->message.c_str());
        const QString history = testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro"));
        QVERIFY2(history.contains(QStringLiteral("\"result\":\"ended when the window closed\"")), qPrintable(history));
    }

    // A configuration whose only Prometheus is the top-level one: the console's gate asks it (the confirm
    // dialog shows the metrics), and so does the watch after the swap (the runner hands it the target).
    // The analysis comes from the live Service's annotation.
    void theTopLevelPrometheusServesTheGateAndTheWatch()
    {
        const QString analysis = QStringLiteral("signalbox.v-sekai.org/analysis");
        QVERIFY(kubectl(QStringLiteral("admin"), {QStringLiteral("annotate"), QStringLiteral("service"),
                                                  QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("uro"),
                                                  QStringLiteral("--overwrite"), analysis + QStringLiteral("=default")})
                    .exitCode == 0);
        model::ServiceConfig config;
        config.prometheus = model::parsePrometheusTarget("monitoring/prometheus:9090").value();
        guisupport::Console c(QStringLiteral("operator"), config);
        model::ActionRunner* runner = c.console->runner();
        runner->setWatchSeconds(20);
        QStringList steps;
        connect(runner, &model::ActionRunner::progressed, this, [runner, &steps](int id) {
            for (const model::Activity& a : runner->activities())
                if (a.id == id)
                    steps << QString::fromStdString(a.step);
        });
        ui::MainWindow* w = c.window;
        openService(w, QStringLiteral("uro"));
        ui::ServicePage* page = w->servicePage();
        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QPushButton* b = page->button(model::SwapPlan::Kind::Swap);
        QTRY_VERIFY_WITH_TIMEOUT(b->isEnabled(), 20000);
        QTest::mouseClick(b, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
        auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.first().first().value<QDialog*>());
        QVERIFY(dialog);
        QVERIFY2(dialog->analysisText().contains(QStringLiteral("uro: error ratio — staging ")),
                 qPrintable(dialog->analysisText()));
        // Without traffic staging's values may be missing (inconclusive): then swap without the analysis.
        if (QCheckBox* skip = dialog->skipBox(model::Evidence::Analysis))
            skip->click();
        QTest::keyClicks(dialog->nameField(), QStringLiteral("uro"));
        QVERIFY(dialog->confirmButton()->isEnabled());
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(watchOf(runner, "uro") && watchOf(runner, "uro")->running(), 60000);
        // The watch compares live-after with live-before: each look says so, or it ends as worse by a metric
        // (an earlier test's failing /health answers may still be in slot B's window).
        const auto metricsWatched = [runner, &steps] {
            const model::Activity* watch = watchOf(runner, "uro");
            return !steps.filter(QStringLiteral("uro: slot B: metrics")).isEmpty() ||
                   (watch && watch->message.find("(live-after against live-before)") != std::string::npos);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(metricsWatched(), qPrintable(steps.join(u'\n')), 30000);
        QVERIFY(kubectl(QStringLiteral("admin"),
                        {QStringLiteral("annotate"), QStringLiteral("service"), QStringLiteral("-n"),
                         QStringLiteral("uro"), QStringLiteral("uro"), analysis + u'-'})
                    .exitCode == 0);
    }

    // A release that answers /health but fails real requests once live: the watch compares live-after
    // with live-before, and the banner names the metric and both values. Before, the confirm dialog
    // shows staging's values beside live's.
    void aMetricThatGetsWorseNamesBothValuesInTheBanner()
    {
        const auto parsed = model::parseServiceConfig("prometheus: monitoring/prometheus:9090\n"
                                                      "services:\n"
                                                      "- name: uro\n"
                                                      "  namespace: uro\n"
                                                      "  group: uro\n"
                                                      "  analysis:\n"
                                                      "    defaults: true\n"
                                                      "    window: 20s\n"
                                                      "    interval: 5s\n"
                                                      "    count: 3\n"
                                                      "    failureLimit: 2\n"
                                                      "- name: uro-frontend\n"
                                                      "  namespace: uro\n"
                                                      "  group: uro\n",
                                                      "services.yaml");
        QVERIFY(parsed);
        // Users on both Services for the whole test, stopping by themselves.
        testsupport::Traffic traffic;
        QVERIFY(traffic.start(180));
        const auto healthyAgain =
            qScopeGuard([] { testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + u'-'); });
        guisupport::Console c(QStringLiteral("operator"), parsed.value());
        model::ActionRunner* runner = c.console->runner();
        runner->setWatchSeconds(90);
        ui::MainWindow* w = c.window;
        openService(w, QStringLiteral("uro"));
        ui::ServicePage* page = w->servicePage();
        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QPushButton* b = page->button(model::SwapPlan::Kind::Swap);
        // Until Prometheus has both slots' traffic in its window: the dialog then shows both values
        // and the analysis passes (both answer every request).
        ui::ConfirmDialog* dialog = nullptr;
        QElapsedTimer clock;
        clock.start();
        while (!dialog && clock.elapsed() < 120000) {
            QTRY_VERIFY_WITH_TIMEOUT(b->isEnabled(), 20000);
            QTest::mouseClick(b, Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
            auto* shown = qobject_cast<ui::ConfirmDialog*>(opened.takeFirst().first().value<QDialog*>());
            QVERIFY(shown);
            if (!shown->skipBox(model::Evidence::Analysis)) {
                dialog = shown;
            } else {
                shown->reject();
                QTest::qWait(3000);
            }
        }
        QVERIFY2(dialog, "the analysis stayed inconclusive or failed for two minutes");
        static const QRegularExpression both(QStringLiteral("uro: error ratio — staging [0-9.]+ % — live [0-9.]+ %"));
        QVERIFY2(both.match(dialog->analysisText()).hasMatch(), qPrintable(dialog->analysisText()));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->diffReading(), 10000); // the picture shows what differs
        QTest::qWait(50);
        guisupport::saveShot(dialog, QStringLiteral("confirm-analysis.png"));
        QTest::keyClicks(dialog->nameField(), QStringLiteral("uro"));
        QVERIFY(dialog->confirmButton()->isEnabled());
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
        const auto said = [runner] {
            QString text;
            for (const model::Activity& a : runner->activities())
                text += QString::fromStdString(a.verb + ": " + a.step + " / " + a.message) + u'\n';
            return text;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(watchOf(runner, "uro") && watchOf(runner, "uro")->running(), qPrintable(said()),
                                  60000);
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("b"));

        // Live's new pods start failing every fifth request: within the window they are worse than
        // the release they replaced.
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + QStringLiteral("=0.2")));
        QTRY_VERIFY_WITH_TIMEOUT(!page->watchBannerText().isEmpty(), 90000);
        const QString banner = page->watchBannerText();
        static const QRegularExpression named(QStringLiteral("uro: error ratio of slot B failed"));
        QVERIFY2(named.match(banner).hasMatch(), qPrintable(banner));
        static const QRegularExpression values(QStringLiteral("[0-9.]+ % against [0-9.]+ %"));
        QVERIFY2(values.match(banner).hasMatch(), qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("live-after against live-before")), qPrintable(banner));
        QVERIFY(page->watchRollbackButton()->isVisible());
        guisupport::saveShot(w, QStringLiteral("watch-banner-metrics.png"));
    }
};

QTEST_MAIN(TestWatchGui)
#include "tst_watch_gui.moc"
