// The overview at scale, in the real console against the local control plane: typing in the
// filter narrows the table to the rows that match every word and Ctrl+F puts the focus there
// (from the overview and from a service's page); Escape clears it and Enter opens the first
// match; clicking a header sorts by that column, a third click goes back to attention-first; and
// attention-first puts uro-frontend, whose live pods fail their health check (the rig's
// annotation), above uro, which comes first by name; every row is as tall as its wrapped sentence.
// With SIGNALBOX_SCREENSHOT_DIR set, it saves the filtered overview there.
#include "guisupport.h"
#include "ui/icons.h"
#include "ui/mainwindow.h"
#include "ui/overviewtable.h"

#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QPixmapCache>
#include <QStandardPaths>
#include <QStyle>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using testsupport::kubectl;

namespace {

// The names in the table's rows, top to bottom, as the table shows them.
QStringList shownNames(ui::MainWindow* w)
{
    QStringList out;
    QAbstractItemModel* m = w->overview()->model();
    for (int row = 0; row < m->rowCount(); ++row)
        out << guisupport::serviceInRow(w, row);
    return out;
}

void clickHeader(ui::MainWindow* w, int column)
{
    QHeaderView* header = w->overview()->horizontalHeader();
    const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
}

} // namespace

class TestOverviewGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        testsupport::clearPodHealth({QStringLiteral("uro"), QStringLiteral("uro-frontend")});
    }

    void cleanupTestCase() { testsupport::clearPodHealth({QStringLiteral("uro"), QStringLiteral("uro-frontend")}); }

    void typingNarrowsAndCtrlFFocusesTheFilter()
    {
        guisupport::Console c(QStringLiteral("viewer"));
        ui::MainWindow* w = c.window;
        QTRY_COMPARE_WITH_TIMEOUT(w->overview()->model()->rowCount(), 2, 20000);
        QCOMPARE(w->overviewCountText(), QStringLiteral("2 services"));
        // The Health column's marks come from the icon cache: the first paint after the cache is
        // emptied renders them, painting the rows again renders none (nothing changes between the
        // grabs: no event is handled in between).
        QPixmapCache::clear();
        const int empty = ui::style::iconRenders();
        w->overview()->viewport()->grab();
        const int rendered = ui::style::iconRenders();
        QVERIFY(rendered > empty);
        w->overview()->viewport()->grab();
        w->overview()->viewport()->grab();
        QCOMPARE(ui::style::iconRenders(), rendered);
        QLineEdit* filter = w->filterField();
        QVERIFY(!filter->placeholderText().isEmpty());
        // The namespace column, beside the name.
        const int uro = guisupport::overviewRow(w, QStringLiteral("uro"));
        QCOMPARE(w->overview()->model()->index(uro, model::ServiceListModel::NamespaceColumn).data().toString(),
                 QStringLiteral("uro"));

        w->overview()->setFocus();
        QTRY_VERIFY(w->overview()->hasFocus());
        QTest::keySequence(w, QKeySequence::Find);
        QTRY_VERIFY(filter->hasFocus());
        QTest::keyClicks(filter, QStringLiteral("FRONT uro"));
        QCOMPARE(shownNames(w), QStringList({"uro-frontend"}));
        QCOMPARE(w->overviewCountText(), QStringLiteral("1 of 2 services"));
        // A word that matches nothing of uro-frontend: no row at all.
        QTest::keyClicks(filter, QStringLiteral(" sandbox-only"));
        QCOMPARE(w->overview()->model()->rowCount(), 0);
        QCOMPARE(w->overviewCountText(), QStringLiteral("0 of 2 services"));

        // Escape clears it; Enter opens the first match.
        QTest::keyClick(filter, Qt::Key_Escape);
        QCOMPARE(filter->text(), QString());
        QCOMPARE(w->overview()->model()->rowCount(), 2);
        QCOMPARE(w->overviewCountText(), QStringLiteral("2 services"));
        QTest::keyClicks(filter, QStringLiteral("frontend"));
        QTest::keyClick(filter, Qt::Key_Return);
        QTRY_COMPARE(w->currentService(), QStringLiteral("uro-frontend"));

        // From a service's page, Ctrl+F goes back to the overview and its filter.
        QTest::keySequence(w, QKeySequence::Find);
        QTRY_COMPARE(w->currentService(), QString());
        QTRY_VERIFY(filter->hasFocus());
        QCOMPARE(filter->selectedText(), QStringLiteral("frontend"));
    }

    void clickingAHeaderSorts()
    {
        guisupport::Console c(QStringLiteral("viewer"));
        ui::MainWindow* w = c.window;
        QTRY_COMPARE_WITH_TIMEOUT(w->overview()->model()->rowCount(), 2, 20000);
        auto* attention = w->findChild<QToolButton*>(QStringLiteral("attentionFirstButton"));
        QVERIFY(attention->isChecked());

        clickHeader(w, model::ServiceListModel::ServiceColumn);
        QCOMPARE(w->overview()->horizontalHeader()->sortIndicatorSection(),
                 int(model::ServiceListModel::ServiceColumn));
        QCOMPARE(shownNames(w), QStringList({"uro", "uro-frontend"}));
        QVERIFY(!attention->isChecked());
        clickHeader(w, model::ServiceListModel::ServiceColumn);
        QCOMPARE(w->overview()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(shownNames(w), QStringList({"uro-frontend", "uro"}));
        // The selection stays on its service while the rows move.
        w->overview()->setCurrentIndex(w->overview()->model()->index(guisupport::overviewRow(w, "uro"), 0));
        clickHeader(w, model::ServiceListModel::ServiceColumn);
        QCOMPARE(w->overview()->horizontalHeader()->sortIndicatorSection(), -1);
        QVERIFY(w->overviewModel()->attentionFirst());
        QVERIFY(attention->isChecked());
        QCOMPARE(guisupport::serviceInRow(w, w->overview()->currentIndex().row()), QStringLiteral("uro"));

        // The button does the same after a sort by a column.
        clickHeader(w, model::ServiceListModel::LiveColumn);
        QVERIFY(!w->overviewModel()->attentionFirst());
        QTest::mouseClick(attention, Qt::LeftButton);
        QVERIFY(w->overviewModel()->attentionFirst());
        QCOMPARE(w->overview()->horizontalHeader()->sortIndicatorSection(), -1);
        QVERIFY(attention->isChecked());
    }

    // Every row is as tall as its sentence needs in the width its column has (the sentence wraps
    // there), at the first picture and after a larger font narrows that column.
    void rowsAreAsTallAsTheirSentence()
    {
        guisupport::Console c(QStringLiteral("viewer"),
                              guisupport::everySecond({QStringLiteral("uro"), QStringLiteral("uro-frontend")}));
        QTableView* table = c.window->overview();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, 20000);
        // The lines the sentence takes in its column, measured apart from the table's own rule.
        auto shortest = [table](int row) {
            const int column = model::ServiceListModel::SummaryColumn;
            const int margin = table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, table) + 1;
            const QString text = table->model()->index(row, column).data().toString();
            return QFontMetrics(table->font())
                .boundingRect(QRect(0, 0, table->columnWidth(column) - 2 * margin, 100000), Qt::TextWordWrap, text)
                .height();
        };
        auto clipped = [table, shortest] {
            QStringList out;
            for (int row = 0; row < table->model()->rowCount(); ++row)
                if (table->rowHeight(row) < shortest(row))
                    out << QStringLiteral("row %1: %2 px for %3 px of text")
                               .arg(row)
                               .arg(table->rowHeight(row))
                               .arg(shortest(row));
            return out;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(clipped().isEmpty(), qPrintable(clipped().join(QStringLiteral("; "))), 5000);
        // A larger font: every column widens, the sentence's column narrows, its lines grow more and
        // taller, and the rows follow.
        const int before = table->rowHeight(0);
        QFont larger = table->font();
        larger.setPointSizeF(larger.pointSizeF() * 1.6);
        table->setFont(larger);
        QTRY_VERIFY2(table->rowHeight(0) > before, qPrintable(QString::number(table->rowHeight(0))));
        QTRY_VERIFY2(clipped().isEmpty(), qPrintable(clipped().join(QStringLiteral("; "))));
    }

    void attentionFirstPutsAFailingLiveSlotOnTop()
    {
        guisupport::Console c(QStringLiteral("viewer"),
                              guisupport::everySecond({QStringLiteral("uro"), QStringLiteral("uro-frontend")}));
        ui::MainWindow* w = c.window;
        QTRY_COMPARE_WITH_TIMEOUT(w->overview()->model()->rowCount(), 2, 20000);
        // Both healthy: by name, uro first.
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(w), QStringList({"uro", "uro-frontend"}), 20000);

        const QStringList live = testsupport::podsOf(QStringLiteral("a"), QStringLiteral("uro-frontend"));
        QCOMPARE(live.size(), 2);
        QVERIFY(testsupport::setPodHealth(live.first(), QStringLiteral("fail")));
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(w), QStringList({"uro-frontend", "uro"}), 20000);
        // Whichever check saw it first (the pod's, or the Service's that reached that pod), the
        // row on top says failing.
        const QModelIndex health = w->overview()->model()->index(0, model::ServiceListModel::HealthColumn);
        QCOMPARE(health.data(model::ServiceListModel::HealthRole).toInt(), int(model::HealthSummary::State::Failing));
        // Then the pod's own check fails too, and stays failing while the Service's alternates.
        auto topTip = [w] {
            return w->overview()->model()->index(0, model::ServiceListModel::HealthColumn).data(Qt::ToolTipRole);
        };
        QTRY_VERIFY_WITH_TIMEOUT(topTip().toString().contains(live.first()), 20000);

        // The filter keeps that order and finds it by its state.
        QTest::keySequence(w, QKeySequence::Find);
        QTest::keyClicks(w->filterField(), QStringLiteral("failing"));
        QCOMPARE(shownNames(w), QStringList({"uro-frontend"}));
        QCOMPARE(w->overviewCountText(), QStringLiteral("1 of 2 services"));
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // the count's new width, before the picture
        QVERIFY(w->findChild<QLabel*>(QStringLiteral("overviewCount"))->width() >=
                w->findChild<QLabel*>(QStringLiteral("overviewCount"))->sizeHint().width());
        guisupport::saveShot(w, QStringLiteral("overview-filtered.png"));
        QTest::keyClick(w->filterField(), Qt::Key_Escape);

        // It recovers: back below uro.
        QVERIFY(testsupport::setPodHealth(live.first(), {}));
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(w), QStringList({"uro", "uro-frontend"}), 20000);
    }

    // The order changes between the press and the release of a double-click (uro-frontend's live
    // pod starts failing, which puts it first): the rows stay where they were while the person
    // points, and the double-click opens uro-frontend, the service under the pointer.
    void aDoubleClickDuringAReorderOpensThePointedService()
    {
        guisupport::Console c(QStringLiteral("viewer"),
                              guisupport::everySecond({QStringLiteral("uro"), QStringLiteral("uro-frontend")}));
        ui::MainWindow* w = c.window;
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(w), QStringList({"uro", "uro-frontend"}), 20000);
        auto* table = dynamic_cast<ui::OverviewTable*>(w->overview());
        QVERIFY(table);
        table->fitVisibleRows(); // the rows' heights, before pointing at one
        const QPoint at = table->visualRect(table->model()->index(1, model::ServiceListModel::ServiceColumn)).center();
        QTest::mousePress(table->viewport(), Qt::LeftButton, {}, at);

        const QStringList live = testsupport::podsOf(QStringLiteral("a"), QStringLiteral("uro-frontend"));
        QCOMPARE(live.size(), 2);
        QVERIFY(testsupport::setPodHealth(live.first(), QStringLiteral("fail")));
        // The rank changes underneath (the source model puts uro-frontend first) ...
        const auto* source = qobject_cast<model::ServiceListModel*>(w->overviewModel()->sourceModel());
        auto rankOf = [source](const QString& name) {
            for (int row = 0; row < source->rowCount(); ++row)
                if (QString::fromStdString(source->service(row)->spec.name) == name)
                    return source->index(row, model::ServiceListModel::AttentionColumn)
                        .data(model::ServiceListModel::SortRole);
            return QVariant();
        };
        QTRY_VERIFY_WITH_TIMEOUT(QVariant::compare(rankOf(QStringLiteral("uro-frontend")),
                                                   rankOf(QStringLiteral("uro"))) == QPartialOrdering::Less,
                                 20000);
        // ... while the rows keep their places (and heights) under the pointer.
        QCoreApplication::processEvents();
        QCOMPARE(shownNames(w), QStringList({"uro", "uro-frontend"}));
        QCOMPARE(table->indexAt(at).row(), 1);
        QTest::mouseRelease(table->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
        QTRY_COMPARE(w->currentService(), QStringLiteral("uro-frontend"));

        // Once the person is done, the order catches up.
        w->showOverview();
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(w), QStringList({"uro-frontend", "uro"}), 5000);
        QVERIFY(testsupport::setPodHealth(live.first(), {}));
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(w), QStringList({"uro", "uro-frontend"}), 20000);
    }
};

QTEST_MAIN(TestOverviewGui)
#include "tst_overview_gui.moc"
