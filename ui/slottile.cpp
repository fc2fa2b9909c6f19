#include "slottile.h"

#include "style.h"

#include <QLabel>
#include <QProgressBar>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QVBoxLayout>

namespace ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

SlotTile::SlotTile(QWidget* parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("slotTile"));
    setMinimumWidth(250);
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("title"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_title->setFont(f);
    m_role = new QLabel(this);
    m_role->setObjectName(QStringLiteral("role"));
    m_role->setAlignment(Qt::AlignCenter);
    top->addWidget(m_title, 1);
    top->addWidget(m_role);
    layout->addLayout(top);
    m_image = new QLabel(this);
    m_image->setObjectName(QStringLiteral("image"));
    m_image->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_image->setWordWrap(true);
    m_commit = new QLabel(this);
    m_commit->setObjectName(QStringLiteral("commit"));
    m_commit->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_commit->setWordWrap(true);
    m_ready = new QProgressBar(this);
    m_ready->setObjectName(QStringLiteral("ready"));
    m_ready->setTextVisible(true);
    m_rollout = new QLabel(this);
    m_rollout->setObjectName(QStringLiteral("rollout"));
    m_rollout->setWordWrap(true);
    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("problems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_healthCheck = new QLabel(this);
    m_healthCheck->setObjectName(QStringLiteral("healthCheck"));
    m_healthCheck->setWordWrap(true);
    m_healthCheck->setTextFormat(Qt::RichText);
    m_healthCheck->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_healthCheck->setAccessibleName(tr("Health check"));
    for (QWidget* w : std::initializer_list<QWidget*>{m_image, m_commit, m_ready, m_rollout, m_healthCheck, m_problems})
        layout->addWidget(w);
    layout->addStretch(1);
    // The ages beside the answers ("3 s ago") move on between answers.
    m_ages = new QTimer(this);
    m_ages->setInterval(1000);
    connect(m_ages, &QTimer::timeout, this, [this] {
        if (isVisible())
            showHealth();
    });
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
    return QTextDocumentFragment::fromHtml(m_healthCheck->text()).toPlainText().section(QLatin1Char('\n'), 0, 0);
}

void SlotTile::showHealth()
{
    const model::HealthSummary& sum = m_slot.healthCheck;
    m_healthCheck->setVisible(m_slot.exists);
    if (sum.state == model::HealthSummary::State::NoCheck) {
        m_healthCheck->setText(
            QStringLiteral("%1 %2").arg(style::colouredMark(style::markOf(sum.state), style::Tone::Neutral),
                                        tr("No health check configured").toHtmlEscaped()));
        m_healthCheck->setToolTip(tr("Set the annotation signalbox.v-sekai.org/health-port on the live Service, or "
                                     "health: in the configuration file."));
        m_ages->stop();
        return;
    }
    QString html = QStringLiteral("%1 <b>%2</b> %3")
                       .arg(style::colouredMark(style::markOf(sum.state), style::toneOf(sum.state)),
                            tr("Health check:").toHtmlEscaped(), q(sum.text).toHtmlEscaped());
    m_healthCheck->setToolTip(q(sum.refusal));
    if (sum.state != model::HealthSummary::State::NotAllowed) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (const auto& p : m_slot.podHealth) {
            QString line = q(model::podHealthLine(p))
                               .toHtmlEscaped()
                               .replace(QStringLiteral("  "), QStringLiteral("&nbsp;&nbsp;"));
            if (p.result.at.isValid())
                line += QStringLiteral("&nbsp;&nbsp;·&nbsp;") +
                        style::age(p.result.at, now).toHtmlEscaped().replace(u' ', QStringLiteral("&nbsp;"));
            html += QStringLiteral("<br>%1 <small>%2</small>")
                        .arg(style::colouredMark(style::markOf(p.result), style::toneOf(p.result)), line);
        }
        for (const auto& svc : m_services)
            html += QStringLiteral("<br>%1 <small>%2</small>")
                        .arg(style::colouredMark(style::markOf(svc.summary.state), style::toneOf(svc.summary.state)),
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
    const QString name = slot.slot == 's' ? tr("Sandbox") : tr("Slot %1").arg(q(slot.label()));
    m_title->setText(QStringLiteral("%1 · %2").arg(name, q(slot.deployment)));
    m_role->setText(role);
    m_role->setVisible(!role.isEmpty());
    m_role->setStyleSheet(role.startsWith(QStringLiteral("LIVE")) ? style::pill(style::Tone::Live)
                                                                  : style::pill(style::Tone::Staging));
    setAccessibleName(QStringLiteral("%1 %2").arg(name, role));

    if (!slot.exists) {
        m_image->setText(tr("Deployment %1 does not exist in namespace %2.").arg(q(slot.deployment), q(slot.ns)));
        m_commit->clear();
        m_ready->setRange(0, 1);
        m_ready->setValue(0);
        m_ready->setFormat(tr("missing"));
        m_rollout->clear();
        m_problems->setText(QString());
        setStyleSheet(style::tileBorder(style::Tone::Attention));
        return;
    }
    QString image = tr("Image <b>%1</b>").arg(q(slot.imageDisplay()).toHtmlEscaped());
    if (!slot.imageRef.digest.empty())
        image += QStringLiteral(" <span>%1</span>").arg(q(slot.imageRef.shortDigest()));
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
    for (const auto& e : slot.warnings)
        problems << QStringLiteral("%1: %2").arg(q(e.reason), q(e.message));
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    // A slot whose pods fail the health check needs attention even when Kubernetes calls them ready.
    const style::Tone tone =
        slot.health == model::Health::Healthy && slot.healthCheck.state != model::HealthSummary::State::Failing
            ? style::Tone::Healthy
            : style::Tone::Attention;
    setStyleSheet(style::tileBorder(tone));
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
