#include "objects.h"

#include "net/text.h"

namespace kube {

namespace {

using nlohmann::json;

// Thrown inside this file only, and turned into an Error at each parse function's boundary.
struct FieldError {
    std::string field;
    std::string expected;
};

const char* typeName(const json& v)
{
    return v.type_name();
}

// Reads fields of one JSON object by path, checking types; absent or null fields give defaults.
class Reader {
public:
    Reader(const json& j, std::string path) : m_j(j), m_path(std::move(path)) {}

    bool has(const char* key) const { return m_j.is_object() && m_j.contains(key) && !m_j[key].is_null(); }

    std::string str(const char* key, std::string fallback = {}) const
    {
        if (!has(key))
            return fallback;
        const json& v = m_j[key];
        if (!v.is_string())
            fail(key, "a string", v);
        return v.get<std::string>();
    }

    std::int64_t integer(const char* key, std::int64_t fallback = 0) const
    {
        if (!has(key))
            return fallback;
        const json& v = m_j[key];
        if (!v.is_number_integer())
            fail(key, "a whole number", v);
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            throw FieldError{m_path + "." + key, "a number that fits in 64 bits"};
        return v.get<std::int64_t>();
    }

    int int32(const char* key, int fallback = 0) const
    {
        const std::int64_t v = integer(key, fallback);
        if (v < INT32_MIN || v > INT32_MAX)
            throw FieldError{m_path + "." + key, "a 32-bit number"};
        return static_cast<int>(v);
    }

    bool boolean(const char* key, bool fallback = false) const
    {
        if (!has(key))
            return fallback;
        const json& v = m_j[key];
        if (!v.is_boolean())
            fail(key, "true or false", v);
        return v.get<bool>();
    }

    // int-or-string fields (targetPort)
    std::string intOrString(const char* key) const
    {
        if (!has(key))
            return {};
        const json& v = m_j[key];
        if (v.is_string())
            return v.get<std::string>();
        if (v.is_number_integer())
            return std::to_string(v.get<std::int64_t>());
        fail(key, "a number or a string", v);
    }

    Reader object(const char* key) const
    {
        static const json empty = json::object();
        if (!has(key))
            return Reader(empty, m_path + "." + key);
        const json& v = m_j[key];
        if (!v.is_object())
            fail(key, "an object", v);
        return Reader(v, m_path + "." + key);
    }

    std::vector<Reader> array(const char* key) const
    {
        std::vector<Reader> out;
        if (!has(key))
            return out;
        const json& v = m_j[key];
        if (!v.is_array())
            fail(key, "a list", v);
        for (std::size_t i = 0; i < v.size(); ++i)
            out.emplace_back(v[i], m_path + "." + key + "[" + std::to_string(i) + "]");
        return out;
    }

    // A list whose entries must be objects.
    std::vector<Reader> objects(const char* key) const
    {
        std::vector<Reader> out = array(key);
        for (const Reader& r : out)
            r.requireObject();
        return out;
    }

    std::vector<std::string> strings(const char* key) const
    {
        std::vector<std::string> out;
        for (const Reader& r : array(key)) {
            if (!r.m_j.is_string())
                throw FieldError{r.m_path, "a string"};
            out.push_back(r.m_j.get<std::string>());
        }
        return out;
    }

    Labels map(const char* key) const
    {
        Labels out;
        const Reader r = object(key);
        for (const auto& [k, v] : r.m_j.items()) {
            if (!v.is_string())
                throw FieldError{r.m_path + "." + k, "a string"};
            out.emplace(k, v.get<std::string>());
        }
        return out;
    }

    // The keys of this object (none when it is not one), in the order the server sent them.
    std::vector<std::string> keys() const
    {
        std::vector<std::string> out;
        if (m_j.is_object())
            for (const auto& item : m_j.items())
                out.push_back(item.key());
        return out;
    }

    void requireObject() const
    {
        if (!m_j.is_object())
            throw FieldError{m_path, "an object"};
    }

private:
    [[noreturn]] void fail(const char* key, const char* expected, const json& v) const
    {
        throw FieldError{m_path + "." + key, std::string(expected) + ", not " + typeName(v)};
    }

