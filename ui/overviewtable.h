#pragma once

#include <QTableView>

class QTimer;

namespace ui {

// The overview's table. A row is as tall as its sentence needs (it wraps in the column that takes
// the width left over) and its status pill; every other column holds one line. Rows are measured
// as they come into view, not all at once: at a thousand services the first picture and every
// change measure the rows on screen, and a row scrolled to is measured before it is painted.
// While the left button is down over it, and for a double-click's interval after, the order is
// held (model::ServiceFilterModel::holdOrder): a row does not move away under the pointer between
// the press and the release or the second click, so a double-click opens the service pointed at.
// Row heights wait too (a taller row would push the ones below it).
class OverviewTable : public QTableView {
public:
    explicit OverviewTable(QWidget* parent = nullptr);
    void setModel(QAbstractItemModel* model) override;

    // The rows on screen (and a few beyond), measured now rather than in the next turn.
    void fitVisibleRows();

    // The narrowest the sentence's column gets before the table scrolls sideways, in characters.
    static constexpr int readableChars = 24;

protected:
    int sizeHintForRow(int row) const override;
    void resizeEvent(QResizeEvent* event) override;
    // Also after a column changed width (the sentence's column takes what the others leave).
    void updateGeometries() override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    // The columns sized to their contents, measured again: an empty table (a filter that matched
    // nothing) shrinks them to their titles, and rows coming back do not widen them by themselves.
    void fitColumns();
    // The sentence's column takes the width the others leave, but never less than a readable
    // measure: on a narrow window the table scrolls sideways rather than squeezing the sentence
    // into a sliver.
    void keepSentenceReadable();
    // Whether every row shown says the same in this column.
    bool sharesOneValue(int column) const;
    void holdOrder(bool held);
    bool held() const;

    QTimer* m_fit;
    QTimer* m_release; // ends the hold once a second click can no longer come
};

} // namespace ui
