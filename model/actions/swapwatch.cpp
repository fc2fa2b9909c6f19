#include "model/actions/swapwatch.h"

#include "model/actions/swap.h"
#include "model/rules/keys.h"

#include <QTimer>
#include <algorithm>

namespace model {

SwapWatch::SwapWatch(kube::Client* client, ServiceSpec spec, Slot slot, int seconds, HealthProber* prober,
                     QObject* parent)
    : QObject(parent), m_client(client), m_spec(std::move(spec)), m_slot(slot), m_seconds(seconds), m_prober(prober),
      m_next(new QTimer(this)), m_nextAnalysis(new QTimer(this))
{
    if (!m_prober && client)
        m_prober = new HealthProber(client, 8, this);
    m_subject.service = m_spec.name;
    m_subject.liveService = m_spec.liveService;
    m_subject.slot = slot;
    m_next->setSingleShot(true);
    connect(m_next, &QTimer::timeout, this, &SwapWatch::look);
    m_nextAnalysis->setSingleShot(true);
    connect(m_nextAnalysis, &QTimer::timeout, this, &SwapWatch::analysisLook);
}

void SwapWatch::start()
{
    if (m_running || !m_client)
        return;
    m_running = true;
    m_started = QDateTime::currentDateTimeUtc();
    const int round = ++m_round;
    QPointer<SwapWatch> self(this);
    // The health check is the live Service's (its annotations, overridden by the configuration).
    m_client->getService(m_spec.ns, m_spec.liveService, [=, this](kube::Result<kube::Service> r) {
        if (!self || round != m_round)
            return;
        std::optional<kube::Service> live;
        if (r)
            live = std::move(r).value();
        std::vector<std::string> problems;
        m_health = healthSpecFor(m_spec, live ? &*live : nullptr, &problems);
        m_subject.expectStatus = m_health.expectStatus;
        if (live)
            startAnalysis(*live);
        look();
    });
}

void SwapWatch::stop()
{
    m_running = false;
    ++m_round;
    m_next->stop();
    m_nextAnalysis->stop();
}

void SwapWatch::look()
{
    if (!m_running)
        return;
    const int round = m_round;
    QPointer<SwapWatch> self(this);
    const std::string deployment = m_spec.slotDeployment(m_slot);
    m_client->getDeployment(m_spec.ns, deployment, [=, this](kube::Result<kube::Deployment> dep) {
        if (!self || round != m_round)
            return;
        auto look = std::make_shared<WatchLook>();
        if (!dep) {
            look->readFailure = dep.error().message;
            judge(*look);
            return;
        }
        look->desired = dep->replicas;
        if (m_image.empty() && !dep->podTemplate.containers.empty())
            m_image = dep->podTemplate.containers.front().image;
        std::string selector;
        for (const auto& [k, v] : dep->selector)
            selector += (selector.empty() ? "" : ",") + k + "=" + v;
        kube::ListOptions options;
        options.labelSelector = selector;
        m_client->listPods(m_spec.ns, options, [=, this](kube::Result<std::vector<kube::Pod>> r) {
            if (!self || round != m_round)
                return;
            if (!r) {
                look->readFailure = r.error().message;
                judge(*look);
                return;
            }
            std::vector<kube::Pod> pods;
            for (auto& p : r.value())
                if (p.meta.deletionTimestamp.empty())
                    pods.push_back(std::move(p));
            for (const auto& p : pods)
                look->pods.push_back({p.meta.name, p.ready(), p.restarts()});
            if (!m_health.configured() || !m_prober) {
                judge(*look);
                return;
            }
            // The pods' checks and the live Service's, judged together.
            auto left = std::make_shared<int>(2);
            auto answered = [=, this] {
                if (--*left == 0 && self && round == m_round)
                    judge(*look);
            };
            m_prober->checkPods(pods, m_health, [look, answered](std::vector<HealthResult> results) {
                look->podChecks = std::move(results);
                answered();
            });
            m_prober->checkService(m_spec.ns, m_spec.liveService, m_health, [look, answered](HealthResult result) {
                look->serviceCheck = std::move(result);
                answered();
            });
        });
    });
}

void SwapWatch::judge(const WatchLook& look)
{
    if (!m_running)
        return;
    const WatchJudgement j = judgeWatch(m_subject, m_memory, look);
    m_memory = j.memory;
    const qint64 elapsed = m_started.secsTo(QDateTime::currentDateTimeUtc());
    if (j.worse) {
        stop();
        Q_EMIT worse(j.sentence);
        return;
    }
    if (elapsed >= m_seconds) {
        stop();
        Q_EMIT held(m_spec.name + ": slot " + letter(m_slot) + " held for " + durationText(m_seconds) +
                    " after the swap");
        return;
    }
    Q_EMIT progressed(j.sentence + " (" + durationText(static_cast<int>(elapsed)) + " of " + durationText(m_seconds) +
                      ")");
    const int lookSeconds = watchLookSeconds(m_seconds, m_health.configured() ? m_health.intervalSeconds : 0);
    // The last look falls at the end of the window, not after it.
    const qint64 leftMs = qint64(m_seconds) * 1000 - m_started.msecsTo(QDateTime::currentDateTimeUtc());
    m_next->start(static_cast<int>(std::clamp<qint64>(leftMs, 0, qint64(lookSeconds) * 1000)));
}

void SwapWatch::startAnalysis(const kube::Service& live)
{
    std::vector<std::string> problems;
    m_analysis = analysisSpecFor(m_spec, &live, &problems);
    const PrometheusTarget target = prometheusTargetFor(m_spec, m_topLevel, &live, &problems);
    if (m_analysis.metrics.empty() || !target.configured())
        return;
    m_prom = makePrometheusClient(target, m_client, this);
    const int round = m_round;
    QPointer<SwapWatch> self(this);
    const Slot before = m_slot == Slot::A ? Slot::B : Slot::A;
    // Live-before: the old live slot's pods, over the window that ended at the swap.
    readSlotPods(m_client, m_spec, before, this, [=, this](kube::Result<std::vector<std::string>> pods) {
        if (!self || round != m_round)
            return;
        AnalysisSide side;
        side.vars = {m_spec.ns, m_spec.name, name(before), pods ? pods.value() : std::vector<std::string>{},
                     m_analysis.windowSeconds};
        side.at = m_started;
        measureSide(m_prom, m_analysis, side, this, [=, this](std::vector<MeasuredValue> values) {
            if (round != m_round)
                return;
            m_liveBefore = std::move(values);
            analysisLook();
        });
    });
}

void SwapWatch::analysisLook()
{
    if (!m_running || !m_prom || !m_liveBefore)
        return;
    const int round = m_round;
    QPointer<SwapWatch> self(this);
    readSlotPods(m_client, m_spec, m_slot, this, [=, this](kube::Result<std::vector<std::string>> pods) {
        if (!self || round != m_round)
            return;
        AnalysisSide side;
        side.vars = {m_spec.ns, m_spec.name, name(m_slot), pods ? pods.value() : std::vector<std::string>{},
                     m_analysis.windowSeconds};
        measureSide(m_prom, m_analysis, side, this, [=, this](std::vector<MeasuredValue> values) {
            if (round == m_round)
                judgeAnalysis(values);
        });
    });
}

void SwapWatch::judgeAnalysis(const std::vector<MeasuredValue>& liveAfter)
{
    const AnalysisLook look = AnalysisRun::lookOf(m_analysis, liveAfter, *m_liveBefore);
    m_lastLook = look;
    const AnalysisJudgement j = judgeAnalysisLook(m_streaks, look, m_analysis.failureLimit, "slot " + letter(m_slot));
    m_streaks = j.streaks;
    if (j.worse) {
        stop();
        Q_EMIT worse(m_spec.name + ": " + j.sentence + " (live-after against live-before)");
        return;
    }
    Q_EMIT progressed(m_spec.name + ": slot " + letter(m_slot) + ": " + j.sentence + " (" +
                      valuesText(look.metrics, true) + "; before the swap " + valuesText(look.metrics, false) + ")");
    m_nextAnalysis->start(std::max(m_analysis.intervalSeconds, 1) * 1000);
}

std::string SwapWatch::analysisRecord() const
{
    if (!m_lastLook)
        return {};
    return "live-before " + valuesText(m_lastLook->metrics, false) + "; live-after " +
           valuesText(m_lastLook->metrics, true);
}

kube::HistoryEntry watchHistoryEntry(const SwapWatch& watch, const std::string& user, const std::string& at,
                                     const std::string& result)
{
    kube::HistoryEntry e;
    e.at = at;
    if (watch.started().isValid())
        e.started = watch.started().toString(Qt::ISODateWithMs).toStdString();
    e.user = user;
    e.action = watchAction;
    e.service = watch.spec().name;
    e.to.slot = name(watch.slot());
    e.to.deployment = watch.spec().slotDeployment(watch.slot());
    e.to.image = watch.image();
    const std::string metrics = watch.analysisRecord();
    e.result = metrics.empty() ? result : result + " (" + metrics + ")";
    return e;
}

namespace {

// Appends `entry` (by `writer`) to the live Service's history as read in `live`, testing both
// annotations as read; a conflict reads again (recordWatchVerdict), up to three times.
void appendWatchVerdict(kube::Client* client, const ServiceSpec& spec, const kube::HistoryEntry& entry,
                        const std::string& writer, const kube::Service& live,
                        std::function<void(std::optional<kube::Error>)> done, int attempt)
{
    const kube::HistoryRecord before{live.meta.annotation(historyAnnotation),
                                     live.meta.annotation(historyAuthorsAnnotation)};
    const kube::HistoryRecord after = kube::appendHistory(before, entry, writer, historyCap);
    kube::AnnotationWrite write;
    write.values = {{historyAnnotation, before.history, after.history},
                    {historyAuthorsAnnotation, before.authors, after.authors}};
    write.annotationMap = live.meta.hasAnnotationMap;
    client->patchService(spec.ns, spec.liveService, kube::annotationPatch(write), [=](kube::Result<kube::Service> p) {
        if (kube::carriedOut(p)) {
            done(std::nullopt);
            return;
        }
        if (p.error().apiReason == kube::Error::Reason::Conflict && attempt < 3) {
            recordWatchVerdict(client, spec, entry, done, attempt + 1);
            return;
        }
        done(p.error());
    });
}

} // namespace

void recordWatchVerdict(kube::Client* client, const ServiceSpec& spec, const kube::HistoryEntry& entry,
                        std::function<void(std::optional<kube::Error>)> done, int attempt)
{
    // The writer as the API server knows them (the client keeps the answer the swap asked for),
    // for the entry's author line.
    client->whoAmI(
        [=](kube::Result<kube::UserInfo> who) {
            const std::string writer = who ? who->username : entry.user;
            client->getService(spec.ns, spec.liveService, [=](kube::Result<kube::Service> live) {
                if (!live) {
                    done(live.error());
                    return;
                }
                appendWatchVerdict(client, spec, entry, writer, live.value(), done, attempt);
            });
        },
        kube::Client::Freshness::MayCache);
}

} // namespace model
