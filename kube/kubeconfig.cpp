#include "kubeconfig.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QtGlobal>
#include <exception>
#include <filesystem>
#include <set>
#include <utility>
#include <yaml-cpp/yaml.h>

namespace kube {
namespace {

const std::string kExecV1 = "client.authentication.k8s.io/v1";
const std::string kExecV1Beta1 = "client.authentication.k8s.io/v1beta1";
const std::string kExecV1Alpha1 = "client.authentication.k8s.io/v1alpha1";

// A wrong type or value inside one file. Thrown only while one file is parsed and caught there, where
// it becomes an Error that names the file; it never leaves this translation unit.
struct InvalidField {
    std::string what;
    int line = 0; // 1-based, 0 when unknown
};

// One file's content, already checked and with its paths resolved.
struct FileConfig {
    std::string currentContext;
    std::map<std::string, ClusterInfo> clusters;
    std::map<std::string, AuthInfo> users;
    std::map<std::string, ContextSummary> contexts;
};

std::string quoted(const std::string& text)
{
    return '"' + text + '"';
}

std::string joinList(const std::vector<std::string>& items)
{
    std::string joined;
    for (const std::string& item : items) {
        if (!joined.empty())
            joined += ", ";
        joined += item;
    }
    return joined;
}

std::string describeFiles(const std::vector<std::string>& files)
{
    return files.empty() ? std::string("no kubeconfig file") : joinList(files);
}

bool fileExists(const std::string& path)
{
    return QFileInfo::exists(QString::fromStdString(path));
}

// KUBECONFIG as client-go splits it: empty entries mean nothing, a repeated entry counts once.
std::vector<std::string> splitKubeconfigEnv(const std::string& value)
{
    std::vector<std::string> entries;
    std::set<std::string> seen;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t end = value.find(':', start);
        if (end == std::string::npos)
            end = value.size();
        std::string entry = value.substr(start, end - start);
        if (!entry.empty() && seen.insert(entry).second)
            entries.push_back(std::move(entry));
        start = end + 1;
    }
    return entries;
}

bool usesKubeconfigEnv(const KubeconfigOptions& options)
{
    // client-go treats an empty KUBECONFIG like an unset one.
    return options.kubeconfigEnv.has_value() && !options.kubeconfigEnv->empty();
}

std::string homeConfigPath(const std::string& homeDir)
{
    return QDir::cleanPath(QString::fromStdString(homeDir) + QStringLiteral("/.kube/config")).toStdString();
}

// The existing kubeconfig files, in precedence order.
Result<std::vector<std::string>> findFiles(const KubeconfigOptions& options)
{
    std::vector<std::string> found;
    if (!options.explicitPath.empty()) {
        if (!fileExists(options.explicitPath)) {
            return Error::config("The kubeconfig file given with --kubeconfig, " + options.explicitPath +
                                 ", does not exist. Check the path.");
        }
        found.push_back(options.explicitPath);
        return found;
    }
    if (usesKubeconfigEnv(options)) {
        for (std::string& entry : splitKubeconfigEnv(*options.kubeconfigEnv)) {
            if (fileExists(entry))
                found.push_back(std::move(entry));
        }
        return found;
    }
    if (!options.homeDir.empty()) {
        const std::string home = homeConfigPath(options.homeDir);
        if (fileExists(home))
            found.push_back(home);
    }
    return found;
}

// client-go joins relative paths onto the folder of the file that names them and leaves absolute
// ones untouched; it does not expand `~`, so neither do we.
std::string resolvePath(const std::string& path, const QString& baseDir)
{
    if (path.empty() || std::filesystem::path(path).is_absolute())
        return path;
    return QDir::cleanPath(baseDir + QLatin1Char('/') + QString::fromStdString(path)).toStdString();
}

int lineOf(const YAML::Node& node)
{
    if (!node.IsDefined())
        return 0;
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? 0 : mark.line + 1;
}

bool isAbsent(const YAML::Node& node)
{
    return !node.IsDefined() || node.IsNull();
}

std::string kindOf(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a map";
    case YAML::NodeType::Scalar:
        return "a single value";
    default:
        return "empty";
    }
}

