#include "style.h"

#include "help.h"

#include <QApplication>
#include <QDateTime>
#include <QGuiApplication>
#include <QPainter>
#include <QRegularExpression>
#include <QStyleFactory>
#include <QStyleOption>
#include <QTextDocumentFragment>
#include <QWidget>
#include <algorithm>

namespace ui::style {

namespace {

// A light or dark palette, judged by its window colour.
bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

} // namespace

QString fillOf(Tone tone)
{
    switch (tone) {
    case Tone::Live:
        return QStringLiteral("#1f7a3a");
    case Tone::Staging:
        return QStringLiteral("#1f5fa8");
    case Tone::Healthy:
        return QStringLiteral("#1e7b45");
    case Tone::Attention:
        return QStringLiteral("#c0392b");
    case Tone::Rolling:
        return QStringLiteral("#a35a00");
    case Tone::Neutral:
        return QStringLiteral("#5f666d");
    }
    return {};
}

QString colorOf(Tone tone, const QPalette& palette)
{
    if (!isDark(palette))
        return fillOf(tone);
    switch (tone) {
    case Tone::Live:
        return QStringLiteral("#4cc275");
    case Tone::Staging:
        return QStringLiteral("#6ca8f0");
    case Tone::Healthy:
        return QStringLiteral("#5cc98a");
    case Tone::Attention:
        return QStringLiteral("#ff7b6e");
    case Tone::Rolling:
        return QStringLiteral("#f0a848");
    case Tone::Neutral:
        return QStringLiteral("#a5acb3");
    }
    return {};
}

QString colorOf(Tone tone)
{
    return colorOf(tone, QGuiApplication::palette());
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6), dim(0x8a, 0x8d, 0x91);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x4a, 0x4c, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x42, 0x46));
    p.setColor(QPalette::Mid, QColor(0x33, 0x35, 0x38));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    p.setColor(QPalette::LinkVisited, QColor(0xa8, 0x8c, 0xe8));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dim);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}

