// The typed views of kube/objects.h on objects recorded from the local control plane
// (tests/data/objects), on hand-written objects of the same shape for states it does not reach
// (CrashLoopBackOff, ImagePullBackOff, unschedulable, ProgressDeadlineExceeded), and on fields of
// the wrong type, which must give an Error naming the object and the field.
#include "kube/objects.h"
#include "support/testsupport.h"

#include <QFile>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTest>
#include <functional>
#include <map>
#include <optional>
#include <string>

using kube::Error;
using kube::Labels;
using nlohmann::json;

namespace {

QString q(const std::string& text)
{
    return QString::fromStdString(text);
}

QStringList keys(const Labels& labels)
{
    QStringList out;
    for (const auto& [k, v] : labels)
        out << q(k);
    return out;
}

// A discarded value when the file is missing or not JSON; callers check with LOAD.
json loadObject(const QString& name)
{
    QFile file(testsupport::testDataDir() + QStringLiteral("/objects/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return json(json::value_t::discarded);
    return json::parse(file.readAll().toStdString(), nullptr, false);
}

#define LOAD(var, file)                                                                                                \
    const json var = loadObject(QStringLiteral(file));                                                                 \
    QVERIFY2(!var.is_discarded(), "cannot read or parse tests/data/objects/" file)

#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().message.c_str())

template <typename T> std::optional<Error> errorOf(const kube::Result<T>& result)
{
    return result ? std::nullopt : std::optional<Error>(result.error());
}

using Parser = std::function<std::optional<Error>(const json&)>;

const std::map<QString, Parser>& parsers()
{
    static const std::map<QString, Parser> all = {
        {QStringLiteral("object"), [](const json& j) { return errorOf(kube::parseMeta(j)); }},
        {QStringLiteral("Deployment"), [](const json& j) { return errorOf(kube::parseDeployment(j)); }},
        {QStringLiteral("ReplicaSet"), [](const json& j) { return errorOf(kube::parseReplicaSet(j)); }},
        {QStringLiteral("Pod"), [](const json& j) { return errorOf(kube::parsePod(j)); }},
        {QStringLiteral("Service"), [](const json& j) { return errorOf(kube::parseService(j)); }},
        {QStringLiteral("EndpointSlice"), [](const json& j) { return errorOf(kube::parseEndpointSlice(j)); }},
        {QStringLiteral("Event"), [](const json& j) { return errorOf(kube::parseEvent(j)); }},
    };
    return all;
}

QString recordedFileOf(const QString& kind)
{
    static const std::map<QString, QString> files = {
        {QStringLiteral("object"), QStringLiteral("pod-uro-a-running.json")},
        {QStringLiteral("Deployment"), QStringLiteral("deployment-uro-a.json")},
        {QStringLiteral("ReplicaSet"), QStringLiteral("replicaset-uro-a.json")},
        {QStringLiteral("Pod"), QStringLiteral("pod-uro-a-running.json")},
        {QStringLiteral("Service"), QStringLiteral("service-uro.json")},
        {QStringLiteral("EndpointSlice"), QStringLiteral("endpointslice-uro.json")},
        {QStringLiteral("Event"), QStringLiteral("event-scaling-uro-a.json")},
    };
    const auto it = files.find(kind);
    return it == files.end() ? QString() : it->second;
}

const QString kUroImage = QStringLiteral("ghcr.io/v-sekai/uro:8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3");
const QString kBrokenImage = QStringLiteral("ghcr.io/v-sekai/uro:0badc0de5eed1234567890abcdef1234567890ab");

} // namespace

class TestObjects : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recordedObjectsParse_data();
    void recordedObjectsParse();
    void deployment();
    void progressDeadlineExceeded();
    void replicaSet();
    void runningPod();
    void crashLoopBackOffPod();
    void imagePullBackOffPod();
    void pendingPodHasNoIp();
    void podRestartsAndReady_data();
    void podRestartsAndReady();
    void service();
    void endpointSlice();
    void event_data();
    void event();
    void missingFieldsTakeDefaults();
    void nullMeansAbsent();
    void endpointConditionDefaults_data();
    void endpointConditionDefaults();
    void eventTimestampFallback_data();
    void eventTimestampFallback();
    void wrongTypes_data();
    void wrongTypes();
    void notAnObject_data();
    void notAnObject();
    void selectorMatches_data();
    void selectorMatches();
    void selectorsOnRecordedObjects();
    void listEntriesMustBeObjects();
    void numbersBeyond64BitsAreRejected();
};

void TestObjects::recordedObjectsParse_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("file");

    const std::pair<const char*, const char*> rows[] = {
        {"Deployment", "deployment-uro-a.json"},     {"Deployment", "deployment-progress-deadline-exceeded.json"},
        {"ReplicaSet", "replicaset-uro-a.json"},     {"Pod", "pod-uro-a-running.json"},
        {"Pod", "pod-crashloopbackoff.json"},        {"Pod", "pod-imagepullbackoff.json"},
        {"Pod", "pod-pending-unschedulable.json"},   {"Service", "service-uro.json"},
        {"EndpointSlice", "endpointslice-uro.json"}, {"Event", "event-scaling-uro-a.json"},
        {"Event", "event-scheduled-pod.json"},       {"object", "service-uro.json"},
    };
    for (const auto& [kind, file] : rows)
        QTest::addRow("%s %s", kind, file) << QString::fromLatin1(kind) << QString::fromLatin1(file);
}

// Every good file parses, and its kind field says what the row claims, so a mislabelled file is caught here.
void TestObjects::recordedObjectsParse()
{
    QFETCH(QString, kind);
    QFETCH(QString, file);

    const json j = loadObject(file);
    QVERIFY2(!j.is_discarded(), qPrintable(file));
    if (kind != QLatin1String("object"))
        QCOMPARE(q(j.value("kind", "")), kind);
    const std::optional<Error> error = parsers().at(kind)(j);
    QVERIFY2(!error, error ? error->message.c_str() : "");
}

