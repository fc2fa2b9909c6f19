// What a swap costs on the real cluster: uro swapped through model::Swapper as the action runner
// does it (members read afresh, plan again, patch, verify), counted on the client. Verification
// watches the new slot's pods and the live Service's EndpointSlices: a swap that went back to
// asking again and again would send more requests and no watch.
#include "model/servicelookup.h"
#include "model/swap.h"
#include "support/kubetest.h"

#include <QTest>

using kubetest::await;
using testsupport::kubectl;

namespace {

// The requests of one swap of one service, the health check's proxy GETs apart (counted below):
// fresh members (a list of Services and one of Deployments, which are also the plan's fresh reads
// of both Services and both slots), the staging pods for the health check, the two patches, the
// Event, and one watch each for the pods and the EndpointSlices. The access reviews and who the
// user is were asked by the confirmed plan moments before and come from the client's cache.
constexpr std::uint64_t requestLimit = 8;

void run(const QStringList& args)
{
    const auto r = kubectl(QStringLiteral("admin"), args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
}

void setSlots(const QString& service, const QString& live, const QString& staging)
{
    const QString patch = QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"%1"}}})");
    run({QStringLiteral("patch"), QStringLiteral("service"), service, QStringLiteral("-n"), QStringLiteral("uro"),
         QStringLiteral("-p"), patch.arg(live)});
    run({QStringLiteral("patch"), QStringLiteral("service"), service + QStringLiteral("-staging"), QStringLiteral("-n"),
         QStringLiteral("uro"), QStringLiteral("-p"), patch.arg(staging)});
}

void setFrontendGroup(const QString& group)
{
    for (const QString& svc : {QStringLiteral("uro-frontend"), QStringLiteral("uro-frontend-staging")})
        run({QStringLiteral("label"), QStringLiteral("--overwrite"), QStringLiteral("service"), svc,
             QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("signalbox.v-sekai.org/group=") + group});
}

} // namespace

class TestSwapRequests : public QObject {
    Q_OBJECT

private:
    kube::Transport m_transport;

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        run({QStringLiteral("apply"), QStringLiteral("-f"),
             testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro")});
        for (const char* d : {"uro-a", "uro-b", "uro-frontend-a", "uro-frontend-b"})
            run({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/") + QLatin1String(d),
                 QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--timeout=90s")});
        setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b"));
        // uro alone: its frontend joins a group of its own for this test.
        setFrontendGroup(QStringLiteral("uro-frontend-alone"));
    }

    void aSwapOfUroTakesAHandfulOfRequestsAndWatchesItsEndpoints()
    {
        auto rc = kubetest::restConfigFor(QStringLiteral("operator"));
        QVERIFY(rc);
        kube::Client c(rc.value(), &m_transport);
        auto found = await<std::vector<model::ServiceSpec>>([&](auto cb) { model::lookupServices(&c, {}, "uro", cb); });
        QVERIFY(found && *found);
        const auto group = model::groupOf(found->value(), "uro");
        QCOMPARE(group.size(), std::size_t(1));

        model::Swapper planner(&c, group);
        std::optional<model::SwapPlan> plan;
        planner.plan(model::SwapPlan::Kind::Swap, "uro", 'a', [&plan](model::SwapPlan p) { plan = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(plan.has_value(), 20000);
        QVERIFY2(plan->allowed(), plan->describe().c_str());

        // From the confirmed plan to verified endpoints, as the action runner runs it.
        const std::uint64_t requests = c.requestCount(), proxied = c.proxyRequestCount(), watches = c.watchCount();
        model::Swapper swapper(&c, group);
        swapper.setFreshGroup({});
        std::optional<model::SwapOutcome> outcome;
        swapper.execute(
            *plan, [](const std::string&) {}, [&outcome](model::SwapOutcome o) { outcome = std::move(o); });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 60000);
        QVERIFY2(outcome->succeeded(), outcome->message.c_str());

        const std::uint64_t proxy = c.proxyRequestCount() - proxied;
        const std::uint64_t sent = c.requestCount() - requests - proxy;
        const std::uint64_t watched = c.watchCount() - watches;
        qInfo("swap of uro: %llu requests (limit %llu), %llu of them watches; %llu health-check GETs through the "
              "proxy besides",
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(requestLimit),
              static_cast<unsigned long long>(watched), static_cast<unsigned long long>(proxy));
        QVERIFY2(sent <= requestLimit, qPrintable(QStringLiteral("%1 requests").arg(sent)));
        // The endpoints were verified by watching the pods and the EndpointSlices, once each.
        QCOMPARE(watched, std::uint64_t(2));
        // The health check asked the staging pods (uro's live Service names a check).
        QVERIFY(proxy >= 1);
    }

    void cleanupTestCase()
    {
        setFrontendGroup(QStringLiteral("uro"));
        setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b"));
    }
};

QTEST_GUILESS_MAIN(TestSwapRequests)
#include "tst_swaprequests.moc"
