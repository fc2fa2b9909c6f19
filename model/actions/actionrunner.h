#pragma once

#include "model/actions/deploy.h"
#include "model/actions/groupdeploy.h"
#include "model/actions/swap.h"
#include "model/actions/watchedswap.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <functional>
#include <map>
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
    std::string verb; // as people say it: "swap", "roll back", "repair", "deploy", "watch"
    std::string ns, service;
    std::vector<std::string> services; // every service it changes (a swap's whole group)
    std::string title;                 // "Swap uro (with uro-frontend)"
    std::string user;                  // as the API server knows them
    std::string step;                  // the latest progress
    State state = State::Running;
    std::string message; // the outcome
    std::string detail;  // what it changed, in full (a swap: each member's live slot and image now)
    QDateTime started, finished;

    bool running() const { return state == State::Running; }
    bool touches(const std::string& ns, const std::string& service) const;
    // A watch after a swap reads and records, but moves nothing: it blocks no other action.
    bool watches() const { return verb == watchAction; }
};

// Runs every deploy, swap, rollback and repair the person starts, and the watch after each swap
// that succeeded (one per member, for `watchSeconds`), for the whole life of the
// application: pages, dialogs and views come and go (another service, another context, a closed
// dialog), an action runs to its end, with its guards, its audit record and its notification,
// and its outcome stays here to be shown. Views only observe it.
class ActionRunner : public QObject {
    Q_OBJECT

public:
    // `transport` carries the chat notifications (the webhook of the configuration each action
    // is started with). `seams`: where a test holds the actions this runner carries out (nullptr:
    // nowhere); they outlive the runner.
    explicit ActionRunner(net::Transport* transport, ActionSeams* seams = nullptr, QObject* parent = nullptr);
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

    // How long the new live slot is watched after a swap (0: not at all); the application sets it
    // from the settings (model/settings.h).
    void setWatchSeconds(int seconds) { m_watchSeconds = seconds; }
    int watchSeconds() const { return m_watchSeconds; }
    // Watches `spec`'s slot `slot` that a swap by `user` made live; returns the activity's id. The
    // verdict is recorded in the live Service's history; a failure is told to the webhook.
    int startWatch(kube::Client* client, const ServiceConfig& config, const ServiceSpec& spec, Slot slot,
                   const std::string& user, int seconds);
    // The newest watch of `service` that found it got worse, when nothing was started on the
    // service since; nullptr otherwise (what the banner shows).
    const Activity* failedWatch(const std::string& ns, const std::string& service) const;

    const std::vector<Activity>& activities() const { return m_activities; }
    const Activity* activity(int id) const;
    // The newest activity that changes `service` in `ns` (running or not), or nullptr.
    const Activity* latestFor(const std::string& ns, const std::string& service) const;
    // The same, leaving out watches: the newest action that changed `service` (a watch's swap).
    const Activity* latestChangeFor(const std::string& ns, const std::string& service) const;
    // An action that changes `service` runs (a watch does not count).
    bool runningFor(const std::string& ns, const std::string& service) const;
    // Running actions that change something: what closing the window waits for (a watch only reads).
    int runningCount() const;
    // Ends every running watch now, each with the verdict `why` ("ended when the window closed")
    // recorded in its live Service's history; `done` once every record was written or refused.
    void endWatches(const std::string& why, std::function<void()> done);

    // The seams handed to each executor this runner makes (nullptr: none).
    ActionSeams* seams() const { return m_seams; }

Q_SIGNALS:
    void started(int id);
    void progressed(int id);
    void finished(int id);
    void deployFinished(int id, const model::DeployOutcome& outcome);
    // A watch found the new live slot got worse (its activity has ended as failed).
    void watchFailed(int id);

private:
    // Lists `a` as running and says so; its id.
    int begin(Activity a);
    Activity* find(int id);
    void step(int id, const std::string& text);
    void end(int id, bool ok, const std::string& message, const std::string& webhook);
    // The watch `id` has its verdict and records it now: it is no longer running.
    void recordingWatch(int id);
    void watchEnded(int id, const WatchOutcome& outcome, const std::string& webhook);
    // Ends the watches running on any of `services` in `ns` (a new swap or rollback of them began).
    void stopWatches(const std::string& ns, const std::vector<std::string>& services, const std::string& why);

    net::Transport* m_transport;
    std::vector<Activity> m_activities;
    int m_nextId = 1;
    ActionSeams* m_seams;
    int m_watchSeconds = 0; // off until the application sets it
    struct RunningWatch {
        QPointer<WatchedSwap> watch;
        std::string liveService; // where its verdict is recorded
    };
    std::map<int, RunningWatch> m_watches; // running watches by activity id
};

} // namespace model
