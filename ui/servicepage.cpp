#include "servicepage.h"

#include "confirmdialog.h"
#include "help.h"
#include "metricchart.h"
#include "model/rules/displaytext.h"
#include "screenfit.h"
#include "slottile.h"
#include "style.h"
#include "text.h"
#include "watchbanner.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// The tag (a commit id cut to 12) says what ran; the whole reference is in the tooltip.
QString release(const kube::HistorySlot& side)
{
    std::string tag = side.tag;
    if (tag.size() == 40)
        tag = tag.substr(0, 12);
    return QStringLiteral("%1 · %2").arg(q(model::displayNameOfRecorded(side.slot)), q(tag.empty() ? side.image : tag));
}
} // namespace

// One entry's cells: When, Who, What, From, To, Author, each with its tooltip. Deploys say where
// they went ("deploy to staging"); a watch's entry says its verdict and, having moved nothing, has
// no "from".
std::vector<ServicePage::HistoryCell> ServicePage::historyRow(const kube::HistoryEntry& e)
{
    const bool watch = e.action == model::watchAction;
    // Local time as in every view; the recorded UTC text on hover.
    const QDateTime when = model::parseTime(q(e.at));
    const QString at = when.isValid() ? model::shortTime(when) : q(e.at);
    QStringList shown;
    if (!e.readable())
        shown = {at, QString(), tr("unreadable entry: %1").arg(q(e.unreadable)), QString(), QString()};
    else if (watch)
        shown = {at, q(e.user), q(e.action + ": " + (e.result.empty() ? std::string("?") : e.result)), QString(),
                 release(e.to)};
    else
        shown = {at, q(e.user), q(e.target.empty() ? e.action : e.action + " to " + e.target), release(e.from),
                 release(e.to)};
    // Whether the API server vouches for "who": a mark and the sentence (model/rules/authorship.h).
    const QString author = q(model::authorSentence(e));
    const bool forged =
        e.authorCheck == kube::AuthorCheck::WrittenByOther || e.authorCheck == kube::AuthorCheck::NoAuthor;
    const char* mark = model::vouched(e) ? "✓" : forged ? "⚠" : "?";
    shown << (author.isEmpty() ? QString() : QString::fromUtf8(mark) + QLatin1Char(' ') + author);
    std::vector<HistoryCell> cells;
    for (int c = 0; c < shown.size(); ++c) {
        HistoryCell cell{shown[c], {}};
        if ((c == 1 || c == 5) && !author.isEmpty())
            cell.tip = author;
        if ((c == 3 || c == 4) && e.readable())
            cell.tip = q((c == 3 ? e.from : e.to).image);
        if (c == 0 && when.isValid()) // the cluster's own words too, as kubectl shows them
            cell.tip = model::fullTime(when) + QLatin1Char('\n') + q(e.at);
        if (c == 2 && watch)
            cell.tip = q(e.result);
        if (c == 2 && !e.readable())
            cell.tip = q(e.unreadable);
        cells.push_back(std::move(cell));
    }
    return cells;
}

// Newest first. Only what changed is written: an update every few seconds usually brings the same
// history, and a new entry comes on top of the ones shown.
bool ServicePage::showHistoryEntry(const QString& at, const QString& action)
{
    const auto key = std::make_pair(at.toStdString(), action.toStdString());
    const auto it = std::find(m_historyKeys.begin(), m_historyKeys.end(), key);
    if (at.isEmpty() || it == m_historyKeys.end())
        return false;
    const int row = static_cast<int>(it - m_historyKeys.begin());
    m_history->selectRow(row);
    m_history->scrollToItem(m_history->item(row, 0));
    m_scroll->ensureWidgetVisible(m_history);
    m_history->setFocus(Qt::OtherFocusReason);
    return true;
}

