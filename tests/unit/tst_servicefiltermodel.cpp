// The overview's filter and order (model::ServiceFilterModel over a ServiceListModel): words of
// the filter must all match (name, namespace, image, status), case-insensitive; the default order
// is attention-first; a column sorts by its value (numbers as numbers); sort(-1) goes back to
// attention-first; a changed row moves to its place without a reset, and a selection stays on its
// service. QAbstractItemModelTester watches the proxy throughout.
#include "model/views/attention.h"
#include "model/views/servicefiltermodel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

namespace {

using Col = model::ServiceListModel::Column;

// A service whose slots are both rolled out and healthy, live on A (`tag`), staging on B.
model::ServiceState calm(const std::string& name, const std::string& ns = "prod", const std::string& tag = "1")
{
    model::ServiceState s;
    s.spec.name = name;
    s.spec.ns = ns;
    s.spec.applyDefaults();
    for (auto* slot : {&s.a, &s.b}) {
        slot->slot = slot == &s.a ? model::Slot::A : model::Slot::B;
        slot->exists = true;
        slot->desired = slot->ready = 2;
        slot->rollout = model::Rollout::Complete;
        slot->health = model::Health::Healthy;
        slot->tag = tag;
        slot->image = "ghcr.io/v-sekai/" + name + ":" + tag;
    }
    s.live = model::Slot::A;
    s.staging = model::Slot::B;
    model::applyStatus(s);
    return s;
}

model::ServiceState liveShort(model::ServiceState s, int ready = 1)
{
    s.a.ready = ready;
    s.a.health = model::Health::Degraded;
    s.anomalies.push_back({model::Anomaly::Severity::Warning, "Live (slot A) has fewer pods ready."});
    model::applyStatus(s);
    return s;
}

model::ServiceState split(model::ServiceState s)
{
    s.staging = s.live;
    s.anomalies.push_back({model::Anomaly::Severity::Critical, "Live and staging both point at slot A."});
    model::applyStatus(s);
    return s;
}

model::ServiceState readyToSwap(model::ServiceState s, const std::string& tag)
{
    s.b.tag = tag;
    s.b.image = "ghcr.io/v-sekai/" + s.spec.name + ":" + tag;
    model::applyStatus(s);
    return s;
}

model::ServiceState failingCheck(model::ServiceState s)
{
    s.healthSpec.port = "4000";
    s.a.healthCheck.state = model::HealthSummary::State::Failing;
    s.a.healthCheck.compact = "1 of 2 fail";
    s.b.healthCheck.state = model::HealthSummary::State::Passing;
    s.b.healthCheck.compact = "2/2 answer";
    model::applyStatus(s);
    return s;
}

QStringList names(const model::ServiceFilterModel& p)
{
    QStringList out;
    for (int row = 0; row < p.rowCount(); ++row)
        out << QString::fromStdString(p.service(row)->spec.name);
    return out;
}

QStringList column(const model::ServiceFilterModel& p, int c)
{
    QStringList out;
    for (int row = 0; row < p.rowCount(); ++row)
        out << p.index(row, c).data().toString();
    return out;
}

} // namespace

class TestServiceFilterModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void attentionFirstIsTheDefaultOrder()
    {
        model::ServiceListModel m;
        model::ServiceFilterModel p;
        p.setSourceModel(&m);
        QAbstractItemModelTester tester(&p, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(p.attentionFirst());
        m.setServices({calm("alpha"), readyToSwap(calm("beta"), "2"), liveShort(calm("mike")), split(calm("zulu")),
                       calm("charlie")});
        QCOMPARE(names(p), QStringList({"zulu", "mike", "beta", "alpha", "charlie"}));
        // The source's own order is not the proxy's.
        QCOMPARE(m.service(0)->spec.name, std::string("alpha"));
        // Only charlie's health changes (not its badge): it moves up among those whose live fails.
        QSignalSpy resets(&p, &QAbstractItemModel::modelReset);
        m.setServices({calm("alpha"), readyToSwap(calm("beta"), "2"), liveShort(calm("mike")), split(calm("zulu")),
                       failingCheck(calm("charlie"))});
        QCOMPARE(names(p), QStringList({"zulu", "charlie", "mike", "beta", "alpha"}));
        QCOMPARE(resets.count(), 0);
    }

    void namespaceColumnAndNumbersSortAsNumbers()
    {
        model::ServiceListModel m;
        model::ServiceFilterModel p;
        p.setSourceModel(&m);
        QAbstractItemModelTester tester(&p, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto ten = calm("ten", "zeta"), nine = calm("nine", "alpha"), two = calm("two", "mid");
        ten.a.desired = ten.a.ready = 10;
        nine.a.desired = nine.a.ready = 9;
        m.setServices({ten, nine, two});
        QCOMPARE(m.headerData(Col::NamespaceColumn, Qt::Horizontal).toString(), QStringLiteral("Namespace"));
        QCOMPARE(m.index(0, Col::NamespaceColumn).data().toString(), QStringLiteral("zeta"));

        p.sort(Col::ReadyColumn, Qt::AscendingOrder);
        QVERIFY(!p.attentionFirst());
        // As text, "live 10/10" would come before "live 2/2".
        QCOMPARE(names(p), QStringList({"two", "nine", "ten"}));
        p.sort(Col::ReadyColumn, Qt::DescendingOrder);
        QCOMPARE(names(p), QStringList({"ten", "nine", "two"}));
        p.sort(Col::NamespaceColumn, Qt::AscendingOrder);
        QCOMPARE(column(p, Col::NamespaceColumn), QStringList({"alpha", "mid", "zeta"}));
        p.sort(Col::ServiceColumn, Qt::DescendingOrder);
        QCOMPARE(names(p), QStringList({"two", "ten", "nine"}));

        // Health sorts by how bad it is, not by its words.
        m.setServices({ten, failingCheck(nine), two});
        p.sort(Col::HealthColumn, Qt::DescendingOrder);
        QCOMPARE(names(p).first(), QStringLiteral("nine"));
        // Status: the more urgent first, as the status rule ranks them (descending).
        m.setServices({ten, liveShort(nine), readyToSwap(two, "3")});
        p.sort(Col::StatusColumn, Qt::DescendingOrder);
        QCOMPARE(names(p), QStringList({"nine", "two", "ten"}));

        // Back to attention-first, as a view asks when its sort indicator is cleared.
        QSignalSpy order(&p, &model::ServiceFilterModel::orderChanged);
        p.sort(-1);
        QVERIFY(p.attentionFirst());
        QCOMPARE(order.count(), 1);
        QCOMPARE(names(p), QStringList({"nine", "two", "ten"}));
        m.setServices({ten, nine, liveShort(two)});
        QCOMPARE(names(p), QStringList({"two", "nine", "ten"}));
    }

    void filterWordsAreAndedAndCaseInsensitive()
    {
        model::ServiceListModel m;
        model::ServiceFilterModel p;
        p.setSourceModel(&m);
        QAbstractItemModelTester tester(&p, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setServices({failingCheck(calm("uro")), calm("uro-frontend"), failingCheck(calm("api", "billing")),
                       readyToSwap(calm("web", "shop"), "9f2c1e0")});
        QCOMPARE(p.countText(), QStringLiteral("4 services"));

        p.setFilterText(QStringLiteral("uro failing"));
        QCOMPARE(names(p), QStringList({"uro"}));
        QVERIFY(p.filtering());
        QCOMPARE(p.countText(), QStringLiteral("1 of 4 services"));
        p.setFilterText(QStringLiteral("  URO  "));
        QCOMPARE(names(p), QStringList({"uro", "uro-frontend"}));
        p.setFilterText(QStringLiteral("billing")); // namespace
        QCOMPARE(names(p), QStringList({"api"}));
        p.setFilterText(QStringLiteral("9f2c1e0")); // staging's image
        QCOMPARE(names(p), QStringList({"web"}));
        p.setFilterText(QStringLiteral("ghcr.io/v-sekai/api:1")); // live's image
        QCOMPARE(names(p), QStringList({"api"}));
        p.setFilterText(QStringLiteral("ready to swap")); // status
        QCOMPARE(names(p), QStringList({"web"}));
        p.setFilterText(QStringLiteral("uro nothing-like-this"));
        QCOMPARE(p.rowCount(), 0);
        QCOMPARE(p.countText(), QStringLiteral("0 of 4 services"));
        p.setFilterText(QString());
        QCOMPARE(p.rowCount(), 4);
        QVERIFY(!p.filtering());

        // A row that starts to match while the filter is set appears; one that stops leaves.
        p.setFilterText(QStringLiteral("failing"));
        QCOMPARE(names(p), QStringList({"api", "uro"}));
        m.setServices({calm("uro"), failingCheck(calm("uro-frontend")), failingCheck(calm("api", "billing")),
                       readyToSwap(calm("web", "shop"), "9f2c1e0")});
        QCOMPARE(names(p), QStringList({"api", "uro-frontend"}));
    }

    void selectionFollowsTheServiceWithoutResets()
    {
        model::ServiceListModel m;
        model::ServiceFilterModel p;
        p.setSourceModel(&m);
        QAbstractItemModelTester tester(&p, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&p, &QAbstractItemModel::modelReset);
        std::vector<model::ServiceState> services;
        for (int i = 0; i < 200; ++i)
            services.push_back(calm(QStringLiteral("svc-%1").arg(i, 4, 10, QLatin1Char('0')).toStdString()));
        m.setServices(services);
        QCOMPARE(p.rowCount(), 200);
        QCOMPARE(p.countText(), QStringLiteral("200 services"));
        // The first picture is one reset (nothing is selected yet); none after it.
        QCOMPARE(resets.count(), 1);
        resets.clear();
        QItemSelectionModel selection(&p);
        const int before = p.rowOf(model::ServiceListModel::keyOf(services[100].spec));
        QCOMPARE(before, 100);
        selection.setCurrentIndex(p.index(before, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);

        // Two services ahead of it turn bad and move to the top; the selected one moves down two rows.
        services[140] = liveShort(services[140]);
        services[180] = split(services[180]);
        m.setServices(services);
        QCOMPARE(names(p).mid(0, 2), QStringList({"svc-0180", "svc-0140"}));
        QCOMPARE(selection.currentIndex().row(), 102);
        QCOMPARE(p.service(selection.currentIndex().row())->spec.name, std::string("svc-0100"));
        QVERIFY(selection.isRowSelected(102));

        // The selected service itself turns bad: it moves to its place and stays selected.
        services[100] = liveShort(services[100]);
        m.setServices(services);
        QCOMPARE(names(p).mid(0, 3), QStringList({"svc-0180", "svc-0100", "svc-0140"}));
        QCOMPARE(selection.currentIndex().row(), 1);
        QVERIFY(selection.isRowSelected(1));
        // Sorting by a column keeps it too.
        p.sort(Col::ServiceColumn, Qt::DescendingOrder);
        QCOMPARE(p.service(selection.currentIndex().row())->spec.name, std::string("svc-0100"));
        QCOMPARE(selection.currentIndex().row(), 99);
        QCOMPARE(resets.count(), 0);
    }

    // While held (a view holds it while the person points at a row), changed rows keep their places
    // and their filter verdict; the end of the hold sorts and filters what changed meanwhile.
    void aHeldOrderKeepsRowsInPlace()
    {
        model::ServiceListModel m;
        model::ServiceFilterModel p;
        p.setSourceModel(&m);
        QAbstractItemModelTester tester(&p, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setServices({calm("alpha"), calm("beta"), calm("charlie")});
        QCOMPARE(names(p), QStringList({"alpha", "beta", "charlie"}));
        p.holdOrder(true);
        QVERIFY(p.orderHeld());
        m.setServices({calm("alpha"), calm("beta"), split(calm("charlie"))});
        const QString calmStatus = p.index(0, Col::StatusColumn).data().toString();
        QCOMPARE(names(p), QStringList({"alpha", "beta", "charlie"}));
        QVERIFY(p.index(2, Col::StatusColumn).data().toString() != calmStatus); // the row changed in place
        p.holdOrder(false);
        QCOMPARE(names(p), QStringList({"charlie", "alpha", "beta"}));

        // A filter: a row that stops matching stays while held, and leaves after.
        m.setServices({calm("alpha"), calm("beta"), readyToSwap(calm("charlie"), "77")});
        p.setFilterText(QStringLiteral("charlie:77"));
        QCOMPARE(names(p), QStringList({"charlie"}));
        p.holdOrder(true);
        m.setServices({calm("alpha"), calm("beta"), calm("charlie")});
        QCOMPARE(names(p), QStringList({"charlie"}));
        p.holdOrder(false);
        QCOMPARE(names(p), QStringList());
        QVERIFY(!p.orderHeld());
    }

    void matchesEveryWord()
    {
        QVERIFY(model::ServiceFilterModel::matches(QStringLiteral("uro prod failing"), {}));
        QVERIFY(model::ServiceFilterModel::matches(QStringLiteral("uro prod failing"), {"uro", "fail"}));
        QVERIFY(!model::ServiceFilterModel::matches(QStringLiteral("uro prod failing"), {"uro", "passing"}));
        QCOMPARE(model::ServiceFilterModel::wordsOf(QStringLiteral(" Uro\tFAILING ")), QStringList({"uro", "failing"}));
    }
};

QTEST_GUILESS_MAIN(TestServiceFilterModel)
#include "tst_servicefiltermodel.moc"
