#include "toolwindow.h"

#include "help.h"

#include <QComboBox>
#include <QKeyEvent>
#include <QShortcut>

namespace ui {

QComboBox* choiceBox(QWidget* parent, const QString& objectName, const QString& accessibleName)
{
    auto* box = new QComboBox(parent);
    box->setObjectName(objectName);
    box->setAccessibleName(accessibleName);
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return box;
}

ToolWindow::ToolWindow(QWidget* parent) : QWidget(parent, Qt::Window)
{
    auto* close = new QShortcut(QKeySequence(keys::closeWindow), this);
    connect(close, &QShortcut::activated, this, &QWidget::close);
}

// Esc closes this window. Not as a shortcut: the main window's page has its own Esc (Back), and a
// key two windows of one parent claim as shortcuts is ambiguous, so neither would act.
bool ToolWindow::event(QEvent* e)
{
    if (e->type() == QEvent::ShortcutOverride && static_cast<QKeyEvent*>(e)->key() == Qt::Key_Escape &&
        static_cast<QKeyEvent*>(e)->modifiers() == Qt::NoModifier) {
        e->accept();
        return true;
    }
    return QWidget::event(e);
}

void ToolWindow::keyPressEvent(QKeyEvent* e)
{
    if (e->key() == Qt::Key_Escape && e->modifiers() == Qt::NoModifier) {
        close();
        return;
    }
    QWidget::keyPressEvent(e);
}

} // namespace ui
