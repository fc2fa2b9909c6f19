#pragma once

#include "model/state/servicestate.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <vector>

namespace model {

// One row per service: live and staging image, readiness and the badge. Updates are
// fine-grained: rows are inserted, removed or changed, never reset on a refresh.
class ServiceListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        ServiceColumn,
        NamespaceColumn,
        LiveColumn,
        StagingColumn,
        ReadyColumn,
        HealthColumn,
        StatusColumn,
        SummaryColumn,
        // The attention rank (model/attention.h) as a number; the view hides it. Its own column, so
        // a change of rank is a change of this cell, and a proxy sorted on it moves the row.
        AttentionColumn,
        ColumnCount
    };
    // HealthRole: the HealthSummary::State that colours the Health column (the worse of live and staging).
    // SortRole: the cell's value for sorting (numbers for ready counts, health, status and rank).
    // SearchRole: the row's words a filter matches, lower case (name, group, namespace, images,
    // status, health).
    enum Role { BadgeRole = Qt::UserRole + 1, KeyRole, SeverityRole, HealthRole, SortRole, SearchRole };

    explicit ServiceListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Rows whose state has the revision they already show are not compared again.
    void setServices(const std::vector<ServiceState>& services);
    const ServiceState* service(int row) const;
    int rowOf(const QString& key) const;
    static QString keyOf(const ServiceSpec& spec);
    // The Health column: "2/2 answer", "1 of 2 fail", "no check", "not allowed", for live and,
    // when it is another slot, staging.
    static QString healthText(const ServiceState& s);
    static HealthSummary::State healthState(const ServiceState& s);
    // Its tooltip: the failing pods' lines, or what the server said when asking is not allowed.
    static QString healthDetail(const ServiceState& s);
    static QString searchText(const ServiceState& s);

private:
    QString text(const ServiceState& s, int column) const;
    QVariant sortKey(const ServiceState& s, int column) const;
    void reindex(int from);
    std::vector<ServiceState> m_rows;
    QHash<QString, int> m_rowOf; // row by key
};

} // namespace model
