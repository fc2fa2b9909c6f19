// signalbox diff SERVICE [--from live|staging|sandbox|a|b] [--to staging|sandbox|live|a|b] [-o json]:
// what differs between the Deployments two slots run (model::diffSlots), differences first. Reads the
// live and staging Services, slots A and B (and the sandbox when named), then the ConfigMaps both sides
// name at the same place; a ConfigMap that may not be read is said, not an error. Exit 0 whether or not
// the slots differ.
#include "app/exitcodes.h"
#include "commands.h"
#include "model/rules/slotdiff.h"
#include "model/rules/slotrules.h"
#include "session.h"

#include <QCoreApplication>
#include <map>
#include <memory>
#include <optional>

namespace cli {

namespace {

const char* const sideNames[] = {"live", "staging", "sandbox", "a", "b"};

bool knownSide(const std::string& side)
{
    for (const char* n : sideNames)
        if (side == n)
            return true;
    return false;
}

// What the first reads found: the two Services and the three Deployments (the sandbox only when named).
struct Reads {
    std::optional<kube::Service> live, staging;
    std::optional<kube::Deployment> a, b, sandbox;
    std::optional<kube::Error> error;
    int left = 0;
};

// One side of the diff, found in the reads: its namespace and the side the rule reads.
struct Side {
    std::string ns;
    model::SlotSide slot;
};

std::optional<Side> sideOf(const model::ServiceSpec& spec, const Reads& r, const std::string& which, std::string* why)
{
    std::optional<model::Slot> slot;
    std::string role;
    bool both = false;
    if (which == "live" || which == "staging") {
        const std::optional<kube::Service>& svc = which == "live" ? r.live : r.staging;
        if (svc)
            slot = model::selectedSlot(*svc, r.a, r.b, &both);
        if (!slot) {
            *why = "Service " + (which == "live" ? spec.liveService : spec.stagingService) +
                   " selects neither slot A nor slot B of " + spec.name + " now: name the slot (--from a, --to b).";
            return std::nullopt;
        }
        role = which;
    } else if (which == "a" || which == "b") {
        slot = *model::parseSlot(which);
    }
    const std::optional<kube::Deployment>& d = !slot ? r.sandbox : *slot == model::Slot::A ? r.a : r.b;
    const std::string name = slot ? spec.slotDeployment(*slot) : spec.sandboxDeployment;
    if (!d) {
        *why = "there is no Deployment " + name + " of " + spec.name + " to compare.";
        return std::nullopt;
    }
    kube::Result<kube::PodSpecDetail> detail = kube::podSpecDetail(*d);
    if (!detail) {
        *why = detail.error().message;
        return std::nullopt;
    }
    Side side;
    side.ns = d->meta.ns;
    side.slot.label = slot ? (role.empty() ? "slot " : role + " (slot ") + model::letter(*slot) + ", " + name +
                                 (role.empty() ? "" : ")")
                           : "sandbox (" + name + ")";
    side.slot.replicas = d->replicas;
    side.slot.podTemplate = d->podTemplate;
    side.slot.spec = std::move(detail).value();
    return side;
}

bool sameContent(const kube::ConfigMap& x, const kube::ConfigMap& y)
{
    return x.data == y.data && x.binaryData == y.binaryData;
}

// Reads the ConfigMaps of the pairs that name two objects (by name or namespace), compares them and
// prints the diff.
void compareAndShow(Session& s, const Side& from, const Side& to)
{
    struct ConfigMaps {
        std::map<std::pair<std::string, std::string>, kube::Result<kube::ConfigMap>> read; // (ns, name)
        int left = 1;
    };
    auto maps = std::make_shared<ConfigMaps>();
    std::set<model::ConfigMapPair> pairs;
    for (const model::ConfigMapPair& p : model::configMapPairs(from.slot, to.slot))
        if (p.first != p.second || from.ns != to.ns)
            pairs.insert(p);
    auto finish = [&s, from, to, pairs, maps] {
        if (--maps->left > 0)
            return;
        model::ConfigMapContent content;
        for (const model::ConfigMapPair& p : pairs) {
            const auto& x = maps->read.at({from.ns, p.first});
            const auto& y = maps->read.at({to.ns, p.second});
            bool readable = true;
            for (const auto* r : {&x, &y})
                if (!*r) {
                    const kube::Error& e = r->error();
                    if (e.httpStatus != 403 && e.httpStatus != 404) {
                        s.fail(e);
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
        const model::SlotDiff d = model::diffSlots(from.slot, to.slot, content);
        if (s.options().json)
            sayJson(d.toJson());
        else
            write(stdout, d.describe());
        QCoreApplication::exit(app::Done);
    };
    for (const model::ConfigMapPair& p : pairs)
        for (const auto& [ns, name] : {std::pair{from.ns, p.first}, std::pair{to.ns, p.second}})
            if (maps->read.emplace(std::pair{ns, name}, kube::Error{}).second) {
                ++maps->left;
                s.client()->getConfigMap(ns, name, [maps, finish, key = std::pair{ns, name}](auto r) {
                    maps->read.insert_or_assign(key, std::move(r));
                    finish();
                });
            }
    finish();
}

} // namespace

void diff(Session& s)
{
    const model::ServiceSpec* named = s.requireService();
    if (!named)
        return;
    const model::ServiceSpec spec = *named;
    const std::string from = s.options().from.isEmpty() ? "live" : s.options().from.toStdString();
    const std::string to = s.options().to.isEmpty() ? "staging" : s.options().to.toStdString();
    if (!knownSide(from) || !knownSide(to)) {
        complain("--from and --to take live, staging, sandbox, a or b: signalbox diff " + spec.name +
                 " --from live --to staging.");
        QCoreApplication::exit(app::Usage);
        return;
    }
    const bool sandbox = from == "sandbox" || to == "sandbox";
    if (sandbox && !spec.sandboxContext.empty() && spec.sandboxContext != s.client()->config().contextName) {
        complain("the sandbox of " + spec.name + " is in context " + spec.sandboxContext +
                 ", which diff does not read: compare it from that context (--context " + spec.sandboxContext +
                 ") with its own slots.");
        QCoreApplication::exit(app::Failed);
        return;
    }
    auto reads = std::make_shared<Reads>();
    reads->left = sandbox ? 5 : 4;
    auto oneRead = [&s, spec, from, to, reads] {
        if (--reads->left > 0)
            return;
        if (reads->error) {
            s.fail(*reads->error);
            return;
        }
        std::string why;
        const std::optional<Side> a = sideOf(spec, *reads, from, &why);
        const std::optional<Side> b = a ? sideOf(spec, *reads, to, &why) : std::nullopt;
        if (!a || !b) {
            complain(why);
            QCoreApplication::exit(app::Failed);
            return;
        }
        compareAndShow(s, *a, *b);
    };
    // A missing object is an answer (a side that is not there); any other failure ends the command.
    auto keep = [reads, oneRead](auto& into) {
        return [reads, oneRead, &into](auto r) {
            if (r)
                into = std::move(r).value();
            else if (r.error().httpStatus != 404 && !reads->error)
                reads->error = r.error();
            oneRead();
        };
    };
    s.client()->getService(spec.ns, spec.liveService, keep(reads->live));
    s.client()->getService(spec.ns, spec.stagingService, keep(reads->staging));
    s.client()->getDeployment(spec.ns, spec.slotA, keep(reads->a));
    s.client()->getDeployment(spec.ns, spec.slotB, keep(reads->b));
    if (sandbox)
        s.client()->getDeployment(spec.sandboxNamespace, spec.sandboxDeployment, keep(reads->sandbox));
}

} // namespace cli
