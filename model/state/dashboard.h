#pragma once

#include "kube/clientpool.h"
#include "kube/kubeconfig.h"
#include "model/rules/servicespec.h"
#include "model/state/connection.h"
#include "model/state/healthchecks.h"
#include "model/state/watchedservices.h"

#include <QObject>

namespace model {

// One context and namespace choice, in three parts the views observe: the connection (clients,
// user, grants, what keeps the server from answering), the watched services (informers, cache,
// derived states) and their health checks. The dashboard owns and wires them; deleting it drops
// the watches and the checks at once.
class Dashboard : public QObject {
    Q_OBJECT

public:
    // Clients come from `clients`, which outlives the dashboard (an action under way keeps its client).
    Dashboard(kube::Kubeconfig kubeconfig, kube::RestConfig current, kube::ClientPool* clients, ServiceConfig config,
              QObject* parent = nullptr);
    ~Dashboard() override;

    void start();
    Connection* connection() const { return m_connection; }
    WatchedServices* watched() const { return m_watched; }
    HealthChecks* health() const { return m_health; }

private:
    Connection* m_connection;
    HealthChecks* m_health;
    WatchedServices* m_watched;
};

} // namespace model
