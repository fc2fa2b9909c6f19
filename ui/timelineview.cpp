#include "timelineview.h"

#include "text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace ui {

namespace {

// "All" first, then the choices; the current one kept when it is still there.
void refill(QComboBox* box, const QString& all, const QStringList& choices)
{
    const QString current = box->currentIndex() > 0 ? box->currentText() : QString();
    const QSignalBlocker block(box);
    box->clear();
    box->addItem(all);
    box->addItems(choices);
    box->setCurrentIndex(std::max(0, box->findText(current)));
}

} // namespace

TimelineView::TimelineView(QWidget* parent)
    : ToolWindow(parent), m_model(new model::TimelineModel(this)), m_table(new QTableView(this)),
      m_service(choiceBox(this, QStringLiteral("timelineService"), tr("Service"))),
      m_user(choiceBox(this, QStringLiteral("timelineUser"), tr("Person"))),
      m_action(choiceBox(this, QStringLiteral("timelineAction"), tr("Action"))),
      m_outcome(choiceBox(this, QStringLiteral("timelineOutcome"), tr("Outcome"))),
      m_since(choiceBox(this, QStringLiteral("timelineSince"), tr("Since"))),
      m_events(new QCheckBox(tr("&Events"), this)), m_count(plainLabel(this, QStringLiteral("timelineCount")))
{
    setObjectName(QStringLiteral("timelineView"));
    setWindowTitle(tr("Release timeline"));
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    for (QComboBox* box : {m_service, m_user, m_action, m_outcome, m_since}) {
        filters->addWidget(box);
        connect(box, &QComboBox::currentIndexChanged, this, &TimelineView::applyFilter);
    }
    // Off by default, as in `signalbox timeline`: the record first, what the cluster said on request.
    m_events->setObjectName(QStringLiteral("timelineEvents"));
    m_events->setToolTip(tip(tr("Also list the Kubernetes Events of the slots between the recorded entries: "
                                "scaled, back-off, failed, killed. The console holds the warnings.")));
    connect(m_events, &QCheckBox::toggled, this, &TimelineView::applyFilter);
    filters->addWidget(m_events);
    filters->addStretch(1);
    filters->addWidget(m_count);
    layout->addLayout(filters);
    m_since->addItem(tr("Any time"), 0);
    m_since->addItem(tr("Last day"), 86400);
    m_since->addItem(tr("Last 7 days"), 7 * 86400);
    m_since->addItem(tr("Last 30 days"), 30 * 86400);
    refill(m_outcome, tr("Any outcome"),
           {QStringLiteral("done"), QStringLiteral("held"), QStringLiteral("failed"), QStringLiteral("rolled back"),
            QStringLiteral("unknown"), QStringLiteral("unreadable")});
    m_table->setObjectName(QStringLiteral("timelineTable"));
    m_table->setAccessibleName(tr("Release timeline"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table, 1);
    connect(m_table, &QAbstractItemView::activated, this, &TimelineView::choose);
    refillChoices();
    applyFilter();
    resize(960, 480);
}

void TimelineView::setServices(const std::vector<model::ServiceState>& services)
{
    m_model->setServices(services);
    refillChoices();
    applyFilter();
}

void TimelineView::refillChoices()
{
    refill(m_service, tr("All services"), m_model->services());
    refill(m_user, tr("Anyone"), m_model->users());
    refill(m_action, tr("Any action"), m_model->actions());
}

void TimelineView::applyFilter()
{
    model::TimelineFilter f;
    auto chosen = [](QComboBox* box) {
        return box->currentIndex() > 0 ? std::set<std::string>{box->currentText().toStdString()}
                                       : std::set<std::string>{};
    };
    f.services = chosen(m_service);
    f.users = chosen(m_user);
    f.actions = chosen(m_action);
    if (m_outcome->currentIndex() > 0)
        if (const auto o = model::outcomeNamed(m_outcome->currentText().toStdString()))
            f.outcomes = {*o};
    f.events = m_events->isChecked();
    // To the minute: a refresh within the same minute keeps the rows (and the selection) as they are.
    if (const qint64 span = m_since->currentData().toLongLong(); span > 0)
        f.since = QDateTime::currentSecsSinceEpoch() / 60 * 60 - span;
    const model::TimelineFilter& now = m_model->filter();
    if (f.services != now.services || f.users != now.users || f.actions != now.actions || f.outcomes != now.outcomes ||
        f.since != now.since || f.events != now.events)
        m_model->setFilter(f);
    m_count->setText(m_reached ? countText() + QStringLiteral(" · ") + m_model->reachText() : countText());
}

void TimelineView::setRecords(std::vector<model::RecordedHistory> records, std::optional<std::int64_t> reach)
{
    m_model->setRecords(std::move(records), reach);
    m_reached = true;
    applyFilter();
}

QString TimelineView::countText() const
{
    const int n = m_model->rowCount();
    return n == 1 ? tr("1 entry") : tr("%1 entries").arg(n);
}

void TimelineView::choose(const QModelIndex& index)
{
    const model::TimelineEntry* t = index.isValid() ? m_model->entry(index.row()) : nullptr;
    if (!t)
        return;
    if (t->event)
        Q_EMIT entryChosen(QString::fromStdString(t->service), {}, {});
    else
        Q_EMIT entryChosen(QString::fromStdString(t->service), QString::fromStdString(t->entry.at),
                           QString::fromStdString(t->entry.action));
}

} // namespace ui
