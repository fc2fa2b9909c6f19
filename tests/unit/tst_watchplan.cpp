// The watch plan as tables: services, the namespaces that exist and what RBAC allows go in; the
// informer keys come out, compared as a whole.
#include "model/state/watchplan.h"

#include <QTest>

using Keys = std::set<model::WatchKey>;
Q_DECLARE_METATYPE(model::WatchPlanInput)
Q_DECLARE_METATYPE(Keys)

namespace {

const std::string ctx = "kind";
const std::set<std::string> everything = {"services", "deployments", "replicasets", "pods", "namespaces"};
const std::set<std::string> everythingAndEvents = {"services", "deployments", "replicasets",
                                                   "pods",     "namespaces",  "events"};

model::ServiceSpec discovered(const std::string& name, const std::string& ns)
{
    model::ServiceSpec s;
    s.name = name;
    s.ns = ns;
    s.context = ctx;
    s.discovered = true;
    s.applyDefaults();
    return s;
}

model::ServiceSpec configured(const std::string& name, const std::string& ns)
{
    model::ServiceSpec s = discovered(name, ns);
    s.discovered = false;
    s.fromConfig = true;
    return s;
}

// The four object resources of one namespace, unfiltered, plus its warnings when it holds services.
void perNamespace(Keys& keys, const std::string& ns, bool events, const std::string& context = ctx)
{
    for (const char* r : {"services", "deployments", "replicasets", "pods"})
        keys.insert({context, r, ns, "", ""});
    if (events)
        keys.insert({context, "events", ns, "", "type=Warning"});
}

void clusterWide(Keys& keys, const std::string& context = ctx)
{
    keys.insert({context, "namespaces", "", "", ""});
    keys.insert({context, "services", "", "signalbox.v-sekai.org/service", ""});
    keys.insert({context, "deployments", "", "signalbox.v-sekai.org/service", ""});
    keys.insert({context, "replicasets", "", "signalbox.v-sekai.org/service", ""});
    keys.insert({context, "pods", "", "signalbox.v-sekai.org/service", ""});
}

// `count` discovered services, ten per production namespace, each with its sandbox namespace.
model::WatchPlanInput manyServices(int count, bool sandboxesLabelled)
{
    model::WatchPlanInput in;
    in.currentContext = ctx;
    auto& facts = in.contexts[ctx];
    facts.clusterWide = everythingAndEvents;
    facts.namespacesKnown = true;
    facts.labelledSynced = true;
    for (int i = 0; i < count; ++i) {
        const std::string name = "svc" + std::to_string(i);
        const std::string ns = "prod" + std::to_string(i / 10);
        facts.existing.insert(ns);
        facts.existing.insert(name + "-sandbox");
        if (sandboxesLabelled)
            facts.labelledSandboxes.insert({name + "-sandbox", name});
        in.services.push_back(discovered(name, ns));
    }
    return in;
}

std::string describe(const Keys& keys)
{
    std::string s;
    for (const auto& k : keys)
        s += k.context + "/" + k.resource + "/" + (k.ns.empty() ? "*" : k.ns) + "/" + k.labelSelector + "/" +
             k.fieldSelector + "\n";
    return s;
}

} // namespace

class TestWatchPlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plan_data()
    {
        QTest::addColumn<model::WatchPlanInput>("input");
        QTest::addColumn<Keys>("expected");

        {
            // 200 services in 5 namespaces, no sandbox namespace exists: a handful of watches.
            model::WatchPlanInput in;
            in.currentContext = ctx;
            in.contexts[ctx].clusterWide = everything;
            in.contexts[ctx].namespacesKnown = true;
            for (int i = 0; i < 200; ++i) {
                const std::string ns = "team" + std::to_string(i % 5);
                in.contexts[ctx].existing.insert(ns);
                in.services.push_back(discovered("svc" + std::to_string(i), ns));
            }
            in.lookIn[ctx] = {"default"};
            in.contexts[ctx].existing.insert("default");
            Keys keys;
            clusterWide(keys);
            for (int i = 0; i < 5; ++i)
                keys.insert({ctx, "events", "team" + std::to_string(i), "", "type=Warning"});
            QTest::newRow("cluster-wide, no sandbox exists") << in << keys;

            // One sandbox namespace appears: until the cluster-wide Deployments have listed, nothing
            // more is watched.
            in.contexts[ctx].existing.insert("svc7-sandbox");
            keys.insert({ctx, "events", "svc7-sandbox", "", "type=Warning"});
            QTest::newRow("cluster-wide, one sandbox exists, not listed yet") << in << keys;

            // Listed, with no labelled sandbox Deployment there: it alone gets namespaced watches (the
            // sandbox Deployment need not carry a label).
            in.contexts[ctx].labelledSynced = true;
            Keys unlabelled = keys;
            perNamespace(unlabelled, "svc7-sandbox", true);
            QTest::newRow("cluster-wide, unlabelled sandbox") << in << unlabelled;

            // Its sandbox Deployment carries the service label: the cluster-wide informers cover it.
            in.contexts[ctx].labelledSandboxes.insert({"svc7-sandbox", "svc7"});
            QTest::newRow("cluster-wide, labelled sandbox") << in << keys;

            // Another service's labelled Deployment in that namespace does not cover this one.
            in.contexts[ctx].labelledSandboxes = {{"svc7-sandbox", "svc8"}};
            QTest::newRow("cluster-wide, sandbox labelled for another") << in << unlabelled;

            // A slot Deployment in team3 whose pod template lacks the service label: its pods and
            // ReplicaSets are out of the selector's reach, so team3 is watched on its own as well.
            in.contexts[ctx].labelledSandboxes = {{"svc7-sandbox", "svc7"}};
            in.contexts[ctx].unlabelledPods = {"team3"};
            Keys slotPods = keys;
            perNamespace(slotPods, "team3", true);
            QTest::newRow("cluster-wide, slot pods without the service label") << in << slotPods;
            in.contexts[ctx].unlabelledPods.clear();
        }
        {
            // 1,000 discovered services in 100 namespaces, each with its sandbox namespace, found by the
            // label; events may be listed cluster-wide: six informers in all.
            Keys keys;
            clusterWide(keys);
            keys.insert({ctx, "events", "", "", "type=Warning"});
            QCOMPARE(keys.size(), std::size_t(6));
            QTest::newRow("1,000 services, sandboxes by label") << manyServices(1000, true) << keys;

            // The same with every sandbox unlabelled: each sandbox namespace gets its four.
            Keys unlabelled = keys;
            for (int i = 0; i < 1000; ++i)
                for (const char* r : {"services", "deployments", "replicasets", "pods"})
                    unlabelled.insert({ctx, r, "svc" + std::to_string(i) + "-sandbox", "", ""});
            QTest::newRow("1,000 services, sandboxes unlabelled") << manyServices(1000, false) << unlabelled;
        }
        {
            // Events: cluster-wide once the labelled Deployments have listed (none before); per
            // namespace holding services without the grant for events, or for Deployments.
            model::WatchPlanInput in = manyServices(20, true);
            in.contexts[ctx].labelledSynced = false;
            Keys keys;
            clusterWide(keys);
            QTest::newRow("events cluster-wide, not listed yet") << in << keys;

            in.contexts[ctx].labelledSynced = true;
            Keys wide = keys;
            wide.insert({ctx, "events", "", "", "type=Warning"});
            QTest::newRow("events cluster-wide") << in << wide;

            in.contexts[ctx].clusterWide.erase("events");
            Keys perNs = keys;
            for (int i = 0; i < 20; ++i) {
                perNs.insert({ctx, "events", "svc" + std::to_string(i) + "-sandbox", "", "type=Warning"});
                perNs.insert({ctx, "events", "prod" + std::to_string(i / 10), "", "type=Warning"});
            }
            QTest::newRow("events per namespace without their grant") << in << perNs;

            // Events cluster-wide but Deployments only per namespace: events per namespace too.
            in.contexts[ctx].clusterWide = {"namespaces", "events"};
            Keys noDeployments;
            noDeployments.insert({ctx, "namespaces", "", "", ""});
            for (int i = 0; i < 20; ++i) {
                perNamespace(noDeployments, "svc" + std::to_string(i) + "-sandbox", true);
                perNamespace(noDeployments, "prod" + std::to_string(i / 10), true);
            }
            QTest::newRow("events per namespace without Deployments cluster-wide") << in << noDeployments;
        }
        {
            // A service only the configuration names: its namespace is watched without selectors.
            model::WatchPlanInput in;
            in.currentContext = ctx;
            in.contexts[ctx].clusterWide = everything;
            in.contexts[ctx].namespacesKnown = true;
            in.contexts[ctx].existing = {"uro", "legacy"};
            in.services = {discovered("uro", "uro"), configured("old", "legacy")};
            Keys keys;
            clusterWide(keys);
            keys.insert({ctx, "events", "uro", "", "type=Warning"});
            perNamespace(keys, "legacy", true);
            QTest::newRow("configured service without labels") << in << keys;
        }
        {
            // No cluster-wide grant at all (a viewer of two namespaces): per namespace, the named
            // namespaces and those holding services; a sandbox that answered 404 is not watched.
            model::WatchPlanInput in;
            in.currentContext = ctx;
            in.contexts[ctx].absent = {"uro-sandbox"};
            in.lookIn[ctx] = {"uro", "viewer-home"};
            in.services = {discovered("uro", "uro"), discovered("uro-frontend", "uro")};
            Keys keys;
            perNamespace(keys, "uro", true);
            perNamespace(keys, "viewer-home", false);
            perNamespace(keys, "uro-frontend-sandbox", true);
            QTest::newRow("no cluster-wide grant") << in << keys;
        }
        {
            // Pods may be listed cluster-wide, nothing else: pods cluster-wide by the service label,
            // the rest per namespace.
            model::WatchPlanInput in;
            in.currentContext = ctx;
            in.contexts[ctx].clusterWide = {"pods"};
            in.contexts[ctx].absent = {"uro-sandbox"};
            in.services = {discovered("uro", "uro")};
            Keys keys;
            keys.insert({ctx, "pods", "", "signalbox.v-sekai.org/service", ""});
            for (const char* r : {"services", "deployments", "replicasets"})
                keys.insert({ctx, r, "uro", "", ""});
            keys.insert({ctx, "events", "uro", "", "type=Warning"});
            QTest::newRow("mixed grants") << in << keys;
        }
        {
            // A sandbox on another context: that context's own facts decide.
            model::WatchPlanInput in;
            in.currentContext = ctx;
            in.contexts[ctx].clusterWide = everything;
            in.contexts[ctx].namespacesKnown = true;
            in.contexts[ctx].existing = {"uro"};
            model::ServiceSpec uro = configured("uro", "uro");
            uro.discovered = true;
            uro.sandboxContext = "dev";
            uro.sandboxNamespace = "uro-dev";
            in.services = {uro};
            in.contexts["dev"].namespacesKnown = true;
            in.contexts["dev"].clusterWide = {"namespaces"};
            in.contexts["dev"].existing = {"uro-dev"};
            Keys keys;
            clusterWide(keys);
            keys.insert({ctx, "events", "uro", "", "type=Warning"});
            keys.insert({"dev", "namespaces", "", "", ""});
            perNamespace(keys, "uro-dev", true, "dev");
            QTest::newRow("sandbox on another context") << in << keys;

            // Until that context's namespaces are known not to hold it, nothing is watched there
            // but the namespaces.
            in.contexts["dev"].existing.clear();
            keys.clear();
            clusterWide(keys);
            keys.insert({ctx, "events", "uro", "", "type=Warning"});
            keys.insert({"dev", "namespaces", "", "", ""});
            QTest::newRow("sandbox context without it") << in << keys;
        }
    }

    void plan()
    {
        QFETCH(model::WatchPlanInput, input);
        QFETCH(Keys, expected);
        const Keys got = model::planWatches(input);
        QVERIFY2(got == expected, ("got:\n" + describe(got) + "expected:\n" + describe(expected)).c_str());
    }

    // However many services there are, no namespace that does not exist is ever watched.
    void neverANamespaceThatDoesNotExist()
    {
        for (bool known : {true, false}) {
            model::WatchPlanInput in;
            in.currentContext = ctx;
            in.contexts[ctx].namespacesKnown = known;
            in.contexts[ctx].clusterWide = known ? everything : std::set<std::string>{};
            in.contexts[ctx].existing = {"prod"};
            for (int i = 0; i < 50; ++i) {
                in.services.push_back(discovered("s" + std::to_string(i), "prod"));
                if (!known)
                    in.contexts[ctx].absent.insert("s" + std::to_string(i) + "-sandbox");
            }
            for (const auto& key : model::planWatches(in))
                QVERIFY2(key.ns.empty() || key.ns == "prod", key.ns.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestWatchPlan)
#include "tst_watchplan.moc"
