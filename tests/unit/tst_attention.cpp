// "Needs attention first": the rank of a service (model/views/attention.h) over its derived state. The
// example as recorded (tests/data/model/: live on slot A, staging on slot B, both rolled out) is
// derived once per case, its objects or its derived facts changed to make each state; the table
// says which rank each comes to, and the order puts the more urgent first, then by name.
#include "model/views/attention.h"
#include "rulefacts.h"

#include <QTest>
#include <functional>

namespace {

template <typename T, typename Parse> void addAll(const QString& file, Parse parse, std::vector<T>& out)
{
    const nlohmann::json list = rulefacts::loadList(file);
    for (const auto& item : list["items"]) {
        auto r = parse(item);
        if (!r)
            qFatal("recorded object does not parse: %s", r.error().message.c_str());
        out.push_back(std::move(r).value());
    }
}

model::Snapshot production()
{
    model::Snapshot s;
    addAll(QStringLiteral("uro-deployments.json"), kube::parseDeployment, s.deployments);
    addAll(QStringLiteral("uro-replicasets.json"), kube::parseReplicaSet, s.replicaSets);
    addAll(QStringLiteral("uro-pods.json"), kube::parsePod, s.pods);
    addAll(QStringLiteral("uro-services.json"), kube::parseService, s.services);
    return s;
}

kube::Deployment& deployment(model::Snapshot& s, const std::string& name)
{
    for (auto& d : s.deployments)
        if (d.meta.name == name)
            return d;
    qFatal("no recorded Deployment %s", name.c_str());
}

kube::Service& service(model::Snapshot& s, const std::string& name)
{
    for (auto& svc : s.services)
        if (svc.meta.name == name)
            return svc;
    qFatal("no recorded Service %s", name.c_str());
}

// Uro derived from the (changed) objects, then its derived facts changed.
model::ServiceState derive(const std::function<void(model::Snapshot&)>& objects,
                           const std::function<void(model::ServiceState&)>& facts = {})
{
    model::Snapshot s = production();
    if (objects)
        objects(s);
    const auto created = QString::fromStdString(s.deployments.front().meta.creationTimestamp);
    const QDateTime now = QDateTime::fromString(created, Qt::ISODate).addSecs(600);
    model::ServiceState st = model::deriveService(rulefacts::spec("uro"), s, model::Snapshot{}, now);
    if (facts)
        facts(st);
    model::applyStatus(st); // the changed facts decided again, as the dashboard does
    return st;
}

model::HealthSummary failing()
{
    model::HealthSummary h;
    h.state = model::HealthSummary::State::Failing;
    h.total = 2;
    h.failing = 1;
    return h;
}

void setReady(model::Snapshot& s, const std::string& name, int ready)
{
    deployment(s, name).readyReplicas = ready;
    deployment(s, name).availableReplicas = ready;
}

model::ServiceState named(model::ServiceState s, const std::string& name, const std::string& ns = "uro")
{
    s.spec.name = name;
    s.spec.ns = ns;
    return s;
}

} // namespace

Q_DECLARE_METATYPE(model::Attention)
Q_DECLARE_METATYPE(model::ServiceState)

