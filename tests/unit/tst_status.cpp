// The one status rule (model/rules/status.h) over facts: each row is a state of live and staging
// that an operator meets, and what the chip says, how urgent the service ranks, and the sentence
// behind the chip. The row that matters most: a staging slot whose pods are ready and rolled out
// but fail the health check is never "Ready to swap".
#include "model/rules/status.h"

#include <QTest>
#include <functional>

namespace {

using model::Badge;
using Check = model::HealthSummary::State;

model::SlotStatusFacts slot(const std::string& label, const std::string& image)
{
    model::SlotStatusFacts s;
    s.label = label;
    s.exists = true;
    s.desired = s.ready = 2;
    s.readiness = model::Health::Healthy;
    s.rollout = model::Rollout::Complete;
    s.rolloutText = "rolled out";
    s.check.state = Check::Passing;
    s.check.text = "2 of 2 answer";
    s.serviceCheck.state = Check::Passing;
    s.image = image;
    return s;
}

// Live on A runs 1.4.0, staging on B runs 1.5.0: both rolled out and answering.
model::StatusFacts ready()
{
    model::StatusFacts f;
    f.live = slot("A", "1.4.0");
    f.staging = slot("B", "1.5.0");
    return f;
}

model::HealthSummary failing(const std::string& text)
{
    model::HealthSummary h;
    h.state = Check::Failing;
    h.total = 2;
    h.failing = 1;
    h.text = text;
    return h;
}

struct Row {
    const char* name;
    model::StatusFacts facts;
    Badge badge;
    model::Attention attention;
    const char* text; // contained in the sentence
};

std::vector<Row> rows()
{
    std::vector<Row> out;
    auto add = [&out](const char* name, const std::function<void(model::StatusFacts&)>& change, Badge badge,
                      model::Attention attention, const char* text) {
        model::StatusFacts f = ready();
        change(f);
        out.push_back({name, f, badge, attention, text});
    };
    using A = model::Attention;
    add(
        "staging differs, rolled out, answers", [](auto&) {}, Badge::ReadyToSwap, A::Waiting,
        "Staging runs 1.5.0, ready to swap with live 1.4.0.");
    add(
        "staging's pods fail the check", [](auto& f) { f.staging->check = failing("1 of 2 fail"); },
        Badge::StagingFailsCheck, A::Staging, "Staging (slot B) fails its health check: 1 of 2 fail.");
    add(
        "the staging Service fails the check", [](auto& f) { f.staging->serviceCheck = failing("503, expected 200"); },
        Badge::StagingFailsCheck, A::Staging, "The staging Service fails its health check: 503, expected 200.");
    add(
        "staging's metrics are worse than live's",
        [](auto& f) { f.stagingWorse = "Staging (slot B) is worse than live: error ratio 17 % against 0 %."; },
        Badge::StagingFailsCheck, A::Staging, "Staging (slot B) is worse than live: error ratio 17 %");
    add(
        "staging not asked yet", [](auto& f) { f.staging->check.state = Check::Waiting; }, Badge::ReadyToSwap,
        A::Waiting, "ready to swap");
    add(
        "live's pods fail the check", [](auto& f) { f.live->check = failing("2 of 2 fail"); }, Badge::LiveFailsCheck,
        A::LiveFailing, "Live (slot A) fails its health check: 2 of 2 fail.");
    add(
        "both fail: live first",
        [](auto& f) {
            f.live->check = failing("1 of 2 fail");
            f.staging->check = failing("2 of 2 fail");
        },
        Badge::LiveFailsCheck, A::LiveFailing, "Live (slot A)");
    add(
        "the watch after a swap found live got worse",
        [](auto& f) { f.gotWorse = "uro: 2 of 2 pods of slot A fail the health check."; }, Badge::LiveGotWorse,
        A::LiveFailing, "uro: 2 of 2 pods of slot A fail");
    add(
        "got worse and failing: the watch's sentence",
        [](auto& f) {
            f.gotWorse = "uro got worse.";
            f.live->check = failing("2 of 2 fail");
        },
        Badge::LiveGotWorse, A::LiveFailing, "uro got worse.");
    add(
        "live short of pods",
        [](auto& f) {
            f.live->ready = 1;
            f.live->readiness = model::Health::Degraded;
            f.anomalies.push_back({model::Anomaly::Severity::Warning, "Live (slot A) has 1 of 2 pods ready."});
        },
        Badge::Attention, A::LiveFailing, "Live (slot A) has 1 of 2 pods ready.");
    add(
        "split: live and staging on one slot",
        [](auto& f) {
            f.split = true;
            f.staging.reset();
            f.anomalies.push_back({model::Anomaly::Severity::Critical, "Live and staging both point at slot A."});
        },
        Badge::Attention, A::Broken, "both point at slot A");
    add(
        "a critical anomaly outranks a failing check",
        [](auto& f) {
            f.live->check = failing("2 of 2 fail");
            f.anomalies.push_back({model::Anomaly::Severity::Critical, "Live has no ready pod: users get errors."});
        },
        Badge::Attention, A::Broken, "users get errors");
    add(
        "staging rolling out",
        [](auto& f) {
            f.staging->rollout = model::Rollout::Progressing;
            f.staging->rolloutText = "1 of 2 updated";
            f.staging->ready = 1;
        },
        Badge::RollingOut, A::Rolling, "Staging is rolling out: 1 of 2 updated");
    add(
        "staging rolling out but failing the check",
        [](auto& f) {
            f.staging->rollout = model::Rollout::Progressing;
            f.staging->check = failing("1 of 1 fail");
        },
        Badge::StagingFailsCheck, A::Staging, "fails its health check");
    add(
        "staging rollout stalled", [](auto& f) { f.staging->rollout = model::Rollout::Stalled; }, Badge::Attention,
        A::Staging, "The rollout of staging (slot B) has stalled.");
    add(
        "staging has no ready pod",
        [](auto& f) {
            f.staging->ready = 0;
            f.staging->readiness = model::Health::Down;
        },
        Badge::Attention, A::Staging, "Staging (slot B) has 0 of 2 pods ready.");
    add(
        "no staging slot", [](auto& f) { f.staging.reset(); }, Badge::Attention, A::Staging, "no staging slot");
    add(
        "in sync",
        [](auto& f) {
            f.sameRelease = true;
            f.staging->image = "1.4.0";
        },
        Badge::InSync, A::Calm, "Staging runs the same image as live.");
    add(
        "a warning elsewhere",
        [](auto& f) {
            f.anomalies.push_back({model::Anomaly::Severity::Warning, "Staging (slot B): ImagePullBackOff."});
        },
        Badge::Attention, A::Warning, "ImagePullBackOff");
    add(
        "an info note does not change the chip",
        [](auto& f) {
            f.anomalies.push_back({model::Anomaly::Severity::Info, "Sandbox runs commit abc, not in staging yet."});
        },
        Badge::ReadyToSwap, A::Waiting, "ready to swap");
    add(
        "not allowed to ask is not a failure", [](auto& f) { f.staging->check.state = Check::NotAllowed; },
        Badge::ReadyToSwap, A::Waiting, "ready to swap");
    return out;
}

} // namespace

