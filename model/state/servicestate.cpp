#include "model/state/servicestate.h"

#include "model/rules/counted.h"
#include "model/rules/plan.h"
#include "model/rules/release.h"
#include "net/text.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace model {

namespace {

bool ownedBy(const kube::ObjectMeta& meta, const std::string& kind, const std::string& name)
{
    for (const auto& o : meta.ownerReferences)
        if (o.kind == kind && o.name == name)
            return true;
    return false;
}

std::string selectorText(const kube::Labels& selector)
{
    std::string s;
    for (const auto& [k, v] : selector)
        s += (s.empty() ? "" : ", ") + k + "=" + v;
    return s.empty() ? "empty" : s;
}

void derivePods(const kube::Deployment& d, const Snapshot& snap, SlotState& s)
{
    std::vector<std::string> severe, mild;
    int pending = 0, unready = 0, seen = 0, readyPods = 0;
    for (const kube::Pod& p : snap.pods) {
        if (p.meta.ns != d.meta.ns || !kube::selectorMatches(d.selector, p.meta.labels) ||
            !p.meta.deletionTimestamp.empty())
            continue;
        ++seen;
        s.restarts += p.restarts();
        if (p.ready())
            ++readyPods;
        if (p.ready() && !p.podIP.empty())
            s.readyPodIPs.push_back(p.podIP);
        if (!p.podIP.empty() && p.phase == "Running")
            s.pods.push_back(p.meta.name);
        bool named = false;
        for (const auto& c : p.containerStatuses) {
            if (c.waitingReason.empty() || c.waitingReason == "ContainerCreating" ||
                c.waitingReason == "PodInitializing")
                continue;
            std::string text = "Pod " + p.meta.name + ": " + c.waitingReason;
            if (c.waitingReason == "CrashLoopBackOff")
                text += " (it keeps exiting" +
                        (c.lastTerminatedReason.empty() ? std::string() : ", last with " + c.lastTerminatedReason) +
                        "; " + counted(c.restartCount, "restart", "restarts") + ")";
            else if (c.waitingReason == "ImagePullBackOff" || c.waitingReason == "ErrImagePull")
                text += " (the image " + c.image + " cannot be pulled: check the tag and the registry credentials)";
            severe.push_back(text);
            named = true;
            break;
        }
        if (named)
            continue;
        if (p.phase == "Pending") {
            ++pending;
        } else if (p.phase == "Failed") {
            severe.push_back("Pod " + p.meta.name + " failed" + (p.reason.empty() ? "" : " (" + p.reason + ")"));
        } else if (!p.ready()) {
            ++unready;
        }
    }
    std::sort(s.readyPodIPs.begin(), s.readyPodIPs.end());
    std::sort(s.pods.begin(), s.pods.end());
    // The pods are fresher than the Deployment's status, which the controller updates later.
    if (seen > 0)
        s.ready = std::min(s.ready, readyPods);
    if (pending)
        mild.push_back(counted(pending, "pod is", "pods are") + " Pending (not scheduled or not started)");
    if (unready)
        mild.push_back(counted(unready, "pod runs", "pods run") + " but " + (unready == 1 ? "is" : "are") +
                       " not ready");
    if (s.restarts > 0 && severe.empty())
        mild.push_back(counted(s.restarts, "container restart", "container restarts"));
    s.problems = severe;
    s.problems.insert(s.problems.end(), mild.begin(), mild.end());
}

void deriveEvents(const kube::Deployment& d, const Snapshot& snap, const QDateTime& now, SlotState& s)
{
    std::set<std::string> names = {d.meta.name};
    for (const auto& rs : snap.replicaSets)
        if (rs.meta.ns == d.meta.ns && ownedBy(rs.meta, "Deployment", d.meta.name))
            names.insert(rs.meta.name);
    for (const auto& p : snap.pods)
        if (p.meta.ns == d.meta.ns && kube::selectorMatches(d.selector, p.meta.labels))
            names.insert(p.meta.name);
    const QDateTime horizon = now.addSecs(-3600);
    for (const auto& e : snap.events) {
        if (e.type != "Warning" || e.involvedNamespace != d.meta.ns || !names.count(e.involvedName))
            continue;
        const QDateTime when = QDateTime::fromString(QString::fromStdString(e.lastTimestamp), Qt::ISODate);
        if (when.isValid() && when < horizon)
            continue;
        s.warnings.push_back(e);
    }
    std::sort(s.warnings.begin(), s.warnings.end(),
              [](const kube::Event& x, const kube::Event& y) { return x.lastTimestamp > y.lastTimestamp; });
    if (s.warnings.size() > 5)
        s.warnings.resize(5);
}

PodRow podRow(const kube::Pod& p, const kube::Deployment& d, const Snapshot& snap)
{
    PodRow row;
    row.name = p.meta.name;
    const std::string prefix = d.meta.name + "-";
    row.shortName =
        row.name.rfind(prefix, 0) == 0 && row.name.size() > prefix.size() ? row.name.substr(prefix.size()) : row.name;
    row.phase = p.meta.deletionTimestamp.empty() ? p.phase : "Terminating";
    row.ready = p.ready();
    row.restarts = p.restarts();
    row.containers = static_cast<int>(p.containerStatuses.size());
    for (const auto& c : p.containerStatuses) {
        if (c.ready)
            ++row.readyContainers;
        if (row.waiting.empty() && !c.waitingReason.empty())
            row.waiting = c.waitingReason;
        if (!c.lastTerminatedReason.empty() && c.lastFinishedAt >= row.lastFinishedAt) {
            row.lastReason = c.lastTerminatedReason;
            row.lastExitCode = c.lastExitCode;
            row.lastFinishedAt = c.lastFinishedAt;
        }
    }
    row.started = p.startTime.empty() ? p.meta.creationTimestamp : p.startTime;
    row.node = p.nodeName;
    row.ip = p.podIP;
    row.conditions = p.conditions;
    row.containerStates = p.containerStatuses;
    for (const auto& e : snap.events)
        if (e.involvedKind == "Pod" && e.involvedNamespace == p.meta.ns && e.involvedName == p.meta.name)
            row.events.push_back(e);
    std::sort(row.events.begin(), row.events.end(),
              [](const kube::Event& x, const kube::Event& y) { return x.lastTimestamp > y.lastTimestamp; });
    if (row.events.size() > 10)
        row.events.resize(10);
    return row;
}

void derivePodRows(const kube::Deployment& d, const Snapshot& snap, SlotState& s)
{
    for (const kube::Pod& p : snap.pods)
        if (p.meta.ns == d.meta.ns && kube::selectorMatches(d.selector, p.meta.labels))
            s.podRows.push_back(podRow(p, d, snap));
    std::sort(s.podRows.begin(), s.podRows.end(), [](const PodRow& x, const PodRow& y) { return x.name < y.name; });
    for (const auto& [k, v] : d.selector)
        s.podSelector += (s.podSelector.empty() ? "" : ",") + k + "=" + v;
}

// The rule over the slots' Deployments as the snapshot holds them.
std::optional<Slot> selectedSlot(const kube::Service& svc, const SlotState& a, const SlotState& b, const Snapshot& snap,
                                 bool* both)
{
    return model::selectedSlot(svc, snap.deployment(a.ns, a.deployment), snap.deployment(b.ns, b.deployment), both);
}

} // namespace

