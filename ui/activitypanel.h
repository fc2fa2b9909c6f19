#pragma once

#include "model/actions/actionrunner.h"

#include <QPointer>
#include <QWidget>

class QDialog;
class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace ui {

// Every deploy, swap, rollback and repair started in this window, running or finished, with its
// latest step or its outcome, newest on top and scrolled to as it comes. Enter or a double-click
// on a row opens its whole outcome in a small read-only window (also the row's tooltip). Hidden
// until the first one starts.
class ActivityPanel : public QWidget {
    Q_OBJECT

public:
    explicit ActivityPanel(QWidget* parent = nullptr);
    void setRunner(model::ActionRunner* runner);

    QTableWidget* table() const { return m_table; }
    // The text of the activity's row (its action and its step or outcome), empty when not listed.
    QString rowText(int id) const;
    void setNote(const QString& text);
    // The whole outcome of the activity in `row`: what, who, when, how it ended and every word of
    // its message; empty when there is no such row.
    QString outcomeText(int row) const;
    // Opens (or brings up, updated) the read-only window with the outcome of `row`.
    void openOutcome(int row);

    // The whole outcome of `a` as plain text (cluster text stays text).
    static QString outcomeOf(const model::Activity& a);

Q_SIGNALS:
    // Esc in the list: its selection is cleared and the focus may go back to the page.
    void leaveRequested();
    // A row's outcome window opened (tests read it through this).
    void outcomeOpened(QDialog* window);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void update(int id);
    int idOf(int row) const;

    QPointer<model::ActionRunner> m_runner;
    QLabel* m_note;
    QTableWidget* m_table;
    QPointer<QDialog> m_outcome; // the open outcome window, if any
    QPlainTextEdit* m_outcomeText = nullptr;
    int m_outcomeId = 0; // the activity it shows (kept up to date while it runs)
};

} // namespace ui