QPalette lightPalette()
{
    QPalette p(QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Text, Qt::black);
    p.setColor(QPalette::WindowText, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x2a, 0x6f, 0xb0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

QString pill(Tone tone)
{
    // A label, not a button: flat, outlined in the tone, no fill of the accent colour a primary
    // button has.
    return QStringLiteral("QLabel { background: transparent; color: %1; border: 1px solid %1; border-radius: 3px; "
                          "padding: 1px 6px; font-weight: bold; }")
        .arg(colorOf(tone));
}

QString readinessBar(Tone tone)
{
    return QStringLiteral("QProgressBar { border: 1px solid %1; border-radius: 3px; text-align: center; } "
                          "QProgressBar::chunk { background: %2; }")
        .arg(colorOf(tone), fillOf(tone));
}

void FocusStyle::drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                               const QWidget* widget) const
{
    // As Qt does, only once the keyboard has moved the focus: a click needs no ring.
    if (element != PE_FrameFocusRect || !(option->state & State_KeyboardFocusChange)) {
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        return;
    }
    // Where the keyboard is, plainly: two pixels of the highlight colour around the button, box or
    // row, whatever the platform's own faint dotted line would be.
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPen pen(option->palette.color(QPalette::Active, QPalette::Highlight), 2);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(QRectF(option->rect).adjusted(1, 1, -1, -1), 3, 3);
    painter->restore();
}

void installFocusStyle()
{
    if (dynamic_cast<FocusStyle*>(QApplication::style()))
        return;
    QApplication::setStyle(new FocusStyle(QStyleFactory::create(QApplication::style()->name())));
}

QString tileBorder(Tone tone)
{
    return QStringLiteral("QFrame#slotTile { border: 2px solid %1; border-radius: 6px; }").arg(colorOf(tone));
}

void applySheet(QWidget* widget, const QString& sheet)
{
    if (widget->styleSheet() != sheet)
        widget->setStyleSheet(sheet);
}

Tone toneOf(model::Badge badge)
{
    switch (badge) {
    case model::Badge::InSync:
        return Tone::Neutral;
    case model::Badge::ReadyToSwap:
        return Tone::Staging;
    case model::Badge::RollingOut:
        return Tone::Rolling;
    case model::Badge::Attention:
    case model::Badge::StagingFailsCheck:
    case model::Badge::LiveFailsCheck:
    case model::Badge::LiveGotWorse:
        return Tone::Attention;
    }
    return Tone::Neutral;
}

QString relativeTime(const QString& rfc3339)
{
    const QDateTime t = QDateTime::fromString(rfc3339, Qt::ISODate);
    if (!t.isValid())
        return rfc3339;
    const qint64 s = t.secsTo(QDateTime::currentDateTimeUtc());
    if (s < 60)
        return QObject::tr("just now");
    if (s < 3600)
        return QObject::tr("%1 min ago").arg(s / 60);
    if (s < 86400)
        return QObject::tr("%1 h ago").arg(s / 3600);
    return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd"));
}

QString age(const QDateTime& at, const QDateTime& now)
{
    if (!at.isValid())
        return {};
    const qint64 s = std::max<qint64>(0, at.secsTo(now));
    if (s < 60)
        return QObject::tr("%1 s ago").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min ago").arg(s / 60);
    return QObject::tr("%1 h ago").arg(s / 3600);
}

Tone toneOf(model::HealthSummary::State state)
{
    switch (state) {
    case model::HealthSummary::State::Passing:
        return Tone::Healthy;
    case model::HealthSummary::State::Failing:
        return Tone::Attention;
    case model::HealthSummary::State::NotAllowed:
        return Tone::Rolling;
    default:
        return Tone::Neutral;
    }
}

Tone toneOf(const model::HealthResult& result)
{
    if (result.kind == model::HealthResult::Kind::Pass)
        return Tone::Healthy;
    if (result.kind == model::HealthResult::Kind::Fail)
        return Tone::Attention;
    return model::healthNotAllowed(result) ? Tone::Rolling : Tone::Neutral;
}

QString markOf(model::HealthSummary::State state)
{
    switch (state) {
    case model::HealthSummary::State::Passing:
        return QStringLiteral("●");
    case model::HealthSummary::State::Failing:
        return QStringLiteral("✖");
    case model::HealthSummary::State::NotAllowed:
        return QStringLiteral("⊘");
    default:
        return QStringLiteral("○");
    }
}

QString markOf(const model::HealthResult& result)
{
    if (result.kind == model::HealthResult::Kind::Pass)
        return QStringLiteral("●");
    if (result.kind == model::HealthResult::Kind::Fail)
        return QStringLiteral("✖");
    return model::healthNotAllowed(result) ? QStringLiteral("⊘") : QStringLiteral("○");
}

QString colouredMark(const QString& mark, Tone tone)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colorOf(tone), mark);
}

QString iconPath(model::HealthSummary::State state)
{
    initResources();
    switch (state) {
    case model::HealthSummary::State::Passing:
        return QStringLiteral(":/states/passing.svg");
    case model::HealthSummary::State::Failing:
        return QStringLiteral(":/states/failing.svg");
    case model::HealthSummary::State::NotAllowed:
        return QStringLiteral(":/states/not-allowed.svg");
    default:
        return QStringLiteral(":/states/unknown.svg");
    }
}

QString iconPath(const model::HealthResult& result)
{
    initResources();
    if (result.kind == model::HealthResult::Kind::Pass)
        return QStringLiteral(":/states/passing.svg");
    if (result.kind == model::HealthResult::Kind::Fail)
        return QStringLiteral(":/states/failing.svg");
    return model::healthNotAllowed(result) ? QStringLiteral(":/states/not-allowed.svg")
                                           : QStringLiteral(":/states/unknown.svg");
}

QString iconMark(const QString& path, const QString& mark)
{
    initResources();
    // The icon sits on the text's baseline at the height of a capital, as the mark did.
    return QStringLiteral("<img src=\"%1\" width=\"12\" height=\"12\" alt=\"%2\">").arg(path, mark.toHtmlEscaped());
}

QString plainText(const QString& html)
{
    static const QRegularExpression img(QStringLiteral(R"re(<img [^>]*alt="([^"]*)"[^>]*>)re"));
    QString withAlt = html;
    withAlt.replace(img, QStringLiteral("\\1"));
    return QTextDocumentFragment::fromHtml(withAlt).toPlainText();
}

} // namespace ui::style
