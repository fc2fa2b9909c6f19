#include "deploy.h"

#include "release.h"
#include "servicestate.h"

#include <QDateTime>
#include <QTimer>

namespace model {

using nlohmann::json;

namespace {

std::string upper(char slot)
{
    return slot == 's' ? std::string("sandbox") : "slot " + std::string(1, static_cast<char>(slot - 'a' + 'A'));
}

} // namespace

struct DeployRun {
    DeployPlan plan;
    bool wait = false;
    std::function<void(const std::string&)> progress;
    std::function<void(DeployOutcome)> done;
    std::int64_t generation = 0;
    qint64 deadline = 0;
};

const char* targetName(DeployTarget t)
{
    return t == DeployTarget::Sandbox ? "sandbox" : t == DeployTarget::Staging ? "staging" : "live";
}

bool DeployPlan::allowed() const
{
    return firstFailure() == nullptr && !pinned.empty();
}

const Check* DeployPlan::firstFailure() const
{
    return firstFailedCheck(checks);
}

std::string DeployPlan::describe() const
{
    std::string s = service + ": deploy to " + targetName(target) +
                    (slot ? " (" + upper(slot) + ", " + ns + "/" + deployment + ")" : std::string()) + "\n";
    if (current.exists)
        s += "    now  " + current.image + "\n";
    if (!pinned.empty())
        s += "    new  " + pinned + (tag.empty() ? "" : "  (tag " + tag + ")") +
             (revision.empty() ? "" : "  commit " + revision.substr(0, 12)) +
             (created.empty() ? "" : "  built " + created) + "\n";
    if (!warning.empty())
        s += "WARNING: " + warning + "\n";
    s += "as user: " + (user.empty() ? std::string("(unknown)") : user) + "\n";
    for (const auto& c : checks)
        s += std::string(c.holds ? "  ok   " : "  FAIL ") + c.text + "\n";
    return s;
}

json DeployPlan::toJson() const
{
    json j = {{"service", service},       {"target", targetName(target)},
              {"namespace", ns},          {"deployment", deployment},
              {"image", pinned},          {"tag", tag},
              {"revision", revision},     {"created", created},
              {"from", current.toJson()}, {"user", user},
              {"allowed", allowed()},     {"warning", warning}};
    json checkList = json::array();
    for (const auto& c : checks)
        checkList.push_back({{"check", c.text}, {"holds", c.holds}});
    if (!checks.empty())
        j.emplace("checks", std::move(checkList));
    return j;
}

int DeployOutcome::exitCode() const
{
    switch (status) {
    case Status::Done:
    case Status::Started:
        return 0;
    case Status::Refused:
        return 3;
    case Status::Forbidden:
        return 4;
    case Status::Conflict:
        return 5;
    case Status::Failed:
        return 1;
    }
    return 1;
}

Deployer::Deployer(kube::Client* client, oci::RegistryClient* registry, ServiceSpec spec, QObject* parent)
    : QObject(parent), m_client(client), m_registry(registry), m_spec(std::move(spec))
{
}

void Deployer::plan(DeployTarget target, const std::string& image, std::function<void(DeployPlan)> done)
{
    auto p = std::make_shared<DeployPlan>();
    p->service = m_spec.name;
    p->spec = m_spec;
    p->target = target;
    p->imageText = image;
    if (target == DeployTarget::Live) {
        p->checks.push_back({"Live is never a deploy target: deploy to staging, then swap", false});
        done(*p);
        return;
    }
    std::string why;
    const auto ref = parseImageRef(image, &why);
    if (!ref) {
        p->badInput = true;
        p->checks.push_back({"\"" + image + "\" is an image reference (" + why + ")", false});
        done(*p);
        return;
    }
    p->ref = *ref;
    p->tag = ref->tag;

    struct Read {
        std::optional<kube::Service> live, staging;
        std::optional<kube::Deployment> a, b, sandbox;
        std::optional<kube::Error> error;
        std::optional<oci::ManifestInfo> manifest;
        std::optional<kube::Error> registryError;
        bool mayPatch = false;
    };
    auto r = std::make_shared<Read>();
    QPointer<Deployer> self(this);
    auto keep = [r](const kube::Error& e) {
        if (!r->error && e.httpStatus != 404)
            r->error = e;
    };

    auto decide = [=, this] {
        if (!self)
            return;
        auto check = [&](bool holds, std::string text, bool permission = false) {
            p->checks.push_back({std::move(text), holds, permission});
            return holds;
        };
        if (r->error) {
            check(false, r->error->message, r->error->httpStatus == 403);
            done(*p);
            return;
        }
        std::optional<kube::Deployment> targetDeployment;
        if (target == DeployTarget::Sandbox) {
            p->slot = 's';
            p->ns = m_spec.sandboxNamespace;
            p->deployment = m_spec.sandboxDeployment;
            targetDeployment = r->sandbox;
            check(r->sandbox.has_value(), "The sandbox Deployment " + p->ns + "/" + p->deployment + " exists");
        } else {
            p->ns = m_spec.ns;
            // Staging is the slot the staging Service selects and the live Service does not.
            auto selects = [&](const std::optional<kube::Service>& svc, const std::optional<kube::Deployment>& d) {
                return svc && d && kube::selectorMatches(svc->selector, d->podTemplate.labels);
            };
            const bool liveA = selects(r->live, r->a), liveB = selects(r->live, r->b);
            const bool stagingA = selects(r->staging, r->a), stagingB = selects(r->staging, r->b);
            const char slot = stagingA && !stagingB ? 'a' : stagingB && !stagingA ? 'b' : 0;
            check(r->live && r->staging, "The live and staging Services " + m_spec.liveService + " and " +
                                             m_spec.stagingService + " exist in " + m_spec.ns);
            if (check(slot != 0, "The staging Service selects exactly one slot")) {
                const bool notLive = !(slot == 'a' ? liveA : liveB);
                if (check(notLive, notLive ? "The staging slot (" + upper(slot) + ") is not live"
                                           : "The staging slot (" + upper(slot) +
                                                 ") is not live (live and staging "
                                                 "point at the same slot: repair it first)")) {
                    p->slot = slot;
                    p->deployment = m_spec.slotDeployment(slot);
                    targetDeployment = slot == 'a' ? r->a : r->b;
                    check(targetDeployment.has_value(), "The staging Deployment " + p->deployment + " exists");
                }
            }
        }
        if (targetDeployment) {
            p->current = slotFacts(p->slot, p->deployment, targetDeployment);
            p->resourceVersion = targetDeployment->meta.resourceVersion;
            if (!targetDeployment->podTemplate.containers.empty())
                p->container = targetDeployment->podTemplate.containers.front().name;
        }
        if (!p->ref.digest.empty()) {
            p->pinned = p->ref.name() + "@" + p->ref.digest;
        } else if (r->manifest) {
            p->pinned = p->ref.name() + "@" + r->manifest->digest;
            p->created = r->manifest->created;
            p->revision = r->manifest->revision;
        }
        if (r->registryError)
            check(false, "The tag " + p->ref.tag + " resolves to a digest: " + r->registryError->message +
                             " Deploy by digest (repository@sha256:...) if the registry cannot be reached from here.");
        if (p->revision.empty())
            p->revision = commitFromTag(p->tag);
        check(r->mayPatch, "You may patch the Deployment " + p->ns + "/" + p->deployment, true);
        if (target == DeployTarget::Staging && m_spec.runsMigrationsAtStart && m_spec.stagingSharesLiveDatabase)
            p->warning = m_spec.name +
                         " runs its database migrations when it starts, and its staging slot shares "
                         "the live database: starting this image changes the live schema before any swap. Make "
                         "sure the live release works with the new schema.";
        done(*p);
    };

    const int reads = target == DeployTarget::Sandbox ? 1 : 4;
    auto gate = std::make_shared<Countdown>(Countdown{reads + 3, decide});
    auto getDeployment = [=, this](const std::string& ns, const std::string& name,
                                   std::optional<kube::Deployment>& out) {
        m_client->get(kube::resources::deployments, ns, name, [=, &out](kube::Result<json> res) {
            if (res) {
                if (auto d = kube::parseDeployment(res.value()))
                    out = d.value();
            } else {
                keep(res.error());
            }
            gate->tick();
        });
    };
    if (target == DeployTarget::Sandbox) {
        getDeployment(m_spec.sandboxNamespace, m_spec.sandboxDeployment, r->sandbox);
    } else {
        getDeployment(m_spec.ns, m_spec.slotA, r->a);
        getDeployment(m_spec.ns, m_spec.slotB, r->b);
        for (bool live : {true, false})
            m_client->get(kube::resources::services, m_spec.ns, live ? m_spec.liveService : m_spec.stagingService,
                          [=](kube::Result<json> res) {
                              if (res) {
                                  if (auto s = kube::parseService(res.value()))
                                      (live ? r->live : r->staging) = s.value();
                              } else {
                                  keep(res.error());
                              }
                              gate->tick();
                          });
    }
    // Whether the user may patch the target: both slots are checked, the one that is staging counts.
    auto access = std::make_shared<std::map<std::string, bool>>();
    auto accessGate =
        std::make_shared<Countdown>(Countdown{target == DeployTarget::Sandbox ? 1 : 2, [=, this] {
                                                  if (target == DeployTarget::Sandbox)
                                                      r->mayPatch = (*access)[m_spec.sandboxDeployment];
                                                  else
                                                      r->mayPatch = (*access)[m_spec.slotA] && (*access)[m_spec.slotB];
                                                  gate->tick();
                                              }});
    const std::string ns = target == DeployTarget::Sandbox ? m_spec.sandboxNamespace : m_spec.ns;
    const std::vector<std::string> names = target == DeployTarget::Sandbox
                                               ? std::vector<std::string>{m_spec.sandboxDeployment}
                                               : std::vector<std::string>{m_spec.slotA, m_spec.slotB};
    for (const auto& name : names)
        m_client->checkAccess({"patch", kube::resources::deployments, ns, name, {}},
                              [=](kube::Result<kube::AccessDecision> d) {
                                  (*access)[name] = d && d->allowed;
                                  accessGate->tick();
                              });
    m_client->whoAmI([=](kube::Result<kube::UserInfo> who) {
        if (who)
            p->user = who->username;
        gate->tick();
    });
    if (!ref->digest.empty() || !m_registry) {
        if (ref->digest.empty())
            r->registryError = kube::Error::config("no registry client is configured.");
        gate->tick();
    } else {
        m_registry->resolve(ref->registry, ref->repository, ref->tag, [=](kube::Result<oci::ManifestInfo> m) {
            if (m)
                r->manifest = m.value();
            else
                r->registryError = m.error();
            gate->tick();
        });
    }
}

void Deployer::execute(const DeployPlan& confirmed, bool wait, std::function<void(const std::string&)> progress,
                       std::function<void(DeployOutcome)> done)
{
    QPointer<Deployer> self(this);
    progress("Checking the cluster again");
    plan(confirmed.target, confirmed.pinned.empty() ? confirmed.imageText : confirmed.pinned,
         [=, this](DeployPlan fresh) {
             if (!self)
                 return;
             auto finish = [done](DeployOutcome::Status s, std::string m) { done(DeployOutcome{s, std::move(m)}); };
             if (!fresh.allowed()) {
                 const Check* f = fresh.firstFailure();
                 finish(f && f->permission ? DeployOutcome::Status::Forbidden : DeployOutcome::Status::Refused,
                        "Refused: " + (f ? f->text : std::string("nothing to do")) + ". Nothing was changed.");
                 return;
             }
             if (fresh.slot != confirmed.slot || fresh.deployment != confirmed.deployment) {
                 finish(DeployOutcome::Status::Conflict, fresh.service + " changed since you looked: staging is now " +
                                                             upper(fresh.slot) + ". Nothing was changed.");
                 return;
             }
             DeployPlan p = fresh;
             p.created = confirmed.created.empty() ? fresh.created : confirmed.created;
             p.revision = confirmed.revision.empty() ? fresh.revision : confirmed.revision;
             p.tag = confirmed.tag.empty() ? fresh.tag : confirmed.tag;
             const std::string now = nowUtcText();
             // The tag stays beside the digest for people; the history rides on the Deployment, which
             // deployers may patch (they may not touch the Services).
             const std::map<std::string, std::string> annotations = {{tagAnnotation, p.tag},
                                                                     {revisionAnnotation, p.revision},
                                                                     {createdAnnotation, p.created},
                                                                     {deployedAtAnnotation, now}};
             kube::HistoryEntry entry;
             entry.at = now;
             entry.user = p.user;
             entry.action = "deploy";
             entry.service = p.service;
             entry.target = targetName(p.target);
             entry.from = p.current.record();
             entry.to = {std::string(1, p.slot),
                         p.deployment,
                         p.pinned,
                         p.tag,
                         p.pinned.substr(p.pinned.find('@') + 1),
                         p.revision,
                         p.created};
             json patch = json::array();
             patch.push_back({{"op", "test"}, {"path", "/metadata/resourceVersion"}, {"value", p.resourceVersion}});
             patch.push_back(
                 {{"op", "test"}, {"path", "/spec/template/spec/containers/0/name"}, {"value", p.container}});
             patch.push_back(
                 {{"op", "replace"}, {"path", "/spec/template/spec/containers/0/image"}, {"value", p.pinned}});
             patch.push_back(
                 {{"op", "add"}, {"path", "/spec/template/metadata/annotations"}, {"value", json::object()}});
             progress("Patching " + p.ns + "/" + p.deployment + " to " + p.pinned);
             auto run = std::make_shared<DeployRun>();
             run->plan = p;
             run->wait = wait;
             run->progress = progress;
             run->done = done;
             // Read the current annotations to merge rather than replace them.
             m_client->get(
                 kube::resources::deployments, p.ns, p.deployment, [=, this](kube::Result<json> current) mutable {
                     if (!self)
                         return;
                     if (!current) {
                         finish(DeployOutcome::Status::Failed, current.error().message);
                         return;
                     }
                     const json& obj = current.value();
                     const auto read = kube::parseDeployment(obj);
                     if (!read) {
                         finish(DeployOutcome::Status::Failed, read.error().message + " Nothing was changed.");
                         return;
                     }
                     kube::Labels tmplAnnotations = read->podTemplate.annotations;
                     for (const auto& [k, v] : annotations)
                         if (v.empty())
                             tmplAnnotations.erase(k);
                         else
                             tmplAnnotations[k] = v;
                     patch.back() = {
                         {"op", "add"}, {"path", "/spec/template/metadata/annotations"}, {"value", tmplAnnotations}};
                     kube::Labels metaAnnotations = read->meta.annotations;
                     metaAnnotations[historyAnnotation] =
                         kube::appendHistory(read->meta.annotation(historyAnnotation), entry, deployHistoryCap);
                     patch.push_back({{"op", "add"}, {"path", "/metadata/annotations"}, {"value", metaAnnotations}});
                     // After the patch: the Event, then (with --wait) the rollout.
                     auto recordAndFollow = [=, this] {
                         const json event = {
                             {"apiVersion", "v1"},
                             {"kind", "Event"},
                             {"metadata", {{"generateName", p.deployment + ".signalbox-"}, {"namespace", p.ns}}},
                             {"involvedObject",
                              {{"apiVersion", "apps/v1"},
                               {"kind", "Deployment"},
                               {"name", p.deployment},
                               {"namespace", p.ns}}},
                             {"reason", "Deployed"},
                             {"message", p.user + " deployed " + p.pinned + (p.tag.empty() ? "" : " (" + p.tag + ")") +
                                             " to " + targetName(p.target) + " " + upper(p.slot) + ", replacing " +
                                             p.current.image},
                             {"type", "Normal"},
                             {"source", {{"component", "signalbox"}}},
                             {"firstTimestamp", nowUtcText()},
                             {"lastTimestamp", nowUtcText()},
                             {"count", 1}};
                         m_client->create(kube::resources::events, p.ns, event, [=, this](kube::Result<json>) {
                             if (!self)
                                 return;
                             if (!run->wait) {
                                 run->done({DeployOutcome::Status::Started,
                                            "Deployed " + p.pinned + " to " + targetName(p.target) + " (" +
                                                upper(p.slot) + "); the rollout continues in the cluster."});
                                 return;
                             }
                             run->deadline = QDateTime::currentMSecsSinceEpoch() + 15 * 60 * 1000;
                             follow(run, 0);
                         });
                     };
                     const json before = obj;
                     auto send = [=, this] {
                         m_client->patch(kube::resources::deployments, p.ns, p.deployment, kube::PatchType::Json, patch,
                                         [=, this](kube::Result<json> r) {
                                             if (!self)
                                                 return;
                                             if (!r) {
                                                 finish(r.error().httpStatus == 403 ? DeployOutcome::Status::Forbidden
                                                        : r.error().reason == "Conflict"
                                                            ? DeployOutcome::Status::Conflict
                                                            : DeployOutcome::Status::Failed,
                                                        r.error().message);
                                                 return;
                                             }
                                             if (auto d = kube::parseDeployment(r.value()))
                                                 run->generation = d->meta.generation;
                                             const json after = r.value();
                                             auto next = [=, this] {
                                                 if (p.target != DeployTarget::Staging)
                                                     recordAndFollow();
                                                 else
                                                     guardStaging(run, before, after, recordAndFollow);
                                             };
                                             if (!m_afterPatch) {
                                                 next();
                                                 return;
                                             }
                                             m_afterPatch([self, next] {
                                                 if (self)
                                                     next();
                                             });
                                         });
                     };
                     if (m_beforePatch)
                         m_beforePatch(send);
                     else
                         send();
                 });
         });
}

void Deployer::guardStaging(std::shared_ptr<DeployRun> run, const json& before, const json& after,
                            std::function<void()> next)
{
    // A swap between the checks and the patch can have made this slot live. Look again; if it is
    // live now, put the Deployment back as it was, before its new pods can take traffic.
    QPointer<Deployer> self(this);
    m_client->get(kube::resources::services, run->plan.ns, m_spec.liveService, [=, this](kube::Result<json> live) {
        if (!self)
            return;
        const DeployPlan& p = run->plan;
        if (!live) {
            run->done({DeployOutcome::Status::Failed,
                       "Deployed " + p.pinned + " to staging (" + upper(p.slot) + "), but the live Service " +
                           m_spec.liveService + " could not be read afterwards to confirm that " + upper(p.slot) +
                           " is still staging (" + live.error().message + "). Check it now with `signalbox status " +
                           p.service + "`."});
            return;
        }
        const auto service = kube::parseService(live.value());
        const auto deployment = kube::parseDeployment(after);
        const bool nowLive = service && deployment &&
                             kube::selectorMatches(service.value().selector, deployment.value().podTemplate.labels);
        if (!nowLive) {
            next();
            return;
        }
        // Only if nobody changed the spec since: status updates of the controller do not count.
        auto undoFailed = [=](const std::string& why) {
            run->done({DeployOutcome::Status::Failed,
                       "A swap made " + upper(p.slot) + " of " + p.service +
                           " live while this deploy was being sent, and undoing it failed (" + why +
                           "): the live slot now runs " + p.pinned + ". Swap back at once (`signalbox rollback " +
                           p.service + "`) or set " + p.deployment + "'s image back to " + p.current.image + "."});
        };
        const auto wasTemplate = kube::podTemplateJson(before);
        if (!wasTemplate) {
            undoFailed(wasTemplate.error().message);
            return;
        }
        const auto was = kube::parseDeployment(before);
        json undo = json::array();
        undo.push_back({{"op", "test"}, {"path", "/metadata/generation"}, {"value", deployment->meta.generation}});
        undo.push_back({{"op", "replace"}, {"path", "/spec/template"}, {"value", wasTemplate.value()}});
        // The history as it was: the deploy that was undone is not one to remember.
        const std::string historyPath = "/metadata/annotations/" + pointerEscape(historyAnnotation);
        if (was && was->meta.annotations.count(historyAnnotation))
            undo.push_back(
                {{"op", "replace"}, {"path", historyPath}, {"value", was->meta.annotation(historyAnnotation)}});
        else
            undo.push_back({{"op", "remove"}, {"path", historyPath}});
        m_client->patch(kube::resources::deployments, p.ns, p.deployment, kube::PatchType::Json, undo,
                        [=](kube::Result<json> r) {
                            if (r) {
                                run->done({DeployOutcome::Status::Conflict,
                                           "A swap made " + upper(p.slot) + " of " + p.service +
                                               " live while this deploy was being sent, so the deploy was undone at "
                                               "once: " +
                                               p.deployment + " runs " + p.current.image +
                                               " again. Deploy again to the new staging slot."});
                                return;
                            }
                            undoFailed(r.error().message);
                        });
    });
}

void Deployer::follow(std::shared_ptr<DeployRun> run, int attempt)
{
    QPointer<Deployer> self(this);
    const DeployPlan& p = run->plan;
    m_client->get(kube::resources::deployments, p.ns, p.deployment, [=, this](kube::Result<json> r) {
        if (!self)
            return;
        auto again = [=, this] {
            QTimer::singleShot(500, this, [=, this] {
                if (self)
                    follow(run, attempt + 1);
            });
        };
        if (!r) {
            if (QDateTime::currentMSecsSinceEpoch() > run->deadline) {
                run->done({DeployOutcome::Status::Failed, "Lost sight of the rollout: " + r.error().message});
                return;
            }
            again();
            return;
        }
        const auto d = kube::parseDeployment(r.value());
        if (!d) {
            run->done({DeployOutcome::Status::Failed, d.error().message});
            return;
        }
        SlotFacts f = slotFacts(p.slot, p.deployment, d.value());
        const kube::Condition* progressing = d->condition("Progressing");
        if (progressing && progressing->reason == "ProgressDeadlineExceeded") {
            run->done({DeployOutcome::Status::Failed,
                       "The rollout of " + p.deployment + " stalled: " + progressing->message +
                           " The slot keeps its old pods where they still run; look at the pods' events, fix the "
                           "image or its configuration, and deploy again."});
            return;
        }
        if (d->observedGeneration >= run->generation && f.rolledOut) {
            run->done({DeployOutcome::Status::Done, "Deployed " + p.pinned + " to " + targetName(p.target) + " (" +
                                                        upper(p.slot) + "): rolled out, " + std::to_string(f.ready) +
                                                        " of " + std::to_string(f.desired) + " pods ready."});
            return;
        }
        if (attempt % 4 == 0)
            run->progress("Rolling out: " + std::to_string(f.updated) + " of " + std::to_string(f.desired) +
                          " updated, " + std::to_string(f.ready) + " ready");
        if (QDateTime::currentMSecsSinceEpoch() > run->deadline) {
            run->done({DeployOutcome::Status::Failed,
                       "The rollout of " + p.deployment + " did not finish within 15 minutes."});
            return;
        }
        again();
    });
}

} // namespace model
