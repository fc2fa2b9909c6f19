// The app's health check against the rig's pod app (every pod IP answers GET /health as the pod's
// annotation test.signalbox.v-sekai.org/health says): `signalbox check` per pod and per Service,
// exit 6 naming a failing pod, a slow pod's timeout, a reset connection, the viewer who may use the
// proxy and the deployer who may not, and the gate before the swap with --skip-health-check.
#include "model/actions/swap.h"
#include "model/state/servicelookup.h"
#include "support/cluster.h"
#include "support/kubetest.h"
#include "support/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using testsupport::kubectl;
using testsupport::podsOf;
using testsupport::selectorOf;
using testsupport::signalbox;

namespace {

const QString ns = QStringLiteral("uro");
const QString historyKey = QStringLiteral("signalbox.v-sekai.org/history");

// `check` until it exits with `code` (the pod app takes up a changed annotation within a second).
testsupport::ProcessResult checkUntil(const QString& user, const QStringList& args, int code)
{
    testsupport::ProcessResult last;
    // The caller says what it expected: `last` is what it gets either way.
    [[maybe_unused]] const bool reached = QTest::qWaitFor(
        [&] {
            last = signalbox(user, QStringList{QStringLiteral("check")} + args);
            return last.exitCode == code;
        },
        20000);
    return last;
}

} // namespace

class TestHealth : public QObject {
    Q_OBJECT

