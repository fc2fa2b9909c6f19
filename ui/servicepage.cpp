#include "servicepage.h"

#include "slottile.h"
#include "style.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

ServicePage::ServicePage(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* back = new QPushButton(tr("← All services"), this);
    back->setObjectName(QStringLiteral("backButton"));
    back->setAccessibleName(tr("Back to all services"));
    back->setShortcut(Qt::Key_Escape);
    connect(back, &QPushButton::clicked, this, &ServicePage::backRequested);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("serviceTitle"));
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.4);
    m_title->setFont(f);
    m_badge = new QLabel(this);
    m_badge->setObjectName(QStringLiteral("badge"));
    top->addWidget(back);
    top->addSpacing(12);
    top->addWidget(m_title);
    top->addWidget(m_badge);
    top->addStretch(1);
    layout->addLayout(top);

    m_anomalies = new QLabel(this);
    m_anomalies->setObjectName(QStringLiteral("anomalies"));
    m_anomalies->setWordWrap(true);
    m_anomalies->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_anomalies->setAccessibleName(tr("What needs attention"));
    layout->addWidget(m_anomalies);

    auto* tiles = new QHBoxLayout;
    m_sandbox = new SlotTile(this);
    m_a = new SlotTile(this);
    m_b = new SlotTile(this);
    m_sandbox->setObjectName(QStringLiteral("tileSandbox"));
    m_a->setObjectName(QStringLiteral("tileA"));
    m_b->setObjectName(QStringLiteral("tileB"));
    for (SlotTile* t : {m_sandbox, m_a, m_b})
        tiles->addWidget(t, 1);
    layout->addLayout(tiles, 1);
}

SlotTile* ServicePage::tile(char slot) const
{
    return slot == 'a' ? m_a : slot == 'b' ? m_b : m_sandbox;
}

QString ServicePage::anomalyText() const
{
    return m_anomalies->text();
}

void ServicePage::setService(const model::ServiceState& st)
{
    m_name = q(st.spec.name);
    m_title->setText(tr("%1 — namespace %2").arg(q(st.spec.name), q(st.spec.ns)));
    m_badge->setText(QString::fromUtf8(model::badgeName(st.badge)));
    m_badge->setStyleSheet(style::pill(style::toneOf(st.badge)));
    m_badge->setToolTip(q(st.badgeText));
    QStringList lines;
    for (const auto& a : st.anomalies) {
        const char* mark = a.severity == model::Anomaly::Severity::Critical  ? "⛔"
                           : a.severity == model::Anomaly::Severity::Warning ? "⚠"
                                                                             : "ℹ";
        lines << QStringLiteral("%1 %2").arg(QString::fromUtf8(mark), q(a.text).toHtmlEscaped());
    }
    if (lines.isEmpty())
        lines << q(st.badgeText).toHtmlEscaped();
    m_anomalies->setText(lines.join(QStringLiteral("<br>")));
    m_sandbox->setSlot(st.sandbox, QString());
    m_a->setSlot(st.a, q(st.roleOf('a')));
    m_b->setSlot(st.b, q(st.roleOf('b')));
}

} // namespace ui
