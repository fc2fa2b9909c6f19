#include "serviceactions.h"

#include "servicelookup.h"

#include <QTimer>

namespace model {

ServiceActions::ServiceActions(Dashboard* dashboard, ActionRunner* runner, oci::RegistryClient* registry,
                               QObject* parent)
    : QObject(parent), m_dashboard(dashboard), m_runner(runner), m_registry(registry), m_debounce(new QTimer(this))
{
    if (runner) {
        auto mine = [this](int id) {
            const Activity* a = m_runner ? m_runner->activity(id) : nullptr;
            return a && !m_service.empty() && a->touches(m_ns, m_service);
        };
        connect(runner, &ActionRunner::started, this, [this, mine](int id) {
            if (!mine(id))
                return;
            if (m_runner->activity(id)->watches()) {
                Q_EMIT activityChanged(); // a watch leaves every action as it was
                return;
            }
            m_swap.enabled = m_rollback.enabled = m_repair.enabled = false;
            Q_EMIT changed();
            Q_EMIT activityChanged();
        });
        connect(runner, &ActionRunner::progressed, this, [this, mine](int id) {
            if (mine(id))
                Q_EMIT activityChanged();
        });
        connect(runner, &ActionRunner::finished, this, [this, mine](int id) {
            if (!mine(id))
                return;
            Q_EMIT activityChanged();
            // The buttons come back with a plan made on what the action left behind.
            m_fingerprint = fingerprint();
            replan();
            Q_EMIT changed();
        });
    }
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &ServiceActions::replan);
    connect(dashboard, &Dashboard::servicesChanged, this, [this] {
        // Plans cost a dozen requests: plan again only when what they depend on changed.
        if (m_service.empty() || busy())
            return;
        const std::string now = fingerprint();
        if (now != m_fingerprint) {
            m_fingerprint = now;
            m_debounce->start();
        }
    });
}

const ServiceActions::Availability& ServiceActions::availability(SwapPlan::Kind kind) const
{
    return kind == SwapPlan::Kind::Swap ? m_swap : kind == SwapPlan::Kind::Rollback ? m_rollback : m_repair;
}

std::string ServiceActions::fingerprint() const
{
    const ServiceState* s = m_dashboard ? m_dashboard->service(m_service) : nullptr;
    if (!s)
        return {};
    std::string f = std::string(1, s->live ? s->live : '-') + (s->staging ? s->staging : '-');
    for (const SlotState* slot : {&s->a, &s->b, &s->sandbox})
        f += "|" + slot->image + "/" + std::to_string(slot->ready) + "/" + std::to_string(slot->desired) + "/" +
             std::to_string(static_cast<int>(slot->rollout));
    return f + "|" + std::to_string(s->history.size());
}

void ServiceActions::setService(const std::string& name)
{
    if (name == m_service)
        return;
    m_service = name;
    const ServiceState* st = m_dashboard ? m_dashboard->service(name) : nullptr;
    m_ns = st ? st->spec.ns : std::string();
    m_swap = m_rollback = m_repair = m_deploy = {};
    ++m_generation;
    if (m_swapper)
        m_swapper->deleteLater();
    m_fingerprint = fingerprint();
    Q_EMIT changed();
    replan();
}

Swapper* ServiceActions::swapper()
{
    const ServiceState* s = m_dashboard ? m_dashboard->service(m_service) : nullptr;
    kube::Client* client = s ? m_dashboard->client(s->spec.context) : nullptr;
    if (!client)
        return nullptr;
    std::vector<ServiceSpec> group;
    for (const auto& st : m_dashboard->services())
        if (st.spec.group == s->spec.group && st.spec.ns == s->spec.ns && st.spec.context == s->spec.context)
            group.push_back(st.spec);
    if (m_swapper)
        m_swapper->deleteLater();
    m_swapper = new Swapper(client, group, this);
    return m_swapper;
}

void ServiceActions::replan()
{
    if (busy() || m_service.empty())
        return;
    Swapper* sw = swapper();
    if (!sw)
        return;
    const ServiceState* s = m_dashboard->service(m_service);
    if (!s)
        return;
    const bool split = s && s->live && s->live == s->staging;
    const int generation = ++m_generation;
    auto take = [this, generation](Availability& slot, bool visible) {
        return [this, generation, &slot, visible](SwapPlan plan) {
            if (generation != m_generation)
                return;
            slot.planned = true;
            slot.visible = visible;
            // A swap whose only failure is the health check opens the confirm dialog, where the
            // person may choose, explicitly, to swap without it.
            slot.enabled = plan.allowed() || plan.onlyHealthCheckFails();
            const Check* f = plan.firstFailure();
            slot.reason = f ? f->text : std::string();
            slot.plan = std::move(plan);
            Q_EMIT changed();
        };
    };
    sw->plan(SwapPlan::Kind::Swap, m_service, 0, take(m_swap, true));
    const bool recorded = s->swapRecorded;
    sw->plan(SwapPlan::Kind::Rollback, m_service, 0, take(m_rollback, recorded));
    sw->plan(SwapPlan::Kind::Repair, m_service, 0, take(m_repair, split));
    replanDeploy(*s, generation);
}