class TestStatus : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void oneRuleDecidesTheChip_data()
    {
        QTest::addColumn<int>("row");
        const auto all = rows();
        for (std::size_t i = 0; i < all.size(); ++i)
            QTest::newRow(all[i].name) << int(i);
    }

    void oneRuleDecidesTheChip()
    {
        QFETCH(int, row);
        const Row r = rows()[static_cast<std::size_t>(row)];
        const model::Status s = model::decideStatus(r.facts);
        QCOMPARE(QString::fromUtf8(model::badgeName(s.badge)), QString::fromUtf8(model::badgeName(r.badge)));
        QCOMPARE(QString::fromUtf8(model::attentionName(s.attention)),
                 QString::fromUtf8(model::attentionName(r.attention)));
        QVERIFY2(QString::fromStdString(s.text).contains(QString::fromUtf8(r.text)), s.text.c_str());
    }

    // Whatever fails a check, the chip never invites a swap.
    void aFailingCheckIsNeverReadyToSwap()
    {
        for (auto role : {0, 1})
            for (bool service : {false, true}) {
                model::StatusFacts f = ready();
                auto& s = role == 0 ? *f.live : *f.staging;
                (service ? s.serviceCheck : s.check) = failing("1 of 2 fail");
                const model::Status st = model::decideStatus(f);
                QVERIFY2(st.badge != Badge::ReadyToSwap && st.badge != Badge::InSync, st.text.c_str());
                QVERIFY(st.attention < model::Attention::Warning);
            }
    }
};

QTEST_GUILESS_MAIN(TestStatus)
#include "tst_status.moc"
