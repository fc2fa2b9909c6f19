#pragma once

// Metric analysis as pure rules: the metrics to ask Prometheus for, their query templates, the conditions
// that judge a value, and the verdict over a series of looks. The candidate is the release being judged
// (staging before a swap, the new live slot after it); the baseline is the release it replaces (live
// before a swap, the old live slot over the window before it). Querying Prometheus is not here: this
// file says what to ask and what the answers mean. tests/unit/tst_analysisrules.cpp table-tests it.
//
// The verdict differs from Argo Rollouts' on purpose: Argo fails an analysis when the number of failed
// measurements exceeds failureLimit (default 0, counted over the whole run, so failureLimit 2 means the
// third failure anywhere). Here a metric fails when its last failureLimit looks all failed (at least 1),
// as the watch after a swap counts a health check's failures in a row: a single slow scrape among good
// ones is noise, a streak is a release getting worse. "No data" is Inconclusive, never a pass, and more
// than inconclusiveLimit inconclusive looks make the whole analysis Inconclusive (Argo's
// inconclusiveLimit, with the same default of 0).

#include "kube/net.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kube {
struct Service;
}

namespace model {

struct ServiceSpec;

// Bounds on what the configuration and the annotations may ask for.
constexpr int maxMetrics = 10;
constexpr int maxQueryLength = 4096;
constexpr int maxConditionLength = 512;
constexpr int maxAnalysisCount = 100;
constexpr int maxAnalysisWindowSeconds = 24 * 3600;

// A condition, parsed: a comparison of two arithmetic expressions over numbers and the variables
// `candidate` (alias `staging`, `value`) and `baseline` (alias `live`). Kept as a small tree in a
// vector so that it compares and copies as a value.
struct Condition {
    enum class Op { Number, Candidate, Baseline, Neg, Add, Sub, Mul, Div, Lt, Le, Gt, Ge, Eq, Ne };
    struct Node {
        Op op = Op::Number;
        double number = 0;
        int left = -1, right = -1;
        bool operator==(const Node&) const = default;
    };
    std::string text; // as written
    std::vector<Node> nodes;
    int root = -1;

