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
