#include "activitypanel.h"

#include "help.h"
#include "model/rules/displaytext.h"
#include "screenfit.h"
#include "style.h"
#include "text.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace ui {

namespace {

constexpr int idRole = Qt::UserRole + 1;

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// Local time with its zone, as every view's hover says it: the outcome is read later, perhaps beside
// another zone's records.
QString timeText(const QDateTime& t)
{
    return model::fullTime(t);
}

} // namespace

ActivityPanel::ActivityPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* title = richLabel(this, {},
                            tr("<b>Activity</b> (deploys and swaps started here; they run to their end whatever "
                               "page is shown)"));
    m_note = plainLabel(this, QStringLiteral("activityNote"));
    m_note->setWordWrap(true);
    m_note->hide();
    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(QStringLiteral("activityTable"));
    m_table->setAccessibleName(tr("Activity"));
    m_table->setHorizontalHeaderLabels({tr("Started"), tr("Action"), tr("By"), tr("Progress or outcome")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->setMinimumHeight(heightForRows(m_table, 3)); // three rows in view, the rest scroll
    m_table->setMaximumHeight(std::max(120, m_table->minimumHeight()));
    m_table->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_table->installEventFilter(this);
    // Enter or a double-click: the row's whole outcome.
    connect(m_table, &QTableWidget::activated, this, [this](const QModelIndex& index) { openOutcome(index.row()); });
    layout->addWidget(title);
    layout->addWidget(m_note);
    layout->addWidget(m_table);
    hide();
}

bool ActivityPanel::eventFilter(QObject* watched, QEvent* event)
{
    // Esc here leaves the list rather than going back from the service's page (the page's Esc).
    const bool key = event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress;
    if (watched != m_table || !key || static_cast<QKeyEvent*>(event)->key() != Qt::Key_Escape ||
        static_cast<QKeyEvent*>(event)->modifiers() != Qt::NoModifier)
        return QWidget::eventFilter(watched, event);
    event->accept();
    if (event->type() == QEvent::KeyPress) {
        m_table->clearSelection();
        m_table->setCurrentIndex({});
        Q_EMIT leaveRequested();
    }
    return true;
}

void ActivityPanel::setRunner(model::ActionRunner* runner)
{
    if (m_runner)
        m_runner->disconnect(this);
    m_runner = runner;
    m_table->setRowCount(0);
    if (!runner)
        return;
    connect(runner, &model::ActionRunner::started, this, &ActivityPanel::update);
    connect(runner, &model::ActionRunner::progressed, this, &ActivityPanel::update);
    connect(runner, &model::ActionRunner::finished, this, &ActivityPanel::update);
    for (const auto& a : runner->activities())
        update(a.id);
}

void ActivityPanel::setNote(const QString& text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

QString ActivityPanel::rowText(int id) const
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, 0)->data(idRole).toInt() == id)
            return m_table->item(row, 1)->text() + QStringLiteral(": ") + m_table->item(row, 3)->text();
    return {};
}

int ActivityPanel::idOf(int row) const
{
    const QTableWidgetItem* item = row >= 0 && row < m_table->rowCount() ? m_table->item(row, 0) : nullptr;
    return item ? item->data(idRole).toInt() : 0;
}

QString ActivityPanel::outcomeOf(const model::Activity& a)
{
    const QString result = a.running()                                    ? tr("Running: %1").arg(q(a.step))
                           : a.state == model::Activity::State::Succeeded ? tr("Succeeded")
                                                                          : tr("Failed");
    QStringList lines{q(a.title), result, tr("Started: %1").arg(timeText(a.started))};
    if (a.finished.isValid())
        lines << tr("Finished: %1 (after %2 s)").arg(timeText(a.finished)).arg(a.started.secsTo(a.finished));
    lines << tr("By: %1").arg(a.user.empty() ? tr("(unknown)") : q(a.user));
    if (!a.message.empty())
        lines << QString() << q(a.message);
    if (!a.detail.empty())
        lines << QString() << q(a.detail);
    return lines.join(QLatin1Char('\n'));
}

QString ActivityPanel::outcomeText(int row) const
{
    const model::Activity* a = m_runner ? m_runner->activity(idOf(row)) : nullptr;
    return a ? outcomeOf(*a) : QString();
}

void ActivityPanel::openOutcome(int row)
{
    const model::Activity* a = m_runner ? m_runner->activity(idOf(row)) : nullptr;
    if (!a)
        return;
    if (!m_outcome) {
        // A small read-only window beside the list; it may stay open while the person works on.
        auto* window = new QDialog(this);
        window->setObjectName(QStringLiteral("activityOutcome"));
        window->setAttribute(Qt::WA_DeleteOnClose);
        auto* layout = new QVBoxLayout(window);
        m_outcomeText = new QPlainTextEdit(window);
        m_outcomeText->setObjectName(QStringLiteral("activityOutcomeText"));
        m_outcomeText->setAccessibleName(tr("Outcome"));
        m_outcomeText->setReadOnly(true);
        m_outcomeText->setTabChangesFocus(true);
        layout->addWidget(m_outcomeText);
        layout->addWidget(closeButtons(window));
        window->resize(520, 260);
        m_outcome = window;
    }
    m_outcomeId = a->id;
    m_outcome->setWindowTitle(tr("Outcome — %1").arg(q(a->title)));
    m_outcomeText->setPlainText(outcomeOf(*a));
    m_outcome->show();
    m_outcome->raise();
    m_outcome->activateWindow();
    Q_EMIT outcomeOpened(m_outcome);
}

void ActivityPanel::update(int id)
{
    const model::Activity* a = m_runner ? m_runner->activity(id) : nullptr;
    if (!a)
        return;
    int row = -1;
    for (int r = 0; r < m_table->rowCount() && row < 0; ++r)
        if (m_table->item(r, 0)->data(idRole).toInt() == id)
            row = r;
    if (row < 0) {
        // Newest first.
        row = 0;
        m_table->insertRow(0);
        for (int c = 0; c < 4; ++c)
            m_table->setItem(0, c, new QTableWidgetItem);
        m_table->item(0, 0)->setData(idRole, id);
        m_table->scrollToTop(); // the newest row is in view as it comes
    }
    const style::Tone tone = a->running()                                    ? style::Tone::Rolling
                             : a->state == model::Activity::State::Succeeded ? style::Tone::Healthy
                                                                             : style::Tone::Attention;
    const QString mark = a->running()                                    ? QStringLiteral("⟳ ")
                         : a->state == model::Activity::State::Succeeded ? QStringLiteral("✔ ")
                                                                         : QStringLiteral("✘ ");
    const QString progress = a->running() ? q(a->step) + QStringLiteral("…") : q(a->message);
    m_table->item(row, 0)->setText(model::shortTime(a->started));
    m_table->item(row, 0)->setToolTip(tip(model::fullTime(a->started)));
    m_table->item(row, 1)->setText(mark + q(a->title));
    m_table->item(row, 2)->setText(q(a->user));
    m_table->item(row, 3)->setText(progress);
    const QString whole = outcomeOf(*a);
    for (int c = 1; c < 4; ++c)
        m_table->item(row, c)->setToolTip(tip(whole));
    if (m_outcome && m_outcomeId == id)
        m_outcomeText->setPlainText(whole);
    m_table->item(row, 1)->setForeground(QColor(style::colorOf(tone)));
    m_table->resizeColumnToContents(0);
    m_table->resizeColumnToContents(1);
    m_table->resizeColumnToContents(2);
    show();
}

} // namespace ui
