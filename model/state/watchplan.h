#pragma once

// Which informers the dashboard holds, as a pure rule over what is known: the services, the
// namespaces that exist, and what RBAC lets the user list and watch cluster-wide. Watches grow
// with namespaces that exist and hold services, never with services; nothing is watched in a
// namespace known not to exist. tests/unit/tst_watchplan.cpp table-tests it.

#include "model/rules/servicespec.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace kube {
struct Resource;
}

namespace model {

// Resources by their plural, as the API names them.
inline const std::string servicesPlural = "services";
inline const std::string deploymentsPlural = "deployments";
inline const std::string replicaSetsPlural = "replicasets";
inline const std::string podsPlural = "pods";
inline const std::string eventsPlural = "events";
inline const std::string namespacesPlural = "namespaces";

// The resources a plan can name, with their plurals: each may be watched cluster-wide where an
// access review allows its list and watch.
const std::vector<std::pair<std::string, const kube::Resource*>>& plannedResources();

// Only warnings are shown. Event field selectors are equalities joined by AND (type,
// involvedObject.kind, ...), so the three kinds the tiles use (Pod, ReplicaSet, Deployment) cannot
// be one selector; the namespace scoping keeps the rest out.
inline const std::string warningEventsSelector = "type=Warning";

// One informer: a resource in a namespace ("" for every namespace) of a context, narrowed by
// selectors.
struct WatchKey {
    std::string context;
    std::string resource; // plural
    std::string ns;
    std::string labelSelector;
    std::string fieldSelector;

    auto tie() const { return std::tie(context, resource, ns, labelSelector, fieldSelector); }
    bool operator<(const WatchKey& o) const { return tie() < o.tie(); }
    bool operator==(const WatchKey& o) const { return tie() == o.tie(); }
};

// What is known of one context.
struct ContextFacts {
    // Resources (plurals) the user may list and watch in every namespace (SelfSubjectAccessReview).
    std::set<std::string> clusterWide;
    // Whether the namespaces are watched, so `existing` is the whole truth; otherwise a namespace
    // counts as existing unless it is in `absent` (the server answered 404 for it).
    bool namespacesKnown = false;
    std::set<std::string> existing;
    std::set<std::string> absent;

    // Whether the cluster-wide Deployments informer (by the service label) has listed, and the
    // sandboxes it found there, as (namespace, service): a sandbox Deployment carrying the label, so
    // that informer and its peers cover the namespace.
    bool labelledSynced = false;
    std::set<std::pair<std::string, std::string>> labelledSandboxes;
    // Production namespaces where a slot Deployment's pod template lacks the service label, so its
    // pods and ReplicaSets are out of the cluster-wide selector's reach (watched per namespace).
    std::set<std::string> unlabelledPods;

    bool exists(const std::string& ns) const { return namespacesKnown ? existing.count(ns) > 0 : !absent.count(ns); }
};

struct WatchPlanInput {
    std::string currentContext;
    std::map<std::string, ContextFacts> contexts; // by context name; a missing one knows nothing
    // Namespaces named by the user (the context's namespace, -n, the configuration's
    // `namespaces:`), looked in for labelled Services when they cannot be found cluster-wide.
    std::map<std::string, std::set<std::string>> lookIn;
    std::vector<ServiceSpec> services; // configured and discovered, merged
};

// The label selector that covers a resource cluster-wide for discovered services: Services, slot
// and sandbox Deployments and their pod templates (hence ReplicaSets and pods) carry the service
// label. Events carry no labels: none.
std::string clusterSelectorFor(const std::string& resource);

// The cluster-wide informer of a resource on a context, as the plan would hold it.
WatchKey clusterKeyFor(const std::string& context, const std::string& resource);

// The informers to hold. Per context:
// - namespaces, cluster-wide, when the user may list them (to learn which namespaces exist);
// - each of services, deployments, replicasets, pods: cluster-wide by the service label when the
//   user may, plus one per namespace (no selector) for the namespaces of services that come from
//   the configuration alone (their objects need not carry the label) and for sandbox namespaces
//   that exist where the cluster-wide Deployments, once listed, found no labelled sandbox
//   Deployment of the service (none while they have not listed); otherwise one per namespace that
//   exists and holds services, or is looked in;
// - events, warnings only: one cluster-wide when the user may list events and Deployments
//   cluster-wide, once those Deployments have listed (the cache keeps only the events of
//   namespaces holding services); otherwise one per namespace that exists and holds services.
std::set<WatchKey> planWatches(const WatchPlanInput& input);

// The namespaces per context that hold services (production and sandbox), as the plan sees them.
std::map<std::string, std::set<std::string>> serviceNamespaces(const WatchPlanInput& input);

} // namespace model
