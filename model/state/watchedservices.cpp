#include "model/state/watchedservices.h"

#include "model/observe/authorpolicy.h"
#include "model/state/connection.h"
#include "model/state/healthchecks.h"

#include <QTimer>

namespace model {

namespace {

// Services derived in one turn of the event loop (about 20 ms here for 250).
constexpr std::size_t deriveBatch = 250;

std::string contextOr(const std::string& context, const std::string& fallback)
{
    return context.empty() ? fallback : context;
}

const kube::Resource* resourceOf(const std::string& plural)
{
    for (const auto& [name, resource] : plannedResources())
        if (name == plural)
            return resource;
    return nullptr;
}

QString noticeFor(const std::string& ns, bool missing, const std::string& context, bool otherContext)
{
    const QString n = QString::fromStdString(ns);
    const QString where = otherContext
                              ? QObject::tr("Namespace %1 (context %2)").arg(n, QString::fromStdString(context))
                              : QObject::tr("Namespace %1").arg(n);
    if (missing)
        return QObject::tr("%1 does not exist on this cluster, so nothing is shown from it. Check the name "
                           "(-n NAME, the namespace field, the configuration file).")
            .arg(where);
    return QObject::tr("%1: you may not read it, so nothing is shown from it. If services of yours live there, ask a "
                       "cluster administrator for a viewer role in it; otherwise look in another namespace with "
                       "-n NAME or the namespace field.")
        .arg(where);
}

} // namespace

WatchedServices::WatchedServices(Connection* connection, HealthChecks* health, ServiceConfig config, QObject* parent)
    : QObject(parent), m_connection(connection), m_health(health), m_config(std::move(config)),
      m_pollSeconds(m_config.pollIntervalSeconds.value_or(0)), m_registry(new kube::InformerRegistry(this)),
      m_probe(new QTimer(this)), m_cache(connection->current().contextName, m_config.services),
      m_recompute(new QTimer(this))
{
    connect(m_health->monitor(), &HealthMonitor::resultsChanged, this, &WatchedServices::applyHealth);
    connect(m_connection, &Connection::grantsAnswered, this, &WatchedServices::grantsAnswered);
    m_recompute->setSingleShot(true);
    m_recompute->setInterval(30); // coalesces a burst of events into one derivation
    connect(m_recompute, &QTimer::timeout, this, &WatchedServices::recompute);
    m_probe->setSingleShot(true);
    m_probe->setInterval(30000);
    connect(m_probe, &QTimer::timeout, this, &WatchedServices::probeAbsent);
    m_cache.setDerivedHook([this](ServiceState& st, const Snapshot& production, const Snapshot& sandbox) {
        m_health->derived(st, production, sandbox);
    });
}

const std::string& WatchedServices::currentContext() const
{
    return m_connection->current().contextName;
}

void WatchedServices::start()
{
    const std::string& ctx = currentContext();
    // What the user may list and watch cluster-wide decides the plan: asked once per context.
    askGrants(ctx);
    for (const auto& spec : m_config.services) {
        askGrants(contextOr(spec.context, ctx));
        askGrants(contextOr(spec.sandboxContext, contextOr(spec.context, ctx)));
    }
    scheduleRecompute();
}

void WatchedServices::askGrants(const std::string& context)
{
    m_contexts[context];
    if (m_connection->grants(context).asked)
        return;
    kube::Client* c = m_connection->client(context);
    if (!c)
        return;
    // Whether the API server checks who writes a history: read once per context and kept; the
    // services there are judged again when the answer comes.
    readAuthorPolicy(c, [self = QPointer<WatchedServices>(this), context](AuthorPolicy policy) {
        if (!self)
            return;
        self->m_cache.setAuthorPolicy(context, std::move(policy));
        self->scheduleRecompute();
    });
    m_connection->askGrants(context);
}

void WatchedServices::grantsAnswered(const std::string& context)
{
    m_contexts[context].facts.clusterWide = m_connection->grants(context).clusterWide;
    m_planDirty = true;
    scheduleRecompute();
}

void WatchedServices::applyHealth()
{
    std::vector<std::string> changed;
    for (auto& s : m_cache.states()) {
        if (m_health->refill(s)) {
            s.revision = m_cache.nextRevision();
            changed.push_back(s.spec.name);
        }
    }
    Q_EMIT servicesChanged(changed);
}

std::size_t WatchedServices::informerCount() const
{
    return m_registry->size();
}

std::vector<WatchKey> WatchedServices::watches() const
{
    std::vector<WatchKey> out;
    for (const auto& [key, informer] : m_watches)
        if (informer)
            out.push_back(key);
    return out;
}

kube::Informer* WatchedServices::makeInformer(const WatchKey& key)
{
    const kube::Resource* resource = resourceOf(key.resource);
    kube::Client* c = resource ? m_connection->client(key.context) : nullptr;
    if (!c)
        return nullptr;
    kube::Informer::Key ik{*resource, key.ns, key.labelSelector, key.fieldSelector};
    // The typed cache keeps what is read; the informer keeps only resourceVersions.
    ik.keepObjects = false;
    // Large lists come in pages (as client-go's reflector asks for them), each decoded on its own.
    ik.pageSize = 250;
    kube::Informer* inf = m_registry->informer(c, ik);
    if (m_pollSeconds > 0 && inf->pollInterval() != m_pollSeconds * 1000)
        inf->setPollInterval(m_pollSeconds * 1000);
    const bool clusterWide = key.ns.empty();
    if (key.resource == namespacesPlural) {
        auto seen = [this, context = key.context](bool present) {
            return [this, context, present](const kube::Json& object) {
                auto meta = kube::parseMeta(object);
                if (!meta)
                    return;
                auto& facts = m_contexts[context].facts;
                if (present ? facts.existing.insert(meta->name).second : facts.existing.erase(meta->name) > 0) {
                    m_planDirty = true;
                    scheduleRecompute();
                }
            };
        };
        connect(inf, &kube::Informer::added, this, seen(true));
        connect(inf, &kube::Informer::removed, this, seen(false));
        connect(inf, &kube::Informer::synced, this, [this, context = key.context] {
            ContextState& cs = m_contexts[context];
            if (!cs.namespacesSynced) {
                cs.namespacesSynced = true;
                m_planDirty = true;
            }
            scheduleRecompute();
        });
    } else {
        if (!clusterWide)
            m_cache.setNamespaced(key.context, key.resource, key.ns, true);
        auto change = [this, key, clusterWide](ServiceCache::Change kind) {
            return [this, key, clusterWide, kind](const kube::Json& object) {
                m_cache.apply(key.context, key.resource, kind, object, clusterWide);
                scheduleRecompute();
            };
        };
        connect(inf, &kube::Informer::added, this, change(ServiceCache::Change::Added));
        connect(inf, &kube::Informer::modified, this, change(ServiceCache::Change::Modified));
        connect(inf, &kube::Informer::removed, this, change(ServiceCache::Change::Removed));
        if (key == clusterKeyFor(key.context, deploymentsPlural))
            // Once listed, the sandboxes it found decide which namespaces need informers of their own.
            connect(inf, &kube::Informer::synced, this, &WatchedServices::replanSoon);
        else
            connect(inf, &kube::Informer::synced, this, &WatchedServices::scheduleRecompute);
    }
    connect(inf, &kube::Informer::stateChanged, this, [this, key] { informerStateChanged(key); });
    return inf;
}

void WatchedServices::dropInformer(const WatchKey& key)
{
    auto it = m_watches.find(key);
    if (it == m_watches.end())
        return;
    if (kube::Informer* inf = it->second) {
        inf->disconnect(this);
        m_registry->release(inf);
    }
    if (!key.ns.empty() && key.resource != namespacesPlural) {
        const bool covered = m_watches.count(clusterKeyFor(key.context, key.resource)) > 0;
        // Events carry no labels: a cluster-wide informer of warnings covers every one kept here.
        m_cache.setNamespaced(key.context, key.resource, key.ns, false,
                              covered ? clusterSelectorFor(key.resource) : std::string(),
                              covered && key.resource == eventsPlural);
    }
    m_watches.erase(it);
}

std::set<std::string> WatchedServices::namedNamespaces(const std::string& context) const
{
    std::set<std::string> out;
    const kube::RestConfig& current = m_connection->current();
    if (context == current.contextName) {
        if (!current.namespaceName.empty())
            out.insert(current.namespaceName);
        out.insert(m_config.namespaces.begin(), m_config.namespaces.end());
    }
    for (const auto& spec : m_cache.specs())
        if (contextOr(spec.context, current.contextName) == context)
            out.insert(spec.ns);
    for (const auto& spec : m_config.services)
        if (contextOr(spec.context, current.contextName) == context)
            out.insert(spec.ns);
    return out;
}

void WatchedServices::informerStateChanged(const WatchKey& key)
{
    auto it = m_watches.find(key);
    const kube::Informer* inf = it == m_watches.end() ? nullptr : it->second.data();
    if (inf && inf->state() == kube::Informer::State::Disconnected && inf->lastError().kind == kube::Error::Kind::Api) {
        const int status = inf->lastError().httpStatus;
        ContextState& cs = m_contexts[key.context];
        if (key.ns.empty() && status == 403 && cs.facts.clusterWide.erase(key.resource)) {
            // The review said yes, the server says no: per namespace, then.
            m_planDirty = true;
            scheduleRecompute();
        } else if (!key.ns.empty() && status == 404 && !namedNamespaces(key.context).count(key.ns) &&
                   cs.facts.absent.insert(key.ns).second) {
            // A sandbox namespace that is not there (yet): not watched, asked again slowly.
            m_planDirty = true;
            scheduleRecompute();
        }
    }
    updateConnection();
}

void WatchedServices::setPollInterval(int seconds)
{
    m_pollSeconds = seconds;
    for (const auto& [key, informer] : m_watches)
        if (informer)
            informer->setPollInterval(seconds * 1000);
}

void WatchedServices::scheduleRecompute()
{
    if (!m_recompute->isActive())
        m_recompute->start();
}

std::optional<SwapFacts> WatchedServices::watchedSwapFacts(const std::string& name) const
{
    const ServiceState* st = service(name);
    // Until every informer has listed once, what the cache lacks may only be late.
    if (!st || !m_complete)
        return std::nullopt;
    const std::string& context = st->spec.context;
    SwapFacts facts;
    if (const kube::Service* live = m_cache.service(context, st->spec.ns, st->spec.liveService)) {
        facts.liveHasAnnotations = live->meta.hasAnnotationMap;
        facts.live = *live;
    }
    if (const kube::Service* staging = m_cache.service(context, st->spec.ns, st->spec.stagingService))
        facts.staging = *staging;
    for (Slot slot : {Slot::A, Slot::B})
        if (const kube::Deployment* d = m_cache.deployment(context, st->spec.ns, st->spec.slotDeployment(slot)))
            bySlot(slot, facts.a, facts.b) = *d;
    return facts;
}

void WatchedServices::replan()
{
    const std::string& ctx = currentContext();
    WatchPlanInput input;
    input.currentContext = ctx;
    input.services = m_cache.specs();
    for (const auto& spec : input.services) {
        askGrants(contextOr(spec.context, ctx));
        askGrants(contextOr(spec.sandboxContext, contextOr(spec.context, ctx)));
    }
    std::set<std::string> ready;
    for (const auto& [context, cs] : m_contexts) {
        const Connection::Grants grants = m_connection->grants(context);
        if (!grants.asked || grants.pending > 0)
            continue;
        ready.insert(context);
        ContextFacts facts = cs.facts;
        // Until the namespaces have been listed, none is known to exist: nothing is watched per
        // namespace rather than everything.
        facts.namespacesKnown = facts.clusterWide.count(namespacesPlural) > 0;
        auto wide = m_watches.find(clusterKeyFor(context, deploymentsPlural));
        facts.labelledSynced = wide != m_watches.end() && wide->second && wide->second->hasSynced();
        input.contexts[context] = std::move(facts);
    }
    for (const auto& [context, cs] : m_contexts)
        input.lookIn[context] = namedNamespaces(context);

    std::set<WatchKey> wanted;
    for (const WatchKey& key : planWatches(input))
        if (ready.count(key.context))
            wanted.insert(key);
    // While a context's grants are being asked, the namespaces the user named are watched as they
    // would be without any cluster-wide grant, so what is shown first does not wait for the answers.
    for (const auto& [context, cs] : m_contexts) {
        if (ready.count(context))
            continue;
        WatchPlanInput early;
        early.currentContext = context;
        early.lookIn[context] = input.lookIn[context];
        for (const WatchKey& key : planWatches(early))
            wanted.insert(key);
    }
    for (const auto& key : wanted)
        if (!m_watches.count(key))
            if (kube::Informer* inf = makeInformer(key))
                m_watches.emplace(key, inf);
    std::vector<WatchKey> gone;
    for (const auto& [key, informer] : m_watches) {
        if (wanted.count(key))
            continue;
        // A namespace's informer that a cluster-wide one replaces stays until that one has listed.
        auto wide = m_watches.find(clusterKeyFor(key.context, key.resource));
        if (!key.ns.empty() && wide != m_watches.end() && wide->second && !wide->second->hasSynced()) {
            connect(wide->second, &kube::Informer::synced, this, &WatchedServices::replanSoon, Qt::UniqueConnection);
            continue;
        }
        gone.push_back(key);
    }
    for (const auto& key : gone)
        dropInformer(key);

    bool absent = false;
    for (const auto& [context, cs] : m_contexts)
        absent = absent || !cs.facts.absent.empty();
    if (absent && !m_probe->isActive())
        m_probe->start();
}

bool WatchedServices::updateLabelledSandboxes()
{
    std::map<std::string, std::set<std::pair<std::string, std::string>>> found;
    for (const auto& spec : m_cache.specs()) {
        if (spec.sandboxNamespace.empty())
            continue;
        const std::string context = contextOr(spec.sandboxContext, contextOr(spec.context, currentContext()));
        if (m_cache.hasLabelledDeployment(context, spec.sandboxNamespace, spec.sandboxDeployment, serviceLabelKey))
            found[context].insert({spec.sandboxNamespace, spec.name});
    }
    std::map<std::string, std::set<std::string>> unlabelled;
    for (const auto& spec : m_cache.specs()) {
        const std::string context = contextOr(spec.context, currentContext());
        for (Slot slot : {Slot::A, Slot::B})
            if (const kube::Deployment* d = m_cache.deployment(context, spec.ns, spec.slotDeployment(slot)))
                if (!d->podTemplate.labels.count(serviceLabelKey))
                    unlabelled[context].insert(spec.ns);
    }
    bool changed = false;
    for (auto& [context, cs] : m_contexts) {
        auto& now = found[context];
        if (cs.facts.labelledSandboxes != now) {
            cs.facts.labelledSandboxes = std::move(now);
            changed = true;
        }
        auto& pods = unlabelled[context];
        if (cs.facts.unlabelledPods != pods) {
            cs.facts.unlabelledPods = std::move(pods);
            changed = true;
        }
    }
    return changed;
}

void WatchedServices::replanSoon()
{
    m_planDirty = true;
    scheduleRecompute();
}

void WatchedServices::probeAbsent()
{
    for (auto& [context, cs] : m_contexts) {
        kube::Client* c = m_connection->client(context);
        if (!c)
            continue;
        for (const std::string& ns : cs.facts.absent) {
            kube::ListOptions one;
            one.limit = 1;
            c->listDeployments(
                ns, one,
                [self = QPointer<WatchedServices>(this), context, ns](kube::Result<std::vector<kube::Deployment>> r) {
                    if (!self)
                        return;
                    ContextState& s = self->m_contexts[context];
                    if (!r && r.error().httpStatus == 404) {
                        if (!self->m_probe->isActive())
                            self->m_probe->start();
                        return;
                    }
                    if (s.facts.absent.erase(ns)) {
                        self->m_planDirty = true;
                        self->scheduleRecompute();
                    }
                });
        }
    }
}

bool WatchedServices::firstLists(bool planInputsOnly) const
{
    if (m_shown)
        return false;
    for (const auto& [key, informer] : m_watches) {
        const kube::Informer* inf = informer.data();
        if (planInputsOnly && key.resource != namespacesPlural &&
            !(key == clusterKeyFor(key.context, deploymentsPlural)) &&
            !(key == clusterKeyFor(key.context, servicesPlural)))
            continue;
        // One that failed does not hold the picture back: what there is is shown, with the error.
        if (inf && !inf->hasSynced() && inf->state() == kube::Informer::State::Connecting)
            return true;
    }
    return false;
}

void WatchedServices::recompute()
{
    // During the first load the cache takes each page in as it comes, and the work waits for the
    // lists: the plan for the namespaces and Deployments, the services for everything. So the
    // overview is laid out once, not after every page.
    if (firstLists(true))
        return;
    if (m_cache.refreshSpecs())
        m_planDirty = true;
    if (updateLabelledSandboxes())
        m_planDirty = true;
    if (m_planDirty) {
        m_planDirty = false;
        replan();
    }
    if (firstLists(false))
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // During the first load: a few hundred services at a time, so that a thousand do not hold the
    // event loop (the rest in the next turn), all told together once all are derived; until then
    // services() is empty, so nothing half-derived is shown or acted on.
    std::vector<std::string> changed = m_cache.derive(now, m_shown ? SIZE_MAX : deriveBatch);
    if (m_cache.dirty())
        QMetaObject::invokeMethod(this, &WatchedServices::recompute, Qt::QueuedConnection);
    if (!m_shown) {
        if (m_cache.dirty())
            return;
        if (!changed.empty()) {
            // The last batch took this turn; the first picture is told in the next.
            QMetaObject::invokeMethod(this, &WatchedServices::recompute, Qt::QueuedConnection);
            return;
        }
        // Nothing was told before: the first picture names every service.
        for (const auto& spec : m_cache.specs())
            changed.push_back(spec.name);
        m_shown = true;
    }
    if (!changed.empty()) {
        m_health->keepTargets(m_cache.specs());
    }
    m_lastUpdate = now;

    const bool wasComplete = m_complete;
    m_complete = allSynced();
    updateConnection();
    if (!changed.empty() || m_complete != wasComplete)
        Q_EMIT servicesChanged(changed);
    if (m_complete && !wasComplete)
        Q_EMIT completed();
}

bool WatchedServices::allSynced() const
{
    if (m_cache.dirty())
        return false;
    // A context without a client (it cannot be used) is reported as such, and not waited for.
    for (const auto& [context, cs] : m_contexts) {
        const Connection::Grants grants = m_connection->grants(context);
        if (grants.asked &&
            (grants.pending > 0 || (cs.facts.clusterWide.count(namespacesPlural) && !cs.namespacesSynced)))
            return false;
    }
    for (const auto& [key, informer] : m_watches) {
        const kube::Informer* inf = informer.data();
        if (!inf)
            continue;
        // A namespace the user may not read, or that does not exist, will not sync; it is
        // reported, and does not hold the rest of the picture back.
        const int status = inf->lastError().httpStatus;
        if (!inf->hasSynced() && status != 403 && status != 404)
            return false;
    }
    return true;
}

void WatchedServices::updateConnection()
{
    QDateTime since;
    QString problem;
    std::map<QString, QString> notices;
    for (const auto& [key, informer] : m_watches) {
        const kube::Informer* inf = informer.data();
        if (!inf || inf->state() != kube::Informer::State::Disconnected)
            continue;
        const kube::Error& e = inf->lastError();
        const bool refused = e.kind == kube::Error::Kind::Api && (e.httpStatus == 403 || e.httpStatus == 404);
        // Refused cluster-wide: the plan goes per namespace instead.
        if (key.ns.empty() && refused && e.httpStatus == 403)
            continue;
        if (!key.ns.empty() && refused) {
            // A namespace that is not there is only a notice when the user named it.
            if (e.httpStatus == 404 && !namedNamespaces(key.context).count(key.ns))
                continue;
            notices[QString::fromStdString(key.ns)] =
                noticeFor(key.ns, e.httpStatus == 404, key.context, key.context != currentContext());
            continue;
        }
        if (!since.isValid() || inf->disconnectedSince() < since) {
            since = inf->disconnectedSince();
            problem = QString::fromStdString(e.message);
        }
    }
    // Where the namespaces are known, a named one that is missing is said without asking.
    for (const auto& [context, cs] : m_contexts) {
        if (!cs.namespacesSynced)
            continue;
        for (const auto& ns : namedNamespaces(context))
            if (!ns.empty() && !cs.facts.existing.count(ns))
                notices[QString::fromStdString(ns)] = noticeFor(ns, true, context, context != currentContext());
    }
    m_connection->setReadState(since, problem, std::move(notices));
}

const std::vector<ServiceState>& WatchedServices::services() const
{
    static const std::vector<ServiceState> none;
    return m_shown ? m_cache.states() : none;
}

const ServiceState* WatchedServices::service(const std::string& name) const
{
    for (const auto& s : services())
        if (s.spec.name == name)
            return &s;
    return nullptr;
}

} // namespace model
