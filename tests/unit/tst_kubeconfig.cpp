#include "kube/kubeconfig.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QScopeGuard>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <optional>
#include <string>
#include <vector>

Q_DECLARE_METATYPE(std::optional<QByteArray>)
Q_DECLARE_METATYPE(std::optional<QString>)

using kube::Error;
using kube::Kubeconfig;
using kube::KubeconfigOptions;
using kube::RestConfig;

namespace {

QString q(const std::string& text)
{
    return QString::fromStdString(text);
}

std::string s(const QString& text)
{
    return text.toStdString();
}

QStringList toList(const std::vector<std::string>& items)
{
    QStringList list;
    for (const std::string& item : items)
        list << q(item);
    return list;
}

[[nodiscard]] bool writeFile(const QString& path, const QByteArray& content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(content) == content.size();
}

// Options that see nothing but the temporary folder: KUBECONFIG unset, a home without .kube and no
// in-cluster environment, so the machine running the tests cannot leak into them.
KubeconfigOptions isolatedOptions(const QTemporaryDir& dir)
{
    KubeconfigOptions options;
    options.homeDir = s(dir.filePath(QStringLiteral("home")));
    options.serviceAccountDir = s(dir.filePath(QStringLiteral("serviceaccount")));
    return options;
}

// One cluster (dev-cluster), one user (dev-user) and one context (dev). The field blocks are indented by
// four spaces; the cluster fields start on line 7.
QByteArray oneContextConfig(const QByteArray& clusterFields, const QByteArray& userFields = "    token: dev-token\n",
                            const QByteArray& contextFields = "    cluster: dev-cluster\n    user: dev-user\n",
                            const QByteArray& currentContext = "dev")
{
    QByteArray text = R"(apiVersion: v1
kind: Config
current-context: {current}
clusters:
- name: dev-cluster
  cluster:
{cluster}users:
- name: dev-user
  user:
{user}contexts:
- name: dev
  context:
{context})";
    return text.replace("{current}", currentContext)
        .replace("{cluster}", clusterFields)
        .replace("{user}", userFields)
        .replace("{context}", contextFields);
}

const QByteArray kDevServer = "    server: https://dev.example:6443\n";

// A file that defines a context named after the file, and sets current-context to it unless told not to.
QByteArray namedConfig(const QByteArray& name, bool setCurrentContext = true)
{
    QByteArray text = R"(apiVersion: v1
kind: Config
current-context: {name}-ctx
clusters:
- name: {name}-cluster
  cluster:
    server: https://{name}.example:6443
contexts:
- name: {name}-ctx
  context:
    cluster: {name}-cluster
)";
    if (!setCurrentContext)
        text.replace("current-context: {name}-ctx\n", "");
    return text.replace("{name}", name);
}

bool contains(const std::string& text, const QString& part)
{
    return text.find(s(part)) != std::string::npos;
}

} // namespace

class KubeconfigTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fromEnvironment_data();
    void fromEnvironment();
    void explicitPathIsUsedAlone();
    void explicitPathMustExist();
    void fileSelection_data();
    void fileSelection();
    void firstFileWins_data();
    void firstFileWins();
    void relativePaths_data();
    void relativePaths();
    void contextAndNamespace_data();
    void contextAndNamespace();
    void contextWithoutUserIsAnonymous();
    void emptyFileIsEmptyConfig_data();
    void emptyFileIsEmptyConfig();
    void malformedYaml_data();
    void malformedYaml();
    void wrongTypes_data();
    void wrongTypes();
    void badBase64_data();
    void badBase64();
    void clusterAndUserFields();
    void execConfig_data();
    void execConfig();
    void authProviderRecorded();
    void resolveErrors_data();
    void resolveErrors();
    void inClusterFallback_data();
    void inClusterFallback();
    void kubeconfigBeatsInCluster();
    void noConfig_data();
    void noConfig();
    void secretsNeverInMessages_data();
    void secretsNeverInMessages();
};

void KubeconfigTest::fromEnvironment_data()
{
    QTest::addColumn<std::optional<QByteArray>>("kubeconfig");
    QTest::addColumn<QByteArray>("home");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QByteArray>("port");

    // clang-format off
    QTest::newRow("all set")
        << std::optional<QByteArray>("/a/config:/b/config") << QByteArray("/home/ann") << QByteArray("10.0.0.1")
        << QByteArray("443");
    QTest::newRow("KUBECONFIG unset")
        << std::optional<QByteArray>() << QByteArray("/home/bob") << QByteArray() << QByteArray();
    QTest::newRow("KUBECONFIG set but empty")
        << std::optional<QByteArray>("") << QByteArray("/root") << QByteArray("fd00::1") << QByteArray("6443");
    // clang-format on
}

void KubeconfigTest::fromEnvironment()
{
    QFETCH(std::optional<QByteArray>, kubeconfig);
    QFETCH(QByteArray, home);
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, port);

    const char* names[] = {"KUBECONFIG", "HOME", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"};
    std::vector<std::optional<QByteArray>> saved;
    for (const char* name : names)
        saved.push_back(qEnvironmentVariableIsSet(name) ? std::optional<QByteArray>(qgetenv(name)) : std::nullopt);
    const auto restore = qScopeGuard([&] {
        for (std::size_t i = 0; i < saved.size(); ++i) {
            if (saved[i])
                qputenv(names[i], *saved[i]);
            else
                qunsetenv(names[i]);
        }
    });

    if (kubeconfig)
        qputenv("KUBECONFIG", *kubeconfig);
    else
        qunsetenv("KUBECONFIG");
    qputenv("HOME", home);
    if (host.isEmpty())
        qunsetenv("KUBERNETES_SERVICE_HOST");
    else
        qputenv("KUBERNETES_SERVICE_HOST", host);
    if (port.isEmpty())
        qunsetenv("KUBERNETES_SERVICE_PORT");
    else
        qputenv("KUBERNETES_SERVICE_PORT", port);

    const KubeconfigOptions options = KubeconfigOptions::fromEnvironment();
    QCOMPARE(options.kubeconfigEnv.has_value(), kubeconfig.has_value());
    if (kubeconfig)
        QCOMPARE(QByteArray::fromStdString(*options.kubeconfigEnv), *kubeconfig);
    QCOMPARE(QByteArray::fromStdString(options.homeDir), home);
    QCOMPARE(QByteArray::fromStdString(options.inClusterHost), host);
    QCOMPARE(QByteArray::fromStdString(options.inClusterPort), port);
    QVERIFY(options.explicitPath.empty());
    QVERIFY(options.context.empty());
    QVERIFY(options.namespaceOverride.empty());
    QCOMPARE(q(options.serviceAccountDir), QStringLiteral("/var/run/secrets/kubernetes.io/serviceaccount"));
}

