#include "model/actions/groupdeploy.h"

#include "model/rules/join.h"
#include "model/rules/release.h"

#include <algorithm>

namespace model {

struct GroupRun {
    GroupDeployPlan plan;
    bool wait = false;
    std::function<void(const std::string&)> progress;
    std::function<void(const DeployPlan&, const DeployOutcome&)> memberDone;
    std::function<void(GroupDeployOutcome)> done;
    std::vector<std::string> deployed;
};

GroupDeployer::GroupDeployer(kube::Client* client, oci::RegistryClient* registry, std::vector<ServiceSpec> members,
                             QObject* parent)
    : QObject(parent), m_client(client), m_registry(registry), m_members(std::move(members))
{
    for (const auto& spec : m_members)
        m_deployers.push_back(new Deployer(client, registry, spec, this));
}

void GroupDeployer::plan(const std::string& service, DeployTarget target, const std::string& tag,
                         std::function<void(GroupDeployPlan)> done)
{
    auto plans = std::make_shared<std::vector<DeployPlan>>(m_members.size());
    const auto planOf = [](const ServiceSpec& spec) { return "the plan of " + spec.name; };
    // A member whose plan can no longer come is refused by name; when this went away (and its
    // Deployers with it), so did whoever asked.
    QPointer<GroupDeployer> self(this);
    auto join = Join::make([=, members = m_members](const Join::Result& r) {
        if (!r.complete() && !self)
            return;
        for (std::size_t i = 0; i < members.size(); ++i)
            if (r.lacks(planOf(members[i]))) {
                DeployPlan unanswered = noRepositoryPlan(target, members[i]);
                unanswered.badInput = false;
                unanswered.checks = {{Join::Result{{planOf(members[i])}}.error().message, false}};
                (*plans)[i] = std::move(unanswered);
            }
        done(planGroupDeploy(service, target, tag, *plans));
    });
    for (std::size_t i = 0; i < m_members.size(); ++i)
        planMember(i, target, tag, [plans, i, answered = join->part(planOf(m_members[i]))](DeployPlan p) {
            (*plans)[i] = std::move(p);
            answered();
        });
    join->seal();
}

void GroupDeployer::planMember(std::size_t i, DeployTarget target, const std::string& tag,
                               std::function<void(DeployPlan)> done)
{
    const ServiceSpec& spec = m_members[i];
    QPointer<GroupDeployer> self(this);
    // The configured repository, else the one the slot runs now (without tag or digest).
    auto start = [=, this](const std::string& repository) {
        if (!self)
            return;
        if (repository.empty()) {
            done(noRepositoryPlan(target, spec));
            return;
        }
        m_deployers[i]->plan(target, repository + ":" + tag, done);
    };
    if (!spec.imageRepository.empty()) {
        start(spec.imageRepository);
        return;
    }
    const bool sandbox = target == DeployTarget::Sandbox;
    m_client->getDeployment(sandbox ? spec.sandboxNamespace : spec.ns, sandbox ? spec.sandboxDeployment : spec.slotA,
                            [=](kube::Result<kube::Deployment> d) {
                                if (!d && d.error().kind == kube::Error::Kind::Decode) {
                                    // A field of the wrong type is not "no repository": say which.
                                    DeployPlan unread = noRepositoryPlan(target, spec);
                                    unread.badInput = false;
                                    unread.checks = {{d.error().message, false}};
                                    done(unread);
                                    return;
                                }
                                // Missing or refused: no repository to take from it.
                                std::optional<kube::Deployment> current;
                                if (d)
                                    current = std::move(d).value();
                                start(groupRepository(spec, current));
                            });
}

void GroupDeployer::execute(const GroupDeployPlan& confirmed, bool wait,
                            std::function<void(const std::string&)> progress,
                            std::function<void(const DeployPlan&, const DeployOutcome&)> memberDone,
                            std::function<void(GroupDeployOutcome)> done)
{
    auto run = std::make_shared<GroupRun>();
    run->plan = confirmed;
    run->wait = wait;
    run->progress = std::move(progress);
    run->memberDone = std::move(memberDone);
    run->done = std::move(done);
    if (!confirmed.allowed()) {
        const DeployPlan* f = confirmed.firstRefused();
        const Check* c = f ? f->firstFailure() : nullptr;
        GroupDeployOutcome o;
        o.last = {DeployOutcome::Status::Refused, "Refused: every member of the group must pass first."};
        o.message = f && c ? "Refused for " + f->service + ": " + c->text + ". Nothing was deployed." : o.last.message;
        run->done(o);
        return;
    }
    deployNext(run, 0);
}

void GroupDeployer::deployNext(std::shared_ptr<GroupRun> run, std::size_t i)
{
    const auto& members = run->plan.members;
    if (i == members.size()) {
        GroupDeployOutcome o;
        o.last = {DeployOutcome::Status::Done, ""};
        o.deployed = run->deployed;
        o.message = "Deployed group " + run->plan.group + " to " + targetName(run->plan.target) + " with tag " +
                    run->plan.tag + ".";
        run->done(o);
        return;
    }
    // The plans were made by this group deployer's own Deployers, in the same order.
    const auto it = std::find_if(m_members.begin(), m_members.end(), [&](const ServiceSpec& s) {
        return s.ns == members[i].spec.ns && s.name == members[i].service;
    });
    Deployer* deployer = it == m_members.end() ? nullptr : m_deployers[std::size_t(it - m_members.begin())];
    if (!deployer) {
        GroupDeployOutcome o;
        o.last = {DeployOutcome::Status::Refused, members[i].service + " is not a member of this group."};
        o.deployed = run->deployed;
        o.message = groupStopMessage(o.last.message, run->deployed);
        run->done(o);
        return;
    }
    QPointer<GroupDeployer> self(this);
    deployer->execute(members[i], run->wait, run->progress, [=, this](DeployOutcome outcome) {
        if (!self)
            return;
        run->memberDone(run->plan.members[i], outcome);
        if (!deploySucceeded(outcome)) {
            GroupDeployOutcome o;
            o.last = outcome;
            o.deployed = run->deployed;
            o.message = groupStopMessage(outcome.message, run->deployed);
            run->done(o);
            return;
        }
        run->deployed.push_back(run->plan.members[i].service);
        deployNext(run, i + 1);
    });
}

} // namespace model
