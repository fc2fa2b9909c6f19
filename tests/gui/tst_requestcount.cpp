// What opening a service page costs the API server once the dashboard's watches are warm: its
// buttons are decided from what the watches hold and from access reviews the client caches, so
// opening uro's page (whose swap covers its group, uro and uro-frontend) sends at most 4 requests,
// counted by the client's own counter; cold, it asks one rules review per namespace. A context
// switch and a 403 start from fresh reviews. The tag picker reads image configs only for the rows
// in view.
#include "gui/guisupport.h"
#include "support/testsupport.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"

#include <QScrollBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <algorithm>
#include <set>

using guisupport::decided;
using guisupport::openService;
using Console = guisupport::Console;

namespace {

constexpr const char* kReviews = "create selfsubjectaccessreviews";
constexpr const char* kRules = "create selfsubjectrulesreviews";

// Requests of the page's buttons: everything the client sent but the health checks, which the
// dashboard asks on its own schedule whatever page is open.
long buttonRequests(const kube::RequestCounts& c)
{
    return c.total - c.of("get pods/proxy") - c.of("get services/proxy");
}

} // namespace

class TestRequestCount : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }

    void openingAServicePageTakesAtMostFourRequestsOnceWarm()
    {
        Console c(QStringLiteral("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(c.console->dashboard()->complete(), 20000);
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        model::ServiceActions* actions = page->actions();
        QTRY_VERIFY_WITH_TIMEOUT(decided(actions), 20000);
        QVERIFY2(actions->availability(model::SwapPlan::Kind::Swap).enabled,
                 actions->availability(model::SwapPlan::Kind::Swap).reason.c_str());
        QCOMPARE(actions->availability(model::SwapPlan::Kind::Swap).plan->members.size(), std::size_t(2));
        openService(c.window, QStringLiteral("uro-frontend"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(actions), 20000);
        kube::Client* client = c.console->dashboard()->client({});
        QVERIFY(client);

        // Warm: uro's page again, its buttons decided as before.
        const kube::RequestCounts before = client->requestCounts();
        openService(c.window, QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(actions), 20000);
        // Absence, so a bounded wait: 500 ms for a request the opening started late (the page's
        // requests above all went out within that time of the click).
        QVERIFY(!QTest::qWaitFor([&] { return buttonRequests(client->requestCounts()) - buttonRequests(before) > 4; },
                                 500));
        const kube::RequestCounts after = client->requestCounts();
        const long sent = buttonRequests(after) - buttonRequests(before);
        qInfo("opening uro's page on a warm dashboard sent %ld requests", sent);
        QVERIFY2(sent <= 4, qPrintable(QStringLiteral("opening uro's page sent %1 requests").arg(sent)));
        QVERIFY(actions->availability(model::SwapPlan::Kind::Swap).enabled);
        QCOMPARE(actions->availability(model::SwapPlan::Kind::Swap).plan->members.size(), std::size_t(2));

        // The same opening without the cache asks every review again: 3 for each of the two
        // members and 2 for deploying.
        client->setAccessCacheTtl(std::chrono::milliseconds(0));
        openService(c.window, QStringLiteral("uro-frontend"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(actions), 20000);
        const long reviewsBefore = client->requestCounts().of(kReviews);
        openService(c.window, QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(actions), 20000);
        QCOMPARE(client->requestCounts().of(kReviews) - reviewsBefore, 8L);
        client->setAccessCacheTtl(std::chrono::milliseconds(30000));
    }

    void aContextSwitchStartsFromFreshReviews()
    {
        Console c(QStringLiteral("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(c.console->dashboard()->complete(), 20000);
        kube::Client* client = c.console->dashboard()->client({});
        // The dashboard's own questions (may it list and watch each resource everywhere) are in the
        // same cache; only the page's are counted here.
        client->clearAccessCache();
        const kube::RequestCounts before = client->requestCounts();
        openService(c.window, QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(c.window->servicePage()->actions()), 20000);
        // Seven questions (patch of uro, uro-staging, uro-frontend and uro-frontend-staging, create
        // of events in uro, patch of uro-b and of the sandbox's uro), answered by two rules reviews,
        // of uro and of uro-sandbox, which are kept; none is asked on its own.
        QCOMPARE(client->requestCounts().of(kRules) - before.of(kRules), 2L);
        QCOMPARE(client->requestCounts().of(kReviews) - before.of(kReviews), 0L);
        QCOMPARE(client->accessCacheSize(), std::size_t(2));
        QVERIFY(c.window->servicePage()->actions()->deployAvailability().enabled);
        guisupport::switchNamespace(c.window, QStringLiteral("uro"));
        QCOMPARE(client->accessCacheSize(), std::size_t(0));
        // The new dashboard's page asks its rules again.
        QTRY_VERIFY_WITH_TIMEOUT(c.console->dashboard() && c.console->dashboard()->complete(), 20000);
        const long rulesBefore = client->requestCounts().of(kRules);
        openService(c.window, QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(c.window->servicePage()->actions()), 20000);
        QCOMPARE(client->requestCounts().of(kRules) - rulesBefore, 2L);
    }

    // Someone who may only look: the rules reviews' lists are complete (RBAC lists every rule of
    // a user), so what they do not grant is refused without a question of its own, and the
    // buttons say why.
    void aViewersPageIsDecidedOnTheRulesAlone()
    {
        Console c(QStringLiteral("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(c.console->dashboard()->complete(), 20000);
        kube::Client* client = c.console->dashboard()->client({});
        client->clearAccessCache();
        const kube::RequestCounts before = client->requestCounts();
        openService(c.window, QStringLiteral("uro"));
        model::ServiceActions* actions = c.window->servicePage()->actions();
        QTRY_VERIFY_WITH_TIMEOUT(decided(actions), 20000);
        const model::ServiceActions::Availability& swap = actions->availability(model::SwapPlan::Kind::Swap);
        QVERIFY(!swap.enabled);
        QVERIFY(swap.plan);
        // Every permission the swap needs, refused: both Services of both members and the Events.
        QStringList refused;
        for (const model::Check& check : swap.plan->checks)
            if (check.permission && !check.holds)
                refused << QString::fromStdString(check.text);
        QCOMPARE(refused.size(), 6);
        QVERIFY2(
            std::any_of(refused.begin(), refused.end(),
                        [](const QString& t) { return t.endsWith(QStringLiteral("You may patch the Service uro")); }),
            qPrintable(refused.join(QLatin1Char('|'))));
        QVERIFY(!actions->deployAvailability().enabled);
        QCOMPARE(client->requestCounts().of(kRules) - before.of(kRules), 2L);
        QCOMPARE(client->requestCounts().of(kReviews) - before.of(kReviews), 0L);
    }

    void aRefusedRequestStartsFromFreshReviews()
    {
        Console c(QStringLiteral("operator"));
        QTRY_VERIFY_WITH_TIMEOUT(c.console->dashboard()->complete(), 20000);
        openService(c.window, QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(decided(c.window->servicePage()->actions()), 20000);
        kube::Client* client = c.console->dashboard()->client({});
        QVERIFY(client->accessCacheSize() > 0);
        // The operator may not read Secrets: the API server's 403 drops every cached review.
        bool answered = false;
        int status = 0;
        client->get(kube::Resource{"", "v1", "secrets"}, "uro", "anything", [&](kube::Result<kube::Json> r) {
            answered = true;
            status = r ? 200 : r.error().httpStatus;
        });
        QTRY_VERIFY(answered);
        QCOMPARE(status, 403);
        QCOMPARE(client->accessCacheSize(), std::size_t(0));
    }

    void theTagPickerDescribesOnlyTheRowsInView()
    {
        const QString registryHost = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (registryHost.isEmpty())
            QFAIL("The test registries are not running: run scripts/test, or scripts/registry up and eval its env.");
        Console c(QStringLiteral("operator"));
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        const model::ServiceState* state = c.console->dashboard()->service("uro");
        QVERIFY(state);
        oci::RegistryClient registry(c.console->transport());
        ui::DeployDialog dialog(*state, page->actions(), &registry);
        dialog.resize(900, 330); // a few rows of the seven in view
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* repo = dialog.findChild<QLineEdit*>(QStringLiteral("repositoryField"));
        repo->setText(registryHost + QStringLiteral("/v-sekai/uro"));
        dialog.loadTags();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.tagsLoaded(), 20000);
        QTableView* table = dialog.tagTable();
        QCOMPARE(table->model()->rowCount(), 7);
        auto inView = [table] {
            std::set<QString> rows;
            const int first = std::max(0, table->rowAt(0));
            const int last = table->rowAt(table->viewport()->height() - 1);
            for (int r = first; r <= (last < 0 ? table->model()->rowCount() - 1 : last); ++r)
                rows.insert(table->model()->index(r, 0).data().toString());
            return rows;
        };
        std::set<QString> described = inView();
        QVERIFY2(!described.empty() && described.size() < 7, qPrintable(QString::number(described.size())));
        auto manifestGets = [](const std::set<QString>& rows) {
            return static_cast<int>(rows.size() + rows.count(QStringLiteral("9c03b5f"))); // an index: one more
        };
        QCOMPARE(registry.stats().manifestHeads, 7);
        QCOMPARE(registry.stats().blobGets, static_cast<int>(described.size()));
        QCOMPARE(registry.stats().manifestGets, manifestGets(described));
        for (int r = 0; r < table->model()->rowCount(); ++r)
            QCOMPARE(!table->model()->index(r, 1).data().toString().isEmpty(),
                     described.count(table->model()->index(r, 0).data().toString()) == 1);

        // Scrolled to the end, the rows that came into view are described, and only those.
        table->verticalScrollBar()->setValue(table->verticalScrollBar()->maximum());
        const std::set<QString> end = inView();
        described.insert(end.begin(), end.end());
        QTRY_COMPARE(registry.stats().blobGets, static_cast<int>(described.size()));
        QTRY_VERIFY(!table->model()->index(table->model()->rowCount() - 1, 1).data().toString().isEmpty());
        QCOMPARE(registry.stats().manifestGets, manifestGets(described));
        QCOMPARE(registry.stats().manifestHeads, 7);
    }
};

QTEST_MAIN(TestRequestCount)
#include "tst_requestcount.moc"
