#pragma once

#include "kube/client.h"
#include "kube/history.h"
#include "model/observe/analysisrun.h"
#include "model/observe/health.h"
#include "model/rules/servicespec.h"
#include "model/rules/watchrules.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <functional>
#include <optional>
#include <string>

class QTimer;

namespace model {

// Watches the slot that a swap made live, for a window: every few seconds it reads the slot's
// Deployment and pods afresh and asks their health checks (and the live Service's) through the
// prober, and hands each look to judgeWatch. It ends once: `worse` with the sentence of what got
// worse, or `held` when the window passed. It changes nothing in the cluster.
class SwapWatch : public QObject {
    Q_OBJECT

public:
    // `slot`: the slot that went live; `seconds`: the window. Without a `prober` the
    // watch makes its own (at most 8 checks in flight).
    SwapWatch(kube::Client* client, ServiceSpec spec, Slot slot, int seconds, HealthProber* prober = nullptr,
              QObject* parent = nullptr);

    // The configuration's top-level Prometheus, for a service that names none of its own.
    void setPrometheus(PrometheusTarget topLevel) { m_topLevel = std::move(topLevel); }

    void start();
    // Ends without a verdict (another swap or rollback of the service began); no signal follows.
    void stop();

    const ServiceSpec& spec() const { return m_spec; }
    Slot slot() const { return m_slot; }
    int seconds() const { return m_seconds; }
    bool running() const { return m_running; }
    // The image the slot ran when the watch began (for the record), empty until known.
    const std::string& image() const { return m_image; }
    // When the watch began (UTC): the history records it as the verdict's start.
    const QDateTime& started() const { return m_started; }
    // With a metric analysis: live-before's values and the last look's live-after values, for the
    // record ("live-before error ratio 0 %, ...; live-after error ratio 20 %, ..."); empty without one.
    std::string analysisRecord() const;

Q_SIGNALS:
    // How the slot stands after each look: "uro: slot B holds: 2 of 2 pods ready, ... (40 s of 5 min)".
    void progressed(const std::string& sentence);
    void worse(const std::string& sentence);
    void held(const std::string& sentence);

private:
    void look();
    void judge(const WatchLook& look);
    // The metric analysis: live-before measured on the old live slot over the window before the
    // swap, then a look at the new live slot every interval, compared with it.
    void startAnalysis(const kube::Service& live);
    void analysisLook();
    void judgeAnalysis(const std::vector<MeasuredValue>& liveAfter);

    kube::Client* m_client;
    ServiceSpec m_spec;
    Slot m_slot;
    int m_seconds;
    QPointer<HealthProber> m_prober;
    HealthSpec m_health;
    WatchSubject m_subject;
    WatchMemory m_memory;
    std::string m_image;
    QDateTime m_started;
    QTimer* m_next;
    bool m_running = false;
    int m_round = 0; // answers of an older round are dropped after stop()
    PrometheusTarget m_topLevel;
    AnalysisSpec m_analysis;
    prom::Client* m_prom = nullptr;
    std::optional<std::vector<MeasuredValue>> m_liveBefore;
    AnalysisStreaks m_streaks;
    std::optional<AnalysisLook> m_lastLook;
    QTimer* m_nextAnalysis;
};

// The history entry of a watch's verdict: action "watch", the slot watched, and `result`
// ("held", "failed: why", "rolled back: why").
kube::HistoryEntry watchHistoryEntry(const SwapWatch& watch, const std::string& user, const std::string& at,
                                     const std::string& result);

// Appends `entry` to the live Service's history, testing the history as read (read again and
// tried again, up to three times, when someone wrote it meanwhile). Needs the same patch
// permission as the swap; `done` gets the error sentence when it could not be recorded.
void recordWatchVerdict(kube::Client* client, const ServiceSpec& spec, const kube::HistoryEntry& entry,
                        std::function<void(std::optional<kube::Error>)> done, int attempt = 0);

} // namespace model
