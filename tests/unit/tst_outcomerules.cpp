// How swaps and deploys decide their ends, as tables: which status a failed patch maps to,
// whether the live endpoints are the new slot's ready pods, whether the slot a deploy went to is
// live now, where a rollout stands, what the history records. No cluster.
#include "rulefacts.h"

#include <QTest>

using namespace rulefacts;
using SwapStatus = model::SwapOutcome::Status;
using DeployStatus = model::DeployOutcome::Status;
using Strings = std::set<std::string>;

Q_DECLARE_METATYPE(kube::Error)
Q_DECLARE_METATYPE(Strings)
Q_DECLARE_METATYPE(kube::Deployment)

namespace {

kube::Pod pod(const std::string& ip, bool ready, bool deleting = false)
{
    kube::Pod p;
    p.podIP = ip;
    p.conditions.push_back({"Ready", ready ? "True" : "False", {}, {}, {}, {}});
    if (deleting)
        p.meta.deletionTimestamp = "2026-11-01T10:00:00Z";
    return p;
}

model::DeployPlan stagingPlan()
{
    return model::planDeploy(model::DeployTarget::Staging, spec("uro"), "ghcr.io/v-sekai/uro:8d3c2f41",
                             deployFacts("uro"));
}

model::SwapPlan swapPlan()
{
    auto p = model::planSwap(model::SwapPlan::Kind::Swap, "uro", {spec("uro")}, {swapFacts("uro")}, std::nullopt);
    p.user = "operator";
    return p;
}

} // namespace

class TestOutcomeRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void patchFailures_data()
    {
        QTest::addColumn<kube::Error>("error");
        QTest::addColumn<int>("swap");   // the live Service's patch
        QTest::addColumn<int>("deploy"); // the Deployment's patch
        QTest::addColumn<bool>("retryStaging");
        QTest::newRow("test op failed") << apiError(422, "Conflict", "changed since") << int(SwapStatus::Conflict)
                                        << int(DeployStatus::Conflict) << false;
        QTest::newRow("forbidden") << apiError(403, "Forbidden", "no") << int(SwapStatus::Forbidden)
                                   << int(DeployStatus::Forbidden) << true;
        QTest::newRow("admission webhook, no reason")
            << apiError(403, "", "denied by policy") << int(SwapStatus::Forbidden) << int(DeployStatus::Forbidden)
            << true;
        QTest::newRow("invalid") << apiError(422, "Invalid", "bad") << int(SwapStatus::Failed)
                                 << int(DeployStatus::Failed) << true;
        QTest::newRow("server error") << apiError(500, "InternalError", "oops") << int(SwapStatus::Failed)
                                      << int(DeployStatus::Failed) << true;
        QTest::newRow("connection lost") << transportError("reset") << int(SwapStatus::Failed)
                                         << int(DeployStatus::Failed) << true;
    }

    void patchFailures()
    {
        QFETCH(kube::Error, error);
        QFETCH(int, swap);
        QFETCH(int, deploy);
        QFETCH(bool, retryStaging);
        QCOMPARE(int(model::livePatchFailure(error)), swap);
        QCOMPARE(int(model::deployPatchFailure(error)), deploy);
        QCOMPARE(model::retryStagingPatch(error, 0), retryStaging);
        QCOMPARE(model::retryStagingPatch(error, 1), retryStaging);
        QVERIFY(!model::retryStagingPatch(error, 2)); // twice at most
    }

    void endpoints_data()
    {
        QTest::addColumn<Strings>("pods");
        QTest::addColumn<Strings>("endpoints");
        QTest::addColumn<bool>("match");
        QTest::newRow("the same") << Strings{"10.0.0.1", "10.0.0.2"} << Strings{"10.0.0.2", "10.0.0.1"} << true;
        QTest::newRow("nothing ready at all") << Strings{} << Strings{} << false;
        QTest::newRow("old slot's pod still an endpoint")
            << Strings{"10.0.0.1"} << Strings{"10.0.0.1", "10.0.0.9"} << false;
        QTest::newRow("a ready pod not yet an endpoint")
            << Strings{"10.0.0.1", "10.0.0.2"} << Strings{"10.0.0.1"} << false;
        QTest::newRow("endpoints of the other slot") << Strings{"10.0.0.1"} << Strings{"10.0.0.9"} << false;
    }

    void endpoints()
    {
        QFETCH(Strings, pods);
        QFETCH(Strings, endpoints);
        QFETCH(bool, match);
        QCOMPARE(model::endpointsMatch(pods, endpoints), match);
    }

    void readyAddresses()
    {
        const std::vector<kube::Pod> pods{pod("10.0.0.1", true), pod("10.0.0.2", false), pod("10.0.0.3", true, true),
                                          pod("", true)};
        QCOMPARE(model::readyPodIPs(pods), Strings{"10.0.0.1"});
        kube::EndpointSlice s;
        s.endpoints.push_back({{"10.0.0.1"}, true, true, false, {}, {}, {}});
        s.endpoints.push_back({{"10.0.0.2"}, false, true, true, {}, {}, {}});
        kube::EndpointSlice t;
        t.endpoints.push_back({{"10.0.0.3", "10.0.0.4"}, true, true, false, {}, {}, {}});
        QCOMPARE(model::readyEndpointAddresses({s, t}), (Strings{"10.0.0.1", "10.0.0.3", "10.0.0.4"}));
    }

    // The deploy guard: is the slot the deploy went to live now?
    void deployedSlotIsLive()
    {
        const auto live = service("uro"); // slot A
        QVERIFY(model::deployedSlotIsLive(live, deployment("uro-a")));
        QVERIFY(!model::deployedSlotIsLive(live, deployment("uro-b")));
        QVERIFY(!model::deployedSlotIsLive(live, deployment("uro-frontend-a")));
        auto swapped = live;
        selectSlot(swapped, "b");
        QVERIFY(model::deployedSlotIsLive(swapped, deployment("uro-b")));
    }

    void rollout_data()
    {
        QTest::addColumn<kube::Deployment>("deployment");
        QTest::addColumn<qint64>("generation");
        QTest::addColumn<int>("state");
        using K = model::RolloutState::Kind;
        const auto done = deployment("uro-b");
        const qint64 g = done.meta.generation;
        QTest::newRow("rolled out") << done << g << int(K::Finished);
        QTest::newRow("controller has not seen the patch") << done << g + 1 << int(K::Progressing);
        auto half = done;
        half.updatedReplicas = 1;
        QTest::newRow("half updated") << half << g << int(K::Progressing);
        auto unready = done;
        unready.readyReplicas = 1;
        QTest::newRow("one pod not ready") << unready << g << int(K::Progressing);
        auto surplus = done;
        surplus.statusReplicas = 3;
        QTest::newRow("old pod still running") << surplus << g << int(K::Progressing);
        auto stalled = half;
        std::erase_if(stalled.conditions, [](const kube::Condition& c) { return c.type == "Progressing"; });
        stalled.conditions.push_back({"Progressing",
                                      "False",
                                      "ProgressDeadlineExceeded",
                                      "ReplicaSet \"uro-b-1\" has timed out progressing.",
                                      {},
                                      {}});
        QTest::newRow("stalled") << stalled << g << int(K::Stalled);
    }

    void rollout()
    {
        QFETCH(kube::Deployment, deployment);
        QFETCH(qint64, generation);
        QFETCH(int, state);
        const auto s = model::rolloutState(stagingPlan(), deployment, generation);
        QCOMPARE(int(s.kind), state);
        if (s.kind == model::RolloutState::Kind::Stalled) {
            QVERIFY(s.message.find("The rollout of uro-b stalled: ReplicaSet") != std::string::npos);
            QVERIFY(s.message.find("deploy again") != std::string::npos);
        }
    }

    void swapHistory()
    {
        auto plan = swapPlan();
        const auto e = model::swapHistoryEntry(plan, plan.members.at(0), "2026-11-28T02:00:00Z");
        QCOMPARE(e.action, std::string("swap"));
        QCOMPARE(e.user, std::string("operator"));
        QCOMPARE(e.service, std::string("uro"));
        QCOMPARE(e.from.slot, std::string("a"));
        QCOMPARE(e.to.slot, std::string("b"));
        QCOMPARE(e.to.deployment, std::string("uro-b"));
        plan.kind = model::SwapPlan::Kind::Rollback;
        QCOMPARE(model::swapHistoryEntry(plan, plan.members.at(0), "t").action, std::string("rollback"));
    }

    // What a swap moved, for its banner and its Activity row: each member's live slot and image.
    void moved()
    {
        auto plan = swapPlan();
        const auto& m = plan.members.at(0);
        QCOMPARE(model::movedText(plan),
                 "uro: live is slot B, " + m.to.image + "; slot A (" + m.from.image + ") is staging now.");
        plan.members.push_back(plan.members.front());
        plan.members.back().spec.name = "uro-frontend";
        plan.members.back().to.image.clear();
        QVERIFY(model::movedText(plan).find("\nuro-frontend: live is slot B, no image read; ") != std::string::npos);
        plan.kind = model::SwapPlan::Kind::Repair;
        QCOMPARE(model::movedText(plan), std::string());
    }

    void rollbackReason_data()
    {
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<bool>("podFails");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing") << QString() << false << QString();
        QTest::newRow("the watch") << "Got worse: uro: 2 of 2 pods of slot B fail" << false
                                   << "The watch after the swap: Got worse: uro: 2 of 2 pods of slot B fail";
        QTest::newRow("failing pods") << QString() << true
                                      << "Pods of slot B (live) that fail the health check now: uro-b-1 (answered "
                                         "500, expected 200).";
        QTest::newRow("both")
            << "failed: x" << true
            << "The watch after the swap: failed: x\nPods of slot B (live) that fail the health check "
               "now: uro-b-1 (answered 500, expected 200).";
    }

    void rollbackReason()
    {
        QFETCH(QString, verdict);
        QFETCH(bool, podFails);
        QFETCH(QString, expected);
        model::PodHealth passing{"uro-b-0", {}};
        passing.result.kind = model::HealthResult::Kind::Pass;
        passing.result.sentence = "answered 200 in 3 ms";
        model::PodHealth failing{"uro-b-1", {}};
        failing.result.kind = podFails ? model::HealthResult::Kind::Fail : model::HealthResult::Kind::Unknown;
        failing.result.sentence = "answered 500, expected 200";
        QCOMPARE(QString::fromStdString(model::rollbackReason(verdict.toStdString(), "B", {passing, failing})),
                 expected);
    }

    void deployHistory()
    {
        const auto plan = stagingPlan();
        const auto e = model::deployHistoryEntry(plan, "2026-11-28T02:00:00Z");
        QCOMPARE(e.action, std::string("deploy"));
        QCOMPARE(e.target, std::string("staging"));
        QCOMPARE(e.to.slot, std::string("b"));
        QCOMPARE(e.to.image, plan.pinned);
        QCOMPARE(e.to.digest, "sha256:" + std::string(64, 'c'));
        QCOMPARE(e.to.tag, std::string("8d3c2f41"));
        QCOMPARE(e.from.image, plan.current.image);
    }

    void templateAnnotations()
    {
        auto plan = stagingPlan();
        plan.created.clear();
        const kube::Labels current{{"team", "uro"}, {model::createdAnnotation, "old"}, {model::tagAnnotation, "old"}};
        const auto a = model::deployTemplateAnnotations(current, plan, "2026-11-28T02:00:00Z");
        QCOMPARE(a.at("team"), std::string("uro"));
        QCOMPARE(a.at(model::tagAnnotation), std::string("8d3c2f41"));
        QCOMPARE(a.at(model::deployedAtAnnotation), std::string("2026-11-28T02:00:00Z"));
        QVERIFY(!a.count(model::createdAnnotation)); // unknown now: not left as it was
    }

    void freshDeploy()
    {
        const auto confirmed = stagingPlan();
        QVERIFY(!model::refuseFreshDeploy(confirmed, confirmed));
        auto facts = deployFacts("uro");
        selectSlot(*facts.live, "b");
        selectSlot(*facts.staging, "a");
        const auto moved =
            model::planDeploy(model::DeployTarget::Staging, spec("uro"), "ghcr.io/v-sekai/uro:8d3c2f41", facts);
        const auto o = model::refuseFreshDeploy(confirmed, moved);
        QVERIFY(o);
        QCOMPARE(int(o->status), int(DeployStatus::Conflict));
        QCOMPARE(o->message, std::string("uro changed since you looked: staging is now slot A. Nothing was changed."));
        facts = deployFacts("uro");
        facts.mayPatch = false;
        const auto forbidden =
            model::refuseFreshDeploy(confirmed, model::planDeploy(model::DeployTarget::Staging, spec("uro"),
                                                                  "ghcr.io/v-sekai/uro:8d3c2f41", facts));
        QCOMPARE(int(forbidden->status), int(DeployStatus::Forbidden));
        QVERIFY(forbidden->message.rfind("Refused: You may patch", 0) == 0);
    }

    void freshSwap()
    {
        const auto confirmed = swapPlan();
        QVERIFY(!model::refuseFreshSwap(confirmed, confirmed));
        auto facts = swapFacts("uro");
        facts.mayPatchLive = false;
        auto forbidden = model::planSwap(model::SwapPlan::Kind::Swap, "uro", {spec("uro")}, {facts}, model::Slot::A);
        QCOMPARE(int(model::refuseFreshSwap(confirmed, forbidden)->status), int(SwapStatus::Forbidden));
        facts = swapFacts("uro");
        selectSlot(*facts.live, "b");
        selectSlot(*facts.staging, "a");
        auto moved = model::planSwap(model::SwapPlan::Kind::Swap, "uro", {spec("uro")}, {facts}, model::Slot::A);
        const auto o = model::refuseFreshSwap(confirmed, moved);
        QCOMPARE(int(o->status), int(SwapStatus::Conflict));
        QVERIFY(o->message.rfind("uro changed since you looked: Live is on slot A as expected", 0) == 0);
        auto joined = confirmed;
        joined.memberKeys.push_back("uro/uro-extra");
        const auto j = model::refuseFreshSwap(confirmed, joined);
        QCOMPARE(int(j->status), int(SwapStatus::Conflict));
        QVERIFY(j->message.find("uro-extra (namespace uro) is now part of the group") != std::string::npos);

        // The health check is asked again at execute: a staging pod that stopped answering since
        // the confirm refuses the swap (exit 3), naming the pod; skipped, it goes ahead.
        facts = swapFacts("uro");
        model::HealthFacts h;
        h.spec.port = "4000";
        model::HealthResult bad;
        bad.target = "uro-b-2";
        bad.kind = model::HealthResult::Kind::Fail;
        bad.sentence = "answered 500, expected 200";
        h.pods = {bad};
        facts.health = h;
        const auto unhealthy = model::refuseFreshSwap(
            confirmed, model::planSwap(model::SwapPlan::Kind::Swap, "uro", {spec("uro")}, {facts}, model::Slot::A));
        QVERIFY(unhealthy);
        QCOMPARE(int(unhealthy->status), int(SwapStatus::Refused));
        QVERIFY2(unhealthy->message.find("uro-b-2 answered 500, expected 200") != std::string::npos,
                 unhealthy->message.c_str());
        QVERIFY(!model::refuseFreshSwap(confirmed, model::planSwap(model::SwapPlan::Kind::Swap, "uro", {spec("uro")},
                                                                   {facts}, model::Slot::A, {model::Evidence::Health})));
    }

    void swapSentences()
    {
        auto plan = swapPlan();
        QCOMPARE(model::swapDoneMessage(plan, 42),
                 std::string("Swapped: uro now live on slot B. The live endpoints are the new slot's ready pods "
                             "(verified in 42 ms)."));
        const auto half = model::stagingFailureMessage(plan, plan.members.at(0), transportError("reset"));
        QVERIFY(half.rfind("Half switched: uro now points at slot B, but uro-staging still points at slot B", 0) == 0);
        QVERIFY(half.find("`signalbox repair uro`") != std::string::npos);
        plan.kind = model::SwapPlan::Kind::Repair;
        QCOMPARE(model::stagingFailureMessage(plan, plan.members.at(0), transportError("reset")),
                 std::string("The repair of uro failed: reset"));
    }
};

QTEST_GUILESS_MAIN(TestOutcomeRules)
#include "tst_outcomerules.moc"
