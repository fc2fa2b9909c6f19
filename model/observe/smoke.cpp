#include "model/observe/smoke.h"

#include "model/rules/healthcheck.h"
#include "model/rules/healthpath.h"
#include "model/rules/join.h"
#include "net/text.h"

#include <QTimer>
#include <algorithm>
#include <optional>
#include <set>

namespace model {

namespace {

// Enough of a body for its first lines and a JSON field; the rest is not read.
constexpr std::size_t smokeBodyLimit = 16 * 1024;

} // namespace

SmokeAnswer smokeAnswerFrom(const kube::ProxyAnswer& a, const SmokeRequest& request, int timeoutSeconds,
                            const std::string& port)
{
    using Outcome = kube::ProxyAnswer::Outcome;
    SmokeAnswer s;
    s.milliseconds = a.elapsed.count();
    switch (a.outcome) {
    case Outcome::Answered:
        s.status = static_cast<int>(a.status);
        s.headers.assign(a.headers.begin(), a.headers.end());
        s.body = a.body;
        if (!request.expectJsonField.empty())
            s.jsonField = kube::jsonFieldText(a.body, request.expectJsonField);
        break;
    case Outcome::TimedOut:
        s.failure = "did not answer within " + std::to_string(timeoutSeconds) + " s";
        break;
    case Outcome::Closed:
        s.failure = "closed the connection without answering";
        break;
    case Outcome::Refused:
        s.failure = "found nothing listening on port " + port;
        break;
    case Outcome::NoEndpoints:
        s.failure = "found no ready pods behind the staging Service";
        break;
    case Outcome::Unreachable:
        s.failure = "could not reach staging (" + net::text::forTerminal(net::text::cut(a.detail, 300, "…")) + ")";
        break;
    case Outcome::NotFound:
        s.failure = "found no staging Service (it may have been deleted)";
        break;
    case Outcome::Forbidden:
    case Outcome::Failed:
        s.failure = "could not be sent: " + net::text::forTerminal(net::text::cut(a.message, 300, "…"));
        break;
    }
    return s;
}

std::string smokePort(const kube::Service& staging, const HealthSpec& health)
{
    if (health.configured() && health.refused.empty())
        if (std::string port = resolveServicePort(staging, health.port); !port.empty())
            return port;
    if (staging.ports.empty())
        return {};
    const kube::ServicePort& p = staging.ports.front();
    return p.name.empty() ? std::to_string(p.port) : p.name;
}

std::string smokeRefusal(const std::string& method, const std::string& verb, const std::string& ns)
{
    return "you may not send " + method + " requests through the API server's proxy to Services in namespace " + ns +
           " (" + verb + " on services/proxy)";
}

struct SmokeRunner::Run {
    std::string ns, service, port;
    SmokeSpec spec;
    std::function<void(SmokeReport)> done;
    std::vector<std::optional<SmokeResult>> results; // per send, in order
    std::vector<std::function<void()>> parts;        // the join's, one per send not yet answered
    std::size_t next = 0;
    std::set<kube::Client::Id> onTheWire;
    QPointer<QTimer> timer;
    std::string refusal; // the API server refused the proxy: said once
    bool cancelled = false;
};

SmokeRunner::SmokeRunner(kube::Client* client, QObject* parent) : QObject(parent), m_client(client) {}

SmokeRunner::~SmokeRunner()
{
    cancel();
}

void SmokeRunner::cancel()
{
    auto runs = std::move(m_runs);
    m_runs.clear();
    for (const auto& run : runs) {
        run->cancelled = true;
        if (run->timer)
            run->timer->deleteLater();
        if (m_client)
            for (kube::Client::Id id : run->onTheWire)
                m_client->cancel(id);
        run->parts.clear(); // dropped: the join ends, and says nothing for a cancelled run
    }
}

void SmokeRunner::run(const std::string& ns, const std::string& service, const std::string& port, const SmokeSpec& spec,
                      std::function<void(SmokeReport)> done)
{
    auto run = std::make_shared<Run>();
    run->ns = ns;
    run->service = service;
    run->port = port;
    run->spec = spec;
    run->done = std::move(done);
    const std::size_t total = spec.requests.size() * static_cast<std::size_t>(std::max(1, spec.repeat));
    run->results.resize(total);
    // Every send is a part of one join: the report goes out once each has answered, or can no
    // longer (cancelled, refused before its turn). The join holds the run weakly: the runner owns it.
    std::weak_ptr<Run> weak = run;
    QPointer<SmokeRunner> self(this);
    auto join = Join::make([weak, self](const Join::Result& r) {
        auto ended = weak.lock();
        if (!ended || ended->cancelled || !self)
            return;
        SmokeReport report;
        report.ns = ended->ns;
        report.service = ended->service;
        report.port = ended->port;
        for (auto& result : ended->results)
            if (result)
                report.answers.push_back(std::move(*result));
        if (!ended->refusal.empty()) {
            report.error = ended->refusal;
            report.forbidden = true;
        } else if (!r.complete()) {
            report.error = r.error().message;
        }
        summarizeSmoke(ended->spec, report);
        if (ended->timer)
            ended->timer->deleteLater();
        self->m_runs.erase(std::remove(self->m_runs.begin(), self->m_runs.end(), ended), self->m_runs.end());
        auto finish = std::move(ended->done);
        finish(std::move(report));
    });
    for (std::size_t i = 0; i < total; ++i)
        run->parts.push_back(join->part("smoke request " + std::to_string(i + 1) + " of " + std::to_string(total)));
    m_runs.push_back(run);
    if (total > 0) {
        auto* timer = new QTimer(this);
        timer->setInterval(1000 / std::clamp(spec.ratePerSecond, 1, maxSmokeRatePerSecond));
        run->timer = timer;
        connect(timer, &QTimer::timeout, this, [this, weak] {
            if (auto current = weak.lock())
                sendNext(current);
        });
        timer->start();
        sendNext(run);
    }
    join->seal();
}

void SmokeRunner::sendNext(std::shared_ptr<Run> run)
{
    if (run->cancelled || run->next >= run->results.size() || !run->refusal.empty()) {
        if (run->timer)
            run->timer->stop();
        return;
    }
    const std::size_t index = run->next++;
    const std::size_t which = index % run->spec.requests.size();
    const SmokeRequest& q = run->spec.requests[which];
    auto part = std::move(run->parts[index]);
    if (!m_client)
        return; // dropped: the join names it
    kube::ProxyRequest request;
    request.kind = "services";
    request.ns = run->ns;
    request.name = run->service;
    request.port = run->port;
    request.path = encodeHealthPath(q.path);
    request.timeout = std::chrono::seconds(run->spec.timeoutSeconds);
    request.maxBody = smokeBodyLimit;
    request.method = q.method;
    request.headers = q.headers;
    request.body = q.body;
    const std::string verb = request.verb();
    std::weak_ptr<Run> weak = run;
    auto id = std::make_shared<kube::Client::Id>(0);
    auto finished = std::make_shared<bool>(false);
    *id = m_client->proxySend(request, [weak, index, which, id, finished, verb, part](kube::ProxyAnswer a) {
        *finished = true;
        auto current = weak.lock();
        if (!current || current->cancelled)
            return;
        current->onTheWire.erase(*id);
        const SmokeRequest& asked = current->spec.requests[which];
        if (a.outcome == kube::ProxyAnswer::Outcome::Forbidden) {
            // Told once, by name; what has not been sent yet is not sent.
            if (current->refusal.empty())
                current->refusal = smokeRefusal(asked.method, verb, current->ns);
            for (auto& rest : current->parts)
                rest = nullptr;
            part();
            return;
        }
        const SmokeAnswer answer = smokeAnswerFrom(a, asked, current->spec.timeoutSeconds, current->port);
        const SmokeJudgement j = judgeSmokeAnswer(asked, answer);
        current->results[index] = SmokeResult{which, answer.status, answer.milliseconds, j.passed, j.sentence};
        part();
    });
    if (!*finished)
        run->onTheWire.insert(*id);
}

void smokeService(kube::Client* client, SmokeRunner* runner, const ServiceSpec& spec,
                  std::function<void(ServiceSmokeReport)> done)
{
    struct Read {
        std::optional<kube::Service> live, staging;
        std::optional<kube::Error> error;
    };
    auto read = std::make_shared<Read>();
    QPointer<SmokeRunner> guard(runner);
    auto join = Join::make([=](const Join::Result& r) {
        ServiceSmokeReport out;
        if (!r.complete())
            read->error = r.error();
        if (read->error || !read->live || !read->staging || !guard) {
            out.error = read->error;
            if (!out.error)
                out.error = kube::Error::config("The live Service " + spec.liveService + " or the staging Service " +
                                                spec.stagingService + " does not exist in " + spec.ns + ".");
            done(std::move(out));
            return;
        }
        out.spec = smokeSpecFor(spec, &*read->live, &out.problems);
        if (out.spec.requests.empty()) {
            done(std::move(out));
            return;
        }
        const HealthSpec health = healthSpecFor(spec, &*read->live, nullptr);
        const std::string port = smokePort(*read->staging, health);
        guard->run(spec.ns, spec.stagingService, port, out.spec, [out, done](SmokeReport report) mutable {
            out.report = std::move(report);
            done(std::move(out));
        });
    });
    auto keep = [read](std::optional<kube::Service>& into, kube::Result<kube::Service> s) {
        if (s)
            into = std::move(s).value();
        else if (!read->error && s.error().httpStatus != 404)
            read->error = s.error();
    };
    client->getService(
        spec.ns, spec.liveService,
        [read, keep, part = join->part("the live Service " + spec.liveService)](kube::Result<kube::Service> s) {
            keep(read->live, std::move(s));
            part();
        });
    client->getService(
        spec.ns, spec.stagingService,
        [read, keep, part = join->part("the staging Service " + spec.stagingService)](kube::Result<kube::Service> s) {
            keep(read->staging, std::move(s));
            part();
        });
    join->seal();
}

} // namespace model