void ServicePage::showHistory(const std::vector<kube::HistoryEntry>& history)
{
    std::vector<std::vector<HistoryCell>> rows;
    m_historyKeys.clear();
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        rows.push_back(historyRow(*it));
        m_historyKeys.emplace_back(it->at, it->action);
    }
    m_history->setVisible(!history.empty());
    m_noHistory->setVisible(history.empty());
    if (rows == m_historyRows)
        return;
    // What each row showed before this update: the same row, or, when entries came on top, the row
    // that many further down.
    std::size_t added = rows.size() > m_historyRows.size() ? rows.size() - m_historyRows.size() : 0;
    if (added > 0 && std::equal(m_historyRows.begin(), m_historyRows.end(), rows.begin() + std::ptrdiff_t(added))) {
        for (std::size_t i = 0; i < added; ++i)
            m_history->insertRow(0);
    } else {
        added = 0;
        m_history->setRowCount(static_cast<int>(rows.size()));
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const bool hadRow = r >= added && r - added < m_historyRows.size();
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            const HistoryCell& cell = rows[r][c];
            const HistoryCell* was = hadRow ? &m_historyRows[r - added][c] : nullptr;
            if (was && *was == cell)
                continue;
            QTableWidgetItem* item = m_history->item(static_cast<int>(r), static_cast<int>(c));
            if (!item) {
                item = new QTableWidgetItem;
                m_history->setItem(static_cast<int>(r), static_cast<int>(c), item);
            }
            if (!was || was->text != cell.text)
                item->setText(cell.text);
            if (was ? was->tip != cell.tip : !cell.tip.isEmpty())
                item->setToolTip(tip(cell.tip));
        }
    }
    m_historyRows = std::move(rows);
    m_history->resizeColumnsToContents();
}

