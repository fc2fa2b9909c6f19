#pragma once

// The app's own health check as facts: how a service is asked (from the live Service's
// annotations and the configuration) and what one pod or Service answered. Pure; asking is
// model/observe/health.h.

#include "kube/objects.h"
#include "model/rules/healthpath.h"
#include "model/rules/servicespec.h"

#include <QDateTime>
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

// The pod's port number for `port` (the number or the name of one of its container ports); empty
// when the pod declares no container port of that number or name.
std::string resolvePodPort(const kube::Pod& pod, const std::string& port);

// The Service's port (its name, else its number) that leads to the check's `port`: the Service
// port of that name or number, else the one whose targetPort is it (the check names the
// container's port, which the Service may publish under another number). Empty when none does.
std::string resolveServicePort(const kube::Service& service, const std::string& port);

// "no health check" sentence for a service: what to set, and where.
std::string noHealthCheckSentence(const ServiceSpec& spec);

} // namespace model
