// Metric analysis against the rig's Prometheus, through the command line: with traffic to the live and
// staging Services, a staging whose pods fail every fifth request, or answer after 300 ms, is worse than
// live (exit 6, both values printed); a query with no data is inconclusive (exit 7, one sentence); a
// user who may not use the API server's proxy to Prometheus is told so once, by name; after a swap to
// a slot with a higher error ratio the watch gets worse and, asked to, rolls back.
#include "kube/history.h"
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <memory>

using testsupport::selectorOf;

namespace {

// The command-line tool alone (no Widgets to build), as `user` in namespace uro.
testsupport::ProcessResult signalbox(const QString& user, const QStringList& args)
{
    return testsupport::run(testsupport::cliBinary(), args + testsupport::as(user), QByteArray(), 120000);
}

} // namespace

namespace {

const QString errorRatioKey = QStringLiteral("test.signalbox.v-sekai.org/error-ratio");
const QString latencyKey = QStringLiteral("test.signalbox.v-sekai.org/latency");

// A short window and interval, so the test sees Prometheus follow the traffic within seconds.
QByteArray configYaml(const QByteArray& metrics = {})
{
    return "prometheus: monitoring/prometheus:9090\n"
           "services:\n"
           "- name: uro\n"
           "  namespace: uro\n"
           "  group: uro\n"
           "  analysis:\n" +
           (metrics.isEmpty() ? QByteArray("    defaults: true\n") : metrics) +
           "    window: 20s\n"
           "    interval: 5s\n"
           "    count: 3\n"
           "    failureLimit: 2\n";
}

QByteArray said(const testsupport::ProcessResult& r)
{
    return "exit " + QByteArray::number(r.exitCode) + "\nstderr: " + r.err.right(1200) + "\nstdout: ..." +
           r.out.right(1500);
}

} // namespace

