#include "model/views/servicefiltermodel.h"

#include "model/views/attention.h"

#include <QLocale>

namespace model {

ServiceFilterModel::ServiceFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setSortRole(ServiceListModel::SortRole);
    // Attention-first is a sort on the rank's column, so a change of rank (a change of that cell)
    // moves the row.
    QSortFilterProxyModel::sort(ServiceListModel::AttentionColumn, Qt::AscendingOrder);
}

void ServiceFilterModel::setSourceModel(QAbstractItemModel* source)
{
    m_services = qobject_cast<ServiceListModel*>(source);
    Q_ASSERT_X(m_services || !source, "ServiceFilterModel", "the source must be a ServiceListModel");
    QSortFilterProxyModel::setSourceModel(source);
    if (source)
        connect(source, &QAbstractItemModel::dataChanged, this,
                [this] { m_changedWhileHeld = m_changedWhileHeld || m_held; });
}

void ServiceFilterModel::holdOrder(bool held)
{
    if (held == m_held)
        return;
    m_held = held;
    // Not dynamic: a changed row keeps its place (and its filter verdict) until sorted again.
    setDynamicSortFilter(!held);
    if (held || !m_changedWhileHeld)
        return;
    m_changedWhileHeld = false;
    // Turning dynamic again sorts; rows whose words changed meanwhile are filtered afresh here.
    if (filtering())
        invalidateRowsFilter();
}

void ServiceFilterModel::sort(int column, Qt::SortOrder order)
{
    m_attentionFirst = column < 0 || column == ServiceListModel::AttentionColumn;
    if (m_attentionFirst)
        QSortFilterProxyModel::sort(ServiceListModel::AttentionColumn, Qt::AscendingOrder);
    else
        QSortFilterProxyModel::sort(column, order);
    Q_EMIT orderChanged();
}

QStringList ServiceFilterModel::wordsOf(const QString& text)
{
    return text.simplified().toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

bool ServiceFilterModel::matches(const QString& haystack, const QStringList& words)
{
    for (const QString& w : words)
        if (!haystack.contains(w))
            return false;
    return true;
}

void ServiceFilterModel::setFilterText(const QString& text)
{
    const QStringList words = wordsOf(text);
    m_filterText = text;
    if (words == m_words)
        return;
    m_words = words;
    invalidateRowsFilter();
}

QString ServiceFilterModel::countText() const
{
    const QLocale locale;
    const int total = sourceModel() ? sourceModel()->rowCount() : 0;
    const QString of = total == 1 ? tr("1 service") : tr("%1 services").arg(locale.toString(total));
    return filtering() ? tr("%1 of %2").arg(locale.toString(rowCount()), of) : of;
}

const ServiceState* ServiceFilterModel::service(int row) const
{
    if (!m_services || row < 0 || row >= rowCount())
        return nullptr;
    return m_services->service(mapToSource(index(row, 0)).row());
}

int ServiceFilterModel::rowOf(const QString& key) const
{
    if (!m_services)
        return -1;
    const int source = m_services->rowOf(key);
    return source < 0 ? -1 : mapFromSource(m_services->index(source, 0)).row();
}

bool ServiceFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    return matches(i.data(ServiceListModel::SearchRole).toString(), m_words);
}

bool ServiceFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const ServiceState* l = m_services ? m_services->service(left.row()) : nullptr;
    const ServiceState* r = m_services ? m_services->service(right.row()) : nullptr;
    if (!l || !r)
        return QSortFilterProxyModel::lessThan(left, right);
    if (m_attentionFirst)
        return attentionBefore(*l, *r);
    const QVariant a = left.data(ServiceListModel::SortRole), b = right.data(ServiceListModel::SortRole);
    int c = 0;
    if (a.typeId() == QMetaType::QString || b.typeId() == QMetaType::QString)
        c = QString::compare(a.toString(), b.toString(), Qt::CaseInsensitive);
    else
        c = a.toLongLong() < b.toLongLong() ? -1 : a.toLongLong() > b.toLongLong() ? 1 : 0;
    // Equal cells keep attention-first order among themselves.
    return c != 0 ? c < 0 : attentionBefore(*l, *r);
}

} // namespace model
