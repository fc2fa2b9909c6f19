#include "style.h"

#include <QDateTime>

namespace ui::style {

QString colorOf(Tone tone)
{
    switch (tone) {
    case Tone::Live:
        return QStringLiteral("#1f7a3a");
    case Tone::Staging:
        return QStringLiteral("#1f5fa8");
    case Tone::Healthy:
        return QStringLiteral("#2e8b57");
    case Tone::Attention:
        return QStringLiteral("#c0392b");
    case Tone::Rolling:
        return QStringLiteral("#b9770e");
    case Tone::Neutral:
        return QStringLiteral("#6c757d");
    }
    return {};
}

QString pill(Tone tone)
{
    return QStringLiteral("QLabel { background: %1; color: white; border-radius: 8px; padding: 2px 8px; "
                          "font-weight: bold; }")
        .arg(colorOf(tone));
}

QString tileBorder(Tone tone)
{
    return QStringLiteral("QFrame#slotTile { border: 2px solid %1; border-radius: 6px; }").arg(colorOf(tone));
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

} // namespace ui::style
