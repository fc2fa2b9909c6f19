#pragma once

#include <QString>

class QLabel;
class QPushButton;
class QWidget;

namespace ui {

// The banner of a watch after a swap that found the new live slot worse: a sentence in white on
// the attention colour and the one way out it offers, "Roll back". Hidden until shown. `name` is
// the banner's object name; its text and button are `name` + "Text" and `name` + "Rollback".
struct WatchBanner {
    QWidget* banner = nullptr;
    QLabel* text = nullptr;
    QPushButton* rollback = nullptr;
};
WatchBanner makeWatchBanner(QWidget* parent, const QString& name);

} // namespace ui
