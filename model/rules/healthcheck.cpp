#include "model/rules/healthcheck.h"

#include "model/rules/keys.h"

#include <algorithm>
#include <optional>

namespace model {

namespace {

bool allDigits(const std::string& s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A whole number in [low, high], or nothing.
std::optional<int> wholeIn(const std::string& s, int low, int high)
{
    if (!allDigits(s) || s.size() > 9)
        return std::nullopt;
    const int v = std::stoi(s);
    if (v < low || v > high)
        return std::nullopt;
    return v;
}

} // namespace

HealthSpec healthSpecFor(const ServiceSpec& spec, const kube::Service* live, std::vector<std::string>* problems)
{
    HealthSpec h;
    auto problem = [&](const std::string& key, const std::string& value, const std::string& want,
                       const std::string& kept) {
        if (problems)
            problems->push_back("The annotation " + key + " on Service " + spec.liveService + " is \"" + value +
                                "\", not " + want + "; " + kept + ". Correct the annotation.");
    };
    bool fromAnnotations = false;
    if (live) {
        const std::string port = live->meta.annotation(healthPortAnnotation);
        if (!port.empty()) {
            if (allDigits(port) ? !wholeIn(port, 1, 65535) : !isPortName(port))
                problem(healthPortAnnotation, port, "a port number (1 to 65535) or a port name",
                        "the service has no health check from it");
            else
                h.port = port;
            fromAnnotations = true;
        }
        if (const std::string path = live->meta.annotation(healthPathAnnotation); !path.empty()) {
            if (path.front() != '/') {
                problem(healthPathAnnotation, path, "a path starting with /", "using " + h.path);
            } else if (const std::string why = healthPathProblem(path); !why.empty()) {
                // Not the default either: a check that quietly asks another path would pass for the wrong
                // reason. Nothing is sent, and the check fails with this sentence until it is corrected.
                h.refused = "the annotation " + healthPathAnnotation + " on Service " + spec.liveService +
                            " is refused: " + why + "; no request is sent until it is corrected";
            } else {
                h.path = encodeHealthPath(path);
            }
            fromAnnotations = true;
        }
        struct Whole {
            const std::string& key;
            int& field;
            int low, high;
            const char* want;
        };
        for (const Whole& w : {Whole{healthExpectStatusAnnotation, h.expectStatus, 100, 599, "an HTTP status"},
                               Whole{healthTimeoutAnnotation, h.timeoutSeconds, 1, 60, "seconds from 1 to 60"},
                               Whole{healthIntervalAnnotation, h.intervalSeconds, 1, 3600, "seconds from 1 to 3600"}}) {
            const std::string value = live->meta.annotation(w.key);
            if (value.empty())
                continue;
            fromAnnotations = true;
            if (auto v = wholeIn(value, w.low, w.high))
                w.field = *v;
            else
                problem(w.key, value, w.want, "using " + std::to_string(w.field));
        }
    }
    const HealthConfig& c = spec.health;
    if (c.port)
        h.port = *c.port;
    if (c.path) {
        h.path = encodeHealthPath(*c.path); // the configuration file refuses what healthPathProblem refuses
        h.refused.clear();
    }
    if (c.expectStatus)
        h.expectStatus = *c.expectStatus;
    if (c.timeoutSeconds)
        h.timeoutSeconds = *c.timeoutSeconds;
    if (c.intervalSeconds)
        h.intervalSeconds = *c.intervalSeconds;
    if (fromAnnotations && c.any())
        h.source = "annotations on Service " + spec.liveService + " and the configuration file";
    else if (c.any())
        h.source = "the configuration file";
    else if (fromAnnotations)
        h.source = "annotations on Service " + spec.liveService;
    return h;
}

std::string resolvePodPort(const kube::Pod& pod, const std::string& port)
{
    if (allDigits(port)) {
        // Only a port the pod declares: an annotation may not point the proxy at any port of the pod.
        const bool declared = std::any_of(pod.ports.begin(), pod.ports.end(),
                                          [&](const kube::ContainerPort& p) { return std::to_string(p.port) == port; });
        return declared ? port : std::string();
    }
    const int n = pod.portNamed(port);
    return n > 0 ? std::to_string(n) : std::string();
}

std::string resolveServicePort(const kube::Service& service, const std::string& port)
{
    if (port.empty())
        return {};
    auto name = [](const kube::ServicePort& p) { return p.name.empty() ? std::to_string(p.port) : p.name; };
    for (const auto& p : service.ports)
        if ((!p.name.empty() && p.name == port) || std::to_string(p.port) == port)
            return name(p);
    for (const auto& p : service.ports)
        if (p.targetPort == port)
            return name(p);
    return {};
}

std::string noHealthCheckSentence(const ServiceSpec& spec)
{
    return spec.name + " has no health check: set the annotation " + healthPortAnnotation + " on Service " +
           spec.liveService + " or health: in services.yaml";
}

} // namespace model
