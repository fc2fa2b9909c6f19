#include "model/rules/slotdiff.h"

#include "model/rules/keys.h"
#include "model/rules/release.h"
#include "net/text.h"

#include <map>

namespace model {

namespace {

// The image-spec's annotation naming the repository an image was built from, as CI puts it on templates.
const std::string sourceAnnotation = "org.opencontainers.image.source";

// A side's fields in the order they are met, each with its value as text.
class Fields {
public:
    void set(const std::string& field, const std::string& value)
    {
        if (m_values.emplace(field, value).second)
            m_order.push_back(field);
        else
            m_values[field] += "; " + value; // a field met twice (a volume mounted twice): both values
    }

    const std::vector<std::string>& order() const { return m_order; }
    const std::string* find(const std::string& field) const
    {
        auto it = m_values.find(field);
        return it == m_values.end() ? nullptr : &it->second;
    }

private:
    std::vector<std::string> m_order;
    std::map<std::string, std::string> m_values;
};

std::string joined(const std::vector<std::string>& words, const char* separator = " ")
{
    std::string out;
    for (const std::string& w : words)
        out += (out.empty() ? "" : separator) + w;
    return out;
}

std::string envText(const kube::EnvVarSpec& e)
{
    switch (e.from) {
    case kube::EnvVarSpec::From::Secret:
        return "from Secret " + e.refName + " key " + e.refKey;
    case kube::EnvVarSpec::From::ConfigMap:
        return "from ConfigMap " + e.refName + " key " + e.refKey;
    case kube::EnvVarSpec::From::Field:
        return "from field " + e.value;
    case kube::EnvVarSpec::From::Resource:
        return "from resource " + e.value;
    case kube::EnvVarSpec::From::Value:
        break;
    }
    return e.value;
}

std::string annotation(const kube::PodTemplate& t, const std::string& key)
{
    auto it = t.annotations.find(key);
    return it == t.annotations.end() ? std::string() : it->second;
}

void addImage(Fields& f, const std::string& prefix, const std::string& image, const std::string& tagBesideDigest)
{
    const std::optional<ImageRef> ref = parseImageRef(image);
    if (!ref) {
        f.set(prefix + "image", image);
        return;
    }
    f.set(prefix + "image repository", ref->name());
    const std::string tag = ref->tag.empty() ? tagBesideDigest : ref->tag;
    if (!tag.empty())
        f.set(prefix + "image tag", tag);
    if (!ref->digest.empty())
        f.set(prefix + "image digest", ref->digest);
}

void addContainer(Fields& f, const std::string& kind, const kube::ContainerSpec& c, const std::string& releaseTag)
{
    const std::string p = kind + " " + c.name + ": ";
    addImage(f, p, c.image, releaseTag);
    if (!c.command.empty())
        f.set(p + "command", joined(c.command));
    if (!c.args.empty())
        f.set(p + "args", joined(c.args));
    for (const kube::EnvVarSpec& e : c.env)
        f.set(p + "env " + e.name, envText(e));
    for (std::size_t i = 0; i < c.envFrom.size(); ++i) {
        const kube::EnvFromSpec& e = c.envFrom[i];
        f.set(p + "envFrom " + std::to_string(i + 1),
              (e.kind == "secret" ? "Secret " : "ConfigMap ") + e.name +
                  (e.prefix.empty() ? std::string() : " with prefix " + e.prefix));
    }
    for (const auto& [resource, quantity] : c.requests)
        f.set(p + "requests " + resource, quantity);
    for (const auto& [resource, quantity] : c.limits)
        f.set(p + "limits " + resource, quantity);
    if (!c.livenessProbe.empty())
        f.set(p + "liveness probe", c.livenessProbe);
    if (!c.readinessProbe.empty())
        f.set(p + "readiness probe", c.readinessProbe);
    if (!c.startupProbe.empty())
        f.set(p + "startup probe", c.startupProbe);
    // kube writes a mount as "NAME at PATH ...": the name makes the field, the rest its value.
    static const std::string at = " at ";
    for (const std::string& m : c.volumeMounts) {
        const std::size_t cut = m.find(at);
        f.set(p + "mount " + m.substr(0, cut), cut == std::string::npos ? std::string() : m.substr(cut + at.size()));
    }
}

Fields fieldsOf(const SlotSide& s)
{
    Fields f;
    const Release release = releaseOf(s.podTemplate);
    f.set("replicas", std::to_string(s.replicas));
    if (!release.commit.empty())
        f.set("commit", release.commit);
    if (!release.created.empty())
        f.set("build time", release.created);
    if (const std::string source = annotation(s.podTemplate, sourceAnnotation); !source.empty())
        f.set("source", source);
    // The tag kept beside a digest belongs to the first container, the one the release names.
    for (std::size_t i = 0; i < s.spec.containers.size(); ++i)
        addContainer(f, "container", s.spec.containers[i], i == 0 ? release.tag : std::string());
    for (const kube::ContainerSpec& c : s.spec.initContainers)
        addContainer(f, "init container", c, {});
    f.set("service account", s.spec.serviceAccountName.empty() ? "default" : s.spec.serviceAccountName);
    for (const auto& [key, value] : s.spec.nodeSelector)
        f.set("node selector " + key, value);
    if (!s.spec.tolerations.empty())
        f.set("tolerations", joined(s.spec.tolerations, ", "));
    for (const kube::VolumeSpec& v : s.spec.volumes)
        f.set("volume " + v.name, v.kind + (v.sources.empty() ? "" : " " + joined(v.sources, ", ")));
    return f;
}

void pairUp(std::set<ConfigMapPair>& out, const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        out.emplace(a[i], b[i]);
}

const kube::ContainerSpec* containerNamed(const std::vector<kube::ContainerSpec>& list, const std::string& name)
{
    for (const kube::ContainerSpec& c : list)
        if (c.name == name)
            return &c;
    return nullptr;
}

void pairContainers(std::set<ConfigMapPair>& out, const std::vector<kube::ContainerSpec>& from,
                    const std::vector<kube::ContainerSpec>& to)
{
    for (const kube::ContainerSpec& a : from) {
        const kube::ContainerSpec* b = containerNamed(to, a.name);
        if (!b)
            continue;
        for (const kube::EnvVarSpec& ea : a.env)
            for (const kube::EnvVarSpec& eb : b->env)
                if (ea.name == eb.name && ea.from == kube::EnvVarSpec::From::ConfigMap &&
                    eb.from == kube::EnvVarSpec::From::ConfigMap)
                    out.emplace(ea.refName, eb.refName);
        for (std::size_t i = 0; i < a.envFrom.size() && i < b->envFrom.size(); ++i)
            if (a.envFrom[i].kind == "configMap" && b->envFrom[i].kind == "configMap")
                out.emplace(a.envFrom[i].name, b->envFrom[i].name);
    }
}

// Long text cut for a line on the terminal; -o json keeps it whole.
std::string shown(const std::optional<std::string>& value)
{
    return value ? net::text::cut(*value, 240, "…") : std::string("(none)");
}

} // namespace

std::string compareLink(const std::string& source, const std::string& fromCommit, const std::string& toCommit)
{
    static const std::string github = "https://github.com/", dotDot = "..";
    const auto hex = [](const std::string& c) {
        return c.size() >= 7 && c.size() <= 40 && c.find_first_not_of("0123456789abcdef") == std::string::npos;
    };
    if (source.rfind(github, 0) != 0 || !hex(fromCommit) || !hex(toCommit) || fromCommit == toCommit)
        return {};
    std::string path = source.substr(github.size());
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0)
        path.resize(path.size() - 4);
    const std::size_t slash = path.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == path.size() || path.size() > 200 ||
        path.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/") !=
            std::string::npos ||
        path.find('/', slash + 1) != std::string::npos || path.find(dotDot) != std::string::npos)
        return {};
    return github + path + "/compare/" + fromCommit + "..." + toCommit;
}