void KubeconfigTest::explicitPathIsUsedAlone()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString explicitFile = dir.filePath(QStringLiteral("explicit/config"));
    const QString envFile = dir.filePath(QStringLiteral("env/config"));
    QVERIFY(writeFile(explicitFile, namedConfig("explicit")));
    QVERIFY(writeFile(envFile, namedConfig("env")));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("home/.kube/config")), namedConfig("home")));

    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(explicitFile);
    options.kubeconfigEnv = s(envFile);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QCOMPARE(toList(config->files), QStringList{explicitFile});
    QCOMPARE(q(config->currentContext), QStringLiteral("explicit-ctx"));
    QCOMPARE(config->contexts.size(), std::size_t(1));
    QCOMPARE(q(config->contexts.front().name), QStringLiteral("explicit-ctx"));
    QCOMPARE(config->clusters.size(), std::size_t(1));
    QVERIFY(config->clusters.count("explicit-cluster") == 1);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QCOMPARE(q(rest->cluster.server), QStringLiteral("https://explicit.example:6443"));
    QCOMPARE(toList(rest->files), QStringList{explicitFile});
}

void KubeconfigTest::explicitPathMustExist()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Existing fallbacks must not hide the mistake.
    const QString envFile = dir.filePath(QStringLiteral("env/config"));
    QVERIFY(writeFile(envFile, namedConfig("env")));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("home/.kube/config")), namedConfig("home")));
    const QString missing = dir.filePath(QStringLiteral("nowhere/config"));

    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(missing);
    options.kubeconfigEnv = s(envFile);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY(!config.ok());
    QCOMPARE(config.error().kind, Error::Kind::Config);
    QCOMPARE(q(config.error().message),
             QStringLiteral("The kubeconfig file given with --kubeconfig, %1, does not exist. "
                            "Check the path.")
                 .arg(missing));

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY(!rest.ok());
    QVERIFY2(contains(rest.error().message, missing), rest.error().message.c_str());
}

void KubeconfigTest::fileSelection_data()
{
    QTest::addColumn<bool>("envSet");
    QTest::addColumn<QString>("env"); // names of files, see fileSelection()
    QTest::addColumn<bool>("homeExists");
    QTest::addColumn<QStringList>("expectedFiles");
    QTest::addColumn<QString>("expectedContext");

    // clang-format off
    QTest::newRow("unset: ~/.kube/config") << false << QString() << true << QStringList{"home"} << "home-ctx";
    QTest::newRow("unset, no ~/.kube/config") << false << QString() << false << QStringList{} << "";
    QTest::newRow("empty KUBECONFIG is unset") << true << "" << true << QStringList{"home"} << "home-ctx";
    QTest::newRow("list in order") << true << "a:b" << true << QStringList{"a", "b"} << "a-ctx";
    QTest::newRow("order decides") << true << "b:a" << true << QStringList{"b", "a"} << "b-ctx";
    QTest::newRow("first non-empty current-context")
        << true << "blank:b:a" << true << QStringList{"blank", "b", "a"} << "b-ctx";
    QTest::newRow("duplicates removed") << true << "a:b:a:b" << true << QStringList{"a", "b"} << "a-ctx";
    QTest::newRow("empty entries ignored") << true << ":a::b:" << true << QStringList{"a", "b"} << "a-ctx";
    QTest::newRow("missing files skipped")
        << true << "missing:b:other-missing:a" << true << QStringList{"b", "a"} << "b-ctx";
    QTest::newRow("only missing files: no home fallback")
        << true << "missing:other-missing" << true << QStringList{} << "";
    QTest::newRow("only separators") << true << "::" << true << QStringList{} << "";
    // clang-format on
}

void KubeconfigTest::fileSelection()
{
    QFETCH(bool, envSet);
    QFETCH(QString, env);
    QFETCH(bool, homeExists);
    QFETCH(QStringList, expectedFiles);
    QFETCH(QString, expectedContext);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto pathOf = [&](const QString& name) {
        return name == QLatin1String("home") ? dir.filePath(QStringLiteral("home/.kube/config"))
                                             : dir.filePath(name + QStringLiteral("/config"));
    };
    QVERIFY(writeFile(pathOf("a"), namedConfig("a")));
    QVERIFY(writeFile(pathOf("b"), namedConfig("b")));
    QVERIFY(writeFile(pathOf("blank"), namedConfig("blank", false)));
    if (homeExists)
        QVERIFY(writeFile(pathOf("home"), namedConfig("home")));

    KubeconfigOptions options = isolatedOptions(dir);
    if (envSet) {
        QStringList entries = env.split(QLatin1Char(':'));
        for (QString& entry : entries) {
            if (!entry.isEmpty())
                entry = pathOf(entry);
        }
        options.kubeconfigEnv = s(entries.join(QLatin1Char(':')));
    }
    QStringList expectedPaths;
    for (const QString& name : expectedFiles)
        expectedPaths << pathOf(name);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QCOMPARE(toList(config->files), expectedPaths);
    QCOMPARE(q(config->currentContext), expectedContext);
    QCOMPARE(config->contexts.size(), std::size_t(expectedFiles.size()));
    for (const QString& name : expectedFiles)
        QVERIFY2(config->clusters.count(s(name + "-cluster")) == 1, qPrintable(name));
}

void KubeconfigTest::firstFileWins_data()
{
    QTest::addColumn<QString>("order");
    QTest::addColumn<QString>("server");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("contextNamespace");
    QTest::addColumn<QString>("currentContext");
    QTest::addColumn<QString>("source");

    // clang-format off
    QTest::newRow("a first")
        << "a:b" << "https://a.example:6443" << false << "token-a" << "" << "ns-a" << "shared" << "a";
    QTest::newRow("b first")
        << "b:a" << "https://b.example:6443" << true << "" << "user-b" << "ns-b" << "only-b" << "b";
    // clang-format on
}

