#include "overviewtable.h"

#include "model/views/servicefiltermodel.h"

#include <QApplication>
#include <QHeaderView>
#include <QMouseEvent>
#include <QScrollBar>
#include <QTimer>
#include <algorithm>

namespace ui {

namespace {
constexpr int rowsBeyond = 10; // measured below the last row on screen, for a smooth scroll
// A release that never comes (the pointer grabbed by something else) does not hold the order for
// longer than this.
constexpr int longestHoldMs = 30000;
} // namespace

OverviewTable::OverviewTable(QWidget* parent) : QTableView(parent), m_fit(new QTimer(this)), m_release(new QTimer(this))
{
    m_release->setSingleShot(true);
    connect(m_release, &QTimer::timeout, this, [this] { holdOrder(false); });
    m_fit->setSingleShot(true);
    m_fit->setInterval(0);
    connect(m_fit, &QTimer::timeout, this, &OverviewTable::fitVisibleRows);
    auto fitSoon = [this] { m_fit->start(); };
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, fitSoon);
    connect(horizontalHeader(), &QHeaderView::sectionResized, this, fitSoon);
    // Heights are set here, row by row; the person does not drag them.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
}

void OverviewTable::setModel(QAbstractItemModel* model)
{
    if (QAbstractItemModel* old = this->model())
        disconnect(old, nullptr, this, nullptr);
    QTableView::setModel(model);
    if (!model)
        return;
    auto fitSoon = [this] { m_fit->start(); };
    connect(model, &QAbstractItemModel::modelReset, this, fitSoon);
    connect(model, &QAbstractItemModel::layoutChanged, this, fitSoon);
    connect(model, &QAbstractItemModel::rowsInserted, this, fitSoon);
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex& parent, int first, int last) {
        if (!parent.isValid() && this->model()->rowCount() == last - first + 1) // the table was empty
            fitColumns();
    });
    connect(model, &QAbstractItemModel::rowsRemoved, this, fitSoon);
    connect(model, &QAbstractItemModel::rowsMoved, this, fitSoon);
    connect(model, &QAbstractItemModel::dataChanged, this, fitSoon);
    m_fit->start();
}

void OverviewTable::fitColumns()
{
    for (int column = 0; column < model()->columnCount(); ++column)
        if (!isColumnHidden(column) && horizontalHeader()->sectionResizeMode(column) == QHeaderView::ResizeToContents)
            resizeColumnToContents(column);
}

void OverviewTable::resizeEvent(QResizeEvent* event)
{
    QTableView::resizeEvent(event);
    m_fit->start();
}

void OverviewTable::updateGeometries()
{
    QTableView::updateGeometries();
    m_fit->start();
}

void OverviewTable::holdOrder(bool held)
{
    auto* proxy = qobject_cast<model::ServiceFilterModel*>(model());
    if (!proxy || proxy->orderHeld() == held)
        return;
    proxy->holdOrder(held);
    if (!held)
        m_fit->start(); // the heights that waited
}

bool OverviewTable::held() const
{
    auto* proxy = qobject_cast<model::ServiceFilterModel*>(model());
    return proxy && proxy->orderHeld();
}

void OverviewTable::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        holdOrder(true);
        m_release->start(longestHoldMs);
    }
    QTableView::mousePressEvent(event);
}

void OverviewTable::mouseDoubleClickEvent(QMouseEvent* event)
{
    // The second press of a double-click comes here, not to mousePressEvent.
    if (event->button() == Qt::LeftButton) {
        holdOrder(true);
        m_release->start(longestHoldMs);
    }
    QTableView::mouseDoubleClickEvent(event);
}

void OverviewTable::mouseReleaseEvent(QMouseEvent* event)
{
    QTableView::mouseReleaseEvent(event);
    // Held until a second click could still make this a double-click.
    if (event->button() == Qt::LeftButton && m_release->isActive())
        m_release->start(QApplication::doubleClickInterval());
}

