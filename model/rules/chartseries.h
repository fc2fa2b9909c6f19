#pragma once

// What the service page's metric charts and the tiles show, as pure functions over what Prometheus
// answered: a series of (time, value) points scaled into a chart's pixels with gaps where there is no
// data, the swaps' markers, the axis labels, and the values as text. model::MetricFeed gathers the
// values, ui::MetricChart paints these. tests/unit/tst_chartseries.cpp table-tests them.

#include "kube/history.h"
#include "model/rules/analysislook.h"

#include <optional>
#include <string>
#include <vector>

namespace model {

// One value at one time (seconds since the epoch); a NaN or infinite value is no data.
struct TimedValue {
    double time = 0;
    double value = 0;
    bool operator==(const TimedValue&) const = default;
};

struct ChartPoint {
    double x = 0, y = 0;
    bool operator==(const ChartPoint&) const = default;
};

// A line cut where there is no data: each segment is drawn on its own, never joined across a gap.
using ChartLine = std::vector<std::vector<ChartPoint>>;

// The frame of a chart: the times it spans, its size in pixels, and the step of the series (two
// points further apart than twice the step have a gap between them: Prometheus leaves out the steps
// where nothing matched).
struct ChartFrame {
    double start = 0, end = 0;
    double width = 0, height = 0;
    double stepSeconds = 15;
};

struct ChartGeometry {
    std::vector<ChartLine> lines; // one per series given, in their order
    std::vector<double> markers;  // x of each swap within the frame
    double low = 0, high = 0;     // the values at the bottom and the top
    std::string lowLabel, highLabel;
    bool hasData = false; // some series has a point
};

// Scales the series into the frame. The value axis starts at 0 (or below, for a negative value) and
// ends at the largest value; when all values are equal it spans at least the unit's smallest span
// (ratio 1 %, seconds 10 ms, else 1), so a flat line of zeros sits at the bottom, not in the middle.
ChartGeometry chartGeometry(const std::vector<std::vector<TimedValue>>& series, const std::vector<double>& swapTimes,
                            const ChartFrame& frame, const std::string& unit);

// Where a chart over the last `windowSeconds` up to `end` starts: at the window's start, or later when
// the series begin later (a new service, a fresh Prometheus), at their first point but at least
// `minimumSeconds` before `end`, so a few minutes of data fill the chart rather than its last pixels.
double chartStart(const std::vector<std::vector<TimedValue>>& series, double end, double windowSeconds,
                  double minimumSeconds = 600);
// "30 d ago", "1 h ago", "12 min ago", "45 s ago": the left end of the time axis.
std::string agoText(double seconds);

// The smallest span of the value axis for a unit (the unit table above).
double minimumSpan(const std::string& unit);

// The step of a range query over `seconds` so that a series holds at most `maxPoints` points, in whole
// seconds and never under `floorSeconds` (the scrape interval: a finer step only repeats values).
int rangeStepSeconds(int seconds, int maxPoints = 240, int floorSeconds = 15);

// When swaps and rollbacks happened, from the live Service's history (seconds since the epoch; entries
// that are not readable or whose `at` is not a time are left out), oldest first.
std::vector<double> swapTimes(const std::vector<kube::HistoryEntry>& history);

// One metric's value for people, as `signalbox analyze` writes it ("0.2 %", "12 ms"), or "no data".
std::string valueText(const MeasuredValue& value, const std::string& unit);

// A slot's metrics on one line each: "error ratio 0.2 %", "p99 latency no data".
std::vector<std::string> metricLines(const std::vector<MetricSpec>& metrics, const std::vector<MeasuredValue>& values);

// The latest value of a series (the last finite point), if any.
std::optional<double> latestValue(const std::vector<TimedValue>& series);

// The chart in words, for its accessible description: "error ratio over the last hour: live (slot A)
// 0.2 %, staging (slot B) 20 %; 1 swap" ("no data" for a side without points; "over the last 12 min"
// for a shorter span).
std::string chartDescription(const std::string& metric, const std::string& unit,
                             const std::vector<std::pair<std::string, std::vector<TimedValue>>>& sides,
                             std::size_t swaps, double spanSeconds = 3600);

} // namespace model