std::string ageOf(const std::string& rfc3339, const QDateTime& now)
{
    const QDateTime t = QDateTime::fromString(QString::fromStdString(rfc3339), Qt::ISODate);
    if (!t.isValid())
        return {};
    const qint64 sec = std::max<qint64>(0, t.secsTo(now));
    if (sec < 60)
        return std::to_string(sec) + " s";
    if (sec < 3600)
        return std::to_string(sec / 60) + " min";
    if (sec < 2 * 86400)
        return std::to_string(sec / 3600) + " h";
    return std::to_string(sec / 86400) + " d";
}

std::string lastTerminationText(const PodRow& pod, const QDateTime& now)
{
    if (pod.lastReason.empty())
        return {};
    std::string text = pod.lastReason + ", exit " + std::to_string(pod.lastExitCode);
    const std::string age = ageOf(pod.lastFinishedAt, now);
    if (!age.empty())
        text += ", " + age + " ago";
    return text;
}

std::string podRowLine(const PodRow& pod, const QDateTime& now)
{
    std::string line = pod.shortName + "  " + (pod.waiting.empty() ? pod.phase : pod.waiting);
    line += "  " + std::to_string(pod.readyContainers) + "/" + std::to_string(pod.containers) + " ready";
    if (pod.restarts > 0)
        line += "  " + counted(pod.restarts, "restart", "restarts");
    const std::string last = lastTerminationText(pod, now);
    if (!last.empty())
        line += "  last: " + last;
    const std::string age = ageOf(pod.started, now);
    if (!age.empty())
        line += "  age " + age;
    if (!pod.node.empty())
        line += "  " + pod.node;
    return line;
}

