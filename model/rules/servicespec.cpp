#include "model/rules/servicespec.h"

#include "model/rules/healthpath.h"
#include "model/rules/settings.h"
#include "model/rules/watchrules.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <yaml-cpp/yaml.h>

namespace model {

void ServiceSpec::applyDefaults()
{
    if (group.empty())
        group = name;
    if (slotA.empty())
        slotA = name + "-a";
    if (slotB.empty())
        slotB = name + "-b";
    if (liveService.empty())
        liveService = name;
    if (stagingService.empty())
        stagingService = name + "-staging";
    if (slotLabel.empty())
        slotLabel = slotLabelKey;
    if (sandboxNamespace.empty())
        sandboxNamespace = name + "-sandbox";
    if (sandboxDeployment.empty())
        sandboxDeployment = name;
    if (sandboxContext.empty())
        sandboxContext = context;
}

std::string defaultServiceConfigPath()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    return (base + QStringLiteral("/signalbox/services.yaml")).toStdString();
}

namespace {

struct ConfigError {
    std::string message;
    int line;
};

std::string str(const YAML::Node& parent, const char* key, const std::string& path)
{
    const YAML::Node n = parent[key];
    if (!n || n.IsNull())
        return {};
    if (!n.IsScalar())
        throw ConfigError{"\"" + path + key + "\" must be a text value", n.Mark().line + 1};
    return n.as<std::string>();
}

bool flag(const YAML::Node& parent, const char* key, const std::string& path)
{
    const YAML::Node n = parent[key];
    if (!n || n.IsNull())
        return false;
    try {
        return n.as<bool>();
    } catch (const YAML::Exception&) {
        throw ConfigError{"\"" + path + key + "\" must be true or false", n.Mark().line + 1};
    }
}

const std::set<std::string> serviceKeys = {"name",
                                           "group",
                                           "context",
                                           "namespace",
                                           "slots",
                                           "services",
                                           "slotLabel",
                                           "sandbox",
                                           "image",
                                           "runsMigrationsAtStart",
                                           "stagingSharesLiveDatabase",
                                           "health",
                                           "smoke",
                                           "analysis",
                                           "prometheus"};

void checkKeys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& path)
{
    for (const auto& kv : map) {
        const std::string key = kv.first.as<std::string>();
        if (!allowed.count(key)) {
            std::string list;
            for (const auto& k : allowed)
                list += (list.empty() ? "" : ", ") + k;
            throw ConfigError{"unknown key \"" + path + key + "\" (known: " + list + ")", kv.first.Mark().line + 1};
        }
    }
}

YAML::Node mapAt(const YAML::Node& parent, const char* key, const std::string& path)
{
    const YAML::Node n = parent[key];
    if (n && !n.IsNull() && !n.IsMap())
        throw ConfigError{"\"" + path + key + "\" must be a mapping", n.Mark().line + 1};
    return n;
}

// A whole number in [low, high]; `unit` follows the number in the message (" seconds").
int wholeIn(const YAML::Node& parent, const char* key, const std::string& path, int low, int high, const char* unit)
{
    const YAML::Node n = parent[key];
    int v = 0;
    try {
        v = n.as<int>();
    } catch (const YAML::Exception&) {
        throw ConfigError{"\"" + path + key + "\" must be a whole number" + (*unit ? std::string(" of") + unit : ""),
                          n.Mark().line + 1};
    }
    if (v < low || v > high)
        throw ConfigError{"\"" + path + key + "\" must be between " + std::to_string(low) + " and " +
                              std::to_string(high) + unit,
                          n.Mark().line + 1};
    return v;
}

bool present(const YAML::Node& parent, const char* key)
{
    const YAML::Node n = parent[key];
    return n && !n.IsNull();
}

