#include "slottile.h"

#include "icons.h"
#include "style.h"
#include "text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

style::Tone podTone(const model::PodRow& pod)
{
    if (pod.phase == "Terminating" || pod.phase == "Pending")
        return style::Tone::Rolling;
    if (!pod.waiting.empty() || pod.phase == "Failed" || !pod.ready)
        return style::Tone::Attention;
    return style::Tone::Healthy;
}

const model::PodHealth* healthOf(const model::SlotState& slot, const std::string& pod)
{
    if (slot.healthCheck.state == model::HealthSummary::State::NoCheck ||
        slot.healthCheck.state == model::HealthSummary::State::NotAllowed)
        return nullptr;
    for (const auto& p : slot.podHealth)
        if (p.pod == pod)
            return &p;
    return nullptr;
}

// The pod's health check answer without its name ("500, expected 200"), or empty.
QString healthText(const model::PodHealth* h)
{
    if (!h)
        return {};
    const std::string line = model::podHealthLine(*h);
    return q(line.substr(std::min(line.size(), h->pod.size() + 2)));
}

// Two icons: the pod's own state (a dot in its colour) and its health check answer (the check's
// icon, or nothing when there is no check). Their paths, which name the picture.
QStringList podIconPaths(const model::PodRow& pod, const model::PodHealth* health)
{
    const style::Tone tone = podTone(pod);
    QStringList paths{tone == style::Tone::Healthy   ? QStringLiteral(":/states/pod-ready.svg")
                      : tone == style::Tone::Rolling ? QStringLiteral(":/states/pod-pending.svg")
                                                     : QStringLiteral(":/states/pod-failing.svg")};
    if (health)
        paths << style::iconPath(health->result);
    return paths;
}

QIcon podIcon(const QStringList& paths)
{
    QPixmap pm(28, 14);
    pm.fill(Qt::transparent);
    QPainter painter(&pm);
    for (int i = 0; i < paths.size(); ++i)
        painter.drawPixmap(QPointF(15 * i, 1), style::iconPixmap(paths[i], 12, 1.0));
    return QIcon(pm);
}

// Where a pod row keeps the paths of the icon it shows: a new icon only when they change.
constexpr int iconPathsRole = Qt::UserRole + 1;
} // namespace