ServicePage::ServicePage(QWidget* parent) : QWidget(parent)
{
    // Everything scrolls: on a small screen the page is taller than the window, and a layout
    // squeezed below what its widgets need lets them overlap.
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = m_scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("pageScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // not a stop of its own for Tab; it follows the focus inside
    auto* body = new QWidget(scroll);
    body->setObjectName(QStringLiteral("pageBody"));
    auto* layout = new QVBoxLayout(body);
    buildTop(layout);
    m_anomalies = richLabel(this, QStringLiteral("anomalies"));
    m_anomalies->setWordWrap(true);
    m_anomalies->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_anomalies->setAccessibleName(tr("What needs attention"));
    layout->addWidget(m_anomalies);

    // What a watch after a swap found, with the one way out it offers.
    const WatchBanner b = makeWatchBanner(this, QStringLiteral("watchBanner"));
    m_watchBanner = b.banner;
    m_watchText = b.text;
    m_watchRollback = b.rollback;
    m_watchRollback->setIcon(standardIcon(QStringLiteral("edit-undo"), QStyle::SP_ArrowBack));
    connect(m_watchRollback, &QPushButton::clicked, this, &ServicePage::requestRollback);
    layout->addWidget(m_watchBanner);
    buildActions(layout);
    buildTiles(layout);
    buildMetrics(layout);
    buildHistory(layout);
    scroll->setWidget(body);
    outer->addWidget(scroll);
}

// Back, the service's name and its badge.
void ServicePage::buildTop(QVBoxLayout* layout)
{
    auto* top = new QHBoxLayout;
    auto* back = new QPushButton(tr("All services"), this);
    back->setObjectName(QStringLiteral("backButton"));
    back->setAccessibleName(tr("Back to all services"));
    back->setShortcut(Qt::Key_Escape);
    back->setIcon(standardIcon(QStringLiteral("go-previous"), QStyle::SP_ArrowBack));
    connect(back, &QPushButton::clicked, this, &ServicePage::backRequested);
    m_title = plainLabel(this, QStringLiteral("serviceTitle"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.4);
    m_title->setFont(f);
    m_badge = plainLabel(this, QStringLiteral("badge"));
    top->addWidget(back);
    top->addSpacing(12);
    top->addWidget(m_title);
    top->addWidget(m_badge);
    top->addStretch(1);
    auto* compare = new QPushButton(tr("Co&mpare slots…"), this);
    compare->setObjectName(QStringLiteral("compareButton"));
    compare->setAccessibleName(tr("Compare slots"));
    compare->setToolTip(tip(tr("What differs between the live and the staging slot: image, environment, "
                               "configuration, resources, probes (%1)")
                                .arg(keys::text(keys::compare))));
    connect(compare, &QPushButton::clicked, this, &ServicePage::compareRequested);
    top->addWidget(compare);
    layout->addLayout(top);
}

// Actions: each enabled only when the whole action would pass; the reason when not. Below them
// the outcome of the last one (buildOutcome).
void ServicePage::buildActions(QVBoxLayout* layout)
{
    m_actionBar = new QWidget(this);
    auto* actions = new QHBoxLayout(m_actionBar);
    actions->setContentsMargins(0, 0, 0, 0);
    m_deployButton = new QPushButton(tr("&Deploy…"), m_actionBar);
    m_deployButton->setObjectName(QStringLiteral("deployButton"));
    m_deployButton->setEnabled(false);
    m_deployButton->setAccessibleName(tr("Deploy"));
    actions->addWidget(m_deployButton);
    connect(m_deployButton, &QPushButton::clicked, this, &ServicePage::deployRequested);
    m_swap = new QPushButton(tr("S&wap staging and live…"), m_actionBar);
    m_swap->setObjectName(QStringLiteral("swapButton"));
    m_rollback = new QPushButton(tr("&Roll back…"), m_actionBar);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_repair = new QPushButton(tr("Re&pair…"), m_actionBar);
    m_repair->setObjectName(QStringLiteral("repairButton"));
    for (QPushButton* b : {m_swap, m_rollback, m_repair}) {
        b->setEnabled(false);
        b->setAccessibleName(b->text().remove(QStringLiteral("…")).remove(QLatin1Char('&')));
        actions->addWidget(b);
    }
    connect(m_swap, &QPushButton::clicked, this, [this] { confirm(model::SwapPlan::Kind::Swap); });
    connect(m_rollback, &QPushButton::clicked, this, [this] { confirm(model::SwapPlan::Kind::Rollback); });
    connect(m_repair, &QPushButton::clicked, this, [this] { confirm(model::SwapPlan::Kind::Repair); });
    m_reason = plainLabel(m_actionBar, QStringLiteral("actionReason"));
    m_reason->setWordWrap(true);
    actions->addWidget(m_reason, 1);
    layout->addWidget(m_actionBar);
    buildOutcome(layout);
}

// The outcome as a banner: what moved, the endpoint check's time, the watch after a swap. It stays
// until a newer action replaces it or the person dismisses it.
void ServicePage::buildOutcome(QVBoxLayout* layout)
{
    m_outcomeBanner = new QWidget(this);
    m_outcomeBanner->setObjectName(QStringLiteral("outcomeBanner"));
    m_outcomeBanner->setAttribute(Qt::WA_StyledBackground);
    auto* banner = new QHBoxLayout(m_outcomeBanner);
    banner->setContentsMargins(6, 6, 6, 6);
    m_outcome = plainLabel(m_outcomeBanner, QStringLiteral("outcome")); // outcomes quote what servers said
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome->setAccessibleName(tr("Outcome of the last action"));
    m_dismissOutcome = new QPushButton(tr("Dismiss"), m_outcomeBanner);
    m_dismissOutcome->setObjectName(QStringLiteral("outcomeDismiss"));
    m_dismissOutcome->setAccessibleName(tr("Dismiss the outcome"));
    m_dismissOutcome->setToolTip(tip(tr("Hide this outcome; the Activity list keeps it")));
    connect(m_dismissOutcome, &QPushButton::clicked, this, [this] {
        m_dismissed = m_outcomeId;
        showActivity();
    });
    banner->addWidget(m_outcome, 1);
    banner->addWidget(m_dismissOutcome, 0, Qt::AlignTop);
    m_outcomeBanner->hide();
    layout->addWidget(m_outcomeBanner);
}

// The three slots side by side.
void ServicePage::buildTiles(QVBoxLayout* layout)
{
    auto* tiles = new QHBoxLayout;
    m_sandbox = new SlotTile(this);
    m_a = new SlotTile(this);
    m_b = new SlotTile(this);
    m_sandbox->setObjectName(QStringLiteral("tileSandbox"));
    m_a->setObjectName(QStringLiteral("tileA"));
    m_b->setObjectName(QStringLiteral("tileB"));
    for (SlotTile* t : {m_sandbox, m_a, m_b})
        tiles->addWidget(t, 1);
    for (auto [t, slot] :
         {std::pair{m_sandbox, model::Slot::Sandbox}, std::pair{m_a, model::Slot::A}, std::pair{m_b, model::Slot::B}})
        connect(t, &SlotTile::logsRequested, this,
                [this, slot = slot](const QString& pod) { Q_EMIT logsRequested(slot, pod); });
    layout->addLayout(tiles, 1);
}

// The metrics of live and staging over the last hour, one chart each, or why there are none.
void ServicePage::buildMetrics(QVBoxLayout* layout)
{
    m_metricsBox = new QWidget(this);
    m_metricsBox->setObjectName(QStringLiteral("metricsBox"));
    auto* box = new QVBoxLayout(m_metricsBox);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(
        richLabel(m_metricsBox, {}, tr("<b>Metrics</b> (from Prometheus, up to the last hour; dashed: a swap)")));
    m_metricProblem = plainLabel(m_metricsBox, QStringLiteral("metricProblem"));
    m_metricProblem->setWordWrap(true);
    m_metricProblem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metricProblem->hide();
    box->addWidget(m_metricProblem);
    m_chartLayout = new QVBoxLayout;
    box->addLayout(m_chartLayout);
    m_metricsBox->hide();
    layout->addWidget(m_metricsBox);
}

void ServicePage::setMetricFeed(model::MetricFeed* feed)
{
    if (m_feed)
        m_feed->disconnect(this);
    m_feed = feed;
    if (feed)
        connect(feed, &model::MetricFeed::changed, this, [this](const std::string& name) {
            if (q(name) == m_name)
                showMetrics();
        });
    tellFeed();
    showMetrics();
}

std::vector<MetricChart*> ServicePage::charts() const
{
    return m_charts;
}

QString ServicePage::metricProblemText() const
{
    return m_metricProblem->isVisibleTo(this) ? m_metricProblem->text() : QString();
}

void ServicePage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    tellFeed();
}

void ServicePage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    tellFeed();
}

