#include "objects.h"

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
