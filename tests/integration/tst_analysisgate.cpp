// The metric analysis in the swap's gate, against the rig's Prometheus, through the command line: with
// traffic on both Services and staging failing a fifth of its requests, `swap --yes` is refused (exit 3)
// with staging's and live's error ratios, and live does not move; with --skip-analysis it goes through and
// the live Service's history records the skip and the values measured. A Prometheus that does not answer,
// or a query with no data, is inconclusive: refused in one sentence, and --skip-analysis lets it through.
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

const QString errorRatioKey = QStringLiteral("test.signalbox.v-sekai.org/error-ratio");

// The command-line tool alone, as `user` in namespace uro.
testsupport::ProcessResult signalbox(const QString& user, const QStringList& args)
{
    return testsupport::run(testsupport::cliBinary(), args + testsupport::as(user), QByteArray(), 120000);
}

// A short window, so Prometheus follows the traffic within seconds.
QByteArray configYaml(const QByteArray& prometheus = "monitoring/prometheus:9090", const QByteArray& metrics = {})
{
    return "prometheus: " + prometheus +
           "\n"
           "services:\n"
           "- name: uro\n"
           "  namespace: uro\n"
           "  group: uro\n"
           "  analysis:\n" +
           (metrics.isEmpty() ? QByteArray("    defaults: true\n") : metrics) + "    window: 20s\n";
}

QByteArray said(const testsupport::ProcessResult& r)
{
    return "exit " + QByteArray::number(r.exitCode) + "\nstderr: " + r.err.right(1500) + "\nstdout: ..." +
           r.out.right(1500);
}

// The newest swap entry of the live Service's history.
std::optional<kube::HistoryEntry> lastSwap()
{
    const auto entries =
        kube::decodeHistory(testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro")).toStdString());
    const auto swap =
        std::find_if(entries.rbegin(), entries.rend(), [](const kube::HistoryEntry& e) { return e.action == "swap"; });
    return swap == entries.rend() ? std::nullopt : std::optional(*swap);
}

} // namespace

class TestAnalysisGate : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_config;
    testsupport::Traffic m_traffic;

    bool writeConfig(const QByteArray& yaml)
    {
        QFile f(m_config);
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(yaml) == yaml.size();
    }

    testsupport::ProcessResult swap(const QStringList& more = {})
    {
        return signalbox(QStringLiteral("operator"),
                         QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                                     QStringLiteral("--config"), m_config} +
                             more);
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
            QVERIFY(testsupport::annotatePods(slot, errorRatioKey + u'-'));
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void stagingWithErrorsIsRefused()
    {
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + QStringLiteral("=0.2")));
        QVERIFY(m_traffic.start(150));
        // Until the window holds only requests answered after the annotation (analyze changes nothing):
        // then the gate measures the same.
        static const QRegularExpression fifth(QStringLiteral("staging (1[5-9]|2[0-5])(\\.\\d+)? %"));
        QElapsedTimer clock;
        clock.start();
        testsupport::ProcessResult ready;
        do {
            ready = signalbox(QStringLiteral("operator"),
                              {QStringLiteral("analyze"), QStringLiteral("uro"), QStringLiteral("--config"), m_config});
            if (ready.exitCode == 6 && fifth.match(ready.outText()).hasMatch())
                break;
            QTest::qWait(2000);
        } while (clock.elapsed() < 90000);
        QVERIFY2(ready.exitCode == 6, said(ready).constData());

        const auto refused = swap();
        QVERIFY2(refused.exitCode == 3, said(refused).constData());
        static const QRegularExpression both(
            QStringLiteral("refused: [^\\n]*Metrics of uro's staging are no worse than live \\(error ratio: staging "
                           "(1[5-9]|2[0-5])(\\.\\d+)? % against live 0 %, fails candidate <= baseline \\* 1.2 \\+ "
                           "0.005\\)[^\\n]*--skip-analysis"));
        QVERIFY2(both.match(refused.errText()).hasMatch(), said(refused).constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a"));
        QCOMPARE(selectorOf(QStringLiteral("uro-staging")), QStringLiteral("b"));
        QVERIFY(!lastSwap());

        const auto skipped = swap({QStringLiteral("--skip-analysis")});
        QVERIFY2(skipped.exitCode == 0, said(skipped).constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        const auto entry = lastSwap();
        QVERIFY(entry);
        QCOMPARE(entry->analysisCheck, std::string("skipped"));
        QCOMPARE(entry->skipped, std::vector<std::string>{"analysis"});
        const auto ratio = std::find_if(entry->analysis.begin(), entry->analysis.end(),
                                        [](const kube::HistoryMetric& m) { return m.name == "error ratio"; });
        QVERIFY(ratio != entry->analysis.end());
        QVERIFY2(ratio->staging && *ratio->staging > 0.1 && *ratio->staging < 0.3,
                 qPrintable(QString::number(ratio->staging.value_or(-1))));
        QCOMPARE(ratio->live, std::optional(0.0));
        // `history` says it too.
        const auto shown =
            testsupport::signalbox(QStringLiteral("viewer"), {QStringLiteral("history"), QStringLiteral("uro")});
        static const QRegularExpression recorded(
            QStringLiteral("analysis skipped \\(error ratio staging [0-9.]+ % against live 0 %"));
        QVERIFY2(recorded.match(shown.outText()).hasMatch(), qPrintable(shown.describe()));
    }

    void inconclusiveIsRefusedInOneSentence_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("why");
        // A Service that is not there stands for a Prometheus that is stopped: the rig's own is shared.
        QTest::newRow("Prometheus does not answer")
            << configYaml("monitoring/no-prometheus:9090") << QStringLiteral("no-prometheus");
        QTest::newRow("no data") << configYaml("monitoring/prometheus:9090",
                                               "    metrics:\n"
                                               "    - name: queue depth\n"
                                               "      query: max(no_such_metric{pod=~\"{{pods}}\"})\n"
                                               "      condition: candidate <= baseline\n")
                                 << QStringLiteral("queue depth: staging no data against live no data");
    }

    void inconclusiveIsRefusedInOneSentence()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, why);
        QVERIFY(writeConfig(config));
        const auto refused = swap();
        QVERIFY2(refused.exitCode == 3, said(refused).constData());
        const QStringList lines = refused.errText().trimmed().split(u'\n');
        QVERIFY2(lines.size() == 1 && lines[0].contains(QStringLiteral("inconclusive, never a pass")) &&
                     lines[0].contains(why) && lines[0].contains(QStringLiteral("--skip-analysis")),
                 said(refused).constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("a"));

        const auto skipped = swap({QStringLiteral("--skip-analysis")});
        QVERIFY2(skipped.exitCode == 0, said(skipped).constData());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        const auto entry = lastSwap();
        QVERIFY(entry);
        QCOMPARE(entry->analysisCheck, std::string("skipped"));
        QCOMPARE(entry->skipped, std::vector<std::string>{"analysis"});
    }
};

QTEST_GUILESS_MAIN(TestAnalysisGate)
#include "tst_analysisgate.moc"
