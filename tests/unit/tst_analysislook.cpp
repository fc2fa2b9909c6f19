// One look of a metric analysis and the verdict over looks, as tables: the values Prometheus answered
// go in, the outcome per metric, the verdict, and the watch's streaks come out. Inconclusive is never a
// pass and never makes the watch worse.
#include "model/rules/analysislook.h"

#include <QTest>

Q_DECLARE_METATYPE(model::Outcome)
Q_DECLARE_METATYPE(model::Verdict)

namespace {

model::MetricSpec metric(const std::string& name, const std::string& condition, const std::string& unit = "ratio")
{
    model::MetricSpec m;
    m.name = name;
    m.unit = unit;
    m.queryTemplate = "x";
    m.condition = model::parseCondition(condition).value();
    return m;
}

model::MeasuredValue value(double v)
{
    return {v, {}, false};
}

model::MeasuredValue missing(const std::string& why)
{
    return {std::nullopt, why, false};
}

model::AnalysisSpec spec(int count, int failureLimit)
{
    model::AnalysisSpec s;
    s.metrics = {metric("error ratio", "candidate <= baseline * 1.2 + 0.005"),
                 metric("p99 latency", "candidate <= baseline * 1.2 + 0.05", "seconds")};
    s.count = count;
    s.failureLimit = failureLimit;
    return s;
}

// A look whose two metrics have these outcomes.
model::AnalysisLook look(model::Outcome errors, model::Outcome latency)
{
    model::AnalysisLook l;
    for (auto [name, o] : {std::pair{"error ratio", errors}, std::pair{"p99 latency", latency}}) {
        model::MetricReading m;
        m.name = name;
        m.outcome = o;
        m.explanation = std::string(name) + " " + model::outcomeName(o);
        l.metrics.push_back(m);
    }
    return l;
}

} // namespace

