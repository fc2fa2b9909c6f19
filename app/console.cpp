#include "console.h"

#include "model/rules/connectioninfo.h"
#include "ui/notificationsmenu.h"
#include "ui/servicepage.h"
#include "version.h"

namespace app {

namespace {

// How the console names itself on the desktop: the one place to point at the application id.
desktop::AppIdentity appIdentity()
{
    return {QStringLiteral("Signalbox"), QStringLiteral(SIGNALBOX_APP_ID), QStringLiteral(SIGNALBOX_APP_ID)};
}

} // namespace

Console::Console(kube::KubeconfigOptions options, model::ServiceConfig config, model::ActionSeams* seams,
                 QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_config(std::move(config)),
      m_transport(std::make_unique<net::Transport>()), m_clients(std::make_unique<kube::ClientPool>(m_transport.get())),
      m_registry(std::make_unique<oci::RegistryClient>(m_transport.get())),
      m_runner(std::make_unique<model::ActionRunner>(m_transport.get(), seams)),
      m_sender(std::make_unique<desktop::NotificationSender>(appIdentity())),
      m_notifications(std::make_unique<model::Notifications>(m_runner.get())),
      m_window(std::make_unique<ui::MainWindow>())
{
    m_window->setRegistry(m_registry.get());
    m_window->setRunner(m_runner.get());
    connect(m_window.get(), &ui::MainWindow::contextRequested, this,
            [this](const QString& name) { connectTo(name.toStdString()); });
    connect(m_window.get(), &ui::MainWindow::namespaceRequested, this, [this](const QString& name) {
        m_options.namespaceOverride = name.toStdString();
        connectTo(m_options.context);
    });

    // Notifications: the window's status line always, the desktop when there is a session bus.
    m_notifications->setWindowActive(
        [w = QPointer<ui::MainWindow>(m_window.get())] { return w && w->isActiveWindow(); });
    connect(m_window->notificationsMenu(), &ui::NotificationsMenu::choicesChanged, m_notifications.get(),
            &model::Notifications::setChoices);
    connect(m_notifications.get(), &model::Notifications::noticed, this, [this](const model::Notice& n) {
        m_window->showNotice(QString::fromStdString(n.sentence()));
        m_sender->send(QString::fromStdString(n.summary), QString::fromStdString(n.body),
                       n.kind == model::NoticeKind::LiveUnhealthy);
    });
    connect(m_sender.get(), &desktop::NotificationSender::failed, m_window.get(),
            [this](const QString& summary, const QString& why) {
                m_window->showNotice(summary + QStringLiteral(". ") + why);
            });
}

void Console::setNotificationChoices(const model::NotificationChoices& choices)
{
    m_notifications->setChoices(choices);
    m_window->notificationsMenu()->setChoices(choices);
}

Console::~Console()
{
    // Views first, while the clients and the transport they use are still there.
    delete m_dashboard.data();
    m_window.reset();
}

void Console::connectTo(const std::string& context)
{
    m_options.context = context;
    auto merged = kube::loadKubeconfig(m_options);
    auto rest = kube::loadRestConfig(m_options);
    m_window->setConnection(model::describeConnection(rest));
    if (merged) {
        QStringList names;
        for (const auto& c : merged->contexts)
            names << QString::fromStdString(c.name);
        m_window->setContexts(names, rest ? QString::fromStdString(rest->contextName) : QString());
    }
    if (!rest) {
        if (m_dashboard)
            m_dashboard->deleteLater();
        m_window->setDashboard(nullptr, nullptr);
        m_notifications->setSource(nullptr, nullptr);
        return;
    }
    connectWith(merged ? merged.value() : kube::Kubeconfig{}, rest.value());
}

void Console::connectWith(const kube::Kubeconfig& merged, const kube::RestConfig& rest)
{
    if (m_dashboard)
        m_dashboard->deleteLater();
    // A switch starts from fresh access reviews: the clients live the whole run, their answers do not.
    m_clients->clearAccessCaches();
    m_window->setConnection(model::describeConnection(kube::Result<kube::RestConfig>(rest)));
    m_dashboard = new model::Dashboard(merged, rest, m_clients.get(), m_config, this);
    // The service's plans go with the dashboard they are made from; runs stay with the runner.
    auto* actions = new model::ServiceActions(m_dashboard->watched(), m_dashboard->connection(), m_runner.get(),
                                              m_registry.get(), m_dashboard);
    m_window->setDashboard(m_dashboard, actions);
    // The metrics of the service on screen, from the configuration's Prometheus (or the service's own).
    m_feed = new model::MetricFeed(model::MetricFeed::lookupIn(m_dashboard->watched(), m_config.prometheus),
                                   m_dashboard->connection()->client({}), m_dashboard);
    m_window->setMetricFeed(m_feed);
    m_notifications->setSource(m_dashboard->watched(), m_dashboard->connection());
    m_dashboard->start();
}

} // namespace app