void TestObjects::deployment()
{
    LOAD(j, "deployment-uro-a.json");
    const auto d = kube::parseDeployment(j);
    REQUIRE_OK(d);

    QCOMPARE(q(d->meta.name), QStringLiteral("uro-a"));
    QCOMPARE(q(d->meta.ns), QStringLiteral("uro"));
    QCOMPARE(q(d->meta.uid), QStringLiteral("cdec4d9a-01ec-41e8-adf8-17cc340d8c6e"));
    QCOMPARE(q(d->meta.resourceVersion), QStringLiteral("462"));
    QCOMPARE(d->meta.generation, std::int64_t(2));
    QCOMPARE(q(d->meta.creationTimestamp), QStringLiteral("2026-11-27T02:32:13Z"));
    QVERIFY(d->meta.deletionTimestamp.empty());
    QCOMPARE(q(d->meta.label("signalbox.v-sekai.org/slot")), QStringLiteral("a"));
    QCOMPARE(q(d->meta.label("signalbox.v-sekai.org/group")), QStringLiteral("uro"));
    QCOMPARE(d->meta.labels.size(), std::size_t(4));
    QVERIFY(d->meta.label("no-such-label").empty());
    QCOMPARE(q(d->meta.annotation("deployment.kubernetes.io/revision")), QStringLiteral("1"));
    QVERIFY(d->meta.ownerReferences.empty());

    QCOMPARE(d->replicas, 2);
    QCOMPARE(keys(d->selector),
             (QStringList{QStringLiteral("app.kubernetes.io/name"), QStringLiteral("signalbox.v-sekai.org/slot")}));
    QCOMPARE(q(d->selector.at("signalbox.v-sekai.org/slot")), QStringLiteral("a"));
    QCOMPARE(d->podTemplate.labels.size(), std::size_t(3));
    QCOMPARE(q(d->podTemplate.labels.at("signalbox.v-sekai.org/service")), QStringLiteral("uro"));
    QCOMPARE(q(d->podTemplate.annotations.at("org.opencontainers.image.source")),
             QStringLiteral("https://github.com/v-sekai/uro"));
    QCOMPARE(d->podTemplate.containers.size(), std::size_t(1));
    QCOMPARE(q(d->podTemplate.containers[0].name), QStringLiteral("uro"));
    QCOMPARE(q(d->podTemplate.containers[0].image), kUroImage);
    QCOMPARE(d->progressDeadlineSeconds, 600);
    QCOMPARE(d->paused, false);

    QCOMPARE(d->observedGeneration, std::int64_t(2));
    QCOMPARE(d->statusReplicas, 2);
    QCOMPARE(d->updatedReplicas, 2);
    QCOMPARE(d->readyReplicas, 2);
    QCOMPARE(d->availableReplicas, 2);
    QCOMPARE(d->unavailableReplicas, 0); // absent in the recording
    QCOMPARE(d->conditions.size(), std::size_t(2));
    const kube::Condition* progressing = d->condition("Progressing");
    QVERIFY(progressing);
    QCOMPARE(q(progressing->status), QStringLiteral("True"));
    QCOMPARE(q(progressing->reason), QStringLiteral("NewReplicaSetAvailable"));
    QCOMPARE(q(progressing->message), QStringLiteral("ReplicaSet \"uro-a-ffb6f79c6\" has successfully progressed."));
    QCOMPARE(q(progressing->lastTransitionTime), QStringLiteral("2026-11-27T02:32:13Z"));
    QCOMPARE(q(progressing->lastUpdateTime), QStringLiteral("2026-11-27T02:32:19Z"));
    QCOMPARE(q(d->condition("Available")->reason), QStringLiteral("MinimumReplicasAvailable"));
    QVERIFY(!d->condition("ReplicaFailure"));
}

void TestObjects::progressDeadlineExceeded()
{
    LOAD(j, "deployment-progress-deadline-exceeded.json");
    const auto d = kube::parseDeployment(j);
    REQUIRE_OK(d);

    QCOMPARE(q(d->meta.name), QStringLiteral("uro-b"));
    QCOMPARE(d->meta.generation, std::int64_t(3));
    QCOMPARE(d->observedGeneration, std::int64_t(3));
    QCOMPARE(d->progressDeadlineSeconds, 120);
    QCOMPARE(d->replicas, 2);
    QCOMPARE(d->statusReplicas, 3);
    QCOMPARE(d->updatedReplicas, 1);
    QCOMPARE(d->readyReplicas, 2);
    QCOMPARE(d->availableReplicas, 2);
    QCOMPARE(d->unavailableReplicas, 1);
    QCOMPARE(q(d->podTemplate.containers.at(0).image), kBrokenImage);

    const kube::Condition* progressing = d->condition("Progressing");
    QVERIFY(progressing);
    QCOMPARE(q(progressing->status), QStringLiteral("False"));
    QCOMPARE(q(progressing->reason), QStringLiteral("ProgressDeadlineExceeded"));
    QCOMPARE(q(progressing->message), QStringLiteral("ReplicaSet \"uro-b-7d9f8c6b54\" has timed out progressing."));
    QCOMPARE(q(d->condition("Available")->status), QStringLiteral("True"));
}

