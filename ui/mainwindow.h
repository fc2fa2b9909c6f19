#pragma once

#include "model/actions/actionrunner.h"
#include "model/actions/serviceactions.h"
#include "model/rules/connectioninfo.h"
#include "model/state/dashboard.h"
#include "model/state/metricfeed.h"
#include "model/state/records.h"
#include "model/views/servicefiltermodel.h"
#include "model/views/servicelistmodel.h"
#include "oci/registry.h"

#include <QMainWindow>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QVBoxLayout;
class QLineEdit;
class QPushButton;
class QLabel;
class QStackedWidget;
class QToolButton;
class QTableView;
class QDialog;
class QTimer;
class QAction;
class QMenu;

namespace ui {

class ActivityPanel;
class ServicePage;
class LogView;
class CompareView;
class DeliveryView;
class TimelineView;
class NotificationsMenu;

// The console: a header (context, user, server, freshness), the overview of every service,
// and a page per service with its sandbox, A and B tiles.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void setConnection(const model::ConnectionInfo& info);
    void setContexts(const QStringList& contexts, const QString& current);
    // The views of one context and namespace choice, and what may be done there (both made by the
    // application; they go with the next choice).
    void setDashboard(model::Dashboard* dashboard, model::ServiceActions* actions = nullptr);
    // Where the page's metric values come from; staging's values that fail their comparison with live's
    // are part of the service's status (never "Ready to swap" beside them).
    void setMetricFeed(model::MetricFeed* feed);
    // The application's: deploys and swaps started here run there, whatever the window shows.
    void setRunner(model::ActionRunner* runner);
    void setRegistry(oci::RegistryClient* registry);
    ActivityPanel* activityPanel() const { return m_activity; }
    // The refresh mode for this session (0: watch), as resolved at the start; not saved. A choice
    // in the window's menu applies and is saved (model/rules/settings.h has the precedence).
    void setPollInterval(int seconds);
    int pollInterval() const;
    void setReadOnly(bool readOnly);
    bool readOnly() const { return m_readOnly; }

    void showOverview();
    bool showService(const QString& name);
    QString currentService() const;
    model::ServiceListModel* serviceModel() const { return m_model; }
    // What the overview table shows: the services filtered and ordered (its rows are the table's).
    model::ServiceFilterModel* overviewModel() const { return m_proxy; }
    QTableView* overview() const { return m_table; }
    QLineEdit* filterField() const { return m_filter; }
    // "12 of 1,000 services" while a filter is typed, else "1,000 services".
    QString overviewCountText() const;
    // Back to the default order after sorting by a column.
    void sortByAttention();
    ServicePage* servicePage() const { return m_page; }
    // Opens a log window of a slot (A, B or the sandbox) of the shown service, or of one of its pods,
    // following from the last 500 lines of each pod.
    LogView* openLogs(const QString& service, model::Slot slot, const QString& pod);
    // Opens a Compare slots window of `service` (live against staging), reading at once.
    CompareView* openCompare(const QString& service);
    // Opens (or raises) the release timeline window.
    TimelineView* openTimeline();
    TimelineView* timelineView() const;
    // Opens (or raises) the delivery figures window.
    DeliveryView* openDelivery();
    DeliveryView* deliveryView() const;
    // The banner of watches after swaps that found a service got worse (shown above the overview
    // and other services' pages): its text, empty when hidden, and its Roll back button, which
    // opens the service's page and its checked rollback.
    QString watchBannerText() const;
    QPushButton* watchRollbackButton() const { return m_watchRollback; }
    QString freshnessText() const;
    // The credential plugin's message as shown (plain text), empty when none is shown.
    QString pluginNoteText() const;
    // The note about namespaces that cannot be read (plain text), empty when none is shown.
    QString namespaceNoteText() const;
    // The note about health checks the user may not ask (plain text), empty when none is shown.
    QString healthNoteText() const;
    // Settings > Notifications: which kinds of desktop notification are on.
    NotificationsMenu* notificationsMenu() const { return m_notificationsMenu; }
    // A notification's sentence in the status line (also where it goes when the desktop has none).
    void showNotice(const QString& sentence);
    QString noticeText() const;

Q_SIGNALS:
    void contextRequested(const QString& context);
    // Look in this namespace too (besides the discovered ones), on the current context.
    void namespaceRequested(const QString& ns);
    void pollIntervalRequested(int seconds);
    // A dialog of the window's own opened (tests answer it through this).
    void dialogOpened(QDialog* dialog);
    // A log window opened (tests and the benchmark reach it through this).
    void logViewOpened(ui::LogView* view);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    // The menu bar (File: Quit; Help: Troubleshooting, Keyboard shortcuts, About) and the icons.
    void setupMenus();
    void buildHeader(QWidget* central, QVBoxLayout* layout);
    void buildNotes(QWidget* central, QVBoxLayout* layout);
    void buildWatchBanner(QWidget* central, QVBoxLayout* layout);
    QHBoxLayout* buildFilterRow(QWidget* overviewPage);
    void buildTable(QWidget* overviewPage);
    void refresh();
    void updateFreshness();
    void openRow(const QModelIndex& index);
    // The namespaces' records of the shown services, read for a window (`owner`) as it opens; what could
    // not be read is a notice.
    void readRecords(QObject* owner, std::function<void(model::RecordHistories)> done);
    void focusFilter();
    void updateOverviewCount();
    void openDeploy();
    void askBeforeClosing();
    void updateWatchBanner();
    // The Service menu: Open, Deploy…, Swap…, Roll back…, Logs, Refresh; also a row's context menu.
    void buildServiceMenu(QMenu* menu);
    void showRowMenu(const QPoint& pos);
    // The service the Service menu acts on: the one shown, else the overview's current row.
    QString targetService() const;
    // Shows the target service's page (already shown: nothing to do); false when there is none.
    bool openTarget();
    void openLiveLogs();
    void refreshNow();
    void updateServiceActions();
    // After Esc in the Activity list: the overview's table, or the page's first control.
    void focusCurrentPage();