[[noreturn]] void fail(const YAML::Node& node, std::string what)
{
    throw InvalidField{std::move(what), lineOf(node)};
}

std::string fieldName(const char* key, const std::string& owner)
{
    std::string name = std::string("the field ") + key;
    if (!owner.empty())
        name += " of " + owner;
    return name;
}

// Callers pass only map nodes; a missing key gives an undefined node.
std::string readText(const YAML::Node& map, const char* key, const std::string& owner)
{
    const YAML::Node node = map[key];
    if (isAbsent(node))
        return {};
    if (!node.IsScalar())
        fail(node, fieldName(key, owner) + " must be a single value, not " + kindOf(node));
    return node.Scalar();
}

bool readBool(const YAML::Node& map, const char* key, const std::string& owner)
{
    const YAML::Node node = map[key];
    if (isAbsent(node))
        return false;
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        fail(node, fieldName(key, owner) + " must be true or false");
    return value;
}

std::vector<std::string> readTextList(const YAML::Node& map, const char* key, const std::string& owner)
{
    const YAML::Node node = map[key];
    std::vector<std::string> values;
    if (isAbsent(node))
        return values;
    if (!node.IsSequence())
        fail(node, fieldName(key, owner) + " must be a list, not " + kindOf(node));
    for (const YAML::Node& item : node) {
        if (item.IsNull()) {
            values.emplace_back();
            continue;
        }
        if (!item.IsScalar())
            fail(item, fieldName(key, owner) + " must be a list of single values, but holds " + kindOf(item));
        values.push_back(item.Scalar());
    }
    return values;
}

// Returns an empty map for a missing or null section so callers can read fields from it uniformly.
YAML::Node readSection(const YAML::Node& map, const char* key, const std::string& owner)
{
    const YAML::Node node = map[key];
    if (isAbsent(node))
        return YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap())
        fail(node, fieldName(key, owner) + " must be a map, not " + kindOf(node));
    return node;
}

std::string readPath(const YAML::Node& map, const char* key, const std::string& owner, const QString& baseDir)
{
    return resolvePath(readText(map, key, owner), baseDir);
}

std::string readBase64(const YAML::Node& map, const char* key, const std::string& owner)
{
    const std::string encoded = readText(map, key, owner);
    if (encoded.empty())
        return {};
    QByteArray bytes = QByteArray::fromStdString(encoded);
    // Go's standard decoder skips line breaks (block scalars) but insists on padding.
    bytes.removeIf([](char c) { return c == '\n' || c == '\r'; });
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(bytes, QByteArray::AbortOnBase64DecodingErrors);
    if (bytes.size() % 4 != 0 || !decoded)
        fail(map[key], fieldName(key, owner) + " is not valid base64");
    return decoded.decoded.toStdString();
}

ClusterInfo parseCluster(const std::string& name, const YAML::Node& body, const std::string& file,
                         const QString& baseDir)
{
    const std::string owner = "cluster " + quoted(name);
    ClusterInfo cluster;
    cluster.name = name;
    cluster.sourceFile = file;
    cluster.server = readText(body, "server", owner);
    cluster.certificateAuthorityFile = readPath(body, "certificate-authority", owner, baseDir);
    cluster.certificateAuthorityData = readBase64(body, "certificate-authority-data", owner);
    cluster.insecureSkipTlsVerify = readBool(body, "insecure-skip-tls-verify", owner);
    cluster.tlsServerName = readText(body, "tls-server-name", owner);
    cluster.proxyUrl = readText(body, "proxy-url", owner);
    return cluster;
}

