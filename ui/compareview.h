#pragma once

#include "model/observe/slotdiffread.h"
#include "model/views/slotdiffmodel.h"
#include "toolwindow.h"

#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace ui {

// Compare slots: what differs between the Deployments two slots of one service run (live against
// staging first; any two of live, staging, sandbox, slot A and slot B), differences first, then how
// many fields are equal, the commits in between and what was not compared. Read when opened, when a
// side changes and on Read again; only reads, so it is there in read-only mode too. Esc and Ctrl+W close it.
class CompareView : public ToolWindow {
    Q_OBJECT

public:
    // Reads the diff of `from` and `to` for the view's service; `done` never after `owner` is gone.
    using Reader = std::function<void(const std::string& from, const std::string& to, QObject* owner,
                                      std::function<void(model::SlotDiffAnswer)> done)>;

    CompareView(const QString& service, Reader reader, QWidget* parent = nullptr);

    QString service() const { return m_service; }
    model::SlotDiffModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QComboBox* fromBox() const { return m_from; }
    QComboBox* toBox() const { return m_to; }
    QPushButton* readAgainButton() const { return m_again; }
    // "Reading what differs…", the sentence of a failed read, or empty once a diff is shown.
    QString statusText() const;
    QString summaryText() const;
    QString compareText() const;
    // A read has answered since the last request.
    bool answered() const { return m_answered; }

public Q_SLOTS:
    void read();

private:
    void showAnswer(const model::SlotDiffAnswer& answer);

    QString m_service;
    Reader m_reader;
    model::SlotDiffModel* m_model;
    QComboBox* m_from;
    QComboBox* m_to;
    QPushButton* m_again;
    QLabel* m_status;
    QTableView* m_table;
    QLabel* m_summary;
    QLabel* m_compare;
    int m_request = 0; // answers to older requests are dropped
    bool m_answered = false;
};

} // namespace ui
