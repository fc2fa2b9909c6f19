#include "model/state/watchplan.h"

#include "kube/resource.h"

namespace model {

namespace {

const std::string& contextOr(const std::string& context, const std::string& fallback)
{
    return context.empty() ? fallback : context;
}

const std::vector<std::string>& objectResources()
{
    static const std::vector<std::string> r = {servicesPlural, deploymentsPlural, replicaSetsPlural, podsPlural};
    return r;
}

} // namespace

const std::vector<std::pair<std::string, const kube::Resource*>>& plannedResources()
{
    static const std::vector<std::pair<std::string, const kube::Resource*>> byPlural = {
        {servicesPlural, &kube::resources::services},       {deploymentsPlural, &kube::resources::deployments},
        {replicaSetsPlural, &kube::resources::replicaSets}, {podsPlural, &kube::resources::pods},
        {eventsPlural, &kube::resources::events},           {namespacesPlural, &kube::resources::namespaces}};
    return byPlural;
}

std::string clusterSelectorFor(const std::string& resource)
{
    if (resource == servicesPlural || resource == deploymentsPlural || resource == podsPlural ||
        resource == replicaSetsPlural)
        return serviceLabelKey;
    return {};
}

WatchKey clusterKeyFor(const std::string& context, const std::string& resource)
{
    return {context, resource, "", clusterSelectorFor(resource),
            resource == eventsPlural ? warningEventsSelector : std::string()};
}

std::map<std::string, std::set<std::string>> serviceNamespaces(const WatchPlanInput& input)
{
    std::map<std::string, std::set<std::string>> out;
    for (const auto& spec : input.services) {
        const std::string& prod = contextOr(spec.context, input.currentContext);
        if (!spec.ns.empty())
            out[prod].insert(spec.ns);
        if (!spec.sandboxNamespace.empty())
            out[contextOr(spec.sandboxContext, prod)].insert(spec.sandboxNamespace);
    }
    return out;
}

std::set<WatchKey> planWatches(const WatchPlanInput& input)
{
    static const ContextFacts nothingKnown;
    const auto holding = serviceNamespaces(input);

    auto factsOf = [&](const std::string& context) -> const ContextFacts& {
        auto f = input.contexts.find(context);
        return f == input.contexts.end() ? nothingKnown : f->second;
    };

    // Per context, the namespaces whose objects the cluster-wide selectors do not cover: sandboxes
    // where the listed Deployments hold no labelled sandbox Deployment of the service, and services
    // named only by the configuration.
    std::map<std::string, std::set<std::string>> uncovered;
    for (const auto& spec : input.services) {
        const std::string& prod = contextOr(spec.context, input.currentContext);
        if (!spec.sandboxNamespace.empty()) {
            const std::string& sandboxContext = contextOr(spec.sandboxContext, prod);
            const ContextFacts& facts = factsOf(sandboxContext);
            const bool wide = facts.clusterWide.count(deploymentsPlural) > 0;
            if (!wide || (facts.labelledSynced && !facts.labelledSandboxes.count({spec.sandboxNamespace, spec.name})))
                uncovered[sandboxContext].insert(spec.sandboxNamespace);
        }
        if (!spec.discovered && !spec.ns.empty())
            uncovered[prod].insert(spec.ns);
        if (const ContextFacts& facts = factsOf(prod); facts.labelledSynced && facts.unlabelledPods.count(spec.ns))
            uncovered[prod].insert(spec.ns);
    }

    std::set<std::string> contexts = {input.currentContext};
    for (const auto& [context, namespaces] : holding)
        contexts.insert(context);
    for (const auto& [context, namespaces] : input.lookIn)
        contexts.insert(context);

    std::set<WatchKey> out;
    for (const std::string& context : contexts) {
        const ContextFacts& facts = factsOf(context);
        auto namespacesIn = [&](const std::map<std::string, std::set<std::string>>& m) {
            std::set<std::string> s;
            auto it = m.find(context);
            if (it != m.end())
                for (const auto& ns : it->second)
                    if (facts.exists(ns))
                        s.insert(ns);
            return s;
        };
        const std::set<std::string> held = namespacesIn(holding);
        const std::set<std::string> looked = namespacesIn(input.lookIn);
        const std::set<std::string> narrow = namespacesIn(uncovered);

        if (facts.clusterWide.count(namespacesPlural))
            out.insert({context, namespacesPlural, "", "", ""});
        for (const std::string& r : objectResources()) {
            std::set<std::string> perNamespace;
            if (facts.clusterWide.count(r)) {
                out.insert(clusterKeyFor(context, r));
                perNamespace = narrow;
            } else {
                perNamespace = held;
                perNamespace.insert(looked.begin(), looked.end());
            }
            for (const auto& ns : perNamespace)
                out.insert({context, r, ns, "", ""});
        }
        if (facts.clusterWide.count(eventsPlural) && facts.clusterWide.count(deploymentsPlural)) {
            if (facts.labelledSynced)
                out.insert(clusterKeyFor(context, eventsPlural));
        } else {
            for (const auto& ns : held)
                out.insert({context, eventsPlural, ns, "", warningEventsSelector});
        }
    }
    return out;
}

} // namespace model
