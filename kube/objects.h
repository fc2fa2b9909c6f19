#pragma once

#include "net.h"

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// Typed views of the API objects Signalbox reads. Missing fields take their API defaults; a
// field of the wrong type is an Error naming the object and the field, never a crash.
namespace kube {

using Labels = std::map<std::string, std::string>;

struct OwnerReference {
    std::string kind;
    std::string name;
    std::string uid;
    bool controller = false;
};

struct ObjectMeta {
    std::string name;
    std::string ns;
    std::string uid;
    std::string resourceVersion;
    std::int64_t generation = 0;
    std::string creationTimestamp;
    std::string deletionTimestamp;
    Labels labels;
    Labels annotations;
    bool hasAnnotationMap = false; // metadata.annotations is there (a JSON Patch may add to it)
    std::vector<OwnerReference> ownerReferences;

    std::string label(const std::string& key) const;
    std::string annotation(const std::string& key) const;
};

struct Condition {
    std::string type;
    std::string status;
    std::string reason;
    std::string message;
    std::string lastTransitionTime;
    std::string lastUpdateTime;
};

struct Container {
    std::string name;
    std::string image;
};

struct PodTemplate {
    Labels labels;
    Labels annotations;
    std::vector<Container> containers;
};

struct Deployment {
    ObjectMeta meta;
    int replicas = 1;
    Labels selector; // matchLabels
    PodTemplate podTemplate;
    int progressDeadlineSeconds = 600;
    bool paused = false;
    std::int64_t observedGeneration = 0;
    int statusReplicas = 0;
    int updatedReplicas = 0;
    int readyReplicas = 0;
    int availableReplicas = 0;
    int unavailableReplicas = 0;
    std::vector<Condition> conditions;
    // spec.template exactly as the server sent it, to put it back unread (an undone deploy); only
    // Client::getDeployment keeps it, and only kube/ reads it (templateRestorePatch).
    std::shared_ptr<const nlohmann::json> templateSource;

    const Condition* condition(const std::string& type) const;
};

struct ReplicaSet {
    ObjectMeta meta;
    int replicas = 1;
    PodTemplate podTemplate;
    int statusReplicas = 0;
    int readyReplicas = 0;
    int availableReplicas = 0;
};

struct ContainerStatus {
    std::string name;
    std::string image;
    std::string imageID;
    bool ready = false;
    bool started = false;
    int restartCount = 0;
    std::string waitingReason; // CrashLoopBackOff, ImagePullBackOff, ErrImagePull, ...
    std::string waitingMessage;
    std::string terminatedReason;
    int terminatedExitCode = 0;
    std::string runningSince;         // state.running.startedAt
    std::string lastTerminatedReason; // why the previous run ended (OOMKilled, Error, ...)
    int lastExitCode = 0;
    std::string lastFinishedAt; // RFC 3339; empty when no previous run ended
};

struct ContainerPort {
    std::string container;
    std::string name; // empty when the port has none
    int port = 0;     // containerPort
    std::string protocol = "TCP";
};

struct Pod {
    ObjectMeta meta;
    std::string nodeName;
    std::vector<ContainerPort> ports; // spec.containers[].ports[], in order
    std::string phase;                // Pending, Running, Succeeded, Failed, Unknown
    std::string podIP;
    std::string reason;
    std::string message;
    std::string startTime; // status.startTime (RFC 3339), set once the kubelet took the pod
    std::vector<Condition> conditions;
    std::vector<ContainerStatus> containerStatuses;

