#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTimeZone>

// Text on its way to a Qt view. Qt reads a tooltip (and a label left at Qt::AutoText) that looks
// like markup as rich text, which renders <font>, follows <img src> into local files and can hang
// the program; everything the cluster, an app, a registry or a log wrote is shown as text.
namespace model {

// `text` as a tooltip that shows exactly these characters: escaped and wrapped in a paragraph that
// keeps line breaks. Empty for empty text (no tooltip).
QString plainTooltip(const QString& text);

// One way of writing a time in every view (History, Activity, the "updated" line, the log view): the
// person's local time, "05:45:08" today and "2026-12-05 05:45:08" on any other day, with the full date,
// time and zone on hover. `zone` and `now` are the person's; tests pass their own.
enum class TimePrecision { Seconds, Milliseconds };
QString shortTime(const QDateTime& at, const QDateTime& now = QDateTime::currentDateTime(),
                  const QTimeZone& zone = QTimeZone::systemTimeZone(),
                  TimePrecision precision = TimePrecision::Seconds);
// "2026-12-06 06:45:08.233 CET (UTC+01:00)": for the tooltip beside a shortTime.
QString fullTime(const QDateTime& at, const QTimeZone& zone = QTimeZone::systemTimeZone());
// An RFC 3339 time as the cluster writes it ("2026-12-06T05:45:08.233Z", nanoseconds too); invalid
// when it is not one.
QDateTime parseTime(const QString& rfc3339);

// Names as a sentence's list: "uro", "uro and uro-frontend", "uro, uro-frontend and uro-admin".
QString listText(const QStringList& items);
// What is still running, agreeing in number: "The watch of uro is still running", "Watches of uro and
// uro-frontend are still running", "The swap of uro and the watch of uro-frontend are still running".
// `verbs` (Activity::verb: "swap", "roll back", "watch", ...) and `services` go together, one of each
// per activity.
QString stillRunningText(const QStringList& verbs, const QStringList& services);

} // namespace model
