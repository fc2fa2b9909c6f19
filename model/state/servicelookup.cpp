#include "model/state/servicelookup.h"

#include "model/state/servicestate.h"

#include <memory>

namespace model {

void lookupServices(kube::Client* client, const ServiceConfig& config, const std::string& ns,
                    std::function<void(kube::Result<std::vector<ServiceSpec>>)> done)
{
    lookupServices(
        client, config, ns,
        [done](kube::Result<std::vector<ServiceSpec>> r, std::shared_ptr<const Snapshot>) { done(std::move(r)); });
}

void lookupServices(kube::Client* client, const ServiceConfig& config, const std::string& ns,
                    std::function<void(kube::Result<std::vector<ServiceSpec>>, std::shared_ptr<const Snapshot>)> done)
{
    struct State {
        Snapshot snap;
        std::optional<kube::Error> error;
        int left = 2;
    };
    auto st = std::make_shared<State>();
    const std::string context = client->config().contextName;
    auto finish = [st, config, context, done] {
        if (--st->left > 0)
            return;
        if (st->error && config.services.empty()) {
            done(*st->error, nullptr);
            return;
        }
        std::shared_ptr<const Snapshot> listed;
        if (!st->error)
            listed = std::make_shared<const Snapshot>(st->snap);
        done(mergeServices(config.services, discoverServices(st->snap, context)), std::move(listed));
    };
    kube::ListOptions labelled;
    labelled.labelSelector = serviceLabelKey;
    client->listServices(ns, labelled, [st, finish](kube::Result<std::vector<kube::Service>> r) {
        if (r)
            st->snap.services = std::move(r).value();
        else
            st->error = r.error();
        finish();
    });
    client->listDeployments(ns, labelled, [st, finish](kube::Result<std::vector<kube::Deployment>> r) {
        if (r)
            st->snap.deployments = std::move(r).value();
        else if (!st->error)
            st->error = r.error();
        finish();
    });
}

std::vector<ServiceSpec> groupOf(const std::vector<ServiceSpec>& all, const std::string& name)
{
    std::vector<ServiceSpec> out;
    auto it = std::find_if(all.begin(), all.end(), [&](const ServiceSpec& s) { return s.name == name; });
    if (it == all.end())
        return out;
    // A spec without a context is in the current one: it may share a group with one that names it.
    for (const auto& s : all)
        if (s.group == it->group && s.ns == it->ns &&
            (s.context.empty() || it->context.empty() || s.context == it->context))
            out.push_back(s);
    return out;
}

} // namespace model
