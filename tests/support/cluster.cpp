#include "cluster.h"

#include "kube/history.h"
#include "testsupport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace testsupport {

namespace {

const QString admin = QStringLiteral("admin");
const QString uro = QStringLiteral("uro");
const QString historyKey = QStringLiteral("signalbox.v-sekai.org/history");
const char* const exampleDeployments[] = {"uro-a", "uro-b", "uro-frontend-a", "uro-frontend-b"};

// kubectl as admin; a failure is said with what kubectl said.
bool change(const QStringList& args, const QByteArray& input = {})
{
    const ProcessResult r = kubectl(admin, args, input);
    if (r.exitCode != 0)
        qWarning("kubectl %s: %s", qPrintable(args.join(u' ')), qPrintable(r.describe()));
    return r.exitCode == 0;
}

QString slotSelector(const QString& slot, const QString& app)
{
    return QStringLiteral("app.kubernetes.io/name=%1,signalbox.v-sekai.org/slot=%2").arg(app, slot);
}

QStringList podNames(const QString& slot, const QString& app, const QString& jsonpath)
{
    const ProcessResult r =
        kubectl(admin, {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), uro, QStringLiteral("-l"),
                        slotSelector(slot, app), QStringLiteral("-o"), QStringLiteral("jsonpath=") + jsonpath});
    QStringList names = r.outText().split(u' ', Qt::SkipEmptyParts);
    names.sort();
    return names;
}

} // namespace

QString field(const QString& kind, const QString& name, const QString& jsonpath, const QString& ns)
{
    return kubectl(admin, {QStringLiteral("get"), kind, name, QStringLiteral("-n"), ns, QStringLiteral("-o"),
                           QStringLiteral("jsonpath=") + jsonpath})
        .outText()
        .trimmed();
}

QString selectorOf(const QString& service)
{
    return field(QStringLiteral("service"), service, QStringLiteral("{.spec.selector.signalbox\\.v-sekai\\.org/slot}"));
}

QString historyOf(const QString& kind, const QString& name)
{
    return field(kind, name, QStringLiteral("{.metadata.annotations.signalbox\\.v-sekai\\.org/history}"));
}

bool setSlots(const QString& service, const QString& live, const QString& staging)
{
    const QString patch = QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"%1"}}})");
    const bool a = change({QStringLiteral("patch"), QStringLiteral("service"), service, QStringLiteral("-n"), uro,
                           QStringLiteral("-p"), patch.arg(live)});
    const bool b = change({QStringLiteral("patch"), QStringLiteral("service"), service + QStringLiteral("-staging"),
                           QStringLiteral("-n"), uro, QStringLiteral("-p"), patch.arg(staging)});
    return a && b;
}

bool setExampleSlots()
{
    const bool a = setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b"));
    const bool b = setSlots(QStringLiteral("uro-frontend"), QStringLiteral("a"), QStringLiteral("b"));
    return a && b;
}

bool clearHistory(const QString& kind, const QString& name, const QString& ns)
{
    return change({QStringLiteral("annotate"), kind, name, QStringLiteral("-n"), ns, historyKey + u'-',
                   historyKey + QStringLiteral("-authors-")});
}

bool setFrontendGroup(const QString& group)
{
    bool ok = true;
    for (const QString& svc : {QStringLiteral("uro-frontend"), QStringLiteral("uro-frontend-staging")})
        ok = change({QStringLiteral("label"), QStringLiteral("--overwrite"), QStringLiteral("service"), svc,
                     QStringLiteral("-n"), uro, QStringLiteral("signalbox.v-sekai.org/group=") + group}) &&
             ok;
    return ok;
}

bool setHistoryAuthorsPolicy(bool on, QString* why)
{
    const QString file = sourceDir() + QStringLiteral("/deploy/policy/history-authors.yaml");
    const ProcessResult changed = kubectl(admin, on ? QStringList{QStringLiteral("apply"), QStringLiteral("-f"), file}
                                                    : QStringList{QStringLiteral("delete"), QStringLiteral("-f"), file,
                                                                  QStringLiteral("--ignore-not-found")});
    // The API server takes the policy (or its removal) up a while after the change: the state
    // waited for is the server's verdict on a dry run, asked again until it is the one wanted.
    ProcessResult probe = changed;
    const bool done =
        changed.exitCode == 0 &&
        QTest::qWaitFor(
            [&] {
                probe = kubectl(admin,
                                {QStringLiteral("annotate"), QStringLiteral("deployment"), QStringLiteral("uro-a"),
                                 QStringLiteral("-n"), uro, QStringLiteral("--overwrite"),
                                 historyKey + QStringLiteral("=[{\"probe\":1}]"), QStringLiteral("--dry-run=server")});
                const bool refused = probe.exitCode != 0 && probe.err.contains("signalbox-history-authors");
                return on ? refused : probe.exitCode == 0;
            },
            30000);
    if (!done && why)
        *why =
            QStringLiteral("the history-authors policy is not %1: ").arg(on ? "enforced" : "gone") + probe.describe();
    return done;
}

