#include "help.h"

#include "kube/net.h"
#include "screenfit.h"
#include "text.h"
#include "version.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QShortcut>
#include <QTableWidget>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

// Q_INIT_RESOURCE names a global function, so it is called from outside any namespace: the
// resources live in a static library, whose registration the linker would otherwise drop.
static void initSignalboxResources()
{
    Q_INIT_RESOURCE(signalbox);
}

namespace ui {

namespace {

std::function<bool(const QUrl&)>& urlHook()
{
    static std::function<bool(const QUrl&)> hook;
    return hook;
}

} // namespace

void initResources()
{
    static const bool done = (initSignalboxResources(), true);
    (void)done;
}

QIcon appIcon()
{
    initResources();
    QIcon icon(QStringLiteral(":/icons/signalbox.svg"));
    icon.addFile(QStringLiteral(":/icons/signalbox-64.png"), QSize(64, 64));
    return icon;
}

QIcon standardIcon(const QString& themeName, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(themeName, QApplication::style()->standardIcon(fallback));
}

QUrl troubleshootingUrl()
{
    return QUrl(QStringLiteral(SIGNALBOX_HOMEPAGE "#troubleshooting"));
}

bool openUrl(const QUrl& url)
{
    return urlHook() ? urlHook()(url) : QDesktopServices::openUrl(url);
}

QString keys::text(QKeyCombination key)
{
    return QKeySequence(key).toString(QKeySequence::NativeText);
}

void setOpenUrlHook(std::function<bool(const QUrl&)> hook)
{
    urlHook() = std::move(hook);
}

std::vector<std::pair<QString, QString>> keyboardShortcuts()
{
    const auto tr = [](const char* s) { return QCoreApplication::translate("ui::help", s); };
    return {
        {tr("Enter"), tr("Open the selected service (or double-click its row)")},
        {tr("Esc"), tr("Back from a service to the overview; in the Activity list: leave it")},
        {keys::text(keys::open), tr("Open the selected service")},
        {keys::text(keys::deploy), tr("Deploy a tag to the service's staging slot or sandbox")},
        {keys::text(keys::swap), tr("Swap staging and live")},
        {keys::text(keys::rollback), tr("Roll back to the slot that was live")},
        {keys::text(keys::logs), tr("The logs of the service's live slot")},
        {keys::text(keys::compare), tr("Compare slots: what differs between live and staging (or any two slots)")},
        {keys::text(keys::refresh), tr("Check again what may be done now")},
        {keys::text(keys::timeline), tr("The release timeline: every service's deploys, swaps, rollbacks and watch "
                                        "verdicts, newest first")},
        {tr("Alt+E"), tr("The Service menu (its actions; also a row's context menu)")},
        {tr("Ctrl+F"), tr("Focus the overview's filter (from a service's page too)")},
        {tr("Esc in the filter"), tr("Clear it; again: back to the table")},
        {tr("Enter in the filter"), tr("Open the first service shown")},
        {tr("Enter in the namespace field"), tr("Also look in that namespace")},
        {tr("Enter in the Activity list"), tr("Open the row's whole outcome (or double-click the row; Esc closes it)")},
        {tr("Ctrl+Space"), tr("Pause or resume a log view")},
        {tr("Esc, Ctrl+W"), tr("Close a log window, the timeline, Compare slots or the shortcuts list")},
        {tr("Tab, Shift+Tab"), tr("Move between the controls; Space presses a button")},
        {tr("F1"), tr("Open the troubleshooting notes (the status line says where when no browser opens)")},
        {tr("Ctrl+Q"), tr("Quit (a swap or deploy under way finishes first; a watch after a swap ends, its verdict "
                          "recorded)")},
        {tr("Alt+V"), tr("The View menu (the release timeline)")},
        {tr("Alt+H"), tr("The Help menu")},
    };
}

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Signalbox"));
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* icon = plainLabel(this);
    icon->setPixmap(appIcon().pixmap(64, 64));
    icon->setAlignment(Qt::AlignTop);
    m_text = richLabel(this, QStringLiteral("aboutText"));
    m_text->setOpenExternalLinks(false);
    m_text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    connect(m_text, &QLabel::linkActivated, this, [](const QString& link) { openUrl(QUrl(link)); });
    const QString home = QStringLiteral(SIGNALBOX_HOMEPAGE);
    m_text->setText(
        QStringLiteral("<h2>Signalbox %1</h2><p>%2</p><p>%3<br>%4</p><p>%5</p><p><a href=\"%6\">%6</a></p>")
            .arg(QStringLiteral(SIGNALBOX_VERSION),
                 tr("Deploy and swap A/B services on Kubernetes, safely.").toHtmlEscaped(),
                 tr("Qt %1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)),
                 tr("libcurl %1").arg(QString::fromStdString(kube::libcurlVersion())),
                 tr("Licence: %1").arg(QStringLiteral(SIGNALBOX_LICENSE)), home.toHtmlEscaped()));
    top->addWidget(icon);
    top->addWidget(m_text, 1);
    layout->addLayout(top);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    fitToScreen(this);
}

QString AboutDialog::text() const
{
    return QTextDocumentFragment::fromHtml(m_text->text()).toPlainText();
}

QDialogButtonBox* closeButtons(QDialog* dialog)
{
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* close = new QShortcut(QKeySequence(keys::closeWindow), dialog);
    QObject::connect(close, &QShortcut::activated, dialog, &QDialog::reject);
    return buttons;
}

ShortcutsDialog::ShortcutsDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* layout = new QVBoxLayout(this);
    const auto shortcuts = keyboardShortcuts();
    auto* table = new QTableWidget(static_cast<int>(shortcuts.size()), 2, this);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setHorizontalHeaderLabels({tr("Keys"), tr("What they do")});
    table->verticalHeader()->hide();
    table->setAccessibleName(tr("Keyboard shortcuts"));
    // A list to read, not a sheet to fill in: no edit triggers, no grid, rows in alternating shades.
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setFrameShape(QFrame::NoFrame);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setTabKeyNavigation(false); // Tab goes on to Close
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    for (int row = 0; row < static_cast<int>(shortcuts.size()); ++row) {
        for (int column = 0; column < 2; ++column) {
            const auto& [keys, what] = shortcuts[static_cast<std::size_t>(row)];
            auto* item = new QTableWidgetItem(column == 0 ? keys : what);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable); // never editable
            table->setItem(row, column, item);
        }
    }
    layout->addWidget(table);
    layout->addWidget(closeButtons(this));
    resize(560, 330);
    fitToScreen(this);
}

} // namespace ui
