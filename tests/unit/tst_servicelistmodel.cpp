// The overview's model: rows change one at a time (insert, remove, move, dataChanged for one
// row), never by a reset, and it satisfies QAbstractItemModelTester throughout.
#include "model/views/servicelistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

namespace {

model::ServiceState state(const std::string& name, const std::string& tagA, model::Badge badge)
{
    model::ServiceState s;
    s.spec.name = name;
    s.spec.ns = "prod";
    s.spec.applyDefaults();
    s.a.slot = model::Slot::A;
    s.a.exists = true;
    s.a.tag = tagA;
    s.a.desired = s.a.ready = 2;
    s.b.slot = model::Slot::B;
    s.b.exists = true;
    s.b.tag = "next";
    s.b.desired = 2;
    s.b.ready = 1;
    s.live = model::Slot::A;
    s.staging = model::Slot::B;
    s.badge = badge;
    s.badgeText = model::badgeName(badge);
    return s;
}

} // namespace

class TestServiceListModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fineGrainedUpdates()
    {
        model::ServiceListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        QSignalSpy moved(&m, &QAbstractItemModel::rowsMoved);

        m.setServices({state("api", "1", model::Badge::InSync), state("uro", "7", model::Badge::ReadyToSwap)});
        QCOMPARE(m.rowCount(), 2);
        // The first picture is one reset; every later change is told row by row.
        QCOMPARE(resets.count(), 1);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(m.data(m.index(1, model::ServiceListModel::LiveColumn)).toString(), QStringLiteral("A: 7"));
        QCOMPARE(m.data(m.index(1, model::ServiceListModel::StagingColumn)).toString(), QStringLiteral("B: next"));
        QCOMPARE(m.data(m.index(1, model::ServiceListModel::ReadyColumn)).toString(),
                 QStringLiteral("live 2/2 · staging 1/2"));
        QCOMPARE(m.data(m.index(1, model::ServiceListModel::StatusColumn)).toString(), QStringLiteral("Ready to swap"));

        // The same data again: no signal at all.
        changed.clear();
        m.setServices({state("api", "1", model::Badge::InSync), state("uro", "7", model::Badge::ReadyToSwap)});
        QCOMPARE(changed.count(), 0);

        // One row changes: one dataChanged, for that row only.
        m.setServices({state("api", "1", model::Badge::InSync), state("uro", "8", model::Badge::ReadyToSwap)});
        QCOMPARE(changed.count(), 1);
        const auto topLeft = changed.first().at(0).value<QModelIndex>();
        const auto bottomRight = changed.first().at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), 1);
        QCOMPARE(bottomRight.row(), 1);
        QCOMPARE(topLeft.column(), int(model::ServiceListModel::LiveColumn));

        // A row goes, another arrives.
        m.setServices({state("uro", "8", model::Badge::ReadyToSwap), state("web", "2", model::Badge::Attention)});
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.data(m.index(1, 0), model::ServiceListModel::BadgeRole).toInt(), int(model::Badge::Attention));

        // Order changes: a move, not a reset.
        m.setServices({state("web", "2", model::Badge::Attention), state("uro", "8", model::Badge::ReadyToSwap)});
        QCOMPARE(moved.count(), 1);
        QCOMPARE(m.data(m.index(0, 0)).toString(), QStringLiteral("web"));
        QCOMPARE(resets.count(), 1);
        QCOMPARE(m.rowOf(QStringLiteral("/prod/uro")), 1);
    }

    // A row whose state carries the revision it already shows is not compared; a new revision is,
    // and only that row changes.
    void onlyNewRevisionsAreCompared()
    {
        model::ServiceListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<model::ServiceState> states = {state("api", "1", model::Badge::InSync),
                                                   state("uro", "7", model::Badge::ReadyToSwap),
                                                   state("web", "3", model::Badge::InSync)};
        for (std::size_t i = 0; i < states.size(); ++i)
            states[i].revision = i + 1;
        m.setServices(states);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);

        // Different content under the same revision: taken as unchanged, not even looked at.
        states[0].a.tag = "2";
        m.setServices(states);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(m.data(m.index(0, model::ServiceListModel::LiveColumn)).toString(), QStringLiteral("A: 1"));

        // A new revision of one service: that row alone changes.
        states[2].a.tag = "4";
        states[2].revision = 10;
        m.setServices(states);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 2);
        QCOMPARE(m.data(m.index(2, model::ServiceListModel::LiveColumn)).toString(), QStringLiteral("A: 4"));
        QCOMPARE(m.rowOf(QStringLiteral("/prod/web")), 2);
    }

    void sameSlotIsSaidSo()
    {
        model::ServiceListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto s = state("uro", "7", model::Badge::Attention);
        s.staging = model::Slot::A;
        m.setServices({s});
        QCOMPARE(m.data(m.index(0, model::ServiceListModel::StagingColumn)).toString(),
                 QStringLiteral("— (same slot as live)"));
    }

    // A check through the live Service that fails while every pod still answers (the Service sent
    // the probe to a pod that has just started failing) puts the row first, so its Health column
    // says failing and names the Service; the search finds it by "failing".
    void aFailingServiceCheckColoursTheRow()
    {
        model::ServiceListModel m;
        auto s = state("uro", "7", model::Badge::InSync);
        s.healthSpec.path = "/health";
        s.a.healthCheck.state = model::HealthSummary::State::Passing;
        s.b.healthCheck.state = model::HealthSummary::State::Passing;
        s.liveServiceHealth.state = model::HealthSummary::State::Passing;
        m.setServices({s});
        const QModelIndex health = m.index(0, model::ServiceListModel::HealthColumn);
        QCOMPARE(health.data(model::ServiceListModel::HealthRole).toInt(), int(model::HealthSummary::State::Passing));
        QVERIFY(!health.data(model::ServiceListModel::SearchRole).toString().contains(QStringLiteral("failing")));

        s.liveServiceHealth.state = model::HealthSummary::State::Failing;
        s.liveServiceHealth.text = "answered 503, expected 200";
        s.revision = 2;
        m.setServices({s});
        QCOMPARE(health.data(model::ServiceListModel::HealthRole).toInt(), int(model::HealthSummary::State::Failing));
        QVERIFY(health.data(model::ServiceListModel::SearchRole).toString().contains(QStringLiteral("failing")));
        QVERIFY2(health.data(Qt::ToolTipRole).toString().contains(QString::fromStdString(s.spec.liveService)),
                 qPrintable(health.data(Qt::ToolTipRole).toString()));
    }
};

QTEST_GUILESS_MAIN(TestServiceListModel)
#include "tst_servicelistmodel.moc"
