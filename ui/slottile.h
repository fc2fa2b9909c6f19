#pragma once

#include "model/servicestate.h"

#include <QFrame>

class QLabel;
class QProgressBar;

namespace ui {

// One slot (sandbox, A or B): its role, image, commit, readiness and what is wrong with it.
class SlotTile : public QFrame {
    Q_OBJECT

public:
    explicit SlotTile(QWidget* parent = nullptr);
    void setSlot(const model::SlotState& slot, const QString& role);

    QString roleText() const;
    QString problemText() const;
    QString imageText() const;
    model::Health health() const { return m_health; }

private:
    QLabel* m_title;
    QLabel* m_role;
    QLabel* m_image;
    QLabel* m_commit;
    QProgressBar* m_ready;
    QLabel* m_rollout;
    QLabel* m_problems;
    model::Health m_health = model::Health::Missing;
};

} // namespace ui
