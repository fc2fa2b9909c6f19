#pragma once

#include <QWidget>

namespace ui {

// A secondary window of the main window (the release timeline, the delivery figures): its own top-level
// window that Esc and keys::closeWindow close.
class ToolWindow : public QWidget {
    Q_OBJECT

public:
    explicit ToolWindow(QWidget* parent = nullptr);

protected:
    bool event(QEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
};

} // namespace ui