std::optional<ExecConfig> parseExec(const YAML::Node& user, const std::string& userOwner, const QString& baseDir)
{
    const YAML::Node node = user["exec"];
    if (isAbsent(node))
        return std::nullopt;
    if (!node.IsMap())
        fail(node, fieldName("exec", userOwner) + " must be a map, not " + kindOf(node));

    const std::string owner = "the exec section of " + userOwner;
    ExecConfig exec;
    exec.apiVersion = readText(node, "apiVersion", owner);
    exec.command = readText(node, "command", owner);
    // A bare name is looked up on PATH; only a command with a slash is a path relative to the file.
    if (exec.command.find('/') != std::string::npos)
        exec.command = resolvePath(exec.command, baseDir);
    exec.args = readTextList(node, "args", owner);

    const YAML::Node env = node["env"];
    if (!isAbsent(env)) {
        if (!env.IsSequence())
            fail(env, fieldName("env", owner) + " must be a list, not " + kindOf(env));
        for (const YAML::Node& item : env) {
            if (!item.IsMap())
                fail(item,
                     fieldName("env", owner) + " must be a list of {name, value} maps, but holds " + kindOf(item));
            exec.env.push_back(ExecEnvVar{readText(item, "name", owner), readText(item, "value", owner)});
        }
    }

    exec.installHint = readText(node, "installHint", owner);
    exec.provideClusterInfo = readBool(node, "provideClusterInfo", owner);
    exec.interactiveMode = readText(node, "interactiveMode", owner);
    // client-go's defaulting: the older apiVersions mean IfAvailable; v1 must say which mode it wants.
    if (exec.interactiveMode.empty() && (exec.apiVersion == kExecV1Beta1 || exec.apiVersion == kExecV1Alpha1))
        exec.interactiveMode = "IfAvailable";
    return exec;
}

AuthInfo parseUser(const std::string& name, const YAML::Node& body, const std::string& file, const QString& baseDir)
{
    const std::string owner = "user " + quoted(name);
    AuthInfo user;
    user.name = name;
    user.sourceFile = file;
    user.token = readText(body, "token", owner);
    user.tokenFile = readPath(body, "tokenFile", owner, baseDir);
    user.clientCertificateFile = readPath(body, "client-certificate", owner, baseDir);
    user.clientCertificateData = readBase64(body, "client-certificate-data", owner);
    user.clientKeyFile = readPath(body, "client-key", owner, baseDir);
    user.clientKeyData = readBase64(body, "client-key-data", owner);
    user.username = readText(body, "username", owner);
    user.password = readText(body, "password", owner);
    user.exec = parseExec(body, owner, baseDir);
    const YAML::Node authProvider = body["auth-provider"];
    if (!isAbsent(authProvider))
        user.authProvider =
            readText(readSection(body, "auth-provider", owner), "name", "the auth-provider of " + owner);
    return user;
}

ContextSummary parseContext(const std::string& name, const YAML::Node& body)
{
    const std::string owner = "context " + quoted(name);
    return ContextSummary{name, readText(body, "cluster", owner), readText(body, "user", owner),
                          readText(body, "namespace", owner)};
}

// Walks one of the named lists (clusters, users, contexts); client-go rejects a name repeated in one file.
template <typename Entry, typename Parse>
void parseNamedList(const YAML::Node& root, const char* listKey, const char* bodyKey, std::map<std::string, Entry>& out,
                    Parse parse)
{
    const YAML::Node list = root[listKey];
    if (isAbsent(list))
        return;
    if (!list.IsSequence())
        fail(list, std::string("the field ") + listKey + " must be a list, not " + kindOf(list));
    int index = 0;
    for (const YAML::Node& entry : list) {
        ++index;
        const std::string owner = "entry " + std::to_string(index) + " of " + listKey;
        if (!entry.IsMap())
            fail(entry, owner + " must be a map with name and " + bodyKey + ", not " + kindOf(entry));
        const std::string name = readText(entry, "name", owner);
        const YAML::Node body = readSection(entry, bodyKey, owner);
        if (out.count(name) != 0)
            fail(entry, std::string("the name ") + quoted(name) + " appears twice in " + listKey);
        out.emplace(name, parse(name, body));
    }
}