    // The parts of the dashboard shown (one context and namespace choice).
    QPointer<model::Connection> m_connectionState;
    QPointer<model::WatchedServices> m_watched;
    QPointer<model::HealthChecks> m_health;
    QPointer<model::ServiceActions> m_actions;
    QPointer<oci::RegistryClient> m_registry;
    QPointer<model::ActionRunner> m_runner;
    QPointer<model::MetricFeed> m_feed;
    QPointer<TimelineView> m_timeline;
    QPointer<DeliveryView> m_delivery;
    ActivityPanel* m_activity;
    bool m_closeWhenIdle = false;
    bool m_endingWatches = false; // closing: the running watches are recording their verdicts
    model::ServiceListModel* m_model;
    model::ServiceFilterModel* m_proxy;
    QLabel* m_connection;
    QLabel* m_user;
    QLabel* m_freshness;
    QLabel* m_problem;
    QLabel* m_pluginNote;    // what a credential plugin asks of the person (a device-code login)
    QLabel* m_namespaceNote; // namespaces the user may not read: a note, not a lost connection
    QLabel* m_healthNote;    // health checks the user may not ask
    QWidget* m_watchBanner;
    QLabel* m_watchText;
    QPushButton* m_watchRollback;
    QString m_watchService; // the service the banner's Roll back is for
    QComboBox* m_contexts;
    QComboBox* m_refresh;
    QLineEdit* m_namespace;
    QCheckBox* m_readOnlyBox;
    QStackedWidget* m_stack;
    QTableView* m_table;
    QLineEdit* m_filter;
    QLabel* m_count;
    QToolButton* m_attentionFirst;
    ServicePage* m_page;
    QLabel* m_empty;
    QLabel* m_noMatch; // what an overview filter that matches nothing leaves
    QTimer* m_clock;
    NotificationsMenu* m_notificationsMenu;
    QAction* m_openAction = nullptr;
    QAction* m_deployAction = nullptr;
    QAction* m_swapAction = nullptr;
    QAction* m_rollbackAction = nullptr;
    QAction* m_logsAction = nullptr;
    QAction* m_compareAction = nullptr;
    QAction* m_refreshAction = nullptr;
    model::ConnectionInfo m_info;
    bool m_readOnly = false;
};

} // namespace ui
