#include "model/state/servicecache.h"

#include "model/state/watchplan.h"

#include <algorithm>

namespace model {

namespace {

bool ownedByAny(const kube::ObjectMeta& meta, const std::vector<std::string>& deployments)
{
    for (const auto& o : meta.ownerReferences)
        if (o.kind == "Deployment" && std::find(deployments.begin(), deployments.end(), o.name) != deployments.end())
            return true;
    return false;
}

// Pods, ReplicaSets and Events of a Deployment are named after it: NAME, NAME-HASH, NAME-HASH-ID.
bool namedAfterAny(const std::string& name, const std::vector<std::string>& deployments)
{
    for (const auto& d : deployments)
        if (name == d || (name.size() > d.size() && name.compare(0, d.size(), d) == 0 && name[d.size()] == '-'))
            return true;
    return false;
}

std::string keyOf(const ServiceSpec& spec)
{
    return spec.context + "/" + spec.ns + "/" + spec.name;
}

// Whether a change to this object can change which services are discovered.
bool discoveryReads(const kube::ObjectMeta& meta)
{
    return meta.labels.count(serviceLabelKey) > 0;
}

// Stores `object` in `store` by `name` (parsed, then slimmed), or erases it when `removed`;
// `touchWith` marks the services the object concerns, before and after. True when the change
// alters what discovery reads (`discovering`: the object is one discovery looks at).
template <typename Store, typename Parse, typename Slim, typename Touch>
bool storeObject(Store& store, const std::string& name, bool removed, const kube::Json& object, bool discovering,
                 Parse parse, Slim slim, Touch touchWith)
{
    auto old = store.find(name);
    if (old != store.end())
        touchWith(old->second);
    if (removed) {
        if (old == store.end())
            return false;
        const bool dirty = discovering && discoveryReads(old->second.meta);
        store.erase(old);
        return dirty;
    }
    auto typed = parse(object);
    if (!typed)
        return false;
    auto value = std::move(typed).value();
    slim(value);
    touchWith(value);
    const bool dirty = discovering &&
                       (discoveryReads(value.meta) || (old != store.end() && discoveryReads(old->second.meta))) &&
                       (old == store.end() || old->second.meta.labels != value.meta.labels ||
                        old->second.meta.name != value.meta.name);
    if (old != store.end())
        old->second = std::move(value);
    else
        store.emplace(name, std::move(value));
    return dirty;
}

} // namespace

ServiceCache::ServiceCache(std::string currentContext, std::vector<ServiceSpec> configured)
    : m_current(std::move(currentContext)), m_configured(std::move(configured))
{
}

const std::string& ServiceCache::contextOf(const std::string& context) const
{
    return context.empty() ? m_current : context;
}

std::size_t ServiceCache::objectCount() const
{
    std::size_t n = 0;
    for (const auto& [place, o] : m_objects)
        n += o.deployments.size() + o.replicaSets.size() + o.pods.size() + o.services.size() + o.events.size();
    return n;
}

void ServiceCache::markAllDirty()
{
    for (std::size_t i = 0; i < m_specs.size(); ++i)
        m_dirty.insert(i);
}

void ServiceCache::setAuthorPolicy(const std::string& context, AuthorPolicy policy)
{
    const std::string& ctx = contextOf(context);
    m_authorPolicies[ctx] = std::move(policy);
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        const ServiceSpec& s = m_specs[i];
        const std::string& prod = contextOf(s.context);
        if (prod == ctx || contextOf(s.sandboxContext.empty() ? prod : s.sandboxContext) == ctx)
            m_dirty.insert(i);
    }
}