// `health: {port: 4000, path: /health, expectStatus: 200, timeoutSeconds: 2, intervalSeconds: 15}`
HealthConfig parseHealth(const YAML::Node& h, const std::string& path)
{
    checkKeys(h, {"port", "path", "expectStatus", "timeoutSeconds", "intervalSeconds"}, path);
    HealthConfig c;
    if (present(h, "port")) {
        const std::string port = str(h, "port", path);
        if (port.empty())
            throw ConfigError{"\"" + path + "port\" must be a port number or a port name", h["port"].Mark().line + 1};
        if (std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            c.port = std::to_string(wholeIn(h, "port", path, 1, 65535, ""));
        else if (isPortName(port))
            c.port = port;
        else
            throw ConfigError{"\"" + path +
                                  "port\" must be a port number or a port name (lowercase letters, digits "
                                  "and '-', at most 15)",
                              h["port"].Mark().line + 1};
    }
    if (present(h, "path")) {
        const std::string p = str(h, "path", path);
        if (p.empty() || p.front() != '/')
            throw ConfigError{"\"" + path + "path\" must start with /", h["path"].Mark().line + 1};
        if (const std::string why = healthPathProblem(p); !why.empty())
            throw ConfigError{"\"" + path + "path\" is refused: " + why, h["path"].Mark().line + 1};
        c.path = p;
    }
    if (present(h, "expectStatus"))
        c.expectStatus = wholeIn(h, "expectStatus", path, 100, 599, "");
    if (present(h, "timeoutSeconds"))
        c.timeoutSeconds = wholeIn(h, "timeoutSeconds", path, 1, 60, " seconds");
    if (present(h, "intervalSeconds"))
        c.intervalSeconds = wholeIn(h, "intervalSeconds", path, 1, 3600, " seconds");
    return c;
}

// A list at `key`, if it is there, of at most `most` entries.
YAML::Node listAt(const YAML::Node& parent, const char* key, const std::string& path, std::size_t most)
{
    const YAML::Node n = parent[key];
    if (!n || n.IsNull())
        return n;
    if (!n.IsSequence())
        throw ConfigError{"\"" + path + key + "\" must be a list", n.Mark().line + 1};
    if (n.size() > most)
        throw ConfigError{"\"" + path + key + "\" lists more than " + std::to_string(most) + " entries",
                          n.Mark().line + 1};
    return n;
}

// A duration as "30s", "2m", "1h" (or a whole number of seconds) in [low, high] seconds.
int durationIn(const YAML::Node& parent, const char* key, const std::string& path, int low, int high)
{
    const YAML::Node n = parent[key];
    const std::string text = str(parent, key, path);
    std::optional<int> v = parseDurationSeconds(text);
    if (!v && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 7)
        v = std::stoi(text);
    if (!v)
        throw ConfigError{"\"" + path + key + "\" must be a duration such as 30s, 2m or 1h", n.Mark().line + 1};
    if (*v < low || *v > high)
        throw ConfigError{"\"" + path + key + "\" must be between " + durationText(low) + " and " + durationText(high),
                          n.Mark().line + 1};
    return *v;
}

SmokeRequest parseSmokeRequest(const YAML::Node& r, const std::string& path)
{
    if (!r.IsMap())
        throw ConfigError{"\"" + path.substr(0, path.size() - 1) + "\" must be a mapping", r.Mark().line + 1};
    checkKeys(r,
              {"method", "path", "headers", "body", "expectStatus", "expectBodyContains", "expectJsonField",
               "expectJsonEquals"},
              path);
    SmokeRequest q;
    if (present(r, "method"))
        q.method = str(r, "method", path);
    if (const std::string why = smokeMethodProblem(q.method); !why.empty())
        throw ConfigError{"\"" + path + "method\" is refused: " + why, r["method"].Mark().line + 1};
    q.path = str(r, "path", path);
    if (q.path.empty())
        throw ConfigError{"\"" + path + "path\" is missing", r.Mark().line + 1};
    if (const std::string why = healthPathProblem(q.path); !why.empty())
        throw ConfigError{"\"" + path + "path\" is refused: " + why, r["path"].Mark().line + 1};
    if (const YAML::Node h = mapAt(r, "headers", path)) {
        if (h.size() > static_cast<std::size_t>(maxSmokeHeaders))
            throw ConfigError{"\"" + path + "headers\" names more than " + std::to_string(maxSmokeHeaders) + " headers",
                              h.Mark().line + 1};
        for (const auto& kv : h) {
            const std::string name = kv.first.as<std::string>();
            const std::string value = str(h, name.c_str(), path + "headers.");
            if (const std::string why = smokeHeaderProblem(name, value); !why.empty())
                throw ConfigError{"\"" + path + "headers." + name + "\" is refused: " + why, kv.first.Mark().line + 1};
            q.headers.emplace_back(name, value);
        }
    }
    q.body = str(r, "body", path);
    if (q.body.size() > static_cast<std::size_t>(maxSmokeBodyBytes))
        throw ConfigError{"\"" + path + "body\" is longer than 64 KiB", r["body"].Mark().line + 1};
    if (present(r, "expectStatus"))
        q.expectStatus = wholeIn(r, "expectStatus", path, 100, 599, "");
    q.expectBodyContains = str(r, "expectBodyContains", path);
    q.expectJsonField = str(r, "expectJsonField", path);
    q.expectJsonEquals = str(r, "expectJsonEquals", path);
    if (q.expectJsonField.empty() != !present(r, "expectJsonEquals"))
        throw ConfigError{"\"" + path + "expectJsonField\" and \"expectJsonEquals\" go together", r.Mark().line + 1};
    return q;
}

// `smoke: {repeat: 10, ratePerSecond: 5, timeoutSeconds: 5, requests: [{method, path, ...}]}`
SmokeSpec parseSmoke(const YAML::Node& n, const std::string& path)
{
    checkKeys(n, {"requests", "repeat", "ratePerSecond", "timeoutSeconds"}, path);
    SmokeSpec s;
    if (const YAML::Node list = listAt(n, "requests", path, maxSmokeRequests))
        for (std::size_t i = 0; i < list.size(); ++i)
            s.requests.push_back(parseSmokeRequest(list[i], path + "requests[" + std::to_string(i) + "]."));
    if (present(n, "repeat"))
        s.repeat = wholeIn(n, "repeat", path, 1, maxSmokeRepeat, "");
    if (present(n, "ratePerSecond"))
        s.ratePerSecond = wholeIn(n, "ratePerSecond", path, 1, maxSmokeRatePerSecond, " requests a second");
    if (present(n, "timeoutSeconds"))
        s.timeoutSeconds = wholeIn(n, "timeoutSeconds", path, 1, 60, " seconds");
    return s;
}

MetricSpec parseMetric(const YAML::Node& m, const std::string& path)
{
    if (!m.IsMap())
        throw ConfigError{"\"" + path.substr(0, path.size() - 1) + "\" must be a mapping", m.Mark().line + 1};
    checkKeys(m, {"name", "query", "condition", "unit"}, path);
    MetricSpec metric;
    metric.name = str(m, "name", path);
    if (metric.name.empty() || metric.name.size() > 64)
        throw ConfigError{"\"" + path + "name\" must have 1 to 64 characters", m.Mark().line + 1};
    metric.queryTemplate = str(m, "query", path);
    if (metric.queryTemplate.empty())
        throw ConfigError{"\"" + path + "query\" is missing", m.Mark().line + 1};
    if (auto expanded = expandQuery(metric.queryTemplate, {}); !expanded)
        throw ConfigError{"\"" + path + "query\" is refused: " + expanded.error().message, m["query"].Mark().line + 1};
    auto condition = parseCondition(str(m, "condition", path));
    if (!condition)
        throw ConfigError{"\"" + path + "condition\" is refused: " + condition.error().message,
                          (present(m, "condition") ? m["condition"] : m).Mark().line + 1};
    metric.condition = *condition;
    metric.unit = str(m, "unit", path);
    if (metric.unit != "" && metric.unit != "ratio" && metric.unit != "seconds")
        throw ConfigError{"\"" + path + "unit\" must be ratio, seconds or left out", m["unit"].Mark().line + 1};
    return metric;
}

// `analysis: {defaults: true, labels: {...}, metrics: [...], window: 2m, interval: 30s, count: 3, ...}`
AnalysisSpec parseAnalysis(const YAML::Node& n, const std::string& path)
{
    checkKeys(n, {"defaults", "labels", "metrics", "window", "interval", "count", "failureLimit", "inconclusiveLimit"},
              path);
    AnalysisSpec a;
    DefaultLabels labels;
    if (const YAML::Node l = mapAt(n, "labels", path)) {
        checkKeys(l, {"namespace", "pod", "status", "le"}, path + "labels.");
        for (auto [key, field] : {std::pair{"namespace", &labels.ns}, std::pair{"pod", &labels.pod},
                                  std::pair{"status", &labels.status}, std::pair{"le", &labels.le}}) {
            if (!present(l, key))
                continue;
            *field = str(l, key, path + "labels.");
            const bool name =
                !field->empty() && field->size() <= 64 && !(field->front() >= '0' && field->front() <= '9') &&
                field->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                    std::string::npos;
            if (!name)
                throw ConfigError{"\"" + path + "labels." + key + "\" must be a Prometheus label name",
                                  l[key].Mark().line + 1};
        }
    }
    if (flag(n, "defaults", path))
        a.metrics = defaultMetrics(labels);
    else if (present(n, "labels"))
        throw ConfigError{"\"" + path + "labels\" renames the default queries' labels; set \"" + path +
                              "defaults: true\" too",
                          n["labels"].Mark().line + 1};
    if (const YAML::Node list = listAt(n, "metrics", path, maxMetrics)) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            MetricSpec m = parseMetric(list[i], path + "metrics[" + std::to_string(i) + "].");
            // A metric named as a default replaces it: its own query or condition.
            auto same =
                std::find_if(a.metrics.begin(), a.metrics.end(), [&](const MetricSpec& d) { return d.name == m.name; });
            if (same != a.metrics.end())
                *same = std::move(m);
            else
                a.metrics.push_back(std::move(m));
        }
    }
    if (a.metrics.size() > static_cast<std::size_t>(maxMetrics))
        throw ConfigError{"\"" + path + "metrics\" and the defaults make more than " + std::to_string(maxMetrics) +
                              " metrics",
                          n.Mark().line + 1};
    if (present(n, "window"))
        a.windowSeconds = durationIn(n, "window", path, 10, maxAnalysisWindowSeconds);
    if (present(n, "interval"))
        a.intervalSeconds = durationIn(n, "interval", path, 1, 3600);
    if (present(n, "count"))
        a.count = wholeIn(n, "count", path, 1, maxAnalysisCount, " looks");
    if (present(n, "failureLimit"))
        a.failureLimit = wholeIn(n, "failureLimit", path, 1, a.count, " looks (the count)");
    if (present(n, "inconclusiveLimit"))
        a.inconclusiveLimit = wholeIn(n, "inconclusiveLimit", path, 0, a.count, " looks (the count)");
    if (a.failureLimit > a.count)
        throw ConfigError{"\"" + path + "failureLimit\" must be at most the count", n.Mark().line + 1};
    return a;
}

