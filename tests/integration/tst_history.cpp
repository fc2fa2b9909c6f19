// What others may write into the cluster cannot crash Signalbox or block a swap: hostile history
// annotations written by the deployer (on a slot Deployment) and by an operator (on the live
// Service) against every command and the console; and an admission webhook of the test's own (a
// small HTTPS server on 127.0.0.1 of the cluster's network namespace, where the API server runs)
// that denies Service patches with a message and no reason. Who wrote an entry: with the
// history-authors policy of deploy/policy/ installed, the API server refuses CI's forgeries of
// "deployed by alice" and its rewrites of older entries, and `history` shows what it admits as
// not vouched; without the policy nothing is.
#include "kube/history.h"
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using testsupport::historyOf;
using testsupport::kubectl;
using testsupport::signalbox;

namespace {

const QString ns = QStringLiteral("uro");
const QString historyKey = QStringLiteral("signalbox.v-sekai.org/history");
const QString authorsKey = QStringLiteral("signalbox.v-sekai.org/history-authors");
const QString webhookName = QStringLiteral("signalbox-test-deny");

QString liveSlot()
{
    return testsupport::selectorOf(QStringLiteral("uro"));
}

// The author lines of a history as written, untrimmed: the tests rewrite them character for character.
QString authors(const QString& kind, const QString& name)
{
    return kubectl(QStringLiteral("admin"),
                   {QStringLiteral("get"), kind, name, QStringLiteral("-n"), ns, QStringLiteral("-o"),
                    QStringLiteral("jsonpath={.metadata.annotations.signalbox\\.v-sekai\\.org/history-authors}")})
        .outText();
}

// Writes `value` as the history annotation of kind/name as `user`, through a patch file: the
// values are larger than one command-line argument may be.
testsupport::ProcessResult writeHistory(const QString& user, const QString& kind, const QString& name,
                                        const QByteArray& value)
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("patch.json")));
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write a patch file");
    const QJsonDocument patch(QJsonObject{
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("annotations"), QJsonObject{{historyKey, QString::fromUtf8(value)}}}}}});
    f.write(patch.toJson(QJsonDocument::Compact));
    f.close();
    return kubectl(user, {QStringLiteral("patch"), kind, name, QStringLiteral("-n"), ns, QStringLiteral("--type"),
                          QStringLiteral("merge"), QStringLiteral("--patch-file"), f.fileName()});
}

// Writes both annotations of a history as `user`, in one merge patch.
testsupport::ProcessResult writeRecord(const QString& user, const QString& kind, const QString& name,
                                       const QString& history, const QString& authors)
{
    const QJsonDocument patch(QJsonObject{
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("annotations"), QJsonObject{{historyKey, history}, {authorsKey, authors}}}}}});
    return kubectl(user, {QStringLiteral("patch"), kind, name, QStringLiteral("-n"), ns, QStringLiteral("--type"),
                          QStringLiteral("merge"), QStringLiteral("-p"),
                          QString::fromUtf8(patch.toJson(QJsonDocument::Compact))});
}

// Waits until a swap of uro would pass its checks (staging fully rolled out): a test that ran before
// may have left a rollout or a restarted API server settling.
bool swapPossible(QString* last)
{
    return QTest::qWaitFor(
        [last] {
            const auto r = signalbox(QStringLiteral("operator"), {QStringLiteral("status"), QStringLiteral("uro")});
            *last = r.describe();
            return r.exitCode == 0 && r.outText().contains("swap possible");
        },
        90000);
}