std::string eventLine(const kube::Event& event, const QDateTime& now)
{
    std::string line = event.message.empty() ? event.reason : event.message;
    if (event.count > 1)
        line += " \xc3\x97" + std::to_string(event.count);
    const std::string age = ageOf(event.lastTimestamp, now);
    if (!age.empty())
        line += ", " + age + " ago";
    return line;
}

std::string SlotState::label() const
{
    return slot == Slot::Sandbox ? std::string("Sandbox") : letter(slot);
}

std::string SlotState::imageDisplay() const
{
    // A tag that is a whole commit id reads better cut to 12 characters, as git does.
    if (tag.size() == 40 && commitFromTag(tag) == tag)
        return net::text::cut(tag, 12);
    if (!tag.empty())
        return tag;
    if (!imageRef.digest.empty())
        return imageRef.shortDigest();
    return image;
}

std::string SlotState::shortCommit() const
{
    return net::text::cut(commit, 8);
}

bool SlotState::sameRelease(const SlotState& other) const
{
    if (!imageRef.digest.empty() && !other.imageRef.digest.empty())
        return imageRef.digest == other.imageRef.digest;
    return image == other.image;
}

std::string ServiceState::roleOf(Slot s) const
{
    if (live == s && staging == s)
        return "LIVE+STAGING";
    if (live == s)
        return "LIVE";
    if (staging == s)
        return "STAGING";
    return {};
}

const kube::Deployment* Snapshot::deployment(const std::string& ns, const std::string& name) const
{
    for (const auto& d : deployments)
        if (d.meta.name == name && d.meta.ns == ns)
            return &d;
    return nullptr;
}

const kube::Service* Snapshot::service(const std::string& ns, const std::string& name) const
{
    for (const auto& s : services)
        if (s.meta.name == name && s.meta.ns == ns)
            return &s;
    return nullptr;
}

SlotState deriveSlot(Slot slot, const std::string& ns, const std::string& deployment, const Snapshot& snapshot,
                     const QDateTime& now)
{
    SlotState s;
    s.slot = slot;
    s.ns = ns;
    s.deployment = deployment;
    const kube::Deployment* d = snapshot.deployment(ns, deployment);
    if (!d) {
        s.health = Health::Missing;
        s.rolloutText = "missing";
        return s;
    }
    s.exists = true;
    const Release release = releaseOf(d->podTemplate);
    s.image = release.image;
    s.imageRef = release.ref;
    s.tag = release.tag;
    s.commit = release.commit;
    s.created = release.created;
    s.desired = d->replicas;
    s.updated = d->updatedReplicas;
    s.ready = d->readyReplicas;
    s.available = d->availableReplicas;
    const RolloutStatus rollout = rolloutOf(*d);
    s.rollout = rollout.state;
    s.rolloutText = rollout.text;
    derivePods(*d, snapshot, s);
    derivePodRows(*d, snapshot, s);
    deriveEvents(*d, snapshot, now, s);

    auto it = d->podTemplate.annotations.find(deployedAtAnnotation);
    s.lastDeployed = it == d->podTemplate.annotations.end() ? std::string() : it->second;
    if (s.lastDeployed.empty()) {
        for (const auto& rs : snapshot.replicaSets)
            if (rs.meta.ns == ns && ownedBy(rs.meta, "Deployment", deployment) &&
                rs.podTemplate.containers.size() == d->podTemplate.containers.size() &&
                !rs.podTemplate.containers.empty() && rs.podTemplate.containers.front().image == s.image)
                s.lastDeployed = std::max(s.lastDeployed, rs.meta.creationTimestamp);
        if (s.lastDeployed.empty())
            s.lastDeployed = d->meta.creationTimestamp;
    }

    if (s.desired > 0 && s.ready == 0)
        s.health = Health::Down;
    else if (s.rollout == Rollout::Stalled || s.ready < s.desired || !s.problems.empty() || !s.warnings.empty())
        s.health = Health::Degraded;
    else
        s.health = Health::Healthy;
    return s;
}