void TestObjects::replicaSet()
{
    LOAD(j, "replicaset-uro-a.json");
    const auto rs = kube::parseReplicaSet(j);
    REQUIRE_OK(rs);

    QCOMPARE(q(rs->meta.name), QStringLiteral("uro-a-ffb6f79c6"));
    QCOMPARE(q(rs->meta.ns), QStringLiteral("uro"));
    QCOMPARE(q(rs->meta.label("pod-template-hash")), QStringLiteral("ffb6f79c6"));
    QCOMPARE(q(rs->meta.annotation("deployment.kubernetes.io/revision")), QStringLiteral("1"));
    QCOMPARE(q(rs->meta.annotation("deployment.kubernetes.io/max-replicas")), QStringLiteral("3"));
    QCOMPARE(rs->meta.ownerReferences.size(), std::size_t(1));
    const kube::OwnerReference& owner = rs->meta.ownerReferences[0];
    QCOMPARE(q(owner.kind), QStringLiteral("Deployment"));
    QCOMPARE(q(owner.name), QStringLiteral("uro-a"));
    QCOMPARE(q(owner.uid), QStringLiteral("cdec4d9a-01ec-41e8-adf8-17cc340d8c6e"));
    QCOMPARE(owner.controller, true);

    QCOMPARE(rs->replicas, 2);
    QCOMPARE(q(rs->podTemplate.labels.at("pod-template-hash")), QStringLiteral("ffb6f79c6"));
    QCOMPARE(rs->podTemplate.containers.size(), std::size_t(1));
    QCOMPARE(q(rs->podTemplate.containers[0].image), kUroImage);
    QCOMPARE(rs->statusReplicas, 2);
    QCOMPARE(rs->readyReplicas, 2);
    QCOMPARE(rs->availableReplicas, 2);
}

void TestObjects::runningPod()
{
    LOAD(j, "pod-uro-a-running.json");
    const auto p = kube::parsePod(j);
    REQUIRE_OK(p);

    QCOMPARE(q(p->meta.name), QStringLiteral("uro-a-ffb6f79c6-4l4ds"));
    QCOMPARE(q(p->meta.ns), QStringLiteral("uro"));
    QCOMPARE(q(p->meta.uid), QStringLiteral("37aee5c9-3ffb-4a37-8730-9ec7b1f6bed3"));
    QCOMPARE(q(p->meta.ownerReferences.at(0).kind), QStringLiteral("ReplicaSet"));
    QCOMPARE(q(p->meta.ownerReferences.at(0).name), QStringLiteral("uro-a-ffb6f79c6"));
    QCOMPARE(q(p->nodeName), QStringLiteral("kwok-node-0"));
    QCOMPARE(q(p->phase), QStringLiteral("Running"));
    QCOMPARE(q(p->podIP), QStringLiteral("10.244.0.6"));
    QVERIFY(p->reason.empty());
    QCOMPARE(p->conditions.size(), std::size_t(4));
    QVERIFY(p->ready());
    QCOMPARE(p->restarts(), 0);

    QCOMPARE(p->containerStatuses.size(), std::size_t(1));
    const kube::ContainerStatus& c = p->containerStatuses[0];
    QCOMPARE(q(c.name), QStringLiteral("uro"));
    QCOMPARE(q(c.image), kUroImage);
    QVERIFY(c.imageID.empty());
    QCOMPARE(c.ready, true);
    QCOMPARE(c.started, true);
    QCOMPARE(c.restartCount, 0);
    QVERIFY(c.waitingReason.empty());
    QVERIFY(c.waitingMessage.empty());
    QVERIFY(c.terminatedReason.empty());
    QVERIFY(c.lastTerminatedReason.empty());
    QVERIFY(c.lastFinishedAt.empty());
    QVERIFY(!c.runningSince.empty());
}

void TestObjects::crashLoopBackOffPod()
{
    LOAD(j, "pod-crashloopbackoff.json");
    const auto p = kube::parsePod(j);
    REQUIRE_OK(p);

    QCOMPARE(q(p->meta.name), QStringLiteral("uro-b-7d9f8c6b54-x2kqp"));
    QCOMPARE(q(p->phase), QStringLiteral("Running"));
    QCOMPARE(q(p->podIP), QStringLiteral("10.244.0.12"));
    QCOMPARE(q(p->nodeName), QStringLiteral("kwok-node-1"));
    QVERIFY(!p->ready());
    QCOMPARE(p->restarts(), 8);

    QCOMPARE(p->containerStatuses.size(), std::size_t(2));
    const kube::ContainerStatus& sidecar = p->containerStatuses[0];
    QCOMPARE(q(sidecar.name), QStringLiteral("log-shipper"));
    QCOMPARE(sidecar.ready, true);
    QCOMPARE(sidecar.restartCount, 1);
    QVERIFY(sidecar.waitingReason.empty());
    QCOMPARE(q(sidecar.lastTerminatedReason), QStringLiteral("OOMKilled"));

    const kube::ContainerStatus& app = p->containerStatuses[1];
    QCOMPARE(q(app.name), QStringLiteral("uro"));
    QCOMPARE(q(app.image), kBrokenImage);
    QVERIFY(q(app.imageID).startsWith(QStringLiteral("ghcr.io/v-sekai/uro@sha256:")));
    QCOMPARE(app.ready, false);
    QCOMPARE(app.started, false);
    QCOMPARE(app.restartCount, 7);
    QCOMPARE(q(app.waitingReason), QStringLiteral("CrashLoopBackOff"));
    QVERIFY(q(app.waitingMessage).startsWith(QStringLiteral("back-off 5m0s restarting failed container=uro")));
    QVERIFY(app.terminatedReason.empty()); // the current state is waiting, not terminated
    QCOMPARE(q(app.lastTerminatedReason), QStringLiteral("Error"));
    QCOMPARE(app.lastExitCode, 1);
    QCOMPARE(q(app.lastFinishedAt), QStringLiteral("2026-11-27T03:14:27Z"));
    QCOMPARE(sidecar.lastExitCode, 137);
    QCOMPARE(q(p->startTime), QStringLiteral("2026-11-27T03:01:02Z"));
}