FileConfig parseDocument(const YAML::Node& root, const std::string& file)
{
    FileConfig config;
    if (isAbsent(root))
        return config;
    if (!root.IsMap())
        fail(root, "the top level must be a map with clusters, users and contexts, not " + kindOf(root));

    const QString baseDir = QFileInfo(QString::fromStdString(file)).absolutePath();
    config.currentContext = readText(root, "current-context", {});
    parseNamedList(root, "clusters", "cluster", config.clusters, [&](const std::string& name, const YAML::Node& body) {
        return parseCluster(name, body, file, baseDir);
    });
    parseNamedList(root, "users", "user", config.users, [&](const std::string& name, const YAML::Node& body) {
        return parseUser(name, body, file, baseDir);
    });
    parseNamedList(root, "contexts", "context", config.contexts,
                   [&](const std::string& name, const YAML::Node& body) { return parseContext(name, body); });
    return config;
}

Error invalidFile(const std::string& file, const std::string& what, int line)
{
    std::string message = "The kubeconfig file " + file + " is not a valid kubeconfig: " + what;
    if (line > 0)
        message += " (line " + std::to_string(line) + ")";
    return Error::config(message + ". Fix or remove it.");
}

// `file` names the text in messages and anchors its relative paths; nothing is read from it.
Result<FileConfig> parseFile(const std::string& text, const std::string& file)
{
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        std::string message = "The kubeconfig file " + file + " is not valid YAML";
        if (!e.mark.is_null())
            message += " at line " + std::to_string(e.mark.line + 1);
        return Error::config(message + ": " + e.msg + ". Fix or remove it.", e.what());
    }

    try {
        return parseDocument(root, file);
    } catch (const InvalidField& e) {
        return invalidFile(file, e.what, e.line);
    } catch (const YAML::Exception& e) {
        // yaml-cpp's own messages name at most a key, never a value, so they are safe to show.
        return invalidFile(file, e.msg, e.mark.is_null() ? 0 : e.mark.line + 1);
    }
}

Result<FileConfig> loadFile(const std::string& file)
{
    const QString path = QString::fromStdString(file);
    if (QFileInfo(path).isDir())
        return Error::config("The kubeconfig file " + file + " is a folder, not a file. Name a file instead.");
    QFile input(path);
    if (!input.open(QIODevice::ReadOnly)) {
        return Error::config("The kubeconfig file " + file + " cannot be read (" + input.errorString().toStdString() +
                             "). Check its permissions.");
    }
    return parseFile(input.readAll().toStdString(), file);
}

Error internalError(const std::exception& e)
{
    return Error::config("The kubeconfig could not be loaded because of an internal error.", e.what());
}

// The checks kubectl makes on the chosen user before it sends a request (clientcmd's validateAuthInfo),
// minus the ones that open files: those fail later with the transport's own message.
std::optional<Error> checkUser(const AuthInfo& user)
{
    const std::string who = "The user " + quoted(user.name) + " in " + user.sourceFile;
    if (!user.clientCertificateFile.empty() && !user.clientCertificateData.empty())
        return Error::config(who + " sets both client-certificate and client-certificate-data. Keep one.");
    if (!user.clientKeyFile.empty() && !user.clientKeyData.empty())
        return Error::config(who + " sets both client-key and client-key-data. Keep one.");
    const bool hasCertificate = !user.clientCertificateFile.empty() || !user.clientCertificateData.empty();
    if (hasCertificate && user.clientKeyFile.empty() && user.clientKeyData.empty())
        return Error::config(who + " has a client certificate but no client-key or client-key-data. Add the key.");
    if (!user.token.empty() && (!user.username.empty() || !user.password.empty()))
        return Error::config(who + " sets both a token and a username/password. Keep one way to log in.");

    if (!user.exec)
        return std::nullopt;
    const ExecConfig& exec = *user.exec;
    if (!user.authProvider.empty())
        return Error::config(who + " sets both exec and auth-provider. Remove auth-provider.");
    if (exec.command.empty())
        return Error::config(who + " has an exec section without a command. Add exec.command.");
    if (exec.apiVersion.empty()) {
        return Error::config(who + " has an exec section without an apiVersion. Add exec.apiVersion (" + kExecV1 +
                             " or " + kExecV1Beta1 + ").");
    }
    for (const ExecEnvVar& variable : exec.env) {
        if (variable.name.empty())
            return Error::config(who + " has an exec env entry without a name. Add its name.");
    }
    if (exec.interactiveMode.empty()) {
        return Error::config(who + " uses exec apiVersion " + exec.apiVersion +
                             " without interactiveMode. Add exec.interactiveMode: Never, IfAvailable or Always.");
    }
    if (exec.interactiveMode != "Never" && exec.interactiveMode != "IfAvailable" && exec.interactiveMode != "Always") {
        return Error::config(who + " has exec.interactiveMode " + quoted(exec.interactiveMode) +
                             ". Use Never, IfAvailable or Always.");
    }
    return std::nullopt;
}

