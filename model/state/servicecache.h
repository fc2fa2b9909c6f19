#pragma once

#include "kube/client.h"
#include "model/rules/servicespec.h"
#include "model/state/servicestate.h"

#include <QDateTime>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace model {

// The dashboard's typed, incremental cache. Objects are decoded once, when an informer reports
// them, into the compact typed views (the raw JSON is not kept, nor fields nothing reads); each
// change marks dirty only the services it touches (by namespace, then by Deployment name, pod
// selector, owner or involved object), and derive() re-derives only those. No network: the
// Dashboard feeds it, tests/unit/tst_servicecache.cpp drives it with recorded objects.
class ServiceCache {
public:
    enum class Change { Added, Modified, Removed };
    // Called after each derivation of one service, with the objects it was derived from (the
    // dashboard adds health there).
    using Derived = std::function<void(ServiceState&, const Snapshot& production, const Snapshot& sandbox)>;

    explicit ServiceCache(std::string currentContext, std::vector<ServiceSpec> configured = {});

    void setDerivedHook(Derived hook) { m_derived = std::move(hook); }

    // One object from an informer of `resource` (plural) on `context`. Where a namespace has an
    // informer of its own for the resource, a cluster-wide informer's removals there are left to it.
    // A cluster-wide informer's events are kept only in namespaces that hold services (or hold
    // Deployments or Services the cache keeps, which discovery is about to read).
    void apply(const std::string& context, const std::string& resource, Change change, const kube::Json& object,
               bool clusterWide);
    // A namespace's own informer of `resource` starts or ends. When it ends, the objects it alone
    // reported go: those without `keptLabel` (the label a cluster-wide informer selects by; empty:
    // every object; `keepAll`: none, a cluster-wide informer without labels covers them all).
    void setNamespaced(const std::string& context, const std::string& resource, const std::string& ns, bool on,
                       const std::string& keptLabel = {}, bool keepAll = false);

    // Whether the cache holds Deployment `name` in `ns` carrying `label` (the plan's facts).
    bool hasLabelledDeployment(const std::string& context, const std::string& ns, const std::string& name,
                               const std::string& label) const;

    // Discovery (labelled Services and slot Deployments of the current context) merged with the
    // configuration, when anything it reads changed; true when the set of services changed.
    bool refreshSpecs();
    const std::vector<ServiceSpec>& specs() const { return m_specs; }

    // Re-derives the services marked dirty, at most `limit` of them (the rest stay dirty); returns
    // the names of those that changed (re-derived, added or removed). states() is then in the
    // order of specs().
    std::vector<std::string> derive(const QDateTime& now, std::size_t limit = SIZE_MAX);
    std::vector<ServiceState>& states() { return m_states; }
    const std::vector<ServiceState>& states() const { return m_states; }
    bool dirty() const { return m_specsDirty || !m_dirty.empty(); }
    void markAllDirty();
    // What is known of the history-authors policy in `context`; the services there are re-derived.
    void setAuthorPolicy(const std::string& context, AuthorPolicy policy);

    // A fresh revision number for a state changed outside derive() (health answers).
    std::uint64_t nextRevision() { return ++m_revision; }
    // How many single-service derivations ran since the start.
    long long derivations() const { return m_derivations; }
    // How many times discovery ran over every Service and Deployment held (refreshSpecs()).
    long long discoveries() const { return m_discoveries; }
    // Objects held, all kinds.
    std::size_t objectCount() const;
    // One Service or Deployment as held, or nullptr.
    const kube::Service* service(const std::string& context, const std::string& ns, const std::string& name) const;
    const kube::Deployment* deployment(const std::string& context, const std::string& ns,
                                       const std::string& name) const;

private:
    struct Objects {
        std::map<std::string, kube::Deployment> deployments;
        std::map<std::string, kube::ReplicaSet> replicaSets;
        std::map<std::string, kube::Pod> pods;
        std::map<std::string, kube::Service> services;
        std::map<std::string, kube::Event> events;
    };
    using Place = std::pair<std::string, std::string>; // context, namespace

    const std::string& contextOf(const std::string& context) const;
    void touch(const Place& where, const std::string& resource, const kube::ObjectMeta& meta,
               const kube::Labels* podLabels, const std::string& involvedName);
    std::vector<std::string> deploymentsOf(const ServiceSpec& spec, const Place& where) const;
    Snapshot snapshotFor(const ServiceSpec& spec, bool sandbox) const;
    void reindex();

    std::string m_current;
    std::vector<ServiceSpec> m_configured;
    std::map<Place, Objects> m_objects;
    std::map<std::string, AuthorPolicy> m_authorPolicies;                     // by context
    std::set<std::tuple<std::string, std::string, std::string>> m_namespaced; // context, resource, ns
    std::vector<ServiceSpec> m_specs;
    std::vector<ServiceState> m_states;                  // in the order of m_specs
    std::map<Place, std::vector<std::size_t>> m_byPlace; // indexes into m_specs
    std::set<std::size_t> m_dirty;
    std::vector<std::string> m_gone; // names of services removed since the last derive()
    bool m_specsDirty = true;
    Derived m_derived;
    std::uint64_t m_revision = 0;
    long long m_derivations = 0;
    long long m_discoveries = 0;
};

} // namespace model