void TestObjects::imagePullBackOffPod()
{
    LOAD(j, "pod-imagepullbackoff.json");
    const auto p = kube::parsePod(j);
    REQUIRE_OK(p);

    QCOMPARE(q(p->phase), QStringLiteral("Pending"));
    QCOMPARE(q(p->podIP), QStringLiteral("10.244.0.14"));
    QVERIFY(!p->ready());
    QCOMPARE(p->restarts(), 0);
    QCOMPARE(p->containerStatuses.size(), std::size_t(1));
    const kube::ContainerStatus& c = p->containerStatuses[0];
    QCOMPARE(q(c.image), QStringLiteral("ghcr.io/v-sekai/uro:does-not-exist"));
    QCOMPARE(q(c.waitingReason), QStringLiteral("ImagePullBackOff"));
    QCOMPARE(q(c.waitingMessage), QStringLiteral("Back-off pulling image \"ghcr.io/v-sekai/uro:does-not-exist\""));
    QVERIFY(c.lastTerminatedReason.empty());
    QCOMPARE(c.started, false);
}

void TestObjects::pendingPodHasNoIp()
{
    LOAD(j, "pod-pending-unschedulable.json");
    QVERIFY(!j["status"].contains("podIP")); // the point of this file
    const auto p = kube::parsePod(j);
    REQUIRE_OK(p);

    QCOMPARE(q(p->phase), QStringLiteral("Pending"));
    QVERIFY(p->podIP.empty());
    QVERIFY(p->nodeName.empty());
    QVERIFY(p->containerStatuses.empty());
    QCOMPARE(p->restarts(), 0);
    QVERIFY(!p->ready());
    QCOMPARE(p->conditions.size(), std::size_t(1));
    QCOMPARE(q(p->conditions[0].type), QStringLiteral("PodScheduled"));
    QCOMPARE(q(p->conditions[0].status), QStringLiteral("False"));
    QCOMPARE(q(p->conditions[0].reason), QStringLiteral("Unschedulable"));
    QVERIFY(q(p->conditions[0].message).startsWith(QStringLiteral("0/3 nodes are available: 3 Insufficient cpu.")));
}

void TestObjects::podRestartsAndReady_data()
{
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<int>("restarts");
    QTest::addColumn<bool>("ready");

    // clang-format off
    QTest::newRow("no status") << QByteArray("{}") << 0 << false;
    QTest::newRow("Ready True") << QByteArray(R"({"conditions": [{"type": "Ready", "status": "True"}]})") << 0 << true;
    QTest::newRow("Ready False") << QByteArray(R"({"conditions": [{"type": "Ready", "status": "False"}]})") << 0
                                 << false;
    QTest::newRow("Ready Unknown") << QByteArray(R"({"conditions": [{"type": "Ready", "status": "Unknown"}]})") << 0
                                   << false;
    QTest::newRow("only ContainersReady")
        << QByteArray(R"({"conditions": [{"type": "ContainersReady", "status": "True"}]})") << 0 << false;
    QTest::newRow("restarts summed")
        << QByteArray(R"({"containerStatuses": [{"restartCount": 3}, {"restartCount": 4}, {}]})") << 7 << false;
    // clang-format on
}

void TestObjects::podRestartsAndReady()
{
    QFETCH(QByteArray, status);
    QFETCH(int, restarts);
    QFETCH(bool, ready);

    const json j = {{"metadata", {{"name", "p"}}}, {"status", json::parse(status.toStdString())}};
    const auto p = kube::parsePod(j);
    REQUIRE_OK(p);
    QCOMPARE(p->restarts(), restarts);
    QCOMPARE(p->ready(), ready);
}

void TestObjects::service()
{
    LOAD(j, "service-uro.json");
    const auto s = kube::parseService(j);
    REQUIRE_OK(s);

    QCOMPARE(q(s->meta.name), QStringLiteral("uro"));
    QCOMPARE(q(s->meta.ns), QStringLiteral("uro"));
    QCOMPARE(q(s->meta.label("signalbox.v-sekai.org/role")), QStringLiteral("live"));
    QCOMPARE(q(s->type), QStringLiteral("ClusterIP"));
    QCOMPARE(q(s->clusterIP), QStringLiteral("10.96.115.222"));
    QCOMPARE(keys(s->selector),
             (QStringList{QStringLiteral("app.kubernetes.io/name"), QStringLiteral("signalbox.v-sekai.org/slot")}));
    QCOMPARE(q(s->selector.at("signalbox.v-sekai.org/slot")), QStringLiteral("a"));
    QCOMPARE(s->ports.size(), std::size_t(1));
    QCOMPARE(q(s->ports[0].name), QStringLiteral("http"));
    QCOMPARE(s->ports[0].port, 4000);
    QCOMPARE(q(s->ports[0].targetPort), QStringLiteral("http"));
    QCOMPARE(q(s->ports[0].protocol), QStringLiteral("TCP"));
}

void TestObjects::endpointSlice()
{
    LOAD(j, "endpointslice-uro.json");
    const auto s = kube::parseEndpointSlice(j);
    REQUIRE_OK(s);

    QCOMPARE(q(s->meta.name), QStringLiteral("uro-wbk6g"));
    QCOMPARE(q(s->meta.ownerReferences.at(0).kind), QStringLiteral("Service"));
    QCOMPARE(q(s->serviceName), QStringLiteral("uro"));
    QCOMPARE(q(s->addressType), QStringLiteral("IPv4"));
    QCOMPARE(s->endpoints.size(), std::size_t(2));

    const kube::EndpointAddress& first = s->endpoints[0];
    QCOMPARE(first.addresses, std::vector<std::string>{"10.244.0.6"});
    QCOMPARE(first.ready, true);
    QCOMPARE(first.serving, true);
    QCOMPARE(first.terminating, false);
    QCOMPARE(q(first.nodeName), QStringLiteral("kwok-node-0"));
    QCOMPARE(q(first.targetKind), QStringLiteral("Pod"));
    QCOMPARE(q(first.targetName), QStringLiteral("uro-a-ffb6f79c6-4l4ds"));

    const kube::EndpointAddress& second = s->endpoints[1];
    QCOMPARE(second.addresses, std::vector<std::string>{"10.244.0.8"});
    QCOMPARE(q(second.nodeName), QStringLiteral("kwok-node-1"));
    QCOMPARE(q(second.targetName), QStringLiteral("uro-a-ffb6f79c6-btpb5"));
}

