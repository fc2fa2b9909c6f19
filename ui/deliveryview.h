#pragma once

#include "model/views/deliverymodel.h"
#include "toolwindow.h"

#include <array>

class QComboBox;
class QLabel;

namespace ui {

class MetricChart;

// The delivery figures window: deployment frequency, lead time, change failure rate and time to restore
// of every service, one group or one service, over the last 7, 30 or 90 days; each figure as words and
// as a small chart with a bar per day (7 days) or per week. Read from the same record as the timeline.
class DeliveryView : public ToolWindow {
    Q_OBJECT

public:
    explicit DeliveryView(QWidget* parent = nullptr);

    // Fed by the window while it is open.
    void setServices(const std::vector<model::ServiceState>& services);
    // The namespaces' records, read once as the window opens.
    void setRecords(std::vector<model::RecordedHistory> records);

    model::DeliveryModel* model() const { return m_model; }
    QComboBox* scopeChoice() const { return m_scope; }
    QComboBox* periodChoice() const { return m_period; }
    // The figure's words as shown, and its chart.
    QString valueText(model::DeliveryModel::Figure figure) const;
    MetricChart* chart(model::DeliveryModel::Figure figure) const;
    QString recordText() const;

private:
    void refillScopes();
    void applyChoice();
    void showFigures();

    model::DeliveryModel* m_model;
    QComboBox *m_scope, *m_period;
    QLabel* m_record;
    std::array<QLabel*, model::DeliveryModel::FigureCount> m_values{};
    std::array<MetricChart*, model::DeliveryModel::FigureCount> m_charts{};
};

} // namespace ui