    void restore()
    {
        // Every pod answers again, the example's Services and annotations are back, live on A.
        kubectl(QStringLiteral("admin"), {QStringLiteral("annotate"), QStringLiteral("pods"), QStringLiteral("--all"),
                                          QStringLiteral("-n"), ns, testsupport::podHealthKey + QLatin1Char('-')});
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::setExampleSlots());
        for (const char* s : {"uro", "uro-frontend"})
            QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QLatin1String(s)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        restore();
        QVERIFY(testsupport::exampleRolledOut());
    }

    void init() { restore(); }
    void cleanupTestCase() { restore(); }

    void everyPodAnswers()
    {
        const auto r = checkUntil(QStringLiteral("viewer"), {QStringLiteral("uro")}, 0);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("uro: GET /health on port 4000, expecting 200 within 2 s "
                                                     "(annotations on Service uro)")),
                 qPrintable(r.describe()));
        const QStringList a = podsOf(QStringLiteral("a"));
        const QStringList b = podsOf(QStringLiteral("b"));
        QCOMPARE(a.size(), 2);
        QCOMPARE(b.size(), 2);
        for (const QString& pod : a + b) {
            const QRegularExpression line(QStringLiteral("pod %1 +ok +answered 200 in \\d+ ms").arg(pod));
            QVERIFY2(r.outText().contains(line), qPrintable(pod + "\n" + r.describe()));
        }
        QVERIFY2(r.outText().contains(QStringLiteral("live, slot A (uro-a):")), qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("staging, slot B (uro-b):")), qPrintable(r.describe()));
        // The Services are asked through their own proxy; the answer says which pod served it.
        QVERIFY2(
            r.outText().contains(QRegularExpression(QStringLiteral("Service uro +ok +answered 200 in \\d+ ms \\(served "
                                                                   "by uro-a-"))),
            qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QRegularExpression(
                     QStringLiteral("Service uro-staging +ok +answered 200 in \\d+ ms \\(served by uro-b-"))),
                 qPrintable(r.describe()));

        // The frontend's check (port 3000) and one slot only.
        const auto f = signalbox(QStringLiteral("viewer"), {QStringLiteral("check"), QStringLiteral("uro-frontend"),
                                                            QStringLiteral("--slot"), QStringLiteral("b")});
        QVERIFY2(f.exitCode == 0, qPrintable(f.describe()));
        QVERIFY(f.outText().contains(QStringLiteral("on port 3000")));
        for (const QString& pod : podsOf(QStringLiteral("b"), QStringLiteral("uro-frontend")))
            QVERIFY2(f.outText().contains(QStringLiteral("pod ") + pod), qPrintable(f.describe()));
        for (const QString& pod : podsOf(QStringLiteral("a"), QStringLiteral("uro-frontend")))
            QVERIFY2(!f.outText().contains(pod), qPrintable(f.describe()));

        // -o json: the same, for machines.
        const auto j = signalbox(QStringLiteral("viewer"), {QStringLiteral("check"), QStringLiteral("uro"),
                                                            QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(j.exitCode == 0, qPrintable(j.describe()));
        const QJsonObject doc = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(doc.value(QStringLiteral("healthy")).toBool(), true);
        QCOMPARE(doc.value(QStringLiteral("check")).toObject().value(QStringLiteral("port")).toString(),
                 QStringLiteral("4000"));
        const QJsonArray slots = doc.value(QStringLiteral("slots")).toArray();
        QCOMPARE(slots.size(), 2);
        QStringList asked;
        for (const auto& s : slots)
            for (const auto& p : s.toObject().value(QStringLiteral("pods")).toArray()) {
                asked << p.toObject().value(QStringLiteral("target")).toString();
                QCOMPARE(p.toObject().value(QStringLiteral("status")).toInt(), 200);
            }
        asked.sort();
        QStringList all = a + b;
        all.sort();
        QCOMPARE(asked, all);
    }

    void failingPodExitsSix()
    {
        const QString pod = podsOf(QStringLiteral("b")).value(1);
        QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("fail")));
        const auto r = checkUntil(QStringLiteral("viewer"), {QStringLiteral("uro")}, 6);
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("uro is unhealthy: %1 answered 500, expected 200").arg(pod)),
                 qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(
                     QRegularExpression(QStringLiteral("pod %1 +FAIL +answered 500, expected 200").arg(pod))),
                 qPrintable(r.describe()));
        // The live slot alone is healthy.
        const auto live = signalbox(QStringLiteral("viewer"), {QStringLiteral("check"), QStringLiteral("uro"),
                                                               QStringLiteral("--slot"), QStringLiteral("live")});
        QVERIFY2(live.exitCode == 0, qPrintable(live.describe()));
    }

    void slowPodTimesOut()
    {
        const QString pod = podsOf(QStringLiteral("a")).value(0);
        QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("slow")));
        const auto r = checkUntil(QStringLiteral("viewer"),
                                  {QStringLiteral("uro"), QStringLiteral("--slot"), QStringLiteral("a")}, 6);
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(
                     QRegularExpression(QStringLiteral("pod %1 +FAIL +did not answer within 2 s").arg(pod))),
                 qPrintable(r.describe()));
    }

    void resetIsReportedAsSuch()
    {
        const QString pod = podsOf(QStringLiteral("b")).value(0);
        QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("reset")));
        const auto r = checkUntil(QStringLiteral("viewer"),
                                  {QStringLiteral("uro"), QStringLiteral("--slot"), QStringLiteral("staging")}, 6);
        QVERIFY2(r.exitCode == 6, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QRegularExpression(
                     QStringLiteral("pod %1 +FAIL +closed the connection without answering").arg(pod))),
                 qPrintable(r.describe()));
    }

    void withoutTheProxyGrantTheUserIsTold()
    {
        // The deployer (CI) reads the namespace but was not granted pods/proxy.
        const auto r = signalbox(QStringLiteral("deployer"), {QStringLiteral("check"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 4, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral(
                     "you may not ask pods through the API server's proxy in namespace uro (get on pods/proxy)")),
                 qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("Ask a cluster administrator")), qPrintable(r.describe()));
        QVERIFY2(!r.outText().contains(QStringLiteral(" ok ")), qPrintable(r.describe()));
    }

    void noHealthCheckIsSaidPlainly()
    {
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("annotate"), QStringLiteral("service"), QStringLiteral("uro-frontend"),
                 QStringLiteral("-n"), ns, QStringLiteral("signalbox.v-sekai.org/health-port-"),
                 QStringLiteral("signalbox.v-sekai.org/health-path-")});
        const auto r = signalbox(QStringLiteral("viewer"), {QStringLiteral("check"), QStringLiteral("uro-frontend")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral(
                     "uro-frontend has no health check: set the annotation signalbox.v-sekai.org/health-port on "
                     "Service uro-frontend or health: in services.yaml")),
                 qPrintable(r.describe()));

        // The configuration file alone gives it one.
        QTemporaryDir dir;
        QFile config(dir.filePath(QStringLiteral("services.yaml")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("services:\n- name: uro-frontend\n  namespace: uro\n  group: uro\n"
                     "  health: {port: http, path: /health, timeoutSeconds: 3}\n");
        config.close();
        const auto c = signalbox(QStringLiteral("viewer"), {QStringLiteral("check"), QStringLiteral("uro-frontend"),
                                                            QStringLiteral("--config"), config.fileName()});
        QVERIFY2(c.exitCode == 0, qPrintable(c.describe()));
        QVERIFY2(
            c.outText().contains(QStringLiteral("on port http, expecting 200 within 3 s (the configuration file)")),
            qPrintable(c.describe()));
    }

    void failingStagingPodRefusesTheSwap()
    {
        const QString pod = podsOf(QStringLiteral("b")).value(0);
        QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("fail")));
        QVERIFY(checkUntil(QStringLiteral("viewer"), {QStringLiteral("uro")}, 6).exitCode == 6);
        const auto r = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY2(
            r.errText().contains(QStringLiteral("Every staging pod of uro answers the health check (%1 answered 500, "
                                                "expected 200)")
                                     .arg(pod)),
            qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("--skip-health-check")), qPrintable(r.describe()));
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(selectorOf(s), QStringLiteral("a"));
            QCOMPARE(selectorOf(s + QStringLiteral("-staging")), QStringLiteral("b"));
        }
        QVERIFY(testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro")).isEmpty());
    }

    void skipHealthCheckSwapsAndIsRecorded()
    {
        const QString pod = podsOf(QStringLiteral("b")).value(0);
        QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("fail")));
        QVERIFY(checkUntil(QStringLiteral("viewer"), {QStringLiteral("uro")}, 6).exitCode == 6);
        const auto r =
            signalbox(QStringLiteral("operator"), {QStringLiteral("swap"), QStringLiteral("uro"),
                                                   QStringLiteral("--yes"), QStringLiteral("--skip-health-check")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("skipped, as you chose (%1 answered 500, expected 200)").arg(pod)),
                 qPrintable(r.describe()));
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(selectorOf(QStringLiteral("uro-frontend")), QStringLiteral("b"));
        const auto h = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        QVERIFY2(h.exitCode == 0, qPrintable(h.describe()));
        QVERIFY2(h.outText().contains(QStringLiteral("health check skipped")), qPrintable(h.describe()));
        const auto hj = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro"),
                                                             QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonArray entries = QJsonDocument::fromJson(hj.out).array();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.at(0).toObject().value(QStringLiteral("healthCheck")).toString(), QStringLiteral("skipped"));
        // The frontend's pods all answered: its entry says so.
        const auto fj = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro-frontend"),
                                                             QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(
            QJsonDocument::fromJson(fj.out).array().at(0).toObject().value(QStringLiteral("healthCheck")).toString(),
            QStringLiteral("passed"));
    }

    void healthySwapRecordsPassed()
    {
        QVERIFY(checkUntil(QStringLiteral("viewer"), {QStringLiteral("uro")}, 0).exitCode == 0);
        const auto r = signalbox(QStringLiteral("operator"),
                                 {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(
                     QStringLiteral("ok   uro: Every staging pod of uro answers the health check (GET /health "
                                    "on port 4000: 2 of 2 answered 200)")),
                 qPrintable(r.describe()));
        const auto h = signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        QVERIFY2(h.outText().contains(QStringLiteral("health check passed")), qPrintable(h.describe()));
        // A rollback is not gated: with the old release's pods failing now, it still goes back.
        for (const QString& pod : podsOf(QStringLiteral("a")))
            QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("fail")));
        QVERIFY(checkUntil(QStringLiteral("viewer"),
                           {QStringLiteral("uro"), QStringLiteral("--slot"), QStringLiteral("a")}, 6)
                    .exitCode == 6);
        const auto back = signalbox(QStringLiteral("operator"),
                                    {QStringLiteral("rollback"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(back.exitCode == 0, qPrintable(back.describe()));
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a"));
    }

    // The check is taken again when the confirmed plan is carried out: a staging pod that stopped
    // answering after the confirm refuses the swap, and nothing moves.
    void healthIsAskedAgainAtExecute()
    {
        QVERIFY(checkUntil(QStringLiteral("viewer"), {QStringLiteral("uro")}, 0).exitCode == 0);
        kube::Transport transport;
        auto rc = kubetest::restConfigFor(QStringLiteral("operator"));
        QVERIFY(rc.ok());
        kube::Client client(rc.value(), &transport);
        auto found = kubetest::await<std::vector<model::ServiceSpec>>(
            [&](auto cb) { model::lookupServices(&client, {}, "uro", cb); });
        QVERIFY(found && *found);
        model::Swapper swapper(&client, model::groupOf(found->value(), "uro"));
        std::optional<model::SwapPlan> confirmed;
        swapper.plan({model::SwapPlan::Kind::Swap, "uro"}, [&](model::SwapPlan p) { confirmed = std::move(p); });
        QVERIFY(QTest::qWaitFor([&] { return confirmed.has_value(); }, 30000));
        QVERIFY2(confirmed->allowed(), confirmed->describe().c_str());

        const QString pod = podsOf(QStringLiteral("b")).value(1);
        QVERIFY(testsupport::setPodHealth(pod, QStringLiteral("fail")));
        QVERIFY(checkUntil(QStringLiteral("viewer"),
                           {QStringLiteral("uro"), QStringLiteral("--slot"), QStringLiteral("staging")}, 6)
                    .exitCode == 6);
        std::optional<model::SwapOutcome> outcome;
        swapper.execute(
            *confirmed, [](const std::string&) {}, [&](model::SwapOutcome o) { outcome = std::move(o); });
        QVERIFY(QTest::qWaitFor([&] { return outcome.has_value(); }, 60000));
        QCOMPARE(int(outcome->status), int(model::SwapOutcome::Status::Refused));
        QVERIFY2(outcome->message.find(pod.toStdString() + " answered 500, expected 200") != std::string::npos,
                 outcome->message.c_str());
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(selectorOf(s), QStringLiteral("a"));
            QCOMPARE(selectorOf(s + QStringLiteral("-staging")), QStringLiteral("b"));
        }
    }
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
