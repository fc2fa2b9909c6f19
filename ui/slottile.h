#pragma once

#include "model/servicestate.h"

#include <QFrame>

class QLabel;
class QProgressBar;
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

    QString roleText() const;
    QString problemText() const;
    QString imageText() const;
    model::Health health() const { return m_health; }
    // The health check as shown, in plain text: the slot's summary line, then one line per pod
    // ("uro-b-7d9f  500, expected 200  · 3 s ago") and per Service.
    QString healthSummaryText() const;
    QStringList healthLines() const;
    model::HealthSummary::State healthState() const { return m_slot.healthCheck.state; }

private:
    QLabel* m_title;
    QLabel* m_role;
    QLabel* m_image;
    QLabel* m_commit;
    QProgressBar* m_ready;
    QLabel* m_rollout;
    QLabel* m_problems;
    QLabel* m_healthCheck;
    QTimer* m_ages;
    model::Health m_health = model::Health::Missing;
    model::SlotState m_slot;
    std::vector<ServiceCheck> m_services;

    void showHealth();
};

} // namespace ui
