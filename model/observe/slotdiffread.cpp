#include "slotdiffread.h"

#include "model/rules/rules.h"
#include "model/rules/slotrules.h"

#include <QPointer>
#include <QTimer>
#include <map>
#include <memory>
#include <set>

namespace model {

namespace {

// What the first reads found: the two Services and the three Deployments (the sandbox only when named).
struct Reads {
    std::optional<kube::Service> live, staging;
    std::optional<kube::Deployment> a, b, sandbox;
    std::optional<kube::Error> error;
    int left = 0;
};

// One side of the diff: its namespace and what the rule reads.
struct Side {
    std::string ns;
    SlotSide slot;
};

std::optional<Side> sideOfDeployment(const kube::Deployment& d, std::string label, std::string* why)
{
    kube::Result<kube::PodSpecDetail> detail = kube::podSpecDetail(d);
    if (!detail) {
        *why = detail.error().message;
        return std::nullopt;
    }
    Side side;
    side.ns = d.meta.ns;
    side.slot.label = std::move(label);
    side.slot.replicas = d.replicas;
    side.slot.podTemplate = d.podTemplate;
    side.slot.spec = std::move(detail).value();
    return side;
}

std::optional<Side> sideOf(const ServiceSpec& spec, const Reads& r, const std::string& which, std::string* why)
{
    std::optional<Slot> slot;
    std::string role;
    bool both = false;
    if (which == "live" || which == "staging") {
        const std::optional<kube::Service>& svc = which == "live" ? r.live : r.staging;
        if (svc)
            slot = selectedSlot(*svc, r.a, r.b, &both);
        if (!slot) {
            *why = "Service " + (which == "live" ? spec.liveService : spec.stagingService) +
                   " selects neither slot A nor slot B of " + spec.name + " now: name the slot (--from a, --to b).";
            return std::nullopt;
        }
        role = which;
    } else if (which == "a" || which == "b") {
        slot = *parseSlot(which);
    }
    const std::optional<kube::Deployment>& d = !slot ? r.sandbox : *slot == Slot::A ? r.a : r.b;
    const std::string name = slot ? spec.slotDeployment(*slot) : spec.sandboxDeployment;
    if (!d) {
        *why = "there is no Deployment " + name + " of " + spec.name + " to compare.";
        return std::nullopt;
    }
    const std::string label =
        slot ? (role.empty() ? "slot " : role + " (slot ") + letter(*slot) + ", " + name + (role.empty() ? "" : ")")
             : "sandbox (" + name + ")";
    return sideOfDeployment(*d, label, why);
}

bool sameContent(const kube::ConfigMap& x, const kube::ConfigMap& y)
{
    return x.data == y.data && x.binaryData == y.binaryData;
}

// Reads the ConfigMaps of the pairs that name two objects (by name or namespace), then diffs.
void compareAndAnswer(kube::Client* client, const Side& from, const Side& to, QPointer<QObject> guard,
                      std::function<void(SlotDiffAnswer)> done)
{
    struct ConfigMaps {
        std::map<std::pair<std::string, std::string>, kube::Result<kube::ConfigMap>> read; // (ns, name)
        int left = 1;
    };
    auto maps = std::make_shared<ConfigMaps>();
    std::set<ConfigMapPair> pairs;
    for (const ConfigMapPair& p : configMapPairs(from.slot, to.slot))
        if (p.first != p.second || from.ns != to.ns)
            pairs.insert(p);
    auto finish = [from, to, pairs, maps, guard, done] {
        if (--maps->left > 0 || !guard)
            return;
        ConfigMapContent content;
        for (const ConfigMapPair& p : pairs) {
            const auto& x = maps->read.at({from.ns, p.first});
            const auto& y = maps->read.at({to.ns, p.second});
            bool readable = true;
            for (const auto* r : {&x, &y})
                if (!*r) {
                    const kube::Error& e = r->error();
                    if (e.httpStatus != 403 && e.httpStatus != 404) {
                        done(SlotDiffAnswer{.diff = std::nullopt, .problem = e.message, .error = e});
                        return;
                    }
                    content.unreadable[r == &x ? p.first : p.second] =
                        e.httpStatus == 403 ? "not readable (forbidden)" : "not found";
                    readable = false;
                }
            if (!readable)
                continue;
            content.compared.insert(p);
            if (!sameContent(x.value(), y.value()))
                content.differ.insert(p);
        }
        done(SlotDiffAnswer{.diff = diffSlots(from.slot, to.slot, content), .problem = {}, .error = std::nullopt});
    };
    for (const ConfigMapPair& p : pairs)
        for (const auto& [ns, name] : {std::pair{from.ns, p.first}, std::pair{to.ns, p.second}})
            if (maps->read.emplace(std::pair{ns, name}, kube::Error{}).second) {
                ++maps->left;
                client->getConfigMap(ns, name, [maps, finish, key = std::pair{ns, name}](auto r) {
                    maps->read.insert_or_assign(key, std::move(r));
                    finish();
                });
            }
    // Nothing to read: still answer later, as the reads would.
    if (maps->left == 1)
        QTimer::singleShot(0, guard.data(), finish);
    else
        finish();
}

void answerLater(QObject* owner, std::function<void(SlotDiffAnswer)> done, SlotDiffAnswer answer)
{
    QTimer::singleShot(0, owner, [done = std::move(done), answer = std::move(answer)] { done(answer); });
}

} // namespace

bool knownDiffSide(const std::string& side)
{
    for (const char* n : {"live", "staging", "sandbox", "a", "b"})
        if (side == n)
            return true;
    return false;
}

void readSlotDiff(kube::Client* client, const ServiceSpec& spec, const std::string& from, const std::string& to,
                  QObject* owner, std::function<void(SlotDiffAnswer)> done)
{
    const bool sandbox = from == "sandbox" || to == "sandbox";
    if (sandbox && !spec.sandboxContext.empty() && spec.sandboxContext != client->config().contextName) {
        answerLater(owner, std::move(done),
                    SlotDiffAnswer{.diff = std::nullopt,
                                   .problem = "the sandbox of " + spec.name + " is in context " + spec.sandboxContext +
                                              ", which is not read here: compare it from that context (--context " +
                                              spec.sandboxContext + ") with its own slots.",
                                   .error = std::nullopt});
        return;
    }
    auto reads = std::make_shared<Reads>();
    reads->left = sandbox ? 5 : 4;
    QPointer<QObject> guard(owner);
    auto oneRead = [client, spec, from, to, reads, guard, done] {
        if (--reads->left > 0 || !guard)
            return;
        if (reads->error) {
            done(SlotDiffAnswer{.diff = std::nullopt, .problem = reads->error->message, .error = reads->error});
            return;
        }
        std::string why;
        const std::optional<Side> a = sideOf(spec, *reads, from, &why);
        const std::optional<Side> b = a ? sideOf(spec, *reads, to, &why) : std::nullopt;
        if (!a || !b) {
            done(SlotDiffAnswer{.diff = std::nullopt, .problem = why, .error = std::nullopt});
            return;
        }
        compareAndAnswer(client, *a, *b, guard, done);
    };
    // A missing object is an answer (a side that is not there); any other failure ends the read.
    auto keep = [reads, oneRead](auto& into) {
        return [reads, oneRead, &into](auto r) {
            if (r)
                into = std::move(r).value();
            else if (r.error().httpStatus != 404 && !reads->error)
                reads->error = r.error();
            oneRead();
        };
    };
    client->getService(spec.ns, spec.liveService, keep(reads->live));
    client->getService(spec.ns, spec.stagingService, keep(reads->staging));
    client->getDeployment(spec.ns, spec.slotA, keep(reads->a));
    client->getDeployment(spec.ns, spec.slotB, keep(reads->b));
    if (sandbox)
        client->getDeployment(spec.sandboxNamespace, spec.sandboxDeployment, keep(reads->sandbox));
}

void readDeployDiff(kube::Client* client, const DeployPlan& plan, QObject* owner,
                    std::function<void(SlotDiffAnswer)> done)
{
    if (plan.deployment.empty()) {
        answerLater(owner, std::move(done),
                    SlotDiffAnswer{.diff = std::nullopt,
                                   .problem = "the deploy has found no Deployment to compare yet.",
                                   .error = std::nullopt});
        return;
    }
    QPointer<QObject> guard(owner);
    client->getDeployment(plan.ns, plan.deployment, [client, plan, guard, done](kube::Result<kube::Deployment> r) {
        if (!guard)
            return;
        if (!r) {
            done(SlotDiffAnswer{.diff = std::nullopt, .problem = r.error().message, .error = r.error()});
            return;
        }
        const kube::Deployment& now = r.value();
        std::string why;
        std::optional<Side> from = sideOfDeployment(now, plan.place() + " now (" + plan.deployment + ")", &why);
        if (!from) {
            done(SlotDiffAnswer{.diff = std::nullopt, .problem = why, .error = std::nullopt});
            return;
        }
        // What the deploy's patch changes: the container's image and the release's annotations.
        Side next = *from;
        next.slot.label = plan.place() + " after the deploy";
        const std::string image = plan.pinned.empty() ? plan.imageText : plan.pinned;
        for (kube::ContainerSpec& c : next.slot.spec.containers)
            if (c.name == plan.container)
                c.image = image;
        for (kube::Container& c : next.slot.podTemplate.containers)
            if (c.name == plan.container)
                c.image = image;
        next.slot.podTemplate.annotations =
            deployTemplateAnnotations(next.slot.podTemplate.annotations, plan, std::string());
        compareAndAnswer(client, *from, next, guard, done);
    });
}

} // namespace model
