#pragma once

#include "model/actions/serviceactions.h"
#include "model/state/metricfeed.h"
#include "model/state/servicestate.h"

#include <QPointer>
#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;
class QScrollArea;
class QTableWidget;
class QDialog;
class QVBoxLayout;

namespace ui {

class MetricChart;
class SlotTile;

// One service: its anomalies in plain words, and tiles for sandbox, A and B.
class ServicePage : public QWidget {
    Q_OBJECT

public:
    explicit ServicePage(QWidget* parent = nullptr);
    void setService(const model::ServiceState& state);
    QString serviceName() const { return m_name; }
    // The status chip in the header, as shown.
    QString badgeText() const;
    SlotTile* tile(model::Slot slot) const;
    QString anomalyText() const;

    // Swap, rollback and repair for the shown service; none of them in read-only mode.
    void setActions(model::ServiceActions* actions);
    model::ServiceActions* actions() const { return m_actions; }
    void setReadOnly(bool readOnly);
    // Where the tiles' metric values and the charts come from (none: no metrics shown). The page
    // tells the feed which service is on screen, and nothing while the page is hidden.
    void setMetricFeed(model::MetricFeed* feed);
    // The charts shown, one per metric, and why there are no values (one sentence, or empty).
    std::vector<MetricChart*> charts() const;
    QString metricProblemText() const;
    QPushButton* button(model::SwapPlan::Kind kind) const;
    QPushButton* deployButton() const { return m_deployButton; }
    QString actionReasonText() const;
    // The outcome banner's text (empty when hidden): the last action's outcome, what moved, and
    // after a swap how its watch goes. It stays until replaced or dismissed.
    QString outcomeText() const;
    QPushButton* dismissOutcomeButton() const { return m_dismissOutcome; }
    QTableWidget* history() const { return m_history; }
    // Selects the history's entry recorded at `at` with `action` and scrolls it into view; false when
    // the page's history does not hold it (the annotations keep the newest entries only).
    bool showHistoryEntry(const QString& at, const QString& action);
    // The banner of a watch after a swap that found the service got worse: its text (empty when
    // hidden) and its one button, which starts the checked rollback (plan, confirm, runner).
    QString watchBannerText() const;
    QPushButton* watchRollbackButton() const { return m_watchRollback; }
    // Opens the rollback's confirm dialog as soon as its plan is there (the Roll back buttons).
    void requestRollback() { request(model::SwapPlan::Kind::Rollback); }
    // Opens the action's confirm dialog as soon as its plan is there, or says why it cannot (the
    // Service menu, which may ask before the page has decided its buttons).
    void request(model::SwapPlan::Kind kind);
    // Opens the deploy dialog as soon as deploying is decided, or says why it cannot.
    void requestDeploy();

Q_SIGNALS:
    void backRequested();
    // Compare slots was asked for (the window opens it: it only reads, so also in read-only mode).
    void compareRequested();
    // A confirm or deploy dialog opened (tests answer it through this).
    void dialogOpened(QDialog* dialog);
    void deployRequested();
    // The logs of a slot (A, B or the sandbox), or of one of its pods, were asked for on its tile.
    void logsRequested(model::Slot slot, const QString& pod);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void updateActions();
    void buildMetrics(QVBoxLayout* layout);
    void tellFeed();
    void showMetrics();
    void showActivity();
    void buildTop(QVBoxLayout* layout);
    void buildActions(QVBoxLayout* layout);
    void buildOutcome(QVBoxLayout* layout);
    void buildTiles(QVBoxLayout* layout);
    void buildHistory(QVBoxLayout* layout);
    void confirm(model::SwapPlan::Kind kind);
    void updateWatchBanner();
    // The enabled button's tooltip: what it does and its key.
    static QString keyTip(model::SwapPlan::Kind kind);
    static QString missingCondition(model::SwapPlan::Kind kind, const QString& condition);
    // A history cell: its text and its tooltip's text (shown through ui::tip).
    struct HistoryCell {
        QString text, tip;
        bool operator==(const HistoryCell&) const = default;
    };
    static std::vector<HistoryCell> historyRow(const kube::HistoryEntry& entry);
    void showHistory(const std::vector<kube::HistoryEntry>& history);

    QPointer<model::ServiceActions> m_actions;
    bool m_readOnly = false;
    QWidget* m_actionBar;
    QPushButton* m_deployButton;
    QPushButton* m_swap;
    QPushButton* m_rollback;
    QPushButton* m_repair;
    QLabel* m_reason;
    QWidget* m_outcomeBanner;
    QLabel* m_outcome;
    QPushButton* m_dismissOutcome;
    int m_outcomeId = 0; // the activity the banner says
    int m_dismissed = 0; // the activity whose banner the person dismissed
    QWidget* m_watchBanner;
    QLabel* m_watchText;
    QPushButton* m_watchRollback;
    // An action asked for before its plan came (opened by updateActions).
    std::optional<model::SwapPlan::Kind> m_wanted;
    bool m_deployWanted = false;
    bool m_confirming = false; // a confirm dialog's plan is being made on fresh reads
    QTableWidget* m_history;
    std::vector<std::vector<HistoryCell>> m_historyRows; // what the table shows, newest first
    std::vector<std::pair<std::string, std::string>> m_historyKeys; // per row: the entry's at and action
    QScrollArea* m_scroll = nullptr;
    QLabel* m_noHistory;
    QString m_name;
    QLabel* m_title;
    QLabel* m_badge;
    QLabel* m_anomalies;
    SlotTile* m_sandbox;
    SlotTile* m_a;
    SlotTile* m_b;
    QPointer<model::MetricFeed> m_feed;
    QWidget* m_metricsBox;
    QVBoxLayout* m_chartLayout;
    QLabel* m_metricProblem;
    std::vector<MetricChart*> m_charts;
    std::optional<model::Slot> m_live, m_staging;
    std::vector<double> m_swapTimes;
};

} // namespace ui
