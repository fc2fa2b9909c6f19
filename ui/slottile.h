#pragma once

#include "model/state/servicestate.h"

#include <QFrame>

class QLabel;
class QVBoxLayout;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTimer;

namespace ui {

// One slot (sandbox, A or B): its role, image, commit, readiness and what is wrong with it.
class SlotTile : public QFrame {
    Q_OBJECT

public:
    // A Service that selects this slot, with its answer to the health check.
    struct ServiceCheck {
        std::string name;
        model::HealthSummary summary;
    };

    explicit SlotTile(QWidget* parent = nullptr);
    void setSlot(const model::SlotState& slot, const QString& role, std::vector<ServiceCheck> services = {});

    // The slot's metric values, one per line ("error ratio 0.2 %", "p99 latency no data"); none: hidden.
    void setMetrics(const QStringList& lines);
    QString metricsText() const;

    QString roleText() const;
    QString problemText() const;
    QString imageText() const;
    model::Health health() const { return m_health; }
    // The health check as shown, in plain text: the slot's summary line, then one line per pod
    // ("uro-b-7d9f  500, expected 200  · 3 s ago") and per Service.
    QString healthSummaryText() const;
    QStringList healthLines() const;
    model::HealthSummary::State healthState() const { return m_slot.healthCheck.state; }

    // The pods as listed, one readable line each ("7d9f-x2kqp  Running  1/1 ready  ..."), and the
    // warning events ("Back-off restarting failed container ×14, 2 min ago"), newest first.
    QStringList podLines() const;
    QStringList eventLines() const;
    QListWidget* podList() const { return m_pods; }
    // Selects the pod called `name` (full name); its conditions, states and events show below.
    void selectPod(const QString& name);
    QString selectedPod() const;
    QString podDetailText() const;
    QPushButton* logsButton() const { return m_logs; }
    QPushButton* podLogsButton() const { return m_podLogs; }

Q_SIGNALS:
    // The log view of the slot (pod empty) or of one of its pods was asked for.
    void logsRequested(const QString& pod);

private:
    void buildPods(QVBoxLayout* layout);
    QLabel* m_title;
    QLabel* m_role;
    QLabel* m_image;
    QLabel* m_commit;
    QProgressBar* m_ready;
    QLabel* m_rollout;
    QLabel* m_problems;
    QLabel* m_healthCheck;
    QLabel* m_metrics;
    QLabel* m_events;
    QListWidget* m_pods;
    QLabel* m_podDetail;
    QPushButton* m_podLogs;
    QPushButton* m_logs;
    QTimer* m_ages;
    model::Health m_health = model::Health::Missing;
    model::SlotState m_slot;
    std::vector<ServiceCheck> m_services;

    void showHealth();
    void showPods();
    void showEvents();
    void showPodDetail();
};

} // namespace ui
