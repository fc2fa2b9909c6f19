#pragma once

#include "model/servicestate.h"

#include <QPalette>
#include <QString>

// Colours that read in light and dark palettes: saturated mid-tones with white text for
// pills, and borders rather than filled backgrounds for tiles.
namespace ui::style {

enum class Tone { Live, Staging, Healthy, Attention, Rolling, Neutral };

QString pill(Tone tone);
QString tileBorder(Tone tone);
QString colorOf(Tone tone);
Tone toneOf(model::Badge badge);
// A dark palette for the Fusion style, for desktops whose theme Qt cannot read.
QPalette darkPalette();
// A light one, the same way.
QPalette lightPalette();
// "3 min ago", "2 h ago", or the date, for an RFC 3339 time.
QString relativeTime(const QString& rfc3339);
// "3 s ago", "2 min ago": the age of a recent answer, to the second.
QString age(const QDateTime& at, const QDateTime& now);
// The colour and the mark of a health check's state: a shape as well as a colour, so it reads
// without colour too.
Tone toneOf(model::HealthSummary::State state);
Tone toneOf(const model::HealthResult& result);
QString markOf(model::HealthSummary::State state);
QString markOf(const model::HealthResult& result);
// The mark in its colour, as rich text.
QString colouredMark(const QString& mark, Tone tone);

} // namespace ui::style