    const json& m_j;
    std::string m_path;
};

ObjectMeta readMeta(const Reader& root)
{
    const Reader m = root.object("metadata");
    ObjectMeta meta;
    meta.name = m.str("name");
    meta.ns = m.str("namespace");
    meta.uid = m.str("uid");
    meta.resourceVersion = m.str("resourceVersion");
    meta.generation = m.integer("generation");
    meta.creationTimestamp = m.str("creationTimestamp");
    meta.deletionTimestamp = m.str("deletionTimestamp");
    meta.labels = m.map("labels");
    meta.annotations = m.map("annotations");
    meta.hasAnnotationMap = m.has("annotations");
    for (const Reader& o : m.objects("ownerReferences"))
        meta.ownerReferences.push_back({o.str("kind"), o.str("name"), o.str("uid"), o.boolean("controller")});
    return meta;
}

std::vector<Condition> readConditions(const Reader& status)
{
    std::vector<Condition> out;
    for (const Reader& c : status.objects("conditions"))
        out.push_back({c.str("type"), c.str("status"), c.str("reason"), c.str("message"), c.str("lastTransitionTime"),
                       c.str("lastUpdateTime")});
    return out;
}

PodTemplate readTemplate(const Reader& spec)
{
    const Reader t = spec.object("template");
    PodTemplate pt;
    pt.labels = t.object("metadata").map("labels");
    pt.annotations = t.object("metadata").map("annotations");
    for (const Reader& c : t.object("spec").objects("containers"))
        pt.containers.push_back({c.str("name"), c.str("image")});
    return pt;
}

template <typename T, typename Fn> Result<T> guarded(const json& j, const char* kind, Fn fn)
{
    try {
        Reader root(j, kind);
        root.requireObject();
        return fn(root);
    } catch (const FieldError& e) {
        std::string name;
        if (j.is_object() && j.contains("metadata") && j["metadata"].is_object()) {
            const json& m = j["metadata"];
            if (m.contains("namespace") && m["namespace"].is_string())
                name += m["namespace"].get<std::string>() + "/";
            if (m.contains("name") && m["name"].is_string())
                name += m["name"].get<std::string>();
        }
        return Error{Error::Kind::Decode,
                     0,
                     {},
                     std::string("The API server sent a ") + kind + (name.empty() ? "" : " (" + name + ")") +
                         " whose field " + e.field + " is not " + e.expected +
                         ". The server may be newer or older than this program understands, or someone wrote a "
                         "value of the wrong type.",
                     e.field};
    } catch (const std::exception& e) {
        return Error{Error::Kind::Decode,
                     0,
                     {},
                     std::string("The API server sent a ") + kind + " that cannot be read.",
                     e.what()};
    }
}

} // namespace

const json* listItems(const json& list)
{
    if (!list.is_object())
        return nullptr;
    auto it = list.find("items");
    if (it == list.end())
        return nullptr;
    return it->is_array() ? &*it : nullptr;
}

Result<json> podTemplateJson(const json& deployment)
{
    const json* spec = nullptr;
    if (deployment.is_object())
        if (auto it = deployment.find("spec"); it != deployment.end() && it->is_object())
            spec = &*it;
    if (spec)
        if (auto it = spec->find("template"); it != spec->end() && it->is_object())
            return *it;
    return Error{Error::Kind::Decode, 0, {}, "The API server sent a Deployment without a pod template.", {}};
}

std::string ObjectMeta::label(const std::string& key) const
{
    auto it = labels.find(key);
    return it == labels.end() ? std::string() : it->second;
}

std::string ObjectMeta::annotation(const std::string& key) const
{
    auto it = annotations.find(key);
    return it == annotations.end() ? std::string() : it->second;
}

const Condition* Deployment::condition(const std::string& type) const
{
    for (const auto& c : conditions)
        if (c.type == type)
            return &c;
    return nullptr;
}

bool Pod::ready() const
{
    for (const auto& c : conditions)
        if (c.type == "Ready")
            return c.status == "True";
    return false;
}

int Pod::restarts() const
{
    int n = 0;
    for (const auto& c : containerStatuses)
        n += c.restartCount;
    return n;
}

int Pod::portNamed(const std::string& name) const
{
    for (const auto& p : ports)
        if (!name.empty() && p.name == name)
            return p.port;
    return 0;
}

Result<ObjectMeta> parseMeta(const json& j)
{
    return guarded<ObjectMeta>(j, "object", [](const Reader& r) { return readMeta(r); });
}

Result<AdmissionPolicyBinding> parseAdmissionPolicyBinding(const json& j)
{
    return guarded<AdmissionPolicyBinding>(j, "ValidatingAdmissionPolicyBinding", [](const Reader& r) {
        AdmissionPolicyBinding b;
        b.meta = readMeta(r);
        const Reader spec = r.object("spec");
        b.policyName = spec.str("policyName");
        b.validationActions = spec.strings("validationActions");
        return b;
    });
}

Result<Deployment> parseDeployment(const json& j)
{
    return guarded<Deployment>(j, "Deployment", [](const Reader& r) {
        Deployment d;
        d.meta = readMeta(r);
        const Reader spec = r.object("spec");
        d.replicas = spec.int32("replicas", 1);
        d.selector = spec.object("selector").map("matchLabels");
        d.podTemplate = readTemplate(spec);
        d.progressDeadlineSeconds = spec.int32("progressDeadlineSeconds", 600);
        d.paused = spec.boolean("paused");
        const Reader status = r.object("status");
        d.observedGeneration = status.integer("observedGeneration");
        d.statusReplicas = status.int32("replicas");
        d.updatedReplicas = status.int32("updatedReplicas");
        d.readyReplicas = status.int32("readyReplicas");
        d.availableReplicas = status.int32("availableReplicas");
        d.unavailableReplicas = status.int32("unavailableReplicas");
        d.conditions = readConditions(status);
        return d;
    });
}

Result<ReplicaSet> parseReplicaSet(const json& j)
{
    return guarded<ReplicaSet>(j, "ReplicaSet", [](const Reader& r) {
        ReplicaSet rs;
        rs.meta = readMeta(r);
        const Reader spec = r.object("spec");
        rs.replicas = spec.int32("replicas", 1);
        rs.podTemplate = readTemplate(spec);
        const Reader status = r.object("status");
        rs.statusReplicas = status.int32("replicas");
        rs.readyReplicas = status.int32("readyReplicas");
        rs.availableReplicas = status.int32("availableReplicas");
        return rs;
    });
}

Result<Pod> parsePod(const json& j)
{
    return guarded<Pod>(j, "Pod", [](const Reader& r) {
        Pod p;
        p.meta = readMeta(r);
        p.nodeName = r.object("spec").str("nodeName");
        for (const Reader& c : r.object("spec").objects("containers"))
            for (const Reader& port : c.objects("ports"))
                p.ports.push_back(
                    {c.str("name"), port.str("name"), port.int32("containerPort"), port.str("protocol", "TCP")});
        const Reader status = r.object("status");
        p.phase = status.str("phase", "Pending");
        p.podIP = status.str("podIP");
        p.reason = status.str("reason");
        p.message = status.str("message");
        p.startTime = status.str("startTime");
        p.conditions = readConditions(status);
        for (const Reader& c : status.objects("containerStatuses")) {
            ContainerStatus cs;
            cs.name = c.str("name");
            cs.image = c.str("image");
            cs.imageID = c.str("imageID");
            cs.ready = c.boolean("ready");
            cs.started = c.boolean("started");
            cs.restartCount = c.int32("restartCount");
            const Reader state = c.object("state");
            cs.waitingReason = state.object("waiting").str("reason");
            cs.waitingMessage = state.object("waiting").str("message");
            cs.terminatedReason = state.object("terminated").str("reason");
            cs.terminatedExitCode = state.object("terminated").int32("exitCode");
            cs.runningSince = state.object("running").str("startedAt");
            const Reader last = c.object("lastState").object("terminated");
            cs.lastTerminatedReason = last.str("reason");
            cs.lastExitCode = last.int32("exitCode");
            cs.lastFinishedAt = last.str("finishedAt");
            p.containerStatuses.push_back(std::move(cs));
        }
        return p;
    });
}

Result<Service> parseService(const json& j)
{
    return guarded<Service>(j, "Service", [](const Reader& r) {
        Service s;
        s.meta = readMeta(r);
        const Reader spec = r.object("spec");
        s.type = spec.str("type", "ClusterIP");
        s.clusterIP = spec.str("clusterIP");
        s.selector = spec.map("selector");
        for (const Reader& p : spec.objects("ports"))
            s.ports.push_back({p.str("name"), p.int32("port"), p.intOrString("targetPort"), p.str("protocol", "TCP")});
        return s;
    });
}

Result<EndpointSlice> parseEndpointSlice(const json& j)
{
    return guarded<EndpointSlice>(j, "EndpointSlice", [](const Reader& r) {
        EndpointSlice s;
        s.meta = readMeta(r);
        s.serviceName = s.meta.label("kubernetes.io/service-name");
        s.addressType = r.str("addressType");
        for (const Reader& e : r.objects("endpoints")) {
            EndpointAddress a;
            a.addresses = e.strings("addresses");
            const Reader c = e.object("conditions");
            a.ready = c.boolean("ready", true);
            a.serving = c.boolean("serving", a.ready);
            a.terminating = c.boolean("terminating", false);
            a.nodeName = e.str("nodeName");
            a.targetKind = e.object("targetRef").str("kind");
            a.targetName = e.object("targetRef").str("name");
            s.endpoints.push_back(std::move(a));
        }
        return s;
    });
}

Result<Event> parseEvent(const json& j)
{
    return guarded<Event>(j, "Event", [](const Reader& r) {
        Event e;
        e.meta = readMeta(r);
        e.type = r.str("type", "Normal");
        e.reason = r.str("reason");
        e.message = r.str("message");
        const Reader inv = r.object("involvedObject");
        e.involvedKind = inv.str("kind");
        e.involvedName = inv.str("name");
        e.involvedNamespace = inv.str("namespace");
        e.count = r.int32("count", 1);
        e.lastTimestamp = r.str("lastTimestamp");
        if (e.lastTimestamp.empty())
            e.lastTimestamp = r.str("eventTime");
        if (e.lastTimestamp.empty())
            e.lastTimestamp = r.str("firstTimestamp");
        if (e.lastTimestamp.empty())
            e.lastTimestamp = e.meta.creationTimestamp;
        return e;
    });
}

bool selectorMatches(const Labels& selector, const Labels& labels)
{
    if (selector.empty())
        return false;
    for (const auto& [k, v] : selector) {
        auto it = labels.find(k);
        if (it == labels.end() || it->second != v)
            return false;
    }
    return true;
}

} // namespace kube

