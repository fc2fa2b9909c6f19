#include "model/actions/swapwatch.h"

#include "model/actions/swap.h"
#include "model/rules/keys.h"

#include <QTimer>
#include <algorithm>

namespace model {

SwapWatch::SwapWatch(kube::Client* client, ServiceSpec spec, Slot slot, int seconds, HealthProber* prober,
                     QObject* parent)
    : QObject(parent), m_client(client), m_spec(std::move(spec)), m_slot(slot), m_seconds(seconds), m_prober(prober),
      m_next(new QTimer(this))
{
    if (!m_prober && client)
        m_prober = new HealthProber(client, 8, this);
    m_subject.service = m_spec.name;
    m_subject.liveService = m_spec.liveService;
    m_subject.slot = slot;
    m_next->setSingleShot(true);
    connect(m_next, &QTimer::timeout, this, &SwapWatch::look);
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
        look();
    });
}

void SwapWatch::stop()
{
    m_running = false;
    ++m_round;
    m_next->stop();
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

kube::HistoryEntry watchHistoryEntry(const SwapWatch& watch, const std::string& user, const std::string& at,
                                     const std::string& result)
{
    kube::HistoryEntry e;
    e.at = at;
    e.user = user;
    e.action = watchAction;
    e.service = watch.spec().name;
    e.to.slot = name(watch.slot());
    e.to.deployment = watch.spec().slotDeployment(watch.slot());
    e.to.image = watch.image();
    e.result = result;
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