void TestObjects::event_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("involvedKind");
    QTest::addColumn<QString>("involvedName");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("lastTimestamp");

    // clang-format off
    QTest::newRow("deployment controller, lastTimestamp")
        << QStringLiteral("event-scaling-uro-a.json") << QStringLiteral("uro-a.18ebc623c68a3547")
        << QStringLiteral("ScalingReplicaSet") << QStringLiteral("Scaled up replica set uro-a-ffb6f79c6 from 0 to 2")
        << QStringLiteral("Deployment") << QStringLiteral("uro-a") << 1 << QStringLiteral("2026-11-27T02:32:13Z");
    // The scheduler writes events.k8s.io events: no count, no lastTimestamp, only eventTime.
    QTest::newRow("scheduler, eventTime only")
        << QStringLiteral("event-scheduled-pod.json") << QStringLiteral("uro-a-ffb6f79c6-4l4ds.18ebc623c6e68747")
        << QStringLiteral("Scheduled")
        << QStringLiteral("Successfully assigned uro/uro-a-ffb6f79c6-4l4ds to kwok-node-0")
        << QStringLiteral("Pod") << QStringLiteral("uro-a-ffb6f79c6-4l4ds") << 1
        << QStringLiteral("2026-11-27T02:32:13.400420Z");
    // clang-format on
}

void TestObjects::event()
{
    QFETCH(QString, file);
    QFETCH(QString, name);
    QFETCH(QString, reason);
    QFETCH(QString, message);
    QFETCH(QString, involvedKind);
    QFETCH(QString, involvedName);
    QFETCH(int, count);
    QFETCH(QString, lastTimestamp);

    const json j = loadObject(file);
    QVERIFY2(!j.is_discarded(), qPrintable(file));
    const auto e = kube::parseEvent(j);
    REQUIRE_OK(e);
    QCOMPARE(q(e->meta.name), name);
    QCOMPARE(q(e->meta.ns), QStringLiteral("uro"));
    QCOMPARE(q(e->type), QStringLiteral("Normal"));
    QCOMPARE(q(e->reason), reason);
    QCOMPARE(q(e->message), message);
    QCOMPARE(q(e->involvedKind), involvedKind);
    QCOMPARE(q(e->involvedName), involvedName);
    QCOMPARE(q(e->involvedNamespace), QStringLiteral("uro"));
    QCOMPARE(e->count, count);
    QCOMPARE(q(e->lastTimestamp), lastTimestamp);
}

// The API's defaults, for objects that leave everything out.
void TestObjects::missingFieldsTakeDefaults()
{
    const json empty = json::object();

    const auto meta = kube::parseMeta(empty);
    REQUIRE_OK(meta);
    QVERIFY(meta->name.empty());
    QCOMPARE(meta->generation, std::int64_t(0));
    QVERIFY(meta->labels.empty());
    QVERIFY(meta->annotations.empty());
    QVERIFY(meta->ownerReferences.empty());

    const auto d = kube::parseDeployment(empty);
    REQUIRE_OK(d);
    QCOMPARE(d->replicas, 1);
    QCOMPARE(d->progressDeadlineSeconds, 600);
    QCOMPARE(d->paused, false);
    QVERIFY(d->selector.empty());
    QVERIFY(d->podTemplate.containers.empty());
    QCOMPARE(d->observedGeneration, std::int64_t(0));
    QCOMPARE(d->statusReplicas, 0);
    QCOMPARE(d->readyReplicas, 0);
    QCOMPARE(d->availableReplicas, 0);
    QCOMPARE(d->unavailableReplicas, 0);
    QVERIFY(d->conditions.empty());
    QVERIFY(!d->condition("Progressing"));

    const auto rs = kube::parseReplicaSet(empty);
    REQUIRE_OK(rs);
    QCOMPARE(rs->replicas, 1);
    QCOMPARE(rs->readyReplicas, 0);

    const auto p = kube::parsePod(empty);
    REQUIRE_OK(p);
    QCOMPARE(q(p->phase), QStringLiteral("Pending"));
    QVERIFY(p->podIP.empty());
    QVERIFY(p->nodeName.empty());
    QVERIFY(p->containerStatuses.empty());

    // A container status with only a name: not ready, not started, no restarts, no reasons.
    const auto c = kube::parsePod(json::parse(R"({"status": {"containerStatuses": [{"name": "uro"}]}})"));
    REQUIRE_OK(c);
    const kube::ContainerStatus& cs = c->containerStatuses.at(0);
    QCOMPARE(cs.ready, false);
    QCOMPARE(cs.started, false);
    QCOMPARE(cs.restartCount, 0);
    QVERIFY(cs.waitingReason.empty() && cs.terminatedReason.empty() && cs.lastTerminatedReason.empty());

    const auto s = kube::parseService(empty);
    REQUIRE_OK(s);
    QCOMPARE(q(s->type), QStringLiteral("ClusterIP"));
    QVERIFY(s->selector.empty());
    QVERIFY(s->ports.empty());
    const auto port = kube::parseService(json::parse(R"({"spec": {"ports": [{"port": 80}]}})"));
    REQUIRE_OK(port);
    QCOMPARE(q(port->ports.at(0).protocol), QStringLiteral("TCP"));
    QVERIFY(port->ports.at(0).targetPort.empty());
    QVERIFY(port->ports.at(0).name.empty());

    const auto es = kube::parseEndpointSlice(empty);
    REQUIRE_OK(es);
    QVERIFY(es->serviceName.empty());
    QVERIFY(es->endpoints.empty());

    const auto e = kube::parseEvent(empty);
    REQUIRE_OK(e);
    QCOMPARE(q(e->type), QStringLiteral("Normal"));
    QCOMPARE(e->count, 1);
    QVERIFY(e->lastTimestamp.empty());
}

