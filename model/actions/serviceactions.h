#pragma once

#include "model/actions/actionrunner.h"
#include "model/actions/groupdeploy.h"
#include "model/actions/swap.h"
#include "model/observe/slotdiffread.h"
#include "model/state/connection.h"
#include "model/state/watchedservices.h"

#include <QObject>
#include <QPointer>
#include <optional>

class QTimer;

namespace model {

// What the operator may do with one service right now: swap, roll back, repair, deploy. The
// buttons are decided whenever the service changes from what the dashboard's watches hold and
// access reviews the client may have cached (no reads), so a button is enabled only when the whole
// action would pass, and says why when it would not. When the person asks for an action it is
// planned again on fresh reads and fresh reviews (planFresh), and that plan is what they confirm;
// the execution re-checks it once more. Deploys are planned on request (the deploy dialog's
// Check). What is confirmed goes to the application's runner, so it runs to its end whatever the
// window does.
class ServiceActions : public QObject {
    Q_OBJECT

public:
    struct Availability {
        bool planned = false; // a plan has come back
        bool visible = false; // worth showing at all (rollback: a swap is recorded; repair: a split)
        bool enabled = false;
        std::string reason; // why not, in plain words
        std::optional<SwapPlan> plan;
    };

    // Plans for the service shown, from what `watched` holds, with the connection's clients;
    // `runner` (the application's) carries out what is confirmed.
    ServiceActions(WatchedServices* watched, Connection* connection, ActionRunner* runner,
                   oci::RegistryClient* registry, QObject* parent = nullptr);

    void setService(const std::string& name);
    const std::string& service() const { return m_service; }
    const Availability& availability(SwapPlan::Kind kind) const;
    // Deploying: whether the user may patch the staging slot's or the sandbox's Deployment.
    const Availability& deployAvailability() const { return m_deploy; }
    // An action that changes this service (or its group) is running.
    bool busy() const;
    // The newest action started on this service, running or finished, or nullptr.
    const Activity* latestActivity() const;
    // The newest action that changed this service, leaving out watches (the swap a watch follows).
    const Activity* latestChange() const;
    // The watch after a swap that found this service got worse, while nothing was started on it
    // since (the banner and its Roll back); nullptr otherwise.
    const Activity* failedWatch() const;
    // Why one would roll back the shown service now (SwapPlan::why); empty when nothing says so.
    std::string rollbackWhy() const;

    // Plans `kind` on fresh reads and fresh access reviews (what the confirm dialog shows); the
    // button's availability follows what it found.
    void planFresh(SwapPlan::Kind kind, std::function<void(SwapPlan)> done);

    // What differs between the slots each member of `plan` moves (live against staging; a swap or a rollback),
    // member by member: `done(index, answer)` once per member, never when `owner` is gone. For the confirm
    // dialog, which reads nothing itself.
    void readSwapDiffs(const SwapPlan& plan, QObject* owner, std::function<void(std::size_t, SlotDiffAnswer)> done);
    // What the deploy's Deployment runs now against what it will run.
    void readDeployDiff(const DeployPlan& plan, QObject* owner, std::function<void(SlotDiffAnswer)> done);

    // Hands a plan the user confirmed to the runner; returns the activity's id (0 when there is
    // nothing to run it on).
    int run(const SwapPlan& confirmed);

    // The service's group, itself included; empty when it has no group of its own.
    std::vector<ServiceSpec> deployGroup() const;
    void planDeploy(DeployTarget target, const std::string& image, std::function<void(DeployPlan)> done);
    // The same tag to every member of the group, each from its own repository.
    void planGroupDeploy(DeployTarget target, const std::string& tag, std::function<void(GroupDeployPlan)> done);
    // Hand confirmed deploy plans to the runner (following the rollout); the activity's id, 0 when
    // there is nothing to run them on.
    int runDeploy(const DeployPlan& confirmed);
    int runGroupDeploy(const GroupDeployPlan& confirmed);
    ActionRunner* runner() const { return m_runner; }
    // Decides the buttons again from what the watches hold (the console's Refresh).
    void replan();

Q_SIGNALS:
    void changed();
    // The service's newest activity moved on (a step, or its end).
    void activityChanged();

private:
    // Every plan on fresh reads: before the watches of the service's namespace have listed.
    void replanFresh(const ServiceState& state, int generation);
    void replanDeploy(const ServiceState& state, int generation);
    void take(Availability& slot, bool visible, SwapPlan plan);
    std::vector<ServiceSpec> swapGroup() const;
    Swapper* swapper();
    std::string fingerprint() const;
    kube::Client* clientForService() const;

    QPointer<WatchedServices> m_watched;
    QPointer<Connection> m_connection;
    QPointer<ActionRunner> m_runner;
    QPointer<oci::RegistryClient> m_registry;
    std::string m_service, m_ns;
    Availability m_swap, m_rollback, m_repair, m_deploy;
    QTimer* m_debounce;
    QPointer<Swapper> m_swapper;
    int m_generation = 0;
    std::string m_fingerprint;
};

} // namespace model
