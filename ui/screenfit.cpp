#include "screenfit.h"

#include "text.h"

#include <QAction>
#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QScreen>
#include <QScrollBar>
#include <QTableView>
#include <QWidget>
#include <QWindow>
#include <algorithm>

namespace ui {

namespace {

void fitNow(QWidget* w)
{
    const QScreen* screen = w->screen();
    if (!screen)
        return;
    const QRect room = screen->availableGeometry();
    // The frame is known once the window exists; before that a window manager's frame is guessed at nothing.
    const QMargins frame = w->windowHandle() ? w->windowHandle()->frameMargins() : QMargins();
    const QSize inner(room.width() - frame.left() - frame.right(), room.height() - frame.top() - frame.bottom());
    w->setMaximumSize(inner);
    if (w->width() > inner.width() || w->height() > inner.height())
        w->resize(w->size().boundedTo(inner));
    // Moved in when it sticks out (a dialog centred on a window near the edge, a restored position).
    const QRect outer = w->geometry().marginsAdded(frame);
    const int x = std::clamp(outer.left(), room.left(), std::max(room.left(), room.right() + 1 - outer.width()));
    const int y = std::clamp(outer.top(), room.top(), std::max(room.top(), room.bottom() + 1 - outer.height()));
    if (x != outer.left() || y != outer.top())
        w->move(x, y); // move() places the frame
}

class ScreenFit : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        // Again on another screen: the limit is the screen's the window is on.
        const bool fitAgain = event->type() == QEvent::Show || event->type() == QEvent::ScreenChangeInternal;
        if (fitAgain && watched->isWidgetType())
            fitNow(static_cast<QWidget*>(watched));
        return false;
    }
};

} // namespace

void fitToScreen(QWidget* window)
{
    window->installEventFilter(new ScreenFit(window));
    fitNow(window);
}

QString elidedMiddle(const QLabel* label, const QString& text, int width)
{
    return label->fontMetrics().elidedText(text, Qt::ElideMiddle, width);
}

void keepWhole(QLabel* label, const QString& whole, const QString& copyText)
{
    label->setToolTip(tip(whole));
    QAction* copy = label->findChild<QAction*>(QStringLiteral("copyWhole"), Qt::FindDirectChildrenOnly);
    if (!copy) {
        copy = new QAction(copyText, label);
        copy->setObjectName(QStringLiteral("copyWhole"));
        label->addAction(copy);
        label->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
    QObject::disconnect(copy, &QAction::triggered, nullptr, nullptr);
    QObject::connect(copy, &QAction::triggered, label, [whole] { QGuiApplication::clipboard()->setText(whole); });
}

int heightForRows(const QTableView* table, int rows)
{
    const int header = table->horizontalHeader()->isHidden() ? 0 : table->horizontalHeader()->sizeHint().height();
    const int scrollBar = table->horizontalScrollBar()->sizeHint().height();
    return header + rows * table->verticalHeader()->defaultSectionSize() + 2 * table->frameWidth() + scrollBar;
}

int referenceWidth(const QWidget* window, double share)
{
    const QScreen* screen = window->screen();
    const int available = screen ? screen->availableGeometry().width() : 1024;
    return std::max(160, static_cast<int>(available * share));
}

} // namespace ui
