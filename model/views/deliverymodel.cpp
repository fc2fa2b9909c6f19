#include "deliverymodel.h"

#include "model/rules/counted.h"
#include "model/views/timelinemodel.h"

#include <QDateTime>
#include <QTimeZone>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace model {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString percent(double ratio)
{
    return QStringLiteral("%1 %").arg(int(std::lround(ratio * 100)));
}

} // namespace

DeliveryModel::DeliveryModel(QObject* parent)
    : QAbstractTableModel(parent), m_texts(FigureCount), m_series(FigureCount), m_timeUnits(FigureCount)
{
    recompute();
}

int DeliveryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FigureCount;
}

int DeliveryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeliveryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= FigureCount || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Deployment frequency", "Lead time for changes", "Change failure rate",
                                        "Time to restore"};
    return index.column() == FigureColumn ? tr(names[index.row()]) : m_texts[std::size_t(index.row())];
}

QVariant DeliveryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == FigureColumn ? tr("Figure") : section == ValueColumn ? tr("Over the period") : QVariant();
}

void DeliveryModel::setServices(const std::vector<ServiceState>& services)
{
    std::map<std::string, std::uint64_t> revisions;
    for (const ServiceState& s : services)
        revisions.emplace(s.spec.name, s.revision);
    // A service derived again may hold a new history; otherwise only the clock moves the figures.
    if (revisions == m_revisions &&
        std::none_of(services.begin(), services.end(), [](const ServiceState& s) { return s.revision == 0; })) {
        if (!m_now && periodEnd() != m_period.to)
            recompute();
        return;
    }
    m_revisions = std::move(revisions);
    m_annotations = historiesOf(services);
    m_all = merged();
    m_services.clear();
    m_groupOf.clear();
    for (const ServiceState& s : services) {
        m_services.push_back(s.spec.name);
        m_groupOf.emplace_back(s.spec.name, s.spec.group.empty() ? s.spec.name : s.spec.group);
    }
    recompute();
}

void DeliveryModel::setRecords(std::vector<RecordedHistory> records)
{
    m_records = std::move(records);
    m_all = merged();
    recompute();
}

std::vector<TimelineEntry> DeliveryModel::merged() const
{
    return timelineOf(m_annotations, m_records);
}

void DeliveryModel::setScope(const Scope& scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
    recompute();
}

void DeliveryModel::setPeriodDays(int days)
{
    if (days == m_days || days <= 0 || days > 400)
        return;
    m_days = days;
    recompute();
}

void DeliveryModel::setNow(std::int64_t now)
{
    m_now = now;
    recompute();
}

QStringList DeliveryModel::groups() const
{
    std::map<std::string, int> members;
    for (const auto& [service, group] : m_groupOf)
        ++members[group];
    QStringList out;
    for (const auto& [group, n] : members)
        if (n > 1)
            out << q(group);
    return out;
}

QStringList DeliveryModel::services() const
{
    std::set<std::string> sorted(m_services.begin(), m_services.end());
    QStringList out;
    for (const std::string& s : sorted)
        out << q(s);
    return out;
}

std::string DeliveryModel::bucketName() const
{
    return bucketSecondsFor(m_days * 86400LL) == 86400 ? "per day" : "per week";
}

std::string DeliveryModel::chartTitle(Figure figure) const
{
    const std::string unit = figure >= 0 && figure < FigureCount ? m_timeUnits[std::size_t(figure)] : std::string();
    switch (figure) {
    case Frequency:
        return m_days <= 7 ? "swaps to live a day" : "swaps to live a week";
    case LeadTime:
        return "lead time, " + unit + " (median)";
    case FailureRate:
        return "change failure rate";
    case Restore:
        return "time to restore, " + unit + " (median)";
    default:
        return {};
    }
}

std::string DeliveryModel::chartUnit(Figure figure)
{
    return figure == FailureRate ? "ratio" : "";
}

ChartFrame DeliveryModel::frame() const
{
    ChartFrame f;
    f.start = double(m_period.to - m_days * 86400LL); // whole days: "30 d ago" on the axis
    f.end = double(m_period.to);
    f.stepSeconds = double(bucketSecondsFor(m_days * 86400LL));
    return f;
}

std::vector<TimedValue> DeliveryModel::series(Figure figure) const
{
    return figure >= 0 && figure < FigureCount ? m_series[std::size_t(figure)] : std::vector<TimedValue>{};
}

QString DeliveryModel::recordText() const
{
    if (!m_figures.recordFrom)
        return tr("Nothing is recorded for %1.")
            .arg(m_scope.kind == Scope::Kind::All ? tr("any service") : q(m_scope.name));
    if (*m_figures.recordFrom <= m_period.from)
        return {};
    const QString from = QDateTime::fromSecsSinceEpoch(*m_figures.recordFrom, QTimeZone::utc())
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm'Z'"));
    return tr("The record reaches back to %1: nothing before it was measured.").arg(from);
}