// `prometheus: monitoring/prometheus:9090`, `prometheus: https://prom.example`, or
// `prometheus: {url: https://..., bearerTokenFile: /path, caFile: /path}`.
PrometheusTarget parsePrometheus(const YAML::Node& parent, const std::string& path)
{
    const YAML::Node n = parent["prometheus"];
    if (!n || n.IsNull())
        return {};
    std::string address;
    PrometheusTarget t;
    if (n.IsMap()) {
        checkKeys(n, {"service", "url", "bearerTokenFile", "caFile"}, path + "prometheus.");
        const std::string service = str(n, "service", path + "prometheus.");
        const std::string url = str(n, "url", path + "prometheus.");
        if (service.empty() == url.empty())
            throw ConfigError{"\"" + path + "prometheus\" needs either service (NAMESPACE/SERVICE:PORT) or url",
                              n.Mark().line + 1};
        address = service.empty() ? url : service;
        if (!service.empty() && present(n, "bearerTokenFile"))
            throw ConfigError{"\"" + path +
                                  "prometheus.bearerTokenFile\" is for a url; through the API server your kubeconfig's "
                                  "credentials are used",
                              n["bearerTokenFile"].Mark().line + 1};
        t.bearerTokenFile = str(n, "bearerTokenFile", path + "prometheus.");
        t.caFile = str(n, "caFile", path + "prometheus.");
    } else if (n.IsScalar()) {
        address = n.as<std::string>();
    } else {
        throw ConfigError{"\"" + path + "prometheus\" must be NAMESPACE/SERVICE:PORT, a URL or a mapping",
                          n.Mark().line + 1};
    }
    auto parsed = parsePrometheusTarget(address);
    if (!parsed)
        throw ConfigError{"\"" + path + "prometheus\" is refused: " + parsed.error().message, n.Mark().line + 1};
    parsed->bearerTokenFile = t.bearerTokenFile;
    parsed->caFile = t.caFile;
    parsed->source = "the configuration file";
    return *parsed;
}

