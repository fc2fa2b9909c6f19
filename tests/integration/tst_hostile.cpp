// What the CI deployer, an operator's annotation or a staging app writes is text, on the command
// line as in the console. Each shape was once a crash, a hang or a spoof; each runs here through
// `signalbox` against the local control plane:
// - a 200,000-character tag annotation on a digest-pinned staging slot: `status` answers;
// - ESC and BEL in an image string, a history entry and an app's answer: no control byte reaches
//   the terminal from `status`, `history`, `check` or the swap plan (`-o json` stays exact);
// - a health path that climbs out of the proxy: refused before any request, and the API server's
//   audit log shows no request of the check at all;
// - an app's message whose cut splits a character: `check -o json` and the plan's JSON are valid,
//   the webhook is told after a failed watch, and nothing aborts.
#include "support/cluster.h"
#include "support/httpserver.h"
#include "support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryFile>
#include <QTest>

using testsupport::annotatePods;
using testsupport::kubectl;
using testsupport::rolledOut;
using testsupport::signalbox;

namespace {

const QString ns = QStringLiteral("uro");
const QString admin = QStringLiteral("admin");
const QByteArray esc = "\x1b]52;c;aGVsbG8=\x07\x1b[2K";

QString jsonString(const QByteArray& utf8)
{
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("v"), QString::fromUtf8(utf8)}})
                                 .toJson(QJsonDocument::Compact))
        .mid(5)
        .chopped(1);
}

// A patch from a file: one argument may hold at most 128 KiB.
bool patch(const QString& kind, const QString& name, const QString& body, const QString& type = QStringLiteral("merge"))
{
    QTemporaryFile file;
    if (!file.open() || file.write(body.toUtf8()) < 0 || !file.flush())
        return false;
    const auto r = kubectl(admin, {QStringLiteral("patch"), kind, name, QStringLiteral("-n"), ns,
                                   QStringLiteral("--type=") + type, QStringLiteral("--patch-file"), file.fileName()});
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return r.exitCode == 0;
}

// The slot's pods are its two replicas and no more: a rollout's old pods are gone.
bool settled(const QString& slot)
{
    return QTest::qWaitFor([&slot] { return testsupport::podsOf(slot).size() == 2; }, 60000);
}

// The lines the API server's audit log gained since `from` (bytes), and its size now.
QList<QByteArray> auditSince(qint64 from, qint64* size)
{
    QString why;
    QFile f(testsupport::clusterDir(&why) + QStringLiteral("/logs/audit.log"));
    if (!f.open(QIODevice::ReadOnly)) {
        *size = -1;
        return {};
    }
    *size = f.size();
    f.seek(from);
    return f.readAll().split('\n');
}

void restore()
{
    kubectl(admin, {QStringLiteral("annotate"), QStringLiteral("pods"), QStringLiteral("--all"), QStringLiteral("-n"),
                    ns, QStringLiteral("test.signalbox.v-sekai.org/health-message-")});
    QVERIFY(testsupport::applyExample());
    QVERIFY(testsupport::setExampleSlots());
    for (const char* s : {"uro", "uro-frontend"})
        kubectl(admin, {QStringLiteral("annotate"), QStringLiteral("service"), QLatin1String(s), QStringLiteral("-n"),
                        ns, QStringLiteral("signalbox.v-sekai.org/history-"),
                        QStringLiteral("signalbox.v-sekai.org/health-path-")});
    // The example's template of uro-b again (apply keeps annotations it did not set: drop them).
    kubectl(
        admin,
        {QStringLiteral("patch"), QStringLiteral("deployment"), QStringLiteral("uro-b"), QStringLiteral("-n"), ns,
         QStringLiteral("--type=json"), QStringLiteral("-p"),
         QStringLiteral(
             R"([{"op":"remove","path":"/spec/template/metadata/annotations/signalbox.v-sekai.org~1image-tag"}])")});
    QVERIFY(rolledOut(QStringLiteral("uro-b")));
    QVERIFY(settled(QStringLiteral("b")));
}

// commitFromTag ran std::regex over the annotation, which recursed once per character.
void aTagOf200000CharactersIsNotATag()
{
    const QString tag = QStringLiteral("_0000000.") + QString(200000, u'0');
    QVERIFY(patch(QStringLiteral("deployment"), QStringLiteral("uro-b"),
                  QStringLiteral(R"([
        {"op":"remove","path":"/spec/template/metadata/annotations/org.opencontainers.image.revision"},
        {"op":"add","path":"/spec/template/metadata/annotations/signalbox.v-sekai.org~1image-tag","value":"%1"},
        {"op":"replace","path":"/spec/template/spec/containers/0/image",
         "value":"ghcr.io/v-sekai/uro@sha256:%2"}])")
                      .arg(tag, QString(64, u'a')),
                  QStringLiteral("json")));
    for (const QStringList& args :
         {QStringList{QStringLiteral("status")},
          QStringList{QStringLiteral("status"), QStringLiteral("uro"), QStringLiteral("-o"), QStringLiteral("json")}}) {
        const auto r = signalbox(QStringLiteral("viewer"), args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("uro"), qPrintable(r.describe()));
    }
}