void ServiceCache::setNamespaced(const std::string& context, const std::string& resource, const std::string& ns,
                                 bool on, const std::string& keptLabel, bool keepAll)
{
    const std::string& ctx = contextOf(context);
    if (on) {
        m_namespaced.insert({ctx, resource, ns});
        return;
    }
    m_namespaced.erase({ctx, resource, ns});
    if (keepAll)
        return;
    // What the namespace's informer alone kept goes; what the cluster-wide one covers stays.
    auto it = m_objects.find({ctx, ns});
    if (it == m_objects.end())
        return;
    Objects& o = it->second;
    bool had = false;
    auto purge = [&](auto& store) {
        for (auto obj = store.begin(); obj != store.end();)
            if (keptLabel.empty() || !obj->second.meta.labels.count(keptLabel)) {
                obj = store.erase(obj);
                had = true;
            } else {
                ++obj;
            }
    };
    if (resource == deploymentsPlural)
        purge(o.deployments);
    else if (resource == replicaSetsPlural)
        purge(o.replicaSets);
    else if (resource == podsPlural)
        purge(o.pods);
    else if (resource == servicesPlural)
        purge(o.services);
    else if (resource == eventsPlural)
        purge(o.events);
    if (had) {
        if (resource == deploymentsPlural || resource == servicesPlural)
            m_specsDirty = true;
        auto byPlace = m_byPlace.find({ctx, ns});
        if (byPlace != m_byPlace.end())
            m_dirty.insert(byPlace->second.begin(), byPlace->second.end());
    }
}

bool ServiceCache::hasLabelledDeployment(const std::string& context, const std::string& ns, const std::string& name,
                                         const std::string& label) const
{
    auto it = m_objects.find({contextOf(context), ns});
    if (it == m_objects.end())
        return false;
    auto d = it->second.deployments.find(name);
    // Its pods (and ReplicaSets) are found by the label only when its pod template carries it too.
    return d != it->second.deployments.end() && d->second.meta.labels.count(label) > 0 &&
           d->second.podTemplate.labels.count(label) > 0;
}

void ServiceCache::apply(const std::string& context, const std::string& resource, Change change,
                         const kube::Json& object, bool clusterWide)
{
    const std::string& ctx = contextOf(context);
    auto meta = kube::parseMeta(object);
    if (!meta || meta->name.empty())
        return;
    // Where a namespace has its own informer, that one reports deletions: the cluster-wide one also
    // "removes" an object that only lost its label.
    if (clusterWide && change == Change::Removed && m_namespaced.count({ctx, resource, meta->ns}))
        return;
    const Place where{ctx, meta->ns};
    if (clusterWide && resource == eventsPlural && !m_byPlace.count(where)) {
        auto held = m_objects.find(where);
        if (held == m_objects.end() || (held->second.deployments.empty() && held->second.services.empty()))
            return;
    }
    Objects& o = m_objects[where];
    // Discovery reads the current context's Services and Deployments only; pods and ReplicaSets carry
    // the service label too, but a new one changes no service's spec.
    const bool discovering = ctx == m_current && (resource == servicesPlural || resource == deploymentsPlural);

    // Stores or erases one typed object; `touchWith` marks the services it concerns, before and after.
    auto update = [&](auto& store, auto parse, auto slim, auto touchWith) {
        if (storeObject(store, meta->name, change == Change::Removed, object, discovering, parse, slim, touchWith))
            m_specsDirty = true;
    };
    auto noSlim = [](auto&) {};

    if (resource == deploymentsPlural) {
        // Discovery also reads the slot label of a labelled Deployment's pod template.
        auto slotOf = [&]() -> std::string {
            auto it = o.deployments.find(meta->name);
            if (it == o.deployments.end())
                return {};
            auto slot = it->second.podTemplate.labels.find(slotLabelKey);
            return slot == it->second.podTemplate.labels.end() ? std::string() : slot->second;
        };
        const std::string slotBefore = slotOf();
        update(o.deployments, kube::parseDeployment, noSlim,
               [&](const kube::Deployment& d) { touch(where, resource, d.meta, nullptr, {}); });
        if (discovering && slotOf() != slotBefore)
            m_specsDirty = true;
    } else if (resource == podsPlural) {
        update(
            o.pods, kube::parsePod,
            [](kube::Pod& p) {
                p.meta.annotations.clear();
                p.meta.ownerReferences.clear();
            },
            [&](const kube::Pod& p) { touch(where, resource, p.meta, &p.meta.labels, {}); });
    } else if (resource == replicaSetsPlural) {
        update(
            o.replicaSets, kube::parseReplicaSet,
            [](kube::ReplicaSet& rs) {
                // The Deployment's annotations (its history among them) are copied onto each of its
                // ReplicaSets; nothing reads them here.
                rs.meta.annotations.clear();
                rs.podTemplate.annotations.clear();
            },
            [&](const kube::ReplicaSet& rs) { touch(where, resource, rs.meta, nullptr, {}); });
    } else if (resource == servicesPlural) {
        update(o.services, kube::parseService, noSlim,
               [&](const kube::Service& s) { touch(where, resource, s.meta, nullptr, {}); });
    } else if (resource == eventsPlural) {
        update(
            o.events, kube::parseEvent,
            [](kube::Event& e) {
                e.meta.labels.clear();
                e.meta.annotations.clear();
            },
            [&](const kube::Event& e) { touch(where, resource, e.meta, nullptr, e.involvedName); });
    }
}

