#include "slotdiffmodel.h"

#include "model/rules/displaytext.h"
#include "net/text.h"

namespace model {

namespace {

// A cell holds a line's worth; the tooltip the whole value as the rule kept it.
constexpr std::size_t cellChars = 160;

QString sideText(const std::optional<std::string>& value)
{
    return value ? QString::fromStdString(*value) : QObject::tr("(none)");
}

} // namespace

SlotDiffModel::SlotDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

int SlotDiffModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_diff.differences.size());
}

int SlotDiffModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SlotDiffModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const FieldDifference& d = m_diff.differences[static_cast<std::size_t>(index.row())];
    const QString whole = index.column() == FieldColumn  ? QString::fromStdString(d.field)
                          : index.column() == FromColumn ? sideText(d.from)
                                                         : sideText(d.to);
    if (role == Qt::DisplayRole) {
        // One line in the cell: a multi-line value (a command, a probe) shows its first line.
        QString line = whole.section(u'\n', 0, 0);
        if (line.size() > int(cellChars) || line.size() < whole.size())
            line = line.left(int(cellChars)) + u'…';
        return line;
    }
    if (role == Qt::ToolTipRole)
        return plainTooltip(whole);
    if (role == Qt::AccessibleTextRole)
        return headerData(index.column(), Qt::Horizontal).toString() + QStringLiteral(": ") + whole;
    return {};
}

QVariant SlotDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FieldColumn:
        return tr("Field");
    case FromColumn:
        return m_has ? QString::fromStdString(net::text::cut(m_diff.from, 80, "…")) : tr("From");
    case ToColumn:
        return m_has ? QString::fromStdString(net::text::cut(m_diff.to, 80, "…")) : tr("To");
    default:
        return {};
    }
}

void SlotDiffModel::setDiff(const SlotDiff& diff)
{
    beginResetModel();
    m_diff = diff;
    m_has = true;
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

void SlotDiffModel::clear()
{
    beginResetModel();
    m_diff = SlotDiff{};
    m_has = false;
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

QString SlotDiffModel::summary() const
{
    if (!m_has)
        return {};
    QStringList lines;
    const int n = m_diff.equalFields;
    const QString fields = n == 1 ? tr("1 field") : tr("%1 fields").arg(n);
    lines << (m_diff.differences.empty() ? tr("No differences: %1 equal.").arg(fields)
                                         : tr("%1 other %2 equal.").arg(n).arg(n == 1 ? tr("field") : tr("fields")));
    for (const std::string& note : m_diff.notes)
        lines << QString::fromStdString(note);
    return lines.join(u'\n');
}

} // namespace model
