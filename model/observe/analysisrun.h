#pragma once

#include "kube/client.h"
#include "model/rules/analysislook.h"
#include "model/rules/servicespec.h"
#include "prom/client.h"

#include <QDateTime>
#include <QObject>
#include <functional>
#include <optional>
#include <string>
#include <vector>

class QTimer;

namespace model {

// A Prometheus client for `target`: through the API server's proxy with `kube`, or at its URL with a
// transport of its own. nullptr when the target is not configured.
prom::Client* makePrometheusClient(const PrometheusTarget& target, kube::Client* kube, QObject* parent);

// One side of a comparison: the slot and its pods the queries name, and when (none: Prometheus's now).
// `recorded`, when given (one per metric), are values measured earlier (live-before) and not asked again.
struct AnalysisSide {
    QueryVars vars;
    std::optional<QDateTime> at;
    std::vector<MeasuredValue> recorded;
};

// Asks Prometheus each metric's query for one side (instant queries, side by side); `done` gets one value
// per metric, always later on the event loop, never when `owner` is gone.
void measureSide(prom::Client* prom, const AnalysisSpec& spec, const AnalysisSide& side, QObject* owner,
                 std::function<void(std::vector<MeasuredValue>)> done);

// A service's slots as its Services select them now, with each slot's pods (not terminating).
struct SlotsNow {
    std::optional<kube::Service> live; // its annotations name the analysis and Prometheus
    std::optional<Slot> liveSlot, stagingSlot;
    std::vector<std::string> podsA, podsB;
    std::string error; // a read failed: its sentence
    bool forbidden = false;
    const std::vector<std::string>& podsOf(Slot s) const { return s == Slot::A ? podsA : podsB; }
};
void readSlotsNow(kube::Client* client, const ServiceSpec& spec, QObject* owner, std::function<void(SlotsNow)> done);
// The names of the pods (not terminating) Deployment `d` selects in `ns`.
void readPodNames(kube::Client* client, const std::string& ns, const kube::Deployment& d,
                  std::function<void(kube::Result<std::vector<std::string>>)> done);
// The pods of one slot (not terminating), by its Deployment's selector.
void readSlotPods(kube::Client* client, const ServiceSpec& spec, Slot slot, QObject* owner,
                  std::function<void(kube::Result<std::vector<std::string>>)> done);

// A metric analysis: `looks` looks (0: the spec's count), one every interval, each asking Prometheus
// for the candidate's and the baseline's values and judging them; the verdict by analysisVerdict.
// Prometheus refusing or unreachable ends it at once, Inconclusive, with that one sentence. Never
// blocks; stop() or the run's destruction cancels what is in flight.
class AnalysisRun : public QObject {
    Q_OBJECT

public:
    AnalysisRun(prom::Client* prom, AnalysisSpec spec, AnalysisSide candidate, AnalysisSide baseline, int looks = 0,
                QObject* parent = nullptr);

    void start();
    void stop();
    bool running() const { return m_running; }
    const AnalysisSpec& spec() const { return m_spec; }
    const std::vector<AnalysisLook>& looks() const { return m_looks; }

    // The look as the values make it.
    static AnalysisLook lookOf(const AnalysisSpec& spec, const std::vector<MeasuredValue>& candidate,
                               const std::vector<MeasuredValue>& baseline);

Q_SIGNALS:
    void looked(const model::AnalysisLook& look);
    void finished(const model::VerdictResult& verdict);

private:
    void look();
    void judge(AnalysisLook look);

    prom::Client* m_prom;
    AnalysisSpec m_spec;
    AnalysisSide m_candidate, m_baseline;
    std::vector<AnalysisLook> m_looks;
    QTimer* m_next;
    bool m_running = false;
    int m_round = 0;
};

} // namespace model