// ESC ] 52 sets the clipboard, ESC [ 2K erases the line: escaped on the terminal, exact in JSON.
void controlCharactersNeverReachTheTerminal()
{
    const QByteArray image = "ghcr.io/v-sekai/uro:v1" + esc;
    QVERIFY(patch(QStringLiteral("deployment"), QStringLiteral("uro-b"),
                  QStringLiteral(R"({"spec":{"template":{"spec":{"containers":[{"name":"uro","image":%1}]}}}})")
                      .arg(jsonString(image)),
                  QStringLiteral("strategic")));
    // The history is JSON, so ESC is written \u001b there; decoded, it is ESC again.
    const QString e = QString::fromUtf8(esc);
    const QJsonArray history{QJsonObject{
        {QStringLiteral("at"), QStringLiteral("2026-12-06T05:45:08Z")},
        {QStringLiteral("user"), QStringLiteral("alice") + e},
        {QStringLiteral("action"), QStringLiteral("swap")},
        {QStringLiteral("service"), QStringLiteral("uro")},
        {QStringLiteral("from"), QJsonObject{{QStringLiteral("slot"), QStringLiteral("a")},
                                             {QStringLiteral("image"), QStringLiteral("ghcr.io/v-sekai/uro:a") + e}}},
        {QStringLiteral("to"),
         QJsonObject{{QStringLiteral("slot"), QStringLiteral("b")}, {QStringLiteral("image"), QStringLiteral("b")}}}}};
    const QByteArray entry = QJsonDocument(history).toJson(QJsonDocument::Compact);
    QVERIFY(patch(
        QStringLiteral("service"), QStringLiteral("uro"),
        QStringLiteral(R"({"metadata":{"annotations":{"signalbox.v-sekai.org/history":%1}}})").arg(jsonString(entry))));
    QVERIFY(rolledOut(QStringLiteral("uro-b")));
    QVERIFY(settled(QStringLiteral("b")));
    QVERIFY(annotatePods(QStringLiteral("b"),
                         QStringLiteral("test.signalbox.v-sekai.org/health-message=down") + QString::fromUtf8(esc)));

    struct Case {
        QStringList args;
        QByteArray shows; // what the output must hold, escaped
    };
    const QList<Case> cases = {
        {{QStringLiteral("status")}, "\\x1b]52;c;aGVsbG8=\\x07\\x1b[2K"},
        {{QStringLiteral("history"), QStringLiteral("uro")}, "alice\\x1b]52"},
        {{QStringLiteral("check"), QStringLiteral("uro"), QStringLiteral("--slot"), QStringLiteral("staging")},
         "down\\x1b]52"},
        {{QStringLiteral("swap"), QStringLiteral("uro")}, "uro:v1\\x1b]52"}, // the plan, refused by the check
    };
    for (const Case& c : cases) {
        const auto r = signalbox(QStringLiteral("operator"), c.args);
        QVERIFY2(!r.out.contains('\x1b') && !r.err.contains('\x1b') && !r.out.contains('\x07') &&
                     !r.err.contains('\x07'),
                 qPrintable(c.args.join(u' ') + QStringLiteral(": a control byte reached the terminal")));
        QVERIFY2((r.out + r.err).contains(c.shows), qPrintable(c.args.join(u' ') + QLatin1Char('\n') + r.describe()));
    }
    // -o json stays exact: the string decodes to the bytes that were written.
    const auto json = signalbox(QStringLiteral("operator"), {QStringLiteral("history"), QStringLiteral("uro"),
                                                             QStringLiteral("-o"), QStringLiteral("json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonDocument doc = QJsonDocument::fromJson(json.out);
    QVERIFY2(doc.isArray(), json.out.constData());
    QCOMPARE(doc.array().first().toObject().value(QStringLiteral("user")).toString().toUtf8(), "alice" + esc);
}

// libcurl removed the dot segments, and the operator's token asked the API server for Secrets.
void aHealthPathThatClimbsOutOfTheProxyIsRefusedBeforeAnyRequest()
{
    QVERIFY(patch(QStringLiteral("service"), QStringLiteral("uro"),
                  QStringLiteral(R"({"metadata":{"annotations":{"signalbox.v-sekai.org/health-path":
                      "/../../../../../../../../../api/v1/namespaces/uro/secrets"}}})")));
    qint64 before = 0;
    auditSince(0, &before);
    QVERIFY2(before >= 0, "the rig writes no audit log: scripts/test starts it with SIGNALBOX_CLUSTER_AUDIT=1");
    const auto r = signalbox(QStringLiteral("operator"), {QStringLiteral("check"), QStringLiteral("uro")});
    QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
    QVERIFY2(r.out.contains("signalbox.v-sekai.org/health-path on Service uro is refused: it holds a \"..\" "
                            "segment"),
             qPrintable(r.describe()));
    // The audit log has the check's reads (the Services, Deployments, pods) and nothing through
    // a proxy, nothing about Secrets.
    qint64 after = 0;
    int ours = 0;
    for (const QByteArray& line : auditSince(before, &after)) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        if (e.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString() !=
            QLatin1String("operator"))
            continue;
        ++ours;
        const QString uri = e.value(QStringLiteral("requestURI")).toString();
        QVERIFY2(!uri.contains(QStringLiteral("/proxy")) && !uri.contains(QStringLiteral("secrets")), qPrintable(uri));
    }
    QVERIFY2(ours > 0, "the audit log shows none of the check's reads: it cannot vouch for what was not sent");
    // Percent-encoded dots are dots too.
    QVERIFY(patch(QStringLiteral("service"), QStringLiteral("uro"),
                  QStringLiteral(R"({"metadata":{"annotations":{"signalbox.v-sekai.org/health-path":
                      "/%2e%2E/%2e%2e/api/v1/namespaces/uro/secrets"}}})")));
    const auto encoded = signalbox(QStringLiteral("operator"), {QStringLiteral("check"), QStringLiteral("uro")});
    QVERIFY2(encoded.exitCode == 6 && encoded.out.contains("is refused"), qPrintable(encoded.describe()));
}

