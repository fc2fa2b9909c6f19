#include "patch.h"

#include <algorithm>

namespace kube {

using nlohmann::json;

JsonPatch& JsonPatch::op(const char* name, const std::string& path, const json* value)
{
    json o = {{"op", name}, {"path", path}};
    if (value)
        o["value"] = *value;
    m_ops.push_back(std::move(o));
    return *this;
}

JsonPatch& JsonPatch::test(const std::string& path, json value)
{
    return op("test", path, &value);
}

JsonPatch& JsonPatch::replace(const std::string& path, json value)
{
    return op("replace", path, &value);
}

JsonPatch& JsonPatch::add(const std::string& path, json value)
{
    return op("add", path, &value);
}

JsonPatch& JsonPatch::remove(const std::string& path)
{
    return op("remove", path, nullptr);
}

bool JsonPatch::hasTests() const
{
    return std::any_of(m_ops.begin(), m_ops.end(), [](const json& o) { return o.at("op") == "test"; });
}

std::string goJson(const json& value)
{
    const std::string plain = value.dump(-1, ' ', false, json::error_handler_t::replace);
    std::string out;
    out.reserve(plain.size());
    // Outside strings JSON text has none of these bytes: each one found is inside a string.
    for (std::size_t i = 0; i < plain.size(); ++i) {
        const char c = plain[i];
        if (c == '<')
            out += "\\u003c";
        else if (c == '>')
            out += "\\u003e";
        else if (c == '&')
            out += "\\u0026";
        else if (c == '\xE2' && i + 2 < plain.size() && plain[i + 1] == '\x80' &&
                 (plain[i + 2] == '\xA8' || plain[i + 2] == '\xA9')) {
            out += plain[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else
            out += c;
    }
    return out;
}

std::string pointerEscape(const std::string& key)
{
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

namespace {

std::string selectorPath(const std::string& label)
{
    return "/spec/selector/" + pointerEscape(label);
}

std::string annotationPath(const std::string& key)
{
    return "/metadata/annotations/" + pointerEscape(key);
}

void write(JsonPatch& patch, const AnnotationWrite& w)
{
    bool tested = false;
    for (const AnnotationValue& v : w.values)
        if (!v.asRead.empty()) {
            patch.test(annotationPath(v.key), v.asRead);
            tested = true;
        }
    if (!tested && !w.resourceVersion.empty())
        patch.test("/metadata/resourceVersion", w.resourceVersion);
    // `add` on the map itself would drop the other annotations: only when there is none yet.
    if (w.annotationMap) {
        for (const AnnotationValue& v : w.values)
            patch.add(annotationPath(v.key), v.written);
        return;
    }
    json map = json::object();
    for (const AnnotationValue& v : w.values)
        map[v.key] = v.written;
    patch.add("/metadata/annotations", std::move(map));
}

} // namespace

JsonPatch selectorPatch(const std::string& label, const std::string& from, const std::string& to)
{
    JsonPatch patch;
    patch.test(selectorPath(label), from).replace(selectorPath(label), to);
    return patch;
}

JsonPatch selectorPatch(const std::string& label, const std::string& from, const std::string& to,
                        const AnnotationWrite& history)
{
    JsonPatch patch = selectorPatch(label, from, to);
    write(patch, history);
    return patch;
}

JsonPatch annotationPatch(const AnnotationWrite& w)
{
    JsonPatch patch;
    write(patch, w);
    return patch;
}

JsonPatch imageSetPatch(const ImageSet& set)
{
    JsonPatch patch;
    patch.test("/metadata/resourceVersion", set.resourceVersion)
        .test("/spec/template/spec/containers/0/name", set.container)
        .replace("/spec/template/spec/containers/0/image", set.image)
        .add("/spec/template/metadata/annotations", set.templateAnnotations)
        .add("/metadata/annotations", set.annotations);
    return patch;
}

Result<JsonPatch> templateRestorePatch(const Deployment& before, std::int64_t generation,
                                       const std::vector<AnnotationPut>& annotations)
{
    if (!before.templateSource)
        return Error{Error::Kind::Decode, 0, {}, "The API server sent a Deployment without a pod template.", {}};
    JsonPatch patch;
    patch.test("/metadata/generation", generation).replace("/spec/template", *before.templateSource);
    for (const AnnotationPut& a : annotations) {
        if (!a.value.empty())
            a.present ? patch.replace(annotationPath(a.key), a.value) : patch.add(annotationPath(a.key), a.value);
        else if (a.present)
            patch.remove(annotationPath(a.key));
    }
    return patch;
}

} // namespace kube
