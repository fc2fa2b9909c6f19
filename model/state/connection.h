#pragma once

#include "kube/client.h"
#include "kube/clientpool.h"
#include "kube/kubeconfig.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <map>
#include <set>
#include <string>

namespace model {

// The dashboard's connection to its clusters: one client per context (from the application's pool),
// who the user is, what a credential plugin is saying, what keeps the server from answering, the
// namespaces that cannot be read, and what the user may list and watch cluster-wide. The window's
// banners observe it (`changed`); the watch cache reads its clients and grants, and tells it what
// its informers found (setReadState).
class Connection : public QObject {
    Q_OBJECT

public:
    // What the access reviews of one context said, asked once at its first need.
    struct Grants {
        bool asked = false;
        int pending = 0;                   // reviews not answered yet
        std::set<std::string> clusterWide; // plurals the user may both list and watch in every namespace
    };

    // Clients come from `clients`, which outlives the connection (an action under way keeps its client).
    Connection(kube::Kubeconfig kubeconfig, kube::RestConfig current, kube::ClientPool* clients,
               QObject* parent = nullptr);

    // Asks the current context who the user is.
    void start();
    // The client of `context` (empty: the current one); nullptr, with a problem told, when the
    // context cannot be used.
    kube::Client* client(const std::string& context);
    const kube::RestConfig& current() const { return m_current; }

    // What keeps the server from answering (transport, credentials, server errors); empty while
    // it answers. A namespace the user may not read is not a lost connection: see below.
    QString problem() const { return m_problem; }
    QDateTime disconnectedSince() const { return m_disconnectedSince; }
    // Namespaces that cannot be read (forbidden by RBAC, or missing), each with a sentence that
    // says so and what to do; nothing there is shown, the rest is live.
    const std::map<QString, QString>& namespaceNotices() const { return m_notices; }
    QString userName() const { return m_user; }
    // What a credential plugin is telling the person right now (a device-code login), or empty.
    QString pluginMessage() const { return m_pluginMessage; }
    QString pluginName() const { return m_pluginName; }

    // Asks, once per context, whether the user may list and watch each resource the watch plan
    // can use cluster-wide; grantsAnswered tells when every review of the context has answered.
    void askGrants(const std::string& context);
    Grants grants(const std::string& context) const;
    // What the informers say of the server, told when it differs from what was known.
    void setReadState(const QDateTime& disconnectedSince, const QString& problem, std::map<QString, QString> notices);

Q_SIGNALS:
    void changed();
    void grantsAnswered(const std::string& context);

private:
    kube::Kubeconfig m_kubeconfig;
    kube::RestConfig m_current;
    kube::ClientPool* m_pool;
    std::map<std::string, kube::Client*> m_clients;
    std::map<std::string, Grants> m_grants;
    QString m_pluginMessage, m_pluginName;
    QDateTime m_disconnectedSince;
    QString m_problem;
    std::map<QString, QString> m_notices; // by namespace
    QString m_user;
};

} // namespace model
