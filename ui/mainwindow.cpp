#include "mainwindow.h"

#include "activitypanel.h"
#include "compareview.h"
#include "deliveryview.h"
#include "deploydialog.h"
#include "help.h"
#include "icons.h"
#include "logview.h"
#include "model/rules/displaytext.h"
#include "model/rules/settingskeys.h"
#include "model/state/compareslots.h"
#include "model/state/openlogs.h"
#include "model/state/records.h"
#include "model/state/servicelookup.h"
#include "model/views/watchverdict.h"
#include "notificationsmenu.h"
#include "overviewtable.h"
#include "screenfit.h"
#include "servicepage.h"
#include "style.h"
#include "text.h"
#include "timelineview.h"
#include "watchbanner.h"

#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace {

// `text` as HTML, with every http(s) address a link.
QString linkified(const QString& text)
{
    static const QRegularExpression url(QStringLiteral(R"(https?://[^\s<>"']+)"));
    QString out;
    qsizetype at = 0;
    for (auto it = url.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        out += text.mid(at, m.capturedStart() - at).toHtmlEscaped();
        const QString link = m.captured().toHtmlEscaped();
        out += QStringLiteral("<a href=\"%1\">%1</a>").arg(link);
        at = m.capturedEnd();
    }
    return out + text.mid(at).toHtmlEscaped();
}

} // namespace

namespace ui {

namespace {

// Paints the Status column as a coloured chip, so the state reads at a glance.
class BadgeDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        const auto badge = static_cast<model::Badge>(index.data(model::ServiceListModel::BadgeRole).toInt());
        QFont bold = option.font;
        bold.setBold(true);
        const QFontMetrics fm(bold);
        // The pill stays inside its cell: in a narrow column its words are cut, never spill over.
        const int room = std::max(0, option.rect.width() - 8);
        const QString text = fm.elidedText(index.data().toString(), Qt::ElideRight, std::max(0, room - 18));
        // As tall as its words, centred in the row: a box that grows with a tall row reads as a button.
        const int height = std::min(option.rect.height() - 2, fm.height() + 6);
        QRect pill(option.rect.left() + 4, option.rect.top() + (option.rect.height() - height) / 2,
                   std::min(room, fm.horizontalAdvance(text) + 18), height);
        // A label, not a button: outlined in the status colour, no fill (on a selected row, in the
        // selection's text colour).
        const QColor colour = option.state & QStyle::State_Selected
                                  ? opt.palette.color(QPalette::HighlightedText)
                                  : QColor(style::colorOf(style::toneOf(badge), opt.palette));
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(colour, 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(pill).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
        painter->setPen(colour);
        painter->setFont(bold);
        painter->drawText(pill, Qt::AlignCenter, text);
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        QFont bold = option.font;
        bold.setBold(true); // the pill's words are bold, and wider than the cell's font says
        const int pill = QFontMetrics(bold).horizontalAdvance(index.data().toString()) + 18 + 8;
        return {std::max(s.width() + 30, pill + 4), std::max(s.height(), QFontMetrics(option.font).height() + 10)};
    }
};

// Paints the Health column with its mark in colour before the words ("● 2/2 answer").
class HealthDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        const auto state =
            static_cast<model::HealthSummary::State>(index.data(model::ServiceListModel::HealthRole).toInt());
        const QFontMetrics fm(option.font);
        const int icon = fm.ascent();
        const int markWidth = icon + 6;
        QRect r = option.rect.adjusted(4, 0, -2, 0);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const qreal ratio = painter->device() ? painter->device()->devicePixelRatio() : 1.0;
        painter->drawPixmap(QPointF(r.left(), r.center().y() - icon / 2.0),
                            style::iconPixmap(style::iconPath(state), icon, ratio));
        painter->setPen(
            opt.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
        painter->drawText(r.adjusted(markWidth, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        const QFontMetrics fm(option.font);
        return {s.width() + fm.horizontalAdvance(QStringLiteral("● ")) + 12, s.height()};
    }
};

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_model(new model::ServiceListModel(this)), m_proxy(new model::ServiceFilterModel(this)),
      m_clock(new QTimer(this))
{
    m_proxy->setSourceModel(m_model);
    setWindowTitle(QStringLiteral("Signalbox"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);

    buildHeader(central, layout);
    buildNotes(central, layout);
    buildWatchBanner(central, layout);
    m_stack = new QStackedWidget(central);
    auto* overviewPage = new QWidget(m_stack);
    auto* overviewLayout = new QVBoxLayout(overviewPage);
    overviewLayout->setContentsMargins(0, 0, 0, 0);
    overviewLayout->addLayout(buildFilterRow(overviewPage));
    buildTable(overviewPage);
    m_empty = plainLabel(overviewPage, QStringLiteral("emptyLabel"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_noMatch = plainLabel(overviewPage, QStringLiteral("noMatchLabel"));
    m_noMatch->setWordWrap(true);
    m_noMatch->setAlignment(Qt::AlignCenter);
    m_noMatch->hide();
    overviewLayout->addWidget(m_table, 1);
    overviewLayout->addWidget(m_empty);
    overviewLayout->addWidget(m_noMatch);
    m_page = new ServicePage(m_stack);
    connect(m_page, &ServicePage::backRequested, this, &MainWindow::showOverview);
    connect(m_page, &ServicePage::deployRequested, this, &MainWindow::openDeploy);
    connect(m_page, &ServicePage::logsRequested, this,
            [this](model::Slot slot, const QString& pod) { openLogs(m_page->serviceName(), slot, pod); });
    connect(m_page, &ServicePage::compareRequested, this, [this] { openCompare(m_page->serviceName()); });
    m_stack->addWidget(overviewPage);
    m_stack->addWidget(m_page);
    connect(m_stack, &QStackedWidget::currentChanged, this, &MainWindow::updateWatchBanner);
    layout->addWidget(m_stack, 1);
    m_activity = new ActivityPanel(central);
    m_activity->setObjectName(QStringLiteral("activityPanel"));
    layout->addWidget(m_activity);
    setCentralWidget(central);
    setupMenus();

    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
            m_table->setCurrentIndex(m_proxy->index(0, 0));
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &MainWindow::updateOverviewCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateOverviewCount);
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, &MainWindow::updateFreshness);
    m_clock->start();

    QSettings settings;
    if (!restoreGeometry(settings.value(model::settingskeys::windowGeometry).toByteArray()))
        resize(1180, 640);
    fitToScreen(this);
    refresh();
}

// Where we are connected, as whom, how fresh the picture is, and the switches beside it.
void MainWindow::buildHeader(QWidget* central, QVBoxLayout* layout)
{
    auto* header = new QHBoxLayout;
    m_contexts = new QComboBox(central);
    m_contexts->setObjectName(QStringLiteral("contextCombo"));
    m_contexts->setAccessibleName(tr("Kubeconfig context"));
    m_contexts->setToolTip(tip(tr("Switch the kubeconfig context")));
    m_contexts->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_contexts, &QComboBox::activated, this,
            [this](int i) { Q_EMIT contextRequested(m_contexts->itemText(i)); });
    m_connection = richLabel(central, QStringLiteral("connectionLabel"));
    m_connection->setAccessibleName(tr("Connection"));
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connection->setWordWrap(true);
    m_user = richLabel(central, QStringLiteral("userLabel"));
    m_user->setAccessibleName(tr("Signed in as"));
    m_freshness = plainLabel(central, QStringLiteral("freshnessLabel"));
    m_freshness->setAccessibleName(tr("Data freshness"));
    m_refresh = new QComboBox(central);
    m_refresh->setObjectName(QStringLiteral("refreshCombo"));
    m_refresh->setAccessibleName(tr("Refresh mode"));
    m_refresh->addItem(tr("Live (watch)"), 0);
    m_refresh->addItem(tr("Poll every 5 s"), 5);
    m_refresh->addItem(tr("Poll every 15 s"), 15);
    m_refresh->addItem(tr("Poll every 60 s"), 60);
    connect(m_refresh, &QComboBox::activated, this, [this](int i) {
        const int seconds = m_refresh->itemData(i).toInt();
        QSettings().setValue(model::settingskeys::pollInterval, seconds);
        if (m_watched)
            m_watched->setPollInterval(seconds);
        Q_EMIT pollIntervalRequested(seconds);
    });
    m_namespace = new QLineEdit(central);
    m_namespace->setObjectName(QStringLiteral("namespaceField"));
    m_namespace->setAccessibleName(tr("Namespace"));
    m_namespace->setPlaceholderText(tr("namespace"));
    m_namespace->setToolTip(tip(tr("Also look in this namespace (Enter)")));
    m_namespace->setMaximumWidth(140);
    connect(m_namespace, &QLineEdit::returnPressed, this, [this] {
        if (!m_namespace->text().trimmed().isEmpty())
            Q_EMIT namespaceRequested(m_namespace->text().trimmed());
    });
    m_readOnlyBox = new QCheckBox(tr("Read-only"), central);
    m_readOnlyBox->setObjectName(QStringLiteral("readOnlyBox"));
    m_readOnlyBox->setToolTip(tip(tr("Show no control that changes anything")));
    connect(m_readOnlyBox, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(model::settingskeys::readOnly, on);
        setReadOnly(on);
    });
    // Each field with its visible label, which is also the name a screen reader says with it.
    auto labelled = [&](const QString& text, QWidget* field) {
        QLabel* label = plainLabel(central, {}, text);
        label->setBuddy(field);
        header->addWidget(label);
        header->addWidget(field);
    };
    labelled(tr("Context:"), m_contexts);
    labelled(tr("Namespace:"), m_namespace);
    header->addStretch(1);
    header->addWidget(m_user);
    header->addSpacing(12);
    header->addWidget(m_freshness);
    labelled(tr("Refresh:"), m_refresh);
    header->addWidget(m_readOnlyBox);
    layout->addLayout(header);
    layout->addWidget(m_connection);
}

// The lines under the header, hidden until they have something to say.
void MainWindow::buildNotes(QWidget* central, QVBoxLayout* layout)
{
    m_problem = plainLabel(central, QStringLiteral("problemLabel"));
    m_problem->setAccessibleName(tr("Problem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(
        QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(style::colorOf(style::Tone::Attention)));
    m_problem->hide();
    layout->addWidget(m_problem);
    m_pluginNote = richLabel(central, QStringLiteral("pluginNoteLabel"));
    m_pluginNote->setAccessibleName(tr("Message from the credential plugin"));
    m_pluginNote->setWordWrap(true);
    m_pluginNote->setOpenExternalLinks(true);
    m_pluginNote->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_pluginNote->setStyleSheet(QStringLiteral("QLabel { border: 2px solid %1; border-radius: 6px; padding: 6px; }")
                                    .arg(style::colorOf(style::Tone::Rolling)));
    m_pluginNote->hide();
    layout->addWidget(m_pluginNote);
    m_namespaceNote = plainLabel(central, QStringLiteral("namespaceNoteLabel"));
    m_namespaceNote->setAccessibleName(tr("Namespaces not shown"));
    m_namespaceNote->setWordWrap(true);
    m_namespaceNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_namespaceNote->setStyleSheet(QStringLiteral("QLabel { border: 1px solid %1; border-radius: 6px; padding: 4px; }")
                                       .arg(style::colorOf(style::Tone::Neutral)));
    m_namespaceNote->hide();
    layout->addWidget(m_namespaceNote);
    // Health checks the user may not ask: said once here, "not allowed" in the tiles and the overview.
    m_healthNote = plainLabel(central, QStringLiteral("healthNoteLabel"));
    m_healthNote->setAccessibleName(tr("Health checks not allowed"));
    m_healthNote->setWordWrap(true);
    m_healthNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_healthNote->setStyleSheet(m_namespaceNote->styleSheet());
    m_healthNote->hide();
    layout->addWidget(m_healthNote);
}

// The banner of a running watch after a swap, shown on every page.
void MainWindow::buildWatchBanner(QWidget* central, QVBoxLayout* layout)
{
    const WatchBanner b = makeWatchBanner(central, QStringLiteral("mainWatchBanner"));
    m_watchBanner = b.banner;
    m_watchText = b.text;
    m_watchRollback = b.rollback;
    connect(m_watchRollback, &QPushButton::clicked, this, [this] {
        if (showService(m_watchService))
            m_page->requestRollback();
    });
    layout->addWidget(m_watchBanner);
}

// The overview's filter: words that must all appear in a row; Ctrl+F comes here, Escape clears,
// Enter opens the first row that matches. Beside it the count and the attention-first order.
QHBoxLayout* MainWindow::buildFilterRow(QWidget* overviewPage)
{
    auto* filterRow = new QHBoxLayout;
    m_filter = new QLineEdit(overviewPage);
    m_filter->setObjectName(QStringLiteral("overviewFilter"));
    m_filter->setAccessibleName(tr("Filter services"));
    m_filter->setPlaceholderText(tr("Filter by name, namespace, image or status (Ctrl+F)"));
    m_filter->setToolTip(tip(tr("Every word must match; Enter opens the first service, Escape clears")));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterText(text);
        if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
            m_table->setCurrentIndex(m_proxy->index(0, 0));
        updateOverviewCount();
    });
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        if (m_proxy->rowCount() > 0)
            openRow(m_proxy->index(0, 0));
    });
    auto* clearFilter = new QShortcut(QKeySequence(Qt::Key_Escape), m_filter);
    clearFilter->setContext(Qt::WidgetShortcut);
    connect(clearFilter, &QShortcut::activated, this, [this] {
        if (m_filter->text().isEmpty())
            m_table->setFocus(Qt::ShortcutFocusReason);
        m_filter->clear();
    });
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, &MainWindow::focusFilter);
    m_count = plainLabel(overviewPage, QStringLiteral("overviewCount"));
    m_count->setAccessibleName(tr("Services shown"));
    // Room for "1,000 of 1,000 services", so the field does not jump as the count changes.
    m_count->setMinimumWidth(
        m_count->fontMetrics().horizontalAdvance(tr("%1 of %1 services").arg(QLocale().toString(8888))));
    m_count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_attentionFirst = new QToolButton(overviewPage);
    m_attentionFirst->setObjectName(QStringLiteral("attentionFirstButton"));
    m_attentionFirst->setText(tr("Needs attention first"));
    m_attentionFirst->setToolTip(tip(tr("Order by what needs attention, then by name (also: click a sorted header "
                                        "until its arrow goes)")));
    m_attentionFirst->setCheckable(true);
    m_attentionFirst->setChecked(true);
    connect(m_attentionFirst, &QToolButton::clicked, this, &MainWindow::sortByAttention);
    connect(m_proxy, &model::ServiceFilterModel::orderChanged, this,
            [this] { m_attentionFirst->setChecked(m_proxy->attentionFirst()); });
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_count);
    filterRow->addWidget(m_attentionFirst);
    return filterRow;
}

