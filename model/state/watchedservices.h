#pragma once

#include "kube/informer.h"
#include "model/rules/rules.h"
#include "model/rules/servicespec.h"
#include "model/state/servicecache.h"
#include "model/state/servicestate.h"
#include "model/state/watchplan.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <map>
#include <optional>
#include <set>
#include <vector>

class QTimer;

namespace model {

class Connection;
class HealthChecks;

// Keeps the state of every service fresh: finds the services (configuration and labels), holds
// the informers the watch plan names (model/state/watchplan.h: cluster-wide with label selectors where
// RBAC allows, else per namespace that exists and holds services), keeps their objects typed in a
// ServiceCache, and re-derives the services a change touches, coalescing bursts. Never waits on
// the network. Its clients and grants come from the connection, which it tells what the
// informers say of the server; each service it derives goes by the health checks.
class WatchedServices : public QObject {
    Q_OBJECT

public:
    WatchedServices(Connection* connection, HealthChecks* health, ServiceConfig config, QObject* parent = nullptr);

    void start();
    // 0: watch; otherwise poll every `seconds`.
    void setPollInterval(int seconds);
    int pollInterval() const { return m_pollSeconds; }

    // Empty until the first load's services are all derived (and told by servicesChanged).
    const std::vector<ServiceState>& services() const;
    const ServiceState* service(const std::string& name) const;
    // The live and staging Services and the two slot Deployments of `name` as the watch holds
    // them, without a request (the access reviews and health are not filled in); nothing until
    // the watches of its namespace have listed once.
    std::optional<SwapFacts> watchedSwapFacts(const std::string& name) const;
    // Every informer has listed once and the states were derived from that.
    bool complete() const { return m_complete; }
    QDateTime lastUpdate() const { return m_lastUpdate; }
    const ServiceConfig& config() const { return m_config; }
    std::size_t informerCount() const;
    // The informers held now, as the plan named them.
    std::vector<WatchKey> watches() const;
    // Single-service derivations since the start (each re-derives one service).
    long long derivations() const { return m_cache.derivations(); }

Q_SIGNALS:
    // `changed`: the names of the services derived again, added or removed (health answers too).
    void servicesChanged(const std::vector<std::string>& changed);
    void completed();

private:
    // What is known of one context's namespaces and objects (its grants are the connection's).
    struct ContextState {
        bool namespacesSynced = false;
        ContextFacts facts;
    };
    void askGrants(const std::string& context);
    void grantsAnswered(const std::string& context);
    void replan();
    void replanSoon();
    // The sandboxes found by the service label into the contexts' facts; true when they changed.
    bool updateLabelledSandboxes();
    void scheduleRecompute();
    void recompute();
    // Whether the first load's lists are still coming in (of the plan's inputs only: namespaces and
    // the cluster-wide Services and Deployments, from which the services are discovered).
    bool firstLists(bool planInputsOnly) const;
    bool allSynced() const;
    void updateConnection();
    void probeAbsent();
    kube::Informer* makeInformer(const WatchKey& key);
    void dropInformer(const WatchKey& key);
    void informerStateChanged(const WatchKey& key);
    std::set<std::string> namedNamespaces(const std::string& context) const;
    void applyHealth();
    const std::string& currentContext() const;

    Connection* m_connection;
    HealthChecks* m_health;
    ServiceConfig m_config;
    int m_pollSeconds = 0;
    kube::InformerRegistry* m_registry;
    std::map<std::string, ContextState> m_contexts;
    std::map<WatchKey, QPointer<kube::Informer>> m_watches;
    bool m_planDirty = true;
    QTimer* m_probe; // asks again, slowly, for namespaces that did not exist
    ServiceCache m_cache;
    QTimer* m_recompute;
    bool m_complete = false;
    bool m_shown = false; // the first load's services are derived and told
    QDateTime m_lastUpdate;
};

} // namespace model
