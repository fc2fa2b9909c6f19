#pragma once

#include "kube/client.h"
#include "kube/clientpool.h"
#include "kube/informer.h"
#include "kube/kubeconfig.h"
#include "model/observe/health.h"
#include "model/observe/healthmonitor.h"
#include "model/observe/logstream.h"
#include "model/rules/rules.h"
#include "model/rules/servicespec.h"
#include "model/state/servicecache.h"
#include "model/state/servicestate.h"
#include "model/state/watchplan.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <map>
#include <memory>
#include <set>
#include <vector>

class QTimer;

namespace model {

// The monitor's last answers in the state of one service: each pod of A, B and sandbox, and the
// live and staging Services, summarised as the tiles and the overview read them. The contexts are
// those the targets were made with (production, sandbox).
void fillHealth(const HealthMonitor& monitor, ServiceState& state, const std::string& context,
                const std::string& sandboxContext);

// Keeps the state of every service fresh: finds the services (configuration and labels), holds
// the informers the watch plan names (model/state/watchplan.h: cluster-wide with label selectors where
// RBAC allows, else per namespace that exists and holds services), keeps their objects typed in a
// ServiceCache, and re-derives the services a change touches, coalescing bursts. Never waits on
// the network.
class Dashboard : public QObject {
    Q_OBJECT

public:
    // Clients come from `clients`, which outlives the dashboard (an action under way keeps its client).
    Dashboard(kube::Kubeconfig kubeconfig, kube::RestConfig current, kube::ClientPool* clients, ServiceConfig config,
              QObject* parent = nullptr);
    ~Dashboard() override;

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
    QDateTime disconnectedSince() const { return m_disconnectedSince; }
    // What keeps the server from answering (transport, credentials, server errors); empty while
    // it answers. A namespace the user may not read is not a lost connection: see below.
    QString connectionProblem() const { return m_problem; }
    // Namespaces that cannot be read (forbidden by RBAC, or missing), each with a sentence that
    // says so and what to do; nothing there is shown, the rest is live.
    const std::map<QString, QString>& namespaceNotices() const { return m_notices; }
    QString userName() const { return m_user; }
    // What a credential plugin is telling the person right now (a device-code login), or empty.
    QString pluginMessage() const { return m_pluginMessage; }
    QString pluginName() const { return m_pluginName; }
    const kube::RestConfig& currentConfig() const { return m_current; }
    kube::Client* client(const std::string& context);
    kube::Transport* transport() const { return m_pool->transport(); }
    const ServiceConfig& config() const { return m_config; }
    std::size_t informerCount() const;
    // The informers held now, as the plan named them.
    std::vector<WatchKey> watches() const;
    // Single-service derivations since the start (each re-derives one service).
    long long derivations() const { return m_cache.derivations(); }
    // Asks each shown service's pods and Services its health check, at the check's interval;
    // the answers are in the ServiceStates.
    HealthMonitor* healthMonitor() const { return m_health; }
    // Health checks the user may not ask (no get on pods/proxy or services/proxy), one sentence
    // per namespace and kind.
    std::vector<QString> healthNotices() const;
    // The most health checks one client had on the wire at once (the probers' limit is 8).
    int healthPeakInFlight() const;
    // A log stream (not started) of the pods of one slot of `service` (A, B, or the
    // sandbox), or of its pod `pod`, on the slot's context; nullptr when the service or its
    // Deployment is not shown. The stream is the caller's (its parent).
    LogStream* openLogs(const std::string& service, Slot slot, const std::string& pod, const LogOptions& options,
                        QObject* parent);

Q_SIGNALS:
    // `changed`: the names of the services derived again, added or removed (health answers too).
    void servicesChanged(const std::vector<std::string>& changed);
    void connectionChanged();
    void completed();

private:
    // What is known of one context: its grants (asked once at start), and its namespaces.
    struct ContextState {
        bool asked = false;
        int pendingReviews = 0;
        std::map<std::string, int> grants; // plural -> verbs allowed cluster-wide (list, watch)
        bool namespacesSynced = false;
        ContextFacts facts;
    };
    void askGrants(const std::string& context);
    void replan();
    void replanSoon();
    // The sandboxes found by the service label into the contexts' facts; true when they changed.
    bool updateLabelledSandboxes();
    void scheduleRecompute();
    void recompute();
    // Whether the first load's lists are still coming in (of the plan's inputs only: namespaces and
    // the cluster-wide Services and Deployments, from which the services are discovered).
    bool firstLists(bool planInputsOnly) const;
    void updateConnection();
    void probeAbsent();
    kube::Informer* makeInformer(const WatchKey& key);
    void dropInformer(const WatchKey& key);
    void informerStateChanged(const WatchKey& key);
    void derived(ServiceState& st, const Snapshot& production, const Snapshot& sandbox);
    std::set<std::string> namedNamespaces(const std::string& context) const;
    void askHealth(const HealthTarget& target, std::function<void(HealthResult)> done);
    void applyHealth();

    kube::Kubeconfig m_kubeconfig;
    kube::RestConfig m_current;
    kube::ClientPool* m_pool;
    ServiceConfig m_config;
    int m_pollSeconds = 0;
    std::map<std::string, kube::Client*> m_clients;
    QString m_pluginMessage, m_pluginName;
    kube::InformerRegistry* m_registry;
    std::map<std::string, ContextState> m_contexts;
    std::map<WatchKey, QPointer<kube::Informer>> m_watches;
    bool m_planDirty = true;
    QTimer* m_probe; // asks again, slowly, for namespaces that did not exist
    ServiceCache m_cache;
    std::map<std::string, std::vector<HealthTarget>> m_targets; // by service key
    QTimer* m_recompute;
    bool m_complete = false;
    bool m_shown = false; // the first load's services are derived and told
    QDateTime m_lastUpdate;
    QDateTime m_disconnectedSince;
    QString m_problem;
    std::map<QString, QString> m_notices; // by namespace
    QString m_user;
    HealthMonitor* m_health;
    std::map<std::string, HealthProber*> m_probers; // by context: at most 8 checks in flight per client
};

} // namespace model