SlotTile::SlotTile(QWidget* parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("slotTile"));
    setMinimumWidth(250);
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_title = plainLabel(this, QStringLiteral("title"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_title->setFont(f);
    m_role = plainLabel(this, QStringLiteral("role"));
    m_role->setAlignment(Qt::AlignCenter);
    top->addWidget(m_title, 1);
    top->addWidget(m_role);
    layout->addLayout(top);
    m_image = richLabel(this, QStringLiteral("image"));
    m_image->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_image->setWordWrap(true);
    m_commit = plainLabel(this, QStringLiteral("commit"));
    m_commit->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commit->setWordWrap(true);
    m_ready = new QProgressBar(this);
    m_ready->setObjectName(QStringLiteral("ready"));
    m_ready->setTextVisible(true);
    m_rollout = plainLabel(this, QStringLiteral("rollout"));
    m_rollout->setWordWrap(true);
    m_problems = plainLabel(this, QStringLiteral("problems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_healthCheck = richLabel(this, QStringLiteral("healthCheck"));
    m_healthCheck->setWordWrap(true);
    m_healthCheck->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_healthCheck->setAccessibleName(tr("Health check"));
    m_metrics = plainLabel(this, QStringLiteral("metrics"));
    m_metrics->setWordWrap(true);
    m_metrics->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metrics->setAccessibleName(tr("Metrics"));
    m_metrics->hide();
    m_events = richLabel(this, QStringLiteral("events"));
    m_events->setWordWrap(true);
    m_events->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_events->setAccessibleName(tr("Warning events"));
    for (QWidget* w : std::initializer_list<QWidget*>{m_image, m_commit, m_ready, m_rollout, m_healthCheck, m_metrics,
                                                      m_problems, m_events})
        layout->addWidget(w);
    buildPods(layout);
    layout->addStretch(1);
    // The ages beside the answers ("3 s ago") move on between answers.
    m_ages = new QTimer(this);
    m_ages->setInterval(1000);
    connect(m_ages, &QTimer::timeout, this, [this] {
        if (isVisible()) {
            showHealth();
            showPods();
            showEvents();
        }
    });
}

void SlotTile::setMetrics(const QStringList& lines)
{
    // Two values share a line ("error ratio 0.2 % · p99 latency 12 ms"): the tile stays short.
    const QString text = lines.join(QStringLiteral(" · "));
    if (m_metrics->text() != text)
        m_metrics->setText(text);
    m_metrics->setVisible(!lines.isEmpty());
}

QString SlotTile::metricsText() const
{
    return m_metrics->isVisibleTo(this) ? m_metrics->text() : QString();
}

// The pods, the selected one's detail, and the buttons that open logs (of that pod, of the slot).
void SlotTile::buildPods(QVBoxLayout* layout)
{
    m_pods = new QListWidget(this);
    m_pods->setObjectName(QStringLiteral("pods"));
    m_pods->setAccessibleName(tr("Pods"));
    m_pods->setSelectionMode(QAbstractItemView::SingleSelection);
    m_pods->setIconSize(QSize(28, 14));
    m_pods->setTextElideMode(Qt::ElideRight);
    m_pods->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_pods->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_podDetail = richLabel(this, QStringLiteral("podDetail"));
    m_podDetail->setWordWrap(true);
    m_podDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_podDetail->hide();
    m_podLogs = new QPushButton(tr("Logs of this pod"), this);
    m_podLogs->setObjectName(QStringLiteral("podLogs"));
    m_podLogs->hide();
    m_logs = new QPushButton(tr("Logs"), this);
    m_logs->setObjectName(QStringLiteral("slotLogs"));
    m_logs->setToolTip(tip(tr("The logs of every pod of this slot, merged in time order")));
    connect(m_logs, &QPushButton::clicked, this, [this] { Q_EMIT logsRequested(QString()); });
    connect(m_podLogs, &QPushButton::clicked, this, [this] {
        if (!selectedPod().isEmpty())
            Q_EMIT logsRequested(selectedPod());
    });
    connect(m_pods, &QListWidget::itemSelectionChanged, this, &SlotTile::showPodDetail);
    layout->addWidget(m_pods);
    layout->addWidget(m_podDetail);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_podLogs);
    buttons->addStretch(1);
    buttons->addWidget(m_logs);
    layout->addLayout(buttons);
}

QStringList SlotTile::podLines() const
{
    QStringList lines;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto& pod : m_slot.podRows) {
        QString line = q(model::podRowLine(pod, now));
        const QString check = healthText(healthOf(m_slot, pod.name));
        if (!check.isEmpty())
            line += tr("  check: %1").arg(check);
        lines << line;
    }
    return lines;
}

QStringList SlotTile::eventLines() const
{
    QStringList lines;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto& e : m_slot.warnings)
        lines << q(model::eventLine(e, now));
    return lines;
}

void SlotTile::showEvents()
{
    const QStringList lines = eventLines();
    m_events->setVisible(m_slot.exists && !lines.isEmpty());
    QString html = tr("<b>Warnings</b>");
    for (int i = 0; i < lines.size() && i < static_cast<int>(m_slot.warnings.size()); ++i)
        html += QStringLiteral("<br>%1 <small>%2: %3</small>")
                    .arg(style::iconMark(QStringLiteral(":/states/warning.svg"), QStringLiteral("▲")),
                         q(m_slot.warnings[static_cast<std::size_t>(i)].involvedKind + " " +
                           m_slot.warnings[static_cast<std::size_t>(i)].involvedName)
                             .toHtmlEscaped(),
                         lines[i].toHtmlEscaped());
    m_events->setText(html);
}

