// The release timeline as the console's table: rows newest first across services, the filter's rows,
// a refresh that brings nothing new leaves the rows alone, and the model keeps Qt's contract
// (QAbstractItemModelTester) through every change.
#include "historyfacts.h"
#include "model/views/timelinemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

namespace {

using historyfacts::service;

kube::HistoryEntry entry(const std::string& action, const std::string& at, const std::string& user = "ana",
                         const std::string& result = {})
{
    kube::HistoryEntry e;
    e.at = at;
    e.action = action;
    e.user = user;
    e.result = result;
    e.from.slot = "a";
    e.from.tag = "1a2b3c4";
    e.to.slot = "b";
    e.to.tag = "c41e7a90d2f3";
    e.to.commit = "c41e7a90d2f35b6e8a1c4d7f0b2e5a8c1d4f7a0b";
    return e;
}

} // namespace

class TestTimelineModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rowsNewestFirstAndFiltered()
    {
        model::TimelineModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);
        auto swap = entry("swap", "2026-12-01T10:00:00Z");
        swap.started = "2026-12-01T09:59:58Z";
        m.setServices({service("uro", "", {swap, entry("watch", "2026-12-01T10:05:00Z", "ana", "held")}),
                       service("uro-frontend", "", {entry("deploy", "2026-12-01T09:00:00Z", "bo")})});
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.columnCount(), int(model::TimelineModel::ColumnCount));
        auto cell = [&m](int row, int column) { return m.index(row, column).data().toString(); };
        QCOMPARE(cell(0, model::TimelineModel::ActionColumn), QStringLiteral("watch"));
        QCOMPARE(cell(0, model::TimelineModel::OutcomeColumn), QStringLiteral("held"));
        QCOMPARE(cell(1, model::TimelineModel::ServiceColumn), QStringLiteral("uro"));
        QCOMPARE(cell(1, model::TimelineModel::TookColumn), QStringLiteral("2 s"));
        QCOMPARE(cell(1, model::TimelineModel::ChangeColumn), QStringLiteral("slot A 1a2b3c4 → slot B c41e7a90d2f3"));
        QCOMPARE(cell(1, model::TimelineModel::WhoColumn), QStringLiteral("recorded as ana, not vouched"));
        QCOMPARE(cell(2, model::TimelineModel::ServiceColumn), QStringLiteral("uro-frontend"));
        QCOMPARE(m.index(2, 0).data(model::TimelineModel::KeyRole).toString(), QStringLiteral("uro-frontend"));
        QCOMPARE(m.services(), QStringList({"uro", "uro-frontend"}));
        QCOMPARE(m.users(), QStringList({"ana", "bo"}));
        QCOMPARE(m.actions(), QStringList({"deploy", "swap", "watch"}));

        model::TimelineFilter f;
        f.users = {"bo"};
        m.setFilter(f);
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(cell(0, model::TimelineModel::ActionColumn), QStringLiteral("deploy"));
        f = {};
        f.outcomes = {model::EntryOutcome::Held};
        m.setFilter(f);
        QCOMPARE(m.rowCount(), 1);
        m.setFilter({});
        QCOMPARE(m.rowCount(), 3);
    }

    void aRefreshWithNothingNewKeepsTheRows()
    {
        model::TimelineModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto uro = service("uro", "", {entry("swap", "2026-12-01T10:00:00Z")});
        m.setServices({uro});
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        m.setServices({uro}); // the same revision
        auto later = uro;
        later.revision = 2; // derived again (a pod changed), the same history
        m.setServices({later});
        QCOMPARE(resets.count(), 0);
        later.revision = 3;
        later.history.push_back(entry("rollback", "2026-12-01T10:10:00Z"));
        m.setServices({later});
        QCOMPARE(resets.count(), 1);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, model::TimelineModel::ActionColumn).data().toString(), QStringLiteral("rollback"));
        // A service gone takes its rows.
        m.setServices({});
        QCOMPARE(m.rowCount(), 0);
    }

    // Who, the result and the images were written by whoever may annotate the objects: shown as text.
    void markupInTheRecordIsText()
    {
        model::TimelineModel m;
        auto e = entry("watch", "2026-12-01T10:00:00Z", "<b>mallory</b>", "failed: <img src=\"/dev/zero\">");
        e.to.tag.clear();
        e.to.commit.clear();
        e.to.image = "r/uro:<i>x</i>";
        m.setServices({service("uro", "", {e})});
        QCOMPARE(m.index(0, model::TimelineModel::WhoColumn).data().toString(),
                 QStringLiteral("recorded as <b>mallory</b>, not vouched"));
        QCOMPARE(m.index(0, model::TimelineModel::ChangeColumn).data().toString(),
                 QStringLiteral("slot B r/uro:<i>x</i>"));
        const QString tip = m.index(0, model::TimelineModel::OutcomeColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("&lt;img src=")) && !tip.contains(QStringLiteral("<img")),
                 qPrintable(tip));
        QCOMPARE(m.users(), QStringList({"<b>mallory</b>"})); // the filter's choices: a combo box shows them as text
    }

    void unreadableEntriesShowWhy()
    {
        model::TimelineModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        kube::HistoryEntry bad;
        bad.unreadable = "the history is a number, not a list";
        m.setServices({service("uro", "", {bad})});
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.index(0, model::TimelineModel::ActionColumn).data().toString(), QStringLiteral("unreadable"));
        QCOMPARE(m.index(0, model::TimelineModel::ChangeColumn).data().toString(),
                 QStringLiteral("the history is a number, not a list"));
        QCOMPARE(m.index(0, model::TimelineModel::WhenColumn).data().toString(), QStringLiteral("?"));
        QVERIFY(m.services().isEmpty()); // nothing to filter by in an unreadable entry
    }

    // A slot's warning between the swap and the rollback shows, marked as an event, once the filter asks
    // for events; a new warning changes the rows, its markup stays text, and it offers no action to filter.
    void eventsBetweenEntries()
    {
        model::TimelineModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto uro =
            service("uro", "", {entry("swap", "2026-12-01T10:00:00Z"), entry("rollback", "2026-12-01T10:10:00Z")});
        uro.spec.ns = "uro";
        uro.a.deployment = "uro-a";
        uro.b.deployment = "uro-b";
        kube::Event backOff;
        backOff.meta.uid = "e1";
        backOff.type = "Warning";
        backOff.reason = "BackOff";
        backOff.message = "Back-off restarting <b>failed</b> container";
        backOff.involvedKind = "Pod";
        backOff.involvedName = "uro-b-5f6d-x2kq";
        backOff.involvedNamespace = "uro";
        backOff.count = 4;
        backOff.lastTimestamp = "2026-12-01T10:05:00Z";
        uro.b.warnings = {backOff};
        m.setServices({uro});
        QCOMPARE(m.rowCount(), 2); // off by default
        model::TimelineFilter f;
        f.events = true;
        m.setFilter(f);
        QCOMPARE(m.rowCount(), 3);
        auto cell = [&m](int row, int column) { return m.index(row, column).data().toString(); };
        QCOMPARE(cell(1, model::TimelineModel::ActionColumn), QStringLiteral("event BackOff"));
        QCOMPARE(cell(1, model::TimelineModel::ChangeColumn),
                 QStringLiteral("pod uro-b-5f6d-x2kq: Back-off restarting <b>failed</b> container (×4)"));
        QCOMPARE(cell(1, model::TimelineModel::OutcomeColumn), QStringLiteral("warning"));
        QCOMPARE(cell(1, model::TimelineModel::WhoColumn), QString());
        const QString tip = m.index(1, model::TimelineModel::ChangeColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("&lt;b&gt;failed")), qPrintable(tip));
        QCOMPARE(m.actions(), QStringList({"rollback", "swap"}));

        // The same revision with a new warning still counts: the Events are part of what the rows show.
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        backOff.meta.uid = "e2";
        backOff.reason = "Killing";
        backOff.lastTimestamp = "2026-12-01T10:07:00Z";
        uro.b.warnings.push_back(backOff);
        uro.revision = 2;
        m.setServices({uro});
        QCOMPARE(resets.count(), 1);
        QCOMPARE(m.rowCount(), 4);
        QCOMPARE(cell(1, model::TimelineModel::ActionColumn), QStringLiteral("event Killing"));
    }
};

QTEST_GUILESS_MAIN(TestTimelineModel)
#include "tst_timelinemodel.moc"