class TestAttention : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rank_data()
    {
        QTest::addColumn<model::ServiceState>("state");
        QTest::addColumn<model::Attention>("expected");
        using A = model::Attention;
        using Sev = model::Anomaly::Severity;
        auto row = [](const char* name, model::ServiceState s, A a) { QTest::newRow(name) << s << a; };

        row("as recorded: staging runs another release, ready to swap", derive({}), A::Waiting);
        row("staging runs the same release as live",
            derive({},
                   [](model::ServiceState& s) {
                       s.b = s.a;
                       s.b.slot = model::Slot::B;
                       s.badge = model::Badge::InSync;
                   }),
            A::Calm);
        row("staging rolling out, short of pods on its way",
            derive([](model::Snapshot& s) { setReady(s, "uro-b", 1); },
                   [](model::ServiceState& s) {
                       s.b.rollout = model::Rollout::Progressing;
                       s.badge = model::Badge::RollingOut;
                   }),
            A::Rolling);
        row("live and staging on one slot (split)",
            derive([](model::Snapshot& s) { rulefacts::selectSlot(service(s, "uro-staging"), "a"); }), A::Broken);
        row("live selects neither slot",
            derive([](model::Snapshot& s) { rulefacts::selectSlot(service(s, "uro"), "c"); }), A::Broken);
        row("live has no ready pod", derive([](model::Snapshot& s) { setReady(s, "uro-a", 0); }), A::Broken);
        row("live Service missing", derive([](model::Snapshot& s) {
                std::erase_if(s.services, [](const kube::Service& x) { return x.meta.name == "uro"; });
            }),
            A::Broken);
        row("live has 1 of 2 pods ready", derive([](model::Snapshot& s) { setReady(s, "uro-a", 1); }), A::LiveFailing);
        row("a live pod fails the health check",
            derive({}, [](model::ServiceState& s) { s.a.healthCheck = failing(); }), A::LiveFailing);
        row("the live Service fails the health check",
            derive({}, [](model::ServiceState& s) { s.liveServiceHealth = failing(); }), A::LiveFailing);
        row("live failing and staging too: live first", derive([](model::Snapshot& s) {
                setReady(s, "uro-a", 1);
                setReady(s, "uro-b", 0);
            }),
            A::LiveFailing);
        row("staging has no ready pod, not rolling out", derive([](model::Snapshot& s) { setReady(s, "uro-b", 0); }),
            A::Staging);
        row("staging rolling out with a pod that crashes",
            derive([](model::Snapshot& s) { setReady(s, "uro-b", 1); },
                   [](model::ServiceState& s) {
                       s.b.rollout = model::Rollout::Progressing;
                       s.b.problems = {"1 pod in CrashLoopBackOff"};
                   }),
            A::Staging);
        row("a staging pod fails the health check",
            derive({}, [](model::ServiceState& s) { s.b.healthCheck = failing(); }), A::Staging);
        row("staging's rollout stalled",
            derive({}, [](model::ServiceState& s) { s.b.rollout = model::Rollout::Stalled; }), A::Staging);
        row("no staging Service", derive([](model::Snapshot& s) {
                std::erase_if(s.services, [](const kube::Service& x) { return x.meta.name == "uro-staging"; });
            }),
            A::Staging);
        row("a warning anomaly",
            derive({},
                   [](model::ServiceState& s) {
                       s.anomalies.push_back({Sev::Warning, "Something is off."});
                   }),
            A::Warning);
        row("live degraded by warning events",
            derive({}, [](model::ServiceState& s) { s.a.health = model::Health::Degraded; }), A::Warning);
        row("an info note only",
            derive({},
                   [](model::ServiceState& s) {
                       s.anomalies.push_back({Sev::Info, "Sandbox is ahead."});
                   }),
            A::Waiting);
        row("a health check that may not be asked is no failure",
            derive({}, [](model::ServiceState& s) { s.a.healthCheck.state = model::HealthSummary::State::NotAllowed; }),
            A::Waiting);
    }

    void rank()
    {
        QFETCH(model::ServiceState, state);
        QFETCH(model::Attention, expected);
        QCOMPARE(QString::fromUtf8(model::attentionName(model::attentionOf(state))),
                 QString::fromUtf8(model::attentionName(expected)));
    }

    void orderIsUrgencyThenName()
    {
        const auto calm = derive({}, [](model::ServiceState& s) {
            s.b = s.a;
            s.b.slot = model::Slot::B;
            s.badge = model::Badge::InSync;
        });
        const auto broken = derive([](model::Snapshot& s) { rulefacts::selectSlot(service(s, "uro-staging"), "a"); });
        const auto liveFailing = derive([](model::Snapshot& s) { setReady(s, "uro-a", 1); });
        std::vector<model::ServiceState> list{named(calm, "alpha"),       named(liveFailing, "zulu"),
                                              named(calm, "beta"),        named(broken, "yankee"),
                                              named(liveFailing, "mike"), named(calm, "alpha", "another")};
        std::sort(list.begin(), list.end(), model::attentionBefore);
        QStringList order;
        for (const auto& s : list)
            order << QString::fromStdString(s.spec.name + "." + s.spec.ns);
        QCOMPARE(order, QStringList({"yankee.uro", "mike.uro", "zulu.uro", "alpha.another", "alpha.uro", "beta.uro"}));
        QVERIFY(!model::attentionBefore(list[0], list[0]));
    }
};

QTEST_GUILESS_MAIN(TestAttention)
#include "tst_attention.moc"
