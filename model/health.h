#pragma once

// The app's own health check: does the release answer, asked through the API server's proxy
// (pods/NAME:PORT/proxy/PATH, services/NAME:PORT/proxy/PATH), the route that works from a laptop
// holding only a kubeconfig.

#include "kube/client.h"
#include "kube/objects.h"
#include "servicespec.h"

#include <QDateTime>
#include <QObject>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
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
    std::string servedBy; // the X-Pod header of the answer, when there is one
    std::string sentence; // "answered 200 in 12 ms", "did not answer within 2 s", ...
    QDateTime at;

    bool passed() const { return kind == Kind::Pass; }
};

// Asks pods and Services, with at most `maxInFlight` requests on the wire at a time (the rest
// wait in order). Every call answers on the owning thread.
class HealthProber : public QObject {
    Q_OBJECT

public:
    explicit HealthProber(kube::Client* client, int maxInFlight = 8, QObject* parent = nullptr);

    void checkPod(const kube::Pod& pod, const HealthSpec& spec, std::function<void(HealthResult)> done);
    void checkService(const std::string& ns, const std::string& service, const HealthSpec& spec,
                      std::function<void(HealthResult)> done);
    // Every pod, answered together in the order given.
    void checkPods(const std::vector<kube::Pod>& pods, const HealthSpec& spec,
                   std::function<void(std::vector<HealthResult>)> done);

    int inFlight() const { return m_inFlight; }
    int peakInFlight() const { return m_peak; }

private:
    void enqueue(std::function<void(std::function<void()> release)> job);
    void pump();

    kube::Client* m_client;
    int m_max;
    int m_inFlight = 0;
    int m_peak = 0;
    std::deque<std::function<void(std::function<void()>)>> m_waiting;
};

} // namespace model
