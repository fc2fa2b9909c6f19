#pragma once

#include <QString>

// Text on its way to a Qt view. Qt reads a tooltip (and a label left at Qt::AutoText) that looks
// like markup as rich text, which renders <font>, follows <img src> into local files and can hang
// the program; everything the cluster, an app, a registry or a log wrote is shown as text.
namespace model {

// `text` as a tooltip that shows exactly these characters: escaped and wrapped in a paragraph that
// keeps line breaks. Empty for empty text (no tooltip).
QString plainTooltip(const QString& text);

} // namespace model