void KubeconfigTest::firstFileWins()
{
    QFETCH(QString, order);
    QFETCH(QString, server);
    QFETCH(bool, insecure);
    QFETCH(QString, token);
    QFETCH(QString, username);
    QFETCH(QString, contextNamespace);
    QFETCH(QString, currentContext);
    QFETCH(QString, source);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Entries named "shared" differ in which fields they set, so a field-by-field merge would show.
    QVERIFY(writeFile(dir.filePath("a/config"), R"(current-context: shared
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
- name: only-a
  cluster:
    server: https://only-a.example
users:
- name: shared
  user:
    token: token-a
contexts:
- name: shared
  context:
    cluster: shared
    user: shared
    namespace: ns-a
)"));
    QVERIFY(writeFile(dir.filePath("b/config"), R"(current-context: only-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
    insecure-skip-tls-verify: true
- name: only-b
  cluster:
    server: https://only-b.example
users:
- name: shared
  user:
    username: user-b
contexts:
- name: shared
  context:
    cluster: shared
    user: shared
    namespace: ns-b
- name: only-b
  context:
    cluster: only-b
)"));

    KubeconfigOptions options = isolatedOptions(dir);
    QStringList entries = order.split(QLatin1Char(':'));
    for (QString& entry : entries)
        entry = dir.filePath(entry + "/config");
    options.kubeconfigEnv = s(entries.join(QLatin1Char(':')));

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QCOMPARE(q(config->currentContext), currentContext);
    QCOMPARE(config->clusters.size(), std::size_t(3));
    QVERIFY(config->clusters.count("only-a") == 1);
    QVERIFY(config->clusters.count("only-b") == 1);
    const kube::ClusterInfo& cluster = config->clusters.at("shared");
    QCOMPARE(q(cluster.server), server);
    QCOMPARE(cluster.insecureSkipTlsVerify, insecure);
    QCOMPARE(q(cluster.sourceFile), dir.filePath(source + "/config"));
    const kube::AuthInfo& user = config->users.at("shared");
    QCOMPARE(q(user.token), token);
    QCOMPARE(q(user.username), username);
    QCOMPARE(q(user.sourceFile), dir.filePath(source + "/config"));

    QStringList contextNames;
    for (const kube::ContextSummary& context : config->contexts) {
        contextNames << q(context.name);
        if (context.name == "shared")
            QCOMPARE(q(context.namespaceName), contextNamespace);
    }
    QCOMPARE(contextNames, (QStringList{"only-b", "shared"}));

    const kube::Result<RestConfig> rest = kube::resolveContext(*config, "shared", {});
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QCOMPARE(q(rest->cluster.server), server);
    QCOMPARE(q(rest->namespaceName), contextNamespace);
}

void KubeconfigTest::relativePaths_data()
{
    // {root} is the temporary folder; file one is {root}/one/config, file two is {root}/two/nested/config.
    QTest::addColumn<QString>("written");
    QTest::addColumn<QString>("inOne");
    QTest::addColumn<QString>("inTwo");
    QTest::addColumn<QString>("commandInOne");
    QTest::addColumn<QString>("commandInTwo");

    // clang-format off
    QTest::newRow("relative") << "certs/ca.crt" << "{root}/one/certs/ca.crt" << "{root}/two/nested/certs/ca.crt"
                              << "{root}/one/certs/ca.crt" << "{root}/two/nested/certs/ca.crt";
    QTest::newRow("dot slash") << "./ca.crt" << "{root}/one/ca.crt" << "{root}/two/nested/ca.crt"
                               << "{root}/one/ca.crt" << "{root}/two/nested/ca.crt";
    QTest::newRow("parent") << "../shared/ca.crt" << "{root}/shared/ca.crt" << "{root}/two/shared/ca.crt"
                            << "{root}/shared/ca.crt" << "{root}/two/shared/ca.crt";
    QTest::newRow("absolute kept") << "/etc/kube/ca.crt" << "/etc/kube/ca.crt" << "/etc/kube/ca.crt"
                                   << "/etc/kube/ca.crt" << "/etc/kube/ca.crt";
    QTest::newRow("tilde not expanded") << "~/ca.crt" << "{root}/one/~/ca.crt" << "{root}/two/nested/~/ca.crt"
                                        << "{root}/one/~/ca.crt" << "{root}/two/nested/~/ca.crt";
    // A command without a slash is looked up on PATH, so it stays a bare name.
    QTest::newRow("bare name") << "kubelogin" << "{root}/one/kubelogin" << "{root}/two/nested/kubelogin"
                               << "kubelogin" << "kubelogin";
    // clang-format on
}

void KubeconfigTest::relativePaths()
{
    QFETCH(QString, written);
    QFETCH(QString, inOne);
    QFETCH(QString, inTwo);
    QFETCH(QString, commandInOne);
    QFETCH(QString, commandInTwo);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto expand = [&](QString text) { return text.replace(QLatin1String("{root}"), dir.path()); };
    const auto configFor = [&](const QByteArray& name) {
        QByteArray text = R"(clusters:
- name: {name}
  cluster:
    server: https://x
    certificate-authority: {path}
users:
- name: {name}
  user:
    client-certificate: {path}
    client-key: {path}
    tokenFile: {path}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      interactiveMode: Never
      command: {path}
)";
        return text.replace("{name}", name).replace("{path}", '"' + written.toUtf8() + '"');
    };
    const QString one = dir.filePath(QStringLiteral("one/config"));
    const QString two = dir.filePath(QStringLiteral("two/nested/config"));
    QVERIFY(writeFile(one, configFor("one")));
    QVERIFY(writeFile(two, configFor("two")));

    KubeconfigOptions options = isolatedOptions(dir);
    options.kubeconfigEnv = s(one + ':' + two);
    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());

    const struct {
        const char* name;
        QString expected;
        QString command;
    } files[] = {{"one", expand(inOne), expand(commandInOne)}, {"two", expand(inTwo), expand(commandInTwo)}};
    for (const auto& file : files) {
        QCOMPARE(q(config->clusters.at(file.name).certificateAuthorityFile), file.expected);
        const kube::AuthInfo& user = config->users.at(file.name);
        QCOMPARE(q(user.clientCertificateFile), file.expected);
        QCOMPARE(q(user.clientKeyFile), file.expected);
        QCOMPARE(q(user.tokenFile), file.expected);
        QVERIFY(user.exec.has_value());
        QCOMPARE(q(user.exec->command), file.command);
    }
}

