// Client's typed calls: the untyped requests, their answers decoded here at the boundary.
#include "client.h"

namespace kube {

namespace {

template <typename T> Client::JsonCallback decoding(Result<T> (*parse)(const Json&), Callback<T> cb)
{
    return [parse, cb = std::move(cb)](Result<Json> r) {
        if (!r)
            cb(r.error());
        else
            cb(parse(r.value()));
    };
}

// Every item decodes, or the list is the first item's Error.
template <typename T>
Client::JsonCallback decodingList(Result<T> (*parse)(const Json&), std::string what, Callback<std::vector<T>> cb)
{
    return [parse, what = std::move(what), cb = std::move(cb)](Result<Json> r) {
        if (!r) {
            cb(r.error());
            return;
        }
        const Json* items = listItems(r.value());
        if (!items) {
            cb(Error{
                Error::Kind::Decode, 0, {}, "The API server's answer to a list of " + what + " is not a list.", {}});
            return;
        }
        std::vector<T> out;
        out.reserve(items->size());
        for (const Json& item : *items) {
            Result<T> one = parse(item);
            if (!one) {
                cb(one.error());
                return;
            }
            out.push_back(std::move(one).value());
        }
        cb(std::move(out));
    };
}

Result<Deployment> parseDeploymentKeepingTemplate(const Json& j)
{
    Result<Deployment> d = parseDeployment(j);
    if (d)
        if (Result<Json> t = podTemplateJson(j))
            d->templateSource = std::make_shared<const Json>(std::move(t).value());
    return d;
}

} // namespace

Client::Id Client::getDeployment(const std::string& ns, const std::string& name, Callback<Deployment> cb)
{
    return get(resources::deployments, ns, name, decoding(&parseDeploymentKeepingTemplate, std::move(cb)));
}

Client::Id Client::getService(const std::string& ns, const std::string& name, Callback<Service> cb)
{
    return get(resources::services, ns, name, decoding(&parseService, std::move(cb)));
}

Client::Id Client::getConfigMap(const std::string& ns, const std::string& name, Callback<ConfigMap> cb)
{
    return get(resources::configMaps, ns, name, decoding(&parseConfigMap, std::move(cb)));
}

Client::Id Client::listDeployments(const std::string& ns, const ListOptions& options,
                                   Callback<std::vector<Deployment>> cb)
{
    return list(resources::deployments, ns, options, decodingList(&parseDeployment, "Deployments", std::move(cb)));
}

Client::Id Client::listServices(const std::string& ns, const ListOptions& options, Callback<std::vector<Service>> cb)
{
    return list(resources::services, ns, options, decodingList(&parseService, "Services", std::move(cb)));
}

Client::Id Client::listPods(const std::string& ns, const ListOptions& options, Callback<std::vector<Pod>> cb)
{
    return list(resources::pods, ns, options, decodingList(&parsePod, "pods", std::move(cb)));
}

Client::Id Client::listEvents(const std::string& ns, const ListOptions& options, Callback<std::vector<Event>> cb)
{
    return list(resources::events, ns, options, decodingList(&parseEvent, "events", std::move(cb)));
}

Client::Id Client::patchDeployment(const std::string& ns, const std::string& name, const JsonPatch& patch,
                                   Callback<Deployment> cb)
{
    return this->patch(resources::deployments, ns, name, PatchType::Json, patch.operations(),
                       decoding(&parseDeployment, std::move(cb)));
}

Client::Id Client::patchService(const std::string& ns, const std::string& name, const JsonPatch& patch,
                                Callback<Service> cb)
{
    return this->patch(resources::services, ns, name, PatchType::Json, patch.operations(),
                       decoding(&parseService, std::move(cb)));
}

Client::Id Client::createEvent(const EventRecord& event, Callback<Unit> cb)
{
    return create(resources::events, event.involved.ns, eventBody(event), [cb = std::move(cb)](Result<Json> r) {
        if (!r)
            cb(r.error());
        else
            cb(Unit{});
    });
}

} // namespace kube
