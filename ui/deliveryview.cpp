#include "deliveryview.h"

#include "metricchart.h"
#include "text.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace ui {

namespace {

using Figure = model::DeliveryModel::Figure;
using Kind = model::DeliveryModel::Scope::Kind;

} // namespace

DeliveryView::DeliveryView(QWidget* parent)
    : ToolWindow(parent), m_model(new model::DeliveryModel(this)),
      m_scope(choiceBox(this, QStringLiteral("deliveryScope"), tr("Services"))),
      m_period(choiceBox(this, QStringLiteral("deliveryPeriod"), tr("Period"))),
      m_record(plainLabel(this, QStringLiteral("deliveryRecord")))
{
    setObjectName(QStringLiteral("deliveryView"));
    setWindowTitle(tr("Delivery figures"));
    auto* layout = new QVBoxLayout(this);
    auto* choices = new QHBoxLayout;
    choices->addWidget(m_scope);
    choices->addWidget(m_period);
    choices->addStretch(1);
    layout->addLayout(choices);
    m_period->addItem(tr("Last 7 days"), 7);
    m_period->addItem(tr("Last 30 days"), 30);
    m_period->addItem(tr("Last 90 days"), 90);
    m_period->setCurrentIndex(1);
    m_record->setWordWrap(true);
    layout->addWidget(m_record);

    auto* grid = new QGridLayout;
    static const char* const names[] = {"deliveryFrequency", "deliveryLeadTime", "deliveryFailureRate",
                                        "deliveryRestore"};
    for (int i = 0; i < model::DeliveryModel::FigureCount; ++i) {
        auto* cell = new QVBoxLayout;
        const QString name = QString::fromLatin1(names[i]);
        m_values[std::size_t(i)] = plainLabel(this, name + QStringLiteral("Value"));
        m_values[std::size_t(i)]->setWordWrap(true);
        auto* chart = new MetricChart(this);
        chart->setObjectName(name + QStringLiteral("Chart"));
        chart->setStyle(MetricChart::Style::Bars);
        m_charts[std::size_t(i)] = chart;
        cell->addWidget(m_values[std::size_t(i)]);
        cell->addWidget(chart);
        grid->addLayout(cell, i / 2, i % 2);
    }
    layout->addLayout(grid);
    auto* key = plainLabel(
        this, QStringLiteral("deliveryKey"),
        tr("Key: a bar per day (7 days) or per week; no bar where nothing was measured. Frequency: swaps to live. "
           "Lead time: from the image's build to live. Change failure rate: swaps followed within an hour by a "
           "rollback or a failed watch. Time to restore: from the failing watch to live restored. A group's "
           "swap counts once."));
    key->setWordWrap(true);
    layout->addWidget(key);

    connect(m_scope, &QComboBox::currentIndexChanged, this, &DeliveryView::applyChoice);
    connect(m_period, &QComboBox::currentIndexChanged, this, &DeliveryView::applyChoice);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DeliveryView::showFigures);
    refillScopes();
    applyChoice();
    resize(900, sizeHint().height());
}

void DeliveryView::setServices(const std::vector<model::ServiceState>& services)
{
    m_model->setServices(services);
    refillScopes();
    applyChoice();
}

void DeliveryView::setRecords(std::vector<model::RecordedHistory> records)
{
    m_model->setRecords(std::move(records));
}

// "All services", then each group of several services, then each service; the current one kept.
void DeliveryView::refillScopes()
{
    const QString current = m_scope->currentText();
    const QSignalBlocker block(m_scope);
    m_scope->clear();
    m_scope->addItem(tr("All services"), QVariantList{int(Kind::All), QString()});
    for (const QString& g : m_model->groups())
        m_scope->addItem(tr("Group %1").arg(g), QVariantList{int(Kind::Group), g});
    for (const QString& s : m_model->services())
        m_scope->addItem(s, QVariantList{int(Kind::Service), s});
    m_scope->setCurrentIndex(std::max(0, m_scope->findText(current)));
}

void DeliveryView::applyChoice()
{
    const QVariantList scope = m_scope->currentData().toList();
    if (scope.size() == 2)
        m_model->setScope({.kind = Kind(scope[0].toInt()), .name = scope[1].toString().toStdString()});
    m_model->setPeriodDays(m_period->currentData().toInt());
    showFigures();
}

void DeliveryView::showFigures()
{
    for (int i = 0; i < model::DeliveryModel::FigureCount; ++i) {
        const auto figure = Figure(i);
        const QString name = m_model->index(i, model::DeliveryModel::FigureColumn).data().toString();
        m_values[std::size_t(i)]->setText(name + QStringLiteral(": ") + valueText(figure));
        m_charts[std::size_t(i)]->setData(m_model->chartTitle(figure), model::DeliveryModel::chartUnit(figure),
                                          {{.label = m_model->bucketName(), .series = m_model->series(figure)}}, {},
                                          m_model->frame());
    }
    const QString record = m_model->recordText();
    m_record->setText(record);
    m_record->setVisible(!record.isEmpty());
}

QString DeliveryView::valueText(Figure figure) const
{
    return m_model->index(int(figure), model::DeliveryModel::ValueColumn).data().toString();
}

MetricChart* DeliveryView::chart(Figure figure) const
{
    return figure >= 0 && figure < model::DeliveryModel::FigureCount ? m_charts[std::size_t(figure)] : nullptr;
}

QString DeliveryView::recordText() const
{
    return m_record->text();
}

} // namespace ui
