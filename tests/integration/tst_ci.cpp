// The automatic half. The README's recipe for the deployer's kubeconfig is run as written and must
// make a file that names the deployer alone; the CI files in deploy/ci/ are parsed, held to their
// rules (secrets only through env:, actions pinned by commit, an environment per target, no build
// where the credential is, cleanup whatever the outcome), and their deploy jobs are run as they are
// written (with the test registry's image and the recipe's kubeconfig) against the local control
// plane; the live-slot admission policy refuses every client that would change what live runs,
// admits staging, scaling and break-glass; the webhook hears about a swap.
#include "model/rules/servicespec.h"
#include "support/cluster.h"
#include "support/httpserver.h"
#include "support/testsupport.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <utility>
#include <yaml-cpp/yaml.h>

using testsupport::kubectl;

namespace {

QString field(const QString& deployment, const QString& jsonpath, const QString& ns = QStringLiteral("uro"))
{
    return testsupport::field(QStringLiteral("deployment"), deployment, jsonpath, ns);
}

testsupport::ProcessResult setImage(const QString& user, const QString& deployment, const QString& image)
{
    return kubectl(user, {QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/") + deployment,
                          QStringLiteral("uro=") + image, QStringLiteral("-n"), QStringLiteral("uro")});
}

QString liveSlot()
{
    return testsupport::selectorOf(QStringLiteral("uro"));
}

QByteArray readSource(const QString& path)
{
    QFile f(testsupport::sourceDir() + QLatin1Char('/') + path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

const QString workflowPath = QStringLiteral("deploy/ci/github/uro-deploy.yml");
const QString gocdPath = QStringLiteral("deploy/ci/gocd/uro.gocd.yaml");

YAML::Node loadSource(const QString& path)
{
    return YAML::Load(readSource(path).toStdString());
}

// node[key][key]..., undefined where a key is missing on the way (yaml-cpp throws on a key under a
// missing one).
YAML::Node at(const YAML::Node& node, std::initializer_list<const char*> keys)
{
    YAML::Node n = node;
    for (const char* key : keys) {
        if (!n || !n.IsMap())
            return YAML::Node(YAML::NodeType::Undefined);
        const YAML::Node next = std::as_const(n)[key];
        if (!next)
            return YAML::Node(YAML::NodeType::Undefined);
        n.reset(next);
    }
    return n;
}

// Every scalar of a YAML document with the keys that lead to it ("/jobs/deploy/steps/2/run").
void scalars(const YAML::Node& node, const QString& path, QList<std::pair<QString, QString>>& out)
{
    if (!node)
        return;
    if (node.IsScalar()) {
        out.append({path, QString::fromStdString(node.Scalar())});
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            scalars(node[i], path + QLatin1Char('/') + QString::number(i), out);
    } else if (node.IsMap()) {
        for (const auto& kv : node)
            scalars(kv.second, path + QLatin1Char('/') + QString::fromStdString(kv.first.Scalar()), out);
    }
}

QList<std::pair<QString, QString>> scalarsOf(const YAML::Node& node)
{
    QList<std::pair<QString, QString>> out;
    scalars(node, QString(), out);
    return out;
}

QString str(const YAML::Node& node)
{
    return node && node.IsScalar() ? QString::fromStdString(node.Scalar()) : QString();
}

// A scalar or a sequence of scalars (GitHub takes `needs: build` and `needs: [build, test]`).
QStringList names(const YAML::Node& node)
{
    QStringList out;
    if (node && node.IsSequence())
        for (const auto& n : node)
            out << str(n);
    else if (node)
        out << str(node);
    return out;
}

bool isCommit(const QString& s)
{
    static const QRegularExpression commit(QStringLiteral("^[0-9a-f]{40}$"));
    return commit.match(s).hasMatch();
}

// A secret the job holds besides the GITHUB_TOKEN every job gets.
bool holdsSecret(const YAML::Node& job)
{
    for (const auto& [path, value] : scalarsOf(job))
        if (value.contains(QLatin1String("secrets.")) && !value.contains(QLatin1String("secrets.GITHUB_TOKEN")))
            return true;
    return false;
}

// Whether a job builds Signalbox or fetches its sources (rather than install a package made elsewhere).
bool buildsSignalbox(const YAML::Node& job)
{
    for (const auto& step : job["steps"]) {
        if (str(step["uses"]).startsWith(QLatin1String("actions/checkout@")) &&
            str(at(step, {"with", "repository"})).contains(QLatin1String("signalbox"), Qt::CaseInsensitive))
            return true;
        const QString run = str(step["run"]);
        for (const char* word : {"git clone", "cmake", "scripts/package", "signalbox.git"})
            if (run.contains(QLatin1String(word)))
                return true;
    }
    return false;
}

// The commands of the README's step 3 ("Make the deployer's kubeconfig"), code blocks only, as a
// reader copies them.
QString readmeRecipe()
{
    const QString readme = QString::fromUtf8(readSource(QStringLiteral("README.md")));
    const qsizetype from = readme.indexOf(QLatin1String("3. **Make the deployer's kubeconfig**"));
    const qsizetype to = readme.indexOf(QLatin1String("4. **Add the pipeline.**"), from);
    if (from < 0 || to < 0)
        return {};
    QStringList code;
    for (const QString& line : readme.mid(from, to - from).split(u'\n'))
        if (line.startsWith(QLatin1String("       ")))
            code << line.mid(7);
    return code.join(u'\n') + u'\n';
}

} // namespace

class TestCi : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_saKubeconfig; // made by the README's recipe
    QByteArray m_saToken;
    testsupport::ProcessResult m_recipe;
    QString m_registry;
    QString m_policy;

    QProcessEnvironment ciEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KUBECONFIG"), m_saKubeconfig);
        env.insert(QStringLiteral("PATH"), QFileInfo(testsupport::signalboxBinary()).absolutePath() + QLatin1Char(':') +
                                               env.value(QStringLiteral("PATH")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp.path());
        return env;
    }

    testsupport::ProcessResult runCi(const QString& program, const QStringList& args,
                                     const QMap<QString, QString>& extra = {}, const QString& workDir = {})
    {
        testsupport::RunOptions options;
        options.timeoutMs = 180000;
        options.environment = ciEnvironment();
        options.workDir = workDir;
        for (auto it = extra.begin(); it != extra.end(); ++it)
            options.environment.insert(it.key(), it.value());
        return testsupport::run(program, args, options);
    }

    void setPolicy(bool on, const QStringList& breakGlass = {})
    {
        if (!on) {
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("delete"), QStringLiteral("-f"), m_policy, QStringLiteral("--ignore-not-found")});
            return;
        }
        QFile f(m_policy);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray yaml = f.readAll();
        if (!breakGlass.isEmpty())
            yaml.replace("expression: \"[]\"",
                         "expression: \"['" + breakGlass.join(QStringLiteral("','")).toUtf8() + "']\"");
        const auto r = kubectl(QStringLiteral("admin"),
                               {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, yaml);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // The policy is enforced once the API server has compiled it; wait until it refuses.
        QVERIFY(QTest::qWaitFor(
            [] {
                const auto probe =
                    kubectl(QStringLiteral("admin"),
                            {QStringLiteral("set"), QStringLiteral("image"),
                             QStringLiteral("deployment/uro-") + liveSlot(), QStringLiteral("uro=probe.invalid/x:y"),
                             QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--dry-run=server")});
                return probe.exitCode != 0;
            },
            20000));
    }

    // Runs the deploy job of the GitHub workflow as GitHub would: its steps in order, a step after a
    // failure only when its `if:` is always(); each `${{ X }}` replaced by values[X] (secrets too:
    // "secrets.KUBECONFIG_DEPLOYER"). The steps that fetch and install the package are left out:
    // this build's signalbox-cli is on the PATH. Returns whether the job passed; `private_` says whether the
    // kubeconfig, while it existed, was readable by its owner alone.
    bool runGithubDeploy(const QMap<QString, QString>& values, const QString& workspace, QString* log, bool* private_)
    {
        const YAML::Node gh = loadSource(workflowPath);
        const YAML::Node job = gh["jobs"]["deploy"];
        const auto expand = [&values, log](QString text) {
            for (auto it = values.begin(); it != values.end(); ++it)
                text.replace(QStringLiteral("${{ ") + it.key() + QStringLiteral(" }}"), it.value());
            if (text.contains(QLatin1String("${{")))
                *log += QStringLiteral("unknown expression in ") + text + u'\n';
            return text;
        };
        QMap<QString, QString> jobEnv;
        for (const auto& kv : job["env"])
            jobEnv.insert(QString::fromStdString(kv.first.Scalar()), expand(str(kv.second)));
        const QString kubeconfig = jobEnv.value(QStringLiteral("KUBECONFIG"));
        bool failed = false;
        *private_ = true;
        for (const auto& step : job["steps"]) {
            const QString run = str(step["run"]);
            if (step["uses"] || run.contains(QLatin1String("apt-get install")))
                continue;
            if (failed && str(step["if"]) != QLatin1String("always()"))
                continue;
            QMap<QString, QString> env = jobEnv;
            for (const auto& kv : step["env"])
                env.insert(QString::fromStdString(kv.first.Scalar()), expand(str(kv.second)));
            // GitHub's default shell on Linux runners.
            const auto r = runCi(QStringLiteral("bash"),
                                 {QStringLiteral("--noprofile"), QStringLiteral("--norc"), QStringLiteral("-eo"),
                                  QStringLiteral("pipefail"), QStringLiteral("-c"), run},
                                 env, workspace);
            *log += str(step["name"]) + QStringLiteral(": ") + r.describe() + u'\n';
            failed = failed || r.exitCode != 0;
            if (QFile::exists(kubeconfig))
                *private_ = *private_ &&
                            (QFile::permissions(kubeconfig) & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                                QFileDevice::ReadUser | QFileDevice::WriteUser)) == 0;
        }
        return !failed && !log->contains(QLatin1String("unknown expression"));
    }

    // Runs a GoCD job's tasks as an agent would: in order, `run_if: passed` (the default) only while
    // every task before passed, `run_if: any` always; the arguments as written (GoCD expands no
    // variables in them), the job's environment variables over `env`. Returns whether the job passed.
    bool runGocdJob(const YAML::Node& job, QMap<QString, QString> env, const QString& workDir, QString* log)
    {
        for (const auto& kv : job["environment_variables"])
            env.insert(QString::fromStdString(kv.first.Scalar()), str(kv.second));
        bool failed = false;
        for (const auto& task : job["tasks"]) {
            const YAML::Node exec = task["exec"];
            const QString runIf = exec["run_if"] ? str(exec["run_if"]) : QStringLiteral("passed");
            if ((failed && runIf == QLatin1String("passed")) || (!failed && runIf == QLatin1String("failed")))
                continue;
            const QString command = str(exec["command"]);
            QStringList args;
            for (const auto& a : exec["arguments"])
                args << str(a);
            const auto r = runCi(command, args, env, workDir);
            *log += command + u' ' + args.join(u' ') + QStringLiteral(": ") + r.describe() + u'\n';
            failed = failed || r.exitCode != 0;
        }
        return !failed;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(m_tmp.isValid());
        m_registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (m_registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/test, or scripts/registry up and eval its env.");
        m_policy = testsupport::sourceDir() + QStringLiteral("/deploy/policy/live-slot-interlock.yaml");
        setPolicy(false);
        for (const char* path : {"/deploy/examples/uro", "/deploy/ci/deployer-rbac.yaml"}) {
            const auto r = kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"),
                                                             testsupport::sourceDir() + QLatin1String(path)});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        }
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-staging")})
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("patch"), QStringLiteral("service"), s, QStringLiteral("-n"), QStringLiteral("uro"),
                     QStringLiteral("-p"),
                     QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"%1"}}})")
                         .arg(s == QLatin1String("uro") ? QStringLiteral("a") : QStringLiteral("b"))});
        // The deployer's kubeconfig, made by a cluster admin as the README says: its recipe, run as written.
        QVERIFY(QTest::qWaitFor(
            [this] {
                m_saToken = QByteArray::fromBase64(
                    kubectl(QStringLiteral("admin"),
                            {QStringLiteral("get"), QStringLiteral("secret"),
                             QStringLiteral("signalbox-deployer-token"), QStringLiteral("-n"), QStringLiteral("uro"),
                             QStringLiteral("-o"), QStringLiteral("jsonpath={.data.token}")})
                        .out);
                return !m_saToken.isEmpty();
            },
            20000));
        const QString recipe = readmeRecipe();
        QVERIFY2(recipe.contains(QLatin1String("deployer.kubeconfig")),
                 "README.md: the recipe of step 3 of \"Setting up CI\" is gone.");
        const auto bin = testsupport::run(testsupport::sourceDir() + QStringLiteral("/scripts/cluster-binaries"), {});
        QVERIFY2(bin.exitCode == 0, qPrintable(bin.describe()));
        const QString maintainer = m_tmp.filePath(QStringLiteral("maintainer"));
        QVERIFY(QDir().mkpath(maintainer));
        m_recipe = runCi(QStringLiteral("bash"),
                         {QStringLiteral("-euo"), QStringLiteral("pipefail"), QStringLiteral("-c"), recipe},
                         {{QStringLiteral("KUBECONFIG"), testsupport::kubeconfigFor(QStringLiteral("admin"))},
                          {QStringLiteral("PATH"), QFileInfo(testsupport::signalboxBinary()).absolutePath() +
                                                       QLatin1Char(':') + QString::fromUtf8(bin.out.trimmed()) +
                                                       QLatin1Char(':') + qEnvironmentVariable("PATH")}},
                         maintainer);
        QVERIFY2(m_recipe.exitCode == 0, qPrintable(QStringLiteral("The README's recipe: ") + m_recipe.describe()));
        m_saKubeconfig = maintainer + QStringLiteral("/deployer.kubeconfig");
    }

    void readmeRecipeMakesAKubeconfigOfTheDeployerAlone()
    {
        const QString recipe = readmeRecipe();
        const QStringList commands = recipe.split(u'\n', Qt::SkipEmptyParts);
        // The files it writes hold the token: nobody else may read them, from the first one on.
        QCOMPARE(commands.value(0), QStringLiteral("umask 077"));
        // A raw view of the maintainer's kubeconfig carries the maintainer's own credentials.
        QVERIFY2(!recipe.contains(QLatin1String("--raw")), qPrintable(recipe));
        // A command's arguments are visible to every user of the machine (ps, /proc).
        QVERIFY2(!recipe.contains(QLatin1String("--token")), qPrintable(recipe));
        for (const char* check : {"kubectl config view -o jsonpath='{.users[*].name} {.contexts[*].name} "
                                  "{.clusters[*].name}",
                                  "kubectl auth whoami", "signalbox status uro"})
            QVERIFY2(recipe.contains(QLatin1String(check)), check);

        // What its checks printed: one user, one context, one cluster; the API server knows the
        // deployer; `signalbox status uro` passed (the recipe runs with -e).
        QVERIFY2(m_recipe.exitCode == 0, qPrintable(m_recipe.describe()));
        QCOMPARE(QString::fromUtf8(m_recipe.out).section(u'\n', 0, 0), QStringLiteral("signalbox-deployer uro uro"));
        QVERIFY2(QRegularExpression(QStringLiteral("Username\\s+system:serviceaccount:uro:signalbox-deployer\\n"))
                     .match(QString::fromUtf8(m_recipe.out))
                     .hasMatch(),
                 m_recipe.out.constData());

        // The file: readable by its owner alone, the deployer's token and nothing else; the token's own
        // file is gone.
        QCOMPARE(QFileInfo(m_saKubeconfig).permissions() & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                             QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::Permissions());
        QCOMPARE(QFileInfo(m_saKubeconfig).dir().entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("deployer.kubeconfig")});
        const YAML::Node made = YAML::LoadFile(m_saKubeconfig.toStdString());
        const YAML::Node admin = YAML::LoadFile(testsupport::kubeconfigFor(QStringLiteral("admin")).toStdString());
        QCOMPARE(made["users"].size(), std::size_t(1));
        QCOMPARE(made["contexts"].size(), std::size_t(1));
        QCOMPARE(made["clusters"].size(), std::size_t(1));
        QCOMPARE(str(made["users"][0]["name"]), QStringLiteral("signalbox-deployer"));
        QCOMPARE(made["users"][0]["user"].size(), std::size_t(1));
        QCOMPARE(str(made["users"][0]["user"]["token"]).toUtf8(), m_saToken);
        QCOMPARE(str(made["contexts"][0]["context"]["user"]), QStringLiteral("signalbox-deployer"));
        QCOMPARE(str(made["contexts"][0]["context"]["namespace"]), QStringLiteral("uro"));
        QCOMPARE(str(made["clusters"][0]["cluster"]["server"]), str(admin["clusters"][0]["cluster"]["server"]));
        QCOMPARE(str(made["current-context"]), str(made["contexts"][0]["name"]));
    }

    void githubWorkflowPassesSecretsOnlyThroughEnv()
    {
        const YAML::Node gh = loadSource(workflowPath);
        int secrets = 0;
        for (const auto& [path, value] : scalarsOf(gh)) {
            // An expression in a script is pasted into its text before the shell reads it: a value can end
            // the quotes it sits in and run commands, and a secret lands in the script file on the runner.
            if (path.endsWith(QLatin1String("/run")))
                QVERIFY2(!value.contains(QLatin1String("${{")),
                         qPrintable(path + QStringLiteral(": an expression inside run:, pass it through env:")));
            if (!value.contains(QLatin1String("secrets.")))
                continue;
            ++secrets;
            const QStringList keys = path.split(u'/');
            const QString parent = keys.value(keys.size() - 2);
            QVERIFY2(keys.value(1) == QLatin1String("jobs"),
                     qPrintable(path + QStringLiteral(": a secret for every job")));
            if (value == QLatin1String("${{ secrets.GITHUB_TOKEN }}")) {
                QVERIFY2(parent == QLatin1String("env") || parent == QLatin1String("with"), qPrintable(path));
                continue;
            }
            QVERIFY2(parent == QLatin1String("env"), qPrintable(path + QStringLiteral(": a secret outside env:")));
            // Only a job in an environment gets that environment's secrets (and its rules).
            QVERIFY2(gh["jobs"][keys.value(2).toStdString()]["environment"],
                     qPrintable(path + QStringLiteral(": a secret in a job without an environment")));
        }
        QVERIFY(secrets >= 2);
    }

    void githubActionsArePinnedByCommit()
    {
        const YAML::Node gh = loadSource(workflowPath);
        int actions = 0;
        for (const auto& [path, value] : scalarsOf(gh)) {
            if (!path.endsWith(QLatin1String("/uses")))
                continue;
            ++actions;
            // A tag can be moved to other code; a commit cannot.
            QVERIFY2(isCommit(value.section(u'@', 1)),
                     qPrintable(value + QStringLiteral(": pin the action by commit")));
        }
        QVERIFY(actions >= 5);
        // Each pin names its release, so that an update is a change one can review.
        static const QRegularExpression pinned(
            QStringLiteral("^ *(- )?uses: [\\w.-]+/[\\w./-]+@[0-9a-f]{40} # v\\d+\\.\\d+\\.\\d+$"));
        for (const QByteArray& line : readSource(workflowPath).split('\n'))
            if (line.contains("uses:"))
                QVERIFY2(pinned.match(QString::fromUtf8(line)).hasMatch(), line.constData());
    }

    void githubDeploysEachTargetFromItsEnvironment()
    {
        const YAML::Node jobs = loadSource(workflowPath)["jobs"];
        // The build job names the target of the branch; its step runs here as written.
        QString meta;
        for (const auto& step : jobs["build"]["steps"])
            if (str(step["id"]) == QLatin1String("meta"))
                meta = str(step["run"]);
        QVERIFY(!meta.isEmpty());
        QCOMPARE(str(jobs["build"]["outputs"]["target"]), QStringLiteral("${{ steps.meta.outputs.target }}"));
        for (const auto& [branch, target] : {std::pair{"sandbox", "sandbox"}, std::pair{"main", "staging"}}) {
            const QString output = m_tmp.filePath(QStringLiteral("github-output-") + QLatin1String(branch));
            const auto r = runCi(QStringLiteral("bash"),
                                 {QStringLiteral("-eo"), QStringLiteral("pipefail"), QStringLiteral("-c"), meta},
                                 {{QStringLiteral("GITHUB_REF_NAME"), QLatin1String(branch)},
                                  {QStringLiteral("GITHUB_SHA"), QStringLiteral("c4e8b27")},
                                  {QStringLiteral("GITHUB_OUTPUT"), output}});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            QFile f(output);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(f.readAll().split('\n').contains(QByteArray("target=") + target), branch);
        }
        // The deploy job runs in the target's environment, so it is given that environment's own
        // kubeconfig (and its branch rule); the header tells where each environment's secrets go.
        const YAML::Node deploy = jobs["deploy"];
        QCOMPARE(str(deploy["environment"]), QStringLiteral("${{ needs.build.outputs.target }}"));
        QCOMPARE(names(deploy["needs"]), (QStringList{QStringLiteral("build"), QStringLiteral("signalbox-cli")}));
        bool kubeconfig = false;
        for (const auto& [path, value] : scalarsOf(deploy))
            kubeconfig = kubeconfig || value == QLatin1String("${{ secrets.KUBECONFIG_DEPLOYER }}");
        QVERIFY(kubeconfig);
        const QString text = QString::fromUtf8(readSource(workflowPath));
        for (const char* target : {"sandbox", "staging"})
            QVERIFY2(QRegularExpression(QStringLiteral("^#   %1 +KUBECONFIG_DEPLOYER ").arg(QLatin1String(target)),
                                        QRegularExpression::MultilineOption)
                         .match(text)
                         .hasMatch(),
                     target);
        // No other job holds a secret besides its GITHUB_TOKEN.
        for (const auto& job : jobs)
            QVERIFY2(job.first.Scalar() == "deploy" || !holdsSecret(job.second), job.first.Scalar().c_str());
    }

    void githubBuildsSignalboxWhereNoSecretIs()
    {
        const YAML::Node jobs = loadSource(workflowPath)["jobs"];
        QString builder;
        for (const auto& job : jobs) {
            const QString name = QString::fromStdString(job.first.Scalar());
            if (holdsSecret(job.second) || job.second["environment"]) {
                // Code fetched and built here would run beside the deployer's credential.
                QVERIFY2(!buildsSignalbox(job.second), qPrintable(name));
                for (const auto& step : job.second["steps"])
                    QVERIFY2(!str(step["uses"]).startsWith(QLatin1String("actions/checkout@")), qPrintable(name));
            }
            if (!buildsSignalbox(job.second))
                continue;
            QVERIFY2(builder.isEmpty(), qPrintable(builder + QStringLiteral(", ") + name));
            builder = name;
            // The build job holds no secret, may only read, and builds one pinned commit.
            for (const auto& [path, value] : scalarsOf(job.second))
                QVERIFY2(!value.contains(QLatin1String("secrets.")), qPrintable(name + path));
            QVERIFY(!job.second["environment"]);
            QCOMPARE(job.second["permissions"].size(), std::size_t(1));
            QCOMPARE(str(job.second["permissions"]["contents"]), QStringLiteral("read"));
            int checkouts = 0;
            for (const auto& step : job.second["steps"]) {
                QVERIFY(!str(step["run"]).contains(QLatin1String("git clone")));
                if (!str(step["uses"]).startsWith(QLatin1String("actions/checkout@")))
                    continue;
                ++checkouts;
                QCOMPARE(str(step["with"]["repository"]), QStringLiteral("V-Sekai/signalbox"));
                QVERIFY2(isCommit(str(step["with"]["ref"])), "the Signalbox build must name its commit");
                QCOMPARE(str(step["with"]["persist-credentials"]), QStringLiteral("false"));
                const QString commit = str(step["with"]["ref"]);
                // A commit of this project, not a name that points anywhere.
                const auto shallow = testsupport::run(
                    QStringLiteral("git"), {QStringLiteral("-C"), testsupport::sourceDir(), QStringLiteral("rev-parse"),
                                            QStringLiteral("--is-shallow-repository")});
                if (shallow.exitCode == 0 && shallow.out.trimmed() == "false") {
                    const auto ancestor =
                        testsupport::run(QStringLiteral("git"),
                                         {QStringLiteral("-C"), testsupport::sourceDir(), QStringLiteral("merge-base"),
                                          QStringLiteral("--is-ancestor"), commit, QStringLiteral("HEAD")});
                    QVERIFY2(ancestor.exitCode == 0,
                             qPrintable(commit + QStringLiteral(" is not a commit of this repository's history")));
                }
            }
            QCOMPARE(checkouts, 1);
        }
        QVERIFY2(!builder.isEmpty(), "no job builds signalbox-cli");
        // The deploy job installs that job's package.
        const YAML::Node deploy = jobs["deploy"];
        QCOMPARE(names(deploy["needs"]), (QStringList{QStringLiteral("build"), builder}));
        QString uploaded, downloaded, installed;
        for (const auto& step : jobs[builder.toStdString()]["steps"])
            if (str(step["uses"]).startsWith(QLatin1String("actions/upload-artifact@")))
                uploaded = str(step["with"]["name"]);
        for (const auto& step : deploy["steps"]) {
            if (str(step["uses"]).startsWith(QLatin1String("actions/download-artifact@")))
                downloaded = str(step["with"]["name"]);
            if (str(step["run"]).contains(QLatin1String("apt-get install")))
                installed = str(step["run"]);
        }
        QCOMPARE(uploaded, QStringLiteral("signalbox-cli"));
        QCOMPARE(downloaded, uploaded);
        QVERIFY2(installed.contains(QLatin1String("signalbox-cli_*.deb")), qPrintable(installed));
    }

    void githubRemovesTheKubeconfigWhateverTheOutcome()
    {
        const YAML::Node steps = loadSource(workflowPath)["jobs"]["deploy"]["steps"];
        int written = -1, deployed = -1, removed = -1;
        for (int i = 0; i < int(steps.size()); ++i) {
            const QString run = str(steps[i]["run"]);
            if (run.contains(QLatin1String("> \"$KUBECONFIG\""))) {
                written = i;
                QVERIFY2(run.startsWith(QLatin1String("umask 077\n")), qPrintable(run));
            }
            if (run.startsWith(QLatin1String("signalbox-cli deploy ")))
                deployed = i;
            if (run.contains(QLatin1String("rm -f \"$KUBECONFIG\""))) {
                removed = i;
                QCOMPARE(str(steps[i]["if"]), QStringLiteral("always()"));
            }
        }
        QVERIFY(written >= 0);
        QVERIFY(deployed > written);
        QVERIFY(removed > deployed);
    }

    void gocdCleansUpWhateverTheOutcome()
    {
        const YAML::Node gocd = loadSource(gocdPath);
        int logins = 0, kubeconfigs = 0;
        for (const auto& pipeline : gocd["pipelines"])
            for (const auto& stage : pipeline.second["stages"])
                for (const auto& job : stage.begin()->second["jobs"]) {
                    const QString name = QString::fromStdString(pipeline.first.Scalar() + '/' + job.first.Scalar());
                    const YAML::Node tasks = job.second["tasks"];
                    // What a task leaves on the agent, and the command that takes it away.
                    struct Leftover {
                        const char* made;
                        QStringList undo;
                        int* count;
                    };
                    for (const Leftover& l :
                         {Leftover{"docker login ghcr.io",
                                   {QStringLiteral("docker"), QStringLiteral("logout"), QStringLiteral("ghcr.io")},
                                   &logins},
                          Leftover{"> \"$PWD/kubeconfig\"",
                                   {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("kubeconfig")},
                                   &kubeconfigs}}) {
                        const auto undoes = [&l](const YAML::Node& exec) {
                            QStringList cmd{str(exec["command"])};
                            for (const auto& a : exec["arguments"])
                                cmd << str(a);
                            return cmd == l.undo;
                        };
                        int made = -1;
                        for (int i = 0; i < int(tasks.size()); ++i) {
                            const YAML::Node exec = tasks[i]["exec"];
                            QStringList args;
                            for (const auto& a : exec["arguments"])
                                args << str(a);
                            if (made < 0 && args.join(u' ').contains(QLatin1String(l.made))) {
                                made = i;
                                ++*l.count;
                            }
                            if (made < 0 || str(exec["run_if"]) == QLatin1String("any"))
                                continue;
                            // From the task that makes it on, a task that is cancelled takes it away.
                            QVERIFY2(undoes(at(exec, {"on_cancel", "exec"})),
                                     qPrintable(name + u' ' + args.join(u' ')));
                        }
                        if (made < 0)
                            continue;
                        // The job's last task takes it away, whatever the outcome.
                        const YAML::Node last = tasks[tasks.size() - 1]["exec"];
                        QVERIFY2(str(last["run_if"]) == QLatin1String("any") && undoes(last), qPrintable(name));
                    }
                }
        QCOMPARE(logins, 2);
        QCOMPARE(kubeconfigs, 2);
    }

    void gocdPipelinesDeployAsWritten()
    {
        const YAML::Node gocd = loadSource(gocdPath);
        QCOMPARE(gocd["format_version"].as<int>(), 10);
        QFile kubeconfig(m_saKubeconfig);
        QVERIFY(kubeconfig.open(QIODevice::ReadOnly));
        const QString data = QString::fromLatin1(kubeconfig.readAll().toBase64());
        const std::map<std::string, std::pair<std::string, std::string>> expect = {
            {"uro-sandbox", {"sandbox", "sandbox"}}, {"uro-main", {"main", "staging"}}};
        for (const auto& [name, branchTarget] : expect) {
            const YAML::Node pipeline = gocd["pipelines"][name];
            QVERIFY2(pipeline, name.c_str());
            QCOMPARE(pipeline["materials"]["uro"]["branch"].as<std::string>(), branchTarget.first);
            // The job with the signalbox-cli task, run whole on an agent of its own.
            YAML::Node deployJob(YAML::NodeType::Undefined);
            QString script;
            for (const auto& stage : pipeline["stages"])
                for (const auto& job : stage.begin()->second["jobs"])
                    for (const auto& task : job.second["tasks"]) {
                        const YAML::Node args = at(task, {"exec", "arguments"});
                        const QString arg = str(args[1]);
                        if (arg.startsWith(QLatin1String("signalbox-cli deploy uro"))) {
                            deployJob.reset(job.second);
                            script = arg;
                        }
                    }
            QVERIFY2(deployJob, name.c_str());
            QVERIFY2(script.contains(QStringLiteral(" --to %1 ").arg(QString::fromStdString(branchTarget.second))),
                     qPrintable(script));
            // The pipeline's variables as GoCD sets them; the image is the test registry's.
            const QMap<QString, QString> env{
                {QStringLiteral("IMAGE"), m_registry + QStringLiteral("/v-sekai/uro")},
                {QStringLiteral("GO_REVISION_URO"), QStringLiteral("c4e8b27")},
                {QStringLiteral("KUBECONFIG_DATA"), data},
            };
            QTemporaryDir agent;
            QString log;
            QVERIFY2(runGocdJob(deployJob, env, agent.path(), &log), qPrintable(log));
            QVERIFY2(!QFile::exists(agent.filePath(QStringLiteral("kubeconfig"))), qPrintable(log));
            const QString deployment =
                branchTarget.second == "sandbox" ? QStringLiteral("uro") : QStringLiteral("uro-b");
            const QString ns = branchTarget.second == "sandbox" ? QStringLiteral("uro-sandbox") : QStringLiteral("uro");
            QVERIFY2(field(deployment, QStringLiteral("{.spec.template.spec.containers[0].image}"), ns)
                         .startsWith(m_registry + QStringLiteral("/v-sekai/uro@sha256:")),
                     name.c_str());
            // A deploy that fails leaves no kubeconfig behind either.
            QMap<QString, QString> broken = env;
            broken.insert(QStringLiteral("GO_REVISION_URO"), QStringLiteral("no-such-tag"));
            QTemporaryDir failing;
            log.clear();
            QVERIFY2(!runGocdJob(deployJob, broken, failing.path(), &log), qPrintable(log));
            QVERIFY2(log.contains(QLatin1String("no-such-tag")), qPrintable(log));
            QVERIFY2(!QFile::exists(failing.filePath(QStringLiteral("kubeconfig"))), qPrintable(log));
        }
    }

    void githubWorkflowDeploysAsWritten()
    {
        const YAML::Node gh = loadSource(workflowPath);
        const auto branches = gh["on"]["push"]["branches"].as<std::vector<std::string>>();
        QCOMPARE(branches, (std::vector<std::string>{"sandbox", "main"}));
        QString run;
        for (const auto& step : gh["jobs"]["deploy"]["steps"])
            if (step["name"] && step["name"].as<std::string>() == "Deploy")
                run = QString::fromStdString(step["run"].as<std::string>());
        QVERIFY(run.startsWith(QStringLiteral("signalbox-cli deploy uro")));
        // The deploy job, its secret the README's kubeconfig, the webhook secret not set.
        QFile kubeconfig(m_saKubeconfig);
        QVERIFY(kubeconfig.open(QIODevice::ReadOnly));
        QMap<QString, QString> values{
            {QStringLiteral("needs.build.outputs.image"), m_registry + QStringLiteral("/v-sekai/uro:7710d3e")},
            {QStringLiteral("needs.build.outputs.target"), QStringLiteral("staging")},
            {QStringLiteral("secrets.KUBECONFIG_DEPLOYER"), QString::fromUtf8(kubeconfig.readAll())},
            {QStringLiteral("secrets.SIGNALBOX_WEBHOOK"), QString()},
        };
        QTemporaryDir workspace;
        values.insert(QStringLiteral("github.workspace"), workspace.path());
        QString log;
        bool private_ = false;
        QVERIFY2(runGithubDeploy(values, workspace.path(), &log, &private_), qPrintable(log));
        QVERIFY2(private_, qPrintable(log));
        QVERIFY2(!QFile::exists(workspace.filePath(QStringLiteral("kubeconfig"))), qPrintable(log));
        QVERIFY(field(QStringLiteral("uro-b"),
                      QStringLiteral("{.spec.template.metadata.annotations.signalbox\\.v-sekai\\.org/image-tag}")) ==
                QStringLiteral("7710d3e"));
        QVERIFY(
            field(QStringLiteral("uro-b"), QStringLiteral("{.metadata.annotations.signalbox\\.v-sekai\\.org/history}"))
                .contains(QStringLiteral("system:serviceaccount:uro:signalbox-deployer")));

        // A deploy that fails leaves no kubeconfig behind either.
        values.insert(QStringLiteral("needs.build.outputs.image"),
                      m_registry + QStringLiteral("/v-sekai/uro:no-such-tag"));
        QTemporaryDir failing;
        values.insert(QStringLiteral("github.workspace"), failing.path());
        log.clear();
        QVERIFY2(!runGithubDeploy(values, failing.path(), &log, &private_), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("no-such-tag")), qPrintable(log));
        QVERIFY2(!QFile::exists(failing.filePath(QStringLiteral("kubeconfig"))), qPrintable(log));
    }

    void groupDeployMovesTheMembersTogether()
    {
        const QString config = m_tmp.filePath(QStringLiteral("group.yaml"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("services:\n  - {name: uro, namespace: uro, group: uro, image: %1/v-sekai/uro}\n"
                               "  - {name: uro-frontend, namespace: uro, group: uro, image: %1/v-sekai/uro}\n")
                    .arg(m_registry)
                    .toUtf8());
        f.close();
        const auto r = runCi(testsupport::cliBinary(),
                             {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--group"),
                              QStringLiteral("--to"), QStringLiteral("staging"), QStringLiteral("--tag"),
                              QStringLiteral("5ad0f13"), QStringLiteral("--wait"), QStringLiteral("--config"), config});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        for (const QString& d : {QStringLiteral("uro-b"), QStringLiteral("uro-frontend-b")})
            QCOMPARE(
                field(d, QStringLiteral("{.spec.template.metadata.annotations.signalbox\\.v-sekai\\.org/image-tag}")),
                QStringLiteral("5ad0f13"));
        // One member that cannot pass stops the whole group before anything changes.
        const auto refused =
            runCi(testsupport::cliBinary(), {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--group"),
                                             QStringLiteral("--to"), QStringLiteral("staging"), QStringLiteral("--tag"),
                                             QStringLiteral("no-such-tag"), QStringLiteral("--config"), config});
        QCOMPARE(refused.exitCode, 3);
        QVERIFY(refused.err.contains("nothing was deployed"));
        QCOMPARE(field(QStringLiteral("uro-b"),
                       QStringLiteral("{.spec.template.metadata.annotations.signalbox\\.v-sekai\\.org/image-tag}")),
                 QStringLiteral("5ad0f13"));
    }

    void apiServerRefusesChangesToLive()
    {
        setPolicy(true);
        const QString image = QStringLiteral("ghcr.io/v-sekai/uro:0123456789abcdef0123456789abcdef01234567");
        for (const QString& user : {QStringLiteral("deployer"), QStringLiteral("operator")}) {
            const auto live = setImage(user, QStringLiteral("uro-a"), image);
            QVERIFY2(live.exitCode != 0, qPrintable(user + live.describe()));
            QVERIFY2(live.err.contains("Deployment uro-a runs live traffic (Service uro selects it): its pod template "
                                       "cannot be changed. Deploy to the staging slot and swap"),
                     qPrintable(live.describe()));
            const auto staging = setImage(user, QStringLiteral("uro-b"), image);
            QVERIFY2(staging.exitCode == 0, qPrintable(user + staging.describe()));
        }
        // Scaling live does not touch its pod template, and stays allowed.
        const auto adminScale = kubectl(QStringLiteral("admin"),
                                        {QStringLiteral("scale"), QStringLiteral("deployment/uro-a"),
                                         QStringLiteral("--replicas=3"), QStringLiteral("-n"), QStringLiteral("uro")});
        QVERIFY2(adminScale.exitCode == 0, qPrintable(adminScale.describe()));
        kubectl(QStringLiteral("admin"), {QStringLiteral("scale"), QStringLiteral("deployment/uro-a"),
                                          QStringLiteral("--replicas=2"), QStringLiteral("-n"), QStringLiteral("uro")});
        QVERIFY(kubectl(QStringLiteral("admin"),
                        {QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/uro-b"),
                         QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--timeout=60s")})
                    .exitCode == 0);
    }

    void afterASwapTheRulesReverse()
    {
        const auto swap =
            testsupport::signalbox(QStringLiteral("operator"),
                                   {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")}, 60000);
        QVERIFY2(swap.exitCode == 0, qPrintable(swap.describe()));
        QCOMPARE(liveSlot(), QStringLiteral("b"));
        const QString image = QStringLiteral("ghcr.io/v-sekai/uro:89abcdef0123456789abcdef0123456789abcdef");
        QVERIFY(setImage(QStringLiteral("deployer"), QStringLiteral("uro-b"), image).exitCode != 0);
        QVERIFY(setImage(QStringLiteral("deployer"), QStringLiteral("uro-a"), image).exitCode == 0);
    }

    void breakGlassIsAdmitted()
    {
        setPolicy(true, {QStringLiteral("signalbox:break-glass")});
        const QString image = QStringLiteral("ghcr.io/v-sekai/uro:fedcba9876543210fedcba9876543210fedcba98");
        QVERIFY(QTest::qWaitFor(
            [&] { return setImage(QStringLiteral("breakglass"), QStringLiteral("uro-b"), image).exitCode == 0; },
            20000));
        QVERIFY(setImage(QStringLiteral("operator"), QStringLiteral("uro-b"), image + QStringLiteral("0")).exitCode !=
                0);
    }

    void webhookHearsAboutASwap()
    {
        setPolicy(false);
        for (const char* d : {"deployment/uro-a", "deployment/uro-b"})
            QVERIFY(kubectl(QStringLiteral("admin"),
                            {QStringLiteral("rollout"), QStringLiteral("status"), QLatin1String(d),
                             QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--timeout=90s")})
                        .exitCode == 0);
        testsupport::WebhookReceiver server;
        QVERIFY(server.isListening());
        // The webhook lives on this thread's event loop: wait with it running.
        const auto swap = testsupport::signalbox(QStringLiteral("operator"),
                                                 {QStringLiteral("swap"), QStringLiteral("uro"),
                                                  QStringLiteral("--yes"), QStringLiteral("--notify"), server.url()},
                                                 testsupport::withEventLoop(60000));
        QVERIFY2(swap.exitCode == 0, qPrintable(swap.describe()));
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 1, 5000);
        const testsupport::HttpServer::Request request = server.requests().first();
        QVERIFY(request.head.startsWith("POST /api/webhooks/123/secret-part HTTP/"));
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const QString content = body.value(QStringLiteral("content")).toString();
        QCOMPARE(body.value(QStringLiteral("text")).toString(), content);
        QVERIFY2(content.contains(QStringLiteral("operator · uro · swap: Swapped: uro now live on slot A")),
                 qPrintable(content));
    }

    void cleanupTestCase()
    {
        setPolicy(false);
        kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"),
                                          testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro")});
    }
};

QTEST_GUILESS_MAIN(TestCi)
#include "tst_ci.moc"
