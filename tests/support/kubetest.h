#pragma once

#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "support/testsupport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <optional>

// Helpers for tests that talk to the local control plane through kube::Client.
namespace kubetest {

inline kube::Result<kube::RestConfig> restConfigFor(const QString& user)
{
    kube::KubeconfigOptions options;
    options.explicitPath = testsupport::kubeconfigFor(user).toStdString();
    return kube::loadRestConfig(options);
}

// The configuration of a client of a server of the test's own (see support/httpserver.h), without
// credentials.
inline kube::RestConfig serverConfig(const QString& origin, const std::string& context, const std::string& ns)
{
    kube::RestConfig config;
    config.contextName = context;
    config.namespaceName = ns;
    config.cluster.name = "local";
    config.cluster.server = origin.toStdString();
    return config;
}

// Runs the event loop until `start` calls its callback, or `timeoutMs` passes (then nullopt).
template <typename T, typename Start> std::optional<kube::Result<T>> await(Start start, int timeoutMs = 20000)
{
    std::optional<kube::Result<T>> out;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    start([&](kube::Result<T> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    return out;
}

} // namespace kubetest
