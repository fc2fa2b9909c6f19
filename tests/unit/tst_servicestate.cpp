// Deriving slot and service state from recorded API objects (tests/data/model/, listed from the
// local control plane with the example services), changed per case to produce each state.
#include "model/rules/servicespec.h"
#include "model/state/servicestate.h"
#include "rulefacts.h"
#include "support/testsupport.h"

#include <QFile>
#include <QTest>
#include <functional>

using nlohmann::json;
using Sev = model::Anomaly::Severity;

namespace {

json loadList(const QString& name)
{
    QFile f(testsupport::testDataDir() + QStringLiteral("/model/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return json::parse(f.readAll().toStdString());
}

json* findItem(json& list, const std::string& name)
{
    for (auto& item : list["items"])
        if (item["metadata"]["name"] == name)
            return &item;
    return nullptr;
}

struct Recorded {
    json deployments = loadList(QStringLiteral("uro-deployments.json"));
    json replicaSets = loadList(QStringLiteral("uro-replicasets.json"));
    json pods = loadList(QStringLiteral("uro-pods.json"));
    json services = loadList(QStringLiteral("uro-services.json"));
    json events = loadList(QStringLiteral("uro-events.json"));
    json sandboxDeployments = loadList(QStringLiteral("uro-sandbox-deployments.json"));
    json sandboxPods = loadList(QStringLiteral("uro-sandbox-pods.json"));
    json sandboxServices = loadList(QStringLiteral("uro-sandbox-services.json"));

    template <typename T, typename Parse> static void add(const json& list, Parse parse, std::vector<T>& out)
    {
        for (const auto& item : list["items"]) {
            auto r = parse(item);
            if (!r)
                qFatal("recorded object does not parse: %s", r.error().message.c_str());
            out.push_back(std::move(r).value());
        }
    }

    model::Snapshot production() const
    {
        model::Snapshot s;
        add(deployments, kube::parseDeployment, s.deployments);
        add(replicaSets, kube::parseReplicaSet, s.replicaSets);
        add(pods, kube::parsePod, s.pods);
        add(services, kube::parseService, s.services);
        add(events, kube::parseEvent, s.events);
        return s;
    }

    model::Snapshot sandbox() const
    {
        model::Snapshot s;
        add(sandboxDeployments, kube::parseDeployment, s.deployments);
        add(sandboxPods, kube::parsePod, s.pods);
        add(sandboxServices, kube::parseService, s.services);
        return s;
    }

    // "now" a little after the objects were made, so recent events count as recent.
    QDateTime now() const
    {
        const auto t = QString::fromStdString(deployments["items"][0]["metadata"]["creationTimestamp"]);
        return QDateTime::fromString(t, Qt::ISODate).addSecs(600);
    }
};

model::ServiceState derive(const Recorded& r)
{
    return model::deriveService(rulefacts::spec("uro"), r.production(), r.sandbox(), r.now());
}

bool hasAnomaly(const model::ServiceState& s, Sev severity, const QString& text)
{
    for (const auto& a : s.anomalies)
        if (a.severity == severity && QString::fromStdString(a.text).contains(text))
            return true;
    return false;
}

QString describeAnomalies(const model::ServiceState& s)
{
    QStringList out;
    for (const auto& a : s.anomalies)
        out << QString::fromStdString(a.text);
    return out.join(QStringLiteral(" | "));
}

using Mutation = std::function<void(Recorded&)>;

// Pods of slot b are the ones whose name starts with uro-b-.
void forSlotPods(Recorded& r, const std::string& prefix, const std::function<void(json&)>& fn)
{
    for (auto& p : r.pods["items"])
        if (p["metadata"]["name"].get<std::string>().rfind(prefix, 0) == 0)
            fn(p);
}

} // namespace

Q_DECLARE_METATYPE(Mutation)

class TestServiceState : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void discoveryFindsTheLabelledServices()
    {
        Recorded r;
        const auto specs = model::discoverServices(r.production(), "ctx");
        QCOMPARE(specs.size(), std::size_t(2));
        const auto& frontend = specs[1];
        QCOMPARE(frontend.name, std::string("uro-frontend"));
        QCOMPARE(frontend.group, std::string("uro"));
        QCOMPARE(frontend.slotA, std::string("uro-frontend-a"));
        QCOMPARE(frontend.slotB, std::string("uro-frontend-b"));
        QCOMPARE(frontend.liveService, std::string("uro-frontend"));
        QCOMPARE(frontend.stagingService, std::string("uro-frontend-staging"));
        QCOMPARE(frontend.sandboxNamespace, std::string("uro-frontend-sandbox"));
        QCOMPARE(frontend.context, std::string("ctx"));
        // The sandbox's Service carries the service label but is no A/B service.
        QVERIFY(model::discoverServices(r.sandbox(), "ctx").empty());
    }

    void theExampleIsReadyToSwap()
    {
        Recorded r;
        const auto s = derive(r);
        QCOMPARE(s.live, std::optional(model::Slot::A));
        QCOMPARE(s.staging, std::optional(model::Slot::B));
        QCOMPARE(s.badge, model::Badge::ReadyToSwap);
        QCOMPARE(s.a.commit, std::string("8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3"));
        QCOMPARE(s.b.imageRef.repository, std::string("v-sekai/uro"));
        QCOMPARE(s.b.imageRef.registry, std::string("ghcr.io"));
        QCOMPARE(s.b.imageDisplay(), std::string("c41e7a90d2f3"));
        QCOMPARE(s.a.desired, 2);
        QCOMPARE(s.a.ready, 2);
        QCOMPARE(s.a.rollout, model::Rollout::Complete);
        QCOMPARE(s.a.health, model::Health::Healthy);
        QCOMPARE(s.a.readyPodIPs.size(), std::size_t(2));
        QVERIFY(s.a.readyPodIPs != s.b.readyPodIPs);
        QCOMPARE(s.roleOf(model::Slot::A), std::string("LIVE"));
        QCOMPARE(s.roleOf(model::Slot::B), std::string("STAGING"));
        QVERIFY(s.sandbox.exists);
        QCOMPARE(s.sandbox.imageRef.repository, std::string("v-sekai/uro-sandbox"));
        QVERIFY2(hasAnomaly(s, Sev::Info, QStringLiteral("Sandbox runs commit f0a1b2c3, which is not in staging yet")),
                 qPrintable(describeAnomalies(s)));
        QVERIFY(!s.a.lastDeployed.empty());
    }

    void slotRollout_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<int>("rollout");
        QTest::addColumn<QString>("text");
        QTest::newRow("complete") << Mutation([](Recorded&) {}) << int(model::Rollout::Complete) << "rolled out";
        QTest::newRow("controller has not seen it")
            << Mutation([](Recorded& r) { (*findItem(r.deployments, "uro-b"))["metadata"]["generation"] = 5; })
            << int(model::Rollout::Progressing) << "waiting for the controller to see the new version";
        QTest::newRow("pods being updated")
            << Mutation([](Recorded& r) { (*findItem(r.deployments, "uro-b"))["status"]["updatedReplicas"] = 1; })
            << int(model::Rollout::Progressing) << "1 of 2 pods updated";
        QTest::newRow("old pods terminating")
            << Mutation([](Recorded& r) { (*findItem(r.deployments, "uro-b"))["status"]["replicas"] = 3; })
            << int(model::Rollout::Progressing) << "1 old pod still terminating";
        QTest::newRow("not yet available")
            << Mutation([](Recorded& r) { (*findItem(r.deployments, "uro-b"))["status"]["availableReplicas"] = 1; })
            << int(model::Rollout::Progressing) << "1 of 2 updated pods available";
        QTest::newRow("stalled") << Mutation([](Recorded& r) {
            for (auto& c : (*findItem(r.deployments, "uro-b"))["status"]["conditions"])
                if (c["type"] == "Progressing")
                    c["reason"] = "ProgressDeadlineExceeded";
        }) << int(model::Rollout::Stalled)
                                 << "stalled: no progress for 600 s";
        QTest::newRow("scaled to zero") << Mutation([](Recorded& r) {
            (*findItem(r.deployments, "uro-b"))["spec"]["replicas"] = 0;
        }) << int(model::Rollout::ScaledDown)
                                        << "scaled to zero";
    }

