// Metric analysis as tables: conditions parsed and judged, query templates expanded, and the verdict
// over a series of looks. Inconclusive is never a pass.
#include "kube/objects.h"
#include "model/rules/analysis.h"
#include "model/rules/keys.h"
#include "model/rules/servicespec.h"

#include <QTest>
#include <cmath>
#include <limits>

using Outcomes = std::vector<model::Outcome>;
Q_DECLARE_METATYPE(Outcomes)
Q_DECLARE_METATYPE(model::Outcome)
Q_DECLARE_METATYPE(model::Verdict)

namespace {

constexpr double none = -12345; // "no value" in the tables
const double notANumber = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

std::optional<double> opt(double v)
{
    return v == none ? std::nullopt : std::optional<double>(v);
}

} // namespace

class TestAnalysisRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void conditions_data()
    {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<double>("candidate");
        QTest::addColumn<double>("baseline");
        QTest::addColumn<model::Outcome>("outcome");
        using O = model::Outcome;
        const QString cmp = QStringLiteral("candidate <= baseline * 1.2 + 0.005");
        QTest::newRow("comparison: within") << cmp << 0.011 << 0.01 << O::Pass;
        QTest::newRow("comparison: 20 % errors against 0") << cmp << 0.2 << 0.0 << O::Fail;
        QTest::newRow("comparison: both zero") << cmp << 0.0 << 0.0 << O::Pass;
        QTest::newRow("aliases") << "staging <= live * 1.2 + 0.005" << 0.2 << 0.0 << O::Fail;
        QTest::newRow("threshold shorthand: below") << "< 0.01" << 0.005 << none << O::Pass;
        QTest::newRow("threshold shorthand: above") << "< 0.01" << 0.02 << none << O::Fail;
        QTest::newRow("threshold needs no baseline") << "value >= 1e-3" << 0.002 << none << O::Pass;
        QTest::newRow("exponent") << "candidate < 1E+2" << 99.0 << none << O::Pass;
        QTest::newRow("parentheses and precedence")
            << "(candidate - baseline) / baseline <= 0.5" << 1.4 << 1.0 << O::Pass;
        QTest::newRow("precedence: 1 + 2 * 3") << "candidate == 1 + 2 * 3" << 7.0 << none << O::Pass;
        QTest::newRow("left to right: 8 / 4 / 2") << "candidate == 8 / 4 / 2" << 1.0 << none << O::Pass;
        QTest::newRow("negation") << "-candidate > -1" << 0.5 << none << O::Pass;
        QTest::newRow("not equal") << "candidate != baseline" << 1.0 << 1.0 << O::Fail;
        QTest::newRow("greater") << "candidate > baseline" << 2.0 << 1.0 << O::Pass;
        // Inconclusive is never a pass: no data, NaN, infinity, a division by zero.
        QTest::newRow("no candidate") << cmp << none << 0.01 << O::Inconclusive;
        QTest::newRow("no baseline") << cmp << 0.01 << none << O::Inconclusive;
        QTest::newRow("NaN candidate (0/0 rate)") << cmp << notANumber << 0.01 << O::Inconclusive;
        QTest::newRow("NaN baseline") << cmp << 0.0 << notANumber << O::Inconclusive;
        QTest::newRow("infinite latency") << "< 1" << inf << none << O::Inconclusive;
        QTest::newRow("division by zero") << "candidate / baseline < 2" << 1.0 << 0.0 << O::Inconclusive;
        QTest::newRow("division by zero, negated") << "candidate / baseline >= 2" << 1.0 << 0.0 << O::Inconclusive;
        QTest::newRow("division by zero inside")
            << "candidate < 1 / (baseline - baseline) + 5" << 1.0 << 3.0 << O::Inconclusive;
    }

    void conditions()
    {
        QFETCH(QString, condition);
        QFETCH(double, candidate);
        QFETCH(double, baseline);
        QFETCH(model::Outcome, outcome);
        const auto c = model::parseCondition(condition.toStdString());
        QVERIFY2(c, c ? "" : c.error().message.c_str());
        const model::Evaluation e = model::evaluate(*c, opt(candidate), opt(baseline));
        QVERIFY2(e.outcome == outcome, e.explanation.c_str());
        QVERIFY(!e.explanation.empty());
        QVERIFY(e.explanation.find('\n') == std::string::npos);
    }

    void conditionErrors_data()
    {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("what");
        QTest::newRow("empty") << "" << 1 << "it is empty";
        QTest::newRow("no comparison") << "candidate * 2" << 14 << "must compare";
        QTest::newRow("unknown variable") << "candidat < 1" << 1 << "unknown variable \"candidat\"";
        QTest::newRow("unknown variable on the right") << "candidate < p99" << 13 << "unknown variable \"p\"";
        QTest::newRow("two comparisons") << "0 < candidate < 1" << 15 << "unexpected \"<\"";
        QTest::newRow("unclosed parenthesis") << "(candidate < 1" << 12 << "expected \")\"";
        QTest::newRow("dangling operator") << "candidate < 1 +" << 16 << "expected a number or a variable";
        QTest::newRow("bad exponent") << "candidate < 1e" << 15 << "exponent";
        QTest::newRow("stray character") << "candidate < 1 % 2" << 15 << "unexpected \"%\"";
        QTest::newRow("lone dot") << "candidate < ." << 13 << "expected a number";
        QTest::newRow("too deep") << QString(40, QLatin1Char('(')) + "candidate" << 33 << "nests deeper";
        QTest::newRow("no candidate") << "baseline < 1" << 1 << "does not name the candidate";
        QTest::newRow("huge number") << "candidate < 1e999" << 13 << "too large";
    }

    void conditionErrors()
    {
        QFETCH(QString, condition);
        QFETCH(int, column);
        QFETCH(QString, what);
        const auto c = model::parseCondition(condition.toStdString());
        QVERIFY(!c);
        const QString msg = QString::fromStdString(c.error().message);
        QVERIFY2(msg.contains(QStringLiteral("column %1:").arg(column)), qPrintable(msg));
        QVERIFY2(msg.contains(what), qPrintable(msg));
    }

    void conditionTooLong()
    {
        const auto c = model::parseCondition("candidate < " + std::string(600, '1'));
        QVERIFY(!c);
        QVERIFY(c.error().message.find("longer than 512") != std::string::npos);
    }

    void usesBaseline()
    {
        QVERIFY(!model::parseCondition("< 0.01")->usesBaseline());
        QVERIFY(model::parseCondition("staging < live")->usesBaseline());
    }

    void explanations()
    {
        const auto cmp = *model::parseCondition("candidate <= baseline * 1.2 + 0.005");
        const auto e = model::evaluate(cmp, 0.2, 0.0, "ratio");
        QCOMPARE(e.explanation, std::string("20 % against 0 %: fails candidate <= baseline * 1.2 + 0.005"));
        const auto lat = *model::parseCondition("candidate <= baseline * 1.2 + 0.05");
        QCOMPARE(model::evaluate(lat, 0.9, 0.3, "seconds").explanation,
                 std::string("900 ms against 300 ms: fails candidate <= baseline * 1.2 + 0.05"));
        QCOMPARE(model::evaluate(lat, std::nullopt, 0.3, "seconds").explanation,
                 std::string("no data against 300 ms: inconclusive, no data for the candidate"));
        QCOMPARE(model::evaluate(*model::parseCondition("candidate / baseline < 2"), 1.0, 0.0).explanation,
                 std::string("1 against 0: inconclusive, the condition divides by zero"));
    }

    void formatting_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("ratio") << 0.0123 << "ratio"
                               << "1.23 %";
        QTest::newRow("ratio zero") << 0.0 << "ratio"
                                    << "0 %";
        QTest::newRow("ms") << 0.0125 << "seconds"
                            << "12.5 ms";
        QTest::newRow("s") << 2.5 << "seconds"
                           << "2.5 s";
        QTest::newRow("plain") << 1234.5678 << ""
                               << "1235";
        QTest::newRow("NaN") << notANumber << "ratio"
                             << "no number";
        QTest::newRow("Inf") << inf << "seconds"
                             << "+Inf";
    }

    void formatting()
    {
        QFETCH(double, value);
        QFETCH(QString, unit);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(model::formatValue(value, unit.toStdString())), text);
    }

    void expansion()
    {
        model::QueryVars v{"uro", "uro", "b", {"uro-b-7d9f-x2k", "uro-b-7d9f-q8p"}, 120};
        const auto q = model::expandQuery("rate(x{namespace=\"{{namespace}}\",service=\"{{ service "
                                          "}}\",slot=\"{{slot}}\",pod=~\"{{pods}}\"}[{{window}}])",
                                          v);
        QVERIFY2(q, q ? "" : q.error().message.c_str());
        QCOMPARE(q->query, std::string("rate(x{namespace=\"uro\",service=\"uro\",slot=\"b\","
                                       "pod=~\"uro-b-7d9f-x2k|uro-b-7d9f-q8p\"}[2m])"));
        QVERIFY(!q->noPods);
    }

    // A pod name (or any value) cannot leave its string or widen the regex: regex metacharacters are
    // escaped for RE2, then backslashes and quotes for the PromQL string.
    void regexHostilePodName()
    {
        model::QueryVars v{"ns\"}", "svc", "a", {"a.b", "x|.*", "q\"}) or vector(1"}, 60};
        const auto q = model::expandQuery("x{namespace=\"{{namespace}}\",pod=~\"{{pods}}\"}", v);
        QVERIFY(q);
        QCOMPARE(q->query, std::string(R"q(x{namespace="ns\"}",pod=~"a\\.b|x\\|\\.\\*|q\"\\}\\) or vector\\(1"})q"));
    }

    void noPodsMatchesNothing()
    {
        model::QueryVars v{"uro", "uro", "a", {}, 120};
        const auto q = model::expandQuery("x{pod=~\"{{pods}}\"}", v);
        QVERIFY(q);
        QVERIFY(q->noPods);
        QCOMPARE(q->query, std::string(R"q(x{pod=~"\\(no pods\\)"})q"));
        // Without {{pods}}, no pods says nothing about the query.
        QVERIFY(!model::expandQuery("x{namespace=\"{{namespace}}\"}", v)->noPods);
    }

    void expansionErrors_data()
    {
        QTest::addColumn<QString>("tmpl");
        QTest::addColumn<QString>("what");
        QTest::newRow("unknown variable") << "x{a=\"{{pod}}\"}"
                                          << "unknown variable {{pod}}";
        QTest::newRow("empty variable") << "x{{}}"
                                        << "unknown variable {{}}";
        QTest::newRow("unclosed") << "x{a=\"{{pods\"}"
                                  << "column 6";
        QTest::newRow("too long") << QString(5000, QLatin1Char('x')) << "longer than 4096";
    }

    void expansionErrors()
    {
        QFETCH(QString, tmpl);
        QFETCH(QString, what);
        const auto q = model::expandQuery(tmpl.toStdString(), {});
        QVERIFY(!q);
        QVERIFY2(QString::fromStdString(q.error().message).contains(what), q.error().message.c_str());
    }

    void durations()
    {
        QCOMPARE(model::promDuration(120), std::string("2m"));
        QCOMPARE(model::promDuration(90), std::string("90s"));
        QCOMPARE(model::promDuration(7200), std::string("2h"));
    }

    void defaults()
    {
        model::QueryVars v{"uro", "uro", "a", {"uro-a-1"}, 120};
        const auto metrics = model::defaultMetrics();
        QCOMPARE(metrics.size(), std::size_t(2));
        QCOMPARE(model::expandQuery(metrics[0].queryTemplate, v)->query,
                 std::string("(sum(rate(http_requests_total{namespace=\"uro\",pod=~\"uro-a-1\",status=~\"5..\"}[2m])) "
                             "or vector(0)) / "
                             "sum(rate(http_requests_total{namespace=\"uro\",pod=~\"uro-a-1\"}[2m]))"));
        QCOMPARE(metrics[0].condition.text, std::string("candidate <= baseline * 1.2 + 0.005"));
        QCOMPARE(metrics[0].unit, std::string("ratio"));
        QCOMPARE(model::expandQuery(metrics[1].queryTemplate, v)->query,
                 std::string("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{"
                             "namespace=\"uro\",pod=~\"uro-a-1\"}[2m])))"));
        QCOMPARE(metrics[1].condition.text, std::string("candidate <= baseline * 1.2 + 0.05"));
        const auto renamed = model::defaultMetrics({"kubernetes_namespace", "kubernetes_pod_name", "code", "le"});
        QVERIFY(renamed[0].queryTemplate.find("kubernetes_pod_name=~\"{{pods}}\"") != std::string::npos);
        QVERIFY(renamed[0].queryTemplate.find("code=~\"5..\"") != std::string::npos);
    }

    void verdicts_data()
    {
        QTest::addColumn<Outcomes>("looks");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("failureLimit");
        QTest::addColumn<int>("inconclusiveLimit");
        QTest::addColumn<model::Verdict>("verdict");
        QTest::addColumn<int>("decidedAt");
        using O = model::Outcome;
        using V = model::Verdict;
        const O P = O::Pass, F = O::Fail, I = O::Inconclusive;
        QTest::newRow("no looks yet") << Outcomes{} << 3 << 1 << 0 << V::Running << 0;
        QTest::newRow("two passes of three") << Outcomes{P, P} << 3 << 1 << 0 << V::Running << 2;
        QTest::newRow("three passes") << Outcomes{P, P, P} << 3 << 1 << 0 << V::Passed << 3;
        QTest::newRow("looks past the count change nothing") << Outcomes{P, P, P, F} << 3 << 1 << 0 << V::Passed << 3;
        QTest::newRow("one failure, limit 1") << Outcomes{P, F} << 3 << 1 << 0 << V::Failed << 2;
        QTest::newRow("failureLimit 2: not in a row passes") << Outcomes{F, P, F, P} << 4 << 2 << 0 << V::Passed << 4;
        QTest::newRow("failureLimit 2: in a row fails") << Outcomes{P, F, F} << 4 << 2 << 0 << V::Failed << 3;
        QTest::newRow("failureLimit 3: streak broken") << Outcomes{F, F, P, F, F} << 5 << 3 << 0 << V::Passed << 5;
        QTest::newRow("inconclusive breaks a failing streak") << Outcomes{F, I, F} << 3 << 2 << 1 << V::Passed << 3;
        // Inconclusive never passes: all looks without data is an Inconclusive verdict.
        QTest::newRow("inconclusive, limit 0") << Outcomes{P, I} << 3 << 1 << 0 << V::Inconclusive << 2;
        QTest::newRow("all inconclusive, limit 2") << Outcomes{I, I, I} << 3 << 1 << 2 << V::Inconclusive << 3;
        QTest::newRow("within the inconclusive limit") << Outcomes{I, P, P} << 3 << 1 << 1 << V::Passed << 3;
        QTest::newRow("failure decides before the count") << Outcomes{F} << 3 << 1 << 0 << V::Failed << 1;
    }

    void verdicts()
    {
        QFETCH(Outcomes, looks);
        QFETCH(int, count);
        QFETCH(int, failureLimit);
        QFETCH(int, inconclusiveLimit);
        QFETCH(model::Verdict, verdict);
        QFETCH(int, decidedAt);
        model::AnalysisSpec spec;
        spec.count = count;
        spec.failureLimit = failureLimit;
        spec.inconclusiveLimit = inconclusiveLimit;
        const model::VerdictResult r = model::verdictOver(looks, spec);
        QVERIFY2(r.verdict == verdict, (std::string(model::verdictName(r.verdict)) + ": " + r.sentence).c_str());
        QCOMPARE(r.looks, decidedAt);
        QVERIFY(!r.sentence.empty());
    }

    void prometheusTargets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("url");
        QTest::newRow("proxy") << "monitoring/prometheus:9090"
                               << "monitoring"
                               << "prometheus"
                               << "9090"
                               << "";
        QTest::newRow("proxy, port name") << "monitoring/prometheus:web"
                                          << "monitoring"
                                          << "prometheus"
                                          << "web"
                                          << "";
        QTest::newRow("url") << "http://127.0.0.1:9090/"
                             << ""
                             << ""
                             << ""
                             << "http://127.0.0.1:9090";
        QTest::newRow("https with a path") << "https://prom.example/prom"
                                           << ""
                                           << ""
                                           << ""
                                           << "https://prom.example/prom";
    }

    void prometheusTargets()
    {
        QFETCH(QString, text);
        QFETCH(QString, ns);
        QFETCH(QString, service);
        QFETCH(QString, port);
        QFETCH(QString, url);
        const auto t = model::parsePrometheusTarget(text.toStdString());
        QVERIFY2(t, t ? "" : t.error().message.c_str());
        QCOMPARE(QString::fromStdString(t->serviceNamespace), ns);
        QCOMPARE(QString::fromStdString(t->serviceName), service);
        QCOMPARE(QString::fromStdString(t->servicePort), port);
        QCOMPARE(QString::fromStdString(t->url), url);
    }

    void prometheusTargetErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("what");
        QTest::newRow("no port") << "monitoring/prometheus"
                                 << "neither";
        QTest::newRow("upper case") << "Monitoring/prometheus:9090"
                                    << "lowercase";
        QTest::newRow("port out of range") << "monitoring/prometheus:99999"
                                           << "port";
        QTest::newRow("other scheme") << "file:///etc/passwd"
                                      << "neither";
        QTest::newRow("user in url") << "https://user:pw@prom.example"
                                     << "user name";
        QTest::newRow("query") << "https://prom.example/?x=1"
                               << "query";
        QTest::newRow("space") << "https://prom.example/ x"
                               << "space";
        QTest::newRow("no host") << "https:///x"
                                 << "no host";
        QTest::newRow("huge") << "https://" + QString(5000, QLatin1Char('a')) << "longer than 2,048";
    }

    void prometheusTargetErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, what);
        const auto t = model::parsePrometheusTarget(text.toStdString());
        QVERIFY(!t);
        const QString msg = QString::fromStdString(t.error().message);
        QVERIFY2(msg.contains(what), qPrintable(msg));
        QVERIFY2(msg.size() < 400, qPrintable(msg));
    }

    // The file wins; the annotations fill in; an annotation never replaces a configured Prometheus.
    void fromAnnotations()
    {
        model::ServiceSpec spec;
        spec.name = "uro";
        spec.ns = "uro";
        spec.applyDefaults();
        kube::Service live;
        live.meta.annotations = {{model::analysisAnnotation, "default"},
                                 {model::prometheusAnnotation, "monitoring/prometheus:9090"}};
        std::vector<std::string> problems;
        QCOMPARE(model::analysisSpecFor(spec, &live, &problems).metrics, model::defaultMetrics());
        const auto fromAnnotation = model::prometheusTargetFor(spec, {}, &live, &problems);
        QCOMPARE(fromAnnotation.serviceName, std::string("prometheus"));
        QCOMPARE(fromAnnotation.source, std::string("annotation on Service uro"));
        QVERIFY(problems.empty());

        model::PrometheusTarget top = *model::parsePrometheusTarget("https://prom.example");
        top.bearerTokenFile = "/run/token";
        QCOMPARE(model::prometheusTargetFor(spec, top, &live, &problems), top);
        spec.prometheus = *model::parsePrometheusTarget("obs/prom:9090");
        QCOMPARE(model::prometheusTargetFor(spec, top, &live, &problems).serviceNamespace, std::string("obs"));

        spec.analysis.metrics = {model::defaultMetrics()[1]};
        QCOMPARE(model::analysisSpecFor(spec, &live, &problems).metrics.size(), std::size_t(1));
    }

    void badAnnotations()
    {
        model::ServiceSpec spec;
        spec.name = "uro";
        spec.ns = "uro";
        spec.applyDefaults();
        kube::Service live;
        live.meta.annotations = {{model::analysisAnnotation, "everything"},
                                 {model::prometheusAnnotation, std::string(100000, 'x')}};
        std::vector<std::string> problems;
        QVERIFY(model::analysisSpecFor(spec, &live, &problems).metrics.empty());
        QVERIFY(!model::prometheusTargetFor(spec, {}, &live, &problems).configured());
        QCOMPARE(problems.size(), std::size_t(2));
        QVERIFY(problems[0].find("not \"default\"") != std::string::npos);
        QVERIFY2(problems[1].find("longer than 2,048") != std::string::npos && problems[1].size() < 600,
                 problems[1].c_str());
    }
};

QTEST_GUILESS_MAIN(TestAnalysisRules)
#include "tst_analysisrules.moc"