std::optional<Error> checkCluster(const ClusterInfo& cluster)
{
    const std::string which = "The cluster " + quoted(cluster.name) + " in " + cluster.sourceFile;
    if (cluster.server.empty())
        return Error::config(which + " has no server. Add its server URL.");
    if (!cluster.certificateAuthorityFile.empty() && !cluster.certificateAuthorityData.empty())
        return Error::config(which + " sets both certificate-authority and certificate-authority-data. Keep one.");
    return std::nullopt;
}

// rest.InClusterConfig: the service account a pod gets, used only when no kubeconfig file exists.
std::optional<RestConfig> inClusterConfig(const KubeconfigOptions& options)
{
    if (options.inClusterHost.empty() || options.inClusterPort.empty())
        return std::nullopt;
    const QDir accountDir(QString::fromStdString(options.serviceAccountDir));
    const QString tokenFile = accountDir.filePath(QStringLiteral("token"));
    if (!QFileInfo::exists(tokenFile))
        return std::nullopt;

    const std::string& host = options.inClusterHost;
    const bool ipv6 = host.find(':') != std::string::npos;

    RestConfig config;
    config.inCluster = true;
    config.contextName = "in-cluster";
    config.cluster.name = "in-cluster";
    config.cluster.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + options.inClusterPort;
    config.cluster.certificateAuthorityFile = accountDir.filePath(QStringLiteral("ca.crt")).toStdString();
    config.user.tokenFile = tokenFile.toStdString();

    config.namespaceName = options.namespaceOverride;
    if (config.namespaceName.empty()) {
        QFile namespaceFile(accountDir.filePath(QStringLiteral("namespace")));
        if (namespaceFile.open(QIODevice::ReadOnly))
            config.namespaceName = namespaceFile.readAll().trimmed().toStdString();
    }
    if (config.namespaceName.empty())
        config.namespaceName = "default";
    return config;
}

Error noConfigError(const KubeconfigOptions& options)
{
    if (!usesKubeconfigEnv(options)) {
        return Error::config("No kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist. "
                             "Pass --kubeconfig FILE or set KUBECONFIG.");
    }
    const std::vector<std::string> entries = splitKubeconfigEnv(*options.kubeconfigEnv);
    if (entries.empty()) {
        return Error::config("No kubeconfig found: KUBECONFIG is set but names no file. "
                             "Pass --kubeconfig FILE or set KUBECONFIG to an existing file.");
    }
    return Error::config("No kubeconfig found: KUBECONFIG names only files that do not exist (" + joinList(entries) +
                         "). Pass --kubeconfig FILE or set KUBECONFIG to an existing file.");
}

} // namespace

KubeconfigOptions KubeconfigOptions::fromEnvironment()
{
    KubeconfigOptions options;
    if (qEnvironmentVariableIsSet("KUBECONFIG"))
        options.kubeconfigEnv = qgetenv("KUBECONFIG").toStdString();
    options.homeDir = qgetenv("HOME").toStdString();
    options.inClusterHost = qgetenv("KUBERNETES_SERVICE_HOST").toStdString();
    options.inClusterPort = qgetenv("KUBERNETES_SERVICE_PORT").toStdString();
    return options;
}

