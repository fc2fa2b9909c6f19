// The delivery figures as the console's table: four rows whose values say "no swaps" or "no data" rather
// than 0 where nothing was measured, the scope (all, a group, a service) and the period (7, 30, 90 days)
// chosen, one point per day or week for the charts, only changed rows reported, and Qt's contract kept
// (QAbstractItemModelTester) through every change.
#include "historyfacts.h"
#include "model/views/deliverymodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

namespace {

using historyfacts::service;

// 2026-12-01T10:00:00Z, and `minutes` after it.
const std::int64_t t0 = 1796119200;
std::string at(std::int64_t minutes)
{
    return QDateTime::fromSecsSinceEpoch(t0 + minutes * 60, QTimeZone::utc()).toString(Qt::ISODate).toStdString();
}

kube::HistoryEntry entry(const std::string& action, std::int64_t minutes, const std::string& result = {})
{
    kube::HistoryEntry e;
    e.at = at(minutes);
    e.action = action;
    e.user = "ana";
    e.result = result;
    return e;
}

kube::HistoryEntry swapBuilt(std::int64_t minutes, std::int64_t builtMinutes)
{
    auto e = entry("swap", minutes);
    e.to.created = at(builtMinutes);
    return e;
}

const std::int64_t day = 24 * 60;

// uro and uro-frontend swap together (group "uro") on day 1, fail their watch and roll back 10 min later;
// uro-admin (alone) swaps on days 3 and 5, with images built 2 h before.
std::vector<model::ServiceState> services()
{
    return {
        service("uro", "uro",
                {swapBuilt(day, day - 60), entry("watch", day + 5, "failed: restarted"), entry("rollback", day + 10)}),
        service("uro-frontend", "uro",
                {swapBuilt(day, day - 30), entry("watch", day + 5, "failed: stopped"), entry("rollback", day + 10)}),
        service("uro-admin", "", {swapBuilt(3 * day, 3 * day - 120), swapBuilt(5 * day, 5 * day - 120)}),
    };
}

} // namespace

class TestDeliveryModel : public QObject {
    Q_OBJECT

    static QString value(const model::DeliveryModel& m, int row)
    {
        return m.index(row, model::DeliveryModel::ValueColumn).data().toString();
    }

private Q_SLOTS:
    void nothingRecordedSaysSo()
    {
        model::DeliveryModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setNow(t0 + 7 * 86400);
        QCOMPARE(m.rowCount(), int(model::DeliveryModel::FigureCount));
        QCOMPARE(m.columnCount(), int(model::DeliveryModel::ColumnCount));
        for (int row = 0; row < m.rowCount(); ++row) {
            QCOMPARE(value(m, row), QStringLiteral("no data"));
            QVERIFY(m.series(model::DeliveryModel::Figure(row)).empty());
        }
        QCOMPARE(m.recordText(), QStringLiteral("Nothing is recorded for any service."));
        QCOMPARE(m.index(2, model::DeliveryModel::FigureColumn).data().toString(),
                 QStringLiteral("Change failure rate"));
    }

    void figuresByScopeAndPeriod()
    {
        model::DeliveryModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setNow(t0 + 7 * 86400 - 1); // the week from t0 ends here
        m.setPeriodDays(7);
        m.setServices(services());
        QCOMPARE(m.groups(), QStringList({"uro"}));
        QCOMPARE(m.services(), QStringList({"uro", "uro-admin", "uro-frontend"}));
        QCOMPARE(m.bucketName(), std::string("per day"));
        QCOMPARE(m.buckets().size(), std::size_t(7));

        // All: the group swap counts once; three swaps, one failed, restored after 5 min.
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("3 swaps, 0.4 a day"));
        // Lead times 30, 60, 120, 120 min: the lower middle.
        QCOMPARE(value(m, model::DeliveryModel::LeadTime), QStringLiteral("median 1 h (4 swaps)"));
        QCOMPARE(value(m, model::DeliveryModel::FailureRate), QStringLiteral("33 % (1 of 3 swaps)"));
        QCOMPARE(value(m, model::DeliveryModel::Restore), QStringLiteral("median 5 min (1 restored)"));
        QCOMPARE(m.recordText(),
                 QStringLiteral("The record reaches back to 2026-12-02 10:00Z: nothing before it was measured."));
        // Per day from the record's first day on: day 0 was not measured, so it has no point.
        const auto swaps = m.series(model::DeliveryModel::Frequency);
        QCOMPARE(swaps.size(), std::size_t(6));
        QCOMPARE(swaps[0].value, 1.0);
        QCOMPARE(swaps[1].value, 0.0);
        QCOMPARE(swaps[2].value, 1.0);
        QCOMPARE(swaps[0].time, double(t0 + 86400) + (86400 - 1) / 2.0);
        const auto rate = m.series(model::DeliveryModel::FailureRate);
        QCOMPARE(rate.size(), std::size_t(3)); // only the days with a swap have a rate
        QCOMPARE(rate[0].value, 1.0);
        QCOMPARE(rate[1].value, 0.0);
        QCOMPARE(m.series(model::DeliveryModel::Restore).size(), std::size_t(1));
        QCOMPARE(m.series(model::DeliveryModel::Restore)[0].value, 5.0);  // minutes
        QCOMPARE(m.series(model::DeliveryModel::LeadTime)[0].value, 0.5); // hours, of 30 and 60 min
        QCOMPARE(m.chartTitle(model::DeliveryModel::LeadTime), std::string("lead time, hours (median)"));
        QCOMPARE(m.chartTitle(model::DeliveryModel::Restore), std::string("time to restore, minutes (median)"));