// Only the service on screen is measured: the calls of one that left it are cancelled.
void ServicePage::tellFeed()
{
    if (!m_feed)
        return;
    if (isVisible() && !m_name.isEmpty())
        m_feed->setShown({m_name.toStdString()}, true);
    else
        m_feed->setShown({}, false);
}

void ServicePage::showMetrics()
{
    const model::MetricFeed::ServiceMetrics* m = m_feed ? m_feed->metrics(m_name.toStdString()) : nullptr;
    m_metricsBox->setVisible(m != nullptr);
    for (auto [tile, slot] : {std::pair{m_a, model::Slot::A}, std::pair{m_b, model::Slot::B}}) {
        QStringList lines;
        // No numbers where Prometheus could not be asked: the page says why, once.
        if (m && m->problem.empty() && m->measured.isValid() && m->slots.count(slot))
            for (const std::string& line : model::metricLines(m->metrics, m->slots.at(slot).values))
                lines << q(line);
        tile->setMetrics(lines);
    }
    m_sandbox->setMetrics({});
    if (!m)
        return;
    m_metricProblem->setText(m->problem.empty() ? QString() : tr("Metrics: %1").arg(q(m->problem)));
    m_metricProblem->setVisible(!m->problem.empty());
    while (m_charts.size() > m->metrics.size()) {
        delete m_charts.back();
        m_charts.pop_back();
    }
    while (m_charts.size() < m->metrics.size()) {
        m_charts.push_back(new MetricChart(m_metricsBox));
        m_chartLayout->addWidget(m_charts.back());
    }
    const double end =
        double((m->ranged.isValid() ? m->ranged : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch()) / 1000.0;
    for (std::size_t i = 0; i < m->metrics.size(); ++i) {
        std::vector<MetricChart::Side> sides;
        for (auto [role, slot] : {std::pair{"live", m_live}, std::pair{"staging", m_staging}}) {
            if (!slot)
                continue;
            MetricChart::Side side{std::string(role) + " (slot " + model::letter(*slot) + ")", {}};
            const auto it = m->slots.find(*slot);
            if (m->problem.empty() && it != m->slots.end() && i < it->second.history.size())
                side.series = it->second.history[i];
            sides.push_back(std::move(side));
        }
        std::vector<std::vector<model::TimedValue>> series;
        for (const auto& side : sides)
            series.push_back(side.series);
        // The last hour, or less when the series begin later (a fresh Prometheus, a new service).
        const model::ChartFrame frame{.start = model::chartStart(series, end, m->windowSeconds),
                                      .end = end,
                                      .width = 0,
                                      .height = 0,
                                      .stepSeconds = double(m->stepSeconds)};
        m_charts[i]->setData(m->metrics[i].name, m->metrics[i].unit, std::move(sides), m_swapTimes, frame);
    }
}

// What the cluster records of this service's deploys and swaps.
void ServicePage::buildHistory(QVBoxLayout* layout)
{
    m_history = new QTableWidget(0, 6, this);
    m_history->setObjectName(QStringLiteral("historyTable"));
    m_history->setAccessibleName(tr("Swap history"));
    m_history->setHorizontalHeaderLabels({tr("When"), tr("Who"), tr("What"), tr("From"), tr("To"), tr("Author")});
    m_history->verticalHeader()->hide();
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    // At least three entries in view; more scroll inside the table.
    m_history->setMinimumHeight(heightForRows(m_history, 3));
    m_history->setMaximumHeight(std::max(160, m_history->minimumHeight()));
    m_history->setTabKeyNavigation(false); // Tab leaves the table; the arrows move in it
    auto* historyTitle = richLabel(
        this, {},
        tr("<b>History</b> (recorded in the cluster: swaps on the live Service, deploys on each Deployment)"));
    m_noHistory = plainLabel(this, QStringLiteral("noHistory"),
                             tr("No deploy or swap by Signalbox is recorded for this service yet."));
    layout->addWidget(historyTitle);
    layout->addWidget(m_history);
    layout->addWidget(m_noHistory);
}

void ServicePage::setActions(model::ServiceActions* actions)
{
    if (m_actions)
        m_actions->disconnect(this);
    m_actions = actions;
    if (actions) {
        connect(actions, &model::ServiceActions::changed, this, &ServicePage::updateActions);
        connect(actions, &model::ServiceActions::activityChanged, this, &ServicePage::showActivity);
    }
    updateActions();
}

void ServicePage::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    updateActions();
}