// The ValidatingWebhookConfiguration for the Services of the test namespace.
QByteArray webhookManifest(const QString& port, const QString& path, const QByteArray& caBundle)
{
    auto list = [](const QString& one) { return QJsonArray{one}; };
    const QJsonObject rule{{QStringLiteral("apiGroups"), list(QString())},
                           {QStringLiteral("apiVersions"), list(QStringLiteral("v1"))},
                           {QStringLiteral("operations"), list(QStringLiteral("UPDATE"))},
                           {QStringLiteral("resources"), list(QStringLiteral("services"))}};
    const QJsonObject webhook{
        {QStringLiteral("name"), QStringLiteral("deny.signalbox.test")},
        {QStringLiteral("clientConfig"),
         QJsonObject{{QStringLiteral("url"), QStringLiteral("https://127.0.0.1:%1%2").arg(port, path)},
                     {QStringLiteral("caBundle"), QString::fromLatin1(caBundle)}}},
        {QStringLiteral("rules"), QJsonArray{rule}},
        {QStringLiteral("namespaceSelector"),
         QJsonObject{
             {QStringLiteral("matchLabels"), QJsonObject{{QStringLiteral("kubernetes.io/metadata.name"), ns}}}}},
        {QStringLiteral("failurePolicy"), QStringLiteral("Fail")},
        {QStringLiteral("sideEffects"), QStringLiteral("None")},
        {QStringLiteral("admissionReviewVersions"), list(QStringLiteral("v1"))},
        {QStringLiteral("timeoutSeconds"), 5}};
    return QJsonDocument(QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("admissionregistration.k8s.io/v1")},
                                     {QStringLiteral("kind"), QStringLiteral("ValidatingWebhookConfiguration")},
                                     {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), webhookName}}},
                                     {QStringLiteral("webhooks"), QJsonArray{webhook}}})
        .toJson();
}

// Entries of every wrong shape for the live Service, one of them a 150 KiB string.
QByteArray hostileLiveHistory()
{
    const QJsonArray entries{
        QJsonObject{{QStringLiteral("at"), 5}, {QStringLiteral("user"), QJsonArray{QStringLiteral("x")}}},
        QStringLiteral("just a string"),
        QJsonObject{{QStringLiteral("at"), QStringLiteral("2026-01-01T00:00:00Z")},
                    {QStringLiteral("action"), QStringLiteral("swap")},
                    {QStringLiteral("from"), QStringLiteral("a")}},
        QString(150 * 1024, QLatin1Char('z'))};
    return QJsonDocument(entries).toJson(QJsonDocument::Compact);
}

} // namespace