Result<Kubeconfig> loadKubeconfig(const KubeconfigOptions& options)
{
    try {
        Result<std::vector<std::string>> files = findFiles(options);
        if (!files)
            return files.error();

        // clientcmd's merge: the first file to set a map entry or current-context keeps it.
        Kubeconfig merged;
        std::map<std::string, ContextSummary> contexts;
        for (const std::string& file : *files) {
            Result<FileConfig> loaded = loadFile(file);
            if (!loaded)
                return loaded.error();
            FileConfig& part = loaded.value();
            if (merged.currentContext.empty())
                merged.currentContext = part.currentContext;
            // std::map::merge leaves entries whose name is already taken in the source: first wins, whole.
            merged.clusters.merge(part.clusters);
            merged.users.merge(part.users);
            contexts.merge(part.contexts);
            merged.files.push_back(file);
        }
        for (auto& [name, context] : contexts)
            merged.contexts.push_back(std::move(context));
        return merged;
    } catch (const std::exception& e) {
        return internalError(e);
    }
}

Result<Kubeconfig> parseKubeconfigText(const std::string& text, const std::string& fileName)
{
    try {
        Result<FileConfig> parsed = parseFile(text, fileName);
        if (!parsed)
            return parsed.error();
        FileConfig& part = parsed.value();
        Kubeconfig config;
        config.files.push_back(fileName);
        config.currentContext = std::move(part.currentContext);
        config.clusters = std::move(part.clusters);
        config.users = std::move(part.users);
        for (auto& [name, context] : part.contexts)
            config.contexts.push_back(std::move(context));
        return config;
    } catch (const std::exception& e) {
        return internalError(e);
    }
}

Result<RestConfig> resolveContext(const Kubeconfig& config, const std::string& contextName,
                                  const std::string& namespaceOverride)
{
    try {
        const std::string files = describeFiles(config.files);
        const std::string name = contextName.empty() ? config.currentContext : contextName;
        if (name.empty()) {
            const std::string why =
                config.files.empty() ? "no kubeconfig file was read" : files + " set no current-context";
            return Error::config("No context is selected: " + why +
                                 ". Pass --context or run `kubectl config use-context`.");
        }

        const ContextSummary* context = nullptr;
        std::vector<std::string> known;
        for (const ContextSummary& candidate : config.contexts) {
            known.push_back(candidate.name);
            if (candidate.name == name)
                context = &candidate;
        }
        if (!context) {
            std::string message = "The context " + quoted(name) + " is not defined in " + files + ".";
            message += known.empty() ? " They define no context." : " Known contexts: " + joinList(known) + ".";
            return Error::config(message + " Pass one of them with --context.");
        }

        if (context->cluster.empty())
            return Error::config("The context " + quoted(name) + " names no cluster. Add one to it in " + files + ".");
        const auto cluster = config.clusters.find(context->cluster);
        if (cluster == config.clusters.end()) {
            return Error::config("The context " + quoted(name) + " uses the cluster " + quoted(context->cluster) +
                                 ", which is not defined in " + files + ".");
        }

        RestConfig rest;
        rest.contextName = name;
        rest.files = config.files;
        rest.cluster = cluster->second;
        // A context without a user is anonymous, as in kubectl; a named user must exist.
        if (!context->user.empty()) {
            const auto user = config.users.find(context->user);
            if (user == config.users.end()) {
                return Error::config("The context " + quoted(name) + " uses the user " + quoted(context->user) +
                                     ", which is not defined in " + files + ".");
            }
            rest.user = user->second;
        }
        if (std::optional<Error> problem = checkCluster(rest.cluster))
            return *problem;
        if (std::optional<Error> problem = checkUser(rest.user))
            return *problem;

        if (!namespaceOverride.empty())
            rest.namespaceName = namespaceOverride;
        else if (!context->namespaceName.empty())
            rest.namespaceName = context->namespaceName;
        else
            rest.namespaceName = "default";
        return rest;
    } catch (const std::exception& e) {
        return internalError(e);
    }
}

Result<RestConfig> loadRestConfig(const KubeconfigOptions& options)
{
    try {
        Result<Kubeconfig> config = loadKubeconfig(options);
        if (!config)
            return config.error();
        if (!config->files.empty())
            return resolveContext(*config, options.context, options.namespaceOverride);
        if (std::optional<RestConfig> inCluster = inClusterConfig(options))
            return *std::move(inCluster);
        return noConfigError(options);
    } catch (const std::exception& e) {
        return internalError(e);
    }
}

} // namespace kube
