// The watch after a swap, through the command line against the local control plane and its pod
// network: pods that keep answering hold the window (exit 0, "held" in the history); pods that
// start failing their health check make the watch fail (exit 6), and with --rollback-on-failure
// live goes back where it was and the history says why.
#include "kube/history.h"
#include "support/testsupport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using testsupport::kubectl;

namespace {

const QString healthKey = QStringLiteral("test.signalbox.v-sekai.org/health");

QString selectorOf(const QString& service)
{
    const auto r =
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("get"), QStringLiteral("service"), service, QStringLiteral("-n"), QStringLiteral("uro"),
                 QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.selector.signalbox\\.v-sekai\\.org/slot}")});
    return QString::fromUtf8(r.out).trimmed();
}

void setSlots(const QString& service, const QString& live, const QString& staging)
{
    const QString patch = QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"%1"}}})");
    QCOMPARE(kubectl(QStringLiteral("admin"),
                     {QStringLiteral("patch"), QStringLiteral("service"), service, QStringLiteral("-n"),
                      QStringLiteral("uro"), QStringLiteral("-p"), patch.arg(live)})
                 .exitCode,
             0);
    QCOMPARE(kubectl(QStringLiteral("admin"),
                     {QStringLiteral("patch"), QStringLiteral("service"), service + QStringLiteral("-staging"),
                      QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("-p"), patch.arg(staging)})
                 .exitCode,
             0);
}

std::vector<kube::HistoryEntry> historyOf(const QString& service)
{
    const auto r = kubectl(QStringLiteral("admin"),
                           {QStringLiteral("get"), QStringLiteral("service"), service, QStringLiteral("-n"),
                            QStringLiteral("uro"), QStringLiteral("-o"),
                            QStringLiteral("jsonpath={.metadata.annotations.signalbox\\.v-sekai\\.org/history}")});
    return kube::decodeHistory(r.out.toStdString());
}

const kube::HistoryEntry* lastWatch(const std::vector<kube::HistoryEntry>& entries)
{
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->action == "watch")
            return &*it;
    return nullptr;
}

// Sets (or with an empty value removes) the rig's health annotation on the pods of `slot` of uro.
void annotatePods(const QString& slot, const QString& value)
{
    const auto r =
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("annotate"), QStringLiteral("--overwrite"), QStringLiteral("pods"),
                 QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("-l"),
                 QStringLiteral("app.kubernetes.io/name=uro,signalbox.v-sekai.org/slot=") + slot,
                 value.isEmpty() ? healthKey + QStringLiteral("-") : healthKey + QStringLiteral("=") + value});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
}

// The watch's verdict once slot B's pods answer 500: its pods fail three checks in a row (one of
// them or both, as kubectl annotates them one after the other), or the live Service, now on those
// pods, does so first.
const QRegularExpression failedThrice(
    QStringLiteral("(?:[12] of 2 pods of slot B fail|the live Service uro fails) the health check 3 times in a row"));

struct Run {
    int exitCode = -1;
    QString out, err;
    // What a failure shows: the exit code and the ends of both outputs.
    QByteArray said() const
    {
        return (QStringLiteral("exit %1\nstderr: %2\nstdout: ...%3").arg(exitCode).arg(err.right(800), out.right(1200)))
            .toUtf8();
    }
};

// `signalbox swap uro --yes` with `extra`, as the operator; `whenSwapped` runs once the swap's
// outcome is printed (the watch has begun).
Run swapWithWatch(const QStringList& extra, const std::function<void()>& whenSwapped = {})
{
    QProcess p;
    p.start(QStringLiteral(SIGNALBOX_BINARY),
            QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--kubeconfig"),
                        testsupport::kubeconfigFor(QStringLiteral("operator")), QStringLiteral("-n"),
                        QStringLiteral("uro"), QStringLiteral("--yes")} +
                extra);
    Run r;
    bool told = false;
    const bool ended = QTest::qWaitFor(
        [&] {
            r.out += QString::fromUtf8(p.readAllStandardOutput());
            if (!told && r.out.contains(QStringLiteral("Swapped:"))) {
                told = true;
                if (whenSwapped)
                    whenSwapped();
            }
            return p.state() == QProcess::NotRunning;
        },
        120000);
    if (!ended) {
        p.kill();
        p.waitForFinished();
    }
    r.out += QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.exitCode = ended && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

} // namespace