void OverviewTable::hideEvent(QHideEvent* event)
{
    m_release->stop();
    holdOrder(false);
    QTableView::hideEvent(event);
}

int OverviewTable::sizeHintForRow(int row) const
{
    if (!model())
        return -1;
    int height = verticalHeader()->minimumSectionSize();
    for (const int column : {int(model::ServiceListModel::SummaryColumn), int(model::ServiceListModel::StatusColumn)}) {
        const QModelIndex index = model()->index(row, column, rootIndex());
        if (!index.isValid() || isColumnHidden(column))
            continue;
        QStyleOptionViewItem option;
        initViewItemOption(&option);
        // The width the words wrap in; a rect without height would not count as one.
        option.rect = QRect(0, 0, columnWidth(column), std::max(1, rowHeight(row)));
        height = std::max(height, itemDelegateForIndex(index)->sizeHint(option, index).height());
    }
    return showGrid() ? height + 1 : height;
}

void OverviewTable::keepSentenceReadable()
{
    const int sentence = model::ServiceListModel::SummaryColumn;
    if (!model() || isColumnHidden(sentence))
        return;
    QHeaderView* header = horizontalHeader();
    const int readable = fontMetrics().averageCharWidth() * readableChars;
    const auto othersWidth = [this, sentence] {
        int others = 0;
        for (int column = 0; column < model()->columnCount(); ++column)
            if (column != sentence && !isColumnHidden(column))
                others += columnWidth(column);
        return others;
    };
    // On a narrow window a Namespace column that says the same on every row gives its room to the
    // sentence (the namespace field above the table names it).
    const int ns = model::ServiceListModel::NamespaceColumn;
    const int withNamespace = othersWidth() + (isColumnHidden(ns) ? sizeHintForColumn(ns) : 0);
    // The rows are read only when the width asks the question (a wide window never does).
    const bool hideNamespace = viewport()->width() - withNamespace < readable && sharesOneValue(ns);
    if (isColumnHidden(ns) != hideNamespace)
        setColumnHidden(ns, hideNamespace);
    const bool squeezed = viewport()->width() - othersWidth() < readable;
    const QHeaderView::ResizeMode mode = squeezed ? QHeaderView::Interactive : QHeaderView::Stretch;
    if (header->sectionResizeMode(sentence) != mode) {
        header->setStretchLastSection(!squeezed); // it is the last column shown
        header->setSectionResizeMode(sentence, mode);
    }
    if (squeezed && columnWidth(sentence) != readable)
        header->resizeSection(sentence, readable);
}

bool OverviewTable::sharesOneValue(int column) const
{
    const int rows = model()->rowCount(rootIndex());
    if (rows < 1)
        return false;
    const QVariant first = model()->index(0, column, rootIndex()).data();
    for (int row = 1; row < rows; ++row)
        if (model()->index(row, column, rootIndex()).data() != first)
            return false;
    return true;
}

void OverviewTable::fitVisibleRows()
{
    m_fit->stop();
    keepSentenceReadable();
    // A row that changes height moves the rows below it: not while the person points at one.
    if (held())
        return;
    const int rows = model() ? model()->rowCount(rootIndex()) : 0;
    if (rows == 0)
        return;
    // Measuring may make rows shorter, so more come into view: again until none changes.
    for (int round = 0; round < 4; ++round) {
        const int first = std::max(0, rowAt(0));
        const int onScreen = rowAt(viewport()->height() - 1);
        const int last = std::min(rows - 1, (onScreen < 0 ? rows - 1 : onScreen) + rowsBeyond);
        bool changed = false;
        for (int row = first; row <= last; ++row) {
            const int height = sizeHintForRow(row);
            if (rowHeight(row) != height) {
                setRowHeight(row, height);
                changed = true;
            }
        }
        if (!changed)
            return;
    }
}

} // namespace ui