void ServiceActions::replanDeploy(const ServiceState& state, int generation)
{
    // Deploy: the staging slot's Deployment (the slot the staging Service selects) or the sandbox.
    const ServiceState* s = &state;
    kube::Client* client = m_dashboard->client(s->spec.context);
    const char staging = s->staging && s->staging != s->live ? s->staging : 0;
    struct Access {
        int left = 2;
        bool staging = false, sandbox = false;
    };
    auto access = std::make_shared<Access>();
    auto decided = [this, generation, access, staging, spec = s->spec] {
        if (--access->left > 0 || generation != m_generation)
            return;
        m_deploy.planned = true;
        m_deploy.visible = true;
        m_deploy.enabled = access->staging || access->sandbox;
        m_deploy.reason = m_deploy.enabled ? std::string()
                          : staging ? "You may patch the Deployment " + spec.ns + "/" + spec.slotDeployment(staging) +
                                          " or " + spec.sandboxNamespace + "/" + spec.sandboxDeployment
                                    : "There is no staging slot to deploy to, and you may not patch the sandbox";
        Q_EMIT changed();
    };
    if (staging)
        client->checkAccess({"patch", kube::resources::deployments, s->spec.ns, s->spec.slotDeployment(staging), {}},
                            [access, decided](kube::Result<kube::AccessDecision> d) {
                                access->staging = d && d->allowed;
                                decided();
                            });
    else
        decided();
    client->checkAccess(
        {"patch", kube::resources::deployments, s->spec.sandboxNamespace, s->spec.sandboxDeployment, {}},
        [access, decided](kube::Result<kube::AccessDecision> d) {
            access->sandbox = d && d->allowed;
            decided();
        });
}

bool ServiceActions::busy() const
{
    return m_runner && !m_service.empty() && m_runner->runningFor(m_ns, m_service);
}

const Activity* ServiceActions::failedWatch() const
{
    return m_runner && !m_service.empty() ? m_runner->failedWatch(m_ns, m_service) : nullptr;
}

const Activity* ServiceActions::latestActivity() const
{
    return m_runner && !m_service.empty() ? m_runner->latestFor(m_ns, m_service) : nullptr;
}

kube::Client* ServiceActions::clientForService() const
{
    const ServiceState* s = m_dashboard ? m_dashboard->service(m_service) : nullptr;
    return s ? m_dashboard->client(s->spec.context) : nullptr;
}

int ServiceActions::run(const SwapPlan& confirmed)
{
    kube::Client* client = clientForService();
    if (!client || !m_runner || busy())
        return 0;
    return m_runner->startSwap(client, m_dashboard->config(), confirmed);
}

std::vector<ServiceSpec> ServiceActions::deployGroup() const
{
    const ServiceState* s = m_dashboard ? m_dashboard->service(m_service) : nullptr;
    if (!s || s->spec.group.empty())
        return {};
    std::vector<ServiceSpec> specs;
    for (const auto& state : m_dashboard->services())
        specs.push_back(state.spec);
    return groupOf(specs, m_service);
}

void ServiceActions::planDeploy(DeployTarget target, const std::string& image, std::function<void(DeployPlan)> done)
{
    const ServiceState* s = m_dashboard ? m_dashboard->service(m_service) : nullptr;
    kube::Client* client = clientForService();
    if (!s || !client) {
        DeployPlan none;
        none.service = m_service;
        none.checks.push_back({"There is a connection to the service's cluster (pick the context again)", false});
        done(std::move(none));
        return;
    }
    auto* deployer = new Deployer(client, m_registry, s->spec, this);
    deployer->plan(target, image, [deployer, done = std::move(done)](DeployPlan plan) {
        done(std::move(plan));
        deployer->deleteLater();
    });
}

void ServiceActions::planGroupDeploy(DeployTarget target, const std::string& tag,
                                     std::function<void(GroupDeployPlan)> done)
{
    kube::Client* client = clientForService();
    if (!client) {
        GroupDeployPlan none;
        none.service = m_service;
        done(std::move(none));
        return;
    }
    auto* group = new GroupDeployer(client, m_registry, deployGroup(), this);
    group->plan(m_service, target, tag, [group, done = std::move(done)](GroupDeployPlan plan) {
        done(std::move(plan));
        group->deleteLater();
    });
}

int ServiceActions::runDeploy(const DeployPlan& confirmed)
{
    kube::Client* client = clientForService();
    if (!client || !m_runner)
        return 0;
    return m_runner->startDeploy(client, m_registry, m_dashboard->config(), confirmed, true);
}

int ServiceActions::runGroupDeploy(const GroupDeployPlan& confirmed)
{
    kube::Client* client = clientForService();
    if (!client || !m_runner)
        return 0;
    return m_runner->startGroupDeploy(client, m_registry, m_dashboard->config(), confirmed, true);
}

} // namespace model