class TestHistory : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_webhook;
    QString m_webhookPort;
    QByteArray m_caBundle;
    QString m_stagingImage; // slot B's image before the deploy test

    void restore()
    {
        for (const char* s : {"uro", "uro-frontend"})
            QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QLatin1String(s)));
        for (const char* d : {"uro-a", "uro-b", "uro-frontend-a", "uro-frontend-b"})
            QVERIFY(testsupport::clearHistory(QStringLiteral("deployment"), QLatin1String(d)));
        // The sandboxes too: `history --deploys` lists their deploys, and a test that ran earlier on
        // this control plane may have deployed there.
        for (const char* d : {"uro", "uro-frontend"})
            QVERIFY(testsupport::clearHistory(QStringLiteral("deployment"), QLatin1String(d),
                                              QLatin1String(d) + QStringLiteral("-sandbox")));
        QVERIFY(testsupport::setExampleSlots());
    }

    bool startWebhookServer()
    {
        const QString ca = m_dir.filePath(QStringLiteral("ca.pem")), caKey = m_dir.filePath(QStringLiteral("ca.key"));
        const QString cert = m_dir.filePath(QStringLiteral("tls.pem")), key = m_dir.filePath(QStringLiteral("tls.key"));
        const QString csr = m_dir.filePath(QStringLiteral("tls.csr")), ext = m_dir.filePath(QStringLiteral("san.ext"));
        QFile e(ext);
        if (!e.open(QIODevice::WriteOnly))
            return false;
        e.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        e.close();
        const QString openssl = QStringLiteral("openssl");
        for (const QStringList& args :
             {QStringList{QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                          QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), caKey,
                          QStringLiteral("-out"), ca, QStringLiteral("-days"), QStringLiteral("1"),
                          QStringLiteral("-subj"), QStringLiteral("/CN=signalbox test webhook CA")},
              QStringList{QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                          QStringLiteral("-nodes"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), csr,
                          QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")},
              QStringList{QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr,
                          QStringLiteral("-CA"), ca, QStringLiteral("-CAkey"), caKey, QStringLiteral("-CAcreateserial"),
                          QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("1"),
                          QStringLiteral("-extfile"), ext}}) {
            const auto r = testsupport::run(openssl, args);
            if (r.exitCode != 0) {
                qWarning("%s", qPrintable(r.describe()));
                return false;
            }
        }
        QFile caFile(ca);
        if (!caFile.open(QIODevice::ReadOnly))
            return false;
        m_caBundle = caFile.readAll().toBase64();
        // The API server calls the webhook from inside the cluster's network namespace.
        m_webhook.start(testsupport::sourceDir() + QStringLiteral("/scripts/cluster"),
                        {QStringLiteral("exec"), QStringLiteral("python3"),
                         testsupport::sourceDir() + QStringLiteral("/tests/support/denywebhook.py"), cert, key});
        if (!m_webhook.waitForReadyRead(10000))
            return false;
        m_webhookPort = QString::fromUtf8(m_webhook.readLine()).trimmed();
        return !m_webhookPort.isEmpty();
    }

    // Installs (or changes) the webhook configuration and waits until the API server applies it:
    // a server-side dry run of a Service change is then denied with `expect` in the message.
    bool installWebhook(const QString& path, const QString& expect)
    {
        const auto applied =
            kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                    webhookManifest(m_webhookPort, path, m_caBundle));
        if (applied.exitCode != 0) {
            qWarning("%s", qPrintable(applied.describe()));
            return false;
        }
        return QTest::qWaitFor(
            [&] {
                const auto r =
                    kubectl(QStringLiteral("admin"),
                            {QStringLiteral("annotate"), QStringLiteral("service"), QStringLiteral("uro-staging"),
                             QStringLiteral("-n"), ns, QStringLiteral("--overwrite"),
                             QStringLiteral("signalbox.test/probe=1"), QStringLiteral("--dry-run=server")});
                return r.exitCode != 0 && QString::fromUtf8(r.err).contains(expect);
            },
            30000);
    }

    void removeWebhook()
    {
        kubectl(QStringLiteral("admin"), {QStringLiteral("delete"), QStringLiteral("validatingwebhookconfiguration"),
                                          webhookName, QStringLiteral("--ignore-not-found")});
        // Until the API server has dropped it, Service changes would still be denied.
        const bool dropped = QTest::qWaitFor(
            [] {
                return kubectl(QStringLiteral("admin"),
                               {QStringLiteral("annotate"), QStringLiteral("service"), QStringLiteral("uro-staging"),
                                QStringLiteral("-n"), ns, QStringLiteral("--overwrite"),
                                QStringLiteral("signalbox.test/probe=1"), QStringLiteral("--dry-run=server")})
                           .exitCode == 0;
            },
            30000);
        if (!dropped)
            qWarning("the API server still calls the test webhook after 30 s");
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(m_dir.isValid());
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::exampleRolledOut());
        QString why;
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(false, &why), qPrintable(why));
        restore();
        QString last;
        QVERIFY2(swapPossible(&last), qPrintable(last));
    }

    void cleanup()
    {
        removeWebhook();
        // The policy would refuse the admin's clearing of the histories.
        QString why;
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(false, &why), qPrintable(why));
        restore();
    }

    void cleanupTestCase()
    {
        if (m_webhook.state() != QProcess::NotRunning) {
            m_webhook.kill();
            m_webhook.waitForFinished(5000);
        }
    }

    void hostileHistoryIsSurvivedEverywhere()
    {
        // An operator writes entries of every wrong shape on the live Service, one of them huge; the
        // deployer writes text that is not JSON on slot B's Deployment and nesting on slot A's.
        auto w = writeHistory(QStringLiteral("operator"), QStringLiteral("service"), QStringLiteral("uro"),
                              hostileLiveHistory());
        QVERIFY2(w.exitCode == 0, qPrintable(w.describe()));
        w = writeHistory(QStringLiteral("deployer"), QStringLiteral("deployment"), QStringLiteral("uro-b"),
                         "{{{ this is not JSON");
        QVERIFY2(w.exitCode == 0, qPrintable(w.describe()));
        w = writeHistory(QStringLiteral("deployer"), QStringLiteral("deployment"), QStringLiteral("uro-a"),
                         QByteArray(5000, '[') + QByteArray(5000, ']'));
        QVERIFY2(w.exitCode == 0, qPrintable(w.describe()));

        auto r = signalbox(QStringLiteral("viewer"), {QStringLiteral("status"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0 && r.outText().contains(QStringLiteral("uro: live slot A")), qPrintable(r.describe()));

        r = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        for (const QString& named : {QStringLiteral("unreadable entry: \"at\" is a number, not a string"),
                                     QStringLiteral("unreadable entry: a string, not an object: \"just a string\""),
                                     QStringLiteral("2026-01-01T00:00:00Z  unreadable entry: \"from\" is a string"),
                                     QStringLiteral("unreadable entry: a string, not an object: \"zzz")})
            QVERIFY2(r.outText().contains(named), qPrintable(named + QStringLiteral("\n") + r.describe()));
        QVERIFY(r.out.size() < 4000); // the huge element is named, not printed

        r = signalbox(QStringLiteral("viewer"),
                      {QStringLiteral("history"), QStringLiteral("uro"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QVERIFY2(doc.isArray() && doc.array().size() == 4, qPrintable(r.describe()));
        QVERIFY(doc.array()[0].toObject().contains(QStringLiteral("unreadable")));

        // The console shows the service (and does not crash) with all of it.
        const QString shot = m_dir.filePath(QStringLiteral("console.png"));
        r = signalbox(QStringLiteral("operator"),
                      {QStringLiteral("--screenshot"), shot, QStringLiteral("--service"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(QFile(shot).size() > 0);

        // A swap is not blocked: the history it writes keeps the small foreign entries, replaces the
        // huge one by a marker, and ends with the swap.
        QString last;
        QVERIFY2(swapPossible(&last), qPrintable(last));
        r = signalbox(QStringLiteral("operator"),
                      {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(liveSlot(), QStringLiteral("b"));
        const std::string written = historyOf(QStringLiteral("service"), QStringLiteral("uro")).toStdString();
        QVERIFY2(written.size() < 4000, written.substr(0, 300).c_str());
        auto entries = kube::decodeHistory(written);
        QCOMPARE(entries.size(), std::size_t(5));
        QCOMPARE(entries[0].unreadable, std::string("\"at\" is a number, not a string"));
        QVERIFY2(QString::fromStdString(entries[3].unreadable)
                     .startsWith(QStringLiteral("a string of 153602 characters, too large to keep")),
                 entries[3].unreadable.c_str());
        QVERIFY(entries[4].readable());
        QCOMPARE(entries[4].action, std::string("swap"));
        QCOMPARE(entries[4].user, std::string("operator"));
        QCOMPARE(entries[4].to.slot, std::string("b"));

        // Rollback reads the newest readable entry: the swap just made.
        r = signalbox(QStringLiteral("operator"),
                      {QStringLiteral("rollback"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(liveSlot(), QStringLiteral("a"));

        // The deployer deploys to staging (slot B, whose history is not JSON) by digest.
        m_stagingImage = testsupport::field(QStringLiteral("deployment"), QStringLiteral("uro-b"),
                                            QStringLiteral("{.spec.template.spec.containers[0].image}"));
        const QString pinned = QStringLiteral("ghcr.io/v-sekai/uro@sha256:") + QString(64, QLatin1Char('d'));
        r = signalbox(QStringLiteral("deployer"),
                      {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                       QStringLiteral("staging"), QStringLiteral("--image"), pinned, QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        entries = kube::decodeHistory(historyOf(QStringLiteral("deployment"), QStringLiteral("uro-b")).toStdString());
        QCOMPARE(entries.size(), std::size_t(2));
        QVERIFY2(QString::fromStdString(entries[0].unreadable).startsWith(QStringLiteral("the history is not JSON")),
                 entries[0].unreadable.c_str());
        QCOMPARE(entries[1].action, std::string("deploy"));
        QCOMPARE(entries[1].to.image, pinned.toStdString());

        // Status and the console once more, with everything that was written since.
        r = signalbox(QStringLiteral("viewer"), {QStringLiteral("status"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = signalbox(QStringLiteral("operator"),
                      {QStringLiteral("--screenshot"), shot, QStringLiteral("--service"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        // Put slot B's image back for the tests that follow.
        QVERIFY(kubectl(QStringLiteral("admin"),
                        {QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/uro-b"),
                         QStringLiteral("uro=") + m_stagingImage, QStringLiteral("-n"), ns})
                    .exitCode == 0);
        QVERIFY(testsupport::rolledOut(QStringLiteral("uro-b")));
    }

    void textThatGoEscapesDoesNotBlockASwap()
    {
        // A watch verdict says "candidate <= baseline"; anyone may write "&" or U+2028. The API
        // server tests the history as its own JSON encoding holds it (with "<" as \u003c): a swap
        // sent "<" as is would be refused as "changed since you looked" for ever after.
        const QString result =
            QStringLiteral("failed: error ratio fails candidate <= baseline * 1.2 & <b>bold</b>\u2028\u2029 end");
        const QJsonArray entries{QJsonObject{{QStringLiteral("at"), QStringLiteral("2026-01-01T00:00:00Z")},
                                             {QStringLiteral("action"), QStringLiteral("watch")},
                                             {QStringLiteral("service"), QStringLiteral("uro")},
                                             {QStringLiteral("user"), QStringLiteral("operator")},
                                             {QStringLiteral("result"), result}}};
        const auto w = writeHistory(QStringLiteral("operator"), QStringLiteral("service"), QStringLiteral("uro"),
                                    QJsonDocument(entries).toJson(QJsonDocument::Compact));
        QVERIFY2(w.exitCode == 0, qPrintable(w.describe()));
        QString last;
        QVERIFY2(swapPossible(&last), qPrintable(last));
        const auto r =
            signalbox(QStringLiteral("operator"), {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(liveSlot(), QStringLiteral("b"));
        const auto kept = kube::decodeHistory(historyOf(QStringLiteral("service"), QStringLiteral("uro")).toStdString());
        QCOMPARE(kept.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(kept[0].result), result);
        QCOMPARE(kept[1].action, std::string("swap"));
    }

    void withoutThePolicyAuthorsAreNotChecked()
    {
        QString last;
        QVERIFY2(swapPossible(&last), qPrintable(last));
        auto r = signalbox(QStringLiteral("operator"),
                           {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // Signalbox names itself beside the entry all the same, so that the policy can be added later.
        const QString written = historyOf(QStringLiteral("service"), QStringLiteral("uro"));
        QCOMPARE(kube::decodeHistory(written.toStdString()).size(), std::size_t(1));
        QCOMPARE(authors(QStringLiteral("service"), QStringLiteral("uro")),
                 QStringLiteral("%1 operator").arg(written.size() - 2)); // "[entry]"

        r = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0 && r.outText().contains(QStringLiteral("  operator  swap  slot A")) &&
                     r.outText().contains(QStringLiteral("· author not checked: the policy is not installed")),
                 qPrintable(r.describe()));
        r = signalbox(QStringLiteral("viewer"),
                      {QStringLiteral("history"), QStringLiteral("uro"), QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonObject author =
            QJsonDocument::fromJson(r.out).array().at(0).toObject().value(QStringLiteral("author")).toObject();
        QCOMPARE(author.value(QStringLiteral("check")).toString(), QStringLiteral("policyMissing"));
        QCOMPARE(author.value(QStringLiteral("vouched")).toBool(true), false);
        QCOMPARE(author.value(QStringLiteral("writtenBy")).toString(), QStringLiteral("operator"));
    }

    void theApiServerChecksWhoWroteAnEntry()
    {
        QString why;
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(true, &why), qPrintable(why));
        m_stagingImage = testsupport::field(QStringLiteral("deployment"), QStringLiteral("uro-a"),
                                            QStringLiteral("{.spec.template.spec.containers[0].image}"));

        // What Signalbox writes passes the API server and is vouched for: a swap by the operator
        // (live is then B), a deploy to staging (A) by CI.
        QString last;
        QVERIFY2(swapPossible(&last), qPrintable(last));
        auto r = signalbox(QStringLiteral("operator"),
                           {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString pinned = QStringLiteral("ghcr.io/v-sekai/uro@sha256:") + QString(64, QLatin1Char('d'));
        r = signalbox(QStringLiteral("deployer"),
                      {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                       QStringLiteral("staging"), QStringLiteral("--image"), pinned, QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        r = signalbox(QStringLiteral("viewer"),
                      {QStringLiteral("history"), QStringLiteral("uro"), QStringLiteral("--deploys")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QStringList lines = r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[0].contains(QStringLiteral("  operator  swap  slot A")) &&
                     lines[0].endsWith(QStringLiteral("· checked by the API server: operator wrote it")),
                 qPrintable(r.describe()));
        QVERIFY2(lines[1].contains(QStringLiteral("  deployer  deploy to staging  slot A")) &&
                     lines[1].endsWith(QStringLiteral("· checked by the API server: deployer wrote it")),
                 qPrintable(r.describe()));

        // CI writes "deployed by alice" on slot A's Deployment, as kubectl lets it.
        const QString before = historyOf(QStringLiteral("deployment"), QStringLiteral("uro-a"));
        const QString beforeAuthors = authors(QStringLiteral("deployment"), QStringLiteral("uro-a"));
        QVERIFY2(before.endsWith(QLatin1Char(']')) && beforeAuthors.endsWith(QStringLiteral(" deployer")),
                 qPrintable(before + QStringLiteral("\n") + beforeAuthors));
        const QString forged = QStringLiteral(R"({"action":"deploy","at":"%1","service":"uro","target":"staging",)"
                                              R"("to":{"slot":"a","image":"ghcr.io/v-sekai/uro:evil"},"user":"alice"})")
                                   .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
        const QString withForged = before.chopped(1) + QLatin1Char(',') + forged + QLatin1Char(']');
        const QString line = QStringLiteral("\n%1 ").arg(forged.size());
        //  The history alone (the newest line, CI's own deploy, does not frame the new entry): refused.
        auto w = writeHistory(QStringLiteral("deployer"), QStringLiteral("deployment"), QStringLiteral("uro-a"),
                              withForged.toUtf8());
        QVERIFY2(w.exitCode != 0 && w.err.contains("ValidatingAdmissionPolicy 'signalbox-history-authors'") &&
                     w.err.contains("the newest author line must give the new entry's length"),
                 qPrintable(w.describe()));
        //  Naming alice as its author: refused.
        w = writeRecord(QStringLiteral("deployer"), QStringLiteral("deployment"), QStringLiteral("uro-a"), withForged,
                        beforeAuthors + line + QStringLiteral("alice"));
        QVERIFY2(w.exitCode != 0 && w.err.contains("must name themself"), qPrintable(w.describe()));
        QCOMPARE(historyOf(QStringLiteral("deployment"), QStringLiteral("uro-a")), before);
        //  Naming itself: admitted, and shown as alice's entry written by CI, not vouched.
        const QString deployer = QStringLiteral("deployer");
        w = writeRecord(deployer, QStringLiteral("deployment"), QStringLiteral("uro-a"), withForged,
                        beforeAuthors + line + deployer);
        QVERIFY2(w.exitCode == 0, qPrintable(w.describe()));
        r = signalbox(QStringLiteral("viewer"),
                      {QStringLiteral("history"), QStringLiteral("uro"), QStringLiteral("--deploys")});
        lines = r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 3 && lines[2].contains(QStringLiteral("  alice  deploy to staging")) &&
                     lines[2].endsWith(QStringLiteral("· recorded as alice, written by deployer")),
                 qPrintable(r.describe()));
        r = signalbox(QStringLiteral("viewer"),
                      {QStringLiteral("history"), QStringLiteral("uro"), QStringLiteral("--deploys"),
                       QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonObject author =
            QJsonDocument::fromJson(r.out).array().at(2).toObject().value(QStringLiteral("author")).toObject();
        QCOMPARE(author.value(QStringLiteral("check")).toString(), QStringLiteral("writtenByOther"));
        QCOMPARE(author.value(QStringLiteral("vouched")).toBool(true), false);
        QCOMPARE(author.value(QStringLiteral("writtenBy")).toString(), deployer);

        // Rewriting what was there: the older author line, or the older entry's text, while
        // appending an entry of its own.
        const QString now = historyOf(QStringLiteral("deployment"), QStringLiteral("uro-a"));
        const QString nowAuthors = authors(QStringLiteral("deployment"), QStringLiteral("uro-a"));
        const QString own = QStringLiteral(R"({"action":"note","at":"%1","user":"deployer"})")
                                .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
        const QString appended = now.chopped(1) + QLatin1Char(',') + own + QLatin1Char(']');
        const QString ownLine = QStringLiteral("\n%1 deployer").arg(own.size());
        QString reattributed = nowAuthors;
        reattributed.replace(reattributed.indexOf(QStringLiteral(" deployer")), 9, QStringLiteral(" operator"));
        w = writeRecord(deployer, QStringLiteral("deployment"), QStringLiteral("uro-a"), appended,
                        reattributed + ownLine);
        QVERIFY2(w.exitCode != 0 && w.err.contains("character for character"), qPrintable(w.describe()));
        QString rewritten = appended;
        rewritten.replace(pinned, QStringLiteral("ghcr.io/v-sekai/uro@sha256:") + QString(64, QLatin1Char('e')));
        QVERIFY(rewritten != appended);
        w = writeRecord(deployer, QStringLiteral("deployment"), QStringLiteral("uro-a"), rewritten,
                        nowAuthors + ownLine);
        QVERIFY2(w.exitCode != 0 && w.err.contains("character for character"), qPrintable(w.describe()));
        QCOMPARE(historyOf(QStringLiteral("deployment"), QStringLiteral("uro-a")), now);
        QCOMPARE(authors(QStringLiteral("deployment"), QStringLiteral("uro-a")), nowAuthors);

        // Put slot A's image back for the tests that follow (the swap is undone by cleanup()).
        QVERIFY(kubectl(QStringLiteral("admin"),
                        {QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/uro-a"),
                         QStringLiteral("uro=") + m_stagingImage, QStringLiteral("-n"), ns})
                    .exitCode == 0);
        QVERIFY(testsupport::rolledOut(QStringLiteral("uro-a")));
    }

    void aWebhookDenialIsReportedWithItsMessage_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::newRow("message only (HTTP 400, no reason)")
            << QStringLiteral("/deny") << QStringLiteral("swaps of uro are frozen by the test webhook");
        QTest::newRow("code 403, no reason")
            << QStringLiteral("/deny403") << QStringLiteral("change freeze declared by the test webhook");
    }

    void aWebhookDenialIsReportedWithItsMessage()
    {
        QFETCH(QString, path);
        QFETCH(QString, message);
        if (m_webhookPort.isEmpty())
            QVERIFY(startWebhookServer());
        QVERIFY2(installWebhook(path, message), "the API server did not start calling the test webhook");
        QCOMPARE(liveSlot(), QStringLiteral("a"));
        const auto r = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode > 0, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("admission webhook \"deny.signalbox.test\" denied the request: ") +
                                      message),
                 qPrintable(r.describe()));
        QVERIFY2(!r.errText().contains(QStringLiteral("may not patch")), qPrintable(r.describe()));
        QCOMPARE(liveSlot(), QStringLiteral("a"));
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro-staging")), QStringLiteral("b"));
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
