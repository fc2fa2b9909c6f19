#include "model/state/connection.h"

#include "model/state/watchplan.h"

#include <QPointer>
#include <memory>

namespace model {

Connection::Connection(kube::Kubeconfig kubeconfig, kube::RestConfig current, kube::ClientPool* clients,
                       QObject* parent)
    : QObject(parent), m_kubeconfig(std::move(kubeconfig)), m_current(std::move(current)), m_pool(clients)
{
}

void Connection::start()
{
    if (kube::Client* c = client(m_current.contextName)) {
        c->whoAmI([self = QPointer<Connection>(this)](kube::Result<kube::UserInfo> who) {
            if (self && who) {
                self->m_user = QString::fromStdString(who->username);
                Q_EMIT self->changed();
            }
        });
    }
}

kube::Client* Connection::client(const std::string& context)
{
    const std::string name = context.empty() ? m_current.contextName : context;
    auto it = m_clients.find(name);
    if (it != m_clients.end())
        return it->second;
    kube::RestConfig config = m_current;
    if (name != m_current.contextName) {
        auto resolved = kube::resolveContext(m_kubeconfig, name, {});
        if (!resolved) {
            m_problem = QString::fromStdString(resolved.error().message);
            Q_EMIT changed();
            return nullptr;
        }
        config = resolved.value();
    }
    kube::Client* c = m_pool->client(config);
    connect(c->credentials(), &kube::CredentialProvider::pluginSaid, this,
            [this](const QString& plugin, const QString& line) {
                m_pluginName = plugin;
                m_pluginMessage = line;
                Q_EMIT changed();
            });
    m_clients.emplace(name, c);
    return c;
}

void Connection::askGrants(const std::string& context)
{
    Grants& g = m_grants[context];
    if (g.asked)
        return;
    kube::Client* c = client(context);
    if (!c)
        return;
    g.asked = true;
    // What the watch plan can use cluster-wide: each resource it names, listed and watched.
    for (const auto& [plural, resource] : plannedResources()) {
        auto allowed = std::make_shared<int>(0); // of its two verbs
        for (const char* verb : {"list", "watch"}) {
            ++g.pending;
            c->checkAccess({verb, *resource, "", "", ""}, [self = QPointer<Connection>(this), context, plural = plural,
                                                           allowed](kube::Result<kube::AccessDecision> r) {
                if (!self)
                    return;
                Grants& s = self->m_grants[context];
                --s.pending;
                if (r && r->allowed && ++*allowed == 2)
                    s.clusterWide.insert(plural);
                if (s.pending == 0)
                    Q_EMIT self->grantsAnswered(context);
            });
        }
    }
}

Connection::Grants Connection::grants(const std::string& context) const
{
    auto it = m_grants.find(context);
    return it == m_grants.end() ? Grants{} : it->second;
}

void Connection::setReadState(const QDateTime& disconnectedSince, const QString& problem,
                              std::map<QString, QString> notices)
{
    if (disconnectedSince == m_disconnectedSince && problem == m_problem && notices == m_notices)
        return;
    m_disconnectedSince = disconnectedSince;
    m_problem = problem;
    m_notices = std::move(notices);
    Q_EMIT changed();
}

} // namespace model
