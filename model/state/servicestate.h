#pragma once

#include "kube/history.h"
#include "kube/objects.h"
#include "model/rules/authorship.h"
#include "model/rules/healthsummary.h"
#include "model/rules/imageref.h"
#include "model/rules/keys.h"
#include "model/rules/servicespec.h"
#include "model/rules/slotrules.h"
#include "model/rules/status.h"

#include <QDateTime>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace model {

// One pod of a slot as its tile lists it.
struct PodRow {
    std::string name;
    std::string shortName; // the name without the Deployment's prefix: "7d9f8c6b54-x2kqp"
    std::string phase;     // Pending, Running, ...; "Terminating" once deleted
    std::string waiting;   // the first waiting reason of its containers (CrashLoopBackOff, ...)
    int readyContainers = 0, containers = 0;
    bool ready = false;
    int restarts = 0;
    // The latest end of a previous container run, across the pod's containers.
    std::string lastReason; // OOMKilled, Error, Completed, ...; empty when none ended
    int lastExitCode = 0;
    std::string lastFinishedAt; // RFC 3339
    std::string started;        // status.startTime, else metadata.creationTimestamp
    std::string node;
    std::string ip;
    std::vector<kube::Condition> conditions;
    std::vector<kube::ContainerStatus> containerStates;
    std::vector<kube::Event> events; // every event of this pod, newest first (at most 10)
};

// "OOMKilled, exit 137, 4 min ago"; empty when no container run ended.
std::string lastTerminationText(const PodRow& pod, const QDateTime& now);
// "7d9f8c6b54-x2kqp  Running  1/1 ready  3 restarts  last: Error, exit 1, 4 min ago  age 2 h  kwok-node-0"
std::string podRowLine(const PodRow& pod, const QDateTime& now);
// "Back-off restarting failed container ×14, 2 min ago" (the count only when above 1).
std::string eventLine(const kube::Event& event, const QDateTime& now);
// "12 s", "4 min", "3 h", "2 d"; empty when `rfc3339` is not a time.
std::string ageOf(const std::string& rfc3339, const QDateTime& now);

struct SlotState {
    Slot slot = Slot::A;
    std::string deployment;
    std::string ns;
    bool exists = false;
    std::string image; // as in the pod template
    ImageRef imageRef;
    std::string tag; // the tag, also when the image is pinned by digest
    std::string commit;
    std::string created; // image creation time, when known
    int desired = 0, updated = 0, ready = 0, available = 0;
    Rollout rollout = Rollout::Unknown;
    std::string rolloutText;
    std::vector<std::string> problems; // plain sentences, worst first
    int restarts = 0;
    // Recent Warning events of the Deployment, its ReplicaSets and its pods, newest first.
    std::vector<kube::Event> warnings;
    std::vector<PodRow> podRows; // every pod the Deployment selects, by name
    std::string podSelector;     // the Deployment's matchLabels as "k=v,k2=v2", for logs
    std::string lastDeployed;    // RFC 3339
    Health health = Health::Missing;
    std::vector<std::string> readyPodIPs;
    // The pods that can be asked the health check (they have an address and are not going away),
    // by name; their latest answers in the same order, and what those come to.
    std::vector<std::string> pods;
    std::vector<PodHealth> podHealth;
    HealthSummary healthCheck;

    std::string label() const;        // "A", "B", "Sandbox"
    std::string imageDisplay() const; // tag, else short digest
    std::string shortCommit() const;
    bool sameRelease(const SlotState& other) const;
};

struct ServiceState {
    ServiceSpec spec;
    // Raised each time the dashboard derives this service again (0: never counted); equal
    // revisions of one service mean an unchanged state, so a view need not compare it.
    std::uint64_t revision = 0;
    SlotState a, b, sandbox;
    bool liveServiceExists = false, stagingServiceExists = false;
    std::optional<Slot> live; // when the live Service selects exactly one slot
    std::optional<Slot> staging;
    std::vector<Anomaly> anomalies;
    // The status (model/rules/status.h), decided again whenever a fact it reads changes.
    Attention attention = Attention::Calm;
    Badge badge = Badge::InSync;
    std::string badgeText;
    // The watch after the latest swap found live got worse (its sentence), while nothing was
    // started on the service since; the views set it from the action runner.
    std::string gotWorse;
    // Staging's metrics, as the metric feed measured them now, fail their comparison with live's (its
    // sentence); the views set it from the feed, which measures the service on screen.
    std::string stagingWorse;
    // Swaps (recorded on the live Service) and deploys (recorded on each Deployment), oldest first.
    // Entries nobody can read are kept (HistoryEntry::unreadable says why) and shown as such. Each
    // readable entry is judged (authorCheck) by the author policy of the context it was read in.
    std::vector<kube::HistoryEntry> history;
    bool swapRecorded = false; // the live Service records a swap that can be read
    // The app's health check (not configured: port empty), and the answers of the live and
    // staging Services to it; the pods' answers are in each slot.
    HealthSpec healthSpec;
    HealthSummary liveServiceHealth, stagingServiceHealth;

    const SlotState& slot(Slot s) const { return s == Slot::A ? a : s == Slot::B ? b : sandbox; }
    const SlotState* liveSlot() const { return live ? &slot(*live) : nullptr; }
    const SlotState* stagingSlot() const { return staging ? &slot(*staging) : nullptr; }
    std::string roleOf(Slot slot) const; // "LIVE", "STAGING", "LIVE+STAGING" or ""
};

// The typed objects of one namespace (or several), as the informers hold them.
struct Snapshot {
    std::vector<kube::Deployment> deployments;
    std::vector<kube::ReplicaSet> replicaSets;
    std::vector<kube::Pod> pods;
    std::vector<kube::Service> services;
    std::vector<kube::EndpointSlice> endpointSlices;
    std::vector<kube::Event> events;
    // Whether the API server checks the authors of histories in this snapshot's context.
    AuthorPolicy authorPolicy;

    const kube::Deployment* deployment(const std::string& ns, const std::string& name) const;
    const kube::Service* service(const std::string& ns, const std::string& name) const;
};

SlotState deriveSlot(Slot slot, const std::string& ns, const std::string& deployment, const Snapshot& snapshot,
                     const QDateTime& now);
ServiceState deriveService(const ServiceSpec& spec, const Snapshot& production, const Snapshot& sandbox,
                           const QDateTime& now);

// Services found by their labels: a Service labelled signalbox.v-sekai.org/service=S with
// role live (or named S), its staging partner, and slot Deployments carrying the slot label.
std::vector<ServiceSpec> discoverServices(const Snapshot& snapshot, const std::string& context);

// The facts the status rule reads, from the derived state and the health check's answers.
StatusFacts statusFacts(const ServiceState& st);
// Decides the status again (attention, badge, badgeText) from statusFacts.
void applyStatus(ServiceState& st);
const char* healthName(Health h);

} // namespace model
