#pragma once

#include "kube/client.h"
#include "model/rules/servicespec.h"
#include "model/state/servicelookup.h"
#include "net/transport.h"
#include "oci/registry.h"
#include "options.h"
#include "output.h"

#include <QObject>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cli {

// What every command works with: the options, one client on one transport, the registry client,
// and the services the lookup found. A command makes its objects as children of work(); they go
// before the client they send through.
class Session : public QObject {
public:
    Session(Options options, kube::RestConfig rest);
    ~Session() override;

    // Looks the services up, then runs the command.
    void start();

    const Options& options() const { return m_options; }
    kube::Client* client() { return &m_client; }
    oci::RegistryClient* registry() { return &m_registry; }
    QObject* work() { return m_work.get(); }
    const std::vector<model::ServiceSpec>& services() const { return m_services; }
    // The Services and Deployments the lookup listed.
    const std::shared_ptr<const model::Snapshot>& listed() const { return m_listed; }
    const model::ServiceSpec* find(const std::string& name) const;
    // The service the command names, or nullptr once it said why and the command ended.
    const model::ServiceSpec* requireService();

    // Who the API server says the user is, once a plan said it: the chat line names them.
    void setUser(std::string user) { m_user = std::move(user); }
    const std::string& user() const { return m_user; }

    // Says `e` and ends with its exit code.
    void fail(const kube::Error& e);
    // The plan as the person reads it, or as JSON.
    template <typename Plan> void showPlan(const Plan& plan) const
    {
        if (m_options.json)
            sayJson(plan.toJson());
        else
            write(stdout, plan.describe());
    }
    // Prints each step of an action ("... step"), not with -o json.
    std::function<void(const std::string&)> progressPrinter() const;
    // Tells the webhook (if any) `chatLine`, then ends with `code`.
    void finishWith(int code, const std::string& chatLine);
    // Prints how the action `verb` on `service` ended, tells the webhook and ends with `code`.
    void ended(int code, const std::string& message, const std::string& service, const std::string& verb);

private:
    void dispatch();

    Options m_options;
    kube::Transport m_transport;
    kube::Client m_client;
    oci::RegistryClient m_registry{&m_transport};
    std::unique_ptr<QObject> m_work = std::make_unique<QObject>(); // after the client: deleted before it
    std::vector<model::ServiceSpec> m_services;
    std::shared_ptr<const model::Snapshot> m_listed;
    std::string m_user;
};

} // namespace cli