// One entry of the services list; a problem is thrown as a ConfigError with its line.
ServiceSpec parseService(const YAML::Node& s, const std::string& path, std::set<std::string>& seen)
{
    ServiceSpec spec;
    spec.fromConfig = true;
    spec.name = str(s, "name", path);
    if (spec.name.empty())
        throw ConfigError{"\"" + path + "name\" is missing", s.Mark().line + 1};
    if (!seen.insert(spec.name).second)
        throw ConfigError{"the service \"" + spec.name + "\" is listed twice", s.Mark().line + 1};
    spec.group = str(s, "group", path);
    spec.context = str(s, "context", path);
    spec.ns = str(s, "namespace", path);
    if (spec.ns.empty())
        throw ConfigError{"\"" + path + "namespace\" is missing", s.Mark().line + 1};
    spec.slotLabel = str(s, "slotLabel", path);
    spec.imageRepository = str(s, "image", path);
    spec.runsMigrationsAtStart = flag(s, "runsMigrationsAtStart", path);
    spec.stagingSharesLiveDatabase = flag(s, "stagingSharesLiveDatabase", path);
    if (const YAML::Node slots = mapAt(s, "slots", path)) {
        checkKeys(slots, {"a", "b"}, path + "slots.");
        spec.slotA = str(slots, "a", path + "slots.");
        spec.slotB = str(slots, "b", path + "slots.");
    }
    if (const YAML::Node svc = mapAt(s, "services", path)) {
        checkKeys(svc, {"live", "staging"}, path + "services.");
        spec.liveService = str(svc, "live", path + "services.");
        spec.stagingService = str(svc, "staging", path + "services.");
    }
    if (const YAML::Node sb = mapAt(s, "sandbox", path)) {
        checkKeys(sb, {"context", "namespace", "deployment"}, path + "sandbox.");
        spec.sandboxContext = str(sb, "context", path + "sandbox.");
        spec.sandboxNamespace = str(sb, "namespace", path + "sandbox.");
        spec.sandboxDeployment = str(sb, "deployment", path + "sandbox.");
    }
    if (const YAML::Node h = mapAt(s, "health", path))
        spec.health = parseHealth(h, path + "health.");
    if (const YAML::Node n = mapAt(s, "smoke", path))
        spec.smoke = parseSmoke(n, path + "smoke.");
    if (const YAML::Node n = mapAt(s, "analysis", path))
        spec.analysis = parseAnalysis(n, path + "analysis.");
    spec.prometheus = parsePrometheus(s, path);
    spec.applyDefaults();
    if (spec.liveService == spec.stagingService)
        throw ConfigError{"the live and staging Services of \"" + spec.name + "\" are the same object",
                          s.Mark().line + 1};
    if (spec.slotA == spec.slotB)
        throw ConfigError{"slots a and b of \"" + spec.name + "\" are the same Deployment", s.Mark().line + 1};
    return spec;
}

} // namespace