// JSON null is how the API writes an unset optional field; it must read as absent, not as a wrong type.
void TestObjects::nullMeansAbsent()
{
    const auto d = kube::parseDeployment(json::parse(
        R"({"metadata": {"labels": null, "deletionTimestamp": null},
            "spec": {"replicas": null, "selector": null, "template": {"spec": {"containers": null}}},
            "status": {"conditions": null, "readyReplicas": null}})"));
    REQUIRE_OK(d);
    QCOMPARE(d->replicas, 1);
    QVERIFY(d->meta.labels.empty());
    QVERIFY(d->selector.empty());
    QVERIFY(d->podTemplate.containers.empty());
    QVERIFY(d->conditions.empty());

    const auto e = kube::parseEvent(json::parse(R"({"count": null, "type": null})"));
    REQUIRE_OK(e);
    QCOMPARE(e->count, 1);
    QCOMPARE(q(e->type), QStringLiteral("Normal"));
}

void TestObjects::endpointConditionDefaults_data()
{
    QTest::addColumn<QByteArray>("conditions");
    QTest::addColumn<bool>("ready");
    QTest::addColumn<bool>("serving");
    QTest::addColumn<bool>("terminating");

    // clang-format off
    // discovery/v1: a nil ready means ready; serving, when absent, follows ready.
    QTest::newRow("absent") << QByteArray("null") << true << true << false;
    QTest::newRow("empty") << QByteArray("{}") << true << true << false;
    QTest::newRow("not ready") << QByteArray(R"({"ready": false})") << false << false << false;
    QTest::newRow("terminating, still serving")
        << QByteArray(R"({"ready": false, "serving": true, "terminating": true})") << false << true << true;
    QTest::newRow("ready null") << QByteArray(R"({"ready": null, "serving": false})") << true << false << false;
    // clang-format on
}

void TestObjects::endpointConditionDefaults()
{
    QFETCH(QByteArray, conditions);
    QFETCH(bool, ready);
    QFETCH(bool, serving);
    QFETCH(bool, terminating);

    json endpoint = {{"addresses", json::array({"10.0.0.1"})}};
    endpoint["conditions"] = json::parse(conditions.toStdString());
    const auto s = kube::parseEndpointSlice(json{{"endpoints", json::array({endpoint})}});
    REQUIRE_OK(s);
    QCOMPARE(s->endpoints.size(), std::size_t(1));
    QCOMPARE(s->endpoints[0].ready, ready);
    QCOMPARE(s->endpoints[0].serving, serving);
    QCOMPARE(s->endpoints[0].terminating, terminating);
}

void TestObjects::eventTimestampFallback_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QString>("expected");

    // clang-format off
    QTest::newRow("lastTimestamp wins")
        << QByteArray(R"({"lastTimestamp": "L", "eventTime": "E", "firstTimestamp": "F"})") << QStringLiteral("L");
    QTest::newRow("then eventTime")
        << QByteArray(R"({"lastTimestamp": null, "eventTime": "E", "firstTimestamp": "F"})") << QStringLiteral("E");
    QTest::newRow("empty lastTimestamp counts as absent")
        << QByteArray(R"({"lastTimestamp": "", "eventTime": "E"})") << QStringLiteral("E");
    QTest::newRow("then firstTimestamp")
        << QByteArray(R"({"eventTime": null, "firstTimestamp": "F"})") << QStringLiteral("F");
    QTest::newRow("then creationTimestamp")
        << QByteArray(R"({"metadata": {"creationTimestamp": "C"}})") << QStringLiteral("C");
    QTest::newRow("none") << QByteArray("{}") << QString();
    // clang-format on
}

void TestObjects::eventTimestampFallback()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, expected);

    const auto e = kube::parseEvent(json::parse(fields.toStdString()));
    REQUIRE_OK(e);
    QCOMPARE(q(e->lastTimestamp), expected);
}