QPushButton* ServicePage::button(model::SwapPlan::Kind kind) const
{
    return kind == model::SwapPlan::Kind::Swap       ? m_swap
           : kind == model::SwapPlan::Kind::Rollback ? m_rollback
                                                     : m_repair;
}

QString ServicePage::actionReasonText() const
{
    return m_reason->text();
}

QString ServicePage::outcomeText() const
{
    return m_outcomeBanner->isVisible() ? m_outcome->text() : QString();
}

void ServicePage::updateActions()
{
    // Read-only: the controls that change anything are not there at all.
    m_actionBar->setVisible(!m_readOnly && m_actions);
    if (m_readOnly || !m_actions) {
        updateWatchBanner();
        return;
    }
    QString reason;
    for (auto kind : {model::SwapPlan::Kind::Swap, model::SwapPlan::Kind::Rollback, model::SwapPlan::Kind::Repair}) {
        const auto& a = m_actions->availability(kind);
        QPushButton* b = button(kind);
        b->setVisible(kind == model::SwapPlan::Kind::Swap || a.visible);
        b->setEnabled(a.planned && a.enabled && !m_actions->busy());
        const QString why = a.planned ? QString::fromStdString(a.reason) : tr("Checking…");
        b->setToolTip(b->isEnabled() ? keyTip(kind) : tip(why));
        if (b->isVisible() && !b->isEnabled() && reason.isEmpty() && !why.isEmpty())
            reason = missingCondition(kind, why);
    }
    const auto& d = m_actions->deployAvailability();
    m_deployButton->setEnabled(d.planned && d.enabled && !m_actions->busy());
    m_deployButton->setToolTip(
        m_deployButton->isEnabled()
            ? tip(tr("Deploy a tag to staging or the sandbox (%1)").arg(keys::text(keys::deploy)))
        : d.planned ? tip(d.reason)
                    : tip(tr("Checking…")));
    if (d.planned && !d.enabled && reason.isEmpty())
        reason = tr("Deploy not possible: ") + QString::fromStdString(d.reason);
    if (m_actions->busy())
        reason = tr("Working…");
    m_reason->setText(reason);
    showActivity();
    if (m_wanted && m_actions->availability(*m_wanted).planned && !m_actions->busy())
        request(*m_wanted);
    if (m_deployWanted && d.planned && !m_actions->busy())
        requestDeploy();
}

QString ServicePage::watchBannerText() const
{
    return m_watchBanner->isVisible() ? m_watchText->text() : QString();
}

