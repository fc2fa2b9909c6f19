#include "model/rules/servicespec.h"

#include "model/rules/healthpath.h"
#include "model/rules/settings.h"

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
                                           "health"};

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
        checkKeys(
            root,
            {"services", "namespaces", "pollIntervalSeconds", "watchAfterSwapSeconds", "webhook", "notifications"}, "");
        config.webhook = str(root, "webhook", "");
        config.pollIntervalSeconds = seconds(root, "pollIntervalSeconds", 3600, "", "0 (watch) and 3600");
        config.watchAfterSwapSeconds =
            seconds(root, "watchAfterSwapSeconds", maxWatchSeconds, " (0 turns the watch off)",
                    "0 (no watch) and " + std::to_string(maxWatchSeconds));
        readNotifications(root, config.notifications);
        readNamespaces(root, config.namespaces);
        readServices(root, config.services);
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
