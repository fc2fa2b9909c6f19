#pragma once

#include <QString>

class QLabel;
class QTableView;
class QWidget;

namespace ui {

// Keeps a top-level window (a dialog, the log window, the main window) inside the available
// geometry of the screen it opens on: never wider or taller, and moved in when it would stick out.
// Done now and again each time it is shown (its screen is known for sure only then).
void fitToScreen(QWidget* window);

// `text` cut in the middle to at most `width` pixels in `label`'s font (whole characters), so the
// start and the end of an image reference or digest stay readable.
QString elidedMiddle(const QLabel* label, const QString& text, int width);

// Where a label shows references cut short: `whole` (the full text) on hover, and a "Copy" in the
// label's menu that copies it.
void keepWhole(QLabel* label, const QString& whole, const QString& copyText);

// The height of `table` with its header and `rows` rows in view (its frame and a scroll bar's room).
int heightForRows(const QTableView* table, int rows);

// The widest a single reference may be in `window`: a share of its screen's available width.
int referenceWidth(const QWidget* window, double share);

} // namespace ui
