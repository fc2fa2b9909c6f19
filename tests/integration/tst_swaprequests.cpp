// What a swap costs on the real cluster: uro swapped through model::Swapper as the action runner
// does it (members read afresh, plan again, patch, verify), counted on the client. Verification
// watches the new slot's pods and the live Service's EndpointSlices: a swap that went back to
// asking again and again would send more requests and no watch.
#include "model/actions/swap.h"
#include "model/state/servicelookup.h"
#include "support/cluster.h"
#include "support/kubetest.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <map>

using kubetest::await;
using testsupport::kubectl;
using testsupport::selectorOf;
using testsupport::setFrontendGroup;

namespace {

// The requests of one swap of one service, the health check's proxy GETs apart (counted below):
// fresh members (a list of Services and one of Deployments, which are also the plan's fresh reads
// of both Services and both slots), the staging pods for the health check, the two patches, the
// Event, one watch each for the pods and the EndpointSlices, and the namespace's record (a GET and one
// update per entry: kube/record.h). The access reviews and who the user is were asked by the confirmed
// plan moments before and come from the client's cache.
constexpr std::uint64_t requestLimit = 10;

// What `signalbox swap uro --yes` may send, the health check's proxy GETs and the watches apart:
// the command's lookup (one list of Services and one of Deployments, which are also the plan's
// reads and the execute's fresh re-check), who the user is, one rules review of the group's
// namespace (which grants patching both Services and creating Events, so no access review is
// asked one by one; the re-check at execute takes the same answers), and per member of the group
// the staging pods for the health check (asked once: the re-check uses the answer of moments
// before), the two patches and the Event; the namespace's record is read once and updated once per member's
// entry.
constexpr std::uint64_t commandBase = 5, commandPerMember = 5;

// The requests the command said it sent (QT_LOGGING_RULES signalbox.requests.info), by kind.
std::map<QString, std::uint64_t> requestsSaid(const QString& stderrText)
{
    std::map<QString, std::uint64_t> kinds;
    const QRegularExpression line(QStringLiteral(R"(requests: (\d+): (.*))"));
    const auto m = line.match(stderrText);
    if (!m.hasMatch())
        return kinds;
    kinds[QStringLiteral("total")] = m.captured(1).toULongLong();
    for (const QString& part : m.captured(2).split(QStringLiteral(", "), Qt::SkipEmptyParts)) {
        const auto space = part.indexOf(QLatin1Char(' '));
        kinds[part.mid(space + 1).trimmed()] = part.left(space).toULongLong();
    }
    return kinds;
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
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::exampleRolledOut());
        QVERIFY(testsupport::setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b")));
        // uro alone: its frontend joins a group of its own for this test.
        QVERIFY(setFrontendGroup(QStringLiteral("uro-frontend-alone")));
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
        planner.plan({model::SwapPlan::Kind::Swap, "uro", model::Slot::A},
                     [&plan](model::SwapPlan p) { plan = std::move(p); });
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

    // A swap at once (no person between plan and execute) is carried out on its plan's reads, and
    // is still re-checked at execute: a plan that is not what those reads say is refused unpatched.
    void aSwapAtOnceIsReCheckedOnItsPlansReads()
    {
        QVERIFY(setFrontendGroup(QStringLiteral("uro")));
        QVERIFY(testsupport::setExampleSlots());
        auto rc = kubetest::restConfigFor(QStringLiteral("operator"));
        QVERIFY(rc);
        kube::Client c(rc.value(), &m_transport);
        std::optional<kube::Result<std::vector<model::ServiceSpec>>> found;
        std::shared_ptr<const model::Snapshot> listed;
        model::lookupServices(
            &c, {}, "uro",
            [&](kube::Result<std::vector<model::ServiceSpec>> r, std::shared_ptr<const model::Snapshot> l) {
                found = std::move(r);
                listed = std::move(l);
            });
        QTRY_VERIFY_WITH_TIMEOUT(found.has_value(), 20000);
        QVERIFY(*found && listed);
        const auto group = model::groupOf(found->value(), "uro");
        QCOMPARE(group.size(), std::size_t(2));

        model::Swapper swapper(&c, group);
        std::optional<model::SwapPlan> plan;
        long getsWhenPlanned = -1;
        kube::RequestCounts before;
        std::optional<model::SwapOutcome> outcome;
        swapper.atOnce(
            listed, {model::SwapPlan::Kind::Swap, "uro", model::Slot::A},
            [&](const model::SwapPlan& p) -> std::optional<model::SwapPlan> {
                plan = p;
                getsWhenPlanned = c.requestCounts().of("get services") + c.requestCounts().of("get deployments");
                // Not what the reads say: the staging slot of the first member would run another digest.
                model::SwapPlan shown = p;
                shown.members.front().to.digest = "sha256:" + std::string(64, '0');
                before = c.requestCounts();
                return shown;
            },
            [](const std::string&) {}, [&outcome](model::SwapOutcome o) { outcome = std::move(o); });
        QTRY_VERIFY_WITH_TIMEOUT(plan.has_value(), 20000);
        QVERIFY2(plan->allowed(), plan->describe().c_str());
        // The plan read nothing by GET: the lookup's lists were its reads.
        QCOMPARE(getsWhenPlanned, 0L);

        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 30000);
        QCOMPARE(outcome->status, model::SwapOutcome::Status::Conflict);
        QVERIFY2(outcome->message.find("changed since") != std::string::npos, outcome->message.c_str());
        const kube::RequestCounts& after = c.requestCounts();
        QCOMPARE(after.of("patch services"), before.of("patch services"));
        // The re-check read nothing again: no lists or GETs of the group, no staging pods.
        for (const char* kind : {"list services", "list deployments", "get services", "get deployments", "list pods"})
            QVERIFY2(after.of(kind) == before.of(kind), kind);
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a"));
    }