    bool usesBaseline() const;
    bool operator==(const Condition&) const = default;
};

// Parses a condition: `candidate <= baseline * 1.2 + 0.005`, `staging < live`, or the threshold
// shorthand `< 0.01` (short for `value < 0.01`). Numbers as in `0.5`, `5`, `1e-3`. An error says what
// and at which column (1-based).
kube::Result<Condition> parseCondition(const std::string& text);

enum class Outcome { Pass, Fail, Inconclusive };
const char* outcomeName(Outcome o); // "pass", "fail", "inconclusive"

struct Evaluation {
    Outcome outcome = Outcome::Inconclusive;
    std::string explanation; // one line: both values for people, and the condition
};

// Judges the values of one look. A missing value the condition needs, a NaN or infinite value, or a
// division by zero is Inconclusive, never a pass. `unit` formats the numbers ("ratio", "seconds", "").
Evaluation evaluate(const Condition& condition, std::optional<double> candidate, std::optional<double> baseline,
                    const std::string& unit = {});

// A value for people: a ratio as a percentage ("1.25 %"), seconds as "850 ms" or "1.5 s", anything
// else with up to 4 significant digits.
std::string formatValue(double value, const std::string& unit);

struct MetricSpec {
    std::string name;          // "error ratio"
    std::string queryTemplate; // PromQL with {{variables}}
    Condition condition;
    std::string unit; // "ratio", "seconds", or "" for display
    bool operator==(const MetricSpec&) const = default;
};

struct AnalysisSpec {
    std::vector<MetricSpec> metrics;
    int windowSeconds = 120;
    int intervalSeconds = 30;
    int count = 3;
    int failureLimit = 1;
    int inconclusiveLimit = 0;
    bool operator==(const AnalysisSpec&) const = default;
};

// The label names the default queries use; `labels:` in the configuration renames them.
struct DefaultLabels {
    std::string ns = "namespace";
    std::string pod = "pod";
    std::string status = "status";
    std::string le = "le";
    bool operator==(const DefaultLabels&) const = default;
};

// The two default metrics: the request error ratio from http_requests_total and the p99 latency from
// http_request_duration_seconds_bucket, each compared with the baseline.
std::vector<MetricSpec> defaultMetrics(const DefaultLabels& labels = {});

// What a query template's variables stand for.
struct QueryVars {
    std::string ns;
    std::string service;
    std::string slot; // "a" | "b"
    std::vector<std::string> pods;
    int windowSeconds = 120;
};

struct ExpandedQuery {
    std::string query;
    bool noPods = false; // {{pods}} was used with no pods: the query matches nothing, the look is inconclusive
};

// Replaces {{namespace}}, {{service}}, {{slot}}, {{pods}} and {{window}} (spaces inside the braces
// allowed). Values are escaped for a PromQL double-quoted string; {{pods}} is a regex of the pod names,
// each regex-escaped, and with no pods a regex that matches no pod name. An unknown or unclosed
// variable is an error naming it.
kube::Result<ExpandedQuery> expandQuery(const std::string& queryTemplate, const QueryVars& vars);

// A PromQL duration for a number of seconds: "2m", "90s", "1h".
std::string promDuration(int seconds);

// Where Prometheus is: through the API server's service proxy (NAMESPACE/SERVICE:PORT), or at a URL
// with an optional bearer token file and CA file. A target is taken whole from one place, never mixed
// field by field: a token meant for one URL must not be sent to another.
struct PrometheusTarget {
    std::string serviceNamespace, serviceName, servicePort; // the proxy route
    std::string url;
    std::string bearerTokenFile;
    std::string caFile;
    std::string source; // for people: "services.yaml", "annotation on Service uro"

    bool configured() const { return viaProxy() || !url.empty(); }
    bool viaProxy() const { return !serviceName.empty(); }
    bool operator==(const PrometheusTarget&) const = default;
};

// `NAMESPACE/SERVICE:PORT` or an http(s):// URL, as the annotation and the configuration write it.
kube::Result<PrometheusTarget> parsePrometheusTarget(const std::string& text);

// The verdict over the looks so far.
enum class Verdict { Running, Passed, Failed, Inconclusive };
const char* verdictName(Verdict v); // "running", "passed", "failed", "inconclusive"

struct VerdictResult {
    Verdict verdict = Verdict::Running;
    int looks = 0; // how many looks the verdict rests on
    std::string sentence;
};

// Looks in order, the oldest first. Failed when failureLimit looks in a row failed; Inconclusive when
// more than inconclusiveLimit looks were inconclusive; Passed after `count` looks otherwise; Running
// before that. The first of these to happen decides; looks after it do not change the verdict.
VerdictResult verdictOver(const std::vector<Outcome>& looks, const AnalysisSpec& spec);

// The analysis of a service: the configuration's `analysis:` (its metrics, window, interval, ...)
// field by field over the live Service's annotation signalbox.v-sekai.org/analysis (`default` turns on
// the default metrics). Empty metrics: no analysis. Values that cannot be read go to `problems`.
AnalysisSpec analysisSpecFor(const ServiceSpec& spec, const kube::Service* live, std::vector<std::string>* problems);

// Where the service's Prometheus is: the service's `prometheus:` in the configuration, else the
// configuration's top-level `prometheus:`, else the live Service's annotation
// signalbox.v-sekai.org/prometheus. An annotation (which CI may write) never replaces a target the
// operator configured.
PrometheusTarget prometheusTargetFor(const ServiceSpec& spec, const PrometheusTarget& topLevel,
                                     const kube::Service* live, std::vector<std::string>* problems);

} // namespace model
