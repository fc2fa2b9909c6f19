#include "health.h"

#include "keys.h"

#include <QPointer>
#include <algorithm>
#include <memory>

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
            if (allDigits(port) && !wholeIn(port, 1, 65535))
                problem(healthPortAnnotation, port, "a port number (1 to 65535) or a port name",
                        "the service has no health check from it");
            else
                h.port = port;
            fromAnnotations = true;
        }
        if (const std::string path = live->meta.annotation(healthPathAnnotation); !path.empty()) {
            if (path.front() != '/')
                problem(healthPathAnnotation, path, "a path starting with /", "using " + h.path);
            else
                h.path = path;
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
    if (c.path)
        h.path = *c.path;
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

HealthResult healthResultFrom(const kube::ProxyAnswer& a, const HealthSpec& spec, const std::string& ns,
                              const std::string& target, bool service, const std::string& port)
{
    using Outcome = kube::ProxyAnswer::Outcome;
    HealthResult r;
    r.target = target;
    r.service = service;
    r.milliseconds = a.elapsed.count();
    r.at = QDateTime::currentDateTimeUtc();
    switch (a.outcome) {
    case Outcome::Answered:
        r.status = static_cast<int>(a.status);
        r.servedBy = a.header("x-pod");
        if (a.status == spec.expectStatus) {
            r.kind = HealthResult::Kind::Pass;
            r.sentence = "answered " + std::to_string(a.status) + " in " + std::to_string(r.milliseconds) + " ms";
        } else {
            r.kind = HealthResult::Kind::Fail;
            r.sentence = "answered " + std::to_string(a.status) + ", expected " + std::to_string(spec.expectStatus);
        }
        break;
    case Outcome::TimedOut:
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "did not answer within " + std::to_string(spec.timeoutSeconds) + " s";
        break;
    case Outcome::Closed:
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "closed the connection without answering";
        break;
    case Outcome::Refused:
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "nothing listens on port " + port;
        break;
    case Outcome::NoEndpoints:
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "has no ready pods behind it";
        break;
    case Outcome::Unreachable:
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "could not be reached (" + a.detail.substr(0, 300) + ")";
        break;
    case Outcome::NotFound:
        r.kind = HealthResult::Kind::Fail;
        r.sentence = std::string(service ? "the Service" : "the pod") + " no longer exists";
        break;
    case Outcome::Forbidden: {
        const std::string what = service ? "services" : "pods";
        r.kind = HealthResult::Kind::Unknown;
        r.forbidden = true;
        r.sentence = "you may not ask " + what + " through the API server's proxy in namespace " + ns + " (get on " +
                     what + "/proxy)";
        break;
    }
    case Outcome::Failed:
        r.kind = HealthResult::Kind::Unknown;
        r.sentence = "could not be asked: " + a.message;
        break;
    }
    return r;
}

std::string resolvePodPort(const kube::Pod& pod, const std::string& port)
{
    if (allDigits(port))
        return port;
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

HealthProber::HealthProber(kube::Client* client, int maxInFlight, QObject* parent)
    : QObject(parent), m_client(client), m_max(std::max(1, maxInFlight))
{
}

HealthProber::~HealthProber()
{
    m_waiting.clear();
    if (m_client)
        for (kube::Client::Id id : m_requests)
            m_client->cancel(id);
}

void HealthProber::enqueue(std::function<void(std::function<void()>)> job)
{
    m_waiting.push_back(std::move(job));
    pump();
}

void HealthProber::pump()
{
    if (m_pumping)
        return; // a job that finished at once; the loop below goes on
    m_pumping = true;
    QPointer<HealthProber> self(this);
    while (self && m_inFlight < m_max && !m_waiting.empty()) {
        auto job = std::move(m_waiting.front());
        m_waiting.pop_front();
        ++m_inFlight;
        m_peak = std::max(m_peak, m_inFlight);
        auto released = std::make_shared<bool>(false);
        job([self, released] {
            if (*released || !self)
                return;
            *released = true;
            --self->m_inFlight;
            self->pump();
        });
    }
    if (self)
        m_pumping = false;
}

void HealthProber::ask(kube::ProxyRequest request, const HealthSpec& spec, const std::string& target, bool service,
                       std::function<void(HealthResult)> done)
{
    QPointer<HealthProber> self(this);
    enqueue([self, request = std::move(request), spec, target, service,
             done = std::move(done)](std::function<void()> release) mutable {
        if (!self || !self->m_client) {
            release();
            return;
        }
        auto id = std::make_shared<kube::Client::Id>(0);
        auto finished = std::make_shared<bool>(false);
        const std::string ns = request.ns;
        const std::string port = request.port;
        *id = self->m_client->proxyGet(
            request, [self, id, finished, spec, ns, target, service, port, done, release](kube::ProxyAnswer a) {
                *finished = true;
                if (self)
                    self->m_requests.erase(*id);
                release();
                done(healthResultFrom(a, spec, ns, target, service, port));
            });
        if (!*finished)
            self->m_requests.insert(*id);
    });
}

void HealthProber::checkPod(const kube::Pod& pod, const HealthSpec& spec, std::function<void(HealthResult)> done)
{
    HealthResult r;
    r.target = pod.meta.name;
    r.at = QDateTime::currentDateTimeUtc();
    if (!spec.configured()) {
        r.sentence = "has no health check";
        done(r);
        return;
    }
    const std::string port = resolvePodPort(pod, spec.port);
    if (port.empty()) {
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "has no container port named " + spec.port;
        done(r);
        return;
    }
    kube::ProxyRequest request;
    request.kind = "pods";
    request.ns = pod.meta.ns;
    request.name = pod.meta.name;
    request.port = port;
    request.path = spec.path;
    request.timeout = std::chrono::seconds(spec.timeoutSeconds);
    ask(std::move(request), spec, pod.meta.name, false, std::move(done));
}

void HealthProber::checkService(const std::string& ns, const std::string& service, const HealthSpec& spec,
                                std::function<void(HealthResult)> done)
{
    if (!spec.configured()) {
        HealthResult r;
        r.target = service;
        r.service = true;
        r.at = QDateTime::currentDateTimeUtc();
        r.sentence = "has no health check";
        done(r);
        return;
    }
    kube::ProxyRequest request;
    request.kind = "services";
    request.ns = ns;
    request.name = service;
    request.port = spec.port;
    request.path = spec.path;
    request.timeout = std::chrono::seconds(spec.timeoutSeconds);
    ask(std::move(request), spec, service, true, std::move(done));
}

void HealthProber::checkService(const kube::Service& service, const HealthSpec& spec,
                                std::function<void(HealthResult)> done)
{
    const std::string port = resolveServicePort(service, spec.port);
    if (spec.configured() && port.empty()) {
        HealthResult r;
        r.target = service.meta.name;
        r.service = true;
        r.kind = HealthResult::Kind::Fail;
        r.at = QDateTime::currentDateTimeUtc();
        r.sentence = "has no port " + spec.port + " (neither a port nor a target port of that name or number)";
        done(r);
        return;
    }
    HealthSpec resolved = spec;
    resolved.port = port;
    checkService(service.meta.ns, service.meta.name, resolved, std::move(done));
}

void HealthProber::checkPods(const std::vector<kube::Pod>& pods, const HealthSpec& spec,
                             std::function<void(std::vector<HealthResult>)> done)
{
    if (pods.empty()) {
        done({});
        return;
    }
    struct Gather {
        std::vector<HealthResult> results;
        std::size_t left = 0;
        std::function<void(std::vector<HealthResult>)> done;
    };
    auto g = std::make_shared<Gather>();
    g->results.resize(pods.size());
    g->left = pods.size();
    g->done = std::move(done);
    for (std::size_t i = 0; i < pods.size(); ++i)
        checkPod(pods[i], spec, [g, i](HealthResult r) {
            g->results[i] = std::move(r);
            if (--g->left == 0)
                g->done(std::move(g->results));
        });
}

} // namespace model