void SlotTile::showPods()
{
    const QString selected = selectedPod();
    const QStringList lines = podLines();
    const QSignalBlocker block(m_pods);
    while (m_pods->count() > static_cast<int>(m_slot.podRows.size()))
        delete m_pods->takeItem(m_pods->count() - 1);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (std::size_t i = 0; i < m_slot.podRows.size(); ++i) {
        const model::PodRow& pod = m_slot.podRows[i];
        const model::PodHealth* health = healthOf(m_slot, pod.name);
        QListWidgetItem* item =
            static_cast<int>(i) < m_pods->count() ? m_pods->item(static_cast<int>(i)) : new QListWidgetItem(m_pods);
        // Two short lines: what the pod is doing, then how it last ended, its age, node and check.
        QStringList first{q(pod.shortName), q(pod.waiting.empty() ? pod.phase : pod.waiting),
                          tr("%1/%2 ready").arg(pod.readyContainers).arg(pod.containers)};
        if (pod.restarts > 0)
            first << (pod.restarts == 1 ? tr("1 restart") : tr("%1 restarts").arg(pod.restarts));
        QStringList second, third;
        const std::string last = model::lastTerminationText(pod, now);
        if (!last.empty())
            second << tr("last: %1").arg(q(last));
        const std::string age = model::ageOf(pod.started, now);
        if (!age.empty())
            second << tr("age %1").arg(q(age));
        if (!pod.node.empty())
            third << q(pod.node);
        QString check = healthText(health);
        if (!check.isEmpty()) {
            if (health->result.at.isValid())
                check += QStringLiteral(", ") + style::age(health->result.at, now);
            third << tr("check: %1").arg(check);
        }
        QStringList text{first.join(QStringLiteral("  "))};
        for (const QStringList* part : {&second, &third})
            if (!part->isEmpty())
                text << part->join(QStringLiteral(" · "));
        item->setText(text.join(QLatin1Char('\n')));
        item->setData(Qt::UserRole, q(pod.name));
        item->setData(Qt::AccessibleTextRole, lines.value(static_cast<int>(i)));
        item->setToolTip(tip(q(pod.name) + QLatin1Char('\n') + lines.value(static_cast<int>(i))));
        if (const QStringList paths = podIconPaths(pod, health); item->data(iconPathsRole).toStringList() != paths) {
            item->setIcon(podIcon(paths));
            item->setData(iconPathsRole, paths);
        }
        item->setSelected(q(pod.name) == selected);
    }
    m_pods->setVisible(m_slot.exists && m_pods->count() > 0);
    int height = 2 * m_pods->frameWidth();
    for (int i = 0; i < m_pods->count() && i < 6; ++i)
        height += m_pods->sizeHintForRow(i);
    m_pods->setFixedHeight(height);
    showPodDetail();
}

void SlotTile::selectPod(const QString& name)
{
    for (int i = 0; i < m_pods->count(); ++i)
        m_pods->item(i)->setSelected(m_pods->item(i)->data(Qt::UserRole).toString() == name);
}

QString SlotTile::selectedPod() const
{
    const QList<QListWidgetItem*> items = m_pods->selectedItems();
    return items.isEmpty() ? QString() : items.front()->data(Qt::UserRole).toString();
}

QString SlotTile::podDetailText() const
{
    return m_podDetail->isHidden() ? QString() : style::plainText(m_podDetail->text());
}

