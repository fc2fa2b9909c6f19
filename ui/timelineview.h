#pragma once

#include "model/views/timelinemodel.h"
#include "toolwindow.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;

namespace ui {

// The release timeline window: every recorded deploy, swap, rollback, repair and watch verdict of
// every watched service, newest first, filtered by service, person, action, outcome and time; with
// "Events" checked, the slots' Kubernetes Events between the entries too.
// Enter or a double click on a row opens that service's page at that entry.
class TimelineView : public ToolWindow {
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);

    // Fed by the window while it is open.
    void setServices(const std::vector<model::ServiceState>& services);

    model::TimelineModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QComboBox* serviceFilter() const { return m_service; }
    QComboBox* userFilter() const { return m_user; }
    QComboBox* actionFilter() const { return m_action; }
    QComboBox* outcomeFilter() const { return m_outcome; }
    QComboBox* sinceFilter() const { return m_since; }
    QCheckBox* eventsFilter() const { return m_events; }
    QString countText() const;
    // The namespaces' records (model::readRecordHistories), merged after the annotations; the count then
    // says from when the timeline reaches.
    void setRecords(std::vector<model::RecordedHistory> records, std::optional<std::int64_t> reach);

Q_SIGNALS:
    // A row was chosen: its service, and the entry's time and action as recorded (empty for an Event).
    void entryChosen(const QString& service, const QString& at, const QString& action);

private:
    void applyFilter();
    void refillChoices();
    void choose(const QModelIndex& index);

    model::TimelineModel* m_model;
    QTableView* m_table;
    QComboBox *m_service, *m_user, *m_action, *m_outcome, *m_since;
    QCheckBox* m_events;
    QLabel* m_count;
    bool m_reached = false; // the records have answered
};

} // namespace ui