QString DeliveryModel::valueText(Figure figure) const
{
    const DeliveryFigures& f = m_figures;
    if (!f.recordFrom)
        return tr("no data");
    switch (figure) {
    case Frequency:
        if (f.swaps == 0)
            return tr("no swaps");
        return q(counted(f.swaps, "swap", "swaps")) + QStringLiteral(", ") +
               (m_days <= 7 ? tr("%1 a day").arg(f.perDay, 0, 'f', 1) : tr("%1 a week").arg(f.perWeek, 0, 'f', 1));
    case LeadTime:
        if (!f.leadTimeMedian)
            return f.swaps == 0 ? tr("no swaps") : tr("no data (no swap recorded a build time)");
        return tr("median %1 (%2)").arg(q(spanText(*f.leadTimeMedian)), q(counted(f.leadTimeSamples, "swap", "swaps")));
    case FailureRate:
        if (!f.changeFailureRate)
            return tr("no swaps");
        return tr("%1 (%2 of %3)")
            .arg(percent(*f.changeFailureRate))
            .arg(f.failedSwaps)
            .arg(q(counted(f.swaps, "swap", "swaps")));
    case Restore: {
        const QString open = f.unrestored ? tr(", %1 not restored yet").arg(f.unrestored) : QString();
        if (!f.restoreMedian) {
            // A rollback by hand fails a swap without a failing watch, where the restore time starts.
            if (!f.unrestored)
                return f.failedSwaps ? tr("no failing watch") : tr("no failures");
            return tr("none restored") + open;
        }
        return tr("median %1 (%2 restored)").arg(q(spanText(*f.restoreMedian))).arg(f.restores) + open;
    }
    default:
        return {};
    }
}

// The end of the minute under way: what was recorded a moment ago is in the period, and a refresh within
// the same minute draws the same charts.
std::int64_t DeliveryModel::periodEnd() const
{
    return m_now ? m_now : (QDateTime::currentSecsSinceEpoch() / 60 + 1) * 60;
}

void DeliveryModel::recompute()
{
    std::vector<TimelineEntry> scoped;
    for (const TimelineEntry& t : m_all)
        if (m_scope.kind == Scope::Kind::All || (m_scope.kind == Scope::Kind::Group && t.group == m_scope.name) ||
            (m_scope.kind == Scope::Kind::Service && t.service == m_scope.name))
            scoped.push_back(t);
    const std::int64_t now = periodEnd();
    m_period.to = now;
    m_period.from = now - m_days * 86400LL + 1;
    m_figures = deliveryFigures(scoped, m_period);
    m_buckets = deliveryBuckets(scoped, m_period, bucketSecondsFor(m_days * 86400LL));
    // The longest lead time and restore of a bucket decide the charts' units.
    std::int64_t longestLead = 0, longestRestore = 0;
    for (const DeliveryBucket& b : m_buckets) {
        longestLead = std::max(longestLead, b.figures.leadTimeMedian.value_or(0));
        longestRestore = std::max(longestRestore, b.figures.restoreMedian.value_or(0));
    }
    const bool leadInDays = longestLead >= 2 * 86400, restoreInHours = longestRestore >= 2 * 3600;
    for (int i = 0; i < FigureCount; ++i) {
        const auto figure = Figure(i);
        std::vector<TimedValue> points;
        for (const DeliveryBucket& b : m_buckets) {
            if (!b.measured)
                continue;
            const DeliveryFigures& f = b.figures;
            std::optional<double> v;
            if (figure == Frequency)
                v = f.swaps;
            else if (figure == LeadTime && f.leadTimeMedian)
                v = *f.leadTimeMedian / (leadInDays ? 86400.0 : 3600.0);
            else if (figure == FailureRate)
                v = f.changeFailureRate;
            else if (figure == Restore && f.restoreMedian)
                v = *f.restoreMedian / (restoreInHours ? 3600.0 : 60.0);
            if (v)
                points.push_back({.time = (double(b.from) + double(b.to)) / 2, .value = *v});
        }
        m_timeUnits[std::size_t(i)] = figure == LeadTime  ? (leadInDays ? "days" : "hours")
                                      : figure == Restore ? (restoreInHours ? "hours" : "minutes")
                                                          : "";
        QString text = valueText(figure);
        const auto row = std::size_t(i);
        if (text != m_texts[row] || points != m_series[row]) {
            m_texts[row] = std::move(text);
            m_series[row] = std::move(points);
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        }
    }
}

} // namespace model
