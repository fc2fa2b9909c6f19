// The diff of two slots (model::diffSlots) on pod templates decoded by kube::parsePodSpecDetail: one
// row per field kind, each changing one field of the second side; a Secret's reference never shows a
// value; equal fields are counted, fields of one side only are differences; the commits in between
// as a GitHub compare link; ConfigMaps whose content differs; the decoder's caps.
#include "kube/objects.h"
#include "model/rules/slotdiff.h"

#include <QFile>
#include <QTest>

using nlohmann::json;

namespace {

const char* const fromCommit = "8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3";
const char* const toCommit = "c41e7a90d2f35b6e8a1c4d7f0b2e5a8c1d4f7a0b";

// The example's slot template (tests/data/objects/slot-template.json), with one of each field kind.
json baseTemplate(const std::string& commit = fromCommit)
{
    QFile file(qEnvironmentVariable("SIGNALBOX_TEST_DATA") + QStringLiteral("/objects/slot-template.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    std::string text = file.readAll().toStdString();
    for (std::size_t at = text.find("COMMIT"); at != std::string::npos; at = text.find("COMMIT"))
        text.replace(at, 6, commit);
    return json::parse(text);
}

model::SlotSide sideOf(const json& t, const std::string& label, int replicas = 2)
{
    model::SlotSide s;
    s.label = label;
    s.replicas = replicas;
    kube::Result<kube::PodSpecDetail> detail = kube::parsePodSpecDetail(t);
    if (!detail)
        qFatal("%s", detail.error().message.c_str());
    s.spec = detail.value();
    for (const auto& [k, v] : t["metadata"]["annotations"].items())
        s.podTemplate.annotations.emplace(k, v.get<std::string>());
    for (const kube::ContainerSpec& c : s.spec.containers)
        s.podTemplate.containers.push_back({c.name, c.image});
    return s;
}

QString q(const std::optional<std::string>& s)
{
    return s ? QString::fromStdString(*s) : QStringLiteral("(none)");
}

// Every text the diff prints, both ways.
std::string everything(const model::SlotDiff& d)
{
    return d.describe() + d.toJson().dump();
}

} // namespace

class TestSlotDiff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameTemplateHasNoDifference()
    {
        const model::SlotDiff d = model::diffSlots(sideOf(baseTemplate(), "live"), sideOf(baseTemplate(), "staging"));
        QVERIFY(d.differences.empty());
        // replicas, commit, build time, source; image repository and tag, command, args, 4 env, 2 envFrom,
        // 2 requests, 1 limit, 2 probes, 1 mount; service account, 1 node selector, tolerations, 2 volumes.
        QCOMPARE(d.equalFields, 25);
        QVERIFY(d.compareUrl.empty());
        QCOMPARE(QString::fromStdString(d.describe()), QStringLiteral("live -> staging\nNo differences.\n"
                                                                      "25 fields equal.\n"));
    }

    void oneFieldKind_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value"); // JSON; empty: the field is removed
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<int>("equal");
        const auto row = [](const char* name, const char* pointer, const char* value, const char* field,
                            const char* from, const char* to,
                            int equal) { QTest::newRow(name) << pointer << value << field << from << to << equal; };
        row("image tag", "/spec/containers/0/image", R"("ghcr.io/v-sekai/uro:v2")", "container uro: image tag",
            fromCommit, "v2", 24);
        row("image registry", "/spec/containers/0/image",
            R"("docker.io/v-sekai/uro:8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3")", "container uro: image repository",
            "ghcr.io/v-sekai/uro", "docker.io/v-sekai/uro", 24);
        row("image digest", "/spec/containers/0/image",
            R"("ghcr.io/v-sekai/uro:8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")",
            "container uro: image digest", "(none)",
            "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 25);
        row("build time", "/metadata/annotations/org.opencontainers.image.created", R"("2026-11-21T10:00:00Z")",
            "build time", "2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z", 24);
        row("command", "/spec/containers/0/command", R"(["/app/bin/uro", "--debug"])", "container uro: command",
            "/app/bin/uro", "/app/bin/uro --debug", 24);
        row("args", "/spec/containers/0/args", R"(["migrate"])", "container uro: args", "start", "migrate", 24);
        row("env literal", "/spec/containers/0/env/0/value", R"("4001")", "container uro: env PORT", "4000", "4001",
            24);
        row("env secret key", "/spec/containers/0/env/1/valueFrom/secretKeyRef/key", R"("old-password")",
            "container uro: env DATABASE_PASSWORD", "from Secret uro-db key password",
            "from Secret uro-db key old-password", 24);
        row("env configmap", "/spec/containers/0/env/2/valueFrom/configMapKeyRef/name", R"("uro-config-v2")",
            "container uro: env FEATURES", "from ConfigMap uro-config key features",
            "from ConfigMap uro-config-v2 key features", 24);
        row("env field", "/spec/containers/0/env/3/valueFrom/fieldRef/fieldPath", R"("status.hostIP")",
            "container uro: env POD_IP", "from field status.podIP", "from field status.hostIP", 24);
        row("env added", "/spec/containers/0/env/4", R"({"name": "DEBUG", "value": "1"})", "container uro: env DEBUG",
            "(none)", "1", 25);
        row("envFrom", "/spec/containers/0/envFrom/0/configMapRef/name", R"("uro-env-v2")", "container uro: envFrom 1",
            "ConfigMap uro-env", "ConfigMap uro-env-v2", 24);
        row("envFrom prefix", "/spec/containers/0/envFrom/1/prefix", R"("KEY_")", "container uro: envFrom 2",
            "Secret uro-keys with prefix K_", "Secret uro-keys with prefix KEY_", 24);
        row("request", "/spec/containers/0/resources/requests/cpu", R"("500m")", "container uro: requests cpu", "250m",
            "500m", 24);
        row("limit added", "/spec/containers/0/resources/limits/cpu", R"(1)", "container uro: limits cpu", "(none)",
            "1", 25);
        row("readiness probe", "/spec/containers/0/readinessProbe/httpGet/path", R"("/ready")",
            "container uro: readiness probe",
            "HTTP GET /health on port http, after 0s, every 10s, timeout 1s, 3 failures",
            "HTTP GET /ready on port http, after 0s, every 10s, timeout 1s, 3 failures", 24);
        row("liveness probe removed", "/spec/containers/0/livenessProbe", "", "container uro: liveness probe",
            "TCP on port 4000, after 0s, every 20s, timeout 1s, 3 failures", "(none)", 24);
        row("startup probe", "/spec/containers/0/startupProbe",
            R"({"exec": {"command": ["true"]}, "failureThreshold": 30})", "container uro: startup probe", "(none)",
            "run true, after 0s, every 10s, timeout 1s, 30 failures", 25);
        row("mount", "/spec/containers/0/volumeMounts/0/readOnly", "false", "container uro: mount config",
            "/etc/uro (read-only)", "/etc/uro", 24);
        row("service account", "/spec/serviceAccountName", "", "service account", "uro", "default", 24);
        row("node selector", "/spec/nodeSelector/pool", R"("batch")", "node selector pool", "web", "batch", 24);
        row("toleration", "/spec/tolerations/1",
            R"({"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300})", "tolerations",
            "dedicated=web:NoSchedule", "dedicated=web:NoSchedule, every taint:NoExecute for 300s", 24);
        row("volume", "/spec/volumes/0/configMap/name", R"("uro-files-v2")", "volume config", "configMap uro-files",
            "configMap uro-files-v2", 24);
        row("volume kind", "/spec/volumes/1", R"({"name": "tmp", "persistentVolumeClaim": {"claimName": "scratch"}})",
            "volume tmp", "emptyDir", "persistentVolumeClaim scratch", 24);
        row("init container", "/spec/initContainers", R"([{"name": "migrate", "image": "ghcr.io/v-sekai/uro:v2"}])",
            "init container migrate: image repository", "(none)", "ghcr.io/v-sekai/uro", 25);
    }

    void oneFieldKind()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, field);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(int, equal);
        json t = baseTemplate();
        const json::json_pointer at(pointer.toStdString());
        if (value.isEmpty())
            t[at.parent_pointer()].erase(at.back());
        else
            t[at] = json::parse(value.toStdString());
        const model::SlotDiff d = model::diffSlots(sideOf(baseTemplate(), "live"), sideOf(t, "staging"));
        QVERIFY2(!d.differences.empty(), qPrintable(QString::fromStdString(d.describe())));
        QCOMPARE(QString::fromStdString(d.differences.front().field), field);
        QCOMPARE(q(d.differences.front().from), from);
        QCOMPARE(q(d.differences.front().to), to);
        // The init container's tag is the second difference of its kind; every other row changes one field.
        QCOMPARE(d.differences.size(), std::size_t(field.startsWith(QLatin1String("init")) ? 2 : 1));
        QCOMPARE(d.equalFields, equal);
        // Differences come first, then the count.
        const QString text = QString::fromStdString(d.describe());
        QVERIFY(text.indexOf(field) < text.indexOf(QStringLiteral("other fields equal")));
        QVERIFY(text.contains(QString::number(equal) + QStringLiteral(" other fields equal.")));
    }

    void replicasDiffer()
    {
        const model::SlotDiff d =
            model::diffSlots(sideOf(baseTemplate(), "live", 2), sideOf(baseTemplate(), "staging", 1));
        QCOMPARE(d.differences.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(d.differences[0].field), QStringLiteral("replicas"));
        QCOMPARE(q(d.differences[0].from), QStringLiteral("2"));
        QCOMPARE(q(d.differences[0].to), QStringLiteral("1"));
    }

    // A Secret is named by its reference only: a value written beside a secretKeyRef (the API server
    // refuses that, a recording may hold it) is never read, and the diff never reads Secrets.
    void secretReferencesNeverShowAValue()
    {
        json t = baseTemplate();
        t["spec"]["containers"][0]["env"][1]["value"] = "hunter2-secret-value";
        t["spec"]["containers"][0]["env"][1]["valueFrom"]["secretKeyRef"]["name"] = "uro-db-v2";
        const model::SlotDiff d = model::diffSlots(sideOf(baseTemplate(), "live"), sideOf(t, "staging"));
        QCOMPARE(d.differences.size(), std::size_t(1));
        QCOMPARE(q(d.differences[0].to), QStringLiteral("from Secret uro-db-v2 key password"));
        QVERIFY(everything(d).find("hunter2") == std::string::npos);
        // Nor is a Secret's content compared, as a ConfigMap's is.
        QVERIFY(model::configMapPairs(sideOf(baseTemplate(), "live"), sideOf(t, "staging"))
                    .count({"uro-db", "uro-db-v2"}) == 0);
    }

    void fieldsOfOneSideOnly()
    {
        json t = baseTemplate();
        t["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "envoyproxy/envoy:v1.30"}});
        t["spec"]["nodeSelector"].erase("pool");
        const model::SlotDiff d = model::diffSlots(sideOf(baseTemplate(), "live"), sideOf(t, "staging"));
        QStringList fields;
        for (const model::FieldDifference& f : d.differences)
            fields << QString::fromStdString(f.field) + QLatin1Char('=') + q(f.from) + QLatin1Char('>') + q(f.to);
        QCOMPARE(fields,
                 (QStringList{QStringLiteral("node selector pool=web>(none)"),
                              QStringLiteral("container sidecar: image repository=(none)>docker.io/envoyproxy/envoy"),
                              QStringLiteral("container sidecar: image tag=(none)>v1.30")}));
        QCOMPARE(d.equalFields, 24);
        const json j = d.toJson();
        QVERIFY(j["differences"][0]["to"].is_null());
        QCOMPARE(j["differences"][0]["from"].get<std::string>(), std::string("web"));
        QCOMPARE(j["equalFields"].get<int>(), 24);
    }

    void commitsInBetween()
    {
        const model::SlotDiff d =
            model::diffSlots(sideOf(baseTemplate(fromCommit), "live"), sideOf(baseTemplate(toCommit), "staging"));
        QCOMPARE(QString::fromStdString(d.compareUrl),
                 QStringLiteral("https://github.com/v-sekai/uro/compare/%1...%2").arg(fromCommit, toCommit));
        QVERIFY(d.describe().find("Commits in between: https://github.com/v-sekai/uro/compare/") != std::string::npos);
        QCOMPARE(QString::fromStdString(d.differences[0].field), QStringLiteral("commit"));
    }

    void compareLink_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("link");
        QTest::newRow("github") << "https://github.com/v-sekai/uro"
                                << "8d3c2f4"
                                << "c41e7a9"
                                << "https://github.com/v-sekai/uro/compare/8d3c2f4...c41e7a9";
        QTest::newRow(".git and slash") << "https://github.com/v-sekai/uro.git/"
                                        << "8d3c2f4"
                                        << "c41e7a9"
                                        << "https://github.com/v-sekai/uro/compare/8d3c2f4...c41e7a9";
        QTest::newRow("same commit") << "https://github.com/v-sekai/uro"
                                     << "8d3c2f4"
                                     << "8d3c2f4"
                                     << "";
        QTest::newRow("one unknown") << "https://github.com/v-sekai/uro"
                                     << ""
                                     << "c41e7a9"
                                     << "";
        QTest::newRow("not a commit") << "https://github.com/v-sekai/uro"
                                      << "v1.2"
                                      << "c41e7a9"
                                      << "";
        QTest::newRow("gitlab") << "https://gitlab.com/v-sekai/uro"
                                << "8d3c2f4"
                                << "c41e7a9"
                                << "";
        QTest::newRow("plain http") << "http://github.com/v-sekai/uro"
                                    << "8d3c2f4"
                                    << "c41e7a9"
                                    << "";
        QTest::newRow("deeper path") << "https://github.com/v-sekai/uro/tree/main"
                                     << "8d3c2f4"
                                     << "c41e7a9"
                                     << "";
        QTest::newRow("no repository") << "https://github.com/v-sekai"
                                       << "8d3c2f4"
                                       << "c41e7a9"
                                       << "";
        QTest::newRow("query") << "https://github.com/v-sekai/uro?x=1"
                               << "8d3c2f4"
                               << "c41e7a9"
                               << "";
        QTest::newRow("dot segment") << "https://github.com/../uro"
                                     << "8d3c2f4"
                                     << "c41e7a9"
                                     << "";
    }

    void compareLink()
    {
        QFETCH(QString, source);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, link);
        QCOMPARE(QString::fromStdString(model::compareLink(source.toStdString(), from.toStdString(), to.toStdString())),
                 link);
    }

    void configMapContent()
    {
        json t = baseTemplate();
        t["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"] = "uro-env-v2";
        const model::SlotSide live = sideOf(baseTemplate(), "live"), staging = sideOf(t, "staging");
        const std::set<model::ConfigMapPair> pairs = model::configMapPairs(live, staging);
        QCOMPARE(pairs, (std::set<model::ConfigMapPair>{
                            {"uro-config", "uro-config"}, {"uro-env", "uro-env-v2"}, {"uro-files", "uro-files"}}));
        model::ConfigMapContent content;
        content.compared = {{"uro-env", "uro-env-v2"}, {"uro-files", "uro-files"}};
        content.differ = {{"uro-env", "uro-env-v2"}};
        content.unreadable = {{"uro-config", "not readable (forbidden)"}};
        const model::SlotDiff d = model::diffSlots(live, staging, content);
        QCOMPARE(d.differences.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(d.differences[1].field),
                 QStringLiteral("ConfigMap uro-env and uro-env-v2: content"));
        QCOMPARE(q(d.differences[1].to), QStringLiteral("uro-env-v2 (content differs)"));
        QCOMPARE(d.equalFields, 24 + 1); // the envFrom entry differs; uro-files' content is equal
        QCOMPARE(d.notes,
                 (std::vector<std::string>{"ConfigMap uro-config was not compared: not readable (forbidden)."}));
        QVERIFY(d.describe().find("ConfigMap uro-config was not compared") != std::string::npos);
    }

    void decoderCapsAreSaid()
    {
        json t = baseTemplate();
        for (int i = 0; i < 300; ++i)
            t["spec"]["containers"][0]["env"].push_back({{"name", "V" + std::to_string(i)}, {"value", "x"}});
        t["spec"]["containers"][0]["args"] = json::array({std::string(20000, 'a')});
        const model::SlotSide big = sideOf(t, "staging");
        QCOMPARE(big.spec.containers[0].env.size(), kube::maxDetailEntries);
        QVERIFY(big.spec.containers[0].args[0].size() <= kube::maxDetailText);
        QVERIFY(big.spec.containers[0].args[0].find("(20000 bytes)") != std::string::npos);
        const model::SlotDiff d = model::diffSlots(sideOf(baseTemplate(), "live"), big);
        QVERIFY(d.incomplete);
        QVERIFY(d.describe().find("was not compared") != std::string::npos);
        QVERIFY(d.toJson()["incomplete"].get<bool>());
    }

    void wrongTypesAreErrors_data()
    {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::newRow("env not a list") << "/spec/containers/0/env"
                                        << R"("PORT=4000")";
        QTest::newRow("env value a number") << "/spec/containers/0/env/0/value"
                                            << "4000";
        QTest::newRow("request a list") << "/spec/containers/0/resources/requests/cpu"
                                        << "[1]";
        QTest::newRow("probe port an object") << "/spec/containers/0/readinessProbe/httpGet/port"
                                              << "{}";
        QTest::newRow("volume not an object") << "/spec/volumes/0"
                                              << R"("config")";
        QTest::newRow("toleration seconds text") << "/spec/tolerations/0/tolerationSeconds"
                                                 << R"("300")";
    }

    void wrongTypesAreErrors()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        json t = baseTemplate();
        t[json::json_pointer(pointer.toStdString())] = json::parse(value.toStdString());
        const kube::Result<kube::PodSpecDetail> r = kube::parsePodSpecDetail(t);
        QVERIFY(!r);
        QVERIFY2(r.error().message.find("pod template") != std::string::npos, r.error().message.c_str());
    }

    void deploymentWithoutItsTemplateIsAnError()
    {
        kube::Deployment d;
        d.meta.name = "uro-a";
        QVERIFY(!kube::podSpecDetail(d));
        d.templateSource = std::make_shared<const json>(baseTemplate());
        QVERIFY(kube::podSpecDetail(d));
    }
};

QTEST_APPLESS_MAIN(TestSlotDiff)
#include "tst_slotdiff.moc"