void SlotTile::showPodDetail()
{
    const QString name = selectedPod();
    const model::PodRow* pod = nullptr;
    for (const auto& p : m_slot.podRows)
        if (q(p.name) == name)
            pod = &p;
    m_podDetail->setVisible(pod != nullptr);
    m_podLogs->setVisible(pod != nullptr);
    if (!pod)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString html = QStringLiteral("<b>%1</b>").arg(q(pod->name).toHtmlEscaped());
    if (!pod->ip.empty())
        html += QStringLiteral(" <small>%1</small>").arg(q(pod->ip).toHtmlEscaped());
    QStringList conditions;
    for (const auto& c : pod->conditions) {
        QString text = q(c.type + " " + c.status);
        if (!c.reason.empty())
            text += QStringLiteral(" (%1)").arg(q(c.reason));
        conditions << text.toHtmlEscaped();
    }
    if (!conditions.isEmpty())
        html += QStringLiteral("<br><small>%1</small>")
                    .arg(tr("Conditions: %1").arg(conditions.join(QStringLiteral(", "))));
    for (const auto& c : pod->containerStates) {
        QString state = !c.waitingReason.empty() ? tr("waiting: %1").arg(q(c.waitingReason))
                        : !c.terminatedReason.empty()
                            ? tr("terminated: %1, exit %2").arg(q(c.terminatedReason)).arg(c.terminatedExitCode)
                        : !c.runningSince.empty() ? tr("running since %1").arg(style::relativeTime(q(c.runningSince)))
                                                  : tr("not started");
        if (!c.waitingMessage.empty())
            state += QStringLiteral(" (%1)").arg(q(c.waitingMessage));
        if (!c.lastTerminatedReason.empty())
            state += tr("; before: %1, exit %2").arg(q(c.lastTerminatedReason)).arg(c.lastExitCode);
        html +=
            QStringLiteral("<br><small>%1</small>")
                .arg(tr("Container %1: %2; restarts: %3").arg(q(c.name), state).arg(c.restartCount).toHtmlEscaped());
    }
    if (pod->events.empty())
        html += QStringLiteral("<br><small>%1</small>").arg(tr("No recent events.").toHtmlEscaped());
    for (const auto& e : pod->events) {
        const QString mark = e.type == "Warning"
                                 ? style::iconMark(QStringLiteral(":/states/warning.svg"), QStringLiteral("▲"))
                                 : style::colouredMark(QStringLiteral("·"), style::Tone::Neutral);
        html += QStringLiteral("<br>%1 <small>%2: %3</small>")
                    .arg(mark, q(e.reason).toHtmlEscaped(), q(model::eventLine(e, now)).toHtmlEscaped());
    }
    m_podDetail->setText(html);
}

QStringList SlotTile::healthLines() const
{
    QStringList lines;
    if (m_slot.healthCheck.state == model::HealthSummary::State::NoCheck ||
        m_slot.healthCheck.state == model::HealthSummary::State::NotAllowed)
        return lines;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto& p : m_slot.podHealth) {
        QString line = q(model::podHealthLine(p));
        if (p.result.at.isValid())
            line += QStringLiteral("  · ") + style::age(p.result.at, now);
        lines << line;
    }
    for (const auto& svc : m_services)
        lines << tr("Service %1: %2").arg(q(svc.name), q(svc.summary.text));
    return lines;
}

QString SlotTile::healthSummaryText() const
{
    return style::plainText(m_healthCheck->text()).section(QLatin1Char('\n'), 0, 0);
}

void SlotTile::showHealth()
{
    const model::HealthSummary& sum = m_slot.healthCheck;
    m_healthCheck->setVisible(m_slot.exists);
    if (sum.state == model::HealthSummary::State::NoCheck) {
        m_healthCheck->setText(
            QStringLiteral("%1 %2").arg(style::iconMark(style::iconPath(sum.state), style::markOf(sum.state)),
                                        tr("No health check configured").toHtmlEscaped()));
        m_healthCheck->setToolTip(tip(tr("Set the annotation signalbox.v-sekai.org/health-port on the live Service, "
                                         "or health: in the configuration file.")));
        m_ages->stop();
        return;
    }
    QString html = QStringLiteral("%1 <b>%2</b> %3")
                       .arg(style::iconMark(style::iconPath(sum.state), style::markOf(sum.state)),
                            tr("Health check:").toHtmlEscaped(), q(sum.text).toHtmlEscaped());
    m_healthCheck->setToolTip(tip(sum.refusal));
    if (sum.state != model::HealthSummary::State::NotAllowed) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const auto& p : m_slot.podHealth) {
            // A pod in the list below carries its answer there.
            if (std::any_of(m_slot.podRows.begin(), m_slot.podRows.end(),
                            [&p](const model::PodRow& row) { return row.name == p.pod; }))
                continue;
            QString line = q(model::podHealthLine(p))
                               .toHtmlEscaped()
                               .replace(QStringLiteral("  "), QStringLiteral("&nbsp;&nbsp;"));
            if (p.result.at.isValid())
                line += QStringLiteral("&nbsp;&nbsp;·&nbsp;") +
                        style::age(p.result.at, now).toHtmlEscaped().replace(u' ', QStringLiteral("&nbsp;"));
            html += QStringLiteral("<br>%1 <small>%2</small>")
                        .arg(style::iconMark(style::iconPath(p.result), style::markOf(p.result)), line);
        }
        for (const auto& svc : m_services)
            html += QStringLiteral("<br>%1 <small>%2</small>")
                        .arg(style::iconMark(style::iconPath(svc.summary.state), style::markOf(svc.summary.state)),
                             tr("Service %1: %2").arg(q(svc.name), q(svc.summary.text)).toHtmlEscaped());
    }
    m_healthCheck->setText(html);
    if (!m_ages->isActive())
        m_ages->start();
}