class TestAnalysisLook : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readMetricJudgesBothValues()
    {
        const auto m = metric("error ratio", "candidate <= baseline * 1.2 + 0.005");
        const auto failed = model::readMetric(m, value(0.2), value(0.0));
        QCOMPARE(failed.outcome, model::Outcome::Fail);
        QCOMPARE(*failed.candidate, 0.2);
        QCOMPARE(*failed.baseline, 0.0);
        QVERIFY2(failed.explanation.find("20 %") != std::string::npos, failed.explanation.c_str());
        QCOMPARE(model::readMetric(m, value(0.0), value(0.0)).outcome, model::Outcome::Pass);
        // A missing value names why.
        const auto noData = model::readMetric(m, missing("no data"), value(0.0));
        QCOMPARE(noData.outcome, model::Outcome::Inconclusive);
        QVERIFY2(noData.explanation.find("candidate: no data") != std::string::npos, noData.explanation.c_str());
        const auto noBaseline = model::readMetric(m, value(0.0), missing("slot a has no pods"));
        QCOMPARE(noBaseline.outcome, model::Outcome::Inconclusive);
        QVERIFY2(noBaseline.explanation.find("baseline: slot a has no pods") != std::string::npos,
                 noBaseline.explanation.c_str());
    }

    // The status's sentence: each metric that fails, by name with both values; nothing when none fails or
    // a value is missing (the gate's look decides those).
    void stagingWorseNamesEachFailingMetric()
    {
        const auto s = spec(3, 1);
        QCOMPARE(model::stagingWorseSentence(s.metrics, {value(0.0), value(0.01)}, {value(0.0), value(0.01)}, "B"),
                 std::string());
        QCOMPARE(model::stagingWorseSentence(s.metrics, {missing("no data"), value(9)},
                                             {value(0.0), missing("no data")}, "B"),
                 std::string());
        QCOMPARE(model::stagingWorseSentence(s.metrics, {value(0.2)}, {}, "B"), std::string()); // not measured yet
        const std::string one =
            model::stagingWorseSentence(s.metrics, {value(0.2), value(0.01)}, {value(0.0), value(0.01)}, "B");
        QCOMPARE(one, std::string("Staging (slot B) is worse than live: error ratio 20 % against 0 %: fails "
                                  "candidate <= baseline * 1.2 + 0.005."));
        const std::string both =
            model::stagingWorseSentence(s.metrics, {value(0.2), value(3.0)}, {value(0.0), value(0.01)}, "A");
        QVERIFY2(both.find("Staging (slot A)") == 0 && both.find("error ratio 20 %") != std::string::npos &&
                     both.find("; p99 latency ") != std::string::npos,
                 both.c_str());
    }

    void lookOutcome_data()
    {
        QTest::addColumn<model::Outcome>("errors");
        QTest::addColumn<model::Outcome>("latency");
        QTest::addColumn<model::Outcome>("expected");
        using O = model::Outcome;
        QTest::newRow("both pass") << O::Pass << O::Pass << O::Pass;
        QTest::newRow("a failure beats inconclusive") << O::Fail << O::Inconclusive << O::Fail;
        QTest::newRow("inconclusive is never a pass") << O::Pass << O::Inconclusive << O::Inconclusive;
    }

    void lookOutcome()
    {
        QFETCH(model::Outcome, errors);
        QFETCH(model::Outcome, latency);
        QFETCH(model::Outcome, expected);
        QCOMPARE(model::lookOutcome(look(errors, latency)), expected);
        QCOMPARE(model::lookOutcome(model::AnalysisLook{}), model::Outcome::Inconclusive);
    }

    void verdict_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("failureLimit");
        QTest::addColumn<QString>("looks"); // per look: two letters, p f i
        QTest::addColumn<model::Verdict>("expected");
        QTest::addColumn<QString>("names");
        using V = model::Verdict;
        QTest::newRow("one look passes") << 1 << 1 << "pp" << V::Passed << "";
        QTest::newRow("one look fails") << 1 << 1 << "fp" << V::Failed << "error ratio";
        QTest::newRow("latency fails") << 1 << 1 << "pf" << V::Failed << "p99 latency";
        QTest::newRow("no data: inconclusive") << 1 << 1 << "ip" << V::Inconclusive << "error ratio";
        QTest::newRow("running before count") << 3 << 1 << "pp pp" << V::Running << "";
        QTest::newRow("failure limit 2: one failure is noise") << 3 << 2 << "fp pp pp" << V::Passed << "";
        QTest::newRow("failure limit 2: two in a row") << 3 << 2 << "pp fp fp" << V::Failed << "error ratio";
    }

    void verdict()
    {
        QFETCH(int, count);
        QFETCH(int, failureLimit);
        QFETCH(QString, looks);
        QFETCH(model::Verdict, expected);
        QFETCH(QString, names);
        const auto outcome = [](QChar c) {
            return c == QLatin1Char('p')   ? model::Outcome::Pass
                   : c == QLatin1Char('f') ? model::Outcome::Fail
                                           : model::Outcome::Inconclusive;
        };
        std::vector<model::AnalysisLook> series;
        for (const QString& l : looks.split(QLatin1Char(' ')))
            series.push_back(look(outcome(l[0]), outcome(l[1])));
        const auto v = model::analysisVerdict(series, spec(count, failureLimit));
        QCOMPARE(v.verdict, expected);
        QVERIFY2(v.sentence.rfind(names.toStdString(), 0) == 0, v.sentence.c_str());
    }

    void watchStreaks()
    {
        using O = model::Outcome;
        model::AnalysisStreaks streaks;
        // Inconclusive looks break no streak and make nothing worse.
        auto j = model::judgeAnalysisLook(streaks, look(O::Fail, O::Pass), 2, "slot B");
        QVERIFY(!j.worse);
        j = model::judgeAnalysisLook(j.streaks, look(O::Inconclusive, O::Pass), 2, "slot B");
        QVERIFY(!j.worse);
        j = model::judgeAnalysisLook(j.streaks, look(O::Fail, O::Inconclusive), 2, "slot B");
        QVERIFY(j.worse);
        QVERIFY2(j.sentence.rfind("error ratio of slot B failed 2 looks in a row: error ratio fail", 0) == 0,
                 j.sentence.c_str());
        // A pass resets the streak.
        j = model::judgeAnalysisLook({}, look(O::Fail, O::Pass), 2, "slot B");
        j = model::judgeAnalysisLook(j.streaks, look(O::Pass, O::Pass), 2, "slot B");
        j = model::judgeAnalysisLook(j.streaks, look(O::Fail, O::Pass), 2, "slot B");
        QVERIFY(!j.worse);
        QCOMPARE(j.sentence, std::string("a metric fails"));
        QVERIFY(model::judgeAnalysisLook({}, look(O::Pass, O::Fail), 1, "slot B").worse);
    }

    void valuesForTheRecord()
    {
        const auto s = spec(1, 1);
        std::vector<model::MetricReading> readings = {model::readMetric(s.metrics[0], value(0.005), value(0.2)),
                                                      model::readMetric(s.metrics[1], missing("no data"), value(0.3))};
        QCOMPARE(model::valuesText(readings, true), std::string("error ratio 0.5 %, p99 latency no data"));
        QCOMPARE(model::valuesText(readings, false), std::string("error ratio 20 %, p99 latency 300 ms"));
    }
};

QTEST_GUILESS_MAIN(TestAnalysisLook)
#include "tst_analysislook.moc"