namespace {

// A whole number of seconds from `minimum` to `maximum` at `key`, if it is there; `unit` and
// `range` finish the sentences when it is not a number or out of range.
std::optional<int> seconds(const YAML::Node& root, const char* key, int maximum, const std::string& unit,
                           const std::string& range)
{
    const YAML::Node n = root[key];
    if (!n || n.IsNull())
        return std::nullopt;
    int value = 0;
    try {
        value = n.as<int>();
    } catch (const YAML::Exception&) {
        throw ConfigError{"\"" + std::string(key) + "\" must be a whole number of seconds" + unit, n.Mark().line + 1};
    }
    if (value < 0 || value > maximum)
        throw ConfigError{"\"" + std::string(key) + "\" must be between " + range, n.Mark().line + 1};
    return value;
}

void readNotifications(const YAML::Node& root, NotificationSettings& choices)
{
    const YAML::Node n = root["notifications"];
    if (!n || n.IsNull())
        return;
    if (!n.IsMap())
        throw ConfigError{"\"notifications\" must be a mapping of liveUnhealthy, changedByOthers and longActions "
                          "to true or false",
                          n.Mark().line + 1};
    checkKeys(n, {"liveUnhealthy", "changedByOthers", "longActions"}, "notifications.");
    for (auto [key, value] :
         {std::pair{"liveUnhealthy", &choices.liveUnhealthy}, std::pair{"changedByOthers", &choices.changedByOthers},
          std::pair{"longActions", &choices.longActions}}) {
        const YAML::Node v = n[key];
        if (!v || v.IsNull())
            continue;
        try {
            *value = v.as<bool>();
        } catch (const YAML::Exception&) {
            throw ConfigError{"\"notifications." + std::string(key) + "\" must be true or false", v.Mark().line + 1};
        }
    }
}

void readNamespaces(const YAML::Node& root, std::vector<std::string>& namespaces)
{
    const YAML::Node ns = root["namespaces"];
    if (!ns || ns.IsNull())
        return;
    if (!ns.IsSequence())
        throw ConfigError{"\"namespaces\" must be a list of namespace names", ns.Mark().line + 1};
    for (const auto& n : ns)
        namespaces.push_back(n.as<std::string>());
}

void readServices(const YAML::Node& root, std::vector<ServiceSpec>& out)
{
    const YAML::Node services = root["services"];
    if (!services || services.IsNull())
        return;
    if (!services.IsSequence())
        throw ConfigError{"\"services\" must be a list", services.Mark().line + 1};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < services.size(); ++i) {
        const YAML::Node s = services[i];
        const std::string path = "services[" + std::to_string(i) + "].";
        if (!s.IsMap())
            throw ConfigError{"\"" + path.substr(0, path.size() - 1) + "\" must be a mapping", s.Mark().line + 1};
        checkKeys(s, serviceKeys, path);
        out.push_back(parseService(s, path, seen));
    }
}

} // namespace