void KubeconfigTest::contextAndNamespace_data()
{
    QTest::addColumn<QString>("contextFlag");
    QTest::addColumn<QString>("namespaceFlag");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("namespaceName");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("token");

    // clang-format off
    QTest::newRow("current-context")
        << "" << "" << "dev" << "team-dev" << "https://dev.example" << "dev-token";
    QTest::newRow("--context beats current-context")
        << "prod" << "" << "prod" << "default" << "https://prod.example" << "prod-token";
    QTest::newRow("--context naming current")
        << "dev" << "" << "dev" << "team-dev" << "https://dev.example" << "dev-token";
    QTest::newRow("--namespace beats context")
        << "" << "mine" << "dev" << "mine" << "https://dev.example" << "dev-token";
    QTest::newRow("--namespace without context ns")
        << "prod" << "mine" << "prod" << "mine" << "https://prod.example" << "prod-token";
    // clang-format on
}

void KubeconfigTest::contextAndNamespace()
{
    QFETCH(QString, contextFlag);
    QFETCH(QString, namespaceFlag);
    QFETCH(QString, context);
    QFETCH(QString, namespaceName);
    QFETCH(QString, server);
    QFETCH(QString, token);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    QVERIFY(writeFile(file, R"(current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example
- name: prod-cluster
  cluster:
    server: https://prod.example
users:
- name: dev-user
  user:
    token: dev-token
- name: prod-user
  user:
    token: prod-token
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
    namespace: team-dev
- name: prod
  context:
    cluster: prod-cluster
    user: prod-user
)"));

    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);
    options.context = s(contextFlag);
    options.namespaceOverride = s(namespaceFlag);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QCOMPARE(q(rest->contextName), context);
    QCOMPARE(q(rest->namespaceName), namespaceName);
    QCOMPARE(q(rest->cluster.server), server);
    QCOMPARE(q(rest->user.token), token);
    QCOMPARE(toList(rest->files), QStringList{file});
    QVERIFY(!rest->inCluster);
}

void KubeconfigTest::contextWithoutUserIsAnonymous()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    QVERIFY(writeFile(file, oneContextConfig(kDevServer, "    token: dev-token\n", "    cluster: dev-cluster\n")));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QCOMPARE(q(rest->cluster.server), QStringLiteral("https://dev.example:6443"));
    QVERIFY(rest->user.name.empty());
    QVERIFY(rest->user.token.empty());
}

void KubeconfigTest::emptyFileIsEmptyConfig_data()
{
    QTest::addColumn<QByteArray>("content");
    // clang-format off
    QTest::newRow("zero bytes") << QByteArray();
    QTest::newRow("blank lines") << QByteArray("\n\n  \n");
    QTest::newRow("only a comment") << QByteArray("# nothing here yet\n");
    QTest::newRow("document marker") << QByteArray("---\n");
    QTest::newRow("null document") << QByteArray("~\n");
    // clang-format on
}

void KubeconfigTest::emptyFileIsEmptyConfig()
{
    QFETCH(QByteArray, content);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString empty = dir.filePath(QStringLiteral("empty/config"));
    const QString full = dir.filePath(QStringLiteral("b/config"));
    QVERIFY(writeFile(empty, content));
    QVERIFY(writeFile(full, namedConfig("b")));

    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(empty);
    const kube::Result<Kubeconfig> alone = kube::loadKubeconfig(options);
    QVERIFY2(alone.ok(), alone.ok() ? "" : alone.error().message.c_str());
    QCOMPARE(toList(alone->files), QStringList{empty});
    QVERIFY(alone->currentContext.empty());
    QVERIFY(alone->contexts.empty());
    QVERIFY(alone->clusters.empty());
    QVERIFY(alone->users.empty());

    options.explicitPath.clear();
    options.kubeconfigEnv = s(empty + ':' + full);
    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QCOMPARE(toList(rest->files), (QStringList{empty, full}));
    QCOMPARE(q(rest->contextName), QStringLiteral("b-ctx"));
    QCOMPARE(q(rest->cluster.server), QStringLiteral("https://b.example:6443"));
}

void KubeconfigTest::malformedYaml_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");

    // clang-format off
    QTest::newRow("bad indentation") << QByteArray("apiVersion: v1\n"
                                                   "kind: Config\n"
                                                   "clusters:\n"
                                                   "- name: a\n"
                                                   "  cluster:\n"
                                                   "    server: https://x\n"
                                                   "   proxy-url: http://proxy\n")
                                     << 7;
    QTest::newRow("map value in a value") << QByteArray("apiVersion: v1\n"
                                                        "kind: Config\n"
                                                        "current-context: a: b\n")
                                          << 3;
    QTest::newRow("tab indentation") << QByteArray("apiVersion: v1\n"
                                                   "clusters:\n"
                                                   "- name: a\n"
                                                   "  cluster:\n"
                                                   "\tserver: https://x\n")
                                     << 5;
    QTest::newRow("undefined alias") << QByteArray("apiVersion: v1\n"
                                                   "kind: Config\n"
                                                   "preferences: {}\n"
                                                   "contexts:\n"
                                                   "- name: a\n"
                                                   "  context: *missing\n")
                                     << 6;
    QTest::newRow("unclosed flow list") << QByteArray("apiVersion: v1\n"
                                                      "users: [\n"
                                                      "- name: a\n")
                                        << 3;
    QTest::newRow("first line") << QByteArray("clusters: : :\n") << 1;
    // clang-format on
}

void KubeconfigTest::malformedYaml()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("broken/config"));
    QVERIFY(writeFile(file, content));
    KubeconfigOptions options = isolatedOptions(dir);
    options.kubeconfigEnv = s(file);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY(!config.ok());
    const Error& error = config.error();
    QCOMPARE(error.kind, Error::Kind::Config);
    const QString expectedStart =
        QStringLiteral("The kubeconfig file %1 is not valid YAML at line %2: ").arg(file).arg(line);
    QVERIFY2(q(error.message).startsWith(expectedStart), error.message.c_str());
    QVERIFY2(q(error.message).endsWith(QLatin1String(". Fix or remove it.")), error.message.c_str());

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY(!rest.ok());
    QCOMPARE(q(rest.error().message), q(error.message));
}

