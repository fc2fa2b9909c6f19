#pragma once

// What one look of a metric analysis found, and what a series of looks means, as pure functions over
// the values Prometheus answered: model::AnalysisRun gathers the values, these judge them.
// tests/unit/tst_analysislook.cpp table-tests them.

#include "model/rules/analysis.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace model {

// A value one query answered, or why there is none.
struct MeasuredValue {
    std::optional<double> value;
    std::string problem; // why there is no value: "no data", "no pods", or the error's sentence
    bool forbidden = false;
    bool asked = true; // false: the call to Prometheus failed (refused, unreachable, the query refused)
};

// One metric of one look: both values and how the condition judged them.
struct MetricReading {
    std::string name, unit, condition;
    std::optional<double> candidate, baseline;
    Outcome outcome = Outcome::Inconclusive;
    std::string explanation; // one line: the values for people and the condition, or why inconclusive
};

struct AnalysisLook {
    std::vector<MetricReading> metrics;
    // Prometheus could not be asked (refused, unreachable): the first such sentence, said once.
    std::string problem;
    bool forbidden = false;
};

// Judges one metric's two measured values by its condition: a value that is missing names why.
MetricReading readMetric(const MetricSpec& metric, const MeasuredValue& candidate, const MeasuredValue& baseline);
// The look as a whole: Fail when a metric failed, else Inconclusive when one was (or there were none), else Pass.
Outcome lookOutcome(const AnalysisLook& look);

// The verdict over the looks so far: each metric's series through verdictOver; Failed when one metric
// failed, else Inconclusive when one was, else Passed when all passed, else Running. The sentence
// names the metric that decided and its last explanation.
VerdictResult analysisVerdict(const std::vector<AnalysisLook>& looks, const AnalysisSpec& spec);

// The watch after a swap: per metric, how many looks in a row failed.
struct AnalysisStreaks {
    std::map<std::string, int> failing;
};

struct AnalysisJudgement {
    AnalysisStreaks streaks;
    bool worse = false;
    std::string sentence; // worse: "error ratio of slot B failed 2 looks in a row: 20 % against 0.5 % ..."
};

// Judges a look of the new live slot against live-before: worse when a metric failed failureLimit looks
// in a row (at least 1). An inconclusive look breaks no streak and makes nothing worse.
AnalysisJudgement judgeAnalysisLook(const AnalysisStreaks& streaks, const AnalysisLook& look, int failureLimit,
                                    const std::string& subject);

// What staging's values measured now say against live's, for the status: a sentence naming each metric
// whose condition fails ("Staging (slot B) is worse than live: error ratio 17 % against 0 %: fails ..."),
// or empty when none fails (a missing value, or a metric without a value on either side, fails nothing:
// the gate's look decides those).
std::string stagingWorseSentence(const std::vector<MetricSpec>& metrics, const std::vector<MeasuredValue>& staging,
                                 const std::vector<MeasuredValue>& live, const std::string& stagingLabel);

// "error ratio 0.5 %, p99 latency 12 ms": the values a look measured for one side, for a history entry.
std::string valuesText(const std::vector<MetricReading>& metrics, bool candidate);

} // namespace model