std::vector<std::string> ServiceCache::deploymentsOf(const ServiceSpec& spec, const Place& where) const
{
    std::vector<std::string> out;
    const std::string& prod = contextOf(spec.context);
    if (where.first == prod && where.second == spec.ns) {
        out.push_back(spec.slotA);
        out.push_back(spec.slotB);
    }
    if (where.first == contextOf(spec.sandboxContext.empty() ? prod : spec.sandboxContext) &&
        where.second == spec.sandboxNamespace)
        out.push_back(spec.sandboxDeployment);
    return out;
}

void ServiceCache::touch(const Place& where, const std::string& resource, const kube::ObjectMeta& meta,
                         const kube::Labels* podLabels, const std::string& involvedName)
{
    auto it = m_byPlace.find(where);
    if (it == m_byPlace.end())
        return;
    const Objects* objects = nullptr;
    if (auto o = m_objects.find(where); o != m_objects.end())
        objects = &o->second;
    for (std::size_t idx : it->second) {
        if (m_dirty.count(idx))
            continue;
        const ServiceSpec& spec = m_specs[idx];
        const std::vector<std::string> deployments = deploymentsOf(spec, where);
        bool hit = false;
        if (resource == deploymentsPlural) {
            hit = std::find(deployments.begin(), deployments.end(), meta.name) != deployments.end();
        } else if (resource == podsPlural) {
            for (const auto& name : deployments) {
                if (!objects)
                    break;
                auto d = objects->deployments.find(name);
                if (d != objects->deployments.end() && kube::selectorMatches(d->second.selector, *podLabels)) {
                    hit = true;
                    break;
                }
            }
        } else if (resource == replicaSetsPlural) {
            hit = ownedByAny(meta, deployments);
        } else if (resource == servicesPlural) {
            hit = where.first == contextOf(spec.context) && where.second == spec.ns &&
                  (meta.name == spec.liveService || meta.name == spec.stagingService);
        } else if (resource == eventsPlural) {
            hit = namedAfterAny(involvedName, deployments);
        }
        if (hit)
            m_dirty.insert(idx);
    }
}

void ServiceCache::reindex()
{
    m_byPlace.clear();
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        const ServiceSpec& spec = m_specs[i];
        const std::string& prod = contextOf(spec.context);
        m_byPlace[{prod, spec.ns}].push_back(i);
        const Place sandbox{contextOf(spec.sandboxContext.empty() ? prod : spec.sandboxContext), spec.sandboxNamespace};
        if (sandbox != Place{prod, spec.ns})
            m_byPlace[sandbox].push_back(i);
    }
}

