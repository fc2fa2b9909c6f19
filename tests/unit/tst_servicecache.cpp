// The typed, incremental cache: objects go in as informers report them; each change re-derives
// only the services it touches, counted by ServiceCache::derivations() (no timing).
#include "model/state/servicecache.h"

#include <QTest>

using kube::Json;
using model::ServiceCache;

namespace {

const std::string ctx = "kind";
const std::string ns = "team";

Json meta(const std::string& name, const Json& labels = Json::object())
{
    return {{"name", name}, {"namespace", ns}, {"uid", name + "-uid"}, {"resourceVersion", "1"}, {"labels", labels}};
}

Json service(const std::string& s, bool staging)
{
    const std::string name = staging ? s + "-staging" : s;
    return {{"metadata", meta(name, {{"signalbox.v-sekai.org/service", s},
                                     {"signalbox.v-sekai.org/role", staging ? "staging" : "live"}})},
            {"spec", {{"selector", {{"app", s}, {"signalbox.v-sekai.org/slot", staging ? "b" : "a"}}}}}};
}

Json deployment(const std::string& s, const std::string& slot, int ready = 2)
{
    const Json podLabels = {{"app", s}, {"signalbox.v-sekai.org/slot", slot}};
    return {
        {"metadata", meta(s + "-" + slot, {{"signalbox.v-sekai.org/service", s}})},
        {"spec",
         {{"replicas", 2},
          {"selector", {{"matchLabels", podLabels}}},
          {"template",
           {{"metadata", {{"labels", podLabels}}},
            {"spec", {{"containers", Json::array({{{"name", "app"}, {"image", "registry/" + s + ":1"}}})}}}}}}},
        {"status", {{"replicas", 2}, {"updatedReplicas", 2}, {"readyReplicas", ready}, {"availableReplicas", ready}}}};
}

Json pod(const std::string& s, const std::string& slot, int n, bool ready = true)
{
    Json m = meta(s + "-" + slot + "-5d8f9-" + std::to_string(n), {{"app", s}, {"signalbox.v-sekai.org/slot", slot}});
    m["annotations"] = {{"note", "dropped when cached"}};
    return {{"metadata", m},
            {"spec", {{"nodeName", "node-0"}}},
            {"status",
             {{"phase", "Running"},
              {"podIP", "10.0.0." + std::to_string(n)},
              {"conditions", Json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

Json warning(const std::string& involved, const std::string& kind)
{
    return {{"metadata", meta("ev-" + involved)},
            {"type", "Warning"},
            {"reason", "BackOff"},
            {"message", "Back-off restarting failed container"},
            {"involvedObject", {{"kind", kind}, {"name", involved}, {"namespace", ns}}}};
}

const std::vector<std::string> names = {"alpha", "beta", "gamma"};

// Three discovered services in one namespace, every object reported once and derived once.
void load(ServiceCache& cache)
{
    for (const auto& s : names) {
        cache.apply(ctx, "services", ServiceCache::Change::Added, service(s, false), true);
        cache.apply(ctx, "services", ServiceCache::Change::Added, service(s, true), true);
        for (const char* slot : {"a", "b"}) {
            cache.apply(ctx, "deployments", ServiceCache::Change::Added, deployment(s, slot), true);
            for (int n = 0; n < 2; ++n)
                cache.apply(ctx, "pods", ServiceCache::Change::Added, pod(s, slot, n), true);
        }
    }
}

std::vector<std::string> sorted(std::vector<std::string> v)
{
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

class TestServiceCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void firstLoadDerivesEachServiceOnce()
    {
        ServiceCache cache(ctx);
        load(cache);
        QVERIFY(cache.refreshSpecs());
        QCOMPARE(cache.specs().size(), std::size_t(3));
        const auto changed = cache.derive(QDateTime::currentDateTimeUtc());
        QCOMPARE(sorted(changed), names);
        QCOMPARE(cache.derivations(), 3LL);
        QCOMPARE(cache.states().size(), std::size_t(3));
        QCOMPARE(cache.states()[1].spec.name, std::string("beta"));
        QCOMPARE(cache.states()[1].a.ready, 2);
        QCOMPARE(cache.states()[1].live, std::optional(model::Slot::A));
        // Nothing changed: nothing is derived again.
        QVERIFY(!cache.refreshSpecs());
        QVERIFY(cache.derive(QDateTime::currentDateTimeUtc()).empty());
        QCOMPARE(cache.derivations(), 3LL);
    }

    // One object changes; only the service it belongs to is derived again.
    void oneChangeDerivesOneService_data()
    {
        QTest::addColumn<QString>("resource");
        QTest::addColumn<int>("change");
        QTest::addColumn<QString>("object"); // JSON
        QTest::addColumn<QStringList>("derived");

        auto row = [](const char* name, const char* resource, ServiceCache::Change change, const Json& object,
                      QStringList derived) {
            QTest::newRow(name) << QString::fromLatin1(resource) << static_cast<int>(change)
                                << QString::fromStdString(object.dump()) << derived;
        };
        row("a pod of beta's slot b turns unready", "pods", ServiceCache::Change::Modified, pod("beta", "b", 1, false),
            {"beta"});
        row("a pod of gamma's slot a goes", "pods", ServiceCache::Change::Removed, pod("gamma", "a", 0), {"gamma"});
        row("a new pod of alpha", "pods", ServiceCache::Change::Added, pod("alpha", "a", 7), {"alpha"});
        row("beta's Deployment b changes", "deployments", ServiceCache::Change::Modified, deployment("beta", "b", 1),
            {"beta"});
        row("a warning about a pod of gamma", "events", ServiceCache::Change::Added, warning("gamma-b-5d8f9-1", "Pod"),
            {"gamma"});
        row("alpha's staging Service changes", "services", ServiceCache::Change::Modified, service("alpha", true),
            {"alpha"});
        Json rs = {{"metadata", meta("beta-a-5d8f9")}};
        rs["metadata"]["ownerReferences"] = Json::array({{{"kind", "Deployment"}, {"name", "beta-a"}}});
        row("a ReplicaSet of beta", "replicasets", ServiceCache::Change::Added, rs, {"beta"});
        Json unrelated = pod("other", "a", 3);
        unrelated["metadata"]["labels"] = {{"app", "other"}};
        row("an unrelated pod in the same namespace", "pods", ServiceCache::Change::Added, unrelated, {});
        Json elsewhere = pod("alpha", "a", 9);
        elsewhere["metadata"]["namespace"] = "elsewhere";
        row("alpha's labels in another namespace", "pods", ServiceCache::Change::Added, elsewhere, {});
    }

    void oneChangeDerivesOneService()
    {
        QFETCH(QString, resource);
        QFETCH(int, change);
        QFETCH(QString, object);
        QFETCH(QStringList, derived);
        ServiceCache cache(ctx);
        load(cache);
        cache.refreshSpecs();
        cache.derive(QDateTime::currentDateTimeUtc());
        const long long before = cache.derivations();
        const long long discoveriesBefore = cache.discoveries();

        cache.apply(ctx, resource.toStdString(), static_cast<ServiceCache::Change>(change),
                    Json::parse(object.toStdString()), true);
        QVERIFY(!cache.refreshSpecs()); // the same services
        // None of these changes a label discovery reads, so discovery does not run again: a new pod
        // carries the service label, but only Services and Deployments say which services exist.
        QCOMPARE(cache.discoveries(), discoveriesBefore);
        const auto changed = cache.derive(QDateTime::currentDateTimeUtc());
        QStringList got;
        for (const auto& n : changed)
            got << QString::fromStdString(n);
        QCOMPARE(got, derived);
        QCOMPARE(cache.derivations() - before, static_cast<long long>(derived.size()));
    }

    // A limit derives that many of the dirty services; the rest wait for the next call.
    void deriveTakesAtMostTheLimit()
    {
        ServiceCache cache(ctx);
        load(cache);
        QVERIFY(cache.refreshSpecs());
        const auto first = cache.derive(QDateTime::currentDateTimeUtc(), 2);
        QCOMPARE(first.size(), std::size_t(2));
        QVERIFY(cache.dirty());
        const auto rest = cache.derive(QDateTime::currentDateTimeUtc(), 2);
        QCOMPARE(rest.size(), std::size_t(1));
        QVERIFY(!cache.dirty());
        std::vector<std::string> all = first;
        all.insert(all.end(), rest.begin(), rest.end());
        QCOMPARE(sorted(all), names);
        QCOMPARE(cache.derivations(), 3LL);
    }

    void theChangeShowsInTheDerivedState()
    {
        ServiceCache cache(ctx);
        load(cache);
        cache.refreshSpecs();
        cache.derive(QDateTime::currentDateTimeUtc());
        const auto alphaRevision = cache.states()[0].revision;
        cache.apply(ctx, "pods", ServiceCache::Change::Modified, pod("beta", "a", 1, false), true);
        cache.derive(QDateTime::currentDateTimeUtc());
        QCOMPARE(cache.states()[1].a.ready, 1);
        QCOMPARE(cache.states()[0].revision, alphaRevision); // untouched, same revision
        QVERIFY(cache.states()[1].revision > alphaRevision);
    }

    void aNewServiceDerivesOnlyItself()
    {
        ServiceCache cache(ctx);
        load(cache);
        cache.refreshSpecs();
        cache.derive(QDateTime::currentDateTimeUtc());
        const long long before = cache.derivations();
        cache.apply(ctx, "services", ServiceCache::Change::Added, service("delta", false), true);
        cache.apply(ctx, "deployments", ServiceCache::Change::Added, deployment("delta", "a"), true);
        const long long discoveriesBefore = cache.discoveries();
        QVERIFY(cache.refreshSpecs());
        QCOMPARE(cache.discoveries(), discoveriesBefore + 1);
        QCOMPARE(cache.derive(QDateTime::currentDateTimeUtc()), std::vector<std::string>{"delta"});
        QCOMPARE(cache.derivations() - before, 1LL);
        // And a service that goes is reported, not derived.
        cache.apply(ctx, "services", ServiceCache::Change::Removed, service("delta", false), true);
        QVERIFY(cache.refreshSpecs());
        QCOMPARE(cache.derive(QDateTime::currentDateTimeUtc()), std::vector<std::string>{"delta"});
        QCOMPARE(cache.derivations() - before, 1LL);
        QCOMPARE(cache.states().size(), std::size_t(3));
    }

    // A namespace with its own informer: the cluster-wide one's removals there are left to it (an
    // object that lost its label still exists); when it ends, what it alone reported goes.
    void aNamespacedInformerOwnsItsNamespace()
    {
        ServiceCache cache(ctx);
        load(cache);
        cache.refreshSpecs();
        cache.derive(QDateTime::currentDateTimeUtc());
        QCOMPARE(cache.states()[0].a.podRows.size(), std::size_t(2));
        cache.setNamespaced(ctx, "pods", ns, true);
        cache.apply(ctx, "pods", ServiceCache::Change::Removed, pod("alpha", "a", 0), true); // left to it
        Json unlabelled = pod("alpha", "a", 4);
        unlabelled["metadata"]["labels"] = {{"app", "alpha"}};
        cache.apply(ctx, "pods", ServiceCache::Change::Added, unlabelled, false);
        cache.derive(QDateTime::currentDateTimeUtc());
        QCOMPARE(cache.states()[0].a.podRows.size(), std::size_t(2));
        cache.apply(ctx, "pods", ServiceCache::Change::Removed, pod("alpha", "a", 0), false);
        cache.derive(QDateTime::currentDateTimeUtc());
        QCOMPARE(cache.states()[0].a.podRows.size(), std::size_t(1));

        // The namespace's informer ends; pods with the slot label stay (the cluster-wide informer
        // keeps them), the others go.
        cache.setNamespaced(ctx, "pods", ns, false, "signalbox.v-sekai.org/slot");
        cache.derive(QDateTime::currentDateTimeUtc());
        QCOMPARE(cache.states()[0].a.podRows.size(), std::size_t(1));
        QCOMPARE(cache.states()[0].a.podRows[0].name, std::string("alpha-a-5d8f9-1"));
    }

    // Warnings from a cluster-wide informer are kept only in namespaces that hold services (or hold
    // the Deployments and Services discovery is about to read); a namespace's own informer is kept.
    void clusterWideEventsOnlyWhereServicesAre()
    {
        auto elsewhere = [](const std::string& involved) {
            Json e = warning(involved, "Pod");
            e["metadata"]["namespace"] = "unrelated";
            e["involvedObject"]["namespace"] = "unrelated";
            return e;
        };
        ServiceCache cache(ctx);
        cache.apply(ctx, "events", ServiceCache::Change::Added, elsewhere("filler-1"), true);
        QCOMPARE(cache.objectCount(), std::size_t(0));
        cache.apply(ctx, "events", ServiceCache::Change::Added, warning("alpha-a-5d8f9-0", "Pod"), true);
        QCOMPARE(cache.objectCount(), std::size_t(0));

        load(cache);
        const std::size_t loaded = cache.objectCount();
        // Before discovery has read them, the namespace's Deployments already hold its events.
        cache.apply(ctx, "events", ServiceCache::Change::Added, warning("alpha-a-5d8f9-0", "Pod"), true);
        QCOMPARE(cache.objectCount(), loaded + 1);
        cache.refreshSpecs();
        cache.derive(QDateTime::currentDateTimeUtc());
        cache.apply(ctx, "events", ServiceCache::Change::Added, warning("beta-b-5d8f9-1", "Pod"), true);
        QCOMPARE(cache.objectCount(), loaded + 2);
        cache.apply(ctx, "events", ServiceCache::Change::Added, elsewhere("filler-2"), true);
        QCOMPARE(cache.objectCount(), loaded + 2);
        // A namespace's own informer of events is kept whatever the namespace holds.
        cache.apply(ctx, "events", ServiceCache::Change::Added, elsewhere("filler-3"), false);
        QCOMPARE(cache.objectCount(), loaded + 3);

        // When a namespace's own informer of events ends, a cluster-wide one covering it keeps them;
        // otherwise they go.
        cache.setNamespaced(ctx, "events", ns, true);
        cache.setNamespaced(ctx, "events", ns, false, {}, true);
        QCOMPARE(cache.objectCount(), loaded + 3);
        cache.setNamespaced(ctx, "events", ns, true);
        cache.setNamespaced(ctx, "events", ns, false);
        QCOMPARE(cache.objectCount(), loaded + 1);
    }
};

QTEST_GUILESS_MAIN(TestServiceCache)
#include "tst_servicecache.moc"
