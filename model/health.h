#pragma once

// The app's own health check: does the release answer, asked through the API server's proxy
// (pods/NAME:PORT/proxy/PATH, services/NAME:PORT/proxy/PATH), the route that works from a laptop
// holding only a kubeconfig.

#include "healthpath.h"
#include "kube/client.h"
#include "kube/objects.h"
#include "servicespec.h"

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

// How one service's app is asked whether it works. `port` empty: the service has no health check.
struct HealthSpec {
    std::string port; // a number or a port name (the pod's container port, the Service's port)
    std::string path = "/health";
    int expectStatus = 200;
    int timeoutSeconds = 2;
    int intervalSeconds = 15;
    std::string source; // where it came from, for people: "annotations on Service uro", "services.yaml"
    // Why no request may be sent for this check (a path that would leave the proxy, say), naming
    // the annotation; empty when the check may be asked. A refused check fails without a request.
    std::string refused;

    bool configured() const { return !port.empty(); }
};

// The health check of a service: the live Service's annotations (model/keys.h), each field
// overridden by the configuration's `health:` of that service. Values that cannot be read are
// named in `problems` and the default is kept.
HealthSpec healthSpecFor(const ServiceSpec& spec, const kube::Service* live, std::vector<std::string>* problems);

// One answer (or its absence) from one pod or Service.
struct HealthResult {
    enum class Kind { Pass, Fail, Unknown }; // Unknown: not asked yet, or not allowed to ask
    Kind kind = Kind::Unknown;
    std::string target;   // pod or Service name
    bool service = false; // the target is a Service
    int status = 0;       // the HTTP status the app answered; 0 when it did not answer
    long long milliseconds = 0;
    std::string servedBy;   // the X-Pod header of the answer, when there is one
    std::string sentence;   // "answered 200 in 12 ms", "did not answer within 2 s", ...
    bool forbidden = false; // Unknown because the user may not use the proxy (get on pods/proxy)
    QDateTime at;

    bool passed() const { return kind == Kind::Pass; }
};

// How one proxied answer reads as a health result (pure): `port` is the port asked, for the
// sentence "nothing listens on port 4000".
HealthResult healthResultFrom(const kube::ProxyAnswer& answer, const HealthSpec& spec, const std::string& ns,
                              const std::string& target, bool service, const std::string& port);

// The pod's port number for `port` (the number or the name of one of its container ports); empty
// when the pod declares no container port of that number or name.
std::string resolvePodPort(const kube::Pod& pod, const std::string& port);

// The Service's port (its name, else its number) that leads to the check's `port`: the Service
// port of that name or number, else the one whose targetPort is it (the check names the
// container's port, which the Service may publish under another number). Empty when none does.
std::string resolveServicePort(const kube::Service& service, const std::string& port);

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
    std::string role; // "live", "staging", "sandbox"; empty for a slot that neither Service selects
    char slot = 0;    // 'a' or 'b'; 0 for the sandbox
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

// "no health check" sentence for a service: what to set, and where.
std::string noHealthCheckSentence(const ServiceSpec& spec);

} // namespace model
