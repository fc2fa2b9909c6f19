#pragma once

#include "model/rules/chartseries.h"
#include "model/rules/delivery.h"
#include "model/state/servicestate.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace model {

// The delivery figures (model/rules/delivery.h) of a chosen scope over a chosen period, as a table of
// four rows (one per figure: its name and its value in words) and, per row, the figure of each day or
// week of the period for a small chart. Fed the same service states as the overview; a new feed, scope,
// period or minute changes only the rows whose text or series changed (dataChanged), never a reset.
class DeliveryModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Figure { Frequency, LeadTime, FailureRate, Restore, FigureCount };
    enum Column { FigureColumn, ValueColumn, ColumnCount };

    struct Scope {
        enum class Kind { All, Group, Service };
        Kind kind = Kind::All;
        std::string name; // the group's or the service's
        bool operator==(const Scope&) const = default;
    };

    explicit DeliveryModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setServices(const std::vector<ServiceState>& services);
    // The namespaces' records (model::readRecordHistories), merged after the annotations as the timeline
    // merges them: the figures then reach as far back as the records do.
    void setRecords(std::vector<RecordedHistory> records);
    void setScope(const Scope& scope);
    void setPeriodDays(int days);
    // The end of the period (seconds since the epoch); by default the current time at each feed. Tests
    // set it.
    void setNow(std::int64_t now);
    const Scope& scope() const { return m_scope; }
    int periodDays() const { return m_days; }

    // What the scope can choose from, sorted: groups of more than one service, and services.
    QStringList groups() const;
    QStringList services() const;

    // The figures of the whole period, and of each bucket, oldest first.
    const DeliveryFigures& figures() const { return m_figures; }
    const std::vector<DeliveryBucket>& buckets() const { return m_buckets; }
    // A figure per bucket, at the bucket's middle; a bucket where it was not measured has no point. Times
    // in the unit the title names: lead time in hours (days once one reaches 2 days), time to restore in
    // minutes (hours once one reaches 2 hours).
    std::vector<TimedValue> series(Figure figure) const;
    // The chart's title, unit (for chartGeometry) and frame over the period.
    std::string chartTitle(Figure figure) const;
    static std::string chartUnit(Figure figure);
    ChartFrame frame() const;
    // "per day" or "per week": what one bar is.
    std::string bucketName() const;
    // How far back the record reaches, in words; empty when it covers the whole period.
    QString recordText() const;

private:
    void recompute();
    // The annotations and the records as one timeline; an entry held by both counts once.
    std::vector<TimelineEntry> merged() const;
    std::int64_t periodEnd() const;
    QString valueText(Figure figure) const;

    std::map<std::string, std::uint64_t> m_revisions; // by service: what the figures were read from
    std::vector<RecordedHistory> m_annotations, m_records;
    std::vector<TimelineEntry> m_all;
    std::vector<std::string> m_services;
    std::vector<std::pair<std::string, std::string>> m_groupOf; // (service, group)
    Scope m_scope;
    int m_days = 30;
    std::int64_t m_now = 0; // 0: the current time
    DeliveryPeriod m_period;
    DeliveryFigures m_figures;
    std::vector<DeliveryBucket> m_buckets;
    std::vector<QString> m_texts;                  // per figure, as shown
    std::vector<std::vector<TimedValue>> m_series; // per figure
    std::vector<std::string> m_timeUnits;          // per figure: "hours", "days", "minutes"; empty for others
};

} // namespace model