void TestObjects::wrongTypes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("file");     // the object; empty: the recorded object of this kind
    QTest::addColumn<QString>("pointer");  // JSON pointer to replace in it; empty: none
    QTest::addColumn<QByteArray>("value"); // the replacement, as JSON
    QTest::addColumn<QString>("field");    // the path the Error must name
    QTest::addColumn<QString>("expected"); // what the Error says the field should be
    QTest::addColumn<QString>("object");   // namespace/name the Error must name; empty: none known

    const QString uroA = QStringLiteral("uro/uro-a");
    const QString uroPod = QStringLiteral("uro/uro-a-ffb6f79c6-4l4ds");
    const QString uroRs = QStringLiteral("uro/uro-a-ffb6f79c6");
    const QString uroSvc = QStringLiteral("uro/uro");
    const QString uroSlice = QStringLiteral("uro/uro-wbk6g");
    const QString uroEvent = QStringLiteral("uro/uro-a.18ebc623c68a3547");
    auto row = [](const char* name, const char* kind, const char* file, const char* pointer, const char* value,
                  const char* field, const char* expected, const QString& object) {
        QTest::newRow(name) << QString::fromLatin1(kind) << QString::fromLatin1(file) << QString::fromLatin1(pointer)
                            << QByteArray(value) << QString::fromLatin1(field) << QString::fromLatin1(expected)
                            << object;
    };

    // clang-format off
    // Hand-written files.
    row("file: replicas as a string", "Deployment", "wrong-deployment-replicas-string.json", "", "",
        "Deployment.spec.replicas", "a whole number, not string", uroA);
    row("file: labels as a list", "Pod", "wrong-pod-labels-list.json", "", "",
        "Pod.metadata.labels", "an object, not array", uroPod);
    row("file: containers as an object", "ReplicaSet", "wrong-replicaset-containers-object.json", "", "",
        "ReplicaSet.spec.template.spec.containers", "a list, not object", uroRs);
    row("file: port as a string", "Service", "wrong-service-port-string.json", "", "",
        "Service.spec.ports[0].port", "a whole number, not string", uroSvc);
    row("file: ready as a string", "EndpointSlice", "wrong-endpointslice-ready-string.json", "", "",
        "EndpointSlice.endpoints[1].conditions.ready", "true or false, not string", uroSlice);
    row("file: count as a fraction", "Event", "wrong-event-count-fraction.json", "", "",
        "Event.count", "a whole number, not number", uroEvent);

    // One field changed in a recorded object.
    row("replicas beyond 32 bits", "Deployment", "", "/spec/replicas", "4294967296",
        "Deployment.spec.replicas", "a 32-bit number", uroA);
    row("generation as a string", "Deployment", "", "/metadata/generation", R"("2")",
        "Deployment.metadata.generation", "a whole number, not string", uroA);
    row("matchLabels value as a number", "Deployment", "", "/spec/selector/matchLabels/app.kubernetes.io~1name", "7",
        "Deployment.spec.selector.matchLabels.app.kubernetes.io/name", "a string", uroA);
    row("selector as a list", "Deployment", "", "/spec/selector", R"(["app=uro"])",
        "Deployment.spec.selector", "an object, not array", uroA);
    row("paused as a string", "Deployment", "", "/spec/paused", R"("false")",
        "Deployment.spec.paused", "true or false, not string", uroA);
    row("container image as a list", "Deployment", "", "/spec/template/spec/containers/0/image", R"(["a"])",
        "Deployment.spec.template.spec.containers[0].image", "a string, not array", uroA);
    row("template labels as a string", "Deployment", "", "/spec/template/metadata/labels", R"("app=uro")",
        "Deployment.spec.template.metadata.labels", "an object, not string", uroA);
    row("conditions as a string", "Deployment", "", "/status/conditions", R"("Available")",
        "Deployment.status.conditions", "a list, not string", uroA);
    row("condition status as a bool", "Deployment", "", "/status/conditions/1/status", "true",
        "Deployment.status.conditions[1].status", "a string, not boolean", uroA);
    row("readyReplicas as a bool", "ReplicaSet", "", "/status/readyReplicas", "true",
        "ReplicaSet.status.readyReplicas", "a whole number, not boolean", uroRs);
    row("owner controller as a string", "ReplicaSet", "", "/metadata/ownerReferences/0/controller", R"("true")",
        "ReplicaSet.metadata.ownerReferences[0].controller", "true or false, not string", uroRs);
    row("status as a list", "Pod", "", "/status", "[]", "Pod.status", "an object, not array", uroPod);
    row("nodeName as a number", "Pod", "", "/spec/nodeName", "3", "Pod.spec.nodeName", "a string, not number", uroPod);
    row("restartCount as a string", "Pod", "", "/status/containerStatuses/0/restartCount", R"("0")",
        "Pod.status.containerStatuses[0].restartCount", "a whole number, not string", uroPod);
    row("container state as a string", "Pod", "", "/status/containerStatuses/0/state", R"("Running")",
        "Pod.status.containerStatuses[0].state", "an object, not string", uroPod);
    row("lastState.terminated as a list", "Pod", "pod-crashloopbackoff.json",
        "/status/containerStatuses/1/lastState/terminated", "[]",
        "Pod.status.containerStatuses[1].lastState.terminated", "an object, not array",
        QStringLiteral("uro/uro-b-7d9f8c6b54-x2kqp"));
    row("annotation value as an object", "Pod", "", "/metadata/annotations/org.opencontainers.image.source", "{}",
        "Pod.metadata.annotations.org.opencontainers.image.source", "a string", uroPod);
    row("targetPort as a fraction", "Service", "", "/spec/ports/0/targetPort", "80.5",
        "Service.spec.ports[0].targetPort", "a number or a string, not number", uroSvc);
    row("ports as an object", "Service", "", "/spec/ports", "{}", "Service.spec.ports", "a list, not object", uroSvc);
    row("service selector as a string", "Service", "", "/spec/selector", R"("app=uro")",
        "Service.spec.selector", "an object, not string", uroSvc);
    row("address as a number", "EndpointSlice", "", "/endpoints/0/addresses/0", "10",
        "EndpointSlice.endpoints[0].addresses[0]", "a string", uroSlice);
    row("addresses as a string", "EndpointSlice", "", "/endpoints/0/addresses", R"("10.244.0.6")",
        "EndpointSlice.endpoints[0].addresses", "a list, not string", uroSlice);
    row("targetRef as a string", "EndpointSlice", "", "/endpoints/0/targetRef", R"("Pod/x")",
        "EndpointSlice.endpoints[0].targetRef", "an object, not string", uroSlice);
    row("involvedObject name as a list", "Event", "", "/involvedObject/name", R"(["uro-a"])",
        "Event.involvedObject.name", "a string, not array", uroEvent);
    row("metadata as a list", "Event", "", "/metadata", "[]", "Event.metadata", "an object, not array", QString());
    row("parseMeta: labels as a number", "object", "", "/metadata/labels", "1",
        "object.metadata.labels", "an object, not number", uroPod);
    // clang-format on
}

void TestObjects::wrongTypes()
{
    QFETCH(QString, kind);
    QFETCH(QString, file);
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    QFETCH(QString, object);

    const QString source = file.isEmpty() ? recordedFileOf(kind) : file;
    json j = loadObject(source);
    QVERIFY2(!j.is_discarded(), qPrintable(source));
    if (!pointer.isEmpty()) {
        const json::json_pointer at(pointer.toStdString());
        // The parent must exist, so a misspelt path fails here instead of testing nothing.
        QVERIFY2(j.contains(at.parent_pointer()),
                 qPrintable(QStringLiteral("%1 has nothing at %2").arg(source, pointer)));
        j[at] = json::parse(value.toStdString());
    }

    const std::optional<Error> error = parsers().at(kind)(j);
    QVERIFY2(error, "a wrong type was accepted");
    QCOMPARE(error->kind, Error::Kind::Decode);
    QCOMPARE(q(error->detail), field);
    const QString message = q(error->message);
    QVERIFY2(message.startsWith(QStringLiteral("The API server sent a %1").arg(kind)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("field %1 is not %2").arg(field, expected)), qPrintable(message));
    if (object.isEmpty())
        QVERIFY2(!message.contains(u'('), qPrintable(message));
    else
        QVERIFY2(message.contains(QStringLiteral("(%1)").arg(object)), qPrintable(message));
}

