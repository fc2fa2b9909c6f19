#pragma once

#include "model/rules/timeline.h"
#include "model/state/servicestate.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace model {

// The recorded histories of the services, as the timeline reads them (the group of a service alone is
// itself).
std::vector<RecordedHistory> historiesOf(const std::vector<ServiceState>& services);
// The Events the console holds of each service's slots (their warnings: the informers watch no others).
std::vector<ServiceEvents> eventsOf(const std::vector<ServiceState>& services);

// The release timeline across every service the console watches (model/rules/timeline.h), newest
// first, as a table: when, service, action, who, from and to, how long it took, how it ended. The
// filter is the rule's; the rows are what it keeps. Fed the same service states as the overview.
class TimelineModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        WhenColumn,
        ServiceColumn,
        ActionColumn,
        WhoColumn,
        ChangeColumn,
        TookColumn,
        OutcomeColumn,
        ColumnCount
    };
    // KeyRole: the row's service name (what a click opens).
    enum Role { KeyRole = Qt::UserRole + 1 };

    explicit TimelineModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The services' recorded histories; the rows change only when an entry does.
    void setServices(const std::vector<ServiceState>& services);
    // The namespaces' records (recordedHistories), merged after the annotations, and from when they hold
    // every entry (recordReach).
    void setRecords(std::vector<RecordedHistory> records, std::optional<std::int64_t> reach);
    // "record from 2026-11-02", or that only the annotations are read.
    QString reachText() const;
    void setFilter(const TimelineFilter& filter);
    const TimelineFilter& filter() const { return m_filter; }
    const TimelineEntry* entry(int row) const;
    // What the filters can choose from, in the timeline's own words, sorted.
    QStringList services() const;
    QStringList users() const;
    QStringList actions() const;

    // "slot B 3f2c1a9 (commit 3f2c1a9d3376)": one side of a recorded change.
    static QString slotText(const kube::HistorySlot& slot);

private:
    void refilter();
    QVariant eventData(const TimelineEntry& t, int column, int role) const;
    struct Known {
        std::uint64_t revision = 0;
        std::string key; // the history as the rows show it
    };
    std::map<std::string, Known> m_known; // by service name
    void rebuild();
    std::vector<RecordedHistory> m_annotations, m_records;
    std::vector<ServiceEvents> m_events;
    std::optional<std::int64_t> m_reach;
    std::vector<TimelineEntry> m_all;
    std::vector<TimelineEntry> m_rows;
    TimelineFilter m_filter;
};

} // namespace model