void KubeconfigTest::wrongTypes_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("mentions");
    QTest::addColumn<int>("line");

    // clang-format off
    QTest::newRow("top level is a list")
        << QByteArray("- clusters\n- users\n") << "top level" << 1;
    QTest::newRow("top level is text")
        << QByteArray("just some text\n") << "top level" << 1;
    QTest::newRow("clusters is a number")
        << QByteArray("apiVersion: v1\nclusters: 5\n") << "field clusters" << 2;
    QTest::newRow("users is a map")
        << QByteArray("users:\n  alice:\n    token: x\n") << "field users" << 2;
    QTest::newRow("context entry is text")
        << QByteArray("contexts:\n- dev\n") << "entry 1 of contexts" << 2;
    QTest::newRow("cluster body is a list")
        << QByteArray("clusters:\n- name: a\n  cluster: [x]\n") << "field cluster of entry 1 of clusters" << 3;
    QTest::newRow("name is a list")
        << QByteArray("clusters:\n- name: [a]\n  cluster: {}\n") << "field name" << 2;
    QTest::newRow("current-context is a map")
        << QByteArray("kind: Config\ncurrent-context: {a: 1}\n") << "field current-context" << 2;
    QTest::newRow("server is a list")
        << oneContextConfig("    server: [1]\n") << "server of cluster \"dev-cluster\"" << 7;
    QTest::newRow("insecure flag is not a bool")
        << oneContextConfig(kDevServer + "    insecure-skip-tls-verify: maybe\n") << "insecure-skip-tls-verify" << 8;
    QTest::newRow("token is a map")
        << oneContextConfig(kDevServer, "    token: {a: b}\n") << "token of user \"dev-user\"" << 11;
    QTest::newRow("exec is text")
        << oneContextConfig(kDevServer, "    exec: kubelogin\n") << "exec" << 11;
    QTest::newRow("exec args is a map")
        << oneContextConfig(kDevServer, "    exec:\n      args: {a: b}\n") << "args" << 12;
    QTest::newRow("exec env entry is text")
        << oneContextConfig(kDevServer, "    exec:\n      env: [FOO=bar]\n") << "env" << 12;
    QTest::newRow("provideClusterInfo is a list")
        << oneContextConfig(kDevServer, "    exec:\n      provideClusterInfo: [true]\n") << "provideClusterInfo" << 12;
    QTest::newRow("auth-provider is text")
        << oneContextConfig(kDevServer, "    auth-provider: gcp\n") << "auth-provider" << 11;
    QTest::newRow("namespace is a list")
        << oneContextConfig(kDevServer, "    token: t\n", "    cluster: dev-cluster\n    namespace: [a, b]\n")
        << "namespace of context \"dev\"" << 16;
    QTest::newRow("same name twice in one file")
        << QByteArray("clusters:\n- name: a\n  cluster: {server: https://1}\n- name: a\n  cluster: {}\n")
        << "\"a\" appears twice in clusters" << 4;
    // clang-format on
}

void KubeconfigTest::wrongTypes()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, mentions);
    QFETCH(int, line);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("typed/config"));
    QVERIFY(writeFile(file, content));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY(!config.ok());
    const std::string& message = config.error().message;
    QCOMPARE(config.error().kind, Error::Kind::Config);
    QVERIFY2(q(message).startsWith(QStringLiteral("The kubeconfig file %1 is not a valid kubeconfig: ").arg(file)),
             message.c_str());
    QVERIFY2(contains(message, mentions), message.c_str());
    QVERIFY2(contains(message, QStringLiteral("(line %1)").arg(line)), message.c_str());
}

void KubeconfigTest::badBase64_data()
{
    QTest::addColumn<QByteArray>("section"); // cluster or user
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<QByteArray>("value");

    // clang-format off
    QTest::newRow("CA data, bad characters")
        << QByteArray("cluster") << QByteArray("certificate-authority-data") << QByteArray("not*base64");
    QTest::newRow("client certificate, spaces")
        << QByteArray("user") << QByteArray("client-certificate-data") << QByteArray("QUJD REVG");
    QTest::newRow("client key, missing padding")
        << QByteArray("user") << QByteArray("client-key-data") << QByteArray("QUJDRA");
    QTest::newRow("client key, PEM pasted as is")
        << QByteArray("user") << QByteArray("client-key-data") << QByteArray("-----BEGIN PRIVATE KEY-----");
    // clang-format on
}

void KubeconfigTest::badBase64()
{
    QFETCH(QByteArray, section);
    QFETCH(QByteArray, field);
    QFETCH(QByteArray, value);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    const QByteArray line = "    " + field + ": \"" + value + "\"\n";
    QVERIFY(writeFile(file, section == "cluster" ? oneContextConfig(kDevServer + line)
                                                 : oneContextConfig(kDevServer, "    token: t\n" + line)));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY(!config.ok());
    const std::string& message = config.error().message;
    QCOMPARE(config.error().kind, Error::Kind::Config);
    QVERIFY2(contains(message, file), message.c_str());
    QVERIFY2(contains(message, QString::fromUtf8("field " + field + " of " + section)), message.c_str());
    QVERIFY2(contains(message, QStringLiteral("is not valid base64")), message.c_str());
    QVERIFY2(!contains(message, QString::fromUtf8(value)), message.c_str());
    QVERIFY2(!contains(config.error().detail, QString::fromUtf8(value)), config.error().detail.c_str());
}

void KubeconfigTest::clusterAndUserFields()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray caPem = "-----BEGIN CERTIFICATE-----\nMIIBcluster\n-----END CERTIFICATE-----\n";
    const QByteArray certPem = "-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n";
    const QByteArray keyPem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
    // Long base64 is often folded over several lines; the line breaks are not part of the data.
    QByteArray foldedKey = keyPem.toBase64();
    foldedKey.insert(20, "\n      ");
    QByteArray text = R"(clusters:
- name: full
  cluster:
    server: https://full.example:6443
    certificate-authority-data: {ca}
    insecure-skip-tls-verify: yes
    tls-server-name: api.internal
    proxy-url: socks5://proxy.example:1080
- name: bare
  cluster:
    server: http://localhost:8080
    certificate-authority: /etc/ca.pem
users:
- name: cert
  user:
    client-certificate-data: {cert}
    client-key-data: |
      {key}
- name: basic
  user:
    username: admin
    password: 'pa:ss word'