QStringList podsOf(const QString& slot, const QString& app)
{
    return podNames(slot, app, QStringLiteral("{.items[*].metadata.name}"));
}

QStringList runningPods(const QString& slot, const QString& app)
{
    return podNames(slot, app,
                    QStringLiteral("{range .items[?(@.status.phase==\"Running\")]}{.metadata.name}{\" \"}{end}"));
}

bool annotatePods(const QString& slot, const QString& keyValue, const QString& app)
{
    return change({QStringLiteral("annotate"), QStringLiteral("--overwrite"), QStringLiteral("pods"),
                   QStringLiteral("-n"), uro, QStringLiteral("-l"), slotSelector(slot, app), keyValue});
}

bool setPodHealth(const QString& pod, const QString& how)
{
    return change({QStringLiteral("annotate"), QStringLiteral("--overwrite"), QStringLiteral("pod"), pod,
                   QStringLiteral("-n"), uro, how.isEmpty() ? podHealthKey + u'-' : podHealthKey + u'=' + how});
}

bool setSlotHealth(const QString& slot, const QString& how, const QString& app)
{
    return annotatePods(slot, how.isEmpty() ? podHealthKey + u'-' : podHealthKey + u'=' + how, app);
}

bool clearPodHealth(const QStringList& apps)
{
    // Whatever shapes the app's answers: how it answers, the message of a failing answer, the
    // pod it claims to be.
    bool ok = true;
    for (const QString& app : apps)
        for (const QString& slot : {QStringLiteral("a"), QStringLiteral("b")})
            ok = change({QStringLiteral("annotate"), QStringLiteral("pods"), QStringLiteral("-n"), uro,
                         QStringLiteral("-l"), slotSelector(slot, app), podHealthKey + u'-',
                         QStringLiteral("test.signalbox.v-sekai.org/health-message-"),
                         QStringLiteral("test.signalbox.v-sekai.org/served-by-")}) &&
                 ok;
    return ok;
}

bool appendLog(const QString& pod, const QString& line)
{
    const ProcessResult r =
        run(sourceDir() + QStringLiteral("/scripts/cluster"), {QStringLiteral("logs-append"), uro, pod, line});
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return r.exitCode == 0;
}

bool rolledOut(const QString& deployment, const QString& ns)
{
    return change({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/") + deployment,
                   QStringLiteral("-n"), ns, QStringLiteral("--timeout=90s")});
}

bool exampleRolledOut()
{
    for (const char* d : exampleDeployments)
        if (!rolledOut(QLatin1String(d)))
            return false;
    return true;
}

bool applyExample()
{
    return change(
        {QStringLiteral("apply"), QStringLiteral("-f"), sourceDir() + QStringLiteral("/deploy/examples/uro")});
}

const QString testEventLabel = QStringLiteral("test.signalbox.v-sekai.org/event");

bool addDeploymentEvent(const QString& deployment, const QString& type, const QString& reason, const QString& message,
                        int count)
{
    QTest::qWait(1100);
    const QString now = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
    const QJsonObject event{
        {QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("Event")},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("generateName"), deployment + QStringLiteral(".test-")},
                     {QStringLiteral("namespace"), uro},
                     {QStringLiteral("labels"), QJsonObject{{testEventLabel, QStringLiteral("1")}}}}},
        {QStringLiteral("involvedObject"), QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
                                                       {QStringLiteral("kind"), QStringLiteral("Deployment")},
                                                       {QStringLiteral("name"), deployment},
                                                       {QStringLiteral("namespace"), uro}}},
        {QStringLiteral("type"), type},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("message"), message},
        {QStringLiteral("count"), count},
        {QStringLiteral("source"), QJsonObject{{QStringLiteral("component"), QStringLiteral("deployment-controller")}}},
        {QStringLiteral("firstTimestamp"), now},
        {QStringLiteral("lastTimestamp"), now},
    };
    const auto r = kubectl(admin, {QStringLiteral("create"), QStringLiteral("-f"), QStringLiteral("-")},
                           QJsonDocument(event).toJson(QJsonDocument::Compact));
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return r.exitCode == 0;
}