// The pod template in full (PodSpecDetail), for the diff of two slots.
namespace kube {

namespace {

// Reads one template, cutting long text and long lists at their caps and saying so in `truncated`.
class DetailReader {
public:
    explicit DetailReader(PodSpecDetail& out) : m_out(out) {}

    std::string text(std::string s)
    {
        if (s.size() <= maxDetailText)
            return s;
        m_out.truncated = true;
        const std::string size = " (" + std::to_string(s.size()) + " bytes)";
        return net::text::cut(s, maxDetailText - size.size(), "…") + size;
    }

    std::string str(const Reader& r, const char* key, std::string fallback = {}) { return text(r.str(key, fallback)); }

    template <typename T> std::vector<T> capped(std::vector<T> all, std::size_t cap)
    {
        if (all.size() <= cap)
            return all;
        m_out.truncated = true;
        return std::vector<T>(std::make_move_iterator(all.begin()),
                              std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(cap)));
    }

    std::vector<std::string> strings(const Reader& r, const char* key)
    {
        std::vector<std::string> out;
        for (std::string& s : capped(r.strings(key), maxDetailEntries))
            out.push_back(text(std::move(s)));
        return out;
    }

    // A map whose values are strings or whole numbers (resource quantities).
    Labels quantities(const Reader& r)
    {
        Labels out;
        for (const std::string& k : capped(r.keys(), maxDetailEntries))
            out.emplace(text(k), text(r.intOrString(k.c_str())));
        return out;
    }

