#pragma once

#include "model/actions/actionrunner.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace ui {

// Every deploy, swap, rollback and repair started in this window, running or finished, with its
// latest step or its outcome. Hidden until the first one starts.
class ActivityPanel : public QWidget {
    Q_OBJECT

public:
    explicit ActivityPanel(QWidget* parent = nullptr);
    void setRunner(model::ActionRunner* runner);

    QTableWidget* table() const { return m_table; }
    // The text of the activity's row (its action and its step or outcome), empty when not listed.
    QString rowText(int id) const;
    void setNote(const QString& text);

Q_SIGNALS:
    // Esc in the list: its selection is cleared and the focus may go back to the page.
    void leaveRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void update(int id);

    QPointer<model::ActionRunner> m_runner;
    QLabel* m_note;
    QTableWidget* m_table;
};

} // namespace ui
