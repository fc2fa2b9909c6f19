#include "model/rules/chartseries.h"

#include "model/rules/counted.h"

#include <QDateTime>
#include <QString>
#include <algorithm>
#include <cmath>

namespace model {

double minimumSpan(const std::string& unit)
{
    if (unit == "ratio")
        return 0.01;
    if (unit == "seconds")
        return 0.01;
    return 1;
}

namespace {

bool finite(double v)
{
    return std::isfinite(v);
}

double xOf(double time, const ChartFrame& f)
{
    return f.end > f.start ? (time - f.start) / (f.end - f.start) * f.width : 0;
}

} // namespace

ChartGeometry chartGeometry(const std::vector<std::vector<TimedValue>>& series, const std::vector<double>& swapTimes,
                            const ChartFrame& frame, const std::string& unit)
{
    ChartGeometry g;
    double lo = 0, hi = 0;
    for (const auto& s : series)
        for (const TimedValue& p : s)
            if (finite(p.value) && finite(p.time) && p.time >= frame.start && p.time <= frame.end) {
                lo = std::min(lo, p.value);
                hi = std::max(hi, p.value);
                g.hasData = true;
            }
    if (hi - lo < minimumSpan(unit))
        hi = lo + minimumSpan(unit);
    g.low = lo;
    g.high = hi;
    g.lowLabel = formatValue(lo, unit);
    g.highLabel = formatValue(hi, unit);
    const double maxGap = 2 * std::max(frame.stepSeconds, 1.0);
    for (const auto& s : series) {
        ChartLine line;
        std::vector<ChartPoint> segment;
        double last = 0;
        for (const TimedValue& p : s) {
            const bool shown = finite(p.value) && finite(p.time) && p.time >= frame.start && p.time <= frame.end;
            if (!shown || (!segment.empty() && p.time - last > maxGap)) {
                if (!segment.empty())
                    line.push_back(std::move(segment));
                segment.clear();
            }
            if (!shown)
                continue;
            segment.push_back({.x = xOf(p.time, frame), .y = frame.height - (p.value - lo) / (hi - lo) * frame.height});
            last = p.time;
        }
        if (!segment.empty())
            line.push_back(std::move(segment));
        g.lines.push_back(std::move(line));
    }
    for (double t : swapTimes)
        if (t >= frame.start && t <= frame.end)
            g.markers.push_back(xOf(t, frame));
    return g;
}

int rangeStepSeconds(int seconds, int maxPoints, int floorSeconds)
{
    const int points = std::max(maxPoints, 1);
    const int step = (std::max(seconds, 0) + points - 1) / points;
    return std::max(step, std::max(floorSeconds, 1));
}

std::vector<double> swapTimes(const std::vector<kube::HistoryEntry>& history)
{
    std::vector<double> times;
    for (const kube::HistoryEntry& e : history) {
        if (!e.readable() || (e.action != "swap" && e.action != "rollback"))
            continue;
        QDateTime at = QDateTime::fromString(QString::fromStdString(e.at), Qt::ISODateWithMs);
        if (!at.isValid())
            at = QDateTime::fromString(QString::fromStdString(e.at), Qt::ISODate);
        if (at.isValid())
            times.push_back(double(at.toMSecsSinceEpoch()) / 1000.0);
    }
    std::sort(times.begin(), times.end());
    return times;
}

std::string valueText(const MeasuredValue& value, const std::string& unit)
{
    return value.value && std::isfinite(*value.value) ? formatValue(*value.value, unit) : std::string("no data");
}

std::vector<std::string> metricLines(const std::vector<MetricSpec>& metrics, const std::vector<MeasuredValue>& values)
{
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < metrics.size(); ++i)
        lines.push_back(metrics[i].name + " " +
                        (i < values.size() ? valueText(values[i], metrics[i].unit) : std::string("no data")));
    return lines;
}

std::optional<double> latestValue(const std::vector<TimedValue>& series)
{
    for (auto it = series.rbegin(); it != series.rend(); ++it)
        if (std::isfinite(it->value))
            return it->value;
    return std::nullopt;
}

double chartStart(const std::vector<std::vector<TimedValue>>& series, double end, double windowSeconds,
                  double minimumSeconds)
{
    const double windowStart = end - windowSeconds;
    double first = end;
    for (const auto& s : series)
        for (const TimedValue& p : s)
            if (std::isfinite(p.value) && p.time < first)
                first = p.time;
    return std::max(windowStart, std::min(first, end - std::min(minimumSeconds, windowSeconds)));
}

std::string agoText(double seconds)
{
    const long s = std::lround(std::max(seconds, 0.0));
    if (s >= 2 * 86400 && s % 86400 == 0)
        return std::to_string(s / 86400) + " d ago";
    if (s >= 3600 && s % 3600 == 0)
        return std::to_string(s / 3600) + " h ago";
    if (s >= 60)
        return std::to_string((s + 30) / 60) + " min ago";
    return std::to_string(s) + " s ago";
}

std::string chartDescription(const std::string& metric, const std::string& unit,
                             const std::vector<std::pair<std::string, std::vector<TimedValue>>>& sides,
                             std::size_t swaps, double spanSeconds)
{
    const std::string ago = agoText(spanSeconds);
    std::string text =
        metric + " over the last " + (ago == "1 h ago" ? std::string("hour") : ago.substr(0, ago.size() - 4)) + ":";
    for (std::size_t i = 0; i < sides.size(); ++i) {
        const auto latest = latestValue(sides[i].second);
        text += (i ? ", " : " ") + sides[i].first + " " + (latest ? formatValue(*latest, unit) : "no data");
    }
    if (swaps > 0)
        text += "; " + counted(swaps, "swap", "swaps");
    return text;
}

} // namespace model