    // The command line's swap with --yes plans on its own lookup's lists and carries the plan out on
    // them: the group is read once, not three times (lookup, plan, re-check at execute).
    void theCommandLinesSwapAtOnceReadsTheGroupOnce()
    {
        QVERIFY(setFrontendGroup(QStringLiteral("uro")));
        QVERIFY(testsupport::setExampleSlots());
        const std::uint64_t members = 2; // uro and uro-frontend

        testsupport::RunOptions options;
        options.timeoutMs = 90000;
        options.environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("signalbox.requests.info=true"));
        options.environment.insert(QStringLiteral("QT_FORCE_STDERR_LOGGING"), QStringLiteral("1"));
        const auto cli =
            testsupport::signalbox(QStringLiteral("operator"),
                                   {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")}, options);
        const QString out = cli.outText();
        const QString err = cli.errText();
        QVERIFY2(cli.exitCode == 0, qPrintable(out + err));
        // Both members went live on slot B, and the swap was verified.
        for (const char* svc : {"uro", "uro-frontend"})
            QCOMPARE(selectorOf(QLatin1String(svc)), QStringLiteral("b"));

        auto kinds = requestsSaid(err);
        QVERIFY2(!kinds.empty(), qPrintable(QStringLiteral("the command did not say its requests: ") + err));
        std::uint64_t watches = 0, proxy = 0;
        for (const auto& [kind, n] : kinds) {
            if (kind.startsWith(QLatin1String("watch ")))
                watches += n;
            if (kind.endsWith(QLatin1String("/proxy")))
                proxy += n;
        }
        const std::uint64_t sent = kinds[QStringLiteral("total")] - watches - proxy;
        const std::uint64_t limit = commandBase + commandPerMember * members;
        qInfo("swap uro --yes (%llu members): %llu requests (limit %llu), %llu watches, %llu health-check GETs "
              "through the proxy; %s",
              static_cast<unsigned long long>(members), static_cast<unsigned long long>(sent),
              static_cast<unsigned long long>(limit), static_cast<unsigned long long>(watches),
              static_cast<unsigned long long>(proxy), qPrintable(err.trimmed()));
        QVERIFY2(sent <= limit, qPrintable(QStringLiteral("%1 requests: %2").arg(sent).arg(err)));
        // The group's Services and Deployments: listed once, never read again one by one.
        QCOMPARE(kinds[QStringLiteral("list services")], std::uint64_t(1));
        QCOMPARE(kinds[QStringLiteral("list deployments")], std::uint64_t(1));
        QCOMPARE(kinds[QStringLiteral("get services")], std::uint64_t(0));
        QCOMPARE(kinds[QStringLiteral("get deployments")], std::uint64_t(0));
        // The rules review asked once, afresh, for the namespace; it grants what the swap needs, so
        // no access review is asked one by one. The health check asked once per member, through the proxy.
        QCOMPARE(kinds[QStringLiteral("create selfsubjectrulesreviews")], std::uint64_t(1));
        QCOMPARE(kinds[QStringLiteral("create selfsubjectaccessreviews")], std::uint64_t(0));
        QCOMPARE(kinds[QStringLiteral("list pods")], members);
        // The record: read once for the namespace, one update per entry.
        QCOMPARE(kinds[QStringLiteral("get configmaps")], std::uint64_t(1));
        QCOMPARE(kinds[QStringLiteral("update configmaps")], members);
        QVERIFY(proxy >= members);
        // Still verified by watching each member's new pods and its live EndpointSlices.
        QCOMPARE(watches, 2 * members);
    }

    void cleanupTestCase()
    {
        QVERIFY(setFrontendGroup(QStringLiteral("uro")));
        QVERIFY(testsupport::setExampleSlots());
    }
};

QTEST_GUILESS_MAIN(TestSwapRequests)
#include "tst_swaprequests.moc"
