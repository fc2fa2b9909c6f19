#pragma once

#include "client.h"

#include <QObject>
#include <map>
#include <string>

namespace kube {

// The API clients of one application run, one per (context, server, user). Views come and go
// with a context switch, but an action that is under way keeps the client it started with, so
// clients belong to the application, not to a view. A client keeps its cached credentials (an
// exec plugin's token) for the whole run.
class ClientPool : public QObject {
    Q_OBJECT

public:
    explicit ClientPool(Transport* transport, QObject* parent = nullptr);

    Client* client(const RestConfig& config);
    Transport* transport() const { return m_transport; }
    std::size_t size() const { return m_clients.size(); }
    // Forgets every client's cached access reviews (a context switch: the person may have
    // switched to be allowed more, or less).
    void clearAccessCaches();

private:
    Transport* m_transport;
    std::map<std::string, Client*> m_clients;
};

} // namespace kube
