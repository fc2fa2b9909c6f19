// When the console notifies, as tables: a sequence of derivations (each a change to the service
// states, at a time, with this window's activities) goes in, and the notices of each come out.
// Also the long action's notice, and the choices as the settings resolve them.
#include "model/actions/actionrunner.h"
#include "model/views/notifyrules.h"

#include <QTest>
#include <functional>

namespace {

using Change = std::function<void(std::vector<model::ServiceState>&)>;

struct Step {
    Step() = default;
    Step(int at_, Change change_, std::vector<model::Activity> activities_ = {},
         std::vector<std::string> expected_ = {})
        : at(at_), change(std::move(change_)), activities(std::move(activities_)), expected(std::move(expected_))
    {
    }
    int at = 0; // seconds after the start
    Change change;
    std::vector<model::Activity> activities;
    std::vector<std::string> expected; // the notices' summaries
};
using Steps = std::vector<Step>;

model::SlotState slot(model::Slot s, const std::string& service, const std::string& tag)
{
    model::SlotState st;
    st.slot = s;
    st.ns = "uro";
    st.deployment = service + "-" + model::name(s);
    st.exists = true;
    st.image = "ghcr.io/v-sekai/" + service + ":" + tag;
    st.tag = tag;
    st.desired = st.ready = st.available = st.updated = 2;
    st.rollout = model::Rollout::Complete;
    st.health = model::Health::Healthy;
    st.healthCheck.state = model::HealthSummary::State::Passing;
    st.healthCheck.text = "2 of 2 answer";
    return st;
}

model::ServiceState service(const std::string& name, const std::string& group = "uro")
{
    model::ServiceState s;
    s.spec.name = name;
    s.spec.ns = "uro";
    s.spec.group = group;
    s.a = slot(model::Slot::A, name, "1111aaaa");
    s.b = slot(model::Slot::B, name, "2222bbbb");
    s.liveServiceExists = s.stagingServiceExists = true;
    s.live = model::Slot::A;
    s.staging = model::Slot::B;
    return s;
}

// The start: uro and uro-frontend, live on A, everything healthy.
std::vector<model::ServiceState> start()
{
    return {service("uro"), service("uro-frontend")};
}

model::ServiceState& uro(std::vector<model::ServiceState>& v)
{
    return v[0];
}

// An entry as the API server vouches for it (the history-authors policy installed), unless `check`
// says otherwise.
kube::HistoryEntry entry(const std::string& user, const std::string& action, const std::string& at,
                         kube::AuthorCheck check = kube::AuthorCheck::Vouched, const std::string& writtenBy = {})
{
    kube::HistoryEntry e;
    e.user = user;
    e.action = action;
    e.at = at;
    e.service = "uro";
    e.writtenBy = writtenBy.empty() ? user : writtenBy;
    e.authorCheck = check;
    return e;
}

// What a swap by `user` looks like in the state: live and staging exchanged, a history entry.
Change swapBy(const std::string& user, int which = 0, const std::string& at = "2026-11-28T08:00:00Z")
{
    return [user, which, at](std::vector<model::ServiceState>& v) {
        auto& s = v[which];
        std::swap(s.live, s.staging);
        if (!user.empty())
            s.history.push_back(entry(user, "swap", at));
    };
}

Change unready()
{
    return [](std::vector<model::ServiceState>& v) {
        uro(v).a.ready = 1;
        uro(v).a.health = model::Health::Degraded;
        uro(v).a.problems = {"1 of 2 pods ready"};
    };
}

Change healthy()
{
    return [](std::vector<model::ServiceState>& v) {
        uro(v).a.ready = 2;
        uro(v).a.health = model::Health::Healthy;
        uro(v).a.problems.clear();
        uro(v).a.healthCheck.state = model::HealthSummary::State::Passing;
    };
}

Change failingCheck()
{
    return [](std::vector<model::ServiceState>& v) {
        uro(v).a.healthCheck.state = model::HealthSummary::State::Failing;
        uro(v).a.healthCheck.text = "1 of 2 fail";
    };
}

Change asking()
{
    return
        [](std::vector<model::ServiceState>& v) { uro(v).a.healthCheck.state = model::HealthSummary::State::Waiting; };
}

Change none()
{
    return [](std::vector<model::ServiceState>&) {};
}

model::Activity activity(const std::string& verb, model::Activity::State state, int finishedAt = 0)
{
    model::Activity a;
    a.verb = verb;
    a.ns = "uro";
    a.service = "uro";
    a.services = {"uro", "uro-frontend"};
    a.title = "Swap uro (with uro-frontend)";
    a.state = state;
    const QDateTime t0 = QDateTime(QDate(2026, 11, 28), QTime(8, 0), Qt::UTC);
    a.started = t0;
    if (state != model::Activity::State::Running)
        a.finished = t0.addSecs(finishedAt);
    return a;
}

const std::string unhealthyA = "uro: live slot A is not healthy";
const std::string swappedByOperator = "uro (group uro) was swapped by operator";

} // namespace

