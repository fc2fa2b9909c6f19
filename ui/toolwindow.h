#pragma once

#include <QWidget>

class QComboBox;

namespace ui {

// A choice above a tool window's content (a filter, a scope, a period): as wide as its longest item.
QComboBox* choiceBox(QWidget* parent, const QString& objectName, const QString& accessibleName);

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