class TestSwapWatch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        const auto apply =
            kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"),
                                              testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro")});
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.describe()));
        for (const char* d : {"uro-a", "uro-b", "uro-frontend-a", "uro-frontend-b"})
            QVERIFY(kubectl(QStringLiteral("admin"),
                            {QStringLiteral("rollout"), QStringLiteral("status"),
                             QStringLiteral("deployment/") + QLatin1String(d), QStringLiteral("-n"),
                             QStringLiteral("uro"), QStringLiteral("--timeout=90s")})
                        .exitCode == 0);
    }

    void init()
    {
        setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b"));
        setSlots(QStringLiteral("uro-frontend"), QStringLiteral("a"), QStringLiteral("b"));
        for (const QString& svc : {QStringLiteral("uro"), QStringLiteral("uro-frontend")})
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("annotate"), QStringLiteral("service"), svc, QStringLiteral("-n"),
                     QStringLiteral("uro"), QStringLiteral("signalbox.v-sekai.org/history-")});
        annotatePods(QStringLiteral("a"), {});
        annotatePods(QStringLiteral("b"), {});
    }

    void cleanup()
    {
        annotatePods(QStringLiteral("a"), {});
        annotatePods(QStringLiteral("b"), {});
    }

    void typosAreUsageErrors()
    {
        for (const QStringList& args : {QStringList{QStringLiteral("--watch"), QStringLiteral("5x")},
                                        QStringList{QStringLiteral("--watch"), QStringLiteral("300")},
                                        QStringList{QStringLiteral("--rollback-on-failure")}}) {
            const auto r = testsupport::run(
                QStringLiteral(SIGNALBOX_BINARY),
                QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")} + args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("--watch") || r.err.contains("--rollback-on-failure"), qPrintable(r.describe()));
        }
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a")); // nothing was swapped
    }

    void healthyPodsHoldTheWindow()
    {
        const Run r = swapWithWatch({QStringLiteral("--watch"), QStringLiteral("6s")});
        QVERIFY2(r.exitCode == 0, r.said().constData());
        QVERIFY2(r.out.contains(QStringLiteral("uro: slot B held for 6 s after the swap")), r.said().constData());
        QVERIFY2(r.out.contains(QStringLiteral("health checks pass")), r.said().constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        for (const QString& svc : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            const auto entries = historyOf(svc);
            const kube::HistoryEntry* watch = lastWatch(entries);
            QVERIFY2(watch, qPrintable(svc));
            QCOMPARE(watch->result, std::string("held"));
            QCOMPARE(watch->user, std::string("operator"));
            QCOMPARE(watch->to.slot, std::string("b"));
        }
        // `history` shows the verdict.
        const auto shown = testsupport::run(
            QStringLiteral(SIGNALBOX_BINARY),
            {QStringLiteral("history"), QStringLiteral("uro"), QStringLiteral("--kubeconfig"),
             testsupport::kubeconfigFor(QStringLiteral("viewer")), QStringLiteral("-n"), QStringLiteral("uro")});
        QVERIFY2(shown.out.contains("watch  slot b") && shown.out.contains(": held"), qPrintable(shown.describe()));
    }

    void failingPodsRollBack()
    {
        // The new live pods start failing once the swap is done (the gate before it sees them pass).
        const Run r =
            swapWithWatch({QStringLiteral("--watch"), QStringLiteral("20s"), QStringLiteral("--rollback-on-failure")},
                          [] { annotatePods(QStringLiteral("b"), QStringLiteral("fail")); });
        QVERIFY2(r.exitCode == 6, r.said().constData());
        QVERIFY2(failedThrice.match(r.err).hasMatch(), r.said().constData());
        QVERIFY2(r.out.contains(QStringLiteral("Rolled back:")), r.said().constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a"));
        QCOMPARE(selectorOf(QStringLiteral("uro-staging")), QStringLiteral("b"));
        QCOMPARE(selectorOf(QStringLiteral("uro-frontend")), QStringLiteral("a"));
        const auto entries = historyOf(QStringLiteral("uro"));
        const kube::HistoryEntry* watch = lastWatch(entries);
        QVERIFY(watch);
        QVERIFY2(QString::fromStdString(watch->result).startsWith(QStringLiteral("rolled back: uro: ")),
                 watch->result.c_str());
        QVERIFY2(QString::fromStdString(watch->result).contains(QStringLiteral("answered 500, expected 200")),
                 watch->result.c_str());
        QVERIFY(std::any_of(entries.begin(), entries.end(),
                            [](const kube::HistoryEntry& e) { return e.action == "rollback"; }));
    }

    void failingPodsWithoutRollbackStayLive()
    {
        const Run r = swapWithWatch({QStringLiteral("--watch"), QStringLiteral("20s")},
                                    [] { annotatePods(QStringLiteral("b"), QStringLiteral("fail")); });
        QVERIFY2(r.exitCode == 6, r.said().constData());
        QVERIFY2(!r.out.contains(QStringLiteral("Rolled back:")), r.said().constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        const kube::HistoryEntry* watch = nullptr;
        const auto entries = historyOf(QStringLiteral("uro"));
        watch = lastWatch(entries);
        QVERIFY(watch);
        static const QRegularExpression verdict(QStringLiteral("^failed: uro: ") + failedThrice.pattern() +
                                                QStringLiteral(": (uro-b-\\S+ )?answered 500, expected 200"));
        QVERIFY2(verdict.match(QString::fromStdString(watch->result)).hasMatch(), watch->result.c_str());
    }
};

QTEST_GUILESS_MAIN(TestSwapWatch)
#include "tst_swapwatch.moc"