Q_DECLARE_METATYPE(Steps)
Q_DECLARE_METATYPE(model::NotificationChoices)

class TestNotifyRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void derivations_data()
    {
        QTest::addColumn<Steps>("steps");
        QTest::addColumn<model::NotificationChoices>("choices");
        const model::NotificationChoices all;
        auto finished = model::Activity::State::Succeeded;
        auto running = model::Activity::State::Running;

        QTest::newRow("nothing changes") << Steps{{0, none()}, {5, none()}, {10, none()}} << all;
        QTest::newRow("live goes unready: told once, not again while it stays so")
            << Steps{{0, none()}, {5, unready(), {}, {unhealthyA}}, {10, none()}, {20, none()}, {200, none()}} << all;
        QTest::newRow("live health check fails")
            << Steps{{0, none()}, {5, failingCheck(), {}, {unhealthyA}}, {6, none()}} << all;
        QTest::newRow("already unhealthy at the start: shown, not told")
            << Steps{{0, unready()}, {5, none()}, {10, none()}} << all;
        QTest::newRow("a check still asking is not a failure") << Steps{{0, none()}, {5, asking()}} << all;
        QTest::newRow("flapping within the recovery time is told once")
            << Steps{{0, none()},     {5, unready(), {}, {unhealthyA}},
                     {10, healthy()}, {20, unready()},
                     {30, healthy()}, {60, none()},
                     {70, unready()}}
            << all;
        QTest::newRow("healthy for the whole recovery time releases it")
            << Steps{{0, none()},
                     {5, unready(), {}, {unhealthyA}},
                     {10, healthy()},
                     {10 + model::unhealthyRecoverySeconds, none()},
                     {80, unready(), {}, {unhealthyA}}}
            << all;
        QTest::newRow("asking between healthy looks breaks the recovery")
            << Steps{{0, none()},     {5, unready(), {}, {unhealthyA}},
                     {10, healthy()}, {40, asking()},
                     {41, healthy()}, {41 + model::unhealthyRecoverySeconds - 1, none()},
                     {100, unready()}}
            << all;
        model::NotificationChoices noUnhealthy;
        noUnhealthy.liveUnhealthy = false;
        QTest::newRow("turned off: not told") << Steps{{0, none()}, {5, unready()}, {10, none()}} << noUnhealthy;

        QTest::newRow("a swap by another user is told once")
            << Steps{{0, none()}, {5, swapBy("operator"), {}, {swappedByOperator}}, {6, none()}} << all;
        QTest::newRow("a group swap is told once, for the first member")
            << Steps{{0, none()}, {5, swapBy("operator"), {}, {swappedByOperator}}, {6, swapBy("operator", 1)}} << all;
        QTest::newRow("another change after the fold time is told again")
            << Steps{{0, none()},
                     {5, swapBy("operator"), {}, {swappedByOperator}},
                     {5 + model::changeFoldSeconds,
                      swapBy("operator", 0, "2026-11-28T08:01:00Z"),
                      {},
                      {swappedByOperator}}}
            << all;
        QTest::newRow("a swap this window runs is not told")
            << Steps{{0, none()},
                     {5, swapBy("operator"), {activity("swap", running)}},
                     {6, swapBy("operator", 1), {activity("swap", running)}}}
            << all;
        QTest::newRow("a swap this window ended just now is not told")
            << Steps{{0, none()}, {5, swapBy("operator"), {activity("swap", finished, 3)}}} << all;
        QTest::newRow("a swap long after this window's is told")
            << Steps{{0, none()}, {100, swapBy("operator"), {activity("swap", finished, 3)}, {swappedByOperator}}}
            << all;
        QTest::newRow("this window's watch does not explain a swap")
            << Steps{{0, none()}, {5, swapBy("operator"), {activity("watch", running)}, {swappedByOperator}}} << all;
        QTest::newRow("the same user from elsewhere")
            << Steps{{0, none()},
                     {5,
                      swapBy("viewer"),
                      {},
                      {"uro (group uro) was swapped by viewer (you) from another window or the "
                       "command line"}}}
            << all;
        QTest::newRow("a swap nobody recorded")
            << Steps{{0, none()},
                     {5,
                      swapBy(""),
                      {},
                      {"uro (group uro) was swapped by someone outside Signalbox (no record in its "
                       "history)"}}}
            << all;
        QTest::newRow("a deploy to staging by CI")
            << Steps{{0, none()},
                     {5,
                      [](std::vector<model::ServiceState>& v) {
                          uro(v).b.image = "ghcr.io/v-sekai/uro:3333cccc";
                          uro(v).b.tag = "3333cccc";
                          uro(v).history.push_back(entry("deployer", "deploy", "2026-11-28T08:00:00Z"));
                      },
                      {},
                      {"uro: slot B was deployed by deployer"}}}
            << all;
        // CI may write any user into a slot Deployment's history: a name the API server does not vouch
        // for is not told as a fact.
        QTest::newRow("a deploy recorded as alice but written by CI")
            << Steps{{0, none()},
                     {5,
                      [](std::vector<model::ServiceState>& v) {
                          uro(v).b.image = "ghcr.io/v-sekai/uro:3333cccc";
                          uro(v).b.tag = "3333cccc";
                          uro(v).history.push_back(entry("alice", "deploy", "2026-11-28T08:00:00Z",
                                                         kube::AuthorCheck::WrittenByOther, "deployer"));
                      },
                      {},
                      {"uro: slot B was deployed (recorded as alice, not vouched)"}}}
            << all;
        QTest::newRow("a swap whose author is not checked")
            << Steps{{0, none()},
                     {5,
                      [](std::vector<model::ServiceState>& v) {
                          std::swap(uro(v).live, uro(v).staging);
                          uro(v).history.push_back(
                              entry("alice", "swap", "2026-11-28T08:00:00Z", kube::AuthorCheck::PolicyMissing));
                      },
                      {},
                      {"uro (group uro) was swapped (recorded as alice, not vouched)"}}}
            << all;
        QTest::newRow("you, not vouched, are not told as you")
            << Steps{{0, none()},
                     {5,
                      [](std::vector<model::ServiceState>& v) {
                          std::swap(uro(v).live, uro(v).staging);
                          uro(v).history.push_back(
                              entry("viewer", "swap", "2026-11-28T08:00:00Z", kube::AuthorCheck::NoAuthor));
                      },
                      {},
                      {"uro (group uro) was swapped (recorded as viewer, not vouched)"}}}
            << all;
        QTest::newRow("a live slot not known before is no swap")
            << Steps{{0, [](std::vector<model::ServiceState>& v) { uro(v).live = std::nullopt; }},
                     {5, [](std::vector<model::ServiceState>& v) { uro(v).live = model::Slot::B; }}}
            << all;
        model::NotificationChoices noChanges;
        noChanges.changedByOthers = false;
        QTest::newRow("changes by others turned off") << Steps{{0, none()}, {5, swapBy("operator")}} << noChanges;
    }

    void derivations()
    {
        QFETCH(Steps, steps);
        QFETCH(model::NotificationChoices, choices);
        const QDateTime t0 = QDateTime(QDate(2026, 11, 28), QTime(8, 0), Qt::UTC);
        model::NoticeMemory memory;
        std::vector<model::ServiceState> states = start();
        std::vector<model::ServiceState> previous;
        bool first = true;
        for (const Step& step : steps) {
            step.change(states);
            model::NoticeFacts facts;
            facts.previous = first ? nullptr : &previous;
            facts.current = &states;
            facts.activities = &step.activities;
            facts.user = "viewer";
            facts.now = t0.addSecs(step.at);
            std::vector<std::string> got;
            for (const auto& n : model::decideNotices(facts, choices, memory)) {
                got.push_back(n.summary);
                QVERIFY(!n.body.empty());
                // Inside Signalbox the sentence names the page to open, never Signalbox itself.
                QCOMPARE(n.sentence(), n.summary + ". " + (n.windowBody.empty() ? n.body : n.windowBody));
                QVERIFY2(n.sentence().find("open Signalbox") == std::string::npos, n.sentence().c_str());
            }
            QVERIFY2(got == step.expected, qPrintable(QStringLiteral("at %1 s: got %2 notices, expected %3")
                                                          .arg(step.at)
                                                          .arg(got.size())
                                                          .arg(step.expected.size())));
            previous = states;
            first = false;
        }
    }

    void theSentencesSayWhatHappened()
    {
        const QDateTime t0 = QDateTime(QDate(2026, 11, 28), QTime(8, 0), Qt::UTC);
        auto before = start();
        auto after = before;
        failingCheck()(after);
        model::NoticeMemory memory;
        model::NoticeFacts facts{&before, &after, nullptr, "viewer", t0};
        auto notices = model::decideNotices(facts, {}, memory);
        QCOMPARE(notices.size(), std::size_t(1));
        QCOMPARE(notices[0].kind, model::NoticeKind::LiveUnhealthy);
        QCOMPARE(notices[0].body, std::string("Health check: 1 of 2 fail; open Signalbox to see which pods fail."));
        QCOMPARE(notices[0].windowBody,
                 std::string("Health check: 1 of 2 fail; open the page of uro to see which pods fail."));

        before = start();
        after = before;
        swapBy("operator")(after);
        memory = {};
        notices = model::decideNotices(facts, {}, memory);
        QCOMPARE(notices.size(), std::size_t(1));
        QCOMPARE(notices[0].kind, model::NoticeKind::ChangedByOthers);
        QCOMPARE(notices[0].body, std::string("Live is now slot B (2222bbbb), it was slot A (1111aaaa)."));
    }

    void longActions_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("seconds");
        QTest::addColumn<bool>("windowActive");
        QTest::addColumn<bool>("on");
        QTest::addColumn<QString>("summary"); // empty: none
        const int ok = int(model::Activity::State::Succeeded);
        const int failed = int(model::Activity::State::Failed);
        const int running = int(model::Activity::State::Running);
        const QString done = QStringLiteral("Swap uro (with uro-frontend) finished");
        QTest::newRow("long, window inactive") << ok << model::longActionSeconds << false << true << done;
        QTest::newRow("failed") << failed << 42 << false << true
                                << QStringLiteral("Swap uro (with uro-frontend) failed");
        QTest::newRow("short") << ok << model::longActionSeconds - 1 << false << true << QString();
        QTest::newRow("window active") << ok << 60 << true << true << QString();
        QTest::newRow("turned off") << ok << 60 << false << false << QString();
        QTest::newRow("still running") << running << 60 << false << true << QString();
    }

    void longActions()
    {
        QFETCH(int, state);
        QFETCH(int, seconds);
        QFETCH(bool, windowActive);
        QFETCH(bool, on);
        QFETCH(QString, summary);
        model::Activity a = activity("swap", model::Activity::State(state), seconds);
        if (state == int(model::Activity::State::Running))
            a.finished = a.started.addSecs(seconds);
        a.message = "Live is now slot B";
        model::NotificationChoices choices;
        choices.longActions = on;
        const auto n = model::longActionNotice(a, windowActive, choices);
        QCOMPARE(n.has_value(), !summary.isEmpty());
        if (n) {
            QCOMPARE(QString::fromStdString(n->summary), summary);
            QCOMPARE(n->body, "Live is now slot B. It took " + std::to_string(seconds) + " s.");
        }
    }
};

QTEST_GUILESS_MAIN(TestNotifyRules)
#include "tst_notifyrules.moc"