    bool ready() const;
    int restarts() const;
    // The number of the container port called `name`; 0 when no container has one.
    int portNamed(const std::string& name) const;
};

struct ServicePort {
    std::string name;
    int port = 0;
    std::string targetPort;
    std::string protocol = "TCP";
};

struct Service {
    ObjectMeta meta;
    std::string type = "ClusterIP";
    std::string clusterIP;
    Labels selector;
    std::vector<ServicePort> ports;
};

struct EndpointAddress {
    std::vector<std::string> addresses;
    bool ready = true; // nil means ready
    bool serving = true;
    bool terminating = false;
    std::string nodeName;
    std::string targetKind;
    std::string targetName;
};

struct EndpointSlice {
    ObjectMeta meta;
    std::string serviceName; // label kubernetes.io/service-name
    std::string addressType;
    std::vector<EndpointAddress> endpoints;
};

struct Event {
    ObjectMeta meta;
    std::string type; // Normal, Warning
    std::string reason;
    std::string message;
    std::string involvedKind;
    std::string involvedName;
    std::string involvedNamespace;
    int count = 1;
    std::string lastTimestamp; // lastTimestamp, else eventTime, else firstTimestamp
};

// A ValidatingAdmissionPolicyBinding: which policy it applies, and how.
struct AdmissionPolicyBinding {
    ObjectMeta meta;
    std::string policyName;
    std::vector<std::string> validationActions; // Deny, Warn, Audit
};

// A pod template in full, as the diff of two slots reads it. Decoded on demand from the template a
// Deployment was read with (Deployment::templateSource), never by the informers: the cache keeps the
// small PodTemplate above. Bounded: text past maxDetailText bytes is cut (with its length said), and
// lists past their caps are cut too, `truncated` then set.
inline constexpr std::size_t maxDetailText = 16 * 1024;
inline constexpr std::size_t maxDetailContainers = 32;
inline constexpr std::size_t maxDetailEntries = 256; // env, envFrom, mounts, volumes, args, ... per list

struct EnvVarSpec {
    enum class From { Value, Secret, ConfigMap, Field, Resource };
    std::string name;
    From from = From::Value;
    std::string value;   // From::Value: the literal value; Field and Resource: the path or resource named
    std::string refName; // Secret, ConfigMap: the object's name (never a Secret's value)
    std::string refKey;  // Secret, ConfigMap: the key
};

struct EnvFromSpec {
    std::string kind; // "configMap" or "secret"
    std::string name;
    std::string prefix;
};

struct ContainerSpec {
    std::string name;
    std::string image;
    std::vector<std::string> command, args;
    std::vector<EnvVarSpec> env;
    std::vector<EnvFromSpec> envFrom;
    Labels requests, limits;                                 // quantities as written ("250m", "1Gi")
    std::string livenessProbe, readinessProbe, startupProbe; // a short text form; empty when none
    std::vector<std::string> volumeMounts;                   // "NAME at PATH", with " (read-only)", " sub SUB"
};

struct VolumeSpec {
    std::string name;
    std::string kind;                 // configMap, secret, emptyDir, persistentVolumeClaim, hostPath, projected, ...
    std::vector<std::string> sources; // the objects it names: a ConfigMap's, a Secret's, a claim's name, a path
    std::vector<std::string> configMaps, secrets; // of those, the ConfigMaps and Secrets (projected ones too)
};

struct PodSpecDetail {
    std::vector<ContainerSpec> containers, initContainers;
    std::string serviceAccountName;
    Labels nodeSelector;
    std::vector<std::string> tolerations; // "key=value:NoSchedule", "key:NoExecute for 300s", "every taint"
    std::vector<VolumeSpec> volumes;
    bool truncated = false; // a list or a text was cut at its cap
};

// A ConfigMap's content; what the diff compares when both slots name one.
struct ConfigMap {
    ObjectMeta meta;
    Labels data, binaryData;
};

Result<ObjectMeta> parseMeta(const nlohmann::json& j);
Result<AdmissionPolicyBinding> parseAdmissionPolicyBinding(const nlohmann::json& j);
Result<Deployment> parseDeployment(const nlohmann::json& j);
Result<ReplicaSet> parseReplicaSet(const nlohmann::json& j);
Result<Pod> parsePod(const nlohmann::json& j);
Result<Service> parseService(const nlohmann::json& j);
Result<EndpointSlice> parseEndpointSlice(const nlohmann::json& j);
Result<Event> parseEvent(const nlohmann::json& j);
// A pod template (spec.template of a Deployment) in full; see PodSpecDetail.
Result<PodSpecDetail> parsePodSpecDetail(const nlohmann::json& podTemplate);
// The pod template a Deployment was read with (Client::getDeployment keeps it), in full; an Error when the
// Deployment came without one (a list or an informer).
Result<PodSpecDetail> podSpecDetail(const Deployment& d);
Result<ConfigMap> parseConfigMap(const nlohmann::json& j);

// The entries of a list answer ("items") that `parse` accepts, in order. A list that is not one,
// or entries that do not parse, count in `skipped` when given; they never throw.
const nlohmann::json* listItems(const nlohmann::json& list);
template <typename T>
std::vector<T> parseItems(const nlohmann::json& list, Result<T> (*parse)(const nlohmann::json&), int* skipped = nullptr)
{
    std::vector<T> out;
    const nlohmann::json* items = listItems(list);
    if (!items) {
        if (skipped)
            ++*skipped;
        return out;
    }
    for (const nlohmann::json& item : *items) {
        Result<T> r = parse(item);
        if (r)
            out.push_back(std::move(r).value());
        else if (skipped)
            ++*skipped;
    }
    return out;
}

// A Deployment's pod template (spec.template) exactly as the server sent it, to put it back later.
Result<nlohmann::json> podTemplateJson(const nlohmann::json& deployment);

// Whether `labels` match every key of `selector` (an empty selector matches nothing, as a
// Service with no selector selects no pods).
bool selectorMatches(const Labels& selector, const Labels& labels);

} // namespace kube
