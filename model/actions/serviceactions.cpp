#include "model/actions/serviceactions.h"

#include "model/rules/join.h"
#include "model/rules/release.h"
#include "model/rules/rules.h"
#include "model/state/servicelookup.h"

#include <QPointer>
#include <QTimer>
#include <set>

namespace model {

namespace {

// The staging pods' health check as the dashboard's monitor last answered it, in the form a plan
// reads (model/rules.h), so the buttons need no probe of their own.
HealthFacts healthFromState(const ServiceState& s, const SwapFacts& facts)
{
    HealthFacts h;
    h.spec = s.healthSpec;
    bool both = false;
    const std::optional<Slot> staging =
        facts.staging ? selectedSlot(*facts.staging, facts.a, facts.b, &both) : std::nullopt;
    if (!h.spec.configured() || !staging)
        return h;
    for (const PodHealth& p : s.slot(*staging).podHealth) {
        HealthResult r = p.result;
        if (r.target.empty())
            r.target = p.pod;
        if (r.kind == HealthResult::Kind::Unknown && r.sentence.empty())
            r.sentence = "has not been asked yet";
        h.pods.push_back(std::move(r));
    }
    return h;
}

// Keeps the first failure that is not a 404, as a fresh plan's reads do.
void keepFirstError(SwapFacts& facts, const kube::Error& e)
{
    if (!facts.error && e.httpStatus != 404)
        facts.error = e;
}

// The three access reviews of member `i` of the group, answered by the client's kept answers where
// it has them; `answered` once all three have. A review that can no longer answer is the member's
// error, by name, so its plans fail on it.
void askMemberAccess(kube::Client* client, const ServiceSpec& spec, std::shared_ptr<std::vector<SwapFacts>> facts,
                     std::size_t i, std::function<void()> answered)
{
    auto member = Join::make([facts, i, answered](const Join::Result& r) {
        if (!r.complete())
            (*facts)[i].error = r.error();
        answered();
    });
    auto access = [&](const kube::Resource& res, const std::string& verb, const std::string& name,
                      bool SwapFacts::*flag, std::function<void()> reviewed) {
        client->checkAccess(
            {verb, res, spec.ns, name, {}},
            [facts, i, flag, reviewed](kube::Result<kube::AccessDecision> d) {
                if (d)
                    (*facts)[i].*flag = d->allowed;
                else
                    keepFirstError((*facts)[i], d.error());
                reviewed();
            },
            kube::Client::Freshness::MayCache);
    };
    access(kube::resources::services, "patch", spec.liveService, &SwapFacts::mayPatchLive,
           member->part("the access review to patch the Service " + spec.liveService));
    access(kube::resources::services, "patch", spec.stagingService, &SwapFacts::mayPatchStaging,
           member->part("the access review to patch the Service " + spec.stagingService));
    access(kube::resources::events, "create", {}, &SwapFacts::mayRecord,
           member->part("the access review to create Events in " + spec.ns));
    member->seal();
}

} // namespace

ServiceActions::ServiceActions(WatchedServices* watched, Connection* connection, ActionRunner* runner,
                               oci::RegistryClient* registry, QObject* parent)
    : QObject(parent), m_watched(watched), m_connection(connection), m_runner(runner), m_registry(registry),
      m_debounce(new QTimer(this))
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
    connect(watched, &WatchedServices::servicesChanged, this, [this] {
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
    const ServiceState* shown = m_watched ? m_watched->service(m_service) : nullptr;
    if (!shown)
        return {};
    // What the buttons are decided from: the service's and its group's slots, Services and health.
    std::string f;
    for (const ServiceSpec& spec : swapGroup()) {
        const ServiceState* s = m_watched->service(spec.name);
        if (!s)
            continue;
        f += spec.name + ":" + (s->live ? name(*s->live) : "-") + (s->staging ? name(*s->staging) : "-") +
             (s->liveServiceExists ? "L" : "") + (s->stagingServiceExists ? "S" : "");
        for (const SlotState* slot : {&s->a, &s->b, &s->sandbox}) {
            f += "|" + slot->image + "/" + std::to_string(slot->ready) + "/" + std::to_string(slot->desired) + "/" +
                 std::to_string(slot->updated) + "/" + std::to_string(static_cast<int>(slot->rollout)) + "/" +
                 std::to_string(static_cast<int>(slot->healthCheck.state));
            for (const PodHealth& p : slot->podHealth)
                f += "," + p.pod + "=" + std::to_string(static_cast<int>(p.result.kind)) + "/" +
                     std::to_string(p.result.status) + (p.result.forbidden ? "f" : "");
        }
        f += "|" + std::to_string(s->history.size()) + (s->swapRecorded ? "r" : "") + s->healthSpec.port + "\n";
    }
    return f;
}

void ServiceActions::setService(const std::string& name)
{
    if (name == m_service)
        return;
    m_service = name;
    const ServiceState* st = m_watched ? m_watched->service(name) : nullptr;
    m_ns = st ? st->spec.ns : std::string();
    m_swap = m_rollback = m_repair = m_deploy = {};
    ++m_generation;
    if (m_swapper)
        m_swapper->deleteLater();
    m_fingerprint = fingerprint();
    Q_EMIT changed();
    replan();
}

std::vector<ServiceSpec> ServiceActions::swapGroup() const
{
    // The members as the check at execute finds them again (groupOf), or it would refuse every time.
    if (!m_watched || !m_watched->service(m_service))
        return {};
    std::vector<ServiceSpec> specs;
    for (const auto& st : m_watched->services())
        specs.push_back(st.spec);
    return groupOf(specs, m_service);
}

Swapper* ServiceActions::swapper()
{
    const ServiceState* s = m_watched ? m_watched->service(m_service) : nullptr;
    kube::Client* client = s ? m_connection->client(s->spec.context) : nullptr;
    if (!client)
        return nullptr;
    if (m_swapper)
        m_swapper->deleteLater();
    m_swapper = new Swapper(client, swapGroup(), m_runner ? m_runner->seams() : nullptr, this);
    m_swapper->setPrometheus(m_watched->config().prometheus);
    return m_swapper;
}

void ServiceActions::take(Availability& slot, bool visible, SwapPlan plan)
{
    slot.planned = true;
    slot.visible = visible;
    // A swap whose only failures are evidence about staging (the health check, ...) opens the confirm
    // dialog, where the person may choose, explicitly, to swap without it.
    slot.enabled = plan.allowed() || plan.onlyEvidenceFails();
    const Check* f = plan.firstFailure();
    slot.reason = f ? f->text : std::string();
    slot.plan = std::move(plan);
    Q_EMIT changed();
}

void ServiceActions::replan()
{
    if (busy() || m_service.empty() || !m_watched)
        return;
    const ServiceState* s = m_watched->service(m_service);
    kube::Client* client = s ? m_connection->client(s->spec.context) : nullptr;
    if (!client)
        return;
    const int generation = ++m_generation;
    // Swap and rollback move the whole group, repair the service alone: the group covers all three.
    const std::vector<ServiceSpec> group = swapGroup();
    auto facts = std::make_shared<std::vector<SwapFacts>>();
    for (const ServiceSpec& spec : group) {
        std::optional<SwapFacts> watched = m_watched->watchedSwapFacts(spec.name);
        if (!watched) {
            replanFresh(*s, generation);
            return;
        }
        facts->push_back(std::move(*watched));
    }
    QPointer<ServiceActions> self(this);
    auto decide = [self, generation, group, facts] {
        if (!self || generation != self->m_generation || !self->m_watched)
            return;
        const ServiceState* shown = self->m_watched->service(self->m_service);
        if (!shown)
            return;
        for (std::size_t i = 0; i < group.size(); ++i)
            if (const ServiceState* member = self->m_watched->service(group[i].name))
                (*facts)[i].health = healthFromState(*member, (*facts)[i]);
        auto planOf = [&](SwapPlan::Kind kind) {
            const std::vector<ServiceSpec> members = swapMembers(kind, self->m_service, group);
            std::vector<SwapFacts> chosen;
            for (const ServiceSpec& m : members)
                for (std::size_t i = 0; i < group.size(); ++i)
                    if (group[i].name == m.name)
                        chosen.push_back((*facts)[i]);
            SwapPlan plan = planSwap(kind, self->m_service, members, chosen, std::nullopt);
            plan.user = self->m_connection->userName().toStdString();
            return plan;
        };
        const bool split = shown->live && shown->live == shown->staging;
        const bool recorded = shown->swapRecorded;
        self->take(self->m_swap, true, planOf(SwapPlan::Kind::Swap));
        self->take(self->m_rollback, recorded, planOf(SwapPlan::Kind::Rollback));
        self->take(self->m_repair, split, planOf(SwapPlan::Kind::Repair));
    };
    // Three questions per member and two for deploying, answered by the client's kept answers or
    // by one rules review per namespace (kept as long), asked first; a question the rules leave
    // open (an incomplete list) is asked on its own.
    auto ask = [self, client = QPointer<kube::Client>(client), generation, group, facts, decide] {
        if (!self || !client || generation != self->m_generation || !self->m_watched)
            return;
        const ServiceState* now = self->m_watched->service(self->m_service);
        if (!now)
            return;
        auto all = Join::make(decide);
        for (std::size_t i = 0; i < group.size(); ++i)
            askMemberAccess(client, group[i], facts, i, all->part("the access reviews of " + group[i].name));
        all->seal();
        self->replanDeploy(*now, generation);
    };
    std::set<std::string> namespaces{s->spec.sandboxNamespace};
    for (const ServiceSpec& spec : group)
        namespaces.insert(spec.ns);
    client->reviewRulesOf(namespaces, ask, kube::Client::Freshness::MayCache);
}

void ServiceActions::replanFresh(const ServiceState& state, int generation)
{
    Swapper* sw = swapper();
    if (!sw)
        return;
    const bool split = state.live && state.live == state.staging;
    const bool recorded = state.swapRecorded;
    auto into = [this, generation](Availability& slot, bool visible) {
        return [this, generation, &slot, visible](SwapPlan plan) {
            if (generation == m_generation)
                take(slot, visible, std::move(plan));
        };
    };
    sw->plan({SwapPlan::Kind::Swap, m_service}, into(m_swap, true));
    sw->plan({SwapPlan::Kind::Rollback, m_service}, into(m_rollback, recorded));
    sw->plan({SwapPlan::Kind::Repair, m_service}, into(m_repair, split));
    replanDeploy(state, generation);
}

// Why the person might roll back: the verdict of this window's watch that found live worse, else
// the newest entry of the history when it is such a verdict (a watch of another console), and the
// live slot's pods that fail the health check now.
std::string ServiceActions::rollbackWhy() const
{
    const ServiceState* s = m_watched ? m_watched->service(m_service) : nullptr;
    std::string verdict;
    if (const Activity* watch = failedWatch())
        verdict = watch->message;
    else if (s && !s->history.empty() && s->history.back().action == watchAction &&
             s->history.back().result.rfind("failed", 0) == 0)
        verdict = s->history.back().result;
    const SlotState* live = s ? s->liveSlot() : nullptr;
    return rollbackReason(verdict, live ? live->label() : std::string(),
                          live ? live->podHealth : std::vector<PodHealth>{});
}

void ServiceActions::planFresh(SwapPlan::Kind kind, std::function<void(SwapPlan)> done)
{
    Swapper* sw = busy() ? nullptr : swapper();
    if (!sw) {
        SwapPlan none;
        none.kind = kind;
        none.service = m_service;
        none.checks.push_back({"There is a connection to the service's cluster and nothing else runs on " + m_service +
                                   " (wait for it, or pick the context again)",
                               false});
        done(std::move(none));
        return;
    }
    const int generation = m_generation;
    const std::string service = m_service;
    QPointer<ServiceActions> self(this);
    sw->plan({kind, m_service}, [self, kind, generation, service, done = std::move(done)](SwapPlan plan) {
        if (self && generation == self->m_generation && service == self->m_service) {
            Availability& slot = kind == SwapPlan::Kind::Swap       ? self->m_swap
                                 : kind == SwapPlan::Kind::Rollback ? self->m_rollback
                                                                    : self->m_repair;
            self->take(slot, slot.visible || kind == SwapPlan::Kind::Swap, plan);
        }
        if (self && kind == SwapPlan::Kind::Rollback && service == self->m_service)
            plan.why = self->rollbackWhy();
        done(std::move(plan));
    });
}

void ServiceActions::replanDeploy(const ServiceState& state, int generation)
{
    // Deploy: the staging slot's Deployment (the slot the staging Service selects) or the sandbox.
    const ServiceState* s = &state;
    kube::Client* client = m_connection->client(s->spec.context);
    const std::optional<Slot> staging = s->staging != s->live ? s->staging : std::nullopt;
    struct Access {
        int left = 2;
        bool staging = false, sandbox = false;
    };
    auto access = std::make_shared<Access>();
    QPointer<ServiceActions> self(this);
    auto decided = [self, generation, access, staging, spec = s->spec] {
        if (--access->left > 0 || !self || generation != self->m_generation)
            return;
        Availability& deploy = self->m_deploy;
        deploy.planned = true;
        deploy.visible = true;
        deploy.enabled = access->staging || access->sandbox;
        deploy.reason = deploy.enabled ? std::string()
                        : staging ? "You may patch the Deployment " + spec.ns + "/" + spec.slotDeployment(*staging) +
                                        " or " + spec.sandboxNamespace + "/" + spec.sandboxDeployment
                                  : "There is no staging slot to deploy to, and you may not patch the sandbox";
        Q_EMIT self->changed();
    };
    const auto cached = kube::Client::Freshness::MayCache;
    if (staging)
        client->checkAccess(
            {"patch", kube::resources::deployments, s->spec.ns, s->spec.slotDeployment(*staging), {}},
            [access, decided](kube::Result<kube::AccessDecision> d) {
                access->staging = d && d->allowed;
                decided();
            },
            cached);
    else
        decided();
    client->checkAccess(
        {"patch", kube::resources::deployments, s->spec.sandboxNamespace, s->spec.sandboxDeployment, {}},
        [access, decided](kube::Result<kube::AccessDecision> d) {
            access->sandbox = d && d->allowed;
            decided();
        },
        cached);
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

const Activity* ServiceActions::latestChange() const
{
    return m_runner && !m_service.empty() ? m_runner->latestChangeFor(m_ns, m_service) : nullptr;
}

kube::Client* ServiceActions::clientForService() const
{
    const ServiceState* s = m_watched ? m_watched->service(m_service) : nullptr;
    return s ? m_connection->client(s->spec.context) : nullptr;
}

int ServiceActions::run(const SwapPlan& confirmed)
{
    kube::Client* client = clientForService();
    if (!client || !m_runner || busy())
        return 0;
    return m_runner->startSwap(client, m_watched->config(), confirmed);
}

std::vector<ServiceSpec> ServiceActions::deployGroup() const
{
    const ServiceState* s = m_watched ? m_watched->service(m_service) : nullptr;
    if (!s || s->spec.group.empty())
        return {};
    std::vector<ServiceSpec> specs;
    for (const auto& state : m_watched->services())
        specs.push_back(state.spec);
    return groupOf(specs, m_service);
}

void ServiceActions::planDeploy(DeployTarget target, const std::string& image, std::function<void(DeployPlan)> done)
{
    const ServiceState* s = m_watched ? m_watched->service(m_service) : nullptr;
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
    return m_runner->startDeploy(client, m_registry, m_watched->config(), confirmed, true);
}

int ServiceActions::runGroupDeploy(const GroupDeployPlan& confirmed)
{
    kube::Client* client = clientForService();
    if (!client || !m_runner)
        return 0;
    return m_runner->startGroupDeploy(client, m_registry, m_watched->config(), confirmed, true);
}

} // namespace model
