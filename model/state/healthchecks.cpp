#include "model/state/healthchecks.h"

#include "model/state/connection.h"

#include <algorithm>

namespace model {

namespace {

std::string contextOr(const std::string& context, const std::string& fallback)
{
    return context.empty() ? fallback : context;
}

std::string serviceKey(const ServiceSpec& spec)
{
    return spec.context + "/" + spec.ns + "/" + spec.name;
}

// What the overview reads of health, to tell whether an answer changed a row.
std::string healthFingerprint(const ServiceState& s)
{
    std::string f;
    for (const SlotState* slot : {&s.a, &s.b, &s.sandbox}) {
        f += std::to_string(static_cast<int>(slot->healthCheck.state)) + slot->healthCheck.text + "|" +
             slot->healthCheck.compact + "|" + slot->healthCheck.refusal + "|";
        for (const auto& p : slot->podHealth)
            f += podHealthLine(p) + ";";
    }
    return f + s.liveServiceHealth.text + "|" + s.stagingServiceHealth.text;
}

} // namespace

void fillHealth(const HealthMonitor& monitor, ServiceState& state, const std::string& context,
                const std::string& sandboxContext)
{
    const bool configured = state.healthSpec.configured();
    auto fill = [&](SlotState& slot, const std::string& ctx) {
        slot.podHealth.clear();
        for (const auto& pod : slot.pods) {
            PodHealth p;
            p.pod = pod;
            if (const HealthResult* r = monitor.result(HealthTarget::keyOf(ctx, slot.ns, false, pod)))
                p.result = *r;
            slot.podHealth.push_back(std::move(p));
        }
        slot.healthCheck = summarizeHealth(configured, slot.podHealth);
    };
    fill(state.a, context);
    fill(state.b, context);
    fill(state.sandbox, sandboxContext);
    auto service = [&](const std::string& name, bool exists) {
        const HealthResult* r =
            exists ? monitor.result(HealthTarget::keyOf(context, state.spec.ns, true, name)) : nullptr;
        return summarizeServiceHealth(configured, exists, r ? *r : HealthResult{});
    };
    state.liveServiceHealth = service(state.spec.liveService, state.liveServiceExists);
    state.stagingServiceHealth = service(state.spec.stagingService, state.stagingServiceExists);
    applyStatus(state); // the answers are facts of the status
}

HealthChecks::HealthChecks(Connection* connection, QObject* parent)
    : QObject(parent), m_connection(connection),
      m_monitor(new HealthMonitor(
          [this](const HealthTarget& target, std::function<void(HealthResult)> done) { ask(target, std::move(done)); },
          this))
{
}

void HealthChecks::ask(const HealthTarget& target, std::function<void(HealthResult)> done)
{
    HealthProber*& prober = m_probers[target.context];
    if (!prober) {
        kube::Client* c = m_connection->client(target.context);
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

void HealthChecks::derived(ServiceState& st, const Snapshot& production, const Snapshot& sandbox)
{
    const ServiceSpec& spec = st.spec;
    std::vector<std::string> problems;
    st.healthSpec = healthSpecFor(spec, production.service(spec.ns, spec.liveService), &problems);
    for (const auto& p : problems)
        st.anomalies.push_back({Anomaly::Severity::Info, "Health check of " + spec.name + ": " + p});
    const std::string prodContext = contextOr(spec.context, m_connection->current().contextName);
    const std::string sandboxContext = contextOr(spec.sandboxContext, prodContext);
    std::vector<HealthTarget>& targets = m_targets[serviceKey(spec)];
    targets.clear();
    if (st.healthSpec.configured()) {
        auto addPods = [&](const SlotState& slot, const Snapshot& snap, const std::string& context) {
            for (const auto& name : slot.pods)
                for (const auto& pod : snap.pods)
                    if (pod.meta.ns == slot.ns && pod.meta.name == name)
                        targets.push_back({context, slot.ns, name, false, pod, {}, st.healthSpec});
        };
        addPods(st.a, production, prodContext);
        addPods(st.b, production, prodContext);
        addPods(st.sandbox, sandbox, sandboxContext);
        for (const std::string& name : {spec.liveService, spec.stagingService})
            if (const kube::Service* svc = production.service(spec.ns, name))
                targets.push_back({prodContext, spec.ns, name, true, {}, *svc, st.healthSpec});
    }
    fillHealth(*m_monitor, st, prodContext, sandboxContext);
}

bool HealthChecks::refill(ServiceState& s) const
{
    const std::string current = m_connection->current().contextName;
    const std::string before = healthFingerprint(s);
    fillHealth(*m_monitor, s, contextOr(s.spec.context, current),
               contextOr(s.spec.sandboxContext, contextOr(s.spec.context, current)));
    return healthFingerprint(s) != before;
}

void HealthChecks::keepTargets(const std::vector<ServiceSpec>& shown)
{
    std::vector<HealthTarget> targets;
    std::map<std::string, std::vector<HealthTarget>> kept;
    for (const auto& spec : shown) {
        auto it = m_targets.find(serviceKey(spec));
        if (it == m_targets.end())
            continue;
        targets.insert(targets.end(), it->second.begin(), it->second.end());
        kept.emplace(it->first, std::move(it->second));
    }
    m_targets = std::move(kept);
    m_monitor->setTargets(std::move(targets));
}

std::vector<QString> HealthChecks::notices() const
{
    std::vector<QString> out;
    for (const auto& [scope, sentence] : m_monitor->refusals())
        out.push_back(QObject::tr("Health checks: %1; ask a cluster administrator for that grant in the namespace, "
                                  "until then the tiles say \"not allowed\".")
                          .arg(QString::fromStdString(sentence)));
    return out;
}

int HealthChecks::peakInFlight() const
{
    int peak = 0;
    for (const auto& [context, prober] : m_probers)
        peak = std::max(peak, prober->peakInFlight());
    return peak;
}

} // namespace model
