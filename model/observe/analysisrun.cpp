#include "model/observe/analysisrun.h"

#include "model/rules/join.h"
#include "model/rules/slotrules.h"

#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <memory>

namespace model {

prom::Client* makePrometheusClient(const PrometheusTarget& target, kube::Client* kube, QObject* parent)
{
    if (target.viaProxy()) {
        if (!kube)
            return nullptr;
        return new prom::Client(
            prom::Endpoint::serviceProxy(*kube, target.serviceNamespace, target.serviceName, target.servicePort),
            nullptr, parent);
    }
    if (target.url.empty())
        return nullptr;
    // The transport goes with the client, after it (a child is deleted once the client's destructor ran).
    auto* transport = new net::Transport;
    auto* client =
        new prom::Client(prom::Endpoint::url(target.url, target.bearerTokenFile, target.caFile), transport, parent);
    transport->setParent(client);
    return client;
}

namespace {

MeasuredValue valueOf(net::Result<prom::QueryResult> r)
{
    MeasuredValue v;
    if (!r) {
        v.problem = r.error().message;
        v.forbidden = r.error().httpStatus == 403;
        v.asked = false;
        return v;
    }
    const prom::QueryResult& q = r.value();
    if (q.type == prom::QueryResult::Type::Scalar) {
        v.value = q.scalar.value;
    } else if (q.type != prom::QueryResult::Type::Vector) {
        v.problem = std::string("the query answered a ") + prom::typeName(q.type) + ", not one number";
    } else if (q.vector.empty()) {
        v.problem = "no data";
    } else if (q.vector.size() > 1) {
        v.problem = "the query answered " + std::to_string(q.vector.size()) + " series, not one number";
    } else {
        v.value = q.vector.front().value;
    }
    return v;
}

} // namespace

void measureSide(prom::Client* prom, const AnalysisSpec& spec, const AnalysisSide& side, QObject* owner,
                 std::function<void(std::vector<MeasuredValue>)> done)
{
    auto values = std::make_shared<std::vector<MeasuredValue>>(spec.metrics.size());
    auto left = std::make_shared<std::size_t>(spec.metrics.size() + 1);
    QPointer<QObject> guard(owner);
    auto oneAnswered = [values, left, guard, done] {
        if (--*left == 0 && guard)
            done(*values);
    };
    for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
        if (i < side.recorded.size()) {
            (*values)[i] = side.recorded[i];
            oneAnswered();
            continue;
        }
        const auto expanded = expandQuery(spec.metrics[i].queryTemplate, side.vars);
        if (!expanded || expanded->noPods || !prom) {
            (*values)[i].problem = !expanded ? expanded.error().message
                                   : !prom   ? std::string("no Prometheus is configured")
                                             : "slot " + side.vars.slot + " has no pods";
            oneAnswered();
            continue;
        }
        prom->query(
            expanded->query, side.at,
            [values, i, oneAnswered](net::Result<prom::QueryResult> r) {
                (*values)[i] = valueOf(std::move(r));
                oneAnswered();
            },
            owner);
    }
    // The last count is taken on the event loop: `done` never runs inside this call.
    QTimer::singleShot(0, owner, oneAnswered);
}

void readPodNames(kube::Client* client, const std::string& ns, const kube::Deployment& d,
                  std::function<void(kube::Result<std::vector<std::string>>)> done)
{
    kube::ListOptions options;
    for (const auto& [k, v] : d.selector)
        options.labelSelector += (options.labelSelector.empty() ? "" : ",") + k + "=" + v;
    client->listPods(ns, options, [done](kube::Result<std::vector<kube::Pod>> pods) {
        if (!pods) {
            done(pods.error());
            return;
        }
        std::vector<std::string> names;
        for (const kube::Pod& p : pods.value())
            if (p.meta.deletionTimestamp.empty())
                names.push_back(p.meta.name);
        done(names);
    });
}

void readSlotPods(kube::Client* client, const ServiceSpec& spec, Slot slot, QObject* owner,
                  std::function<void(kube::Result<std::vector<std::string>>)> done)
{
    QPointer<QObject> guard(owner);
    const std::string ns = spec.ns;
    client->getDeployment(ns, spec.slotDeployment(slot), [=](kube::Result<kube::Deployment> dep) {
        if (!guard)
            return;
        if (!dep) {
            done(dep.error());
            return;
        }
        readPodNames(client, ns, dep.value(), [guard, done](kube::Result<std::vector<std::string>> names) {
            if (guard)
                done(std::move(names));
        });
    });
}

