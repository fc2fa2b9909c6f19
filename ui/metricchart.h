#pragma once

#include "model/rules/chartseries.h"

#include <QWidget>

class QPainter;

namespace ui {

// A small chart of one metric: live and staging over the last hour as two lines (cut where there is no
// data), or a figure per day or week as bars; a dashed vertical marker at each swap, the value axis's
// bottom and top as labels. Painted with
// QPainter (docs/design.md says why not Qt Charts); the geometry is model::chartGeometry's. Its
// accessible description says the latest values in words.
class MetricChart : public QWidget {
    Q_OBJECT

public:
    struct Side {
        std::string label; // "live (slot A)"
        std::vector<model::TimedValue> series;
    };

    // Lines join a series' points (metrics over time); bars stand each point on the axis, a frame's step
    // wide (a figure per day or week).
    enum class Style { Lines, Bars };

    explicit MetricChart(QWidget* parent = nullptr);
    void setStyle(Style style);
    void setData(const std::string& metric, const std::string& unit, std::vector<Side> sides, std::vector<double> swaps,
                 const model::ChartFrame& frame);

    // The description in words (also the accessible description).
    QString description() const;
    // The points of side `i` the chart holds, in the frame (for tests).
    int pointCount(std::size_t i) const;
    std::size_t markerCount() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintBars(QPainter& p, const QRect& plot, const model::ChartGeometry& g) const;

    std::string m_metric, m_unit;
    std::vector<Side> m_sides;
    std::vector<double> m_swaps;
    model::ChartFrame m_frame;
    Style m_style = Style::Lines;
};

} // namespace ui
