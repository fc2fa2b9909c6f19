// The metric charts and the tiles' values as tables: series scaled into pixels with gaps where there is
// no data, the swaps' markers, the value axis per unit, the range query's step, and the values as text
// ("no data", never 0).
#include "model/rules/chartseries.h"

#include <QTest>
#include <cmath>
#include <limits>

namespace {

using model::ChartPoint;
using model::TimedValue;
using Series = std::vector<TimedValue>;
using Line = model::ChartLine;

constexpr double noData = std::numeric_limits<double>::quiet_NaN();

// A frame of 100 s on 100×50 pixels: one second is one pixel.
model::ChartFrame frame(double step = 10)
{
    return {.start = 1000, .end = 1100, .width = 100, .height = 50, .stepSeconds = step};
}

kube::HistoryEntry entry(const std::string& action, const std::string& at)
{
    kube::HistoryEntry e;
    e.action = action;
    e.at = at;
    return e;
}

} // namespace

Q_DECLARE_METATYPE(Series)
Q_DECLARE_METATYPE(Line)

class TestChartSeries : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lines_data()
    {
        QTest::addColumn<Series>("series");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<Line>("expected");
        QTest::addColumn<double>("high");
        // Largest value at the top, 0 at the bottom; one second per pixel.
        QTest::newRow("scaled") << Series{{1000, 0}, {1010, 0.5}, {1020, 1}} << "" << Line{{{0, 50}, {10, 25}, {20, 0}}}
                                << 1.0;
        QTest::newRow("NaN breaks the line")
            << Series{{1000, 1}, {1010, noData}, {1020, 1}} << "" << Line{{{0, 0}}, {{20, 0}}} << 1.0;
        QTest::newRow("+Inf breaks the line")
            << Series{{1000, 1}, {1010, std::numeric_limits<double>::infinity()}, {1020, 1}} << ""
            << Line{{{0, 0}}, {{20, 0}}} << 1.0;
        QTest::newRow("a missing step is a gap") << Series{{1000, 1}, {1010, 1}, {1050, 1}, {1060, 1}} << ""
                                                 << Line{{{0, 0}, {10, 0}}, {{50, 0}, {60, 0}}} << 1.0;
        QTest::newRow("two steps apart is no gap")
            << Series{{1000, 1}, {1020, 1}} << "" << Line{{{0, 0}, {20, 0}}} << 1.0;
        QTest::newRow("points outside the frame are left out")
            << Series{{900, 1}, {1000, 1}, {1200, 1}} << "" << Line{{{0, 0}}} << 1.0;
        // All zeros: the line lies at the bottom of a 1 % axis, not in its middle.
        QTest::newRow("zeros sit at the bottom")
            << Series{{1000, 0}, {1010, 0}} << "ratio" << Line{{{0, 50}, {10, 50}}} << 0.01;
        QTest::newRow("seconds: 10 ms at least") << Series{{1000, 0.005}} << "seconds" << Line{{{0, 25}}} << 0.01;
        QTest::newRow("no points") << Series{} << "ratio" << Line{} << 0.01;
    }
    void lines()
    {
        QFETCH(Series, series);
        QFETCH(QString, unit);
        QFETCH(Line, expected);
        QFETCH(double, high);
        const auto g = model::chartGeometry({series}, {}, frame(), unit.toStdString());
        QCOMPARE(g.lines.size(), std::size_t(1));
        QCOMPARE(g.lines[0], expected);
        QCOMPARE(g.high, high);
        QCOMPARE(g.low, 0.0);
        QCOMPARE(g.hasData, !expected.empty());
    }

    void bothSidesShareTheAxis()
    {
        // Staging at 20 %, live at 0: one axis for both, live at the bottom, staging at the top.
        const auto g = model::chartGeometry({{{1000, 0}, {1010, 0}}, {{1000, 0.2}, {1010, 0.2}}}, {}, frame(), "ratio");
        QCOMPARE(g.lines.size(), std::size_t(2));
        QCOMPARE(g.lines[0], (Line{{{0, 50}, {10, 50}}}));
        QCOMPARE(g.lines[1], (Line{{{0, 0}, {10, 0}}}));
        QCOMPARE(g.lowLabel, std::string("0 %"));
        QCOMPARE(g.highLabel, std::string("20 %"));
    }

    void negativeValuesLowerTheAxis()
    {
        const auto g = model::chartGeometry({{{1000, -1}, {1010, 1}}}, {}, frame(), "");
        QCOMPARE(g.low, -1.0);
        QCOMPARE(g.high, 1.0);
        QCOMPARE(g.lines[0], (Line{{{0, 50}, {10, 0}}}));
    }

    void markers()
    {
        // Swaps inside the frame get a marker at their time; those before or after it none.
        const auto g = model::chartGeometry({}, {950, 1000, 1042.5, 1100, 1101}, frame(), "ratio");
        QCOMPARE(g.markers, (std::vector<double>{0, 42.5, 100}));
        QVERIFY(!g.hasData);
    }

    void swapTimesFromHistory()
    {
        kube::HistoryEntry unreadable = entry("swap", "2026-01-01T00:00:00Z");
        unreadable.unreadable = "not JSON";
        const std::vector<kube::HistoryEntry> history{
            entry("swap", "2026-01-01T00:01:00Z"), entry("deploy", "2026-01-01T00:02:00Z"),
            entry("rollback", "2026-01-01T00:00:30.500Z"), entry("swap", "yesterday"), unreadable};
        const double t0 = 1767225600; // 2026-01-01T00:00:00Z
        QCOMPARE(model::swapTimes(history), (std::vector<double>{t0 + 30.5, t0 + 60}));
    }

    void rangeStep_data()
    {
        QTest::addColumn<int>("seconds");
        QTest::addColumn<int>("step");
        QTest::newRow("an hour: 15 s, 240 points") << 3600 << 15;
        QTest::newRow("a day: 6 min") << 86400 << 360;
        QTest::newRow("never under the scrape") << 60 << 15;
        QTest::newRow("rounded up") << 3601 * 2 << 31;
        QTest::newRow("nothing") << 0 << 15;
    }
    void rangeStep()
    {
        QFETCH(int, seconds);
        QFETCH(int, step);
        QCOMPARE(model::rangeStepSeconds(seconds), step);
        QVERIFY(seconds / model::rangeStepSeconds(seconds) <= 240);
    }

    void valueTexts()
    {
        model::MetricSpec errors{.name = "error ratio", .queryTemplate = "x", .condition = {}, .unit = "ratio"};
        model::MetricSpec p99{.name = "p99 latency", .queryTemplate = "x", .condition = {}, .unit = "seconds"};
        const model::MeasuredValue some{.value = 0.002, .problem = {}, .forbidden = false, .asked = true};
        const model::MeasuredValue none{.value = std::nullopt, .problem = "no data", .forbidden = false, .asked = true};
        const model::MeasuredValue nanValue{.value = noData, .problem = {}, .forbidden = false, .asked = true};
        const model::MeasuredValue fast{.value = 0.012, .problem = {}, .forbidden = false, .asked = true};
        QCOMPARE(model::metricLines({errors, p99}, {some, fast}),
                 (std::vector<std::string>{"error ratio 0.2 %", "p99 latency 12 ms"}));
        // No data is said, never shown as 0; NaN (0 of 0 requests) is no data too.
        QCOMPARE(model::metricLines({errors, p99}, {none, nanValue}),
                 (std::vector<std::string>{"error ratio no data", "p99 latency no data"}));
        QCOMPARE(model::metricLines({errors, p99}, {}),
                 (std::vector<std::string>{"error ratio no data", "p99 latency no data"}));
        // The same text `signalbox analyze` prints.
        QCOMPARE(model::valueText(some, "ratio"), model::formatValue(0.002, "ratio"));
    }

    void start()
    {
        const double end = 10000;
        // A full hour of data: the hour. Data of the last 20 min: from its first point. Of the last
        // minute: ten minutes, so the points are not squeezed against the right edge.
        QCOMPARE(model::chartStart({{{end - 4000, 1}, {end - 10, 1}}}, end, 3600), end - 3600);
        QCOMPARE(model::chartStart({{{end - 1200, 1}}, {{end - 100, noData}, {end - 900, 1}}}, end, 3600), end - 1200);
        QCOMPARE(model::chartStart({{{end - 60, 1}}}, end, 3600), end - 600);
        QCOMPARE(model::chartStart({{{end - 60, noData}}}, end, 3600), end - 600);
        QCOMPARE(model::chartStart({}, end, 300), end - 300);
        QCOMPARE(model::agoText(3600), std::string("1 h ago"));
        QCOMPARE(model::agoText(30 * 86400), std::string("30 d ago"));
        QCOMPARE(model::agoText(86400), std::string("24 h ago"));
        QCOMPARE(model::agoText(1200), std::string("20 min ago"));
        QCOMPARE(model::agoText(45), std::string("45 s ago"));
        QCOMPARE(model::chartDescription("p99", "seconds", {{"live", {{1, 0.012}}}}, 0, 600),
                 std::string("p99 over the last 10 min: live 12 ms"));
    }

    void description()
    {
        const std::vector<std::pair<std::string, Series>> sides{
            {"live (slot A)", {{1000, 0.001}, {1010, noData}}}, {"staging (slot B)", {{1000, 0.2}}}, {"nothing", {}}};
        QCOMPARE(model::chartDescription("error ratio", "ratio", sides, 2),
                 std::string("error ratio over the last hour: live (slot A) 0.1 %, staging (slot B) 20 %, "
                             "nothing no data; 2 swaps"));
        QCOMPARE(model::latestValue({{1000, 1}, {1010, 2}, {1020, noData}}), std::optional<double>(2));
    }
};

QTEST_GUILESS_MAIN(TestChartSeries)
#include "tst_chartseries.moc"
