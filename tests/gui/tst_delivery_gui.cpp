// The delivery figures and the timeline's Events in the console, on a record made on the real API
// server: a deploy to staging, a group swap watched for a few seconds and a rollback of uro and
// uro-frontend, then a warning about a slot. Ctrl+Shift+T opens the figures: the group's one swap,
// failed by the rollback, drawn as bars; one service and a shorter period chosen change them; Esc
// closes. The timeline lists the warning only with Events checked, marked as an event.
#include "gui/guisupport.h"
#include "support/cluster.h"
#include "ui/deliveryview.h"
#include "ui/help.h"
#include "ui/metricchart.h"
#include "ui/style.h"
#include "ui/timelineview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QPointer>
#include <QTimeZone>

using guisupport::Console;
using Figure = model::DeliveryModel::Figure;

namespace {

// Pixels of the bars' colour in what the chart paints.
int barPixels(ui::MetricChart* chart)
{
    const QImage image = chart->grab().toImage();
    const QColor bar(ui::style::colorOf(ui::style::Tone::Live, chart->palette()));
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += image.pixelColor(x, y) == bar ? 1 : 0;
    return n;
}

} // namespace

class TestDeliveryGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        const QString registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/registry up and eval \"$(scripts/registry env)\".");
        const auto deploy = testsupport::signalbox(
            QStringLiteral("deployer"),
            {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"), QStringLiteral("staging"),
             QStringLiteral("--image"), registry + QStringLiteral("/v-sekai/uro:3f2c1a9"), QStringLiteral("--wait")},
            180000);
        QVERIFY2(deploy.exitCode == 0, qPrintable(deploy.describe()));
        const QString recorded = guisupport::swapWatchedThenRolledBack();
        QVERIFY2(recorded.isEmpty(), qPrintable(recorded));
        // What the cluster said after them: a warning about slot B's Deployment, with markup in it.
        QVERIFY(testsupport::addDeploymentEvent(QStringLiteral("uro-b"), QStringLiteral("Warning"),
                                                QStringLiteral("FailedCreate"),
                                                QStringLiteral("Error creating: pods 'uro-b-<b>x</b>' is forbidden: "
                                                               "exceeded quota"),
                                                2));
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void theFiguresOfAScopeAndAPeriod()
    {
        Console c(QStringLiteral("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(c.window, QStringLiteral("uro-frontend")) >= 0, 30000);
        QVERIFY(QTest::qWaitForWindowActive(c.window));
        QTest::keyClick(c.window, ui::keys::delivery.key(), ui::keys::delivery.keyboardModifiers());
        QTRY_VERIFY(c.window->deliveryView() && c.window->deliveryView()->isVisible());
        ui::DeliveryView* view = c.window->deliveryView();

        // Every service over 30 days: the group's swap counts once, and its rollback fails it.
        QCOMPARE(view->periodChoice()->currentText(), QStringLiteral("Last 30 days"));
        QTRY_COMPARE_WITH_TIMEOUT(view->valueText(model::DeliveryModel::Frequency),
                                  QStringLiteral("1 swap, 0.2 a week"), 20000);
        QCOMPARE(view->valueText(model::DeliveryModel::FailureRate), QStringLiteral("100 % (1 of 1 swap)"));
        QCOMPARE(view->valueText(model::DeliveryModel::Restore), QStringLiteral("no failing watch"));
        // The lead time: from uro's image build (2024-03-05) to live; the frontend's image says none.
        QVERIFY2(view->valueText(model::DeliveryModel::LeadTime).startsWith(QStringLiteral("median ")) &&
                     view->valueText(model::DeliveryModel::LeadTime).endsWith(QStringLiteral(" (1 swap)")),
                 qPrintable(view->valueText(model::DeliveryModel::LeadTime)));
        QVERIFY2(view->recordText().startsWith(QStringLiteral("The record reaches back to ")),
                 qPrintable(view->recordText()));
        // Drawn: a bar for this week in the frequency, failure rate and lead time charts; none to restore.
        for (Figure f :
             {model::DeliveryModel::Frequency, model::DeliveryModel::FailureRate, model::DeliveryModel::LeadTime}) {
            QCOMPARE(view->chart(f)->pointCount(0), 1);
            QVERIFY2(barPixels(view->chart(f)) > 20, qPrintable(view->chart(f)->description()));
        }
        QCOMPARE(view->chart(model::DeliveryModel::Restore)->pointCount(0), 0);
        view->resize(1000, view->sizeHint().height());
        guisupport::saveShot(view, QStringLiteral("delivery.png"));

        // One service, 7 days, by day: its own swap; no build time recorded for its image.
        QComboBox* scope = view->scopeChoice();
        QVERIFY(scope->findText(QStringLiteral("Group uro")) > 0);
        scope->setCurrentIndex(scope->findText(QStringLiteral("uro-frontend")));
        view->periodChoice()->setCurrentIndex(view->periodChoice()->findText(QStringLiteral("Last 7 days")));
        QCOMPARE(view->model()->bucketName(), std::string("per day"));
        QCOMPARE(view->valueText(model::DeliveryModel::Frequency), QStringLiteral("1 swap, 0.1 a day"));
        QCOMPARE(view->valueText(model::DeliveryModel::LeadTime),
                 QStringLiteral("no data (no swap recorded a build time)"));
        QCOMPARE(view->valueText(model::DeliveryModel::FailureRate), QStringLiteral("100 % (1 of 1 swap)"));
        QCOMPARE(view->chart(model::DeliveryModel::Frequency)->pointCount(0), 1);
        QVERIFY(barPixels(view->chart(model::DeliveryModel::Frequency)) > 20);
        QCOMPARE(view->chart(model::DeliveryModel::LeadTime)->pointCount(0), 0);

        // Esc closes it.
        QPointer<ui::DeliveryView> gone(view);
        view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(view));
        QTest::keyClick(view, Qt::Key_Escape);
        QTRY_VERIFY(!gone);
    }

    void theTimelineListsEventsWhenAsked()
    {
        Console c(QStringLiteral("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(c.window, QStringLiteral("uro-frontend")) >= 0, 30000);
        ui::TimelineView* view = c.window->openTimeline();
        model::TimelineModel* m = view->model();
        QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 7, 20000); // the record alone: deploy, and each member's three
        QVERIFY(!view->eventsFilter()->isChecked());
        view->eventsFilter()->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 8, 20000);
        auto cell = [m](int row, int column) { return m->index(row, column).data().toString(); };
        // Newest: the warning, after the rollbacks.
        QCOMPARE(cell(0, model::TimelineModel::ActionColumn), QStringLiteral("event FailedCreate"));
        QCOMPARE(cell(0, model::TimelineModel::ServiceColumn), QStringLiteral("uro"));
        QCOMPARE(cell(0, model::TimelineModel::ChangeColumn),
                 QStringLiteral("deployment uro-b: Error creating: pods 'uro-b-<b>x</b>' is forbidden: exceeded "
                                "quota (×2)"));
        QCOMPARE(cell(0, model::TimelineModel::OutcomeColumn), QStringLiteral("warning"));
        QCOMPARE(cell(1, model::TimelineModel::ActionColumn), QStringLiteral("rollback"));
        QCOMPARE(view->countText(), QStringLiteral("8 entries"));
        view->resize(1260, 380);
        guisupport::saveShot(view, QStringLiteral("timeline-events.png"));
        view->eventsFilter()->setChecked(false);
        QCOMPARE(m->rowCount(), 7);
    }
};

QTEST_MAIN(TestDeliveryGui)
#include "tst_delivery_gui.moc"
