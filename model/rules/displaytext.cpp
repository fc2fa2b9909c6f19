#include "model/rules/displaytext.h"

#include <algorithm>

namespace model {

QString plainTooltip(const QString& text)
{
    if (text.isEmpty())
        return {};
    return QStringLiteral("<p style=\"white-space:pre-wrap\">") + text.toHtmlEscaped() + QStringLiteral("</p>");
}

QString shortTime(const QDateTime& at, const QDateTime& now, const QTimeZone& zone, TimePrecision precision)
{
    if (!at.isValid())
        return {};
    const QDateTime local = at.toTimeZone(zone);
    const QString time =
        precision == TimePrecision::Milliseconds ? QStringLiteral("HH:mm:ss.zzz") : QStringLiteral("HH:mm:ss");
    if (local.date() == now.toTimeZone(zone).date())
        return local.toString(time);
    return local.toString(QStringLiteral("yyyy-MM-dd ") + time);
}

QString fullTime(const QDateTime& at, const QTimeZone& zone)
{
    if (!at.isValid())
        return {};
    const QDateTime local = at.toTimeZone(zone);
    const QString abbreviation = zone.abbreviation(local);
    const QString offset = zone.displayName(local, QTimeZone::OffsetName);
    // "CET (UTC+01:00)"; an abbreviation that only restates the offset ("UTC+01", "+01") is left out.
    const bool named = std::any_of(abbreviation.begin(), abbreviation.end(), [](QChar c) { return c.isLetter(); }) &&
                       !abbreviation.startsWith(QLatin1String("UTC")) && !abbreviation.startsWith(QLatin1String("GMT"));
    const QString name = named ? QStringLiteral("%1 (%2)").arg(abbreviation, offset) : offset;
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz ")) + name;
}

QDateTime parseTime(const QString& rfc3339)
{
    // Qt reads at most milliseconds; the API server and the kubelet write up to nanoseconds.
    QString text = rfc3339.trimmed();
    const qsizetype dot = text.indexOf(QLatin1Char('.'));
    if (dot > 0) {
        qsizetype end = dot + 1;
        while (end < text.size() && text[end].isDigit())
            ++end;
        if (end - dot - 1 > 3)
            text.remove(dot + 4, end - dot - 4);
    }
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    return t.isValid() ? t : QDateTime::fromString(text, Qt::ISODate);
}

QString listText(const QStringList& items)
{
    if (items.size() <= 1)
        return items.value(0);
    return QStringList(items.begin(), items.end() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") +
           items.back();
}

QString stillRunningText(const QStringList& verbs, const QStringList& services)
{
    const qsizetype n = std::min(verbs.size(), services.size());
    if (n == 0)
        return {};
    // The activity as a noun ("roll back" is a rollback) and its plural.
    auto noun = [](const QString& verb) {
        return verb == QStringLiteral("roll back") ? QStringLiteral("rollback") : verb;
    };
    auto plural = [](const QString& word) {
        return word.endsWith(QLatin1Char('h')) ? word + QStringLiteral("es") : word + QLatin1Char('s');
    };
    auto capitalised = [](QString s) {
        if (!s.isEmpty())
            s[0] = s[0].toUpper();
        return s;
    };
    // Activities of one kind are named together ("Watches of uro and uro-frontend"); several kinds
    // one by one ("The swap of uro and the watch of uro-frontend").
    const bool oneKind =
        std::all_of(verbs.begin(), verbs.begin() + n, [&](const QString& v) { return noun(v) == noun(verbs[0]); });
    if (n == 1)
        return QStringLiteral("The %1 of %2 is still running").arg(noun(verbs[0]), services[0]);
    if (oneKind)
        return QStringLiteral("%1 of %2 are still running")
            .arg(capitalised(plural(noun(verbs[0]))), listText(QStringList(services.begin(), services.begin() + n)));
    QStringList parts;
    for (qsizetype i = 0; i < n; ++i)
        parts << QStringLiteral("the %1 of %2").arg(noun(verbs[i]), services[i]);
    return capitalised(listText(parts)) + QStringLiteral(" are still running");
}

} // namespace model
