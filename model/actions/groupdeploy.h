#pragma once

#include "model/actions/deploy.h"
#include "model/rules/rules.h"

#include <QObject>
#include <QPointer>

namespace model {

// How a group deploy ended: the outcome of the member it stopped at (or Done), and which members
// were deployed.
struct GroupDeployOutcome {
    DeployOutcome last; // Done/Started when every member was deployed
    std::vector<std::string> deployed;
    std::string message;
    bool ok() const { return deploySucceeded(last); }
};

// Deploys one tag to every member of a group: plans each (from its own repository), refuses all
// if any member fails, then deploys them one after another and stops at the first failure.
class GroupDeployer : public QObject {
    Q_OBJECT

public:
    GroupDeployer(kube::Client* client, oci::RegistryClient* registry, std::vector<ServiceSpec> members,
                  QObject* parent = nullptr);

    void plan(const std::string& service, DeployTarget target, const std::string& tag,
              std::function<void(GroupDeployPlan)> done);
    // `memberDone` hears each member's outcome as it ends; `done` the group's.
    void execute(const GroupDeployPlan& confirmed, bool wait, std::function<void(const std::string&)> progress,
                 std::function<void(const DeployPlan&, const DeployOutcome&)> memberDone,
                 std::function<void(GroupDeployOutcome)> done);

private:
    void planMember(std::size_t i, DeployTarget target, const std::string& tag, std::function<void(DeployPlan)> done);
    void deployNext(std::shared_ptr<struct GroupRun> run, std::size_t i);

    kube::Client* m_client;
    QPointer<oci::RegistryClient> m_registry;
    std::vector<ServiceSpec> m_members;
    std::vector<Deployer*> m_deployers;
};

} // namespace model
