#pragma once

#include "model/servicestate.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace ui {

class SlotTile;

// One service: its anomalies in plain words, and tiles for sandbox, A and B.
class ServicePage : public QWidget {
    Q_OBJECT

public:
    explicit ServicePage(QWidget* parent = nullptr);
    void setService(const model::ServiceState& state);
    QString serviceName() const { return m_name; }
    SlotTile* tile(char slot) const;
    QString anomalyText() const;

Q_SIGNALS:
    void backRequested();

private:
    QString m_name;
    QLabel* m_title;
    QLabel* m_badge;
    QLabel* m_anomalies;
    SlotTile* m_sandbox;
    SlotTile* m_a;
    SlotTile* m_b;
};

} // namespace ui
