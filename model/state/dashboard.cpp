#include "model/state/dashboard.h"

namespace model {

Dashboard::Dashboard(kube::Kubeconfig kubeconfig, kube::RestConfig current, kube::ClientPool* clients,
                     ServiceConfig config, QObject* parent)
    : QObject(parent), m_connection(new Connection(std::move(kubeconfig), std::move(current), clients, this)),
      m_health(new HealthChecks(m_connection, this)),
      m_watched(new WatchedServices(m_connection, m_health, std::move(config), this))
{
}

Dashboard::~Dashboard()
{
    // Each part uses those made before it: they go in reverse.
    delete m_watched;
    delete m_health;
    delete m_connection;
}

void Dashboard::start()
{
    m_connection->start();
    m_watched->start();
}

} // namespace model
