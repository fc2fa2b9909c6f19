#pragma once

#include "kube/client.h"
#include "model/rules/analysislook.h"
#include "model/rules/chartseries.h"
#include "model/state/servicestate.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class QTimer;

namespace prom {
class Client;
}

namespace model {

class WatchedServices;

// What the feed measures of one service: its analysis's metrics, where its Prometheus is, and the pods
// of its live and staging slots as the watch already holds them (no list of its own).
struct MetricSubject {
    std::string ns, service;
    AnalysisSpec analysis;
    PrometheusTarget target;
    std::map<Slot, std::vector<std::string>> pods; // the live and the staging slot (one entry when the same)
};

// The subject of a service as the state holds it; `live` is the live Service (its annotations may name
// the analysis and Prometheus). No metrics or no Prometheus: nothing to measure (nullopt).
std::optional<MetricSubject> metricSubject(const ServiceState& state, const kube::Service* live,
                                           const PrometheusTarget& topLevel);

// The metric values of the services on screen, for the tiles (each slot's values now) and the service
// page's charts (each slot's series over the last hour). One round per service per interval, never two
// at once; range queries at most once per range interval and only for services shown with charts. A
// service that leaves the screen has its calls cancelled. Errors become one sentence per service
// (Prometheus refused or unreachable); a query without data is "no data", never a number.
class MetricFeed : public QObject {
    Q_OBJECT

public:
    using Lookup = std::function<std::optional<MetricSubject>(const std::string& service)>;

    struct SlotMetrics {
        std::vector<MeasuredValue> values;            // one per metric; empty until measured
        std::vector<std::vector<TimedValue>> history; // one per metric, the last hour; empty until asked
    };
    struct ServiceMetrics {
        std::vector<MetricSpec> metrics;
        std::map<Slot, SlotMetrics> slots;
        std::string problem; // why Prometheus could not be asked: one sentence, or empty
        QDateTime measured;  // the last round's end
        QDateTime ranged;    // the last range queries' start
        int windowSeconds = 3600;
        int stepSeconds = 15;
    };

    // `client` serves the proxy route (Prometheus behind a Service); it must outlive the feed.
    MetricFeed(Lookup lookup, kube::Client* client, QObject* parent = nullptr);
    ~MetricFeed() override;
    // The lookup of the services `watched` holds, with the configuration's top-level `prometheus:`.
    static Lookup lookupIn(WatchedServices* watched, PrometheusTarget topLevel);

    // How often the values are asked again (30 s), and the series (60 s).
    void setIntervals(std::chrono::milliseconds values, std::chrono::milliseconds ranges);
    // The services on screen, and whether their charts are (range queries). Others are dropped.
    void setShown(const std::vector<std::string>& services, bool charts);
    // What is known of `service`, or nullptr when it is not shown or has no analysis.
    const ServiceMetrics* metrics(const std::string& service) const;
    // The services on screen, as setShown was last told.
    std::vector<std::string> shownServices() const;
    // Queries sent since the start (instant and range), for the benchmark and tests.
    long long queriesSent() const { return m_queries; }
    long long roundsStarted() const { return m_rounds; }

Q_SIGNALS:
    // New values, series or a problem for `service`.
    void changed(const std::string& service);

private:
    struct Tracked {
        ServiceMetrics metrics;
        QPointer<QObject> round; // the calls in flight; deleting it cancels them
        bool hasAnalysis = false;
    };
    void tick();
    void startRound(const std::string& name, Tracked& t);
    prom::Client* clientFor(const PrometheusTarget& target);
    void askRanges(const std::string& name, const MetricSubject& subject, QObject* round,
                   const std::shared_ptr<int>& left);
    void roundDone(const std::string& name);

    Lookup m_lookup;
    QPointer<kube::Client> m_client;
    std::map<std::string, prom::Client*> m_proms; // by target
    std::map<std::string, Tracked> m_shown;
    bool m_charts = false;
    std::chrono::milliseconds m_rangeInterval{60000};
    QTimer* m_timer;
    long long m_queries = 0, m_rounds = 0;
};

} // namespace model
