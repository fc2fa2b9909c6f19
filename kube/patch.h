#pragma once

#include "objects.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// `value` as JSON text in the bytes Go's encoding/json writes for it: "<", ">", "&", U+2028 and
// U+2029 escaped as \u003c, \u003e, \u0026, \u2028 and \u2029, and invalid UTF-8 as U+FFFD
// (as the server stores it). The API server applies a JSON Patch's `test` by comparing these
// bytes with its own encoding of the object: a string holding any of them, sent as nlohmann writes
// it, never tests equal.
std::string goJson(const nlohmann::json& value);

// A map key as one JSON Pointer segment ("~" as "~0", "/" as "~1").
std::string pointerEscape(const std::string& key);

// One annotation as read and as it is to be written.
struct AnnotationValue {
    std::string key;
    std::string asRead;
    std::string written;
};

// Annotations written together, the object's other annotations kept. Only if each value that was
// read is still as read; when none was (every `asRead` empty), only if the object is still at
// `resourceVersion` when one is given (someone may have written them since).
struct AnnotationWrite {
    std::vector<AnnotationValue> values;
    bool annotationMap = false;  // the object has metadata.annotations (else the map itself is added)
    std::string resourceVersion; // tested when nothing was read; empty: no test
};

// One annotation as an undo leaves it: `value` (added, or replaced when `present`), or removed when
// `value` is empty and it is present.
struct AnnotationPut {
    std::string key;
    std::string value;
    bool present = false;
};

// The selector's `label` moved from `from` to `to`, only if it still holds `from` (a swap, its
// undo, staging following live, a repair).
JsonPatch selectorPatch(const std::string& label, const std::string& from, const std::string& to);
// The same, with the history and its authors written in the same patch (the live Service's half of
// a swap).
JsonPatch selectorPatch(const std::string& label, const std::string& from, const std::string& to,
                        const AnnotationWrite& history);
// Annotations written (a watch's verdict appended to the history).
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

// An undone deploy: the pod template put back exactly as `before` held it and the annotations as
// `annotations` say, only if the spec is still at `generation` (the controller's status updates do
// not count). An Error when `before` was not read with its template (Client::getDeployment keeps it).
Result<JsonPatch> templateRestorePatch(const Deployment& before, std::int64_t generation,
                                       const std::vector<AnnotationPut>& annotations);

} // namespace kube