void resetExample()
{
    // A test's Event about a slot would leave it degraded for an hour.
    kubectl(admin, {QStringLiteral("delete"), QStringLiteral("events"), QStringLiteral("-n"), uro, QStringLiteral("-l"),
                    testEventLabel});
    // The namespaces' records start empty: applying the example creates them again.
    for (const char* ns : {"uro", "uro-sandbox", "uro-frontend-sandbox"})
        QVERIFY(change({QStringLiteral("delete"), QStringLiteral("configmap"), QStringLiteral("signalbox-record"),
                        QStringLiteral("-n"), QLatin1String(ns), QStringLiteral("--ignore-not-found")}));
    // kubectl apply leaves what other writers added: a deploy's release annotations (tag, commit, build
    // time) on a slot's pod template would outlive the test that deployed. They go first; apply then
    // puts back the example's own.
    const QString forget =
        QStringLiteral(R"({"spec":{"template":{"metadata":{"annotations":{"signalbox.v-sekai.org/image-tag":null,)"
                       R"("org.opencontainers.image.revision":null,"org.opencontainers.image.created":null,)"
                       R"("signalbox.v-sekai.org/deployed-at":null,"kubectl.kubernetes.io/restartedAt":null}}}}})");
    for (const char* d : exampleDeployments)
        kubectl(admin, {QStringLiteral("patch"), QStringLiteral("deployment"), QLatin1String(d), QStringLiteral("-n"),
                        uro, QStringLiteral("--type"), QStringLiteral("merge"), QStringLiteral("-p"), forget});
    QVERIFY(applyExample());
    for (const char* s : {"uro", "uro-frontend"})
        clearHistory(QStringLiteral("service"), QLatin1String(s));
    QVERIFY(setExampleSlots());
    clearHistory(QStringLiteral("deployment"), QStringLiteral("uro"), QStringLiteral("uro-sandbox"));
    for (const char* d : exampleDeployments)
        clearHistory(QStringLiteral("deployment"), QLatin1String(d));
    QVERIFY(exampleRolledOut());
}

int historyLength(const QString& service)
{
    return static_cast<int>(kube::decodeHistory(historyOf(QStringLiteral("service"), service).toStdString()).size());
}

namespace {

// The container uro of `deployment` with an env list and an envFrom ConfigMap (strategic merge by name).
bool setUroTemplate(const QString& deployment, const QString& databaseUrl, const QString& configMap)
{
    const QString patch =
        QStringLiteral(
            R"({"spec":{"template":{"spec":{"containers":[{"name":"uro","env":[)"
            R"({"name":"DATABASE_URL","value":"%1"},)"
            R"({"name":"DATABASE_PASSWORD","valueFrom":{"secretKeyRef":{"name":"uro-db","key":"password"}}}],)"
            R"("envFrom":[{"configMapRef":{"name":"%2"}}]}]}}}})")
            .arg(databaseUrl, configMap);
    return change({QStringLiteral("patch"), QStringLiteral("deployment"), deployment, QStringLiteral("-n"), uro,
                   QStringLiteral("--type"), QStringLiteral("strategic"), QStringLiteral("-p"), patch});
}

} // namespace

bool setUroSecret(const QByteArray& value)
{
    const QByteArray yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: uro-db, namespace: uro}\n"
                            "stringData: {password: " +
                            value + "}\n";
    return change({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, yaml);
}

bool arrangeSlotChanges(const QByteArray& secret)
{
    const QByteArray maps = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: uro-config, namespace: uro}\n"
                            "data: {POOL_SIZE: \"10\"}\n---\n"
                            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: uro-config-v2, namespace: uro}\n"
                            "data: {POOL_SIZE: \"20\"}\n";
    return change({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, maps) && setUroSecret(secret) &&
           setUroTemplate(QStringLiteral("uro-a"), QStringLiteral("ecto://db-v1/uro"), QStringLiteral("uro-config")) &&
           setUroTemplate(QStringLiteral("uro-b"), QStringLiteral("ecto://db-v2/uro"), QStringLiteral("uro-config-v2"));
}

bool undoSlotChanges()
{
    bool ok = applyExample();
    // `apply` keeps what another writer added, so the env and envFrom are taken out by name.
    for (const char* d : {"uro-a", "uro-b"})
        ok =
            change(
                {QStringLiteral("patch"), QStringLiteral("deployment"), QLatin1String(d), QStringLiteral("-n"), uro,
                 QStringLiteral("--type"), QStringLiteral("strategic"), QStringLiteral("-p"),
                 QStringLiteral(
                     R"({"spec":{"template":{"spec":{"containers":[{"name":"uro","env":null,"envFrom":null}]}}}})")}) &&
            ok;
    ok = change({QStringLiteral("delete"), QStringLiteral("configmap"), QStringLiteral("uro-config"),
                 QStringLiteral("uro-config-v2"), QStringLiteral("-n"), uro, QStringLiteral("--ignore-not-found")}) &&
         ok;
    ok = change({QStringLiteral("delete"), QStringLiteral("secret"), QStringLiteral("uro-db"), QStringLiteral("-n"),
                 uro, QStringLiteral("--ignore-not-found")}) &&
         ok;
    return setExampleSlots() && ok;
}

bool Traffic::start(int seconds, const QString& path, int rate)
{
    const QString cluster = sourceDir() + QStringLiteral("/scripts/cluster");
    for (const QString& svc : {QStringLiteral("uro/uro"), QStringLiteral("uro/uro-staging")}) {
        auto p = std::make_unique<QProcess>();
        p->start(cluster, {QStringLiteral("traffic"), svc, QString::number(rate),
                           QString::number(seconds) + QStringLiteral("s"), path});
        if (!p->waitForStarted())
            return false;
        m_sources.push_back(std::move(p));
    }
    return true;
}

void Traffic::stop()
{
    for (auto& p : m_sources) {
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(10000))
                p->kill();
            p->waitForFinished();
        }
    }
    m_sources.clear();
}

} // namespace testsupport
