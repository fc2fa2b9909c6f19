// Smoke requests against the rig's staging slot (the pod app answers any path by the pods'
// annotation test.signalbox.v-sekai.org/error-ratio, every fifth request failing at 0.2): `signalbox
// smoke` shows the failures and exits 6; the swap's gate refuses with the smoke check named and nothing
// moves; --skip-smoke goes through and the history records the skip; a clean staging passes; a user
// without services/proxy is told once, by name; what the app wrote shows as plain text.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using testsupport::kubectl;
using testsupport::podsOf;
using testsupport::selectorOf;
using testsupport::signalbox;

namespace {

const QString ns = QStringLiteral("uro");
const QString smokeKey = QStringLiteral("signalbox.v-sekai.org/smoke");
const QString errorRatioKey = QStringLiteral("test.signalbox.v-sekai.org/error-ratio");
const QString messageKey = QStringLiteral("test.signalbox.v-sekai.org/health-message");

// The pod template of slot B (staging) with or without the error ratio, rolled out.
bool setStagingErrorRatio(const QString& ratio)
{
    const QString value = ratio.isEmpty() ? QStringLiteral("null") : QLatin1Char('"') + ratio + QLatin1Char('"');
    const auto r =
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("patch"), QStringLiteral("deployment"), QStringLiteral("uro-b"), QStringLiteral("-n"),
                 ns, QStringLiteral("--type"), QStringLiteral("merge"), QStringLiteral("-p"),
                 QStringLiteral("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"%1\":%2}}}}}")
                     .arg(errorRatioKey, value)});
    if (r.exitCode != 0) {
        qWarning("%s", qPrintable(r.describe()));
        return false;
    }
    // Rolled out, and no pod of the old template left behind the staging Service.
    return QTest::qWaitFor(
        [&] {
            if (!testsupport::rolledOut(QStringLiteral("uro-b")))
                return false;
            const QStringList pods = podsOf(QStringLiteral("b"));
            return pods.size() == 2 && std::all_of(pods.begin(), pods.end(), [&](const QString& pod) {
                       return testsupport::field(QStringLiteral("pod"), pod,
                                                 QStringLiteral("{.metadata.annotations.test\\.signalbox\\.v-sekai\\."
                                                                "org/error-ratio}")) == ratio;
                   });
        },
        120000);
}

// The live Service asks for `lines` (one smoke request a line); empty removes the annotation.
bool setSmoke(const QString& lines)
{
    const auto r =
        kubectl(QStringLiteral("admin"), {QStringLiteral("annotate"), QStringLiteral("--overwrite"),
                                          QStringLiteral("service"), QStringLiteral("uro"), QStringLiteral("-n"), ns,
                                          lines.isEmpty() ? smokeKey + u'-' : smokeKey + u'=' + lines});
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return r.exitCode == 0;
}

