#pragma once

#include "desktop/notificationsender.h"
#include "kube/clientpool.h"
#include "kube/kubeconfig.h"
#include "model/actions/actionrunner.h"
#include "model/rules/servicespec.h"
#include "model/state/dashboard.h"
#include "model/state/metricfeed.h"
#include "model/views/notifications.h"
#include "net/transport.h"
#include "oci/registry.h"
#include "ui/mainwindow.h"

#include <QObject>
#include <QPointer>
#include <memory>

namespace app {

// The console's objects and how they are wired: the one place that creates them. The program,
// the GUI tests and the benchmarks all assemble the console through this.
//
// The transport, the API clients, the registry client and the action runner live as long as
// the console; a dashboard lives as long as one context and namespace choice. So a context
// switch drops the views and their watches, while a swap or deploy under way goes on.
class Console : public QObject {
    Q_OBJECT

public:
    // `seams`: where a test holds the actions the console carries out (nullptr: nowhere, as the
    // program runs); they outlive the console.
    Console(kube::KubeconfigOptions options, model::ServiceConfig config, model::ActionSeams* seams = nullptr,
            QObject* parent = nullptr);
    ~Console() override;

    ui::MainWindow* window() const { return m_window.get(); }
    model::Dashboard* dashboard() const { return m_dashboard; }
    model::ActionRunner* runner() const { return m_runner.get(); }
    // The metric values of the service on screen (nullptr without a dashboard); it goes with the dashboard.
    model::MetricFeed* metricFeed() const { return m_feed; }
    net::Transport* transport() const { return m_transport.get(); }
    kube::ClientPool* clients() const { return m_clients.get(); }
    const model::ServiceConfig& config() const { return m_config; }
    const kube::KubeconfigOptions& options() const { return m_options; }
    model::Notifications* notifications() const { return m_notifications.get(); }
    desktop::NotificationSender* notificationSender() const { return m_sender.get(); }
    // The kinds of notification that are on, as resolved at the start (not saved); the window's
    // menu shows them and changes them from then on.
    void setNotificationChoices(const model::NotificationChoices& choices);

    // Loads the kubeconfig as kubectl does and shows `context` (empty: the current context).
    void connectTo(const std::string& context);
    // Shows an already resolved configuration (tests that build one by hand).
    void connectWith(const kube::Kubeconfig& merged, const kube::RestConfig& rest);

private:
    kube::KubeconfigOptions m_options;
    model::ServiceConfig m_config;
    // Declared in the order they are needed; destroyed in reverse, so nothing outlives what it uses.
    std::unique_ptr<net::Transport> m_transport;
    std::unique_ptr<kube::ClientPool> m_clients;
    std::unique_ptr<oci::RegistryClient> m_registry;
    std::unique_ptr<model::ActionRunner> m_runner;
    std::unique_ptr<desktop::NotificationSender> m_sender;
    std::unique_ptr<model::Notifications> m_notifications;
    std::unique_ptr<ui::MainWindow> m_window;
    QPointer<model::Dashboard> m_dashboard;
    QPointer<model::MetricFeed> m_feed;
};

} // namespace app