    void slotRollout()
    {
        QFETCH(Mutation, mutate);
        QFETCH(int, rollout);
        QFETCH(QString, text);
        Recorded r;
        mutate(r);
        const auto s = derive(r);
        QCOMPARE(int(s.b.rollout), rollout);
        QCOMPARE(QString::fromStdString(s.b.rolloutText), text);
    }

    void podProblems_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<int>("health");
        QTest::newRow("crash loop") << Mutation([](Recorded& r) {
            forSlotPods(r, "uro-b-", [](json& p) {
                p["status"]["containerStatuses"][0]["state"] = {
                    {"waiting", {{"reason", "CrashLoopBackOff"}, {"message", "back-off 5m0s"}}}};
                p["status"]["containerStatuses"][0]["lastState"] = {{"terminated", {{"reason", "Error"}}}};
                p["status"]["containerStatuses"][0]["restartCount"] = 7;
                p["status"]["containerStatuses"][0]["ready"] = false;
            });
            (*findItem(r.deployments, "uro-b"))["status"]["readyReplicas"] = 0;
        }) << "CrashLoopBackOff (it keeps exiting, last with Error; 7 restarts)"
                                    << int(model::Health::Down);
        QTest::newRow("image pull")
            << Mutation([](Recorded& r) {
                   forSlotPods(r, "uro-b-", [](json& p) {
                       p["status"]["containerStatuses"][0]["state"] = {{"waiting", {{"reason", "ImagePullBackOff"}}}};
                   });
               })
            << "ImagePullBackOff (the image ghcr.io/v-sekai/uro:c41e7a90d2f35b6e8a1c4d7f0b2e5a8c1d4f7a0b cannot be "
               "pulled"
            << int(model::Health::Degraded);
        QTest::newRow("pending") << Mutation([](Recorded& r) {
            forSlotPods(r, "uro-b-", [](json& p) { p["status"] = {{"phase", "Pending"}}; });
        }) << "2 pods are Pending"
                                 << int(model::Health::Down); // no pod ready, whatever the stale status says
        QTest::newRow("not ready") << Mutation([](Recorded& r) {
            bool first = true;
            forSlotPods(r, "uro-b-", [&first](json& p) {
                if (!first)
                    return;
                first = false;
                for (auto& c : p["status"]["conditions"])
                    if (c["type"] == "Ready")
                        c["status"] = "False";
            });
            (*findItem(r.deployments, "uro-b"))["status"]["readyReplicas"] = 1;
        }) << "1 pod runs but is not ready"
                                   << int(model::Health::Degraded);
        QTest::newRow("restarts") << Mutation([](Recorded& r) {
            forSlotPods(r, "uro-b-", [](json& p) { p["status"]["containerStatuses"][0]["restartCount"] = 2; });
        }) << "4 container restarts"
                                  << int(model::Health::Degraded);
    }

    void podProblems()
    {
        QFETCH(Mutation, mutate);
        QFETCH(QString, problem);
        QFETCH(int, health);
        Recorded r;
        mutate(r);
        const auto s = derive(r);
        QVERIFY(!s.b.problems.empty());
        QVERIFY2(QString::fromStdString(s.b.problems.front()).contains(problem), s.b.problems.front().c_str());
        QCOMPARE(int(s.b.health), health);
        QVERIFY2(hasAnomaly(s, Sev::Warning, QStringLiteral("Staging (slot B): ")), qPrintable(describeAnomalies(s)));
        QCOMPARE(s.badge, model::Badge::Attention);
        QVERIFY(s.a.problems.empty());
    }

    void anomalies_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<int>("severity");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("badge");
        QTest::newRow("both Services on one slot") << Mutation([](Recorded& r) {
            (*findItem(r.services, "uro-staging"))["spec"]["selector"]["signalbox.v-sekai.org/slot"] = "a";
        }) << int(Sev::Critical) << "Live and staging both point at slot A"
                                                   << int(model::Badge::Attention);
        QTest::newRow("live selects no slot") << Mutation([](Recorded& r) {
            (*findItem(r.services, "uro"))["spec"]["selector"]["signalbox.v-sekai.org/slot"] = "c";
        }) << int(Sev::Critical) << "selects neither slot"
                                              << int(model::Badge::Attention);
        QTest::newRow("live selects two slots") << Mutation([](Recorded& r) {
            (*findItem(r.services, "uro"))["spec"]["selector"].erase("signalbox.v-sekai.org/slot");
        }) << int(Sev::Critical) << "selects the pods of both slots"
                                                << int(model::Badge::Attention);
        QTest::newRow("slot missing") << Mutation([](Recorded& r) {
            auto& items = r.deployments["items"];
            items.erase(std::remove_if(items.begin(), items.end(),
                                       [](const json& d) { return d["metadata"]["name"] == "uro-b"; }),
                        items.end());
        }) << int(Sev::Critical) << "Slot B (Deployment uro-b in namespace uro) does not exist"
                                      << int(model::Badge::Attention);
        QTest::newRow("live Service missing") << Mutation([](Recorded& r) {
            auto& items = r.services["items"];
            items.erase(std::remove_if(items.begin(), items.end(),
                                       [](const json& d) { return d["metadata"]["name"] == "uro"; }),
                        items.end());
        }) << int(Sev::Critical) << "The live Service uro does not exist"
                                              << int(model::Badge::Attention);
        QTest::newRow("live not ready") << Mutation([](Recorded& r) {
            (*findItem(r.deployments, "uro-a"))["status"]["readyReplicas"] = 0;
        }) << int(Sev::Critical) << "Live (slot A) has 0 of 2 pods ready: users get errors."
                                        << int(model::Badge::Attention);
        QTest::newRow("live partly ready")
            << Mutation([](Recorded& r) { (*findItem(r.deployments, "uro-a"))["status"]["readyReplicas"] = 1; })
            << int(Sev::Warning) << "Live (slot A) has 1 of 2 pods ready." << int(model::Badge::Attention);
        QTest::newRow("staging rolling out")
            << Mutation([](Recorded& r) { (*findItem(r.deployments, "uro-b"))["status"]["updatedReplicas"] = 1; }) << -1
            << "" << int(model::Badge::RollingOut);
        QTest::newRow("staging equals live") << Mutation([](Recorded& r) {
            auto& b = *findItem(r.deployments, "uro-b");
            b["spec"]["template"]["spec"]["containers"][0]["image"] =
                (*findItem(r.deployments, "uro-a"))["spec"]["template"]["spec"]["containers"][0]["image"];
        }) << -1 << "" << int(model::Badge::InSync);
    }

    void anomalies()
    {
        QFETCH(Mutation, mutate);
        QFETCH(int, severity);
        QFETCH(QString, text);
        QFETCH(int, badge);
        Recorded r;
        mutate(r);
        const auto s = derive(r);
        if (severity >= 0)
            QVERIFY2(hasAnomaly(s, Sev(severity), text), qPrintable(describeAnomalies(s)));
        QCOMPARE(int(s.badge), badge);
        if (badge == int(model::Badge::Attention))
            QVERIFY2(QString::fromStdString(s.badgeText).contains(text), s.badgeText.c_str());
    }

    void recentWarningEventsOnly()
    {
        Recorded r;
        const QDateTime now = r.now();
        std::string podName;
        forSlotPods(r, "uro-b-", [&podName](json& p) { podName = p["metadata"]["name"]; });
        auto event = [&](const char* name, const char* type, qint64 ageSeconds) {
            return json{{"metadata", {{"name", name}, {"namespace", "uro"}}},
                        {"type", type},
                        {"reason", std::string("R-") + name},
                        {"message", "m"},
                        {"involvedObject", {{"kind", "Pod"}, {"name", podName}, {"namespace", "uro"}}},
                        {"lastTimestamp", now.addSecs(-ageSeconds).toString(Qt::ISODate).toStdString()}};
        };
        r.events["items"].push_back(event("old", "Warning", 7200));
        r.events["items"].push_back(event("newer", "Warning", 10));
        r.events["items"].push_back(event("new", "Warning", 60));
        r.events["items"].push_back(event("normal", "Normal", 5));
        const auto s = derive(r);
        QCOMPARE(s.b.warnings.size(), std::size_t(2));
        QCOMPARE(s.b.warnings[0].reason, std::string("R-newer"));
        QCOMPARE(s.b.warnings[1].reason, std::string("R-new"));
        QVERIFY(s.a.warnings.empty());
        QCOMPARE(s.b.health, model::Health::Degraded);
    }

    void warningsOfTheDeploymentAndItsReplicaSets()
    {
        Recorded r;
        const QDateTime now = r.now();
        std::string rsName;
        for (const auto& rs : r.replicaSets["items"])
            if (rs["metadata"]["name"].get<std::string>().rfind("uro-b-", 0) == 0)
                rsName = rs["metadata"]["name"];
        QVERIFY(!rsName.empty());
        auto event = [&](const char* name, const char* kind, const std::string& object, int count, qint64 age) {
            return json{{"metadata", {{"name", name}, {"namespace", "uro"}}},
                        {"type", "Warning"},
                        {"reason", name},
                        {"message", std::string("message of ") + name},
                        {"count", count},
                        {"involvedObject", {{"kind", kind}, {"name", object}, {"namespace", "uro"}}},
                        {"lastTimestamp", now.addSecs(-age).toString(Qt::ISODate).toStdString()}};
        };
        r.events["items"].push_back(event("FailedCreate", "ReplicaSet", rsName, 3, 30));
        r.events["items"].push_back(event("ProgressDeadline", "Deployment", "uro-b", 1, 200));
        r.events["items"].push_back(event("Elsewhere", "Deployment", "uro-other", 1, 5));
        const auto s = derive(r);
        QCOMPARE(s.b.warnings.size(), std::size_t(2));
        QCOMPARE(s.b.warnings[0].reason, std::string("FailedCreate"));
        QCOMPARE(s.b.warnings[1].reason, std::string("ProgressDeadline"));
        QCOMPARE(model::eventLine(s.b.warnings[0], now), std::string("message of FailedCreate \xc3\x97"
                                                                     "3, 30 s ago"));
        QCOMPARE(model::eventLine(s.b.warnings[1], now), std::string("message of ProgressDeadline, 3 min ago"));
    }

    void podRowsOfASlot()
    {
        Recorded r;
        const QDateTime now = r.now();
        forSlotPods(r, "uro-b-", [&](json& p) {
            p["spec"]["nodeName"] = "kwok-node-1";
            p["status"]["startTime"] = now.addSecs(-7200).toString(Qt::ISODate).toStdString();
            auto& c = p["status"]["containerStatuses"][0];
            c["restartCount"] = 14;
            c["lastState"] = {{"terminated",
                               {{"reason", "OOMKilled"},
                                {"exitCode", 137},
                                {"finishedAt", now.addSecs(-240).toString(Qt::ISODate).toStdString()}}}};
        });
        std::string eventPod;
        forSlotPods(r, "uro-b-", [&eventPod](json& p) { eventPod = p["metadata"]["name"]; });
        r.events["items"].push_back(
            json{{"metadata", {{"name", "e"}, {"namespace", "uro"}}},
                 {"type", "Normal"},
                 {"reason", "Pulled"},
                 {"message", "pulled"},
                 {"involvedObject", {{"kind", "Pod"}, {"name", eventPod}, {"namespace", "uro"}}},
                 {"lastTimestamp", now.addSecs(-5).toString(Qt::ISODate).toStdString()}});
        const auto s = derive(r);
        QVERIFY(!s.b.podRows.empty());
        QCOMPARE(s.b.podSelector.empty(), false);
        for (const model::PodRow& row : s.b.podRows) {
            QVERIFY(row.name.rfind("uro-b-", 0) == 0);
            QCOMPARE(row.shortName, row.name.substr(6));
            QCOMPARE(row.restarts, 14);
            QCOMPARE(row.node, std::string("kwok-node-1"));
            QCOMPARE(model::lastTerminationText(row, now), std::string("OOMKilled, exit 137, 4 min ago"));
            const std::string line = model::podRowLine(row, now);
            QVERIFY2(line.find("14 restarts  last: OOMKilled, exit 137, 4 min ago  age 2 h  kwok-node-1") !=
                         std::string::npos,
                     line.c_str());
            // The pod's own events, newest first: the recorded ones are older than this one.
            const bool pulled = !row.events.empty() && row.events.front().reason == "Pulled";
            QCOMPARE(pulled, row.name == eventPod);
        }
        for (const model::PodRow& row : s.a.podRows) {
            QVERIFY(row.name.rfind("uro-a-", 0) == 0);
            QVERIFY(row.lastReason.empty());
            QVERIFY(model::lastTerminationText(row, now).empty());
        }
    }

    void digestPinnedImageKeepsItsTag()
    {
        Recorded r;
        auto& tmpl = (*findItem(r.deployments, "uro-b"))["spec"]["template"];
        const std::string digest = "sha256:" + std::string(64, 'a');
        tmpl["spec"]["containers"][0]["image"] = "ghcr.io/v-sekai/uro@" + digest;
        tmpl["metadata"]["annotations"] = {{"signalbox.v-sekai.org/image-tag", "release-7"}};
        const auto s = derive(r);
        QCOMPARE(s.b.imageRef.digest, digest);
        QCOMPARE(s.b.tag, std::string("release-7"));
        QCOMPARE(s.b.imageDisplay(), std::string("release-7"));
        QCOMPARE(s.b.commit, std::string()); // no revision annotation, and the tag names no commit
    }

    void commitFromTheTag()
    {
        Recorded r;
        auto& tmpl = (*findItem(r.deployments, "uro-b"))["spec"]["template"];
        tmpl["metadata"].erase("annotations");
        tmpl["spec"]["containers"][0]["image"] = "docker.io/groupsinfra/uro:docker-uro_8d3c2f41.5";
        const auto s = derive(r);
        QCOMPARE(s.b.commit, std::string("8d3c2f41"));
        QCOMPARE(s.b.imageRef.repository, std::string("groupsinfra/uro"));
    }
};

QTEST_APPLESS_MAIN(TestServiceState)
#include "tst_servicestate.moc"