void TestObjects::notAnObject_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("document");

    const char* kinds[] = {"object", "Deployment", "ReplicaSet", "Pod", "Service", "EndpointSlice", "Event"};
    const char* documents[] = {"[]", "null", "\"Deployment\"", "42", "true"};
    for (const char* kind : kinds)
        for (const char* document : documents)
            QTest::addRow("%s from %s", kind, document) << QString::fromLatin1(kind) << QByteArray(document);
}

void TestObjects::notAnObject()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, document);

    const std::optional<Error> error = parsers().at(kind)(json::parse(document.toStdString()));
    QVERIFY2(error, "a document that is not an object was accepted");
    QCOMPARE(error->kind, Error::Kind::Decode);
    QCOMPARE(q(error->detail), kind);
    QVERIFY2(q(error->message).contains(QStringLiteral("field %1 is not an object").arg(kind)), error->message.c_str());
}

void TestObjects::selectorMatches_data()
{
    QTest::addColumn<QStringList>("selector"); // key=value
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<bool>("matches");

    const QStringList pod = {QStringLiteral("app=uro"), QStringLiteral("slot=a"), QStringLiteral("hash=ffb6f79c6")};
    // clang-format off
    QTest::newRow("empty selector matches nothing") << QStringList() << pod << false;
    QTest::newRow("empty selector, empty labels") << QStringList() << QStringList() << false;
    QTest::newRow("one key") << QStringList{QStringLiteral("app=uro")} << pod << true;
    QTest::newRow("subset") << QStringList{QStringLiteral("app=uro"), QStringLiteral("slot=a")} << pod << true;
    QTest::newRow("same set") << pod << pod << true;
    QTest::newRow("other value") << QStringList{QStringLiteral("app=uro"), QStringLiteral("slot=b")} << pod << false;
    QTest::newRow("missing key") << QStringList{QStringLiteral("tier=web")} << pod << false;
    QTest::newRow("labels empty") << QStringList{QStringLiteral("app=uro")} << QStringList() << false;
    QTest::newRow("empty value must match empty")
        << QStringList{QStringLiteral("canary=")} << QStringList{QStringLiteral("canary=")} << true;
    QTest::newRow("empty value is not absent")
        << QStringList{QStringLiteral("canary=")} << pod << false;
    QTest::newRow("case matters") << QStringList{QStringLiteral("app=Uro")} << pod << false;
    // clang-format on
}

void TestObjects::selectorMatches()
{
    QFETCH(QStringList, selector);
    QFETCH(QStringList, labels);
    QFETCH(bool, matches);

    auto toLabels = [](const QStringList& pairs) {
        Labels out;
        for (const QString& pair : pairs) {
            const qsizetype eq = pair.indexOf(u'=');
            out.emplace(pair.left(eq).toStdString(), pair.mid(eq + 1).toStdString());
        }
        return out;
    };
    QCOMPARE(kube::selectorMatches(toLabels(selector), toLabels(labels)), matches);
}

void TestObjects::selectorsOnRecordedObjects()
{
    LOAD(serviceJson, "service-uro.json");
    LOAD(deploymentJson, "deployment-uro-a.json");
    LOAD(brokenDeploymentJson, "deployment-progress-deadline-exceeded.json");
    LOAD(podJson, "pod-uro-a-running.json");
    LOAD(crashJson, "pod-crashloopbackoff.json");
    const auto service = kube::parseService(serviceJson);
    const auto deployment = kube::parseDeployment(deploymentJson);
    const auto brokenDeployment = kube::parseDeployment(brokenDeploymentJson);
    const auto pod = kube::parsePod(podJson);
    const auto crash = kube::parsePod(crashJson);
    REQUIRE_OK(service);
    REQUIRE_OK(deployment);
    REQUIRE_OK(brokenDeployment);
    REQUIRE_OK(pod);
    REQUIRE_OK(crash);

    // The live Service points at slot a.
    QVERIFY(kube::selectorMatches(service->selector, pod->meta.labels));
    QVERIFY(!kube::selectorMatches(service->selector, crash->meta.labels));
    QVERIFY(kube::selectorMatches(service->selector, deployment->podTemplate.labels));
    QVERIFY(!kube::selectorMatches(service->selector, brokenDeployment->podTemplate.labels));
    // Each Deployment selects its own pods and its own template.
    QVERIFY(kube::selectorMatches(deployment->selector, pod->meta.labels));
    QVERIFY(kube::selectorMatches(deployment->selector, deployment->podTemplate.labels));
    QVERIFY(!kube::selectorMatches(deployment->selector, crash->meta.labels));
    QVERIFY(kube::selectorMatches(brokenDeployment->selector, crash->meta.labels));
    // A selector is not symmetric: the pod's labels hold keys the Service does not select on.
    QVERIFY(!kube::selectorMatches(pod->meta.labels, service->selector));
}

void TestObjects::listEntriesMustBeObjects()
{
    const auto d = kube::parseDeployment(nlohmann::json::parse(
        R"({"metadata":{"name":"x","namespace":"n"},"spec":{"template":{"spec":{"containers":["nginx"]}}}})"));
    QVERIFY(!d);
    QCOMPARE(d.error().detail, std::string("Deployment.spec.template.spec.containers[0]"));
}

void TestObjects::numbersBeyond64BitsAreRejected()
{
    const auto d = kube::parseDeployment(
        nlohmann::json::parse(R"({"metadata":{"name":"x"},"spec":{"replicas":18446744073709551615}})"));
    QVERIFY(!d);
    QCOMPARE(d.error().detail, std::string("Deployment.spec.replicas"));
}

QTEST_APPLESS_MAIN(TestObjects)
#include "tst_objects.moc"
