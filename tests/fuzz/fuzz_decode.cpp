// Everything the program decodes from outside, in one libFuzzer target: the first byte picks the
// decoder (modulo 4: kubeconfig YAML, API JSON, what a registry sends, what a person types: an
// image reference or the service configuration), the rest is its input. A decoder may reject any
// input; it must never crash, leak or hit undefined behaviour.
#include "kube/kubeconfig.h"
#include "kube/objects.h"
#include "kube/registry.h"
#include "model/imageref.h"
#include "model/servicespec.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void decodeKubeconfig(const std::string& text)
{
    const kube::Result<kube::Kubeconfig> config = kube::parseKubeconfigText(text, "/fuzz/kubeconfig");
    if (!config)
        return;
    // Resolving reads every field the parser produced and runs the checks kubectl makes.
    (void)kube::resolveContext(*config, {}, {});
    for (const kube::ContextSummary& context : config->contexts)
        (void)kube::resolveContext(*config, context.name, "fuzz");
}

void decodeObject(const nlohmann::json& j)
{
    (void)kube::parseMeta(j);
    (void)kube::parseDeployment(j);
    (void)kube::parseReplicaSet(j);
    (void)kube::parseEndpointSlice(j);
    (void)kube::parseEvent(j);
    const kube::Result<kube::Service> service = kube::parseService(j);
    const kube::Result<kube::Pod> pod = kube::parsePod(j);
    if (service && pod) {
        (void)kube::selectorMatches(service->selector, pod->meta.labels);
        (void)pod->ready();
        (void)pod->restarts();
    }
}

void decodeJson(const std::string& text)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        return;
    decodeObject(j);
    // A list answer, as the informer hands over its items one by one.
    if (j.is_object() && j.contains("items") && j["items"].is_array()) {
        for (const nlohmann::json& item : j["items"])
            decodeObject(item);
    }
}

void decodeRegistry(const std::string& text)
{
    using kube::RegistryClient;
    (void)RegistryClient::decodeTagPage(text);
    const auto doc = RegistryClient::decodeManifest(text, text.substr(0, 80));
    (void)doc;
    kube::ManifestInfo info;
    (void)RegistryClient::decodeConfig(text, info);
    (void)RegistryClient::parseChallenge(text);
    (void)RegistryClient::parseTime(text);
    kube::HttpResponse response;
    response.status = 200;
    response.headers.emplace("link", text);
    (void)RegistryClient::nextLink(response);
}

void decodeTyped(const std::string& text)
{
    std::string why;
    if (const auto ref = model::parseImageRef(text, &why)) {
        (void)ref->name();
        (void)ref->display();
        (void)kube::RegistryClient::locate(ref->registry, ref->repository);
    }
    (void)model::commitFromTag(text);
    (void)model::parseServiceConfig(text, "/fuzz/services.yaml");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0:
        decodeKubeconfig(text);
        break;
    case 1:
        decodeJson(text);
        break;
    case 2:
        decodeRegistry(text);
        break;
    default:
        decodeTyped(text);
        break;
    }
    return 0;
}