    Labels map(const Reader& r, const char* key)
    {
        Labels out;
        std::size_t n = 0;
        for (const auto& [k, v] : r.map(key)) {
            if (++n > maxDetailEntries) {
                m_out.truncated = true;
                break;
            }
            out.emplace(text(k), text(v));
        }
        return out;
    }

    std::string probe(const Reader& c, const char* key)
    {
        if (!c.has(key))
            return {};
        const Reader p = c.object(key);
        std::string how;
        if (p.has("httpGet")) {
            const Reader h = p.object("httpGet");
            how = (h.str("scheme", "HTTP") == "HTTPS" ? "HTTPS GET " : "HTTP GET ") + str(h, "path", "/") +
                  " on port " + text(h.intOrString("port"));
        } else if (p.has("tcpSocket")) {
            how = "TCP on port " + text(p.object("tcpSocket").intOrString("port"));
        } else if (p.has("grpc")) {
            const Reader g = p.object("grpc");
            how = "gRPC on port " + std::to_string(g.int32("port")) +
                  (g.has("service") ? " service " + str(g, "service") : std::string());
        } else if (p.has("exec")) {
            std::string command;
            for (const std::string& word : strings(p.object("exec"), "command"))
                command += (command.empty() ? "" : " ") + word;
            how = "run " + command;
        } else {
            how = "no handler";
        }
        how += ", after " + std::to_string(p.int32("initialDelaySeconds")) + "s, every " +
               std::to_string(p.int32("periodSeconds", 10)) + "s, timeout " +
               std::to_string(p.int32("timeoutSeconds", 1)) + "s, " + std::to_string(p.int32("failureThreshold", 3)) +
               " failures";
        if (const int success = p.int32("successThreshold", 1); success != 1)
            how += ", " + std::to_string(success) + " successes";
        return how;
    }

