#pragma once

#include "model/views/servicelistmodel.h"

#include <QSortFilterProxyModel>
#include <QStringList>

namespace model {

// The overview as a person narrows and orders it, over a ServiceListModel: a filter of words that
// must all appear (case-insensitive) in a row's name, group, namespace, images, status or health;
// sorting by any column; and, by default, "needs attention first" (model/attention.h), then name.
// Sorting and filtering are dynamic: a changed row moves to its place or leaves the view on its
// own, without a reset, and indexes kept by a view (its selection) stay on their service.
class ServiceFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit ServiceFilterModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* source) override;
    // A column, or -1 for attention-first (what a view asks when its sort indicator is cleared).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool attentionFirst() const { return m_attentionFirst; }
    // While held, rows keep their places: a changed row neither moves nor leaves until the hold
    // ends (a view holds the order while the person points at a row, so the row under the pointer
    // is the one opened). Ending the hold sorts and filters what changed meanwhile.
    void holdOrder(bool held);
    bool orderHeld() const { return m_held; }

    // The words typed; blank matches everything.
    void setFilterText(const QString& text);
    QString filterText() const { return m_filterText; }
    bool filtering() const { return !m_words.isEmpty(); }
    // "12 of 1,000 services" while filtering, else "1,000 services" (locale's digit grouping).
    QString countText() const;

    // The service shown in `row`, nullptr when there is none.
    const ServiceState* service(int row) const;
    // The row of the service with key ServiceListModel::keyOf, -1 when it is not shown.
    int rowOf(const QString& key) const;

    // Whether every word of `words` (lower case) is in `haystack` (lower case).
    static bool matches(const QString& haystack, const QStringList& words);
    // The words of a filter text: split on white space, lower case.
    static QStringList wordsOf(const QString& text);

Q_SIGNALS:
    void orderChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    ServiceListModel* m_services = nullptr;
    QString m_filterText;
    QStringList m_words;
    bool m_attentionFirst = true;
    bool m_held = false;
    bool m_changedWhileHeld = false;
};

} // namespace model
