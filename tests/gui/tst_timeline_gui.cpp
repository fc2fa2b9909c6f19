// The release timeline in the console: after a group swap watched for a few seconds and a rollback,
// Ctrl+T opens every service's entries newest first; the service filter keeps one service's; Enter on
// a row opens that service's page at that entry; Esc closes the window.
#include "gui/guisupport.h"
#include "ui/help.h"
#include "ui/servicepage.h"
#include "ui/timelineview.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QPointer>
#include <QTableWidget>

using guisupport::Console;

class TestTimelineGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        const QString recorded = guisupport::swapWatchedThenRolledBack();
        QVERIFY2(recorded.isEmpty(), qPrintable(recorded));
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void ctrlTOpensTheTimelineAndARowOpensItsService()
    {
        Console c(QStringLiteral("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(c.window, QStringLiteral("uro-frontend")) >= 0, 30000);
        QVERIFY(QTest::qWaitForWindowActive(c.window));
        QTest::keyClick(c.window, ui::keys::timeline.key(), ui::keys::timeline.keyboardModifiers());
        QTRY_VERIFY(c.window->timelineView() && c.window->timelineView()->isVisible());
        ui::TimelineView* view = c.window->timelineView();
        model::TimelineModel* m = view->model();
        // Each member's rollback, watch verdict and swap.
        QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 6, 20000);
        auto cell = [m](int row, int column) { return m->index(row, column).data().toString(); };
        QCOMPARE(cell(0, model::TimelineModel::ActionColumn), QStringLiteral("rollback"));
        QCOMPARE(cell(5, model::TimelineModel::ActionColumn), QStringLiteral("swap"));
        bool sawWatch = false;
        for (int row = 0; row < m->rowCount(); ++row)
            if (cell(row, model::TimelineModel::ActionColumn) == QLatin1String("watch")) {
                sawWatch = true;
                QCOMPARE(cell(row, model::TimelineModel::OutcomeColumn), QStringLiteral("held"));
                QVERIFY2(cell(row, model::TimelineModel::TookColumn).endsWith(QLatin1String(" s")),
                         qPrintable(cell(row, model::TimelineModel::TookColumn)));
            }
        QVERIFY(sawWatch);
        QCOMPARE(view->countText(), QStringLiteral("6 entries"));
        // The namespace's record is read too (it holds the same entries: none shows twice), and from when
        // it reaches is said beside the count.
        auto* count = view->findChild<QLabel*>(QStringLiteral("timelineCount"));
        QVERIFY(count);
        QTRY_VERIFY2_WITH_TIMEOUT(count->text().startsWith(QStringLiteral("6 entries · record from ")),
                                  qPrintable(count->text()), 20000);
        QCOMPARE(m->rowCount(), 6);
        view->resize(1100, 360);
        guisupport::saveShot(view, QStringLiteral("timeline.png"));

        // One service's entries.
        QComboBox* services = view->serviceFilter();
        const int frontend = services->findText(QStringLiteral("uro-frontend"));
        QVERIFY(frontend > 0);
        services->setCurrentIndex(frontend);
        QCOMPARE(m->rowCount(), 3);
        for (int row = 0; row < 3; ++row)
            QCOMPARE(cell(row, model::TimelineModel::ServiceColumn), QStringLiteral("uro-frontend"));
        // Only the rollbacks.
        services->setCurrentIndex(0);
        view->actionFilter()->setCurrentIndex(view->actionFilter()->findText(QStringLiteral("rollback")));
        QCOMPARE(m->rowCount(), 2);
        guisupport::saveShot(view, QStringLiteral("timeline-filtered.png"));

        // Enter on a row opens its service.
        QVERIFY(QTest::qWaitForWindowActive(view));
        view->table()->setFocus();
        view->table()->setCurrentIndex(m->index(1, 0));
        const QString chosen = cell(1, model::TimelineModel::ServiceColumn);
        QTest::keyClick(view->table(), Qt::Key_Return);
        QTRY_COMPARE(c.window->currentService(), chosen);
        // ... at that entry: the page's history has the rollback (its newest entry) selected.
        QTableWidget* history = c.window->servicePage()->history();
        QTRY_COMPARE(history->selectionModel()->selectedRows().size(), 1);
        const int selected = history->selectionModel()->selectedRows().first().row();
        QCOMPARE(selected, 0);
        QVERIFY2(history->item(selected, 2)->text().contains(QLatin1String("rollback"), Qt::CaseInsensitive),
                 qPrintable(history->item(selected, 2)->text()));
        // An older entry (the swap) selects its own row.
        view->actionFilter()->setCurrentIndex(view->actionFilter()->findText(QStringLiteral("swap")));
        services->setCurrentIndex(services->findText(chosen));
        QCOMPARE(m->rowCount(), 1);
        view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(view));
        view->table()->setFocus();
        view->table()->setCurrentIndex(m->index(0, 0));
        QTest::keyClick(view->table(), Qt::Key_Return);
        QTRY_COMPARE(history->selectionModel()->selectedRows().value(0).row(), 2);
        QVERIFY2(history->item(2, 2)->text().contains(QLatin1String("swap"), Qt::CaseInsensitive),
                 qPrintable(history->item(2, 2)->text()));

        // Esc closes it (a new one opens on the next Ctrl+T).
        QPointer<ui::TimelineView> gone(view);
        view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(view));
        QTest::keyClick(view->table(), Qt::Key_Escape);
        QTRY_VERIFY2(
            !gone,
            qPrintable(QStringLiteral("visible %1 active %2 focus %3")
                           .arg(gone && gone->isVisible())
                           .arg(QApplication::activeWindow() ? QApplication::activeWindow()->objectName() : QString())
                           .arg(QApplication::focusWidget() ? QApplication::focusWidget()->objectName() : QString())));
    }
};

QTEST_MAIN(TestTimelineGui)
#include "tst_timeline_gui.moc"
