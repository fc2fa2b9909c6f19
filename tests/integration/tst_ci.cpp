// The automatic half. The CI files in deploy/ci/ are parsed, their deploy steps are run as they
// are written (with the test registry's image and the deployer ServiceAccount's token) against
// the local control plane; the live-slot admission policy refuses every client that would change
// what live runs, admits staging, scaling and break-glass; the webhook hears about a swap.
#include "model/servicespec.h"
#include "support/testsupport.h"
#include "support/webhookreceiver.h"

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <yaml-cpp/yaml.h>

using testsupport::kubectl;

namespace {

QString field(const QString& deployment, const QString& jsonpath, const QString& ns = QStringLiteral("uro"))
{
    return QString::fromUtf8(
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("get"), QStringLiteral("deployment"), deployment, QStringLiteral("-n"), ns,
                 QStringLiteral("-o"), QStringLiteral("jsonpath=") + jsonpath})
            .out);
}

testsupport::ProcessResult setImage(const QString& user, const QString& deployment, const QString& image)
{
    return kubectl(user, {QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/") + deployment,
                          QStringLiteral("uro=") + image, QStringLiteral("-n"), QStringLiteral("uro")});
}

QString liveSlot()
{
    return QString::fromUtf8(
        kubectl(QStringLiteral("admin"), {QStringLiteral("get"), QStringLiteral("service"), QStringLiteral("uro"),
                                          QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("-o"),
                                          QStringLiteral("jsonpath={.spec.selector.signalbox\\.v-sekai\\.org/slot}")})
            .out);
}

} // namespace

