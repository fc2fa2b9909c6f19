#include "model/actions/watchedswap.h"

#include "kube/record.h"
#include "model/rules/release.h"

#include <QPointer>

namespace model {

std::string WatchOutcome::result() const
{
    switch (verdict) {
    case Verdict::Held:
        return "held";
    case Verdict::Ended:
        return why;
    case Verdict::RolledBack:
        return "rolled back: " + why;
    case Verdict::Worse:
    case Verdict::RollbackRefused:
    case Verdict::RollbackFailed:
        break;
    }
    return "failed: " + why;
}

std::string WatchOutcome::failure() const
{
    if (ok())
        return {};
    return rollback.empty() ? why : why + ". " + rollback;
}

bool WatchedSwap::follows(const SwapPlan& plan, const SwapOutcome& outcome, int seconds)
{
    return outcome.succeeded() && plan.kind == SwapPlan::Kind::Swap && seconds > 0;
}

std::vector<WatchedSwap::Member> WatchedSwap::membersOf(const SwapPlan& swapped)
{
    std::vector<Member> members;
    for (const SwapMember& m : swapped.members)
        members.push_back({m.spec, m.liveTo});
    return members;
}

WatchedSwap::WatchedSwap(kube::Client* client, std::vector<Member> members, int seconds, std::string user,
                         QObject* parent)
    : QObject(parent), m_client(client), m_user(std::move(user)), m_holding(members.size())
{
    for (Member& m : members) {
        auto* watch = new SwapWatch(client, std::move(m.spec), m.slot, seconds, nullptr, this);
        m_watches.push_back(watch);
        connect(watch, &SwapWatch::progressed, this, &WatchedSwap::progressed);
        connect(watch, &SwapWatch::held, this, [this, watch](const std::string& text) { memberHeld(watch, text); });
        connect(watch, &SwapWatch::worse, this, [this, watch](const std::string& text) { memberWorse(watch, text); });
    }
}

void WatchedSwap::setRollbackOnFailure(std::string service, std::vector<ServiceSpec> group, ServiceConfig config)
{
    m_rollback = Rollback{std::move(service), std::move(group), std::move(config)};
}

void WatchedSwap::setPrometheus(const PrometheusTarget& topLevel)
{
    for (SwapWatch* w : m_watches)
        w->setPrometheus(topLevel);
}

void WatchedSwap::start()
{
    for (SwapWatch* w : m_watches)
        w->start();
}

void WatchedSwap::stop()
{
    m_decided = true;
    for (SwapWatch* w : m_watches)
        w->stop();
}

void WatchedSwap::endNow(const std::string& why)
{
    if (m_decided)
        return;
    m_decided = true;
    std::vector<SwapWatch*> running;
    for (SwapWatch* w : m_watches)
        if (w->running())
            running.push_back(w);
    stop();
    m_outcome.verdict = WatchOutcome::Verdict::Ended;
    m_outcome.why = why;
    auto left = std::make_shared<std::size_t>(running.size() + 1);
    auto oneRecorded = [this, left] {
        if (--*left == 0)
            Q_EMIT finished(m_outcome);
    };
    for (SwapWatch* w : running)
        record(w, m_outcome.result(), oneRecorded);
    oneRecorded();
}

void WatchedSwap::memberHeld(SwapWatch* watch, const std::string& sentence)
{
    m_outcome.held = sentence;
    Q_EMIT held(sentence);
    record(watch, "held", [this] {
        if (--m_holding == 0 && !m_decided)
            Q_EMIT finished(m_outcome);
    });
}

void WatchedSwap::memberWorse(SwapWatch* watch, const std::string& sentence)
{
    if (m_decided)
        return; // the first member that got worse decides
    stop();
    WatchOutcome outcome = m_outcome;
    outcome.verdict = WatchOutcome::Verdict::Worse;
    outcome.why = sentence;
    Q_EMIT worse(sentence);
    if (m_rollback)
        rollBack(outcome, watch);
    else
        conclude(outcome, watch);
}

void WatchedSwap::rollBack(WatchOutcome outcome, SwapWatch* failed)
{
    auto* back = new Swapper(m_client, m_rollback->group, nullptr, this);
    back->setFreshGroup(m_rollback->config);
    back->plan({SwapPlan::Kind::Rollback, m_rollback->service}, [this, back, outcome, failed](SwapPlan plan) mutable {
        if (!plan.allowed()) {
            const Check* f = plan.firstFailure();
            outcome.verdict = WatchOutcome::Verdict::RollbackRefused;
            outcome.rollback = "The rollback was refused: " + (f ? f->text : std::string("nothing to roll back")) + ".";
            Q_EMIT rollbackEnded(outcome);
            conclude(outcome, failed);
            return;
        }
        Q_EMIT rollbackPlanned(plan);
        back->execute(
            plan, [this](const std::string& step) { Q_EMIT progressed(step); },
            [this, outcome, failed](SwapOutcome o) mutable {
                outcome.verdict =
                    o.succeeded() ? WatchOutcome::Verdict::RolledBack : WatchOutcome::Verdict::RollbackFailed;
                outcome.rollback = o.succeeded() ? o.message : "The rollback failed: " + o.message;
                Q_EMIT rollbackEnded(outcome);
                conclude(outcome, failed);
            });
    });
}

void WatchedSwap::conclude(const WatchOutcome& outcome, SwapWatch* failed)
{
    // A refusal to record a member that held meanwhile stays told.
    std::optional<kube::Error> notRecorded = m_outcome.notRecorded;
    m_outcome = outcome;
    if (!m_outcome.notRecorded)
        m_outcome.notRecorded = std::move(notRecorded);
    record(failed, outcome.result(), [this] { Q_EMIT finished(m_outcome); });
}

void WatchedSwap::record(SwapWatch* watch, const std::string& result, std::function<void()> then)
{
    QPointer<WatchedSwap> self(this);
    const kube::HistoryEntry entry = watchHistoryEntry(*watch, m_user, nowUtcText(), result);
    recordWatchVerdict(
        m_client, watch->spec(), entry,
        [self, entry, ns = watch->spec().ns, then = std::move(then)](std::optional<kube::Error> refused) {
            if (!self)
                return;
            if (refused) {
                if (!self->m_outcome.notRecorded)
                    self->m_outcome.notRecorded = refused;
                Q_EMIT self->notRecorded(*refused);
                then();
                return;
            }
            self->extendRecord(ns, entry, then);
        });
}

void WatchedSwap::extendRecord(const std::string& ns, const kube::HistoryEntry& entry, std::function<void()> then)
{
    // The verdict into the namespace's longer record too, by the writer the history named (the client
    // keeps who the API server says we are); the verdict stands whatever this answers.
    QPointer<WatchedSwap> self(this);
    m_client->whoAmI(
        [self, ns, entry, then](kube::Result<kube::UserInfo> who) {
            if (!self)
                return;
            kube::appendToRecord(self->m_client, ns, {entry}, who ? who->username : entry.user,
                                 [self, then](kube::RecordWritten w) {
                                     if (!self)
                                         return;
                                     if (!w.extended)
                                         Q_EMIT self->progressed(w.problem);
                                     then();
                                 });
        },
        kube::Client::Freshness::MayCache);
}

} // namespace model