        // The group: one swap, failed; only the rows that changed say so.
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        m.setScope({.kind = model::DeliveryModel::Scope::Kind::Group, .name = "uro"});
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("1 swap, 0.1 a day"));
        QCOMPARE(value(m, model::DeliveryModel::FailureRate), QStringLiteral("100 % (1 of 1 swap)"));
        QCOMPARE(value(m, model::DeliveryModel::Restore), QStringLiteral("median 5 min (1 restored)"));
        QCOMPARE(changed.count(), 3); // the restore's text and points are the same
        QCOMPARE(resets.count(), 0);

        // One service without a failure: "no failures", not 0.
        m.setScope({.kind = model::DeliveryModel::Scope::Kind::Service, .name = "uro-admin"});
        QCOMPARE(value(m, model::DeliveryModel::FailureRate), QStringLiteral("0 % (0 of 2 swaps)"));
        QCOMPARE(value(m, model::DeliveryModel::Restore), QStringLiteral("no failures"));
        QCOMPARE(value(m, model::DeliveryModel::LeadTime), QStringLiteral("median 2 h (2 swaps)"));

        // 30 days by week: the same swaps, a week's rate.
        m.setPeriodDays(30);
        QCOMPARE(m.bucketName(), std::string("per week"));
        QCOMPARE(m.buckets().size(), std::size_t(5));
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("2 swaps, 0.5 a week"));
        // Before the record the weeks have no point: only the last one, which holds both swaps.
        const auto weekly = m.series(model::DeliveryModel::Frequency);
        QCOMPARE(weekly.size(), std::size_t(1));
        QCOMPARE(weekly[0].value, 2.0);
        QCOMPARE(m.frame().stepSeconds, 7.0 * 86400);
        QCOMPARE(m.frame().end - m.frame().start, 30.0 * 86400);

        // A period without a swap of the scope: "no swaps", never 0.
        m.setNow(t0 + 80 * 86400);
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("no swaps"));
        QCOMPARE(value(m, model::DeliveryModel::LeadTime), QStringLiteral("no swaps"));
        QCOMPARE(value(m, model::DeliveryModel::FailureRate), QStringLiteral("no swaps"));
        QCOMPARE(m.recordText(), QString()); // the record reaches back past the period
        QCOMPARE(resets.count(), 0);
    }

    void aRefreshWithNothingNewChangesNothing()
    {
        model::DeliveryModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setNow(t0 + 7 * 86400);
        m.setServices(services());
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        m.setServices(services()); // same revisions (the default period: 30 days)
        auto again = services();
        for (auto& s : again)
            s.revision = 2; // derived again, the same history
        m.setServices(again);
        QCOMPARE(changed.count(), 0);
        again[2].history.push_back(swapBuilt(6 * day, 6 * day - 60));
        again[2].revision = 3;
        m.setServices(again);
        QVERIFY(changed.count() > 0);
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("4 swaps, 0.9 a week"));
        // An image built three days before its swap: the lead time's chart counts in days.
        model::DeliveryModel slow;
        slow.setNow(t0 + 7 * 86400);
        slow.setServices({service("uro", "", {swapBuilt(6 * day, 3 * day)})});
        QCOMPARE(slow.chartTitle(model::DeliveryModel::LeadTime), std::string("lead time, days (median)"));
        QCOMPARE(slow.series(model::DeliveryModel::LeadTime).back().value, 3.0);
        // One swap is said in the singular.
        QCOMPARE(value(slow, model::DeliveryModel::LeadTime), QStringLiteral("median 3 d (1 swap)"));
        QCOMPARE(value(slow, model::DeliveryModel::FailureRate), QStringLiteral("0 % (0 of 1 swap)"));
    }

    void theRecordReachesFurtherBackThanTheAnnotations()
    {
        // uro-admin's annotations hold its swap of day 5 only; the namespace's record also holds an older
        // swap (day 1), which failed its watch, and the swap of day 5 again.
        model::DeliveryModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setNow(t0 + 7 * 86400 - 1);
        m.setPeriodDays(7);
        m.setServices({service("uro-admin", "", {swapBuilt(5 * day, 5 * day - 120)})});
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("1 swap, 0.1 a day"));
        QCOMPARE(m.recordText(),
                 QStringLiteral("The record reaches back to 2026-12-06 10:00Z: nothing before it was measured."));

        model::RecordedHistory record;
        record.service = record.group = "uro-admin";
        record.source = "record uro";
        record.entries = {swapBuilt(day, day - 60), entry("watch", day + 5, "failed: restarted"),
                          entry("rollback", day + 10), swapBuilt(5 * day, 5 * day - 120)};
        for (auto& e : record.entries)
            e.service = "uro-admin";
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        m.setRecords({record});
        // The swap of day 5, held by both, counts once.
        QCOMPARE(value(m, model::DeliveryModel::Frequency), QStringLiteral("2 swaps, 0.3 a day"));
        QCOMPARE(value(m, model::DeliveryModel::FailureRate), QStringLiteral("50 % (1 of 2 swaps)"));
        QCOMPARE(value(m, model::DeliveryModel::Restore), QStringLiteral("median 5 min (1 restored)"));
        QCOMPARE(m.recordText(),
                 QStringLiteral("The record reaches back to 2026-12-02 10:00Z: nothing before it was measured."));
        QCOMPARE(resets.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDeliveryModel)
#include "tst_deliverymodel.moc"