kube::Result<ServiceConfig> parseServiceConfig(const std::string& text, const std::string& file)
{
    ServiceConfig config;
    config.file = file;
    auto error = [&file](const std::string& what, int line) {
        return kube::Error::config("The Signalbox configuration " + file + " has a problem at line " +
                                   std::to_string(line) + ": " + what +
                                   ". Fix it, or start with --config pointing "
                                   "at another file.");
    };
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root || root.IsNull())
            return config;
        if (!root.IsMap())
            return error("the top level must be a mapping with a \"services\" list", root.Mark().line + 1);
        checkKeys(root,
                  {"services", "namespaces", "pollIntervalSeconds", "watchAfterSwapSeconds", "webhook", "notifications",
                   "prometheus"},
                  "");
        config.webhook = str(root, "webhook", "");
        config.pollIntervalSeconds = seconds(root, "pollIntervalSeconds", 3600, "", "0 (watch) and 3600");
        config.watchAfterSwapSeconds =
            seconds(root, "watchAfterSwapSeconds", maxWatchSeconds, " (0 turns the watch off)",
                    "0 (no watch) and " + std::to_string(maxWatchSeconds));
        readNotifications(root, config.notifications);
        readNamespaces(root, config.namespaces);
        readServices(root, config.services);
        config.prometheus = parsePrometheus(root, "");
    } catch (const ConfigError& e) {
        return error(e.message, e.line);
    } catch (const YAML::Exception& e) {
        return error("not valid YAML (" + e.msg + ")", e.mark.line + 1);
    }
    return config;
}

kube::Result<ServiceConfig> loadServiceConfig(const std::string& path, bool explicitPath)
{
    std::ifstream in(path);
    if (!in) {
        if (!explicitPath && !QFileInfo::exists(QString::fromStdString(path))) {
            ServiceConfig empty;
            return empty;
        }
        return kube::Error::config("The Signalbox configuration " + path +
                                   " cannot be read. Check the path given "
                                   "with --config.");
    }
    std::stringstream text;
    text << in.rdbuf();
    return parseServiceConfig(text.str(), path);
}

std::vector<ServiceSpec> mergeServices(const std::vector<ServiceSpec>& configured,
                                       const std::vector<ServiceSpec>& discovered)
{
    std::vector<ServiceSpec> out = configured;
    for (const ServiceSpec& d : discovered) {
        auto same = std::find_if(out.begin(), out.end(), [&](const ServiceSpec& c) {
            return c.name == d.name && c.ns == d.ns &&
                   (c.context.empty() || d.context.empty() || c.context == d.context);
        });
        if (same != out.end()) {
            same->discovered = true;
            if (same->group == same->name && !d.group.empty())
                same->group = d.group;
            continue;
        }
        out.push_back(d);
    }
    std::sort(out.begin(), out.end(), [](const ServiceSpec& x, const ServiceSpec& y) {
        return std::tie(x.group, x.name, x.ns) < std::tie(y.group, y.name, y.ns);
    });
    return out;
}

} // namespace model