- name: bearer
  user:
    token: abc.def.ghi
    tokenFile: /run/token
)";
    text.replace("{ca}", caPem.toBase64()).replace("{cert}", certPem.toBase64()).replace("{key}", foldedKey);
    const QString file = dir.filePath(QStringLiteral("config"));
    QVERIFY(writeFile(file, text));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());

    const kube::ClusterInfo& full = config->clusters.at("full");
    QCOMPARE(q(full.name), QStringLiteral("full"));
    QCOMPARE(q(full.server), QStringLiteral("https://full.example:6443"));
    QCOMPARE(QByteArray::fromStdString(full.certificateAuthorityData), caPem);
    QVERIFY(full.certificateAuthorityFile.empty());
    QCOMPARE(full.insecureSkipTlsVerify, true);
    QCOMPARE(q(full.tlsServerName), QStringLiteral("api.internal"));
    QCOMPARE(q(full.proxyUrl), QStringLiteral("socks5://proxy.example:1080"));
    QCOMPARE(q(full.sourceFile), file);

    const kube::ClusterInfo& bare = config->clusters.at("bare");
    QCOMPARE(q(bare.certificateAuthorityFile), QStringLiteral("/etc/ca.pem"));
    QVERIFY(bare.certificateAuthorityData.empty());
    QCOMPARE(bare.insecureSkipTlsVerify, false);
    QVERIFY(bare.tlsServerName.empty());

    const kube::AuthInfo& cert = config->users.at("cert");
    QCOMPARE(QByteArray::fromStdString(cert.clientCertificateData), certPem);
    QCOMPARE(QByteArray::fromStdString(cert.clientKeyData), keyPem);
    QVERIFY(cert.token.empty());
    QVERIFY(!cert.exec.has_value());

    const kube::AuthInfo& basic = config->users.at("basic");
    QCOMPARE(q(basic.username), QStringLiteral("admin"));
    QCOMPARE(q(basic.password), QStringLiteral("pa:ss word"));

    const kube::AuthInfo& bearer = config->users.at("bearer");
    QCOMPARE(q(bearer.token), QStringLiteral("abc.def.ghi"));
    QCOMPARE(q(bearer.tokenFile), QStringLiteral("/run/token"));
    QCOMPARE(q(bearer.sourceFile), file);
    QVERIFY(bearer.authProvider.empty());
}

void KubeconfigTest::execConfig_data()
{
    QTest::addColumn<QByteArray>("apiVersion");
    QTest::addColumn<QByteArray>("writtenMode"); // empty: the field is left out
    QTest::addColumn<QString>("mode");
    QTest::addColumn<bool>("provideClusterInfo");

    // clang-format off
    QTest::newRow("v1, Never")
        << QByteArray("client.authentication.k8s.io/v1") << QByteArray("Never") << "Never" << true;
    QTest::newRow("v1, Always")
        << QByteArray("client.authentication.k8s.io/v1") << QByteArray("Always") << "Always" << false;
    QTest::newRow("v1beta1 defaults to IfAvailable")
        << QByteArray("client.authentication.k8s.io/v1beta1") << QByteArray() << "IfAvailable" << false;
    QTest::newRow("v1beta1, Never")
        << QByteArray("client.authentication.k8s.io/v1beta1") << QByteArray("Never") << "Never" << true;
    // clang-format on
}

void KubeconfigTest::execConfig()
{
    QFETCH(QByteArray, apiVersion);
    QFETCH(QByteArray, writtenMode);
    QFETCH(QString, mode);
    QFETCH(bool, provideClusterInfo);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    QByteArray execFields = R"(    exec:
      apiVersion: {apiVersion}
      command: aws
      args:
      - eks
      - get-token
      - --cluster-name=dev
      env:
      - name: AWS_PROFILE
        value: dev:admin
      - name: EMPTY
      installHint: |
        Install the AWS CLI:
        https://aws.amazon.com/cli/
      provideClusterInfo: {provide}
)";
    execFields.replace("{apiVersion}", apiVersion).replace("{provide}", provideClusterInfo ? "true" : "false");
    if (!writtenMode.isEmpty())
        execFields += "      interactiveMode: " + writtenMode + "\n";
    QVERIFY(writeFile(file, oneContextConfig(kDevServer, execFields)));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QVERIFY(rest->user.exec.has_value());
    const kube::ExecConfig& exec = *rest->user.exec;
    QCOMPARE(QByteArray::fromStdString(exec.apiVersion), apiVersion);
    QCOMPARE(q(exec.command), QStringLiteral("aws"));
    QCOMPARE(toList(exec.args), (QStringList{"eks", "get-token", "--cluster-name=dev"}));
    QCOMPARE(exec.env.size(), std::size_t(2));
    QCOMPARE(q(exec.env[0].name), QStringLiteral("AWS_PROFILE"));
    QCOMPARE(q(exec.env[0].value), QStringLiteral("dev:admin"));
    QCOMPARE(q(exec.env[1].name), QStringLiteral("EMPTY"));
    QCOMPARE(q(exec.env[1].value), QString());
    QCOMPARE(q(exec.installHint), QStringLiteral("Install the AWS CLI:\nhttps://aws.amazon.com/cli/\n"));
    QCOMPARE(exec.provideClusterInfo, provideClusterInfo);
    QCOMPARE(q(exec.interactiveMode), mode);
    QVERIFY(rest->user.token.empty());
}

void KubeconfigTest::authProviderRecorded()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    QVERIFY(writeFile(file, oneContextConfig(kDevServer, "    auth-provider:\n"
                                                         "      name: oidc\n"
                                                         "      config:\n"
                                                         "        client-id: signalbox\n"
                                                         "        id-token: eyJhbGciOi\n")));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QCOMPARE(q(rest->user.authProvider), QStringLiteral("oidc"));
    QCOMPARE(q(rest->user.name), QStringLiteral("dev-user"));
    QVERIFY(!rest->user.exec.has_value());
    QVERIFY(rest->user.token.empty());
}

