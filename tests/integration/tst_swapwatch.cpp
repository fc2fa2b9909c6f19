// The watch after a swap, through the command line against the local control plane and its pod
// network: pods that keep answering hold the window (exit 0, "held" in the history); pods that
// start failing their health check make the watch fail (exit 6), and with --rollback-on-failure
// live goes back where it was and the history says why.
#include "kube/history.h"
#include "model/rules/timeline.h"
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using testsupport::kubectl;
using testsupport::selectorOf;

namespace {

std::vector<kube::HistoryEntry> historyOf(const QString& service)
{
    return kube::decodeHistory(testsupport::historyOf(QStringLiteral("service"), service).toStdString());
}

const kube::HistoryEntry* lastWatch(const std::vector<kube::HistoryEntry>& entries)
{
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->action == "watch")
            return &*it;
    return nullptr;
}

// The watch's verdict once slot B's pods answer 500: its pods fail three checks in a row (one of
// them or both, as kubectl annotates them one after the other), or the live Service, now on those
// pods, does so first.
const QRegularExpression failedThrice(
    QStringLiteral("(?:[12] of 2 pods of slot B fail|the live Service uro fails) the health check 3 times in a row"));

// What a failure shows: the exit code and the ends of both outputs.
QByteArray said(const testsupport::ProcessResult& r)
{
    return "exit " + QByteArray::number(r.exitCode) + "\nstderr: " + r.err.right(800) + "\nstdout: ..." +
           r.out.right(1200);
}

// `signalbox swap uro --yes` with `extra`, as the operator; `whenSwapped` runs once the swap's
// outcome is printed (the watch has begun).
testsupport::ProcessResult swapWithWatch(const QStringList& extra, const std::function<void()>& whenSwapped = {})
{
    QProcess p;
    p.start(testsupport::signalboxBinary(),
            QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")} + extra +
                testsupport::as(QStringLiteral("operator")));
    testsupport::ProcessResult r;
    bool told = false;
    const bool ended = QTest::qWaitFor(
        [&] {
            r.out += p.readAllStandardOutput();
            if (!told && r.out.contains("Swapped:")) {
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
    r.out += p.readAllStandardOutput();
    r.err = p.readAllStandardError();
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
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::exampleRolledOut());
    }

    void init()
    {
        QVERIFY(testsupport::setExampleSlots());
        for (const QString& svc : {QStringLiteral("uro"), QStringLiteral("uro-frontend")})
            QVERIFY(testsupport::clearHistory(QStringLiteral("service"), svc));
        QVERIFY(testsupport::clearPodHealth());
    }

    void cleanup() { QVERIFY(testsupport::clearPodHealth()); }

    void typosAreUsageErrors()
    {
        for (const QStringList& args : {QStringList{QStringLiteral("--watch"), QStringLiteral("5x")},
                                        QStringList{QStringLiteral("--watch"), QStringLiteral("300")},
                                        QStringList{QStringLiteral("--rollback-on-failure")}}) {
            const auto r = testsupport::run(
                testsupport::signalboxBinary(),
                QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")} + args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("--watch") || r.err.contains("--rollback-on-failure"), qPrintable(r.describe()));
        }
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a")); // nothing was swapped
    }

    void healthyPodsHoldTheWindow()
    {
        const auto r = swapWithWatch({QStringLiteral("--watch"), QStringLiteral("6s")});
        QVERIFY2(r.exitCode == 0, said(r).constData());
        QVERIFY2(r.outText().contains(QStringLiteral("uro: slot B held for 6 s after the swap")), said(r).constData());
        QVERIFY2(r.outText().contains(QStringLiteral("health checks pass")), said(r).constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        for (const QString& svc : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            const auto entries = historyOf(svc);
            const kube::HistoryEntry* watch = lastWatch(entries);
            QVERIFY2(watch, qPrintable(svc));
            QCOMPARE(watch->result, std::string("held"));
            QCOMPARE(watch->user, std::string("operator"));
            QCOMPARE(watch->to.slot, std::string("b"));
            // When it began: the window (6 s) before the verdict, give or take the record's round trip.
            const auto began = model::recordedSeconds(watch->started), ended = model::recordedSeconds(watch->at);
            QVERIFY2(began && ended && *ended - *began >= 5 && *ended - *began <= 60,
                     (watch->started + " to " + watch->at).c_str());
        }
        // `history` shows the verdict.
        const auto shown =
            testsupport::signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        QVERIFY2(shown.out.contains("watch  slot B") && shown.out.contains(": held"), qPrintable(shown.describe()));
    }

    void failingPodsRollBack()
    {
        // The new live pods start failing once the swap is done (the gate before it sees them pass).
        const auto r =
            swapWithWatch({QStringLiteral("--watch"), QStringLiteral("20s"), QStringLiteral("--rollback-on-failure")},
                          [] { QVERIFY(testsupport::setSlotHealth(QStringLiteral("b"), QStringLiteral("fail"))); });
        QVERIFY2(r.exitCode == 6, said(r).constData());
        QVERIFY2(failedThrice.match(r.errText()).hasMatch(), said(r).constData());
        QVERIFY2(r.outText().contains(QStringLiteral("Rolled back:")), said(r).constData());
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
        const auto r = swapWithWatch({QStringLiteral("--watch"), QStringLiteral("20s")}, [] {
            QVERIFY(testsupport::setSlotHealth(QStringLiteral("b"), QStringLiteral("fail")));
        });
        QVERIFY2(r.exitCode == 6, said(r).constData());
        QVERIFY2(!r.outText().contains(QStringLiteral("Rolled back:")), said(r).constData());
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
