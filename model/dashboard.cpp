#include "dashboard.h"

#include <QTimer>
#include <algorithm>

namespace model {

namespace {

std::string contextOr(const std::string& context, const std::string& fallback)
{
    return context.empty() ? fallback : context;
}

template <typename T, typename Parse> void collect(const kube::Informer* informer, Parse parse, std::vector<T>& out)
{
    if (!informer)
        return;
    for (const auto& [key, json] : informer->objects())
        if (auto typed = parse(json))
            out.push_back(std::move(typed).value());
}

// A namespace the server refuses to show (RBAC) or does not have: about that namespace only.
bool refusesNamespace(const kube::Informer& informer)
{
    const kube::Error& e = informer.lastError();
    return !informer.key().ns.empty() && e.kind == kube::Error::Kind::Api &&
           (e.httpStatus == 403 || e.httpStatus == 404);
}

QString noticeFor(const kube::Informer& informer, const std::string& context, bool otherContext)
{
    const QString ns = QString::fromStdString(informer.key().ns);
    const QString where = otherContext
                              ? QObject::tr("Namespace %1 (context %2)").arg(ns, QString::fromStdString(context))
                              : QObject::tr("Namespace %1").arg(ns);
    if (informer.lastError().httpStatus == 404)
        return QObject::tr("%1 does not exist on this cluster, so nothing is shown from it. Check the name "
                           "(-n NAME, the namespace field, the configuration file).")
            .arg(where);
    return QObject::tr("%1: you may not read it, so nothing is shown from it. If services of yours live there, ask a "
                       "cluster administrator for a viewer role in it; otherwise look in another namespace with "
                       "-n NAME or the namespace field.")
        .arg(where);
}

} // namespace

Dashboard::Dashboard(kube::Kubeconfig kubeconfig, kube::RestConfig current, kube::ClientPool* clients,
                     ServiceConfig config, QObject* parent)
    : QObject(parent), m_kubeconfig(std::move(kubeconfig)), m_current(std::move(current)), m_pool(clients),
      m_config(std::move(config)), m_pollSeconds(m_config.pollIntervalSeconds.value_or(0)),
      m_registry(new kube::InformerRegistry(this)), m_recompute(new QTimer(this)),
      m_health(new HealthMonitor([this](const HealthTarget& target,
                                        std::function<void(HealthResult)> done) { askHealth(target, std::move(done)); },
                                 this))
{
    connect(m_health, &HealthMonitor::resultsChanged, this, &Dashboard::applyHealth);
    m_recompute->setSingleShot(true);
    m_recompute->setInterval(30); // coalesces a burst of events into one derivation
    connect(m_recompute, &QTimer::timeout, this, &Dashboard::recompute);
}

Dashboard::~Dashboard() = default;

LogStream* Dashboard::openLogs(const std::string& service, char slot, const std::string& pod, const LogOptions& options,
                               QObject* parent)
{
    const ServiceState* st = this->service(service);
    if (!st)
        return nullptr;
    const SlotState& s = slot == 's' ? st->sandbox : st->slot(slot);
    if (!s.exists || s.podSelector.empty())
        return nullptr;
    const std::string context = slot == 's' ? contextOr(st->spec.sandboxContext, st->spec.context) : st->spec.context;
    LogSource source{s.ns, s.podSelector, pod,
                     service + " " + (slot == 's' ? std::string("sandbox") : "slot " + std::string(1, slot)) +
                         " (Deployment " + s.deployment + " in " + s.ns + ")"};
    return new LogStream(client(context), std::move(source), options, parent);
}

kube::Client* Dashboard::client(const std::string& context)
{
    const std::string name = contextOr(context, m_current.contextName);
    auto it = m_clients.find(name);
    if (it != m_clients.end())
        return it->second;
    kube::RestConfig config = m_current;
    if (name != m_current.contextName) {
        auto resolved = kube::resolveContext(m_kubeconfig, name, {});
        if (!resolved) {
            m_problem = QString::fromStdString(resolved.error().message);
            Q_EMIT connectionChanged();
            return nullptr;
        }
        config = resolved.value();
    }
    kube::Client* c = m_pool->client(config);
    connect(c->credentials(), &kube::CredentialProvider::pluginSaid, this,
            [this](const QString& plugin, const QString& line) {
                m_pluginName = plugin;
                m_pluginMessage = line;
                Q_EMIT connectionChanged();
            });
    m_clients.emplace(name, c);
    return c;
}

void Dashboard::askHealth(const HealthTarget& target, std::function<void(HealthResult)> done)
{
    HealthProber*& prober = m_probers[target.context];
    if (!prober) {
        kube::Client* c = client(target.context);
        if (!c) {
            HealthResult r;
            r.kind = HealthResult::Kind::Fail;
            r.target = target.name;
            r.service = target.service;
            r.sentence = "cannot be asked: the context " + target.context + " cannot be used";
            r.at = QDateTime::currentDateTimeUtc();
            done(std::move(r));
            return;
        }
        prober = new HealthProber(c, 8, this);
    }
    if (target.service)
        prober->checkService(target.object, target.spec, std::move(done));
    else
        prober->checkPod(target.pod, target.spec, std::move(done));
}

void Dashboard::applyHealth()
{
    for (auto& s : m_services)
        m_health->apply(s, contextOr(s.spec.context, m_current.contextName),
                        contextOr(s.spec.sandboxContext, contextOr(s.spec.context, m_current.contextName)));
    Q_EMIT servicesChanged();
}

std::vector<QString> Dashboard::healthNotices() const
{
    std::vector<QString> out;
    for (const auto& [scope, sentence] : m_health->refusals())
        out.push_back(QObject::tr("Health checks: %1; ask a cluster administrator for that grant in the namespace, "
                                  "until then the tiles say \"not allowed\".")
                          .arg(QString::fromStdString(sentence)));
    return out;
}

int Dashboard::healthPeakInFlight() const
{
    int peak = 0;
    for (const auto& [context, prober] : m_probers)
        peak = std::max(peak, prober->peakInFlight());
    return peak;
}

std::size_t Dashboard::informerCount() const
{
    return m_registry->size();
}

kube::Informer* Dashboard::makeInformer(const std::string& context, const kube::Resource& r, const std::string& ns,
                                        const std::string& selector)
{
    kube::Client* c = client(context);
    if (!c)
        return nullptr;
    kube::Informer* inf = m_registry->informer(c, {r, ns, selector});
    if (m_pollSeconds > 0 && inf->pollInterval() != m_pollSeconds * 1000)
        inf->setPollInterval(m_pollSeconds * 1000);
    for (const auto& existing : m_informers)
        if (existing.informer == inf)
            return inf;
    m_informers.push_back({contextOr(context, m_current.contextName), inf});
    connect(inf, &kube::Informer::added, this, &Dashboard::scheduleRecompute);
    connect(inf, &kube::Informer::modified, this, &Dashboard::scheduleRecompute);
    connect(inf, &kube::Informer::removed, this, &Dashboard::scheduleRecompute);
    connect(inf, &kube::Informer::synced, this, &Dashboard::scheduleRecompute);
    connect(inf, &kube::Informer::stateChanged, this, &Dashboard::updateConnection);
    return inf;
}

void Dashboard::start()
{
    const std::string ctx = m_current.contextName;
    if (kube::Client* c = client(ctx)) {
        c->whoAmI([self = QPointer<Dashboard>(this)](kube::Result<kube::UserInfo> who) {
            if (self && who) {
                self->m_user = QString::fromStdString(who->username);
                Q_EMIT self->connectionChanged();
            }
        });
    }
    // Cluster-wide discovery where RBAC allows it; otherwise the context's namespace and the
    // configured ones.
    m_discovery = makeInformer(ctx, kube::resources::services, "", serviceLabelKey);
    if (m_discovery)
        connect(m_discovery, &kube::Informer::stateChanged, this, [this] {
            if (m_discovery && !m_discovery->hasSynced() && m_discovery->lastError().httpStatus == 403 &&
                !m_discoveryFallback) {
                m_discoveryFallback = true;
                scheduleRecompute();
            }
        });
    watchNamespace(ctx, m_current.namespaceName);
    for (const auto& ns : m_config.namespaces)
        watchNamespace(ctx, ns);
    for (const auto& spec : m_config.services) {
        watchNamespace(spec.context, spec.ns);
        watchNamespace(spec.sandboxContext, spec.sandboxNamespace);
    }
    scheduleRecompute();
}

void Dashboard::setPollInterval(int seconds)
{
    m_pollSeconds = seconds;
    for (const auto& w : m_informers)
        if (w.informer)
            w.informer->setPollInterval(seconds * 1000);
}

void Dashboard::watchNamespace(const std::string& context, const std::string& ns)
{
    const std::string ctx = contextOr(context, m_current.contextName);
    if (ns.empty() || !m_namespaces[ctx].insert(ns).second)
        return;
    makeInformer(ctx, kube::resources::services, ns);
    makeInformer(ctx, kube::resources::deployments, ns);
    makeInformer(ctx, kube::resources::replicaSets, ns);
    makeInformer(ctx, kube::resources::pods, ns);
    makeInformer(ctx, kube::resources::events, ns);
    m_complete = false;
}

void Dashboard::scheduleRecompute()
{
    if (!m_recompute->isActive())
        m_recompute->start();
}

std::optional<SwapFacts> Dashboard::watchedSwapFacts(const std::string& name) const
{
    const ServiceState* st = service(name);
    if (!st)
        return std::nullopt;
    const std::string context = contextOr(st->spec.context, m_current.contextName);
    const kube::Informer* services = nullptr;
    const kube::Informer* deployments = nullptr;
    for (const auto& w : m_informers) {
        const kube::Informer* inf = w.informer.data();
        if (!inf || w.context != context || inf->key().ns != st->spec.ns || !inf->key().labelSelector.empty())
            continue;
        if (inf->key().resource.plural == "services")
            services = inf;
        else if (inf->key().resource.plural == "deployments")
            deployments = inf;
    }
    if (!services || !deployments || !services->hasSynced() || !deployments->hasSynced())
        return std::nullopt;
    auto held = [&st](const kube::Informer* inf, const std::string& object) -> const kube::Json* {
        const auto it = inf->objects().find(st->spec.ns + "/" + object);
        return it == inf->objects().end() ? nullptr : &it->second;
    };
    SwapFacts facts;
    if (const kube::Json* j = held(services, st->spec.liveService))
        if (auto svc = kube::parseService(*j)) {
            facts.liveHasAnnotations = svc->meta.hasAnnotationMap;
            facts.live = std::move(svc.value());
        }
    if (const kube::Json* j = held(services, st->spec.stagingService))
        if (auto svc = kube::parseService(*j))
            facts.staging = std::move(svc.value());
    for (char slot : {'a', 'b'})
        if (const kube::Json* j = held(deployments, st->spec.slotDeployment(slot)))
            if (auto d = kube::parseDeployment(*j))
                (slot == 'a' ? facts.a : facts.b) = std::move(d.value());
    return facts;
}

Snapshot Dashboard::snapshotOf(const std::string& context) const
{
    Snapshot snap;
    const auto it = m_namespaces.find(context);
    if (it == m_namespaces.end())
        return snap;
    for (const auto& w : m_informers) {
        const kube::Informer* inf = w.informer.data();
        if (!inf || w.context != context || inf->key().ns.empty() || !inf->key().labelSelector.empty() ||
            !it->second.count(inf->key().ns))
            continue;
        const std::string& plural = inf->key().resource.plural;
        if (plural == "deployments")
            collect(inf, kube::parseDeployment, snap.deployments);
        else if (plural == "replicasets")
            collect(inf, kube::parseReplicaSet, snap.replicaSets);
        else if (plural == "pods")
            collect(inf, kube::parsePod, snap.pods);
        else if (plural == "services")
            collect(inf, kube::parseService, snap.services);
        else if (plural == "events")
            collect(inf, kube::parseEvent, snap.events);
    }
    return snap;
}

void Dashboard::recompute()
{
    const std::string ctx = m_current.contextName;
    // Namespaces where labelled Services live, from cluster-wide discovery.
    if (m_discovery && m_discovery->hasSynced())
        for (const auto& [key, json] : m_discovery->objects())
            if (auto svc = kube::parseService(json))
                watchNamespace(ctx, svc->meta.ns);

    Snapshot production = snapshotOf(ctx);
    std::vector<ServiceSpec> discovered = discoverServices(production, ctx);
    std::vector<ServiceSpec> specs = mergeServices(m_config.services, discovered);
    for (const auto& spec : specs)
        watchNamespace(spec.sandboxContext, spec.sandboxNamespace);

    std::map<std::string, Snapshot> snapshots;
    snapshots.emplace(ctx, std::move(production));
    auto snapshotFor = [&](const std::string& context) -> const Snapshot& {
        const std::string c = contextOr(context, ctx);
        auto it = snapshots.find(c);
        if (it == snapshots.end())
            it = snapshots.emplace(c, snapshotOf(c)).first;
        return it->second;
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::vector<ServiceState> states;
    states.reserve(specs.size());
    std::vector<HealthTarget> targets;
    for (const auto& spec : specs) {
        const Snapshot& prod = snapshotFor(spec.context);
        const Snapshot& sandbox = snapshotFor(spec.sandboxContext);
        ServiceState st = deriveService(spec, prod, sandbox, now);
        std::vector<std::string> problems;
        st.healthSpec = healthSpecFor(spec, prod.service(spec.ns, spec.liveService), &problems);
        for (const auto& p : problems)
            st.anomalies.push_back({Anomaly::Severity::Info, "Health check of " + spec.name + ": " + p});
        if (st.healthSpec.configured()) {
            const std::string prodContext = contextOr(spec.context, ctx);
            const std::string sandboxContext = contextOr(spec.sandboxContext, prodContext);
            auto addPods = [&](const SlotState& slot, const Snapshot& snap, const std::string& context) {
                for (const auto& name : slot.pods)
                    for (const auto& pod : snap.pods)
                        if (pod.meta.ns == slot.ns && pod.meta.name == name)
                            targets.push_back({context, slot.ns, name, false, pod, {}, st.healthSpec});
            };
            addPods(st.a, prod, prodContext);
            addPods(st.b, prod, prodContext);
            addPods(st.sandbox, sandbox, sandboxContext);
            for (const std::string& name : {spec.liveService, spec.stagingService})
                if (const kube::Service* svc = prod.service(spec.ns, name))
                    targets.push_back({prodContext, spec.ns, name, true, {}, *svc, st.healthSpec});
        }
        states.push_back(std::move(st));
    }
    m_health->setTargets(std::move(targets));
    for (auto& st : states)
        m_health->apply(st, contextOr(st.spec.context, ctx),
                        contextOr(st.spec.sandboxContext, contextOr(st.spec.context, ctx)));
    m_services = std::move(states);
    m_lastUpdate = now;

    bool allSynced = true;
    for (const auto& w : m_informers) {
        const kube::Informer* inf = w.informer.data();
        if (!inf)
            continue;
        if (inf == m_discovery && m_discoveryFallback)
            continue;
        // A namespace the user may not read, or that does not exist, will not sync; it is
        // reported, and does not hold the rest of the picture back.
        const int status = inf->lastError().httpStatus;
        if (!inf->hasSynced() && status != 403 && status != 404)
            allSynced = false;
    }
    const bool wasComplete = m_complete;
    m_complete = allSynced;
    updateConnection();
    Q_EMIT servicesChanged();
    if (m_complete && !wasComplete)
        Q_EMIT completed();
}

void Dashboard::updateConnection()
{
    QDateTime since;
    QString problem;
    std::map<QString, QString> notices;
    for (const auto& w : m_informers) {
        const kube::Informer* inf = w.informer.data();
        if (!inf || inf->state() != kube::Informer::State::Disconnected)
            continue;
        // Cluster-wide discovery refused: the namespaces are watched one by one instead.
        if (inf == m_discovery && (m_discoveryFallback || inf->lastError().httpStatus == 403))
            continue;
        if (refusesNamespace(*inf)) {
            notices[QString::fromStdString(inf->key().ns)] =
                noticeFor(*inf, w.context, w.context != m_current.contextName);
            continue;
        }
        if (!since.isValid() || inf->disconnectedSince() < since) {
            since = inf->disconnectedSince();
            problem = QString::fromStdString(inf->lastError().message);
        }
    }
    if (since != m_disconnectedSince || problem != m_problem || notices != m_notices) {
        m_disconnectedSince = since;
        m_problem = problem;
        m_notices = std::move(notices);
        Q_EMIT connectionChanged();
    }
}

const ServiceState* Dashboard::service(const std::string& name) const
{
    for (const auto& s : m_services)
        if (s.spec.name == name)
            return &s;
    return nullptr;
}

} // namespace model