class TestAnalysis : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_config;
    testsupport::Traffic m_traffic;

    bool writeConfig(const QByteArray& yaml)
    {
        QFile f(m_config);
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(yaml) == yaml.size();
    }

    // `signalbox analyze uro ARGS` as `user` until it exits `code` (Prometheus follows the traffic
    // within a scrape and the window fills), at most `ms`; the last run.
    testsupport::ProcessResult analyzeUntil(const QString& user, const QStringList& args, int code, int ms = 90000,
                                            const QRegularExpression& shown = {})
    {
        QElapsedTimer clock;
        clock.start();
        testsupport::ProcessResult r;
        do {
            r = signalbox(user, QStringList{QStringLiteral("analyze"), QStringLiteral("uro"),
                                            QStringLiteral("--config"), m_config} +
                                    args);
            if (r.exitCode == code && shown.match(r.outText()).hasMatch())
                break;
            QTest::qWait(2000);
        } while (clock.elapsed() < ms);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(m_dir.isValid());
        m_config = m_dir.filePath(QStringLiteral("services.yaml"));
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::exampleRolledOut());
    }

    void init()
    {
        QVERIFY(writeConfig(configYaml()));
        QVERIFY(testsupport::setExampleSlots());
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro")));
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro-frontend")));
    }

    void cleanup()
    {
        m_traffic.stop();
        for (const QString& slot : {QStringLiteral("a"), QStringLiteral("b")})
            QVERIFY(testsupport::annotatePods(slot, errorRatioKey + u'-') &&
                    testsupport::annotatePods(slot, latencyKey + u'-'));
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void typosAreUsageErrors()
    {
        for (const QStringList& args : {QStringList{QStringLiteral("--slot"), QStringLiteral("sandbox")},
                                        QStringList{QStringLiteral("--window"), QStringLiteral("ten")},
                                        QStringList{QStringLiteral("--looks"), QStringLiteral("0")}}) {
            const auto r = signalbox(QStringLiteral("viewer"),
                                     QStringList{QStringLiteral("analyze"), QStringLiteral("uro")} + args);
            QVERIFY2(r.exitCode == 2, said(r).constData());
        }
    }

    void stagingWithErrorsIsWorse()
    {
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + QStringLiteral("=0.2")));
        QVERIFY(m_traffic.start(120));
        // Both measured ratios: staging's fifth of failures, live's none. The first verdicts may come
        // while the window still holds requests answered before the pods read their annotation; wait
        // until it holds only this traffic. (About a fifth: the window's ends move the rates a little.)
        static const QRegularExpression fifth(QStringLiteral("staging (1[5-9]|2[0-5])(\\.\\d+)? %"));
        const auto r = analyzeUntil(QStringLiteral("operator"), {}, 6, 90000, fifth);
        QVERIFY2(r.exitCode == 6, said(r).constData());
        QVERIFY2(fifth.match(r.outText()).hasMatch(), said(r).constData());
        QVERIFY2(r.outText().contains(QStringLiteral("live 0 %")), said(r).constData());
        QVERIFY2(r.errText().contains(QStringLiteral("uro's staging is worse than live: error ratio")),
                 said(r).constData());
        // The same as JSON.
        static const QRegularExpression value(QStringLiteral("\"candidate\": 0\\.(1[5-9]|2)"));
        const auto j =
            analyzeUntil(QStringLiteral("operator"), {QStringLiteral("-o"), QStringLiteral("json")}, 6, 30000, value);
        QVERIFY2(j.exitCode == 6, said(j).constData());
        QVERIFY2(j.outText().contains(QStringLiteral("\"verdict\": \"failed\"")), said(j).constData());
        QVERIFY2(value.match(j.outText()).hasMatch(), said(j).constData());
        // Against itself the slot is no worse.
        const auto self =
            analyzeUntil(QStringLiteral("operator"), {QStringLiteral("--against"), QStringLiteral("b")}, 0);
        QVERIFY2(self.exitCode == 0, said(self).constData());
    }

    void slowStagingFailsTheLatencyComparison()
    {
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), latencyKey + QStringLiteral("=300ms")));
        QVERIFY(m_traffic.start(120));
        // Until the window holds only this traffic (an earlier test's errors may still be in it).
        static const QRegularExpression slow(
            QStringLiteral("error ratio [^\\n]* ok [^\\n]*\\n  p99 latency +staging \\S+ m?s +live \\S+ ms +FAIL"));
        const auto r = analyzeUntil(QStringLiteral("operator"), {}, 6, 120000, slow);
        QVERIFY2(r.exitCode == 6 && slow.match(r.outText()).hasMatch(), said(r).constData());
        QVERIFY2(r.errText().contains(QStringLiteral("worse than live: p99 latency")), said(r).constData());
    }

    void noDataIsInconclusive()
    {
        QVERIFY(writeConfig(configYaml("    metrics:\n"
                                       "    - name: queue depth\n"
                                       "      query: max(no_such_metric{pod=~\"{{pods}}\"})\n"
                                       "      condition: candidate <= baseline\n")));
        const auto r = analyzeUntil(QStringLiteral("operator"), {}, 7, 1);
        QVERIFY2(r.exitCode == 7, said(r).constData());
        const QStringList lines = r.errText().trimmed().split(u'\n');
        QVERIFY2(lines.size() == 1 && lines[0].contains(QStringLiteral("inconclusive, never a pass")) &&
                     lines[0].contains(QStringLiteral("no data")),
                 said(r).constData());
    }

    void viewerMayNotUseTheProxy()
    {
        const auto r = analyzeUntil(QStringLiteral("viewer"), {}, 4, 1);
        QVERIFY2(r.exitCode == 4, said(r).constData());
        const QStringList lines = r.errText().trimmed().split(u'\n');
        QVERIFY2(lines.size() == 1 && lines[0].contains(QStringLiteral("\"viewer\"")) &&
                     lines[0].contains(QStringLiteral("services/proxy in namespace monitoring")),
                 said(r).constData());
    }

    void watchAfterASwapToErrorsRollsBack()
    {
        // Live (slot A) answers well, staging (slot B) fails a fifth of its requests; the gate's health
        // check still passes and its metric analysis, which fails, is skipped explicitly (tst_analysisgate
        // tests that gate), so the swap goes through and the watch compares live-after with live-before.
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + QStringLiteral("=0.2")));
        QVERIFY(m_traffic.start(150));
        // Until staging's errors show and an earlier test's slow answers have left the window.
        static const QRegularExpression errorsOnly(
            QStringLiteral("error ratio [^\\n]*FAIL[^\\n]*\\n[^\\n]*\\n  p99 latency [^\\n]* ok "));
        const auto before = analyzeUntil(QStringLiteral("operator"), {}, 6, 120000, errorsOnly);
        QVERIFY2(errorsOnly.match(before.outText()).hasMatch(), said(before).constData());
        QElapsedTimer clock;
        clock.start();
        const auto r =
            signalbox(QStringLiteral("operator"),
                      {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                       QStringLiteral("--config"), m_config, QStringLiteral("--watch"), QStringLiteral("60s"),
                       QStringLiteral("--rollback-on-failure"), QStringLiteral("--skip-analysis")});
        QVERIFY2(r.exitCode == 6, said(r).constData());
        // interval × failureLimit plus a scrape, and the swap and the rollback themselves.
        QVERIFY2(clock.elapsed() < 50000, said(r).constData());
        QVERIFY2(r.errText().contains(QStringLiteral("uro: error ratio of slot B failed 2 looks in a row")),
                 said(r).constData());
        QVERIFY2(r.outText().contains(QStringLiteral("Rolled back:")), said(r).constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a"));
        // The watch's history entry holds the values and the verdict.
        const auto entries =
            kube::decodeHistory(testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro")).toStdString());
        const auto watch = std::find_if(entries.rbegin(), entries.rend(),
                                        [](const kube::HistoryEntry& e) { return e.action == "watch"; });
        QVERIFY(watch != entries.rend());
        const QString result = QString::fromStdString(watch->result);
        QVERIFY2(result.startsWith(QStringLiteral("rolled back: uro: error ratio of slot B failed")),
                 qPrintable(result));
        QVERIFY2(result.contains(QStringLiteral("(live-before error ratio 0 %")), qPrintable(result));
        QVERIFY2(result.contains(QStringLiteral("; live-after error ratio ")), qPrintable(result));
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
