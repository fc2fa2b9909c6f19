// The Compare slots table: one row per field that differs, in the diff's order, the sides named in the
// headers; a long or many-line value shows its first line cut in the cell and whole in a tooltip that
// is text, never markup; the summary counts the equal fields and carries the notes; the model keeps
// Qt's contract (QAbstractItemModelTester) through every change.
#include "model/views/slotdiffmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

namespace {

model::SlotDiff diff()
{
    model::SlotDiff d;
    d.from = "live (slot A, uro-a)";
    d.to = "staging (slot B, uro-b)";
    d.differences = {
        {.field = "container uro: env DATABASE_URL", .from = "ecto://db-v1/uro", .to = "ecto://db-v2/uro"},
        {.field = "container uro: env FEATURE", .from = std::nullopt, .to = "<b>on</b>"},
        {.field = "container uro: command", .from = "mix phx.server\n--port 4000", .to = std::string(400, 'x')},
    };
    d.equalFields = 12;
    d.compareUrl = "https://github.com/v-sekai/uro/compare/8d3c2f4...c41e7a9";
    d.notes = {"ConfigMap uro-config was not compared: not readable (forbidden)."};
    return d;
}

} // namespace

class TestSlotDiffModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rowsAreTheDifferencesInOrder()
    {
        model::SlotDiffModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(m.headerData(model::SlotDiffModel::FromColumn, Qt::Horizontal).toString(), QStringLiteral("From"));
        QVERIFY(m.summary().isEmpty());

        m.setDiff(diff());
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.columnCount(), 3);
        auto cell = [&m](int row, int column) { return m.index(row, column).data().toString(); };
        QCOMPARE(cell(0, model::SlotDiffModel::FieldColumn), QStringLiteral("container uro: env DATABASE_URL"));
        QCOMPARE(cell(0, model::SlotDiffModel::FromColumn), QStringLiteral("ecto://db-v1/uro"));
        QCOMPARE(cell(0, model::SlotDiffModel::ToColumn), QStringLiteral("ecto://db-v2/uro"));
        // A field only one side has.
        QCOMPARE(cell(1, model::SlotDiffModel::FromColumn), QStringLiteral("(none)"));
        QCOMPARE(m.headerData(model::SlotDiffModel::FromColumn, Qt::Horizontal).toString(),
                 QStringLiteral("live (slot A, uro-a)"));
        QCOMPARE(m.headerData(model::SlotDiffModel::ToColumn, Qt::Horizontal).toString(),
                 QStringLiteral("staging (slot B, uro-b)"));
        QCOMPARE(m.compareUrl(), QStringLiteral("https://github.com/v-sekai/uro/compare/8d3c2f4...c41e7a9"));
        QCOMPARE(m.summary(), QStringLiteral("12 other fields equal.\n"
                                             "ConfigMap uro-config was not compared: not readable (forbidden)."));

        m.clear();
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(!m.hasDiff());
    }

    void longValuesAreCutAndWholeInTheTooltip()
    {
        model::SlotDiffModel m;
        m.setDiff(diff());
        const QModelIndex command = m.index(2, model::SlotDiffModel::FromColumn);
        QCOMPARE(command.data().toString(), QStringLiteral("mix phx.server…"));
        QVERIFY2(command.data(Qt::ToolTipRole).toString().contains(QStringLiteral("--port 4000")),
                 qPrintable(command.data(Qt::ToolTipRole).toString()));
        const QString longCell = m.index(2, model::SlotDiffModel::ToColumn).data().toString();
        QCOMPARE(longCell.size(), 161);
        QVERIFY(longCell.endsWith(u'…'));
    }

    void markupIsShownAsText()
    {
        model::SlotDiffModel m;
        m.setDiff(diff());
        const QModelIndex feature = m.index(1, model::SlotDiffModel::ToColumn);
        QCOMPARE(feature.data().toString(), QStringLiteral("<b>on</b>"));
        const QString tooltip = feature.data(Qt::ToolTipRole).toString();
        QVERIFY2(tooltip.contains(QStringLiteral("&lt;b&gt;on&lt;/b&gt;")) && !tooltip.contains(QStringLiteral("<b>")),
                 qPrintable(tooltip));
    }

    void noDifferencesSaysSo()
    {
        model::SlotDiffModel m;
        model::SlotDiff same;
        same.from = "slot A";
        same.to = "live (slot A, uro-a)";
        same.equalFields = 1;
        m.setDiff(same);
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(m.summary(), QStringLiteral("No differences: 1 field equal."));
        same.equalFields = 31;
        m.setDiff(same);
        QCOMPARE(m.summary(), QStringLiteral("No differences: 31 fields equal."));
    }
};

QTEST_GUILESS_MAIN(TestSlotDiffModel)
#include "tst_slotdiffmodel.moc"
