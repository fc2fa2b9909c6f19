#include "model/observe/health.h"

#include "model/rules/healthpath.h"
#include "model/rules/join.h"
#include "model/rules/keys.h"
#include "model/rules/release.h"
#include "model/rules/rules.h"
#include "net/text.h"

#include <QPointer>
#include <algorithm>
#include <memory>

namespace model {

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
        r.servedBy = net::text::cut(a.header("x-pod"), 253, "…"); // the app writes it: a pod name, if honest
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
        r.sentence = "could not be reached (" + net::text::cut(a.detail, 300, "…") + ")";
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
    if (!spec.refused.empty()) {
        r.kind = HealthResult::Kind::Fail;
        r.sentence = "not asked: " + spec.refused;
        done(r);
        return;
    }
    const std::string port = resolvePodPort(pod, spec.port);
    if (port.empty()) {
        r.kind = HealthResult::Kind::Fail;
        r.sentence = isPortName(spec.port) ? "has no container port named " + spec.port
                                           : "declares no container port " + spec.port;
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
    if (!spec.refused.empty()) {
        HealthResult r;
        r.target = service;
        r.service = true;
        r.kind = HealthResult::Kind::Fail;
        r.at = QDateTime::currentDateTimeUtc();
        r.sentence = "not asked: " + spec.refused;
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
    if (spec.configured() && spec.refused.empty() && port.empty()) {
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
    if (spec.refused.empty())
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

std::vector<HealthResult> ServiceHealthReport::results() const
{
    std::vector<HealthResult> out;
    for (const auto& s : slots)
        out.insert(out.end(), s.pods.begin(), s.pods.end());
    for (const auto& s : slots)
        if (s.service)
            out.push_back(*s.service);
    return out;
}

std::string ServiceHealthReport::firstFailure() const
{
    for (const auto& r : results())
        if (r.kind == HealthResult::Kind::Fail)
            return (r.service ? "Service " : "") + r.target + " " + r.sentence;
    for (const auto& s : slots)
        if (!s.error.empty())
            return s.error;
    for (const auto& r : results())
        if (!r.passed())
            return (r.service ? "Service " : "") + r.target + ": " + r.sentence;
    return {};
}

std::vector<kube::Pod> podsToAsk(std::vector<kube::Pod> pods)
{
    std::erase_if(pods, [](const kube::Pod& p) { return !p.meta.deletionTimestamp.empty(); });
    std::sort(pods.begin(), pods.end(),
              [](const kube::Pod& x, const kube::Pod& y) { return x.meta.name < y.meta.name; });
    return pods;
}

namespace {

std::string selectorText(const kube::Labels& selector)
{
    std::string out;
    for (const auto& [k, v] : selector)
        out += (out.empty() ? "" : ",") + k + "=" + v;
    return out;
}

struct HealthRun {
    kube::Client* client;
    QPointer<HealthProber> prober;
    ServiceSpec spec;
    std::string which;
    ServiceHealthReport report;
    std::optional<kube::Service> live, staging;
    std::optional<kube::Deployment> a, b;
    std::function<void(ServiceHealthReport)> done;
    bool finished = false;

    void finish()
    {
        if (finished)
            return;
        finished = true;
        done(std::move(report));
    }
};

// The answer a slot of the report waits for at the top: its Deployment (the sandbox's is read
// first) and, through it, its pods and Service. The role keeps the name apart when live and
// staging select one slot.
std::string slotAnswer(const SlotHealth& slot)
{
    return "the " + (slot.role.empty() ? std::string() : slot.role + " ") + "slot's Deployment " + slot.deployment;
}

// Asks the pods of every slot of the report (and the Services of the live and staging slots). An
// answer that can no longer come is the slot's error, by name.
void askSlots(std::shared_ptr<HealthRun> run)
{
    auto& slots = run->report.slots;
    auto all = Join::make([run](const Join::Result& r) {
        for (SlotHealth& slot : run->report.slots)
            if (slot.error.empty() && r.lacks(slotAnswer(slot)))
                slot.error = "no answer came for " + slotAnswer(slot);
        run->finish();
    });
    for (std::size_t i = 0; i < slots.size(); ++i) {
        SlotHealth& slot = slots[i];
        if (!slot.error.empty())
            continue;
        const kube::Service* svc = slot.role == "live"      ? (run->live ? &*run->live : nullptr)
                                   : slot.role == "staging" ? (run->staging ? &*run->staging : nullptr)
                                                            : nullptr;
        std::optional<kube::Deployment> d = slot.slot ? bySlot(*slot.slot, run->a, run->b) : std::nullopt;
        auto askPods = [run, i, svc = svc ? std::optional<kube::Service>(*svc) : std::nullopt](
                           const kube::Deployment& deployment, std::function<void()> answered) {
            auto parts = Join::make([run, i, answered](const Join::Result& r) {
                std::string& error = run->report.slots[i].error;
                if (!r.complete() && error.empty())
                    error = "no answer came for " + r.list();
                answered();
            });
            if (svc && run->prober)
                run->prober->checkService(
                    *svc, run->report.spec,
                    [run, i, asked = parts->part("the health check of the Service " + svc->meta.name)](HealthResult r) {
                        run->report.slots[i].service = std::move(r);
                        asked();
                    });
            kube::ListOptions options;
            options.labelSelector = selectorText(deployment.selector);
            const std::string ns = run->report.slots[i].ns;
            run->client->listPods(
                ns, options,
                [run, i, asked = parts->part("the health check of the pods of " + deployment.meta.name)](
                    kube::Result<std::vector<kube::Pod>> r) {
                    if (!r || !run->prober) {
                        run->report.slots[i].error = r ? std::string("the check was stopped")
                                                       : "its pods cannot be listed: " + r.error().message;
                        asked();
                        return;
                    }
                    std::vector<kube::Pod> pods = podsToAsk(std::move(r).value());
                    if (pods.empty())
                        run->report.slots[i].error = "it has no pods to ask";
                    run->prober->checkPods(pods, run->report.spec, [run, i, asked](std::vector<HealthResult> results) {
                        run->report.slots[i].pods = std::move(results);
                        asked();
                    });
                });
            parts->seal();
        };
        if (d) {
            askPods(*d, all->part(slotAnswer(slot)));
            continue;
        }
        // The sandbox: its Deployment is read here.
        run->client->getDeployment(
            slot.ns, slot.deployment,
            [run, i, askPods, answered = all->part(slotAnswer(slot))](kube::Result<kube::Deployment> sandbox) {
                if (!sandbox) {
                    run->report.slots[i].error = "its Deployment cannot be read: " + sandbox.error().message;
                    answered();
                    return;
                }
                askPods(sandbox.value(), answered);
            });
    }
    all->seal();
}

void planSlots(std::shared_ptr<HealthRun> run)
{
    const ServiceSpec& spec = run->spec;
    auto slotOf = [&](Slot slot, const std::string& role) {
        SlotHealth s;
        s.role = role;
        s.slot = slot;
        s.ns = spec.ns;
        s.deployment = spec.slotDeployment(slot);
        if (!bySlot(slot, run->a, run->b))
            s.error = "its Deployment " + s.deployment + " does not exist";
        return s;
    };
    bool both = false;
    const std::optional<Slot> live = selectedSlot(*run->live, run->a, run->b, &both);
    const std::optional<Slot> staging =
        run->staging ? selectedSlot(*run->staging, run->a, run->b, &both) : std::nullopt;
    auto byRole = [&](const std::string& role) {
        const std::optional<Slot> slot = role == "live" ? live : staging;
        if (slot)
            return slotOf(*slot, role);
        SlotHealth s;
        s.role = role;
        s.ns = spec.ns;
        s.error = "the " + role + " Service " + (role == "live" ? spec.liveService : spec.stagingService) +
                  (role == "staging" && !run->staging ? " does not exist" : " does not select exactly one slot");
        return s;
    };
    auto& slots = run->report.slots;
    if (run->which.empty() || run->which == "live")
        slots.push_back(byRole("live"));
    if (run->which.empty() || run->which == "staging")
        slots.push_back(byRole("staging"));
    if (const std::optional<Slot> slot = parseSlot(run->which)) {
        slots.push_back(slotOf(*slot, slot == live ? "live" : slot == staging ? "staging" : ""));
    }
    askSlots(run);
}

} // namespace

void checkServiceHealth(kube::Client* client, HealthProber* prober, const ServiceSpec& spec, const std::string& which,
                        std::function<void(ServiceHealthReport)> done)
{
    auto run = std::make_shared<HealthRun>();
    run->client = client;
    run->prober = prober;
    run->spec = spec;
    run->which = which;
    run->done = std::move(done);
    // The live Service's answer that can no longer come is the report's error, by name.
    auto liveRead = Join::make([run](const Join::Result& r) {
        if (r.complete())
            return;
        run->report.error = r.error();
        run->finish();
    });
    client->getService(
        spec.ns, spec.liveService,
        [run, answered = liveRead->part("the live Service " + spec.liveService)](kube::Result<kube::Service> live) {
            answered();
            if (!live) {
                run->report.error = live.error();
                run->finish();
                return;
            }
            run->live = live.value();
            run->report.spec = healthSpecFor(run->spec, &*run->live, &run->report.problems);
            if (!run->report.spec.configured()) {
                run->finish();
                return;
            }
            if (run->which == "sandbox") {
                SlotHealth s;
                s.role = "sandbox";
                s.ns = run->spec.sandboxNamespace;
                s.deployment = run->spec.sandboxDeployment;
                run->report.slots.push_back(s);
                askSlots(run);
                return;
            }
            const ServiceSpec& member = run->spec;
            // A read whose answer can no longer come is the report's error, by name.
            auto join = Join::make([run](const Join::Result& r) {
                if (!r.complete())
                    run->report.error = r.error();
                if (run->report.error)
                    run->finish();
                else
                    planSlots(run);
            });
            auto keep = [run](const kube::Error& e) {
                if (e.httpStatus != 404 && !run->report.error)
                    run->report.error = e;
            };
            run->client->getService(member.ns, member.stagingService,
                                    [run, keep, answered = join->part("the staging Service " + member.stagingService)](
                                        kube::Result<kube::Service> read) {
                                        if (!read)
                                            keep(read.error()); // a field of the wrong type is not "does not exist"
                                        else
                                            run->staging = std::move(read).value();
                                        answered();
                                    });
            for (Slot slot : {Slot::A, Slot::B})
                run->client->getDeployment(
                    member.ns, member.slotDeployment(slot),
                    [run, keep, slot, answered = join->part("the Deployment " + member.slotDeployment(slot))](
                        kube::Result<kube::Deployment> read) {
                        if (!read)
                            keep(read.error());
                        else
                            bySlot(slot, run->a, run->b) = std::move(read).value();
                        answered();
                    });
            join->seal();
        });
    liveRead->seal();
}

} // namespace model
