#include "metricchart.h"

#include "style.h"
#include "text.h"

#include <QPainter>
#include <QPainterPath>

namespace ui {

namespace {

// Live in the live colour, staging in the staging colour, as the tiles' role chips.
QColor sideColor(std::size_t i, const QPalette& palette)
{
    return QColor(style::colorOf(i == 0 ? style::Tone::Live : style::Tone::Staging, palette));
}

} // namespace

MetricChart::MetricChart(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("metricChart"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void MetricChart::setStyle(Style style)
{
    m_style = style;
    update();
}

void MetricChart::setData(const std::string& metric, const std::string& unit, std::vector<Side> sides,
                          std::vector<double> swaps, const model::ChartFrame& frame)
{
    m_metric = metric;
    m_unit = unit;
    m_sides = std::move(sides);
    m_swaps = std::move(swaps);
    m_frame = frame;
    setAccessibleName(tr("Chart of %1").arg(QString::fromStdString(metric)));
    setAccessibleDescription(description());
    setToolTip(tip(description()));
    update();
}

QString MetricChart::description() const
{
    std::vector<std::pair<std::string, std::vector<model::TimedValue>>> sides;
    for (const Side& s : m_sides)
        sides.emplace_back(s.label, s.series);
    std::size_t swaps = 0;
    for (double t : m_swaps)
        swaps += t >= m_frame.start && t <= m_frame.end;
    return QString::fromStdString(model::chartDescription(m_metric, m_unit, sides, swaps, m_frame.end - m_frame.start));
}

int MetricChart::pointCount(std::size_t i) const
{
    if (i >= m_sides.size())
        return 0;
    int n = 0;
    const auto g = model::chartGeometry({m_sides[i].series}, {}, m_frame, m_unit);
    for (const auto& segment : g.lines.front())
        n += int(segment.size());
    return n;
}

std::size_t MetricChart::markerCount() const
{
    return model::chartGeometry({}, m_swaps, m_frame, m_unit).markers.size();
}

QSize MetricChart::sizeHint() const
{
    return {360, fontMetrics().height() * 7};
}

QSize MetricChart::minimumSizeHint() const
{
    return {200, fontMetrics().height() * 7};
}

// Each bar most of a step wide, at least two pixels, from the axis's bottom to its value.
void MetricChart::paintBars(QPainter& p, const QRect& plot, const model::ChartGeometry& g) const
{
    const double span = std::max(1.0, m_frame.end - m_frame.start);
    const double barWidth = std::max(2.0, 0.7 * plot.width() * m_frame.stepSeconds / span);
    for (std::size_t i = 0; i < g.lines.size(); ++i)
        for (const auto& segment : g.lines[i])
            for (const model::ChartPoint& pt : segment) {
                const QRectF bar(plot.left() + pt.x - barWidth / 2, plot.top() + pt.y, barWidth,
                                 std::max(1.0, plot.height() - pt.y - 1));
                p.fillRect(bar.intersected(QRectF(plot)), sideColor(i, palette()));
            }
}

void MetricChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const int line = fm.height();
    // Title and legend on the first line, the plot below, the time axis's words under it.
    p.setPen(palette().color(QPalette::WindowText));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QString title = QString::fromStdString(m_metric);
    p.drawText(QPoint(0, fm.ascent()), title);
    p.setFont(font());
    int x = QFontMetrics(bold).horizontalAdvance(title) + line;
    for (std::size_t i = 0; i < m_sides.size(); ++i) {
        p.setPen(QPen(sideColor(i, palette()), 2));
        p.drawLine(x, line / 2, x + line, line / 2);
        x += line + 4;
        p.setPen(palette().color(QPalette::WindowText));
        const QString label = QString::fromStdString(m_sides[i].label);
        p.drawText(QPoint(x, fm.ascent()), label);
        x += fm.horizontalAdvance(label) + line;
    }
    std::vector<std::vector<model::TimedValue>> series;
    for (const Side& s : m_sides)
        series.push_back(s.series);
    // The labels' width first: the plot takes what is left.
    const auto probe = model::chartGeometry(series, m_swaps, m_frame, m_unit);
    const int labelWidth = std::max(fm.horizontalAdvance(QString::fromStdString(probe.highLabel)),
                                    fm.horizontalAdvance(QString::fromStdString(probe.lowLabel))) +
                           6;
    const QRect plot(labelWidth, line + 4, std::max(width() - labelWidth - 2, 10), height() - 2 * line - 8);
    model::ChartFrame frame = m_frame;
    frame.width = plot.width();
    frame.height = plot.height();
    const auto g = model::chartGeometry(series, m_swaps, frame, m_unit);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(plot.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, plot.top(), labelWidth - 4, line), Qt::AlignRight | Qt::AlignTop,
               QString::fromStdString(g.highLabel));
    p.drawText(QRect(0, plot.bottom() - line, labelWidth - 4, line), Qt::AlignRight | Qt::AlignBottom,
               QString::fromStdString(g.lowLabel));
    p.drawText(QRect(plot.left(), plot.bottom() + 2, plot.width(), line), Qt::AlignLeft,
               QString::fromStdString(model::agoText(m_frame.end - m_frame.start)));
    p.drawText(QRect(plot.left(), plot.bottom() + 2, plot.width(), line), Qt::AlignRight, tr("now"));
    p.setPen(QPen(palette().color(QPalette::WindowText), 1, Qt::DashLine));
    for (double mx : g.markers)
        p.drawLine(QPointF(plot.left() + mx, plot.top()), QPointF(plot.left() + mx, plot.bottom()));
    if (!g.hasData) {
        p.drawText(plot, Qt::AlignCenter, tr("no data"));
        return;
    }
    if (m_style == Style::Bars) {
        paintBars(p, plot, g);
        return;
    }
    for (std::size_t i = 0; i < g.lines.size(); ++i) {
        p.setPen(QPen(sideColor(i, palette()), 2));
        for (const auto& segment : g.lines[i]) {
            if (segment.size() == 1) {
                p.drawPoint(QPointF(plot.left() + segment[0].x, plot.top() + segment[0].y));
                continue;
            }
            QPainterPath path(QPointF(plot.left() + segment[0].x, plot.top() + segment[0].y));
            for (std::size_t k = 1; k < segment.size(); ++k)
                path.lineTo(plot.left() + segment[k].x, plot.top() + segment[k].y);
            p.drawPath(path);
        }
    }
}

} // namespace ui
