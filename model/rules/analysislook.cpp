#include "model/rules/analysislook.h"

#include <algorithm>

namespace model {

MetricReading readMetric(const MetricSpec& metric, const MeasuredValue& candidate, const MeasuredValue& baseline)
{
    MetricReading r;
    r.name = metric.name;
    r.unit = metric.unit;
    r.condition = metric.condition.text;
    r.candidate = candidate.value;
    r.baseline = baseline.value;
    const Evaluation e = evaluate(metric.condition, candidate.value, baseline.value, metric.unit);
    r.outcome = e.outcome;
    r.explanation = e.explanation;
    // Why a value is missing, when the rule only knows that it is.
    const bool needsBaseline = metric.condition.usesBaseline();
    if (!candidate.value && !candidate.problem.empty())
        r.explanation += " (candidate: " + candidate.problem + ")";
    else if (needsBaseline && !baseline.value && !baseline.problem.empty())
        r.explanation += " (baseline: " + baseline.problem + ")";
    return r;
}

std::string stagingWorseSentence(const std::vector<MetricSpec>& metrics, const std::vector<MeasuredValue>& staging,
                                 const std::vector<MeasuredValue>& live, const std::string& stagingLabel)
{
    std::string failing;
    for (std::size_t i = 0; i < metrics.size() && i < staging.size() && i < live.size(); ++i) {
        const MetricReading r = readMetric(metrics[i], staging[i], live[i]);
        if (r.outcome == Outcome::Fail)
            failing += (failing.empty() ? "" : "; ") + r.name + " " + r.explanation;
    }
    return failing.empty() ? std::string() : "Staging (slot " + stagingLabel + ") is worse than live: " + failing + ".";
}

Outcome lookOutcome(const AnalysisLook& look)
{
    const auto any = [&](Outcome o) {
        return std::any_of(look.metrics.begin(), look.metrics.end(),
                           [o](const MetricReading& m) { return m.outcome == o; });
    };
    if (any(Outcome::Fail))
        return Outcome::Fail;
    if (look.metrics.empty() || any(Outcome::Inconclusive))
        return Outcome::Inconclusive;
    return Outcome::Pass;
}

VerdictResult analysisVerdict(const std::vector<AnalysisLook>& looks, const AnalysisSpec& spec)
{
    VerdictResult overall;
    overall.looks = static_cast<int>(looks.size());
    if (spec.metrics.empty()) {
        overall.verdict = Verdict::Inconclusive;
        overall.sentence = "no metrics to analyse";
        return overall;
    }
    std::optional<VerdictResult> failed, inconclusive;
    bool allPassed = true;
    for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
        std::vector<Outcome> series;
        std::string last;
        for (const AnalysisLook& look : looks)
            if (i < look.metrics.size()) {
                series.push_back(look.metrics[i].outcome);
                last = look.metrics[i].explanation;
            }
        VerdictResult v = verdictOver(series, spec);
        v.sentence = spec.metrics[i].name + " " + v.sentence + (last.empty() ? "" : ": " + last);
        if (v.verdict == Verdict::Failed && !failed)
            failed = v;
        if (v.verdict == Verdict::Inconclusive && !inconclusive)
            inconclusive = v;
        allPassed = allPassed && v.verdict == Verdict::Passed;
    }
    if (failed)
        return *failed;
    if (inconclusive)
        return *inconclusive;
    overall.verdict = allPassed ? Verdict::Passed : Verdict::Running;
    overall.sentence = allPassed ? "every metric passed" : std::to_string(looks.size()) + " looks so far";
    return overall;
}

AnalysisJudgement judgeAnalysisLook(const AnalysisStreaks& streaks, const AnalysisLook& look, int failureLimit,
                                    const std::string& subject)
{
    const int limit = std::max(failureLimit, 1);
    AnalysisJudgement j;
    j.streaks = streaks;
    for (const MetricReading& m : look.metrics) {
        int& streak = j.streaks.failing[m.name];
        if (m.outcome == Outcome::Fail)
            ++streak;
        else if (m.outcome == Outcome::Pass)
            streak = 0;
        if (streak >= limit && !j.worse) {
            j.worse = true;
            j.sentence = m.name + " of " + subject + " failed " +
                         (limit == 1 ? std::string("a look") : std::to_string(limit) + " looks in a row") + ": " +
                         m.explanation;
        }
    }
    if (!j.worse) {
        const Outcome o = lookOutcome(look);
        j.sentence = o == Outcome::Pass ? "metrics pass"
                     : o == Outcome::Fail
                         ? "a metric fails"
                         : "metrics inconclusive" + (look.problem.empty() ? std::string() : ": " + look.problem);
    }
    return j;
}

std::string valuesText(const std::vector<MetricReading>& metrics, bool candidate)
{
    std::string text;
    for (const MetricReading& m : metrics) {
        const std::optional<double>& v = candidate ? m.candidate : m.baseline;
        text += (text.empty() ? "" : ", ") + m.name + " " + (v ? formatValue(*v, m.unit) : std::string("no data"));
    }
    return text;
}

} // namespace model
