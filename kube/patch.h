#pragma once

#include "objects.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

// The JSON Patches Signalbox sends, built here so that nothing above kube/ writes a patch by
// hand. Each is a list of operations in the order the server applies them: `test`s first, so a
// patch made on a stale read changes nothing and comes back as a conflict.
namespace kube {

// An RFC 6902 JSON Patch.
class JsonPatch {
public:
    JsonPatch& test(const std::string& path, nlohmann::json value);
    JsonPatch& replace(const std::string& path, nlohmann::json value);
    JsonPatch& add(const std::string& path, nlohmann::json value);
    JsonPatch& remove(const std::string& path);

    // Whether a `test` is among the operations: a 422 to the patch then means one failed.
    bool hasTests() const;
    const nlohmann::json& operations() const { return m_ops; }

private:
    JsonPatch& op(const char* name, const std::string& path, const nlohmann::json* value);

    nlohmann::json m_ops = nlohmann::json::array();
};

// A map key as one JSON Pointer segment ("~" as "~0", "/" as "~1").
std::string pointerEscape(const std::string& key);

// Annotation `key` written as `written`, the object's other annotations kept. Only if the value is
// still `asRead`; when nothing was read (`asRead` empty), only if the object is still at
// `resourceVersion` when one is given (someone may have written the annotation since).
struct AnnotationWrite {
    std::string key;
    std::string asRead;
    std::string written;
    bool annotationMap = false;  // the object has metadata.annotations (else the map itself is added)
    std::string resourceVersion; // tested when asRead is empty; empty: no test
};

// The selector's `label` moved from `from` to `to`, only if it still holds `from` (a swap, its
// undo, staging following live, a repair).
JsonPatch selectorPatch(const std::string& label, const std::string& from, const std::string& to);
// The same, with the history written in the same patch (the live Service's half of a swap).
JsonPatch selectorPatch(const std::string& label, const std::string& from, const std::string& to,
                        const AnnotationWrite& history);
// One annotation written (a watch's verdict appended to the history).
JsonPatch annotationPatch(const AnnotationWrite& write);

// A deploy: the first container's image set, only on the Deployment as read (its resourceVersion
// and first container's name), with the pod template's and the Deployment's annotations replaced
// whole (the caller merged them into what was read).
struct ImageSet {
    std::string resourceVersion;
    std::string container;
    std::string image;
    Labels templateAnnotations;
    Labels annotations;
};
JsonPatch imageSetPatch(const ImageSet& set);

// An undone deploy: the pod template put back exactly as `before` held it, and the annotation
// `historyKey` as it was (removed when it was not there), only if the spec is still at
// `generation` (the controller's status updates do not count). An Error when `before` was not
// read with its template (Client::getDeployment keeps it).
Result<JsonPatch> templateRestorePatch(const Deployment& before, std::int64_t generation,
                                       const std::string& historyKey);

} // namespace kube
