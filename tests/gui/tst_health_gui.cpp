// Health checks in the real console against the local control plane and its pod network (every
// fake pod answers GET /health; its annotation test.signalbox.v-sekai.org/health makes it fail):
// all pods answering show passing marks in the tiles and "2/2 answer" in the overview's Health
// column; one pod annotated `fail` shows a failing mark with its sentence in its tile and the
// column says "1 of 2 fail"; a user without get on pods/proxy is told once, and sees "not allowed".
// With SIGNALBOX_SCREENSHOT_DIR set, it saves the service page with the failing pod there.
#include "guisupport.h"
#include "ui/mainwindow.h"
#include "ui/slottile.h"
#include "ui/style.h"

#include <QCheckBox>
#include <QLabel>
#include <QPointer>
#include <QSet>
#include <QStandardPaths>
#include <QTest>
#include <algorithm>

using testsupport::kubectl;

namespace {

// Uro's row in the overview, found by name (a configured service's key has no context).
int uroRow(ui::MainWindow* w)
{
    auto* m = w->serviceModel();
    for (int row = 0; row < m->rowCount(); ++row)
        if (m->service(row)->spec.name == "uro")
            return row;
    return -1;
}

QString cell(ui::MainWindow* w, int column)
{
    auto* m = w->serviceModel();
    const int row = uroRow(w);
    return row < 0 ? QString() : m->data(m->index(row, column)).toString();
}

} // namespace

class TestHealthGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        testsupport::clearPodHealth();
    }

    void everyPodAnsweringShowsPassing()
    {
        guisupport::Console c(QStringLiteral("viewer"));
        const int col = model::ServiceListModel::HealthColumn;
        QTRY_COMPARE_WITH_TIMEOUT(cell(c.window, col), QStringLiteral("live 2/2 answer · staging 2/2 answer"), 20000);
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        for (model::Slot slot : {model::Slot::A, model::Slot::B}) {
            ui::SlotTile* tile = page->tile(slot);
            QTRY_COMPARE_WITH_TIMEOUT(tile->healthState(), model::HealthSummary::State::Passing, 10000);
            QCOMPARE(tile->healthSummaryText(), QStringLiteral("● Health check: 2 of 2 answer"));
            const QStringList lines = tile->healthLines();
            // Two pods, then the Service that selects the slot.
            QCOMPARE(lines.size(), 3);
            for (const QString& pod : testsupport::podsOf(QString::fromStdString(model::name(slot)))) {
                const bool shown = std::any_of(lines.begin(), lines.end(), [&](const QString& l) {
                    return l.startsWith(pod + QStringLiteral("  200 in "));
                });
                QVERIFY2(shown, qPrintable(lines.join(u'\n')));
            }
            // The Service is asked on its own schedule; its first answer may come after the pods'.
            const QString service = slot == model::Slot::A ? QStringLiteral("Service uro: answered 200")
                                                           : QStringLiteral("Service uro-staging: answered 200");
            QTRY_VERIFY2_WITH_TIMEOUT(tile->healthLines().last().startsWith(service),
                                      qPrintable(tile->healthLines().last()), 10000);
        }
        QCOMPARE(c.window->healthNoteText(), QString());

        // Another namespace: the checks go with the views they were asked for.
        QPointer<model::HealthMonitor> monitor = c.console->dashboard()->health()->monitor();
        QVERIFY(monitor->targetCount() > 0);
        guisupport::switchNamespace(c.window, QStringLiteral("uro-sandbox"));
        QTRY_VERIFY_WITH_TIMEOUT(monitor.isNull(), 5000);
    }

    void aFailingPodShowsInItsTileAndTheOverview()
    {
        const QStringList live = testsupport::podsOf(QStringLiteral("a"));
        QCOMPARE(live.size(), 2);
        QVERIFY(testsupport::setPodHealth(live.first(), QStringLiteral("fail")));
        guisupport::Console c(QStringLiteral("viewer"), guisupport::everySecond());
        const int col = model::ServiceListModel::HealthColumn;
        QTRY_COMPARE_WITH_TIMEOUT(cell(c.window, col), QStringLiteral("live 1 of 2 fail · staging 2/2 answer"), 20000);
        auto* m = c.window->serviceModel();
        const int row = uroRow(c.window);
        QCOMPARE(m->data(m->index(row, col), model::ServiceListModel::HealthRole).toInt(),
                 int(model::HealthSummary::State::Failing));
        QVERIFY(guisupport::shownTip(m->data(m->index(row, col), Qt::ToolTipRole).toString())
                    .startsWith(live.first() + QStringLiteral("  500, expected 200")));
        // The status says what fails, in the overview and on the page alike.
        QCOMPARE(guisupport::overviewStatus(c.window, QStringLiteral("uro")), QStringLiteral("Live fails its check"));
        guisupport::saveShot(c.window, QStringLiteral("overview-health.png"));

        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::SlotTile* tile = c.window->servicePage()->tile(model::Slot::A);
        QTRY_COMPARE_WITH_TIMEOUT(tile->healthState(), model::HealthSummary::State::Failing, 10000);
        QCOMPARE(tile->healthSummaryText(), QStringLiteral("✖ Health check: 1 of 2 fail"));
        const QStringList lines = tile->healthLines();
        const auto failing = std::find_if(lines.begin(), lines.end(), [&](const QString& l) {
            return l.startsWith(live.first() + QStringLiteral("  500, expected 200  · "));
        });
        QVERIFY2(failing != lines.end(), qPrintable(lines.join(u'\n')));
        QVERIFY2(failing->endsWith(QStringLiteral(" s ago")), qPrintable(*failing));
        QVERIFY(std::any_of(lines.begin(), lines.end(),
                            [&](const QString& l) { return l.startsWith(live.last() + QStringLiteral("  200 in ")); }));
        // Kubernetes calls both pods ready; the tile still asks for attention, the other slot does not.
        QCOMPARE(tile->health(), model::Health::Healthy);
        QVERIFY(tile->styleSheet().contains(ui::style::colorOf(ui::style::Tone::Attention)));
        QCOMPARE(c.window->servicePage()->tile(model::Slot::B)->healthState(), model::HealthSummary::State::Passing);
        QCOMPARE(c.window->servicePage()->badgeText(), QStringLiteral("Live fails its check"));
        guisupport::saveShot(c.window, QStringLiteral("health-failing-pod.png"));

        // The pod recovers: the next check (at the interval) turns the mark back.
        QVERIFY(testsupport::setPodHealth(live.first(), {}));
        QTRY_COMPARE_WITH_TIMEOUT(tile->healthState(), model::HealthSummary::State::Passing, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(c.window, col), QStringLiteral("live 2/2 answer · staging 2/2 answer"), 5000);
    }

    void aUserWithoutTheProxyGrantIsToldOnce()
    {
        // The deployer may read the namespace but not use pods/proxy there.
        guisupport::Console c(QStringLiteral("deployer"), guisupport::everySecond());
        const int col = model::ServiceListModel::HealthColumn;
        QTRY_COMPARE_WITH_TIMEOUT(cell(c.window, col), QStringLiteral("not allowed"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!c.window->healthNoteText().isEmpty(), 5000);
        const QString note = c.window->healthNoteText();
        QVERIFY2(note.contains(QStringLiteral("pods/proxy")), qPrintable(note));
        // One sentence per namespace and kind (pods, Services), not one per pod.
        const QStringList lines = note.split(u'\n');
        QVERIFY2(lines.size() <= 4, qPrintable(note));
        QCOMPARE(QSet<QString>(lines.begin(), lines.end()).size(), lines.size());
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::SlotTile* tile = c.window->servicePage()->tile(model::Slot::A);
        QTRY_COMPARE_WITH_TIMEOUT(tile->healthState(), model::HealthSummary::State::NotAllowed, 10000);
        QCOMPARE(tile->healthSummaryText(), QStringLiteral("⊘ Health check: not allowed to ask (get on pods/proxy)"));
        QVERIFY(tile->healthLines().isEmpty());
        // And it is not asked again and again: checks due every second send no question during the pause.
        // Questions already on their way when the first refusal came back still count: from when
        // every target has its answer or refusal and none is on its way, nothing more is asked.
        model::HealthMonitor* monitor = c.console->dashboard()->health()->monitor();
        QTRY_VERIFY_WITH_TIMEOUT(monitor->allAnswered() && monitor->inFlight() == 0, 10000);
        const long long asked = monitor->asked();
        // Absence, so a bounded wait: 3 s, three times the checks' interval.
        QVERIFY(!QTest::qWaitFor([monitor, asked] { return monitor->asked() != asked; }, 3000));
        QCOMPARE(c.console->dashboard()->health()->monitor()->asked(), asked);
    }

    // The gate before the swap, as an operator meets it: a staging pod that fails the check keeps
    // the confirm button off even with the name typed, until "Swap without the health check" is
    // ticked; then the swap goes ahead and the history records that the check was skipped.
    void aFailingStagingPodGatesTheSwapUntilSkipped()
    {
        testsupport::resetExample();
        testsupport::clearPodHealth();
        const QStringList staging = testsupport::podsOf(QStringLiteral("b"));
        QCOMPARE(staging.size(), 2);
        QVERIFY(testsupport::setPodHealth(staging.last(), QStringLiteral("fail")));
        guisupport::Console c(QStringLiteral("operator"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QPushButton* swap = page->button(model::SwapPlan::Kind::Swap);
        QTRY_VERIFY_WITH_TIMEOUT(swap->isEnabled(), 20000);
        // Never "Ready to swap" beside a failing check: the page and the overview say what fails.
        QTRY_COMPARE_WITH_TIMEOUT(page->badgeText(), QStringLiteral("Staging fails its check"), 20000);
        QCOMPARE(guisupport::overviewStatus(c.window, QStringLiteral("uro")),
                 QStringLiteral("Staging fails its check"));
        QTest::mouseClick(swap, Qt::LeftButton);
        QTRY_COMPARE(opened.count(), 1);
        auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.first().first().value<QDialog*>());
        QVERIFY(dialog);
        QVERIFY(dialog->plan().onlyEvidenceFails());
        const model::Check* failed = dialog->plan().firstFailure();
        QVERIFY(failed && failed->evidence == model::Evidence::Health);
        QVERIFY2(failed->text.find(staging.last().toStdString()) != std::string::npos, failed->text.c_str());
        QVERIFY2(failed->text.find("500, expected 200") != std::string::npos, failed->text.c_str());
        QCheckBox* skip = dialog->skipHealthCheckBox();
        QVERIFY(skip && skip->isVisible() && !skip->isChecked());
        QTest::keyClicks(dialog->nameField(), QStringLiteral("uro"));
        QVERIFY(!dialog->confirmButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->diffReading(), 10000); // the picture shows what differs
        QTest::qWait(50);
        guisupport::saveShot(dialog, QStringLiteral("confirm-health-gate.png"));
        QTest::keyClick(dialog->nameField(), Qt::Key_Return);
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("a")); // Enter did not swap
        skip->click();
        QVERIFY(dialog->confirmButton()->isEnabled());
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("b"), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!c.console->runner()->runningFor("uro", "uro"), 30000);
        const QString history = testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro"));
        QVERIFY2(history.contains(QStringLiteral("\"healthCheck\":\"skipped\"")), qPrintable(history));
        testsupport::clearPodHealth();
        testsupport::resetExample();
    }

    void cleanupTestCase() { testsupport::clearPodHealth(); }
};

QTEST_MAIN(TestHealthGui)
#include "tst_health_gui.moc"
