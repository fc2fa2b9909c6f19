#include "model/actions/actionrunner.h"

#include "model/rules/chatline.h"
#include "model/rules/release.h"
#include "model/rules/rules.h"
#include "net/webhook.h"

#include <algorithm>
#include <cctype>

namespace model {

bool Activity::touches(const std::string& inNs, const std::string& name) const
{
    return ns == inNs && std::find(services.begin(), services.end(), name) != services.end();
}

namespace {

// The text with its first letter in capitals, to open a sentence ("swap" -> "Swap").
std::string capitalized(std::string text)
{
    if (!text.empty())
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

// "Swap uro (with uro-frontend)": the action, the service named, the others it changes.
std::string titleOf(const std::string& verb, const std::string& service, const std::vector<std::string>& services,
                    const std::string& after = {})
{
    std::string others;
    for (const auto& name : services)
        if (name != service)
            others += (others.empty() ? "" : ", ") + name;
    return capitalized(verb) + " " + service + (others.empty() ? "" : " (with " + others + ")") + after;
}

} // namespace

ActionRunner::ActionRunner(net::Transport* transport, ActionSeams* seams, QObject* parent)
    : QObject(parent), m_transport(transport), m_seams(seams)
{
}

ActionRunner::~ActionRunner() = default;

const Activity* ActionRunner::activity(int id) const
{
    for (const auto& a : m_activities)
        if (a.id == id)
            return &a;
    return nullptr;
}

Activity* ActionRunner::find(int id)
{
    return const_cast<Activity*>(std::as_const(*this).activity(id));
}

const Activity* ActionRunner::latestFor(const std::string& ns, const std::string& service) const
{
    for (auto it = m_activities.rbegin(); it != m_activities.rend(); ++it)
        if (it->touches(ns, service))
            return &*it;
    return nullptr;
}

const Activity* ActionRunner::latestChangeFor(const std::string& ns, const std::string& service) const
{
    for (auto it = m_activities.rbegin(); it != m_activities.rend(); ++it)
        if (!it->watches() && it->touches(ns, service))
            return &*it;
    return nullptr;
}

bool ActionRunner::runningFor(const std::string& ns, const std::string& service) const
{
    return std::any_of(m_activities.begin(), m_activities.end(),
                       [&](const Activity& a) { return a.running() && !a.watches() && a.touches(ns, service); });
}

const Activity* ActionRunner::failedWatch(const std::string& ns, const std::string& service) const
{
    const Activity* a = latestFor(ns, service);
    return a && a->watches() && a->state == Activity::State::Failed ? a : nullptr;
}

int ActionRunner::runningCount() const
{
    return static_cast<int>(std::count_if(m_activities.begin(), m_activities.end(),
                                          [](const Activity& a) { return a.running() && !a.watches(); }));
}

void ActionRunner::endWatches(const std::string& why, std::function<void()> done)
{
    auto left = std::make_shared<std::size_t>(m_watches.size() + 1);
    auto oneEnded = [left, done = std::move(done)] {
        if (--*left == 0)
            done();
    };
    const std::map<int, RunningWatch> watches = m_watches;
    for (const auto& [id, running] : watches) {
        QPointer<WatchedSwap> watch = running.watch;
        if (!watch) {
            m_watches.erase(id);
            oneEnded();
            continue;
        }
        recordingWatch(id);
        // After the runner's own ending of the activity, connected first.
        connect(watch, &WatchedSwap::finished, this, oneEnded);
        watch->endNow(why);
    }
    oneEnded();
}

int ActionRunner::begin(Activity a)
{
    a.id = m_nextId++;
    a.started = QDateTime::currentDateTimeUtc();
    m_activities.push_back(std::move(a));
    const int id = m_activities.back().id;
    Q_EMIT started(id);
    return id;
}

void ActionRunner::step(int id, const std::string& text)
{
    if (Activity* a = find(id)) {
        a->step = text;
        Q_EMIT progressed(id);
    }
}

void ActionRunner::end(int id, bool ok, const std::string& message, const std::string& webhook)
{
    Activity* a = find(id);
    if (!a)
        return;
    a->state = ok ? Activity::State::Succeeded : Activity::State::Failed;
    a->message = message;
    a->finished = QDateTime::currentDateTimeUtc();
    if (!webhook.empty() && m_transport) {
        auto* notifier = new net::ChatWebhook(m_transport, webhook, this);
        notifier->send(chatText({ok, a->user, a->service, a->verb, message}),
                       [notifier](kube::Result<kube::HttpResponse>) { notifier->deleteLater(); });
    }
    Q_EMIT finished(id);
}

int ActionRunner::startSwap(kube::Client* client, const ServiceConfig& config, const SwapPlan& confirmed)
{
    Activity a;
    a.verb = confirmed.verb();
    a.service = confirmed.service;
    a.user = confirmed.user;
    std::vector<ServiceSpec> group;
    for (const auto& m : confirmed.members) {
        a.ns = m.spec.ns;
        a.services.push_back(m.spec.name);
        group.push_back(m.spec);
    }
    a.title = titleOf(a.verb, confirmed.service, a.services);
    stopWatches(a.ns, a.services, "a " + a.verb + " of " + confirmed.service + " began");
    const int id = begin(std::move(a));
    if (!client || confirmed.members.empty()) {
        end(id, false, "There is no connection to carry out the " + confirmed.verb() + " on. Nothing was changed.", {});
        return id;
    }
    auto* swapper = new Swapper(client, std::move(group), m_seams, this);
    swapper->setFreshGroup(config);
    swapper->setPrometheus(config.prometheus);
    const std::string webhook = config.webhook;
    swapper->execute(
        confirmed, [this, id](const std::string& text) { step(id, text); },
        [this, id, swapper, webhook, client, config, confirmed](SwapOutcome o) {
            if (Activity* done = find(id); done && o.succeeded())
                done->detail = movedText(confirmed);
            end(id, o.succeeded(), o.message, webhook);
            swapper->deleteLater();
            // The new live slot of each member is watched, each as an activity; a rollback or repair is not.
            if (WatchedSwap::follows(confirmed, o, m_watchSeconds))
                for (const WatchedSwap::Member& m : WatchedSwap::membersOf(confirmed))
                    startWatch(client, config, m.spec, m.slot, confirmed.user, m_watchSeconds);
        });
    return id;
}

int ActionRunner::startWatch(kube::Client* client, const ServiceConfig& config, const ServiceSpec& spec, Slot slot,
                             const std::string& user, int seconds)
{
    Activity a;
    a.verb = watchAction;
    a.ns = spec.ns;
    a.service = spec.name;
    a.services = {spec.name};
    a.user = user;
    a.title = titleOf(a.verb, spec.name, a.services,
                      " (slot " + letter(slot) + " for " + durationText(seconds) + " after the swap)");
    const int id = begin(std::move(a));
    if (!client) {
        end(id, false, "There is no connection to watch " + spec.name + " on.", {});
        return id;
    }
    auto* watch = new WatchedSwap(client, {{spec, slot}}, seconds, user, this);
    // The configuration's top-level Prometheus: a service without one of its own is analysed there.
    watch->setPrometheus(config.prometheus);
    m_watches[id] = {watch, spec.liveService};
    const std::string webhook = config.webhook;
    connect(watch, &WatchedSwap::progressed, this, [this, id](const std::string& text) { step(id, text); });
    connect(watch, &WatchedSwap::held, this, [this, id] { recordingWatch(id); });
    connect(watch, &WatchedSwap::worse, this, [this, id] { recordingWatch(id); });
    connect(watch, &WatchedSwap::finished, this, [this, id, watch, webhook](const WatchOutcome& o) {
        watchEnded(id, o, webhook);
        watch->deleteLater();
    });
    step(id, "Watching " + spec.name + "'s slot " + letter(slot));
    watch->start();
    return id;
}

void ActionRunner::recordingWatch(int id)
{
    const auto it = m_watches.find(id);
    if (it == m_watches.end())
        return;
    const std::string liveService = it->second.liveService;
    m_watches.erase(it);
    step(id, "Recording the verdict in the history of " + liveService);
}

void ActionRunner::watchEnded(int id, const WatchOutcome& outcome, const std::string& webhook)
{
    // The verdict stands whether or not it could be recorded.
    const std::string note =
        outcome.notRecorded ? " (not recorded in the history: " + outcome.notRecorded->message + ")" : std::string();
    if (outcome.verdict == WatchOutcome::Verdict::Held) {
        end(id, true, outcome.held + note, {});
        return;
    }
    if (outcome.ok()) {
        end(id, true, capitalized(outcome.why + ", before its window passed; nothing had got worse.") + note, {});
        return;
    }
    end(id, false, "Got worse: " + outcome.why + note, webhook);
    Q_EMIT watchFailed(id);
}

void ActionRunner::stopWatches(const std::string& ns, const std::vector<std::string>& services, const std::string& why)
{
    for (auto it = m_watches.begin(); it != m_watches.end();) {
        const Activity* a = activity(it->first);
        const bool ours = a && a->running() && std::any_of(services.begin(), services.end(), [&](const std::string& s) {
                              return a->touches(ns, s);
                          });
        if (!ours) {
            ++it;
            continue;
        }
        const int id = it->first;
        if (it->second.watch) {
            it->second.watch->stop();
            it->second.watch->deleteLater();
        }
        it = m_watches.erase(it);
        end(id, true, "Stopped before the window passed: " + why + ".", {});
    }
}

int ActionRunner::startDeploy(kube::Client* client, oci::RegistryClient* registry, const ServiceConfig& config,
                              const DeployPlan& confirmed, bool wait)
{
    Activity a;
    a.verb = "deploy";
    a.ns = confirmed.spec.ns;
    a.service = confirmed.service;
    a.services = {confirmed.service};
    a.user = confirmed.user;
    a.title = titleOf("deploy " + (confirmed.tag.empty() ? confirmed.pinned : confirmed.tag) + " to", confirmed.service,
                      a.services, std::string(" ") + targetName(confirmed.target));
    const int id = begin(std::move(a));
    if (!client) {
        end(id, false, "There is no connection to deploy with. Nothing was changed.", {});
        return id;
    }
    auto* deployer = new Deployer(client, registry, confirmed.spec, this);
    if (ActionSeams* seams = m_seams)
        deployer->setAfterPatchHook([seams](std::function<void()> resume) { seams->afterDeployPatch(resume); });
    const std::string webhook = config.webhook;
    deployer->execute(
        confirmed, wait, [this, id](const std::string& text) { step(id, text); },
        [this, id, deployer, webhook](DeployOutcome o) {
            end(id, o.succeeded(), o.message, webhook);
            Q_EMIT deployFinished(id, o);
            deployer->deleteLater();
        });
    return id;
}

int ActionRunner::startGroupDeploy(kube::Client* client, oci::RegistryClient* registry, const ServiceConfig& config,
                                   const GroupDeployPlan& confirmed, bool wait)
{
    Activity a;
    a.verb = "deploy";
    a.service = confirmed.service;
    a.user = confirmed.members.empty() ? std::string() : confirmed.members.front().user;
    std::vector<ServiceSpec> members;
    for (const auto& m : confirmed.members) {
        a.ns = m.spec.ns;
        a.services.push_back(m.service);
        members.push_back(m.spec);
    }
    a.title = titleOf("deploy " + confirmed.tag + " to", confirmed.service, a.services,
                      std::string(" ") + targetName(confirmed.target));
    const int id = begin(std::move(a));
    if (!client || confirmed.members.empty()) {
        end(id, false, "There is no connection to deploy with. Nothing was changed.", {});
        return id;
    }
    auto* group = new GroupDeployer(client, registry, std::move(members), this);
    const std::string webhook = config.webhook;
    group->execute(
        confirmed, wait, [this, id](const std::string& text) { step(id, text); },
        [this, id](const DeployPlan& p, const DeployOutcome& o) {
            if (deploySucceeded(o))
                step(id, p.service + ": " + o.message);
        },
        [this, id, group, webhook](GroupDeployOutcome o) {
            DeployOutcome last = o.last;
            last.message = o.message;
            end(id, o.ok(), o.message, webhook);
            Q_EMIT deployFinished(id, last);
            group->deleteLater();
        });
    return id;
}

} // namespace model