void KubeconfigTest::resolveErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("contextFlag");
    QTest::addColumn<QStringList>("mentions"); // {file} stands for the kubeconfig's path

    const QByteArray execV1 = "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n";

    // clang-format off
    QTest::newRow("no current-context")
        << oneContextConfig(kDevServer, "    token: t\n", "    cluster: dev-cluster\n    user: dev-user\n", "\"\"")
        << "" << QStringList{"No context is selected: {file} set no current-context. "
                             "Pass --context or run `kubectl config use-context`."};
    QTest::newRow("unknown --context")
        << oneContextConfig(kDevServer) << "staging" << QStringList{"\"staging\"", "{file}", "Known contexts: dev."};
    QTest::newRow("unknown current-context")
        << oneContextConfig(kDevServer, "    token: t\n", "    cluster: dev-cluster\n", "ghost")
        << "" << QStringList{"\"ghost\"", "{file}", "not defined"};
    QTest::newRow("context's cluster missing")
        << oneContextConfig(kDevServer, "    token: t\n", "    cluster: gone\n    user: dev-user\n")
        << "" << QStringList{"cluster \"gone\"", "{file}", "context \"dev\""};
    QTest::newRow("context names no cluster")
        << oneContextConfig(kDevServer, "    token: t\n", "    user: dev-user\n")
        << "" << QStringList{"names no cluster", "\"dev\"", "{file}"};
    QTest::newRow("context's user missing")
        << oneContextConfig(kDevServer, "    token: t\n", "    cluster: dev-cluster\n    user: nobody\n")
        << "" << QStringList{"user \"nobody\"", "{file}", "context \"dev\""};
    QTest::newRow("cluster without server")
        << oneContextConfig("    insecure-skip-tls-verify: true\n")
        << "dev" << QStringList{"cluster \"dev-cluster\"", "{file}", "no server"};
    QTest::newRow("CA file and data")
        << oneContextConfig(kDevServer + "    certificate-authority: ca.crt\n    certificate-authority-data: QUJD\n")
        << "" << QStringList{"{file}", "certificate-authority and certificate-authority-data"};
    QTest::newRow("certificate without key")
        << oneContextConfig(kDevServer, "    client-certificate: c.crt\n")
        << "" << QStringList{"user \"dev-user\"", "{file}", "client-key"};
    QTest::newRow("token and password")
        << oneContextConfig(kDevServer, "    token: t\n    password: p\n")
        << "" << QStringList{"user \"dev-user\"", "token and a username/password"};
    QTest::newRow("exec v1 without interactiveMode")
        << oneContextConfig(kDevServer, execV1 + "      command: x\n")
        << "" << QStringList{"user \"dev-user\"", "{file}", "interactiveMode"};
    QTest::newRow("exec bad interactiveMode")
        << oneContextConfig(kDevServer, execV1 + "      command: x\n      interactiveMode: Sometimes\n")
        << "" << QStringList{"\"Sometimes\"", "Never, IfAvailable or Always"};
    QTest::newRow("exec without command")
        << oneContextConfig(kDevServer, execV1 + "      interactiveMode: Never\n")
        << "" << QStringList{"without a command"};
    QTest::newRow("exec without apiVersion")
        << oneContextConfig(kDevServer, "    exec:\n      command: x\n")
        << "" << QStringList{"without an apiVersion"};
    QTest::newRow("exec env without name")
        << oneContextConfig(kDevServer, execV1 + "      command: x\n      interactiveMode: Never\n"
                                                 "      env:\n      - value: v\n")
        << "" << QStringList{"env entry without a name"};
    QTest::newRow("exec and auth-provider")
        << oneContextConfig(kDevServer, execV1 + "      command: x\n      interactiveMode: Never\n"
                                                 "    auth-provider:\n      name: gcp\n")
        << "" << QStringList{"exec and auth-provider"};
    // clang-format on
}

void KubeconfigTest::resolveErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, contextFlag);
    QFETCH(QStringList, mentions);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    QVERIFY(writeFile(file, content));
    KubeconfigOptions options = isolatedOptions(dir);
    options.kubeconfigEnv = s(file);
    options.context = s(contextFlag);

    // Loading succeeds; only choosing the context fails.
    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());

    const kube::Result<RestConfig> rest = kube::resolveContext(*config, s(contextFlag), {});
    QVERIFY(!rest.ok());
    QCOMPARE(rest.error().kind, Error::Kind::Config);
    for (QString part : mentions) {
        part.replace(QLatin1String("{file}"), file);
        QVERIFY2(contains(rest.error().message, part), rest.error().message.c_str());
    }

    const kube::Result<RestConfig> loaded = kube::loadRestConfig(options);
    QVERIFY(!loaded.ok());
    QCOMPARE(q(loaded.error().message), q(rest.error().message));
}

void KubeconfigTest::inClusterFallback_data()
{
    QTest::addColumn<std::optional<QString>>("kubeconfigEnv");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("port");
    QTest::addColumn<std::optional<QByteArray>>("namespaceFile");
    QTest::addColumn<QString>("namespaceFlag");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("namespaceName");

    const std::optional<QString> unset;
    const std::optional<QByteArray> noFile;
    // clang-format off
    QTest::newRow("IPv4")
        << unset << "10.96.0.1" << "443" << std::optional<QByteArray>("team-a\n") << ""
        << "https://10.96.0.1:443" << "team-a";
    QTest::newRow("IPv6 in brackets")
        << unset << "fd00:10:96::1" << "6443" << noFile << ""
        << "https://[fd00:10:96::1]:6443" << "default";
    QTest::newRow("host name, padded namespace")
        << unset << "kubernetes.default.svc" << "443" << std::optional<QByteArray>("  spaced \n") << ""
        << "https://kubernetes.default.svc:443" << "spaced";
    QTest::newRow("empty namespace file")
        << unset << "10.0.0.1" << "443" << std::optional<QByteArray>("") << ""
        << "https://10.0.0.1:443" << "default";
    QTest::newRow("--namespace beats namespace file")
        << unset << "10.0.0.1" << "443" << std::optional<QByteArray>("team-a") << "mine"
        << "https://10.0.0.1:443" << "mine";
    QTest::newRow("KUBECONFIG names only missing files")
        << std::optional<QString>("{root}/gone:{root}/also-gone") << "10.0.0.1" << "443" << noFile << ""
        << "https://10.0.0.1:443" << "default";
    // clang-format on
}

void KubeconfigTest::inClusterFallback()
{
    QFETCH(std::optional<QString>, kubeconfigEnv);
    QFETCH(QString, host);
    QFETCH(QString, port);
    QFETCH(std::optional<QByteArray>, namespaceFile);
    QFETCH(QString, namespaceFlag);
    QFETCH(QString, server);
    QFETCH(QString, namespaceName);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString accountDir = dir.filePath(QStringLiteral("serviceaccount"));
    QVERIFY(writeFile(accountDir + "/token", "eyJhbGciOiJSUzI1NiJ9.service-account-token"));
    QVERIFY(writeFile(accountDir + "/ca.crt", "-----BEGIN CERTIFICATE-----\n"));
    if (namespaceFile)
        QVERIFY(writeFile(accountDir + "/namespace", *namespaceFile));

    KubeconfigOptions options = isolatedOptions(dir);
    if (kubeconfigEnv)
        options.kubeconfigEnv = s(QString(*kubeconfigEnv).replace(QLatin1String("{root}"), dir.path()));
    options.inClusterHost = s(host);
    options.inClusterPort = s(port);
    options.namespaceOverride = s(namespaceFlag);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QVERIFY(rest->inCluster);
    QCOMPARE(q(rest->contextName), QStringLiteral("in-cluster"));
    QCOMPARE(q(rest->cluster.server), server);
    QCOMPARE(q(rest->cluster.certificateAuthorityFile), accountDir + "/ca.crt");
    QCOMPARE(q(rest->user.tokenFile), accountDir + "/token");
    // The token is read when a request is made, so a rotated token is picked up.
    QVERIFY(rest->user.token.empty());
    QCOMPARE(q(rest->namespaceName), namespaceName);
    QVERIFY(rest->files.empty());
}