    EnvVarSpec env(const Reader& e)
    {
        EnvVarSpec v;
        v.name = str(e, "name");
        if (!e.has("valueFrom")) {
            v.value = str(e, "value");
            return v;
        }
        const Reader from = e.object("valueFrom");
        if (from.has("secretKeyRef")) {
            // Only the reference: a Secret's value is never read here.
            v.from = EnvVarSpec::From::Secret;
            v.refName = str(from.object("secretKeyRef"), "name");
            v.refKey = str(from.object("secretKeyRef"), "key");
        } else if (from.has("configMapKeyRef")) {
            v.from = EnvVarSpec::From::ConfigMap;
            v.refName = str(from.object("configMapKeyRef"), "name");
            v.refKey = str(from.object("configMapKeyRef"), "key");
        } else if (from.has("fieldRef")) {
            v.from = EnvVarSpec::From::Field;
            v.value = str(from.object("fieldRef"), "fieldPath");
        } else {
            v.from = EnvVarSpec::From::Resource;
            const Reader r = from.object("resourceFieldRef");
            v.value = str(r, "resource") + (r.has("containerName") ? " of " + str(r, "containerName") : std::string());
        }
        return v;
    }

    ContainerSpec container(const Reader& c)
    {
        ContainerSpec out;
        out.name = str(c, "name");
        out.image = str(c, "image");
        out.command = strings(c, "command");
        out.args = strings(c, "args");
        for (const Reader& e : capped(c.objects("env"), maxDetailEntries))
            out.env.push_back(env(e));
        for (const Reader& e : capped(c.objects("envFrom"), maxDetailEntries)) {
            const bool secret = e.has("secretRef");
            out.envFrom.push_back({secret ? "secret" : "configMap",
                                   str(e.object(secret ? "secretRef" : "configMapRef"), "name"), str(e, "prefix")});
        }
        const Reader resources = c.object("resources");
        out.requests = quantities(resources.object("requests"));
        out.limits = quantities(resources.object("limits"));
        out.livenessProbe = probe(c, "livenessProbe");
        out.readinessProbe = probe(c, "readinessProbe");
        out.startupProbe = probe(c, "startupProbe");
        for (const Reader& m : capped(c.objects("volumeMounts"), maxDetailEntries))
            out.volumeMounts.push_back(str(m, "name") + " at " + str(m, "mountPath") +
                                       (m.has("subPath") ? " sub " + str(m, "subPath") : std::string()) +
                                       (m.boolean("readOnly") ? " (read-only)" : ""));
        return out;
    }

