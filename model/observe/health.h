#pragma once

// The app's own health check: does the release answer, asked through the API server's proxy
// (pods/NAME:PORT/proxy/PATH, services/NAME:PORT/proxy/PATH), the route that works from a laptop
// holding only a kubeconfig.

#include "kube/client.h"
#include "kube/objects.h"
#include "model/rules/healthcheck.h"
#include "model/rules/healthpath.h"
#include "model/rules/servicespec.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace model {

// How one proxied answer reads as a health result (pure): `port` is the port asked, for the
// sentence "nothing listens on port 4000".
HealthResult healthResultFrom(const kube::ProxyAnswer& answer, const HealthSpec& spec, const std::string& ns,
                              const std::string& target, bool service, const std::string& port);

// The pods a health check asks: those not being deleted, in name order.
std::vector<kube::Pod> podsToAsk(std::vector<kube::Pod> pods);

// Asks pods and Services, with at most `maxInFlight` requests on the wire at a time (the rest
// wait in order). Every call answers on the owning thread.
class HealthProber : public QObject {
    Q_OBJECT

public:
    explicit HealthProber(kube::Client* client, int maxInFlight = 8, QObject* parent = nullptr);
    ~HealthProber() override; // requests still on the wire are cancelled; their callbacks are not called

    void checkPod(const kube::Pod& pod, const HealthSpec& spec, std::function<void(HealthResult)> done);
    // `port` of the spec as given (a port name or number of the Service).
    void checkService(const std::string& ns, const std::string& service, const HealthSpec& spec,
                      std::function<void(HealthResult)> done);
    // The port resolved against the Service's ports first (resolveServicePort).
    void checkService(const kube::Service& service, const HealthSpec& spec, std::function<void(HealthResult)> done);
    // Every pod, answered together in the order given.
    void checkPods(const std::vector<kube::Pod>& pods, const HealthSpec& spec,
                   std::function<void(std::vector<HealthResult>)> done);

    int inFlight() const { return m_inFlight; }
    int peakInFlight() const { return m_peak; }

private:
    void enqueue(std::function<void(std::function<void()> release)> job);
    void pump();
    void ask(kube::ProxyRequest request, const HealthSpec& spec, const std::string& target, bool service,
             std::function<void(HealthResult)> done);

    QPointer<kube::Client> m_client;
    int m_max;
    int m_inFlight = 0;
    int m_peak = 0;
    bool m_pumping = false;
    std::set<kube::Client::Id> m_requests;
    std::deque<std::function<void(std::function<void()>)>> m_waiting;
};

// The health of one slot (or the sandbox): its pods' answers and, for the slot the live or
// staging Service selects, that Service's own.
struct SlotHealth {
    std::string role;         // "live", "staging", "sandbox"; empty for a slot that neither Service selects
    std::optional<Slot> slot; // none for the sandbox
    std::string ns, deployment;
    std::optional<HealthResult> service; // the live or staging Service, asked through its proxy
    std::vector<HealthResult> pods;      // in name order
    std::string error;                   // the slot could not be read: why (a sentence)
};

// `signalbox check`: one service's health check, asked of the slots named by `which`: "" (the
// live and staging slots), "live", "staging", "a", "b" or "sandbox".
struct ServiceHealthReport {
    HealthSpec spec;                   // not configured: nothing was asked
    std::vector<std::string> problems; // annotations that could not be read
    std::vector<SlotHealth> slots;
    std::optional<kube::Error> error; // the live Service or the slots could not be read

    // Every result, the pods' first, then the Services': for the exit code.
    std::vector<HealthResult> results() const;
    // The first pod or Service that did not pass, as "uro-b-1 answered 500, expected 200".
    std::string firstFailure() const;
};

// Reads what `which` names afresh (the live Service, the staging Service, the slot Deployments and
// their pods) and asks every pod and Service through `prober`. Answers once, on the owning thread.
void checkServiceHealth(kube::Client* client, HealthProber* prober, const ServiceSpec& spec, const std::string& which,
                        std::function<void(ServiceHealthReport)> done);

} // namespace model
