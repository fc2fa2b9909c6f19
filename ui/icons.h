#pragma once

#include <QPixmap>
#include <QString>

namespace ui::style {

// The SVG icon at `path` (the compiled-in resources) as a pixmap of `size` device-independent
// pixels at `devicePixelRatio`. Each (path, size, ratio) is rendered once and then taken from
// QPixmapCache: the overview's delegate paints an icon for every visible row on every repaint,
// and parsing the SVG each time cost more than the rest of the paint.
QPixmap iconPixmap(const QString& path, int size, qreal devicePixelRatio);

// How many times an icon was rendered from its SVG since the start: a repaint that renders
// nothing new leaves it as it was (tests count it).
int iconRenders();

} // namespace ui::style