void ServicePage::updateWatchBanner()
{
    const model::Activity* failed = m_actions ? m_actions->failedWatch() : nullptr;
    if (!failed) {
        m_watchBanner->hide();
        if (m_wanted == model::SwapPlan::Kind::Rollback && !m_watchRollback->isVisibleTo(this))
            m_wanted.reset();
        return;
    }
    m_watchText->setText(q(failed->message));
    m_watchRollback->setVisible(!m_readOnly);
    const auto& rollback = m_actions->availability(model::SwapPlan::Kind::Rollback);
    m_watchRollback->setEnabled(!rollback.planned || rollback.enabled);
    m_watchRollback->setToolTip(rollback.planned && !rollback.enabled ? tip(rollback.reason) : QString());
    m_watchBanner->show();
}

void ServicePage::request(model::SwapPlan::Kind kind)
{
    if (!m_actions || m_readOnly)
        return;
    const auto& a = m_actions->availability(kind);
    if (!a.planned || m_actions->busy()) {
        m_wanted = kind; // opened when the plan comes (updateActions)
        return;
    }
    m_wanted.reset();
    if (!a.enabled) {
        m_reason->setText(missingCondition(kind, q(a.reason)));
        return;
    }
    confirm(kind);
}

void ServicePage::requestDeploy()
{
    if (!m_actions || m_readOnly)
        return;
    const auto& d = m_actions->deployAvailability();
    if (!d.planned || m_actions->busy()) {
        m_deployWanted = true; // opened when deploying is decided (updateActions)
        return;
    }
    m_deployWanted = false;
    if (!d.enabled) {
        m_reason->setText(tr("Deploy not possible: ") + q(d.reason));
        return;
    }
    Q_EMIT deployRequested();
}

// Why an action is disabled, as the condition it waits for (the plan's check, which states what must
// hold) rather than a negation of it.
QString ServicePage::missingCondition(model::SwapPlan::Kind kind, const QString& condition)
{
    const QString verb = kind == model::SwapPlan::Kind::Swap       ? tr("swap")
                         : kind == model::SwapPlan::Kind::Rollback ? tr("roll back")
                                                                   : tr("repair");
    return tr("To %1, this must hold: %2").arg(verb, condition);
}

QString ServicePage::keyTip(model::SwapPlan::Kind kind)
{
    switch (kind) {
    case model::SwapPlan::Kind::Swap:
        return tip(tr("Swap staging and live, after you confirm (%1)").arg(keys::text(keys::swap)));
    case model::SwapPlan::Kind::Rollback:
        return tip(tr("Make the slot that was live before the swap live again (%1)").arg(keys::text(keys::rollback)));
    default:
        return QString();
    }
}

void ServicePage::showActivity()
{
    updateWatchBanner();
    // The newest deploy or swap of this service started in this window, wherever it was started
    // (a failed watch is said by its banner). A swap's watch comes after it: the banner says the
    // swap's outcome and, under it, how the watch goes.
    const model::Activity* a = m_actions ? m_actions->latestActivity() : nullptr;
    const model::Activity* watch = a && a->watches() ? a : nullptr;
    if (watch)
        a = m_actions->latestChange();
    if (!a || m_watchBanner->isVisibleTo(this) || a->id == m_dismissed) {
        m_outcomeBanner->hide();
        return;
    }
    m_outcomeId = a->id;
    m_dismissOutcome->setVisible(!a->running());
    if (a->running()) {
        style::applySheet(m_outcomeBanner, QString());
        style::applySheet(m_outcome, QString());
        m_outcome->setText(q(a->step) + QStringLiteral("…"));
    } else {
        QStringList lines{q(a->message)};
        if (!a->detail.empty())
            lines << q(a->detail);
        if (watch && watch->running())
            lines << tr("%1: running; a banner comes up here if live gets worse.").arg(q(watch->title));
        else if (watch)
            lines << tr("%1: %2").arg(q(watch->title), q(watch->message));
        m_outcome->setText(lines.join(QLatin1Char('\n')));
        const style::Tone tone =
            a->state == model::Activity::State::Succeeded ? style::Tone::Healthy : style::Tone::Attention;
        style::applySheet(
            m_outcomeBanner,
            QStringLiteral("#outcomeBanner { background: %1; border-radius: 4px; }").arg(style::fillOf(tone)));
        style::applySheet(m_outcome, QStringLiteral("QLabel { color: white; font-weight: bold; }"));
    }
    m_outcomeBanner->show();
}