    std::string toleration(const Reader& t)
    {
        const std::string key = str(t, "key");
        const bool exists = t.str("operator", "Equal") == "Exists";
        std::string out = key.empty() && exists ? "every taint" : exists ? key : key + "=" + str(t, "value");
        if (t.has("effect"))
            out += ":" + str(t, "effect");
        if (t.has("tolerationSeconds"))
            out += " for " + std::to_string(t.integer("tolerationSeconds")) + "s";
        return out;
    }

    VolumeSpec volume(const Reader& v)
    {
        VolumeSpec out;
        out.name = str(v, "name");
        for (const std::string& k : v.keys())
            if (k != "name") {
                out.kind = text(k);
                break;
            }
        const Reader source = v.object(out.kind.empty() ? "emptyDir" : out.kind.c_str());
        if (out.kind == "configMap") {
            out.configMaps.push_back(str(source, "name"));
        } else if (out.kind == "secret") {
            out.secrets.push_back(str(source, "secretName"));
        } else if (out.kind == "projected") {
            for (const Reader& p : capped(source.objects("sources"), maxDetailEntries)) {
                if (p.has("configMap"))
                    out.configMaps.push_back(str(p.object("configMap"), "name"));
                if (p.has("secret"))
                    out.secrets.push_back(str(p.object("secret"), "name"));
            }
        } else if (out.kind == "persistentVolumeClaim") {
            out.sources.push_back(str(source, "claimName"));
        } else if (out.kind == "hostPath") {
            out.sources.push_back(str(source, "path"));
        }
        out.sources.insert(out.sources.end(), out.configMaps.begin(), out.configMaps.end());
        out.sources.insert(out.sources.end(), out.secrets.begin(), out.secrets.end());
        return out;
    }

    void read(const Reader& t)
    {
        const Reader spec = t.object("spec");
        for (const Reader& c : capped(spec.objects("containers"), maxDetailContainers))
            m_out.containers.push_back(container(c));
        for (const Reader& c : capped(spec.objects("initContainers"), maxDetailContainers))
            m_out.initContainers.push_back(container(c));
        m_out.serviceAccountName = str(spec, "serviceAccountName");
        m_out.nodeSelector = map(spec, "nodeSelector");
        for (const Reader& tol : capped(spec.objects("tolerations"), maxDetailEntries))
            m_out.tolerations.push_back(toleration(tol));
        for (const Reader& v : capped(spec.objects("volumes"), maxDetailEntries)) {
            v.requireObject();
            m_out.volumes.push_back(volume(v));
        }
    }

private:
    PodSpecDetail& m_out;
};

} // namespace

Result<PodSpecDetail> parsePodSpecDetail(const json& podTemplate)
{
    return guarded<PodSpecDetail>(podTemplate, "pod template", [](const Reader& r) {
        PodSpecDetail out;
        DetailReader(out).read(r);
        return out;
    });
}

Result<PodSpecDetail> podSpecDetail(const Deployment& d)
{
    if (!d.templateSource)
        return Error{
            Error::Kind::Decode, 0, {}, "Deployment " + d.meta.name + " was read without its pod template.", {}};
    return parsePodSpecDetail(*d.templateSource);
}

Result<ConfigMap> parseConfigMap(const json& j)
{
    return guarded<ConfigMap>(j, "ConfigMap", [](const Reader& r) {
        ConfigMap c;
        c.meta = readMeta(r);
        c.data = r.map("data");
        c.binaryData = r.map("binaryData");
        return c;
    });
}

} // namespace kube