class TestCi : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_saKubeconfig;
    QString m_registry;
    QString m_policy;

    QProcessEnvironment ciEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KUBECONFIG"), m_saKubeconfig);
        env.insert(QStringLiteral("PATH"), QFileInfo(QStringLiteral(SIGNALBOX_BINARY)).absolutePath() +
                                               QLatin1Char(':') + env.value(QStringLiteral("PATH")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp.path());
        return env;
    }

    testsupport::ProcessResult runCi(const QString& program, const QStringList& args,
                                     const QMap<QString, QString>& extra = {})
    {
        QProcess p;
        QProcessEnvironment env = ciEnvironment();
        for (auto it = extra.begin(); it != extra.end(); ++it)
            env.insert(it.key(), it.value());
        p.setProcessEnvironment(env);
        p.start(program, args);
        testsupport::ProcessResult r;
        if (!p.waitForFinished(180000))
            return r;
        r.exitCode = p.exitCode();
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
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
        // A kubeconfig as the README tells a maintainer to make it: the ServiceAccount's token.
        QByteArray token;
        QVERIFY(QTest::qWaitFor(
            [&token] {
                token = QByteArray::fromBase64(
                    kubectl(QStringLiteral("admin"),
                            {QStringLiteral("get"), QStringLiteral("secret"),
                             QStringLiteral("signalbox-deployer-token"), QStringLiteral("-n"), QStringLiteral("uro"),
                             QStringLiteral("-o"), QStringLiteral("jsonpath={.data.token}")})
                        .out);
                return !token.isEmpty();
            },
            20000));
        YAML::Node admin = YAML::LoadFile(testsupport::kubeconfigFor(QStringLiteral("admin")).toStdString());
        admin["users"][0]["name"] = "signalbox-deployer";
        admin["users"][0]["user"] = YAML::Node(YAML::NodeType::Map);
        admin["users"][0]["user"]["token"] = token.toStdString();
        admin["contexts"][0]["context"]["user"] = "signalbox-deployer";
        admin["contexts"][0]["context"]["namespace"] = "uro";
        m_saKubeconfig = m_tmp.filePath(QStringLiteral("deployer-kubeconfig"));
        QFile out(m_saKubeconfig);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(YAML::Dump(admin).c_str());
    }

    void gocdPipelinesDeployAsWritten()
    {
        const YAML::Node gocd =
            YAML::LoadFile((testsupport::sourceDir() + QStringLiteral("/deploy/ci/gocd/uro.gocd.yaml")).toStdString());
        QCOMPARE(gocd["format_version"].as<int>(), 10);
        const std::map<std::string, std::pair<std::string, std::string>> expect = {
            {"uro-sandbox", {"sandbox", "sandbox"}}, {"uro-main", {"main", "staging"}}};
        for (const auto& [name, branchTarget] : expect) {
            const YAML::Node pipeline = gocd["pipelines"][name];
            QVERIFY2(pipeline, name.c_str());
            QCOMPARE(pipeline["materials"]["uro"]["branch"].as<std::string>(), branchTarget.first);
            // The signalbox task of the deploy stage, run with its own arguments.
            QStringList args;
            for (const auto& stage : pipeline["stages"])
                for (const auto& job : stage.begin()->second["jobs"])
                    for (const auto& task : job.second["tasks"])
                        if (task["exec"] && task["exec"]["command"].as<std::string>() == "signalbox-cli")
                            for (const auto& a : task["exec"]["arguments"])
                                args << QString::fromStdString(a.as<std::string>());
            QVERIFY2(!args.isEmpty(), name.c_str());
            QCOMPARE(args.value(args.indexOf(QStringLiteral("--to")) + 1), QString::fromStdString(branchTarget.second));
            // GoCD substitutes ${VAR} from the environment; here the image is the test registry's.
            for (QString& a : args)
                a.replace(QStringLiteral("${IMAGE}"), m_registry + QStringLiteral("/v-sekai/uro"))
                    .replace(QStringLiteral("${GO_REVISION_URO}"), QStringLiteral("c4e8b27"));
            const auto r = runCi(QStringLiteral(SIGNALBOX_CLI_BINARY), args);
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            const QString deployment =
                branchTarget.second == "sandbox" ? QStringLiteral("uro") : QStringLiteral("uro-b");
            const QString ns = branchTarget.second == "sandbox" ? QStringLiteral("uro-sandbox") : QStringLiteral("uro");
            QVERIFY2(field(deployment, QStringLiteral("{.spec.template.spec.containers[0].image}"), ns)
                         .startsWith(m_registry + QStringLiteral("/v-sekai/uro@sha256:")),
                     name.c_str());
        }
    }

    void githubWorkflowDeploysAsWritten()
    {
        const YAML::Node gh = YAML::LoadFile(
            (testsupport::sourceDir() + QStringLiteral("/deploy/ci/github/uro-deploy.yml")).toStdString());
        const auto branches = gh["on"]["push"]["branches"].as<std::vector<std::string>>();
        QCOMPARE(branches, (std::vector<std::string>{"sandbox", "main"}));
        QString run;
        for (const auto& step : gh["jobs"]["deploy"]["steps"])
            if (step["name"] && step["name"].as<std::string>() == "Deploy")
                run = QString::fromStdString(step["run"].as<std::string>());
        QVERIFY(run.startsWith(QStringLiteral("signalbox-cli deploy uro")));
        const auto r = runCi(QStringLiteral("bash"),
                             {QStringLiteral("-euo"), QStringLiteral("pipefail"), QStringLiteral("-c"), run},
                             {{QStringLiteral("IMAGE"), m_registry + QStringLiteral("/v-sekai/uro:7710d3e")},
                              {QStringLiteral("TARGET"), QStringLiteral("staging")}});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(field(QStringLiteral("uro-b"),
                      QStringLiteral("{.spec.template.metadata.annotations.signalbox\\.v-sekai\\.org/image-tag}")) ==
                QStringLiteral("7710d3e"));
        QVERIFY(
            field(QStringLiteral("uro-b"), QStringLiteral("{.metadata.annotations.signalbox\\.v-sekai\\.org/history}"))
                .contains(QStringLiteral("system:serviceaccount:uro:signalbox-deployer")));
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
        const auto r = runCi(QStringLiteral(SIGNALBOX_CLI_BINARY),
                             {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--group"),
                              QStringLiteral("--to"), QStringLiteral("staging"), QStringLiteral("--tag"),
                              QStringLiteral("5ad0f13"), QStringLiteral("--wait"), QStringLiteral("--config"), config});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        for (const QString& d : {QStringLiteral("uro-b"), QStringLiteral("uro-frontend-b")})
            QCOMPARE(
                field(d, QStringLiteral("{.spec.template.metadata.annotations.signalbox\\.v-sekai\\.org/image-tag}")),
                QStringLiteral("5ad0f13"));
        // One member that cannot pass stops the whole group before anything changes.
        const auto refused = runCi(QStringLiteral(SIGNALBOX_CLI_BINARY),
                                   {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--group"),
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
        QProcess swap;
        swap.start(QStringLiteral(SIGNALBOX_BINARY),
                   {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                    QStringLiteral("--kubeconfig"), testsupport::kubeconfigFor(QStringLiteral("operator")),
                    QStringLiteral("-n"), QStringLiteral("uro")});
        QVERIFY(swap.waitForFinished(60000));
        QVERIFY2(swap.exitCode() == 0, swap.readAllStandardError().constData());
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
        QProcess swap;
        swap.start(QStringLiteral(SIGNALBOX_BINARY),
                   {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                    QStringLiteral("--kubeconfig"), testsupport::kubeconfigFor(QStringLiteral("operator")),
                    QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--notify"), server.url()});
        QTRY_VERIFY_WITH_TIMEOUT(swap.state() == QProcess::NotRunning, 60000);
        QVERIFY2(swap.exitCode() == 0, swap.readAllStandardError().constData());
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 1, 5000);
        const QByteArray request = server.requests().first();
        QVERIFY(request.startsWith("POST /api/webhooks/123/secret-part HTTP/"));
        const QJsonObject body = QJsonDocument::fromJson(request.mid(request.indexOf("\r\n\r\n") + 4)).object();
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
