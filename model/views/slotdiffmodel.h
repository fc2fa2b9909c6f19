#pragma once

#include "model/rules/slotdiff.h"

#include <QAbstractTableModel>
#include <QString>

namespace model {

// The diff of two slots (model/rules/slotdiff.h) as a table: one row per field that differs, in the
// rule's order (differences first is the rule's), with the field, the first side's value and the
// second's; the headers name the sides. What is equal, the commits in between and what was not
// compared are summary(), beside the table. Values are the cluster's text: shown whole in a tooltip,
// cut in the cell.
class SlotDiffModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { FieldColumn, FromColumn, ToColumn, ColumnCount };

    explicit SlotDiffModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setDiff(const SlotDiff& diff);
    void clear();
    bool hasDiff() const { return m_has; }
    // "No differences. 31 fields equal." / "12 other fields equal.", then the notes, one a line.
    QString summary() const;
    // The commits in between (a GitHub compare address), or empty.
    QString compareUrl() const { return QString::fromStdString(m_diff.compareUrl); }

private:
    SlotDiff m_diff;
    bool m_has = false;
};

} // namespace model
