// Everything kube/ decodes from outside the program, in one libFuzzer target: the first byte picks
// the decoder (even: kubeconfig YAML, odd: API JSON), the rest is its input. A decoder may reject
// any input with an Error; it must never crash, leak or hit undefined behaviour.
#include "kube/kubeconfig.h"
#include "kube/objects.h"

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0)
        decodeKubeconfig(text);
    else
        decodeJson(text);
    return 0;
}