void KubeconfigTest::kubeconfigBeatsInCluster()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("serviceaccount/token")), "service-account-token"));
    const QString home = dir.filePath(QStringLiteral("home/.kube/config"));
    QVERIFY(writeFile(home, namedConfig("home")));

    KubeconfigOptions options = isolatedOptions(dir);
    options.inClusterHost = "10.0.0.1";
    options.inClusterPort = "443";

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY2(rest.ok(), rest.ok() ? "" : rest.error().message.c_str());
    QVERIFY(!rest->inCluster);
    QCOMPARE(q(rest->contextName), QStringLiteral("home-ctx"));
    QCOMPARE(q(rest->cluster.server), QStringLiteral("https://home.example:6443"));
    QCOMPARE(toList(rest->files), QStringList{home});
}

void KubeconfigTest::noConfig_data()
{
    QTest::addColumn<std::optional<QString>>("kubeconfigEnv");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("port");
    QTest::addColumn<bool>("tokenExists");
    QTest::addColumn<QString>("message"); // {root} stands for the temporary folder

    const QString unsetMessage = "No kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist. "
                                 "Pass --kubeconfig FILE or set KUBECONFIG.";
    const std::optional<QString> unset;
    // clang-format off
    QTest::newRow("nothing at all") << unset << "" << "" << false << unsetMessage;
    QTest::newRow("empty KUBECONFIG") << std::optional<QString>("") << "" << "" << false << unsetMessage;
    QTest::newRow("in-cluster without token") << unset << "10.0.0.1" << "443" << false << unsetMessage;
    QTest::newRow("in-cluster without host") << unset << "" << "443" << true << unsetMessage;
    QTest::newRow("in-cluster without port") << unset << "10.0.0.1" << "" << true << unsetMessage;
    QTest::newRow("KUBECONFIG names missing files")
        << std::optional<QString>("{root}/a:{root}/b:{root}/a") << "" << "" << false
        << "No kubeconfig found: KUBECONFIG names only files that do not exist ({root}/a, {root}/b). "
           "Pass --kubeconfig FILE or set KUBECONFIG to an existing file.";
    QTest::newRow("KUBECONFIG only separators")
        << std::optional<QString>(":") << "" << "" << false
        << "No kubeconfig found: KUBECONFIG is set but names no file. "
           "Pass --kubeconfig FILE or set KUBECONFIG to an existing file.";
    // clang-format on
}

void KubeconfigTest::noConfig()
{
    QFETCH(std::optional<QString>, kubeconfigEnv);
    QFETCH(QString, host);
    QFETCH(QString, port);
    QFETCH(bool, tokenExists);
    QFETCH(QString, message);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    if (tokenExists)
        QVERIFY(writeFile(dir.filePath(QStringLiteral("serviceaccount/token")), "service-account-token"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("home/.kube"))));

    KubeconfigOptions options = isolatedOptions(dir);
    if (kubeconfigEnv)
        options.kubeconfigEnv = s(QString(*kubeconfigEnv).replace(QLatin1String("{root}"), dir.path()));
    options.inClusterHost = s(host);
    options.inClusterPort = s(port);

    const kube::Result<Kubeconfig> config = kube::loadKubeconfig(options);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QVERIFY(config->files.empty());

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY(!rest.ok());
    QCOMPARE(rest.error().kind, Error::Kind::Config);
    QCOMPARE(q(rest.error().message), message.replace(QLatin1String("{root}"), dir.path()));
}

void KubeconfigTest::secretsNeverInMessages_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("contextFlag");

    const QByteArray secrets = "    token: s3cr3t-token\n"
                               "    password: hunter2-password\n";
    // clang-format off
    QTest::newRow("YAML error after secrets")
        << oneContextConfig(kDevServer, secrets) + "  oops: [\n" << "";
    QTest::newRow("YAML error on the token line")
        << oneContextConfig(kDevServer, "    token: \"s3cr3t-token\n    password: hunter2-password\n") << "";
    QTest::newRow("wrong type next to secrets")
        << oneContextConfig(kDevServer, secrets + "    username: [x]\n") << "";
    QTest::newRow("secret in a bad base64 key")
        << oneContextConfig(kDevServer, "    client-key-data: s3cr3t-token!hunter2-password\n") << "";
    QTest::newRow("token and password both")
        << oneContextConfig(kDevServer, secrets) << "";
    QTest::newRow("unknown context")
        << oneContextConfig(kDevServer, secrets) << "s3cr3t-context";
    QTest::newRow("exec with secret env, bad mode")
        << oneContextConfig(kDevServer, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                        "      command: x\n      interactiveMode: Nope\n"
                                        "      env:\n      - name: TOKEN\n        value: s3cr3t-token\n")
        << "";
    // clang-format on
}

void KubeconfigTest::secretsNeverInMessages()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, contextFlag);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("config"));
    QVERIFY(writeFile(file, content));
    KubeconfigOptions options = isolatedOptions(dir);
    options.explicitPath = s(file);
    options.context = s(contextFlag);

    const kube::Result<RestConfig> rest = kube::loadRestConfig(options);
    QVERIFY(!rest.ok());
    const Error& error = rest.error();
    QVERIFY2(contains(error.message, file), error.message.c_str());
    for (const QString& secret : {QStringLiteral("s3cr3t-token"), QStringLiteral("hunter2-password")}) {
        QVERIFY2(!contains(error.message, secret), error.message.c_str());
        QVERIFY2(!contains(error.detail, secret), error.detail.c_str());
    }
}

QTEST_GUILESS_MAIN(KubeconfigTest)

#include "tst_kubeconfig.moc"