bool ServiceCache::refreshSpecs()
{
    if (!m_specsDirty)
        return false;
    m_specsDirty = false;
    ++m_discoveries;
    Snapshot labelled;
    for (const auto& [place, o] : m_objects) {
        if (place.first != m_current)
            continue;
        for (const auto& [name, s] : o.services)
            if (discoveryReads(s.meta))
                labelled.services.push_back(s);
        for (const auto& [name, d] : o.deployments)
            if (discoveryReads(d.meta))
                labelled.deployments.push_back(d);
    }
    std::vector<ServiceSpec> specs = mergeServices(m_configured, discoverServices(labelled, m_current));
    if (specs == m_specs)
        return false;

    std::map<std::string, std::size_t> before;
    for (std::size_t i = 0; i < m_specs.size(); ++i)
        before.emplace(keyOf(m_specs[i]), i);
    std::set<std::string> dirtyKeys;
    for (std::size_t i : m_dirty)
        dirtyKeys.insert(keyOf(m_specs[i]));
    std::vector<ServiceState> states;
    states.reserve(specs.size());
    m_dirty.clear();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const std::string key = keyOf(specs[i]);
        auto old = before.find(key);
        if (old != before.end() && m_specs[old->second] == specs[i]) {
            states.push_back(std::move(m_states[old->second]));
            if (dirtyKeys.count(key))
                m_dirty.insert(i);
        } else {
            ServiceState fresh;
            fresh.spec = specs[i];
            states.push_back(std::move(fresh));
            m_dirty.insert(i);
        }
        if (old != before.end())
            before.erase(old);
    }
    for (const auto& [key, i] : before)
        m_gone.push_back(m_specs[i].name);
    m_specs = std::move(specs);
    m_states = std::move(states);
    reindex();
    return true;
}

const kube::Service* ServiceCache::service(const std::string& context, const std::string& ns,
                                           const std::string& name) const
{
    auto it = m_objects.find({contextOf(context), ns});
    if (it == m_objects.end())
        return nullptr;
    auto s = it->second.services.find(name);
    return s == it->second.services.end() ? nullptr : &s->second;
}

const kube::Deployment* ServiceCache::deployment(const std::string& context, const std::string& ns,
                                                 const std::string& name) const
{
    auto it = m_objects.find({contextOf(context), ns});
    if (it == m_objects.end())
        return nullptr;
    auto d = it->second.deployments.find(name);
    return d == it->second.deployments.end() ? nullptr : &d->second;
}

Snapshot ServiceCache::snapshotFor(const ServiceSpec& spec, bool sandbox) const
{
    Snapshot snap;
    const std::string& prod = contextOf(spec.context);
    const Place where =
        sandbox ? Place{contextOf(spec.sandboxContext.empty() ? prod : spec.sandboxContext), spec.sandboxNamespace}
                : Place{prod, spec.ns};
    if (auto p = m_authorPolicies.find(where.first); p != m_authorPolicies.end())
        snap.authorPolicy = p->second;
    auto it = m_objects.find(where);
    if (it == m_objects.end())
        return snap;
    const Objects& o = it->second;
    const std::vector<std::string> names =
        sandbox ? std::vector<std::string>{spec.sandboxDeployment} : std::vector<std::string>{spec.slotA, spec.slotB};
    for (const auto& name : names)
        if (auto d = o.deployments.find(name); d != o.deployments.end())
            snap.deployments.push_back(d->second);
    for (const auto& [name, p] : o.pods)
        for (const auto& d : snap.deployments)
            if (kube::selectorMatches(d.selector, p.meta.labels)) {
                snap.pods.push_back(p);
                break;
            }
    for (const auto& [name, rs] : o.replicaSets)
        if (ownedByAny(rs.meta, names))
            snap.replicaSets.push_back(rs);
    for (const auto& [name, e] : o.events)
        if (namedAfterAny(e.involvedName, names))
            snap.events.push_back(e);
    if (!sandbox)
        for (const std::string& name : {spec.liveService, spec.stagingService})
            if (auto s = o.services.find(name); s != o.services.end())
                snap.services.push_back(s->second);
    return snap;
}

std::vector<std::string> ServiceCache::derive(const QDateTime& now, std::size_t limit)
{
    std::vector<std::string> changed;
    changed.swap(m_gone);
    auto next = m_dirty.begin();
    for (; next != m_dirty.end() && limit > 0; ++next, --limit) {
        const std::size_t idx = *next;
        const ServiceSpec& spec = m_specs[idx];
        const Snapshot production = snapshotFor(spec, false);
        const Snapshot sandbox = snapshotFor(spec, true);
        ServiceState st = deriveService(spec, production, sandbox, now);
        st.revision = ++m_revision;
        ++m_derivations;
        if (m_derived)
            m_derived(st, production, sandbox);
        m_states[idx] = std::move(st);
        changed.push_back(spec.name);
    }
    m_dirty.erase(m_dirty.begin(), next);
    return changed;
}

} // namespace model