void ServicePage::confirm(model::SwapPlan::Kind kind)
{
    if (!m_actions || m_confirming)
        return;
    const auto& a = m_actions->availability(kind);
    if (!a.planned || !a.enabled)
        return;
    // The buttons were decided on what the watches hold; what the person confirms is planned on
    // fresh reads.
    m_confirming = true;
    m_reason->setText(tr("Checking…"));
    QPointer<ServicePage> self(this);
    const QString shown = m_name;
    m_actions->planFresh(kind, [self, shown](model::SwapPlan plan) {
        if (!self)
            return;
        self->m_confirming = false;
        if (self->m_name != shown || !(plan.allowed() || plan.onlyEvidenceFails())) {
            self->updateActions(); // the button and the reason now say what the fresh plan found
            return;
        }
        self->updateActions();
        auto* dialog = new ConfirmDialog(plan, self);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowModality(Qt::WindowModal);
        connect(dialog, &QDialog::accepted, self, [self, dialog] {
            if (self && self->m_actions)
                self->m_actions->run(dialog->plan());
        });
        dialog->open();
        // What else differs between the slots that move comes when it is read; the dialog owns the answer.
        if (dialog->diffShown())
            self->m_actions->readSwapDiffs(
                plan, dialog, [dialog](std::size_t i, model::SlotDiffAnswer answer) { dialog->setDiff(i, answer); });
        Q_EMIT self->dialogOpened(dialog);
    });
}

SlotTile* ServicePage::tile(model::Slot slot) const
{
    return slot == model::Slot::A ? m_a : slot == model::Slot::B ? m_b : m_sandbox;
}

QString ServicePage::anomalyText() const
{
    return m_anomalies->text();
}

QString ServicePage::badgeText() const
{
    return m_badge->text();
}

void ServicePage::setService(const model::ServiceState& st)
{
    const bool otherService = m_name != q(st.spec.name);
    if (otherService) { // what was asked for was another service's
        m_wanted.reset();
        m_deployWanted = false;
    }
    m_name = q(st.spec.name);
    if (otherService) {
        tellFeed();
        showMetrics();
    }
    m_title->setText(tr("%1 — namespace %2").arg(q(st.spec.name), q(st.spec.ns)));
    m_badge->setText(QString::fromUtf8(model::badgeName(st.badge)));
    style::applySheet(m_badge, style::pill(style::toneOf(st.badge)));
    m_badge->setToolTip(tip(st.badgeText));
    QStringList lines;
    for (const auto& a : st.anomalies) {
        const char* mark = a.severity == model::Anomaly::Severity::Critical  ? "⛔"
                           : a.severity == model::Anomaly::Severity::Warning ? "⚠"
                                                                             : "ℹ";
        lines << QStringLiteral("%1 %2").arg(QString::fromUtf8(mark), escaped(a.text));
    }
    // A failing check's sentence leads, so the chip's reason is on the page and not only in its tooltip.
    const bool failing = st.badge == model::Badge::StagingFailsCheck || st.badge == model::Badge::LiveFailsCheck ||
                         st.badge == model::Badge::LiveGotWorse;
    if (lines.isEmpty())
        lines << escaped(st.badgeText);
    else if (failing && std::none_of(st.anomalies.begin(), st.anomalies.end(),
                                     [&st](const model::Anomaly& a) { return a.text == st.badgeText; }))
        lines.prepend(QStringLiteral("⚠ %1").arg(escaped(st.badgeText)));
    m_anomalies->setText(lines.join(QStringLiteral("<br>")));
    showHistory(st.history);
    // Each Service's own answer shows in the tile of the slot it selects.
    auto servicesOf = [&st](model::Slot slot) {
        std::vector<SlotTile::ServiceCheck> out;
        if (!st.healthSpec.configured())
            return out;
        if (st.live == slot)
            out.push_back({st.spec.liveService, st.liveServiceHealth});
        if (st.staging == slot)
            out.push_back({st.spec.stagingService, st.stagingServiceHealth});
        return out;
    };
    m_sandbox->setSlot(st.sandbox, QString());
    m_a->setSlot(st.a, q(st.roleOf(model::Slot::A)), servicesOf(model::Slot::A));
    m_b->setSlot(st.b, q(st.roleOf(model::Slot::B)), servicesOf(model::Slot::B));
    const bool other = m_live != st.live || m_staging != st.staging;
    m_live = st.live;
    m_staging = st.staging;
    m_swapTimes = model::swapTimes(st.history);
    if (other)
        showMetrics();
}

} // namespace ui
