#include "model/actions/deploy.h"

#include "kube/informer.h"
#include "kube/record.h"
#include "model/rules/join.h"
#include "model/rules/release.h"
#include "model/rules/rules.h"
#include "model/state/servicestate.h"
#include "net/text.h"

#include <QDateTime>
#include <QTimer>
#include <algorithm>

namespace model {

using nlohmann::json;

struct DeployRun {
    DeployPlan plan;
    bool wait = false;
    std::function<void(const std::string&)> progress;
    std::function<void(DeployOutcome)> done;
    std::int64_t generation = 0;
    std::string patchedVersion; // the patched Deployment's resourceVersion, where following starts
    qint64 deadline = 0;
    std::string at; // when the deploy was made, as recorded
};

Deployer::Deployer(kube::Client* client, oci::RegistryClient* registry, ServiceSpec spec, QObject* parent)
    : QObject(parent), m_client(client), m_registry(registry), m_spec(std::move(spec))
{
}

void Deployer::plan(DeployTarget target, const std::string& image, std::function<void(DeployPlan)> done)
{
    const DeployPlan request = deployRequest(target, m_spec, image);
    if (!request.checks.empty()) {
        done(request);
        return;
    }
    QPointer<Deployer> self(this);
    readFacts(target, request.ref, [=, this](std::shared_ptr<DeployFacts> facts) {
        if (self)
            done(planDeploy(target, m_spec, image, *facts));
    });
}

namespace {

void keepError(DeployFacts& facts, const kube::Error& e)
{
    if (!facts.error && e.httpStatus != 404)
        facts.error = e;
}

} // namespace

void Deployer::readFacts(DeployTarget target, const ImageRef& ref,
                         std::function<void(std::shared_ptr<DeployFacts>)> done)
{
    auto r = std::make_shared<DeployFacts>();
    const bool sandbox = target == DeployTarget::Sandbox;
    // A read whose answer can no longer come is the plan's error, by name: the plan fails on it.
    auto join = Join::make([r, done](const Join::Result& result) {
        if (!result.complete())
            r->error = result.error();
        done(r);
    });
    auto getDeployment = [=, this](const std::string& ns, const std::string& name,
                                   std::optional<kube::Deployment> DeployFacts::*out) {
        m_client->getDeployment(
            ns, name,
            [=, answered = join->part("the Deployment " + ns + "/" + name)](kube::Result<kube::Deployment> d) {
                if (d)
                    (*r).*out = std::move(d).value();
                else
                    keepError(*r, d.error()); // a field of the wrong type is not "does not exist"
                answered();
            });
    };
    if (sandbox) {
        getDeployment(m_spec.sandboxNamespace, m_spec.sandboxDeployment, &DeployFacts::sandbox);
    } else {
        getDeployment(m_spec.ns, m_spec.slotA, &DeployFacts::a);
        getDeployment(m_spec.ns, m_spec.slotB, &DeployFacts::b);
        for (bool live : {true, false}) {
            const std::string& name = live ? m_spec.liveService : m_spec.stagingService;
            m_client->getService(m_spec.ns, name,
                                 [=, answered = join->part((live ? "the live Service " : "the staging Service ") +
                                                           name)](kube::Result<kube::Service> s) {
                                     if (s)
                                         (live ? r->live : r->staging) = std::move(s).value();
                                     else
                                         keepError(*r, s.error());
                                     answered();
                                 });
        }
    }
    readAccess(target, r, *join);
    m_client->whoAmI(
        [=, answered = join->part("the SelfSubjectReview of who you are")](kube::Result<kube::UserInfo> who) {
            if (who)
                r->user = who->username;
            answered();
        });
    resolve(ref, r, join->part("the registry's digest of " + ref.name() + ":" + ref.tag));
    join->seal();
}

void Deployer::readAccess(DeployTarget target, std::shared_ptr<DeployFacts> r, Join& join)
{
    // Whether the user may patch the target: both slots are checked, as either may be staging by
    // the time of the deploy. Allowed until a review says otherwise; a review that never answers
    // fails the plan by name (readFacts).
    const bool sandbox = target == DeployTarget::Sandbox;
    const std::string ns = sandbox ? m_spec.sandboxNamespace : m_spec.ns;
    const std::vector<std::string> names = sandbox ? std::vector<std::string>{m_spec.sandboxDeployment}
                                                   : std::vector<std::string>{m_spec.slotA, m_spec.slotB};
    r->mayPatch = true;
    for (const auto& name : names)
        m_client->checkAccess({"patch", kube::resources::deployments, ns, name, {}},
                              [r, answered = join.part("the access review to patch the Deployment " + ns + "/" + name)](
                                  kube::Result<kube::AccessDecision> d) {
                                  r->mayPatch = r->mayPatch && d && d->allowed;
                                  answered();
                              });
}

void Deployer::resolve(const ImageRef& ref, std::shared_ptr<DeployFacts> r, std::function<void()> answered)
{
    if (!ref.digest.empty() || !m_registry) {
        if (ref.digest.empty())
            r->registryError = kube::Error::config("no registry client is configured.");
        answered();
        return;
    }
    m_registry->resolve(ref.registry, ref.repository, ref.tag, [=](kube::Result<oci::ManifestInfo> m) {
        if (m)
            r->manifest = m.value();
        else
            r->registryError = m.error();
        answered();
    });
}

void Deployer::execute(const DeployPlan& confirmed, bool wait, std::function<void(const std::string&)> progress,
                       std::function<void(DeployOutcome)> done)
{
    QPointer<Deployer> self(this);
    progress("Checking the cluster again");
    const std::string image = confirmed.pinned.empty() ? confirmed.imageText : confirmed.pinned;
    plan(confirmed.target, image, [=, this](DeployPlan fresh) {
        if (!self)
            return;
        if (auto refused = refuseFreshDeploy(confirmed, fresh)) {
            done(*refused);
            return;
        }
        auto run = std::make_shared<DeployRun>();
        run->plan = fresh;
        run->plan.created = confirmed.created.empty() ? fresh.created : confirmed.created;
        run->plan.revision = confirmed.revision.empty() ? fresh.revision : confirmed.revision;
        run->plan.tag = confirmed.tag.empty() ? fresh.tag : confirmed.tag;
        run->wait = wait;
        run->progress = progress;
        run->done = done;
        run->at = nowUtcText();
        const DeployPlan& p = run->plan;
        progress("Patching " + p.ns + "/" + p.deployment + " to " + p.pinned);
        // Read the current annotations to merge rather than replace them.
        m_client->getDeployment(p.ns, p.deployment, [=, this](kube::Result<kube::Deployment> read) {
            if (!self)
                return;
            if (!read) {
                const bool decode = read.error().kind == kube::Error::Kind::Decode;
                done({DeployOutcome::Status::Failed, read.error().message + (decode ? " Nothing was changed." : "")});
                return;
            }
            patchDeployment(run, read.value());
        });
    });
}

void Deployer::patchDeployment(std::shared_ptr<DeployRun> run, const kube::Deployment& before)
{
    const DeployPlan& p = run->plan;
    kube::ImageSet set;
    set.resourceVersion = p.resourceVersion;
    set.container = p.container;
    set.image = p.pinned;
    set.templateAnnotations = deployTemplateAnnotations(before.podTemplate.annotations, p, run->at);
    // The history rides on the Deployment, which deployers may patch (they may not touch the Services).
    // The entry names its writer as the API server knows them: the history-authors policy checks it.
    const kube::HistoryRecord history =
        kube::appendHistory(kube::HistoryRecord{before.meta.annotation(historyAnnotation),
                                                before.meta.annotation(historyAuthorsAnnotation)},
                            deployHistoryEntry(p, run->at), p.user, deployHistoryCap);
    set.annotations = before.meta.annotations;
    set.annotations[historyAnnotation] = history.history;
    set.annotations[historyAuthorsAnnotation] = history.authors;
    const kube::JsonPatch patch = kube::imageSetPatch(set);
    QPointer<Deployer> self(this);
    auto send = [=, this] {
        m_client->patchDeployment(p.ns, p.deployment, patch, [=, this](kube::Result<kube::Deployment> r) {
            if (!self)
                return;
            if (!kube::carriedOut(r)) {
                run->done({deployPatchFailure(r.error()), r.error().message});
                return;
            }
            patched(run, before, std::move(r));
        });
    };
    if (m_beforePatch)
        m_beforePatch(send);
    else
        send();
}

void Deployer::patched(std::shared_ptr<DeployRun> run, const kube::Deployment& before,
                       kube::Result<kube::Deployment> after)
{
    if (after) {
        run->generation = after->meta.generation;
        run->patchedVersion = after->meta.resourceVersion;
    } else {
        run->progress("Patched " + run->plan.deployment + ", but its answer cannot be read: " + after.error().message);
    }
    QPointer<Deployer> self(this);
    auto next = [=, this] {
        if (!self)
            return;
        // After the patch: the guard for staging, the Event, then (with --wait) the rollout.
        if (run->plan.target != DeployTarget::Staging)
            recordAndFollow(run);
        else
            guardStaging(run, before, after, [=, this] { recordAndFollow(run); });
    };
    if (m_afterPatch)
        m_afterPatch(next);
    else
        next();
}

void Deployer::recordAndFollow(std::shared_ptr<DeployRun> run)
{
    const DeployPlan& p = run->plan;
    kube::EventRecord event;
    event.involved = {"apps/v1", "Deployment", p.deployment, p.ns};
    event.reason = "Deployed";
    event.message = p.user + " deployed " + p.pinned + (p.tag.empty() ? "" : " (" + p.tag + ")") + " to " +
                    targetName(p.target) + " " + p.place() + ", replacing " + p.current.image;
    event.time = nowUtcText();
    QPointer<Deployer> self(this);
    auto recorded = [=, this](kube::Result<kube::Unit>) {
        if (!self)
            return;
        // The namespace's longer record; the deploy is done whatever it answers.
        kube::appendToRecord(m_client, p.ns, {deployHistoryEntry(p, run->at)}, p.user,
                             [=, this](kube::RecordWritten w) {
                                 if (!self)
                                     return;
                                 if (!w.extended)
                                     run->progress(w.problem);
                                 followOrFinish(run);
                             });
    };
    m_client->createEvent(event, recorded);
}

void Deployer::followOrFinish(std::shared_ptr<DeployRun> run)
{
    const DeployPlan& p = run->plan;
    if (!run->wait) {
        run->done({DeployOutcome::Status::Started, "Deployed " + p.pinned + " to " + targetName(p.target) + " (" +
                                                       p.place() + "); the rollout continues in the cluster."});
        return;
    }
    run->deadline = QDateTime::currentMSecsSinceEpoch() + 15 * 60 * 1000;
    follow(run);
}

void Deployer::guardStaging(std::shared_ptr<DeployRun> run, const kube::Deployment& before,
                            const kube::Result<kube::Deployment>& after, std::function<void()> next)
{
    // A swap between the checks and the patch can have made this slot live. Look again; if it is
    // live now, put the Deployment back as it was, before its new pods can take traffic.
    QPointer<Deployer> self(this);
    m_client->getService(run->plan.ns, m_spec.liveService, [=, this](kube::Result<kube::Service> service) {
        if (!self)
            return;
        const DeployPlan& p = run->plan;
        if (!service && service.error().kind != kube::Error::Kind::Decode) {
            run->done({DeployOutcome::Status::Failed,
                       "Deployed " + p.pinned + " to staging (" + p.place() + "), but the live Service " +
                           m_spec.liveService + " could not be read afterwards to confirm that " + p.place() +
                           " is still staging (" + service.error().message + "). Check it now with `signalbox status " +
                           p.service + "`."});
            return;
        }
        const kube::Result<kube::Deployment>& deployment = after;
        if (!service || !deployment) {
            run->done(
                {DeployOutcome::Status::Failed, "Deployed " + p.pinned + " to staging (" + p.place() + "), but " +
                                                    (service ? deployment.error().message : service.error().message) +
                                                    " So it is not confirmed that " + p.place() +
                                                    " is still staging: check it now with "
                                                    "`signalbox status " +
                                                    p.service + "`."});
            return;
        }
        if (deployedSlotIsLive(service.value(), deployment.value()))
            undoDeploy(run, before, deployment.value());
        else
            next();
    });
}

void Deployer::undoDeploy(std::shared_ptr<DeployRun> run, const kube::Deployment& before, const kube::Deployment& after)
{
    const std::int64_t generation = after.meta.generation;
    const DeployPlan& p = run->plan;
    auto undoFailed = [=](const std::string& why) {
        run->done({DeployOutcome::Status::Failed,
                   "A swap made " + p.place() + " of " + p.service +
                       " live while this deploy was being sent, and undoing it failed (" + why +
                       "): the live slot now runs " + p.pinned + ". Swap back at once (`signalbox rollback " +
                       p.service + "`) or set " + p.deployment + "'s image back to " + p.current.image + "."});
    };
    // The deploy that was undone is not one to remember: its entry and author line are withdrawn
    // from what the patch wrote (the history-authors policy lets a writer withdraw only their own
    // newest entry, and only as text cut from the end).
    std::vector<kube::AnnotationPut> annotations;
    const kube::HistoryRecord written{after.meta.annotation(historyAnnotation),
                                      after.meta.annotation(historyAuthorsAnnotation)};
    if (const auto withdrawn = kube::withdrawNewest(written, p.user)) {
        annotations.push_back(
            {historyAnnotation, withdrawn->history, after.meta.annotations.count(historyAnnotation) > 0});
        annotations.push_back(
            {historyAuthorsAnnotation, withdrawn->authors, after.meta.annotations.count(historyAuthorsAnnotation) > 0});
    } else {
        annotations.push_back({historyAnnotation, before.meta.annotation(historyAnnotation), true});
    }
    // Only if nobody changed the spec since: status updates of the controller do not count.
    const kube::Result<kube::JsonPatch> undo = kube::templateRestorePatch(before, generation, annotations);
    if (!undo) {
        undoFailed(undo.error().message);
        return;
    }
    m_client->patchDeployment(p.ns, p.deployment, undo.value(), [=](kube::Result<kube::Deployment> r) {
        if (!kube::carriedOut(r)) {
            undoFailed(r.error().message);
            return;
        }
        run->done({DeployOutcome::Status::Conflict,
                   "A swap made " + p.place() + " of " + p.service +
                       " live while this deploy was being sent, so the deploy was undone at once: " + p.deployment +
                       " runs " + p.current.image + " again. Deploy again to the new staging slot."});
    });
}

void Deployer::follow(std::shared_ptr<DeployRun> run)
{
    // The Deployment is watched (one request: the watch begins with its state as of the patch or
    // newer) and the rollout judged on every change, until it finishes, stalls or the deadline passes.
    const DeployPlan& planned = run->plan;
    auto* informer = new kube::Informer(
        m_client, {kube::resources::deployments, planned.ns, {}, "metadata.name=" + planned.deployment}, this);
    informer->setInitialEvents(true);
    // As of the patch, from the server's watch cache: the newest state would wait, after the
    // Event's write, for etcd's next progress notification (up to 100 ms).
    if (!run->patchedVersion.empty())
        informer->setStartVersion(run->patchedVersion);
    auto* deadline = new QTimer(this);
    deadline->setSingleShot(true);
    auto ended = std::make_shared<bool>(false);
    auto lastProgress = std::make_shared<std::string>();
    auto end = [this, run, informer, deadline, ended](DeployOutcome o) {
        if (*ended)
            return;
        *ended = true;
        disconnect(informer, nullptr, this, nullptr);
        disconnect(deadline, nullptr, this, nullptr);
        informer->deleteLater();
        deadline->deleteLater();
        run->done(std::move(o));
    };
    auto look = [run, informer, end, ended, lastProgress] {
        if (*ended)
            return;
        const DeployPlan& p = run->plan;
        for (const auto& [key, object] : informer->objects()) {
            const auto d = kube::parseDeployment(object);
            if (!d) {
                end({DeployOutcome::Status::Failed, d.error().message});
                return;
            }
            if (d->meta.name != p.deployment)
                continue;
            const RolloutState state = rolloutState(p, d.value(), run->generation);
            const SlotFacts& f = state.slot;
            if (state.kind == RolloutState::Kind::Stalled) {
                end({DeployOutcome::Status::Failed, state.message});
            } else if (state.kind == RolloutState::Kind::Finished) {
                end({DeployOutcome::Status::Done, "Deployed " + p.pinned + " to " + targetName(p.target) + " (" +
                                                      p.place() + "): rolled out, " + std::to_string(f.ready) + " of " +
                                                      std::to_string(f.desired) + " pods ready."});
            } else {
                const std::string text = "Rolling out: " + std::to_string(f.updated) + " of " +
                                         std::to_string(f.desired) + " updated, " + std::to_string(f.ready) + " ready";
                if (text != *lastProgress)
                    run->progress(text);
                *lastProgress = text;
            }
            return;
        }
    };
    connect(informer, &kube::Informer::synced, this, look);
    connect(informer, &kube::Informer::added, this, look);
    connect(informer, &kube::Informer::modified, this, look);
    connect(deadline, &QTimer::timeout, this, [run, informer, end] {
        const DeployPlan& p = run->plan;
        if (informer->state() != kube::Informer::State::Live || !informer->hasSynced())
            end({DeployOutcome::Status::Failed, "Lost sight of the rollout: " + informer->lastError().message});
        else
            end({DeployOutcome::Status::Failed,
                 "The rollout of " + p.deployment + " did not finish within 15 minutes."});
    });
    deadline->start(static_cast<int>(std::max<qint64>(0, run->deadline - QDateTime::currentMSecsSinceEpoch())));
    informer->start();
}

} // namespace model
