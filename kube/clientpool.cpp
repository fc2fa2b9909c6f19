#include "clientpool.h"

namespace kube {

namespace {

// Two configurations share a client only when they reach the same server as the same user
// with the same credentials source.
std::string keyOf(const RestConfig& c)
{
    std::string key = c.contextName + '\n' + c.cluster.server + '\n' + c.user.name + '\n' + c.cluster.proxyUrl + '\n' +
                      c.cluster.tlsServerName + '\n' + c.user.tokenFile + '\n' + c.user.clientCertificateFile + '\n' +
                      c.user.clientKeyFile + '\n' + c.cluster.certificateAuthorityFile + '\n';
    // Inline secrets are compared by content but never kept in a readable key.
    key += std::to_string(std::hash<std::string>{}(c.user.token + '\n' + c.user.clientCertificateData + '\n' +
                                                   c.user.clientKeyData + '\n' + c.cluster.certificateAuthorityData +
                                                   '\n' + c.user.username + '\n' + c.user.password));
    key += c.cluster.insecureSkipTlsVerify ? "\ninsecure" : "\nverify";
    if (c.user.exec) {
        key += '\n' + c.user.exec->command;
        for (const auto& a : c.user.exec->args)
            key += '\n' + a;
    }
    return key;
}

} // namespace

ClientPool::ClientPool(Transport* transport, QObject* parent) : QObject(parent), m_transport(transport) {}

Client* ClientPool::client(const RestConfig& config)
{
    const std::string key = keyOf(config);
    auto it = m_clients.find(key);
    if (it != m_clients.end())
        return it->second;
    auto* c = new Client(config, m_transport, this);
    m_clients.emplace(key, c);
    return c;
}

void ClientPool::clearAccessCaches()
{
    for (auto& [key, client] : m_clients)
        client->clearAccessCache();
}

} // namespace kube