void readSlotsNow(kube::Client* client, const ServiceSpec& spec, QObject* owner, std::function<void(SlotsNow)> done)
{
    struct Reads {
        SlotsNow now;
        std::optional<kube::Service> staging;
        std::optional<kube::Deployment> a, b;
        int left = 6;
    };
    auto reads = std::make_shared<Reads>();
    QPointer<QObject> guard(owner);
    auto failed = [reads](const kube::Error& e) {
        if (reads->now.error.empty()) {
            reads->now.error = e.message;
            reads->now.forbidden = e.httpStatus == 403;
        }
    };
    auto oneRead = [reads, guard, done] {
        if (--reads->left > 0 || !guard)
            return;
        SlotsNow& now = reads->now;
        bool both = false;
        if (now.live)
            now.liveSlot = selectedSlot(*now.live, reads->a, reads->b, &both);
        if (reads->staging)
            now.stagingSlot = selectedSlot(*reads->staging, reads->a, reads->b, &both);
        done(now);
    };
    client->getService(spec.ns, spec.liveService, [=](kube::Result<kube::Service> r) {
        r ? void(reads->now.live = r.value()) : failed(r.error());
        oneRead();
    });
    client->getService(spec.ns, spec.stagingService, [=](kube::Result<kube::Service> r) {
        if (r)
            reads->staging = r.value();
        oneRead();
    });
    for (Slot slot : {Slot::A, Slot::B}) {
        client->getDeployment(spec.ns, spec.slotDeployment(slot), [=](kube::Result<kube::Deployment> r) {
            if (r)
                (slot == Slot::A ? reads->a : reads->b) = r.value();
            oneRead();
        });
        readSlotPods(client, spec, slot, owner, [=](kube::Result<std::vector<std::string>> r) {
            if (r)
                (slot == Slot::A ? reads->now.podsA : reads->now.podsB) = r.value();
            oneRead();
        });
    }
}

AnalysisRun::AnalysisRun(prom::Client* prom, AnalysisSpec spec, AnalysisSide candidate, AnalysisSide baseline,
                         int looks, QObject* parent)
    : QObject(parent), m_prom(prom), m_spec(std::move(spec)), m_candidate(std::move(candidate)),
      m_baseline(std::move(baseline)), m_next(new QTimer(this))
{
    // Fewer looks than failureLimit: each of them must fail for the verdict to, not a streak that cannot be.
    if (looks > 0) {
        m_spec.count = looks;
        m_spec.failureLimit = std::min(std::max(m_spec.failureLimit, 1), looks);
    }
    m_next->setSingleShot(true);
    connect(m_next, &QTimer::timeout, this, &AnalysisRun::look);
}

void AnalysisRun::start()
{
    if (m_running)
        return;
    m_running = true;
    look();
}

void AnalysisRun::stop()
{
    m_running = false;
    ++m_round;
    m_next->stop();
}

AnalysisLook AnalysisRun::lookOf(const AnalysisSpec& spec, const std::vector<MeasuredValue>& candidate,
                                 const std::vector<MeasuredValue>& baseline)
{
    AnalysisLook look;
    for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
        const MeasuredValue c = i < candidate.size() ? candidate[i] : MeasuredValue{};
        const MeasuredValue b = i < baseline.size() ? baseline[i] : MeasuredValue{};
        look.metrics.push_back(readMetric(spec.metrics[i], c, b));
        // Prometheus's refusal or absence is told once, not per metric.
        for (const MeasuredValue* v : {&c, &b})
            if (look.problem.empty() && !v->value && (v->forbidden || !v->asked)) {
                look.problem = v->problem;
                look.forbidden = v->forbidden;
            }
    }
    return look;
}

void AnalysisRun::look()
{
    if (!m_running)
        return;
    const int round = m_round;
    // Both sides' values, joined: the baseline's and the candidate's queries go out together.
    auto candidate = std::make_shared<std::optional<std::vector<MeasuredValue>>>();
    auto baseline = std::make_shared<std::optional<std::vector<MeasuredValue>>>();
    auto both = [this, round, candidate, baseline] {
        if (round == m_round && *candidate && *baseline)
            judge(lookOf(m_spec, **candidate, **baseline));
    };
    measureSide(m_prom, m_spec, m_candidate, this, [candidate, both](std::vector<MeasuredValue> v) {
        *candidate = std::move(v);
        both();
    });
    measureSide(m_prom, m_spec, m_baseline, this, [baseline, both](std::vector<MeasuredValue> v) {
        *baseline = std::move(v);
        both();
    });
}

void AnalysisRun::judge(AnalysisLook look)
{
    m_looks.push_back(look);
    Q_EMIT looked(look);
    VerdictResult v = analysisVerdict(m_looks, m_spec);
    // Prometheus cannot be asked: more looks would only say so again.
    if (v.verdict == Verdict::Running && !look.problem.empty() && lookOutcome(look) == Outcome::Inconclusive) {
        v.verdict = Verdict::Inconclusive;
        v.sentence = look.problem;
    } else if (v.verdict == Verdict::Inconclusive && !look.problem.empty()) {
        v.sentence = look.problem;
    }
    if (v.verdict != Verdict::Running) {
        stop();
        Q_EMIT finished(v);
        return;
    }
    m_next->start(std::max(m_spec.intervalSeconds, 1) * 1000);
}

} // namespace model