void SlotTile::setSlot(const model::SlotState& slot, const QString& role, std::vector<ServiceCheck> services)
{
    m_health = slot.health;
    m_slot = slot;
    m_services = std::move(services);
    showHealth();
    const QString name = slot.slot == model::Slot::Sandbox ? tr("Sandbox") : tr("Slot %1").arg(q(slot.label()));
    m_title->setText(QStringLiteral("%1 · %2").arg(name, q(slot.deployment)));
    m_role->setText(role);
    m_role->setVisible(!role.isEmpty());
    style::applySheet(m_role, role.startsWith(QStringLiteral("LIVE")) ? style::pill(style::Tone::Live)
                                                                      : style::pill(style::Tone::Staging));
    setAccessibleName(QStringLiteral("%1 %2").arg(name, role));
    m_logs->setAccessibleName(tr("Logs of %1").arg(name));
    m_podLogs->setAccessibleName(tr("Logs of the selected pod of %1").arg(name));
    m_pods->setAccessibleName(tr("Pods of %1").arg(name));

    if (!slot.exists) {
        m_image->setText(tr("Deployment %1 does not exist in namespace %2.").arg(q(slot.deployment), q(slot.ns)));
        m_commit->clear();
        m_ready->setRange(0, 1);
        m_ready->setValue(0);
        m_ready->setFormat(tr("missing"));
        m_rollout->clear();
        m_problems->setText(QString());
        showPods();
        showEvents();
        m_logs->setVisible(false);
        style::applySheet(this, style::tileBorder(style::Tone::Attention));
        style::applySheet(m_ready, style::readinessBar(style::Tone::Attention));
        return;
    }
    QString image = tr("Image <b>%1</b>").arg(q(slot.imageDisplay()).toHtmlEscaped());
    if (!slot.imageRef.digest.empty())
        image += QStringLiteral(" <span>%1</span>").arg(escaped(slot.imageRef.shortDigest()));
    image += QStringLiteral("<br><small>%1</small>").arg(q(slot.imageRef.name()).toHtmlEscaped());
    m_image->setText(image);
    QString commit = slot.commit.empty() ? tr("Commit unknown") : tr("Commit %1").arg(q(slot.shortCommit()));
    if (!slot.lastDeployed.empty())
        commit += tr(" · deployed %1").arg(style::relativeTime(q(slot.lastDeployed)));
    if (slot.restarts > 0)
        commit += tr(" · %n restart(s)", nullptr, slot.restarts);
    m_commit->setText(commit);
    m_ready->setRange(0, std::max(1, slot.desired));
    m_ready->setValue(std::min(slot.ready, std::max(1, slot.desired)));
    m_ready->setFormat(tr("%1 of %2 ready").arg(slot.ready).arg(slot.desired));
    m_ready->setAccessibleName(tr("%1 readiness").arg(name));
    m_rollout->setText(tr("Rollout: %1").arg(q(slot.rolloutText)));

    QStringList problems;
    for (const auto& p : slot.problems)
        problems << q(p);
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    m_logs->setVisible(true);
    showPods();
    showEvents();
    // A slot whose pods fail the health check needs attention even when Kubernetes calls them ready;
    // its readiness bar says so in the same colour.
    const style::Tone tone =
        slot.health == model::Health::Healthy && slot.healthCheck.state != model::HealthSummary::State::Failing
            ? style::Tone::Healthy
            : style::Tone::Attention;
    style::applySheet(this, style::tileBorder(tone));
    style::applySheet(m_ready, style::readinessBar(tone));
}

QString SlotTile::roleText() const
{
    return m_role->isVisible() ? m_role->text() : QString();
}

QString SlotTile::problemText() const
{
    return m_problems->text();
}

QString SlotTile::imageText() const
{
    return m_image->text();
}

} // namespace ui
