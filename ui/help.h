#pragma once

#include <QDialog>
#include <QIcon>
#include <QKeySequence>
#include <QStyle>
#include <QUrl>
#include <functional>
#include <utility>
#include <vector>

class QDialogButtonBox;
class QLabel;

// What the window's Help menu shows: the About dialog, the keyboard shortcuts, and where the
// troubleshooting notes are. Also the application's icon and the compiled-in resources.
namespace ui {

// Registers the compiled-in resources (resources/signalbox.qrc); calling it again does nothing.
void initResources();
// The application's icon (the window's, the About dialog's).
QIcon appIcon();
// A standard icon of the desktop's theme by its freedesktop name, else the style's own.
QIcon standardIcon(const QString& themeName, QStyle::StandardPixmap fallback);

// The README's troubleshooting section at the project's address.
QUrl troubleshootingUrl();
// Opens an address in the desktop's browser, or hands it to the hook when one is set (tests see
// the address that way without a browser opening). An empty hook restores the browser. False when
// it could not be opened (no browser, or the hook said so).
bool openUrl(const QUrl& url);
void setOpenUrlHook(std::function<bool(const QUrl&)> hook);

// The keys of a service's actions: the Service menu, the row's context menu, the page's tooltips
// and the shortcuts list name the same ones.
namespace keys {
inline constexpr QKeyCombination open = Qt::CTRL | Qt::Key_O;
inline constexpr QKeyCombination deploy = Qt::CTRL | Qt::Key_D;
inline constexpr QKeyCombination swap = Qt::CTRL | Qt::SHIFT | Qt::Key_S;
inline constexpr QKeyCombination rollback = Qt::CTRL | Qt::SHIFT | Qt::Key_R;
inline constexpr QKeyCombination logs = Qt::CTRL | Qt::Key_L;
inline constexpr QKeyCombination refresh = Qt::Key_F5;
// The release timeline across services.
inline constexpr QKeyCombination timeline = Qt::CTRL | Qt::Key_T;
// What differs between two slots of the service.
inline constexpr QKeyCombination compare = Qt::CTRL | Qt::SHIFT | Qt::Key_D;
// Closes a secondary window (the log window, the shortcuts list, an outcome), beside Esc.
inline constexpr QKeyCombination closeWindow = Qt::CTRL | Qt::Key_W;
// "Ctrl+D" as the desktop writes it.
QString text(QKeyCombination key);
} // namespace keys

// A secondary window's Close button (the caller places it) and its keys: Esc, as any dialog, and
// keys::closeWindow, as the other secondary windows.
QDialogButtonBox* closeButtons(QDialog* dialog);

// The window's keyboard shortcuts as (keys, what they do); the README lists the same.
std::vector<std::pair<QString, QString>> keyboardShortcuts();

// Version, Qt and libcurl at run time, the licence and the project's address.
class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(QWidget* parent = nullptr);
    // What it says, as plain text.
    QString text() const;

private:
    QLabel* m_text;
};

// The keyboard shortcuts, as a table.
class ShortcutsDialog : public QDialog {
    Q_OBJECT

public:
    explicit ShortcutsDialog(QWidget* parent = nullptr);
};

} // namespace ui
