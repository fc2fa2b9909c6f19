#pragma once

#include "deploy.h"
#include "groupdeploy.h"
#include "swap.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <functional>
#include <string>
#include <vector>

namespace net {
class Transport;
}

namespace model {

// One deploy, swap, rollback or repair that was started, as the window lists it.
struct Activity {
    enum class State { Running, Succeeded, Failed };
    int id = 0;
    std::string verb; // as people say it: "swap", "roll back", "repair", "deploy"
    std::string ns, service;
    std::vector<std::string> services; // every service it changes (a swap's whole group)
    std::string title;                 // "Swap uro (with uro-frontend)"
    std::string user;                  // as the API server knows them
    std::string step;                  // the latest progress
    State state = State::Running;
    std::string message; // the outcome
    QDateTime started, finished;

    bool running() const { return state == State::Running; }
    bool touches(const std::string& ns, const std::string& service) const;
};

// Runs every deploy, swap, rollback and repair the person starts, for the whole life of the
// application: pages, dialogs and views come and go (another service, another context, a closed
// dialog), an action runs to its end, with its guards, its audit record and its notification,
// and its outcome stays here to be shown. Views only observe it.
class ActionRunner : public QObject {
    Q_OBJECT

public:
    // `transport` carries the chat notifications (the webhook of the configuration each action
    // is started with).
    explicit ActionRunner(net::Transport* transport, QObject* parent = nullptr);
    ~ActionRunner() override;

    // Executes a confirmed plan; the group is read afresh first, and the plan is checked again on
    // fresh reads. Returns the activity's id.
    int startSwap(kube::Client* client, const ServiceConfig& config, const SwapPlan& confirmed);
    // Executes a confirmed deploy plan and (with `wait`) follows its rollout.
    int startDeploy(kube::Client* client, oci::RegistryClient* registry, const ServiceConfig& config,
                    const DeployPlan& confirmed, bool wait);
    // Deploys every member of a confirmed group plan, one after another, stopping at the first
    // failure (its outcome says which members were deployed before it).
    int startGroupDeploy(kube::Client* client, oci::RegistryClient* registry, const ServiceConfig& config,
                         const GroupDeployPlan& confirmed, bool wait);

    const std::vector<Activity>& activities() const { return m_activities; }
    const Activity* activity(int id) const;
    // The newest activity that changes `service` in `ns` (running or not), or nullptr.
    const Activity* latestFor(const std::string& ns, const std::string& service) const;
    bool runningFor(const std::string& ns, const std::string& service) const;
    int runningCount() const;

    // Tests only: handed to each Swapper and Deployer this runner makes.
    struct Hooks {
        std::function<void(std::function<void()> resume)> betweenSwapPatches;
        std::function<void(std::function<void()> resume)> afterDeployPatch;
    };
    void setHooks(Hooks hooks) { m_hooks = std::move(hooks); }

Q_SIGNALS:
    void started(int id);
    void progressed(int id);
    void finished(int id);
    void deployFinished(int id, const model::DeployOutcome& outcome);

private:
    // Lists `a` as running and says so; its id.
    int begin(Activity a);
    Activity* find(int id);
    void step(int id, const std::string& text);
    void end(int id, bool ok, const std::string& message, const std::string& webhook);

    net::Transport* m_transport;
    std::vector<Activity> m_activities;
    int m_nextId = 1;
    Hooks m_hooks;
};

} // namespace model