// The app's message was cut at byte 300, inside a character; dump() then threw out of a Qt
// callback and the process ended in std::terminate.
void anAppsMessageCutInsideACharacterNeitherAbortsNorBreaksJson()
{
    const QString message = QString(299, u'x') + QStringLiteral("é and more");
    QVERIFY(annotatePods(QStringLiteral("b"), QStringLiteral("test.signalbox.v-sekai.org/health-message=") + message));
    const auto check = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("check"), QStringLiteral("uro"), QStringLiteral("--slot"),
                                  QStringLiteral("staging"), QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(check.exitCode == 6, qPrintable(check.describe()));
    QJsonParseError error;
    QJsonDocument::fromJson(check.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + check.describe()));
    QVERIFY(check.out.contains(QByteArray(290, 'x')));

    // The plan, refused by the failing check, as JSON.
    const auto plan = signalbox(QStringLiteral("operator"), {QStringLiteral("swap"), QStringLiteral("uro"),
                                                             QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(plan.exitCode == 3, qPrintable(plan.describe()));
    QJsonDocument::fromJson(plan.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + plan.describe()));

    // Swapped anyway, the new live slot fails its check; the watch says so to the webhook.
    testsupport::WebhookReceiver webhook;
    QVERIFY(webhook.isListening());
    // The webhook lives on this thread's event loop: wait with it running.
    const auto swap = signalbox(QStringLiteral("operator"),
                                {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                                 QStringLiteral("--skip-health-check"), QStringLiteral("--watch"),
                                 QStringLiteral("30s"), QStringLiteral("--notify"), webhook.url()},
                                testsupport::withEventLoop(90000));
    QVERIFY2(swap.exitCode == 6, qPrintable(swap.describe()));
    QCOMPARE(webhook.requests().size(), 1);
    const QString told = webhook.contents().value(0);
    QVERIFY2(told.contains(QString(290, u'x')), qPrintable(told));
}

} // namespace

// The steps live outside the class: moc's tokenizer trips on the raw strings they hold.
class TestHostile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        restore();
    }
    void cleanupTestCase() { restore(); }
    void init() { restore(); }
    void aTagOf200000CharactersIsNotATag() { ::aTagOf200000CharactersIsNotATag(); }
    void controlCharactersNeverReachTheTerminal() { ::controlCharactersNeverReachTheTerminal(); }
    void aHealthPathThatClimbsOutOfTheProxyIsRefusedBeforeAnyRequest()
    {
        ::aHealthPathThatClimbsOutOfTheProxyIsRefusedBeforeAnyRequest();
    }
    void anAppsMessageCutInsideACharacterNeitherAbortsNorBreaksJson()
    {
        ::anAppsMessageCutInsideACharacterNeitherAbortsNorBreaksJson();
    }
};

QTEST_MAIN(TestHostile)
#include "tst_hostile.moc"