namespace {

// The history: the live Service's swaps and the slots' and sandbox's deploys, oldest first.
void readHistory(ServiceState& st, const ServiceSpec& spec, const kube::Service* live, const Snapshot& production,
                 const Snapshot& sandbox)
{
    // Each object's entries are aligned with its own authors and judged in its own context.
    if (live)
        st.history = judgedHistory(live->meta, production.authorPolicy);
    st.swapRecorded =
        std::any_of(st.history.begin(), st.history.end(), [](const kube::HistoryEntry& e) { return e.readable(); });
    for (const auto& [snap, ns, name] :
         {std::tuple{&production, spec.ns, spec.slotA}, std::tuple{&production, spec.ns, spec.slotB},
          std::tuple{&sandbox, spec.sandboxNamespace, spec.sandboxDeployment}})
        if (const kube::Deployment* d = snap->deployment(ns, name))
            for (auto& e : judgedHistory(d->meta, snap->authorPolicy))
                st.history.push_back(std::move(e));
    std::stable_sort(st.history.begin(), st.history.end(),
                     [](const kube::HistoryEntry& x, const kube::HistoryEntry& y) { return x.at < y.at; });
}

// What the two Services select, and what is wrong with that.
void selectorAnomalies(ServiceState& st, const ServiceSpec& spec, const kube::Service* live,
                       const kube::Service* staging, const Snapshot& production)
{
    auto add = [&st](Anomaly::Severity sev, std::string text) { st.anomalies.push_back({sev, std::move(text)}); };
    using Sev = Anomaly::Severity;
    bool liveBoth = false, stagingBoth = false;
    if (!live)
        add(Sev::Critical, "The live Service " + spec.liveService + " does not exist in namespace " + spec.ns + ".");
    else
        st.live = selectedSlot(*live, st.a, st.b, production, &liveBoth);
    if (!staging)
        add(Sev::Warning,
            "The staging Service " + spec.stagingService + " does not exist in namespace " + spec.ns + ".");
    else
        st.staging = selectedSlot(*staging, st.a, st.b, production, &stagingBoth);

    if (live && liveBoth)
        add(Sev::Critical, "The live Service " + spec.liveService +
                               " selects the pods of both slots: live traffic goes to two versions at once.");
    else if (live && !st.live && (st.a.exists || st.b.exists))
        add(Sev::Critical, "The live Service " + spec.liveService + " selects neither slot (selector: " +
                               selectorText(live->selector) + "): live traffic has nowhere to go.");
    if (staging && stagingBoth)
        add(Sev::Warning, "The staging Service " + spec.stagingService + " selects the pods of both slots.");
    else if (staging && !st.staging && (st.a.exists || st.b.exists))
        add(Sev::Warning, "The staging Service " + spec.stagingService +
                              " selects neither slot (selector: " + selectorText(staging->selector) + ").");
    if (st.live && st.live == st.staging)
        add(Sev::Critical, "Live and staging both point at slot " + st.slot(*st.live).label() +
                               ": there is no staging slot to deploy to or to swap with.");
}

// What is wrong with the slots live and staging select.
void slotAnomalies(ServiceState& st)
{
    auto add = [&st](Anomaly::Severity sev, std::string text) { st.anomalies.push_back({sev, std::move(text)}); };
    using Sev = Anomaly::Severity;
    const SlotState* liveSlot = st.liveSlot();
    const SlotState* stagingSlot = st.live != st.staging ? st.stagingSlot() : nullptr;
    if (liveSlot && liveSlot->exists && liveSlot->desired > 0 && liveSlot->ready < liveSlot->desired)
        add(liveSlot->ready == 0 ? Sev::Critical : Sev::Warning,
            "Live (slot " + liveSlot->label() + ") has " + std::to_string(liveSlot->ready) + " of " +
                std::to_string(liveSlot->desired) + " pods ready" +
                (liveSlot->ready == 0 ? ": users get errors." : "."));
    for (const SlotState* s : {liveSlot, stagingSlot})
        if (s && s->exists && !s->problems.empty())
            add(Sev::Warning, std::string(s == liveSlot ? "Live" : "Staging") + " (slot " + s->label() +
                                  "): " + s->problems.front() + ".");
    if (stagingSlot && stagingSlot->rollout == Rollout::Stalled)
        add(Sev::Warning, "The rollout of staging (slot " + stagingSlot->label() + ") has stalled.");
    if (st.sandbox.exists && stagingSlot && stagingSlot->exists && !st.sandbox.commit.empty() &&
        st.sandbox.commit != stagingSlot->commit)
        add(Sev::Info, "Sandbox runs commit " + st.sandbox.shortCommit() + ", which is not in staging yet.");
}

} // namespace