// Ten requests: the annotation lists one request a line, each sent once.
QString tenShards()
{
    QStringList lines;
    for (int i = 0; i < 10; ++i)
        lines << QStringLiteral("GET /api/v1/shards 200");
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestSmoke : public QObject {
    Q_OBJECT

    void restore()
    {
        // No smoke requests, a staging without injected failures, the example's Services, roles and
        // slots back, and no history.
        QVERIFY(testsupport::applyExample());
        QVERIFY(setSmoke({}));
        QVERIFY(testsupport::clearPodHealth());
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), messageKey + u'-'));
        QVERIFY(testsupport::setExampleSlots());
        for (const char* s : {"uro", "uro-frontend"})
            QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QLatin1String(s)));
        QVERIFY(setStagingErrorRatio({}));
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        restore();
        QVERIFY(testsupport::exampleRolledOut());
    }

    void init() { restore(); }

    void cleanupTestCase()
    {
        restore();
        QVERIFY(testsupport::exampleRolledOut());
    }

    void noSmokeRequestsIsSaidPlainly()
    {
        const auto r = signalbox(QStringLiteral("operator"), {QStringLiteral("smoke"), QStringLiteral("uro")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("uro has no smoke requests: set the annotation "
                                                     "signalbox.v-sekai.org/smoke on Service uro")),
                 qPrintable(r.describe()));
        // And the swap's gate has no smoke check.
        const auto s = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(s.exitCode == 0, qPrintable(s.describe()));
        QVERIFY2(!s.outText().contains(QStringLiteral("Smoke requests")), qPrintable(s.describe()));
    }

    void cleanStagingPasses()
    {
        QVERIFY(setSmoke(tenShards()));
        const auto r = signalbox(QStringLiteral("operator"), {QStringLiteral("smoke"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("uro: 10 smoke requests × 1 to Service uro-staging port ")),
                 qPrintable(r.describe()));
        QCOMPARE(r.outText().count(QRegularExpression(QStringLiteral("ok +200 +\\d+ ms +GET /api/v1/shards answered "
                                                                     "200 in \\d+ ms"))),
                 10);
        QVERIFY2(r.outText().contains(QRegularExpression(
                     QStringLiteral("GET /api/v1/shards: 1 passed, 0 failed, p50 \\d+ ms, max \\d+ ms"))),
                 qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("all: 10 passed, 0 failed of 10")), qPrintable(r.describe()));
        const auto j = signalbox(QStringLiteral("operator"), {QStringLiteral("smoke"), QStringLiteral("uro"),
                                                              QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(j.exitCode == 0, qPrintable(j.describe()));
        const QJsonObject doc = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(doc.value(QStringLiteral("passed")).toBool(), true);
        QCOMPARE(doc.value(QStringLiteral("failures")).toInt(), 0);
        QCOMPARE(doc.value(QStringLiteral("answers")).toArray().size(), 10);
        QCOMPARE(doc.value(QStringLiteral("stagingService")).toString(), QStringLiteral("uro-staging"));

        // The swap's gate asks them too, and passes.
        const auto s = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(s.exitCode == 0, qPrintable(s.describe()));
        QVERIFY2(s.outText().contains(QStringLiteral("Smoke requests to staging pass (10 of 10 to uro-staging "
                                                     "answered as expected)")),
                 qPrintable(s.describe()));
        const auto h = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro"),
                                                            QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonObject entry = QJsonDocument::fromJson(h.out).array().at(0).toObject();
        QCOMPARE(entry.value(QStringLiteral("smokeCheck")).toString(), QStringLiteral("passed"));
        QVERIFY(!entry.contains(QStringLiteral("skipped")));
    }

    void failingStagingShowsFailuresAndExitsSix()
    {
        QVERIFY(setSmoke(tenShards()));
        QVERIFY(setStagingErrorRatio(QStringLiteral("0.2")));
        const auto r = signalbox(QStringLiteral("operator"), {QStringLiteral("smoke"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        // Every fifth request of each pod fails: of ten spread over two pods, one or two.
        const int failed = r.outText().count(QRegularExpression(
            QStringLiteral("FAIL +500 +\\d+ ms +GET /api/v1/shards answered 500 in \\d+ ms, expected 200: "
                           "\\{\"error\":\"injected failure\"\\}")));
        QVERIFY2(failed >= 1 && failed <= 3, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("all: %1 passed, %2 failed of 10").arg(10 - failed).arg(failed)),
                 qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("uro's staging fails its smoke requests: %1 of 10 failed; the "
                                                     "first: GET /api/v1/shards answered 500")
                                          .arg(failed)),
                 qPrintable(r.describe()));
    }

    void failingSmokeRefusesTheSwapAndSkipGoesThrough()
    {
        QVERIFY(setSmoke(tenShards()));
        QVERIFY(setStagingErrorRatio(QStringLiteral("0.2")));
        const auto r = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("refused: uro: Smoke requests to staging pass (")),
                 qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("failed; the first: GET /api/v1/shards answered 500")),
                 qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("To swap without the smoke requests, run it again with "
                                                     "--skip-smoke.")),
                 qPrintable(r.describe()));
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(selectorOf(s), QStringLiteral("a"));
            QCOMPARE(selectorOf(s + QStringLiteral("-staging")), QStringLiteral("b"));
        }
        QVERIFY(testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro")).isEmpty());

        const auto skip =
            signalbox(QStringLiteral("operator"), {QStringLiteral("swap"), QStringLiteral("uro"),
                                                   QStringLiteral("--yes"), QStringLiteral("--skip-smoke")});
        QVERIFY2(skip.exitCode == 0, qPrintable(skip.describe()));
        QVERIFY2(skip.outText().contains(QStringLiteral("Smoke requests to staging pass: skipped, as you chose (")),
                 qPrintable(skip.describe()));
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(selectorOf(QStringLiteral("uro-frontend")), QStringLiteral("b"));
        const auto h = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        QVERIFY2(h.outText().contains(QStringLiteral("smoke skipped")), qPrintable(h.describe()));
        const auto hj = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro"),
                                                             QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonArray entries = QJsonDocument::fromJson(hj.out).array();
        QCOMPARE(entries.size(), 1);
        const QJsonObject entry = entries.at(0).toObject();
        QCOMPARE(entry.value(QStringLiteral("smokeCheck")).toString(), QStringLiteral("skipped"));
        QCOMPARE(entry.value(QStringLiteral("skipped")).toArray(), QJsonArray{QStringLiteral("smoke")});
    }

    // A user whose role lacks services/proxy (here the viewer's, cut down for the test) is told once.
    void withoutServicesProxyTheUserIsToldOnce()
    {
        QVERIFY(setSmoke(tenShards()));
        const auto cut =
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("patch"), QStringLiteral("role"), QStringLiteral("signalbox-health"),
                     QStringLiteral("-n"), ns, QStringLiteral("--type"), QStringLiteral("json"), QStringLiteral("-p"),
                     QStringLiteral("[{\"op\":\"replace\",\"path\":\"/rules/0/resources\","
                                    "\"value\":[\"pods/proxy\"]}]")});
        QVERIFY2(cut.exitCode == 0, qPrintable(cut.describe()));
        testsupport::ProcessResult r;
        QVERIFY(QTest::qWaitFor(
            [&] {
                r = signalbox(QStringLiteral("viewer"), {QStringLiteral("smoke"), QStringLiteral("uro")});
                return r.exitCode == 4;
            },
            20000));
        const QString sentence = QStringLiteral("you may not send GET requests through the API server's proxy to "
                                                "Services in namespace uro (get on services/proxy)");
        QVERIFY2(r.errText().count(sentence) == 1, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("Ask a cluster administrator")), qPrintable(r.describe()));
        QVERIFY2(!r.outText().contains(QStringLiteral(" ok ")), qPrintable(r.describe()));
    }

    // What the app wrote (markup, terminal escapes) shows as the characters written, escaped.
    void appTextIsPlainText()
    {
        QVERIFY(setSmoke(QStringLiteral("GET /health 200")));
        const QString message = QStringLiteral("<b>BOLD</b> <img src=x> \x1b]52;c;aGk=\x07\x1b[31mRED");
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), messageKey + u'=' + message));
        testsupport::ProcessResult r;
        QVERIFY(QTest::qWaitFor(
            [&] {
                r = signalbox(QStringLiteral("operator"), {QStringLiteral("smoke"), QStringLiteral("uro")});
                return r.exitCode == 6 && r.outText().contains(QStringLiteral("BOLD"));
            },
            20000));
        QVERIFY2(r.outText().contains(QStringLiteral("<b>BOLD</b> <img src=x> \\x1b]52;c;aGk=\\x07\\x1b[31mRED")),
                 qPrintable(r.describe()));
        QVERIFY2(!r.out.contains('\x1b') && !r.err.contains('\x1b') && !r.out.contains('\x07'),
                 qPrintable(r.describe()));
    }
};

QTEST_GUILESS_MAIN(TestSmoke)
#include "tst_smoke.moc"