std::set<ConfigMapPair> configMapPairs(const SlotSide& from, const SlotSide& to)
{
    std::set<ConfigMapPair> out;
    pairContainers(out, from.spec.containers, to.spec.containers);
    pairContainers(out, from.spec.initContainers, to.spec.initContainers);
    for (const kube::VolumeSpec& a : from.spec.volumes)
        for (const kube::VolumeSpec& b : to.spec.volumes)
            if (a.name == b.name)
                pairUp(out, a.configMaps, b.configMaps);
    return out;
}

SlotDiff diffSlots(const SlotSide& from, const SlotSide& to, const ConfigMapContent& content)
{
    SlotDiff d;
    d.from = from.label;
    d.to = to.label;
    d.incomplete = from.spec.truncated || to.spec.truncated;
    const Fields a = fieldsOf(from), b = fieldsOf(to);
    auto compare = [&d](const std::string& field, const std::string* x, const std::string* y) {
        if (x && y && *x == *y)
            ++d.equalFields;
        else
            d.differences.push_back(
                {field, x ? std::optional(*x) : std::nullopt, y ? std::optional(*y) : std::nullopt});
    };
    for (const std::string& field : a.order())
        compare(field, a.find(field), b.find(field));
    for (const std::string& field : b.order())
        if (!a.find(field))
            compare(field, nullptr, b.find(field));
    for (const ConfigMapPair& pair : content.compared) {
        const std::string field =
            "ConfigMap " + (pair.first == pair.second ? pair.first : pair.first + " and " + pair.second) + ": content";
        if (content.differ.count(pair))
            d.differences.push_back({field, pair.first, pair.second + " (content differs)"});
        else
            ++d.equalFields;
    }
    for (const auto& [name, why] : content.unreadable)
        d.notes.push_back("ConfigMap " + name + " was not compared: " + why + ".");
    if (d.incomplete)
        d.notes.push_back("A pod template is longer than this program reads in full (lists past " +
                          std::to_string(kube::maxDetailEntries) + " entries, text past " +
                          std::to_string(kube::maxDetailText) + " bytes): what lies past that was not compared.");
    const Release ra = releaseOf(from.podTemplate), rb = releaseOf(to.podTemplate);
    const std::string source = annotation(to.podTemplate, sourceAnnotation);
    if (source == annotation(from.podTemplate, sourceAnnotation))
        d.compareUrl = compareLink(source, ra.commit, rb.commit);
    return d;
}

std::string SlotDiff::describe() const
{
    std::string out = from + " -> " + to + "\n";
    if (differences.empty())
        out += "No differences.\n";
    for (const FieldDifference& f : differences)
        out += "  " + f.field + ": " + shown(f.from) + " -> " + shown(f.to) + "\n";
    if (!compareUrl.empty())
        out += "Commits in between: " + compareUrl + "\n";
    out += std::to_string(equalFields) + (differences.empty() ? " fields equal.\n" : " other fields equal.\n");
    for (const std::string& n : notes)
        out += n + "\n";
    return out;
}

nlohmann::json SlotDiff::toJson() const
{
    nlohmann::json list = nlohmann::json::array();
    for (const FieldDifference& f : differences)
        list.push_back({{"field", f.field},
                        {"from", f.from ? nlohmann::json(*f.from) : nlohmann::json()},
                        {"to", f.to ? nlohmann::json(*f.to) : nlohmann::json()}});
    return {{"from", from},
            {"to", to},
            {"differences", list},
            {"equalFields", equalFields},
            {"compare", compareUrl.empty() ? nlohmann::json() : nlohmann::json(compareUrl)},
            {"notes", notes},
            {"incomplete", incomplete}};
}

} // namespace model