ServiceState deriveService(const ServiceSpec& spec, const Snapshot& production, const Snapshot& sandbox,
                           const QDateTime& now)
{
    ServiceState st;
    st.spec = spec;
    st.a = deriveSlot(Slot::A, spec.ns, spec.slotA, production, now);
    st.b = deriveSlot(Slot::B, spec.ns, spec.slotB, production, now);
    st.sandbox = deriveSlot(Slot::Sandbox, spec.sandboxNamespace, spec.sandboxDeployment, sandbox, now);
    auto add = [&st](Anomaly::Severity sev, std::string text) { st.anomalies.push_back({sev, std::move(text)}); };
    using Sev = Anomaly::Severity;

    for (const SlotState* s : {&st.a, &st.b})
        if (!s->exists)
            add(Sev::Critical, "Slot " + s->label() + " (Deployment " + s->deployment + " in namespace " + spec.ns +
                                   ") does not exist.");

    const kube::Service* live = production.service(spec.ns, spec.liveService);
    const kube::Service* staging = production.service(spec.ns, spec.stagingService);
    st.liveServiceExists = live != nullptr;
    readHistory(st, spec, live, production, sandbox);
    st.stagingServiceExists = staging != nullptr;
    selectorAnomalies(st, spec, live, staging, production);
    slotAnomalies(st);
    applyStatus(st);
    return st;
}

std::vector<ServiceSpec> discoverServices(const Snapshot& snapshot, const std::string& context)
{
    // By (namespace, service name): the Services and slot Deployments that carry the labels.
    std::map<std::pair<std::string, std::string>, ServiceSpec> found;
    std::set<std::pair<std::string, std::string>> explicitRole;
    for (const auto& svc : snapshot.services) {
        const std::string name = svc.meta.label(serviceLabelKey);
        if (name.empty())
            continue;
        auto& spec = found[{svc.meta.ns, name}];
        spec.name = name;
        spec.ns = svc.meta.ns;
        spec.context = context;
        spec.discovered = true;
        if (spec.group.empty())
            spec.group = svc.meta.label(groupLabelKey);
        const std::string role = svc.meta.label(roleLabelKey);
        if (role == "live")
            explicitRole.insert({svc.meta.ns, name});
        if (role == "live" || (role.empty() && svc.meta.name == name))
            spec.liveService = svc.meta.name;
        else if (role == "staging" || (role.empty() && svc.meta.name == name + "-staging"))
            spec.stagingService = svc.meta.name;
    }
    for (const auto& d : snapshot.deployments) {
        const std::string name = d.meta.label(serviceLabelKey);
        const std::string slot = d.podTemplate.labels.count(slotLabelKey) ? d.podTemplate.labels.at(slotLabelKey) : "";
        auto it = found.find({d.meta.ns, name});
        if (name.empty() || slot.empty() || it == found.end())
            continue;
        if (slot == "a")
            it->second.slotA = d.meta.name;
        else if (slot == "b")
            it->second.slotB = d.meta.name;
    }
    std::vector<ServiceSpec> out;
    for (auto& [key, spec] : found) {
        // A Service of a sandbox carries the service label too; without slots or an explicit
        // live role it is not an A/B service.
        if (spec.liveService.empty() || (spec.slotA.empty() && spec.slotB.empty() && !explicitRole.count(key)))
            continue;
        spec.applyDefaults();
        out.push_back(spec);
    }
    return out;
}

StatusFacts statusFacts(const ServiceState& st)
{
    StatusFacts f;
    f.split = st.live && st.live == st.staging;
    f.anomalies = st.anomalies;
    auto slotFacts = [](const SlotState& s, const HealthSummary& serviceCheck) {
        SlotStatusFacts out;
        out.label = s.label();
        out.exists = s.exists;
        out.desired = s.desired;
        out.ready = s.ready;
        out.readiness = s.health;
        out.rollout = s.rollout;
        out.rolloutText = s.rolloutText;
        out.hasProblems = !s.problems.empty();
        out.check = s.healthCheck;
        out.serviceCheck = serviceCheck;
        out.image = s.imageDisplay();
        return out;
    };
    if (const SlotState* live = st.liveSlot())
        f.live = slotFacts(*live, st.liveServiceHealth);
    if (const SlotState* staging = st.stagingSlot(); staging && !f.split)
        f.staging = slotFacts(*staging, st.stagingServiceHealth);
    f.sameRelease = st.liveSlot() && st.stagingSlot() && st.stagingSlot()->sameRelease(*st.liveSlot());
    f.gotWorse = st.gotWorse;
    f.stagingWorse = st.stagingWorse;
    return f;
}

void applyStatus(ServiceState& st)
{
    Status s = decideStatus(statusFacts(st));
    st.attention = s.attention;
    st.badge = s.badge;
    st.badgeText = std::move(s.text);
}

const char* healthName(Health h)
{
    switch (h) {
    case Health::Healthy:
        return "Healthy";
    case Health::Degraded:
        return "Degraded";
    case Health::Down:
        return "Down";
    case Health::Missing:
        return "Missing";
    }
    return "";
}

} // namespace model
