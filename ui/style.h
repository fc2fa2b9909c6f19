#pragma once

#include "model/state/servicestate.h"

#include <QPalette>
#include <QProxyStyle>
#include <QString>

class QWidget;

// Colours that read in light and dark palettes: saturated mid-tones with white text for
// pills, and borders rather than filled backgrounds for tiles.
namespace ui::style {

enum class Tone { Live, Staging, Healthy, Attention, Rolling, Neutral };

// A status chip: a flat label outlined in the tone's colour, never a button's look.
QString pill(Tone tone);
// A readiness bar filled in the tone of the slot's health, so a pod that fails its check does not
// show in the neutral blue of a healthy bar.
QString readinessBar(Tone tone);
// The application's style with the keyboard focus drawn plainly (a two-pixel ring in the highlight
// colour around the focused button, field or row).
class FocusStyle : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;
    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget = nullptr) const override;
};
// Wraps the application's current style in FocusStyle (once).
void installFocusStyle();
QString tileBorder(Tone tone);
// Sets `sheet` on `widget` unless it has it already: setting a style sheet re-polishes the widget
// and every child of it, even when the sheet is the same, and the pages are updated every few
// seconds.
void applySheet(QWidget* widget, const QString& sheet);
// The tone's colour for text and marks on the window's background: dark on a light palette, light
// on a dark one, each at least 4.5:1 against Window and Base (WCAG AA; tests/unit/tst_contrast).
QString colorOf(Tone tone);
QString colorOf(Tone tone, const QPalette& palette);
// The tone's colour as a background under white text (pills, banners), at least 4.5:1 with white
// in either palette.
QString fillOf(Tone tone);
// The icon of a state, from the compiled-in resources (resources/states/): its path, and the
// icon itself.
QString iconPath(model::HealthSummary::State state);
QString iconPath(const model::HealthResult& result);
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
// The state's icon as rich text, `mark` its text alternative (what plainText() gives back).
QString iconMark(const QString& path, const QString& mark);
// Rich text as plain text, each icon replaced by its text alternative.
QString plainText(const QString& html);

} // namespace ui::style