// The overview's table of services.
void MainWindow::buildTable(QWidget* overviewPage)
{
    m_table = new OverviewTable(overviewPage);
    m_table->setObjectName(QStringLiteral("overviewTable"));
    m_table->setAccessibleName(tr("Services"));
    m_table->setModel(m_proxy);
    m_table->setColumnHidden(model::ServiceListModel::AttentionColumn, true);
    // Sorting by a header: ascending, descending, then (a third click) back to attention-first.
    m_table->horizontalHeader()->setSortIndicatorClearable(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setItemDelegateForColumn(model::ServiceListModel::StatusColumn, new BadgeDelegate(m_table));
    m_table->setItemDelegateForColumn(model::ServiceListModel::HealthColumn, new HealthDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setResizeContentsPrecision(100);
    // The sentence column takes the width that is left and wraps, so no column runs off the edge.
    m_table->horizontalHeader()->setSectionResizeMode(model::ServiceListModel::SummaryColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->setMinimumSectionSize(m_table->verticalHeader()->defaultSectionSize());
    m_table->setWordWrap(true);
    m_table->setTabKeyNavigation(false);
    connect(m_table, &QTableView::activated, this, &MainWindow::openRow);
}

MainWindow::~MainWindow() = default;

void MainWindow::setupMenus()
{
    setWindowIcon(appIcon());
    m_watchRollback->setIcon(standardIcon(QStringLiteral("edit-undo"), QStyle::SP_ArrowBack));
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(standardIcon(QStringLiteral("application-exit"), QStyle::SP_DialogCloseButton),
                                    tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* service = menuBar()->addMenu(tr("S&ervice"));
    service->setObjectName(QStringLiteral("serviceMenu"));
    buildServiceMenu(service);

    m_notificationsMenu = new NotificationsMenu(this);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    QAction* timeline = view->addAction(tr("Release &timeline"), this, &MainWindow::openTimeline);
    timeline->setObjectName(QStringLiteral("timelineAction"));
    timeline->setShortcut(keys::timeline);
    QAction* delivery = view->addAction(tr("&Delivery figures"), this, &MainWindow::openDelivery);
    delivery->setObjectName(QStringLiteral("deliveryAction"));
    delivery->setShortcut(keys::delivery);

    menuBar()->addMenu(tr("&Settings"))->addMenu(m_notificationsMenu);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    QAction* troubleshooting = help->addAction(
        standardIcon(QStringLiteral("help-contents"), QStyle::SP_DialogHelpButton), tr("&Troubleshooting"), this,
        [this] {
            const QUrl url = troubleshootingUrl();
            if (!openUrl(url))
                showNotice(tr("No browser opened the troubleshooting notes; they are at %1").arg(url.toString()));
        });
    troubleshooting->setObjectName(QStringLiteral("troubleshootingAction"));
    troubleshooting->setShortcut(QKeySequence::HelpContents);
    QAction* shortcuts = help->addAction(
        standardIcon(QStringLiteral("preferences-desktop-keyboard-shortcuts"), QStyle::SP_FileDialogDetailedView),
        tr("&Keyboard shortcuts"), this, [this] {
            auto* dialog = new ShortcutsDialog(this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->open();
            Q_EMIT dialogOpened(dialog);
        });
    shortcuts->setObjectName(QStringLiteral("shortcutsAction"));
    help->addSeparator();
    QAction* about = help->addAction(standardIcon(QStringLiteral("help-about"), QStyle::SP_MessageBoxInformation),
                                     tr("&About Signalbox"), this, [this] {
                                         auto* dialog = new AboutDialog(this);
                                         dialog->setAttribute(Qt::WA_DeleteOnClose);
                                         dialog->open();
                                         Q_EMIT dialogOpened(dialog);
                                     });
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::buildServiceMenu(QMenu* menu)
{
    using Kind = model::SwapPlan::Kind;
    auto add = [this, menu](const QString& name, const QString& text, QKeyCombination key, auto slot) {
        QAction* action = menu->addAction(text, this, slot);
        action->setObjectName(name);
        action->setShortcut(key);
        return action;
    };
    m_openAction =
        add(QStringLiteral("openAction"), tr("&Open"), keys::open, [this] { openRow(m_table->currentIndex()); });
    m_logsAction =
        add(QStringLiteral("logsAction"), tr("&Logs of the live slot"), keys::logs, &MainWindow::openLiveLogs);
    m_compareAction = add(QStringLiteral("compareAction"), tr("&Compare slots…"), keys::compare, [this] {
        const QString name = targetService();
        if (!name.isEmpty())
            openCompare(name);
    });
    menu->addSeparator();
    m_deployAction = add(QStringLiteral("deployAction"), tr("&Deploy…"), keys::deploy, [this] {
        if (openTarget())
            m_page->requestDeploy();
    });
    m_swapAction = add(QStringLiteral("swapAction"), tr("&Swap staging and live…"), keys::swap, [this] {
        if (openTarget())
            m_page->request(Kind::Swap);
    });
    m_rollbackAction = add(QStringLiteral("rollbackAction"), tr("&Roll back…"), keys::rollback, [this] {
        if (openTarget())
            m_page->request(Kind::Rollback);
    });
    menu->addSeparator();
    m_refreshAction = add(QStringLiteral("refreshAction"), tr("Re&fresh"), keys::refresh, &MainWindow::refreshNow);
    m_refreshAction->setIcon(standardIcon(QStringLiteral("view-refresh"), QStyle::SP_BrowserReload));
    m_logsAction->setIcon(standardIcon(QStringLiteral("text-x-generic"), QStyle::SP_FileDialogContentsView));
    m_deployAction->setIcon(standardIcon(QStringLiteral("go-up"), QStyle::SP_ArrowUp));
    m_rollbackAction->setIcon(standardIcon(QStringLiteral("edit-undo"), QStyle::SP_ArrowBack));
    connect(m_stack, &QStackedWidget::currentChanged, this, &MainWindow::updateServiceActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::updateServiceActions);
    connect(m_activity, &ActivityPanel::leaveRequested, this, &MainWindow::focusCurrentPage);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &MainWindow::showRowMenu);
    updateServiceActions();
}

// The Service menu's actions on the row under the pointer (or the current row, from the keyboard).
void MainWindow::showRowMenu(const QPoint& pos)
{
    QModelIndex index = m_table->indexAt(pos);
    if (index.isValid())
        m_table->setCurrentIndex(index);
    index = m_table->currentIndex();
    if (!index.isValid())
        return;
    updateServiceActions();
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("rowMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addActions({m_openAction, m_logsAction, m_compareAction});
    menu->addSeparator();
    menu->addActions({m_deployAction, m_swapAction, m_rollbackAction});
    const QPoint at = m_table->indexAt(pos).isValid() ? pos : m_table->visualRect(index).center();
    menu->popup(m_table->viewport()->mapToGlobal(at));
}

QString MainWindow::targetService() const
{
    if (m_stack->currentWidget() == m_page)
        return m_page->serviceName();
    const model::ServiceState* s = m_proxy->service(m_table->currentIndex().row());
    return s ? QString::fromStdString(s->spec.name) : QString();
}

bool MainWindow::openTarget()
{
    return m_stack->currentWidget() == m_page || showService(targetService());
}

void MainWindow::openLiveLogs()
{
    const QString name = targetService();
    const model::ServiceState* s = m_watched && !name.isEmpty() ? m_watched->service(name.toStdString()) : nullptr;
    if (!s)
        return;
    if (!s->live) {
        showNotice(tr("%1 has no one live slot; open a slot's logs from its tile.").arg(name));
        return;
    }
    openLogs(name, *s->live, QString());
}

void MainWindow::refreshNow()
{
    refresh();
    if (m_actions && m_stack->currentWidget() == m_page)
        m_actions->replan();
}

// The Service menu offers what the page's buttons offer; on the overview, what a row may open to.
void MainWindow::updateServiceActions()
{
    using Kind = model::SwapPlan::Kind;
    if (!m_openAction)
        return;
    const bool onPage = m_stack->currentWidget() == m_page;
    const bool target = !targetService().isEmpty();
    const bool mayChange = target && !m_readOnly && m_actions;
    auto offered = [this, onPage](QPushButton* b) { return !onPage || (b->isVisibleTo(m_page) && b->isEnabled()); };
    m_openAction->setEnabled(!onPage && target);
    m_logsAction->setEnabled(target);
    m_compareAction->setEnabled(target && m_watched);
    m_deployAction->setEnabled(mayChange && offered(m_page->deployButton()));
    m_swapAction->setEnabled(mayChange && offered(m_page->button(Kind::Swap)));
    m_rollbackAction->setEnabled(mayChange && offered(m_page->button(Kind::Rollback)));
    m_refreshAction->setEnabled(!m_watched.isNull());
}

void MainWindow::focusCurrentPage()
{
    if (m_stack->currentWidget() != m_page) {
        m_table->setFocus(Qt::OtherFocusReason);
        return;
    }
    for (QWidget* w = m_page->nextInFocusChain(); w && w != m_page; w = w->nextInFocusChain())
        if (m_page->isAncestorOf(w) && (w->focusPolicy() & Qt::TabFocus) && w->isVisible() && w->isEnabled()) {
            w->setFocus(Qt::OtherFocusReason);
            return;
        }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // A swap or deploy under way finishes first: closing now would leave it half done.
    if (m_runner && m_runner->runningCount() > 0) {
        event->ignore();
        if (!m_closeWhenIdle)
            askBeforeClosing();
        return;
    }
    // A watch only reads: it ends now, its verdict recorded, and then the window closes.
    const bool watching = m_runner && std::any_of(m_runner->activities().begin(), m_runner->activities().end(),
                                                  [](const model::Activity& a) { return a.running(); });
    if (watching) {
        event->ignore();
        if (!m_endingWatches) {
            m_endingWatches = true;
            statusBar()->showMessage(tr("Recording the watches' verdicts before closing…"));
            QPointer<MainWindow> self(this);
            m_runner->endWatches("ended when the window closed", [self] {
                if (self)
                    QTimer::singleShot(0, self, &MainWindow::close);
            });
        }
        return;
    }
    QSettings().setValue(model::settingskeys::windowGeometry, saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::askBeforeClosing()
{
    QStringList verbs, services;
    for (const auto& a : m_runner->activities())
        if (a.running()) {
            verbs << QString::fromStdString(a.verb);
            // A group's action names the others it moves: "uro (with uro-frontend)".
            QStringList others;
            for (const auto& other : a.services)
                if (other != a.service)
                    others << QString::fromStdString(other);
            services << (others.isEmpty()
                             ? QString::fromStdString(a.service)
                             : tr("%1 (with %2)").arg(QString::fromStdString(a.service), model::listText(others)));
        }
    auto* box = new QMessageBox(QMessageBox::Question, tr("Signalbox is still working"), QString(),
                                QMessageBox::NoButton, this);
    setPlainText(box, tr("%1. Closing now could leave %2 half done.")
                          .arg(model::stillRunningText(verbs, services), verbs.size() == 1 ? tr("it") : tr("them")));
    box->setObjectName(QStringLiteral("closeWhileRunningBox"));
    box->setInformativeText(tr("Signalbox can close by itself as soon as it has finished."));
    auto* wait = box->addButton(tr("Close when finished"), QMessageBox::AcceptRole);
    wait->setObjectName(QStringLiteral("closeWhenFinishedButton"));
    auto* keep = box->addButton(tr("Keep open"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepOpenButton"));
    box->setDefaultButton(keep);
    box->setEscapeButton(keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    connect(box, &QMessageBox::buttonClicked, this, [this, wait](QAbstractButton* clicked) {
        if (clicked != wait || !m_runner)
            return;
        m_closeWhenIdle = true;
        m_activity->setNote(tr("Signalbox closes as soon as what is running has finished."));
        if (m_runner->runningCount() == 0)
            close();
    });
    box->open();
    Q_EMIT dialogOpened(box);
}

void MainWindow::setRunner(model::ActionRunner* runner)
{
    if (m_runner)
        m_runner->disconnect(this);
    m_runner = runner;
    m_activity->setRunner(runner);
    if (runner) {
        // A watch that found live got worse changes the service's status; whatever starts next clears it.
        connect(runner, &model::ActionRunner::finished, this, [this] {
            refresh();
            updateWatchBanner();
            if (m_closeWhenIdle && m_runner && m_runner->runningCount() == 0)
                close();
        });
        connect(runner, &model::ActionRunner::started, this, [this] {
            refresh();
            updateWatchBanner();
        });
    }
    updateWatchBanner();
}

QString MainWindow::watchBannerText() const
{
    return m_watchBanner->isVisible() ? m_watchText->text() : QString();
}

void MainWindow::updateWatchBanner()
{
    // Every service whose newest activity is a watch that found it got worse; the page of such a
    // service has its own banner.
    QStringList sentences;
    QString first;
    if (m_runner) {
        std::vector<std::pair<std::string, std::string>> seen;
        for (auto it = m_runner->activities().rbegin(); it != m_runner->activities().rend(); ++it) {
            const std::pair<std::string, std::string> key{it->ns, it->service};
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                continue;
            seen.push_back(key);
            const model::Activity* failed = m_runner->failedWatch(it->ns, it->service);
            const QString name = QString::fromStdString(it->service);
            if (!failed || (m_stack->currentWidget() == m_page && m_page->serviceName() == name))
                continue;
            sentences << QString::fromStdString(failed->message);
            if (first.isEmpty())
                first = name;
        }
    }
    m_watchService = first;
    m_watchText->setText(sentences.join(QLatin1Char('\n')));
    m_watchRollback->setText(sentences.size() > 1 ? tr("Roll back %1").arg(first) : tr("Roll back"));
    m_watchRollback->setVisible(!m_readOnly);
    m_watchBanner->setVisible(!sentences.isEmpty());
}

void MainWindow::showNotice(const QString& sentence)
{
    statusBar()->showMessage(sentence);
}

QString MainWindow::noticeText() const
{
    return statusBar()->currentMessage();
}

void MainWindow::setRegistry(oci::RegistryClient* registry)
{
    m_registry = registry;
}

void MainWindow::setConnection(const model::ConnectionInfo& info)
{
    m_info = info;
    if (!info.usable) {
        m_connection->setText(tr("Not connected."));
        m_problem->setText(info.problem);
        m_problem->setVisible(true);
        m_empty->setText(info.problem);
        return;
    }
    if (m_namespace->text().isEmpty())
        m_namespace->setText(info.namespaceName);
    m_connection->setText(tr("<small>Server %1 · namespace %2 · %3 · kubeconfig %4</small>")
                              .arg(info.server.toHtmlEscaped(), info.namespaceName.toHtmlEscaped(),
                                   info.authMethod.toHtmlEscaped(),
                                   info.files.join(QStringLiteral(", ")).toHtmlEscaped()));
    m_connection->setToolTip(tip(tr("Context %1, kubeconfig user %2").arg(info.context, info.user)));
    if (m_contexts->findText(info.context) < 0)
        m_contexts->addItem(info.context);
    m_contexts->setCurrentText(info.context);
    m_problem->setText(info.warning);
    m_problem->setVisible(!info.warning.isEmpty());
}

void MainWindow::setContexts(const QStringList& contexts, const QString& current)
{
    m_contexts->clear();
    m_contexts->addItems(contexts);
    m_contexts->setCurrentText(current);
}

void MainWindow::setDashboard(model::Dashboard* dashboard, model::ServiceActions* actions)
{
    if (m_watched)
        m_watched->disconnect(this);
    if (m_connectionState)
        m_connectionState->disconnect(this);
    m_connectionState = dashboard ? dashboard->connection() : nullptr;
    m_watched = dashboard ? dashboard->watched() : nullptr;
    m_health = dashboard ? dashboard->health() : nullptr;
    if (m_actions)
        m_actions->disconnect(this);
    m_actions = actions;
    m_page->setActions(actions);
    if (actions) {
        connect(actions, &model::ServiceActions::changed, this, &MainWindow::updateServiceActions);
        connect(actions, &model::ServiceActions::activityChanged, this, &MainWindow::updateServiceActions);
    }
    updateServiceActions();
    if (dashboard) {
        connect(m_watched, &model::WatchedServices::servicesChanged, this, &MainWindow::refresh);
        connect(m_connectionState, &model::Connection::changed, this, &MainWindow::refresh);
        const int poll = m_refresh->currentData().toInt();
        if (poll != m_watched->pollInterval())
            m_watched->setPollInterval(poll);
    }
    refresh();
}

void MainWindow::setPollInterval(int seconds)
{
    // The start's setting (flag, file or saved choice) may be an interval the menu does not offer.
    if (m_refresh->findData(seconds) < 0)
        m_refresh->addItem(tr("Poll every %1 s").arg(seconds), seconds);
    m_refresh->setCurrentIndex(m_refresh->findData(seconds));
    if (m_watched && m_watched->pollInterval() != seconds)
        m_watched->setPollInterval(seconds);
}

int MainWindow::pollInterval() const
{
    return m_refresh->currentData().toInt();
}

void MainWindow::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_page->setReadOnly(readOnly);
    updateWatchBanner();
    updateServiceActions();
    const QSignalBlocker block(m_readOnlyBox);
    m_readOnlyBox->setChecked(readOnly);
    setWindowTitle(readOnly ? tr("Signalbox (read-only)") : QStringLiteral("Signalbox"));
}

TimelineView* MainWindow::timelineView() const
{
    return m_timeline;
}

TimelineView* MainWindow::openTimeline()
{
    if (!m_timeline) {
        m_timeline = new TimelineView(this);
        m_timeline->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_timeline, &TimelineView::entryChosen, this,
                [this](const QString& service, const QString& at, const QString& action) {
                    if (!showService(service))
                        return;
                    activateWindow();
                    // An Event, or an entry only the namespace's record still holds, opens the page only.
                    // The notice names no text of the entry: the timeline row beside it shows that.
                    if (!at.isEmpty() && !m_page->showHistoryEntry(at, action))
                        showNotice(tr("The history on %1's page no longer holds that entry; the timeline has it "
                                      "from the namespace's record.")
                                       .arg(service));
                });
        if (m_watched)
            m_timeline->setServices(m_watched->services());
        // The namespaces' longer records, read once as the window opens.
        readRecords(m_timeline, [view = m_timeline](model::RecordHistories r) {
            view->setRecords(std::move(r.histories), r.reach);
        });
    }
    m_timeline->show();
    m_timeline->raise();
    m_timeline->activateWindow();
    return m_timeline;
}

void MainWindow::readRecords(QObject* owner, std::function<void(model::RecordHistories)> done)
{
    if (!m_watched || !m_connectionState)
        return;
    model::readRecordHistories(*m_watched, *m_connectionState, owner,
                               [this, done = std::move(done)](model::RecordHistories r) {
                                   for (const std::string& problem : r.problems)
                                       showNotice(QString::fromStdString(problem));
                                   done(std::move(r));
                               });
}

DeliveryView* MainWindow::deliveryView() const
{
    return m_delivery;
}

DeliveryView* MainWindow::openDelivery()
{
    if (!m_delivery) {
        m_delivery = new DeliveryView(this);
        m_delivery->setAttribute(Qt::WA_DeleteOnClose);
        if (m_watched)
            m_delivery->setServices(m_watched->services());
        readRecords(m_delivery,
                    [view = m_delivery](model::RecordHistories r) { view->setRecords(std::move(r.histories)); });
    }
    m_delivery->show();
    m_delivery->raise();
    m_delivery->activateWindow();
    return m_delivery;
}

void MainWindow::setMetricFeed(model::MetricFeed* feed)
{
    if (m_feed)
        m_feed->disconnect(this);
    m_feed = feed;
    m_page->setMetricFeed(feed);
    if (feed)
        connect(feed, &model::MetricFeed::changed, this, &MainWindow::refresh);
    refresh();
}

void MainWindow::refresh()
{
    if (!m_watched || !m_connectionState || !m_health) {
        m_namespaceNote->hide();
        m_healthNote->hide();
        m_model->setServices({});
        if (m_info.usable)
            m_empty->setText(tr("Connecting…"));
        m_empty->setVisible(true);
        updateFreshness();
        return;
    }
    if (model::anyWatchVerdict(m_runner) || model::anyMetricVerdict(m_watched->services(), m_feed))
        m_model->setServices(model::withVerdicts(m_watched->services(), m_runner, m_feed));
    else
        m_model->setServices(m_watched->services());
    if (m_timeline)
        m_timeline->setServices(m_watched->services());
    if (m_delivery)
        m_delivery->setServices(m_watched->services());
    m_user->setText(m_connectionState->userName().isEmpty()
                        ? QString()
                        : tr("as <b>%1</b>").arg(m_connectionState->userName().toHtmlEscaped()));
    const bool none = m_watched->services().empty();
    m_empty->setVisible(none);
    if (none)
        m_empty->setText(m_watched->complete()
                             ? tr("No services found. Label a live Service with signalbox.v-sekai.org/service=NAME, "
                                  "or list services in the configuration file (see the README).")
                             : tr("Loading…"));
    const QString said = m_connectionState->pluginMessage();
    m_pluginNote->setVisible(!said.isEmpty());
    m_pluginNote->setText(said.isEmpty() ? QString()
                                         : tr("<b>The credential plugin %1 says:</b> %2")
                                               .arg(m_connectionState->pluginName().toHtmlEscaped(), linkified(said)));
    QStringList notes;
    for (const auto& [ns, sentence] : m_connectionState->namespaceNotices())
        notes << sentence;
    m_namespaceNote->setText(notes.join(QLatin1Char('\n')));
    m_namespaceNote->setVisible(!notes.isEmpty());
    QStringList healthNotes;
    for (const QString& sentence : m_health->notices())
        healthNotes << sentence;
    m_healthNote->setText(healthNotes.join(QLatin1Char('\n')));
    m_healthNote->setVisible(!healthNotes.isEmpty());
    const QString problem = m_connectionState->problem();
    if (!problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->setVisible(true);
    } else {
        m_problem->setText(m_info.warning);
        m_problem->setVisible(!m_info.warning.isEmpty());
    }
    if (m_stack->currentWidget() == m_page) {
        if (const model::ServiceState* s = m_watched->service(m_page->serviceName().toStdString()))
            m_page->setService(model::withMetricVerdict(model::withWatchVerdict(*s, m_runner), m_feed));
    }
    updateFreshness();
}

QString MainWindow::pluginNoteText() const
{
    return m_pluginNote->isVisible() ? QTextDocumentFragment::fromHtml(m_pluginNote->text()).toPlainText() : QString();
}

QString MainWindow::namespaceNoteText() const
{
    return m_namespaceNote->isVisible() ? m_namespaceNote->text() : QString();
}

QString MainWindow::healthNoteText() const
{
    return m_healthNote->isVisible() ? m_healthNote->text() : QString();
}

QString MainWindow::freshnessText() const
{
    return m_freshness->text();
}

void MainWindow::updateFreshness()
{
    if (!m_watched || !m_connectionState) {
        m_freshness->setText(QString());
        return;
    }
    const QDateTime since = m_connectionState->disconnectedSince();
    if (since.isValid()) {
        m_freshness->setText(tr("Disconnected since %1 — retrying").arg(model::shortTime(since)));
        m_freshness->setToolTip(tip(tr("Disconnected since %1").arg(model::fullTime(since))));
        style::applySheet(
            m_freshness,
            QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(style::colorOf(style::Tone::Attention)));
        return;
    }
    style::applySheet(m_freshness, QString());
    const QDateTime last = m_watched->lastUpdate();
    if (!m_watched->complete() || !last.isValid()) {
        m_freshness->setText(tr("Loading…"));
        m_freshness->setToolTip(QString());
        return;
    }
    // The mode first: on a live watch the time is that of the last change, which may be minutes ago
    // while the picture is current.
    const QString mode =
        m_watched->pollInterval() > 0 ? tr("Polling every %1 s").arg(m_watched->pollInterval()) : tr("Live");
    m_freshness->setText(tr("%1, updated %2").arg(mode, model::shortTime(last)));
    m_freshness->setToolTip(tip(tr("Last change seen: %1").arg(model::fullTime(last))));
}

void MainWindow::openRow(const QModelIndex& index)
{
    if (const model::ServiceState* s = m_proxy->service(index.row()))
        showService(QString::fromStdString(s->spec.name));
}

void MainWindow::focusFilter()
{
    if (m_stack->currentWidget() != m_stack->widget(0))
        showOverview();
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void MainWindow::sortByAttention()
{
    // Clearing the header's arrow asks the proxy for column -1: attention-first.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    if (!m_proxy->attentionFirst())
        m_proxy->sort(-1);
    m_attentionFirst->setChecked(true);
}

QString MainWindow::overviewCountText() const
{
    return m_count->text();
}

void MainWindow::updateOverviewCount()
{
    m_count->setText(m_proxy->countText());
    // A filter that leaves nothing says so, and how to get every service back.
    const int total = m_model->rowCount();
    const bool nothingMatches = m_proxy->filtering() && m_proxy->rowCount() == 0 && total > 0;
    if (nothingMatches) {
        const QString typed = m_filter->text().trimmed();
        m_noMatch->setText(
            total == 1 ? tr("No service matches “%1”. Clear the filter (Esc) to see the one service.").arg(typed)
                       : tr("No service matches “%1”. Clear the filter (Esc) to see all %2.")
                             .arg(typed, QLocale().toString(total)));
    }
    m_noMatch->setVisible(nothingMatches);
}

void MainWindow::showOverview()
{
    m_stack->setCurrentIndex(0);
    m_table->setFocus();
}

bool MainWindow::showService(const QString& name)
{
    if (!m_watched)
        return false;
    const model::ServiceState* s = m_watched->service(name.toStdString());
    if (!s)
        return false;
    m_page->setService(model::withMetricVerdict(model::withWatchVerdict(*s, m_runner), m_feed));
    if (m_actions)
        m_actions->setService(s->spec.name);
    m_stack->setCurrentWidget(m_page);
    return true;
}

LogView* MainWindow::openLogs(const QString& service, model::Slot slot, const QString& pod)
{
    if (!m_watched || !m_connectionState)
        return nullptr;
    const QString where = slot == model::Slot::Sandbox
                              ? tr("%1 sandbox").arg(service)
                              : tr("%1 slot %2").arg(service, QString::fromStdString(model::letter(slot)));
    auto factory = [watched = m_watched, connection = m_connectionState, service = service.toStdString(), slot,
                    pod = pod.toStdString()](const model::LogOptions& options, QObject* parent) -> model::LogStream* {
        return watched && connection ? model::openLogs(*watched, *connection, service, slot, pod, options, parent)
                                     : nullptr;
    };
    auto* view = new LogView(pod.isEmpty() ? where : QStringLiteral("%1 · %2").arg(where, pod), factory, this);
    view->setWindowFlag(Qt::Window);
    view->setAttribute(Qt::WA_DeleteOnClose);
    model::LogOptions options;
    options.follow = true;
    options.tailLines = 500;
    view->setOptions(options);
    view->show();
    view->start();
    Q_EMIT logViewOpened(view);
    return view;
}

CompareView* MainWindow::openCompare(const QString& service)
{
    if (!m_watched || !m_connectionState)
        return nullptr;
    auto reader = [watched = m_watched, connection = m_connectionState,
                   service = service.toStdString()](const std::string& from, const std::string& to, QObject* owner,
                                                    std::function<void(model::SlotDiffAnswer)> done) {
        if (watched && connection)
            model::compareSlots(*watched, *connection, service, from, to, owner, std::move(done));
    };
    auto* view = new CompareView(service, reader, this);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->show();
    view->read();
    return view;
}

void MainWindow::openDeploy()
{
    if (!m_watched || m_readOnly || !m_actions)
        return;
    const model::ServiceState* s = m_watched->service(m_page->serviceName().toStdString());
    if (!s)
        return;
    // The dialog plans through the service's actions; the runner deploys, so closing the dialog
    // does not stop a deploy.
    auto* dialog = new DeployDialog(*s, m_actions, m_registry, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
    if (!s->spec.imageRepository.empty() || s->stagingSlot())
        dialog->loadTags();
    Q_EMIT m_page->dialogOpened(dialog);
}

QString MainWindow::currentService() const
{
    return m_stack->currentWidget() == m_page ? m_page->serviceName() : QString();
}

} // namespace ui
