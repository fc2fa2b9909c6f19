#include "model/actions/swap.h"

#include "kube/record.h"
#include "model/observe/analysisrun.h"
#include "model/observe/health.h"
#include "model/observe/smoke.h"
#include "model/rules/imageref.h"
#include "model/rules/join.h"
#include "model/rules/release.h"
#include "model/rules/rules.h"
#include "model/state/servicelookup.h"
#include "model/state/servicestate.h"
#include "net/text.h"

#include <QDateTime>
#include <QTimer>
#include <algorithm>
#include <map>
#include <set>

namespace model {

using nlohmann::json;

namespace {

// A slot label's value as read, for a sentence: "A" for a, else the value itself.
std::string selectedText(const std::string& value)
{
    const std::optional<Slot> slot = parseSlot(value);
    return slot ? letter(*slot) : value;
}

SwapOutcome outcome(SwapOutcome::Status s, std::string message)
{
    SwapOutcome o;
    o.status = s;
    o.message = std::move(message);
    return o;
}

} // namespace

Swapper::Swapper(kube::Client* client, std::vector<ServiceSpec> group, ActionSeams* seams, QObject* parent)
    : QObject(parent), m_client(client), m_prober(new HealthProber(client, 8, this)),
      m_smoker(new SmokeRunner(client, this)), m_group(std::move(group)), m_seams(seams ? seams : &ActionSeams::none())
{
}

namespace {

// Keeps the first read error that is not a 404 (a missing object is a fact of its own).
void keepError(SwapFacts& read, const kube::Error& e)
{
    if (!read.error && e.httpStatus != 404)
        read.error = e;
}

} // namespace

void Swapper::readMember(const ServiceSpec& spec, const Reads& reads,
                         std::function<void(std::shared_ptr<SwapFacts>)> done)
{
    // The reads and access reviews of one service, in parallel but for the two Services. A read
    // whose answer can no longer come is the member's error, by name: the plan fails on it. When
    // this Swapper went away meanwhile, so did whoever asked.
    auto read = std::make_shared<SwapFacts>();
    QPointer<Swapper> self(this);
    auto join = Join::make([self, read, done](const Join::Result& r) {
        if (!r.complete() && !self)
            return;
        if (!r.complete())
            read->error = r.error();
        done(read);
    });
    const Snapshot* listed = reads.listed.get();
    const kube::Service* liveListed = listed ? listed->service(spec.ns, spec.liveService) : nullptr;
    const kube::Service* stagingListed = listed ? listed->service(spec.ns, spec.stagingService) : nullptr;
    if (liveListed && stagingListed) {
        // Both from one list: one snapshot, which is more than staging-then-live GETs promise.
        read->live = *liveListed;
        read->liveHasAnnotations = liveListed->meta.hasAnnotationMap;
        read->staging = *stagingListed;
    } else {
        auto stagingRead = join->part("the staging Service " + spec.stagingService);
        auto liveRead = join->part("the live Service " + spec.liveService);
        readServices(spec, read, std::move(stagingRead), std::move(liveRead));
    }
    for (Slot slot : {Slot::A, Slot::B}) {
        if (const kube::Deployment* d = listed ? listed->deployment(spec.ns, spec.slotDeployment(slot)) : nullptr) {
            bySlot(slot, read->a, read->b) = *d;
            continue;
        }
        m_client->getDeployment(spec.ns, spec.slotDeployment(slot),
                                [=, answered = join->part("the Deployment " + spec.slotDeployment(slot))](
                                    kube::Result<kube::Deployment> d) {
                                    // A field of the wrong type is not "does not exist".
                                    if (d)
                                        bySlot(slot, read->a, read->b) = std::move(d).value();
                                    else
                                        keepError(*read, d.error());
                                    answered();
                                });
    }
    const auto freshness = reads.reviews;
    auto access = [=, this](const kube::Resource& res, const std::string& verb, const std::string& name,
                            bool SwapFacts::*flag, std::function<void()> answered) {
        m_client->checkAccess(
            {verb, res, spec.ns, name, {}},
            [=](kube::Result<kube::AccessDecision> d) {
                if (d)
                    (*read).*flag = d->allowed;
                else
                    keepError(*read, d.error());
                answered();
            },
            freshness);
    };
    access(kube::resources::services, "patch", spec.liveService, &SwapFacts::mayPatchLive,
           join->part("the access review to patch the Service " + spec.liveService));
    access(kube::resources::services, "patch", spec.stagingService, &SwapFacts::mayPatchStaging,
           join->part("the access review to patch the Service " + spec.stagingService));
    access(kube::resources::events, "create", {}, &SwapFacts::mayRecord,
           join->part("the access review to create Events in " + spec.ns));
    join->seal();
}

void Swapper::readServices(const ServiceSpec& spec, std::shared_ptr<SwapFacts> read, std::function<void()> stagingRead,
                           std::function<void()> liveRead)
{
    QPointer<Swapper> self(this);
    // Staging is read first and live only after it: a swap moves live before staging, so a read
    // that overlaps a swap sees the state before it or a live that already moved ("changed
    // since"), never a staging that seems to share live's slot when it does not.
    auto readLive = [=, this] {
        m_client->getService(spec.ns, spec.liveService, [=](kube::Result<kube::Service> s) {
            if (s) {
                read->liveHasAnnotations = s->meta.hasAnnotationMap;
                read->live = std::move(s).value();
            } else {
                keepError(*read, s.error());
            }
            liveRead();
        });
    };
    m_client->getService(spec.ns, spec.stagingService, [=, this](kube::Result<kube::Service> s) {
        if (s)
            read->staging = std::move(s).value();
        else
            keepError(*read, s.error());
        stagingRead();
        if (!self)
            return; // the live read is never asked: the join names it
        m_seams->betweenSwapReads(spec.name, readLive);
    });
}

void Swapper::plan(const SwapRequest& request, std::function<void(SwapPlan)> done)
{
    planWith(request, {}, std::move(done));
}

void Swapper::planWith(const SwapRequest& request, Reads reads, std::function<void(SwapPlan)> done)
{
    const SwapPlan::Kind kind = request.kind;
    const std::string service = request.service;
    const std::optional<Slot> expectLive = request.expectLive;
    const std::set<Evidence> skip = request.skip;
    const std::vector<ServiceSpec> members = swapMembers(kind, service, m_group);
    if (members.empty()) {
        done(planSwap(kind, service, members, {}, expectLive, skip));
        return;
    }
    auto facts = std::make_shared<std::vector<SwapFacts>>(members.size());
    auto user = std::make_shared<std::string>();
    const auto readsOf = [](const ServiceSpec& spec) { return "the reads of " + spec.name; };
    const std::string whoAmI = "the SelfSubjectReview of who you are";
    QPointer<Swapper> self(this);
    auto join = Join::make([=](const Join::Result& r) {
        // A member whose reads can no longer answer fails on that, by name; so does a plan that
        // cannot learn whose it is. When this Swapper went away meanwhile, so did whoever asked.
        if (!r.complete() && !self)
            return;
        for (std::size_t i = 0; i < members.size(); ++i)
            if (r.lacks(readsOf(members[i])))
                (*facts)[i].error = Join::Result{{readsOf(members[i])}}.error();
        SwapPlan plan = planSwap(kind, service, members, *facts, expectLive, skip);
        plan.user = *user;
        if (r.lacks(whoAmI))
            plan.checks.push_back({Join::Result{{whoAmI}}.error().message, false});
        done(std::move(plan));
    });
    for (std::size_t i = 0; i < members.size(); ++i) {
        const ServiceSpec spec = members[i];
        const std::string key = spec.ns + "/" + spec.name;
        readMember(spec, reads,
                   [self, kind, spec, facts, i, answered = join->part(readsOf(spec)), key,
                    reads](std::shared_ptr<SwapFacts> read) {
                       auto store = [facts, i, answered, read, key, reads] {
                           if (reads.health && read->health)
                               reads.health->emplace(key, *read->health);
                           if (reads.smoke && read->smoke)
                               reads.smoke->emplace(key, *read->smoke);
                           if (reads.analysis && read->analysis)
                               reads.analysis->emplace(key, *read->analysis);
                           (*facts)[i] = std::move(*read);
                           answered();
                       };
                       // A rollback or repair has no health gate.
                       if (kind != SwapPlan::Kind::Swap || !self) {
                           store();
                           return;
                       }
                       self->readEvidence(spec, reads, read, store);
                   });
    }
    m_client->whoAmI(
        [user, answered = join->part(whoAmI)](kube::Result<kube::UserInfo> who) {
            if (who)
                *user = who->username;
            answered();
        },
        reads.reviews);
    join->seal();
}

void Swapper::readEvidence(const ServiceSpec& spec, const Reads& reads, std::shared_ptr<SwapFacts> read,
                           std::function<void()> done)
{
    const std::string key = spec.ns + "/" + spec.name;
    // The analysis looked at confirm is the one the swap goes by: Prometheus is asked once.
    bool analysisKept = false;
    if (reads.analysis)
        if (auto kept = reads.analysis->find(key); kept != reads.analysis->end()) {
            read->analysis = kept->second;
            analysisKept = true;
        }
    // A swap at once re-checks on the health check its plan has just asked.
    if (reads.health)
        if (auto kept = reads.health->find(key); kept != reads.health->end()) {
            read->health = kept->second;
            if (reads.smoke)
                if (auto keptSmoke = reads.smoke->find(key); keptSmoke != reads.smoke->end())
                    read->smoke = keptSmoke->second;
            done();
            return;
        }
    // The health check and the smoke requests are asked once the Services and slots are known: they need
    // the live Service's annotations, the staging slot's pods and Service.
    auto evidence = Join::make(std::move(done));
    readHealth(spec, read, evidence->part("the staging pods' health check"));
    readSmoke(spec, read, evidence->part("the smoke requests to staging"));
    if (!analysisKept)
        readAnalysis(spec, read, evidence->part("the metric analysis of staging"));
    evidence->seal();
}

void Swapper::readHealth(const ServiceSpec& spec, std::shared_ptr<SwapFacts> read, std::function<void()> done)
{
    HealthFacts h;
    h.spec = healthSpecFor(spec, read->live ? &*read->live : nullptr, nullptr);
    bool both = false;
    const std::optional<Slot> staging =
        read->staging && !read->error ? selectedSlot(*read->staging, read->a, read->b, &both) : std::nullopt;
    const std::optional<kube::Deployment> none;
    const std::optional<kube::Deployment>& d = staging ? bySlot(*staging, read->a, read->b) : none;
    if (!h.spec.configured() || !staging || !d) {
        // Nothing to ask: no check, or the plan fails on the Services and slots already.
        read->health = std::move(h);
        done();
        return;
    }
    std::string selector;
    for (const auto& [k, v] : d->selector)
        selector += (selector.empty() ? "" : ",") + k + "=" + v;
    kube::ListOptions options;
    options.labelSelector = selector;
    // An answer that can no longer come (the request was dropped) fails the health check by name
    // rather than leaving the plan waiting; when this Swapper went away, so did whoever asked.
    QPointer<Swapper> self(this);
    auto join = Join::make([self, read, h, done](const Join::Result& r) {
        if (!r.complete() && !self)
            return;
        if (!r.complete()) {
            HealthFacts failed = h;
            failed.error = "no answer came for " + r.list();
            read->health = std::move(failed);
        }
        done();
    });
    m_client->listPods(
        spec.ns, options,
        [=, answered = join->part("the staging pods' health check")](kube::Result<std::vector<kube::Pod>> r) {
            if (!self)
                return;
            if (!r) {
                HealthFacts failed = h;
                failed.error = "the staging pods cannot be listed: " + r.error().message;
                read->health = std::move(failed);
                answered();
                return;
            }
            self->m_prober->checkPods(podsToAsk(std::move(r).value()), h.spec, [=](std::vector<HealthResult> results) {
                HealthFacts asked = h;
                asked.pods = std::move(results);
                read->health = std::move(asked);
                answered();
            });
        });
    join->seal();
}

void Swapper::readSmoke(const ServiceSpec& spec, std::shared_ptr<SwapFacts> read, std::function<void()> done)
{
    SmokeFacts f;
    std::vector<std::string> problems;
    f.spec = smokeSpecFor(spec, read->live ? &*read->live : nullptr, &problems);
    if (f.spec.requests.empty() && !problems.empty())
        f.report.error = problems.front(); // the gate fails on it until the annotation is corrected
    if (f.spec.requests.empty() || !read->staging || read->error) {
        // Nothing to send: none configured, or the plan fails on the Services already.
        read->smoke = std::move(f);
        done();
        return;
    }
    const HealthSpec health = healthSpecFor(spec, read->live ? &*read->live : nullptr, nullptr);
    const std::string port = smokePort(*read->staging, health);
    if (port.empty()) {
        f.report.error = "the staging Service " + spec.stagingService + " has no port to send them to";
        read->smoke = std::move(f);
        done();
        return;
    }
    // A run that can no longer answer (this Swapper went away) drops `done`: the join names it.
    m_smoker->run(spec.ns, spec.stagingService, port, f.spec, [read, f, done](SmokeReport report) {
        SmokeFacts sent = f;
        sent.report = std::move(report);
        read->smoke = std::move(sent);
        done();
    });
}

namespace {

// The analysis of `spec` and where to ask, as configured; `problem` when it cannot be asked as it stands.
AnalysisFacts configuredAnalysis(const ServiceSpec& spec, const PrometheusTarget& topLevel, const kube::Service* live)
{
    AnalysisFacts f;
    std::vector<std::string> specProblems, targetProblems;
    f.spec = analysisSpecFor(spec, live, &specProblems);
    f.target = prometheusTargetFor(spec, topLevel, live, &targetProblems);
    if (f.spec.metrics.empty() && !specProblems.empty())
        f.problem = specProblems.front(); // the gate fails on it until the annotation is corrected
    else if (!f.spec.metrics.empty() && !f.target.configured())
        f.problem = !targetProblems.empty() ? targetProblems.front()
                                            : "no Prometheus is configured for " + spec.name +
                                                  " (prometheus: in services.yaml, or the annotation "
                                                  "signalbox.v-sekai.org/prometheus on Service " +
                                                  spec.liveService + ")";
    return f;
}

} // namespace

void Swapper::readAnalysis(const ServiceSpec& spec, std::shared_ptr<SwapFacts> read, std::function<void()> done)
{
    const kube::Service* live = read->live ? &*read->live : nullptr;
    AnalysisFacts f = configuredAnalysis(spec, m_prometheus, live);
    bool both = false;
    const std::optional<Slot> liveSlot =
        live && !read->error ? selectedSlot(*live, read->a, read->b, &both) : std::nullopt;
    const std::optional<Slot> stagingSlot =
        read->staging && !read->error ? selectedSlot(*read->staging, read->a, read->b, &both) : std::nullopt;
    const std::optional<kube::Deployment> none;
    const std::optional<kube::Deployment>& liveD = liveSlot ? bySlot(*liveSlot, read->a, read->b) : none;
    const std::optional<kube::Deployment>& stagingD = stagingSlot ? bySlot(*stagingSlot, read->a, read->b) : none;
    if (f.spec.metrics.empty() || !f.problem.empty() || !liveD || !stagingD || liveSlot == stagingSlot) {
        // Nothing to ask: none configured, or the plan fails on the Services and slots already.
        read->analysis = std::move(f);
        done();
        return;
    }
    // One client for this look, deleted with it; its answers go nowhere once this Swapper is gone.
    prom::Client* prom = makePrometheusClient(f.target, m_client, this);
    const QPointer<prom::Client> alive(prom);
    struct Sides {
        AnalysisSide candidate, baseline;
        std::optional<std::vector<MeasuredValue>> candidateValues, baselineValues;
    };
    auto sides = std::make_shared<Sides>();
    sides->candidate.vars = {spec.ns, spec.name, name(*stagingSlot), {}, f.spec.windowSeconds};
    sides->baseline.vars = {spec.ns, spec.name, name(*liveSlot), {}, f.spec.windowSeconds};
    auto looked = [read, f, sides, prom, done] {
        if (!sides->candidateValues || !sides->baselineValues)
            return;
        AnalysisFacts asked = f;
        asked.look = AnalysisRun::lookOf(f.spec, *sides->candidateValues, *sides->baselineValues);
        read->analysis = std::move(asked);
        prom->deleteLater();
        done();
    };
    auto measure = [=](std::string podsError) {
        if (!alive)
            return; // this Swapper went away, and whoever asked with it
        if (!podsError.empty()) {
            AnalysisFacts failed = f;
            failed.problem = "the slots' pods cannot be listed: " + podsError;
            read->analysis = std::move(failed);
            prom->deleteLater();
            done();
            return;
        }
        measureSide(prom, f.spec, sides->candidate, prom, [sides, looked](std::vector<MeasuredValue> v) {
            sides->candidateValues = std::move(v);
            looked();
        });
        measureSide(prom, f.spec, sides->baseline, prom, [sides, looked](std::vector<MeasuredValue> v) {
            sides->baselineValues = std::move(v);
            looked();
        });
    };
    // Both slots' pods, then both sides' queries; a list that fails makes the look inconclusive.
    auto podsError = std::make_shared<std::string>();
    auto listed = Join::make(std::function<void()>([podsError, measure] { measure(*podsError); }));
    for (auto [side, d] : {std::pair{&sides->candidate, &*stagingD}, std::pair{&sides->baseline, &*liveD}})
        readPodNames(m_client, spec.ns, *d,
                     [side, podsError, answered = listed->part()](kube::Result<std::vector<std::string>> pods) {
                         if (pods)
                             side->vars.pods = std::move(pods).value();
                         else if (podsError->empty())
                             *podsError = pods.error().message;
                         answered();
                     });
    listed->seal();
}

struct Swapper::Run {
    SwapPlan plan;
    bool eventsRecorded = false; // every Event of the swap has answered (or can no longer)
    std::optional<SwapOutcome> verified;
    bool finished = false;
    // Verification: per member the new slot's pods and the live Service's EndpointSlices, watched
    // from before the first patch; `verifying` is the member being checked (size: none yet).
    std::vector<std::pair<QPointer<kube::Informer>, QPointer<kube::Informer>>> watches;
    std::size_t verifying = static_cast<std::size_t>(-1);
    std::vector<std::string> liveVersions; // per member, the live Service's resourceVersion after its patch
    QPointer<QTimer> deadline;
    std::function<void(const std::string&)> progress;
    std::function<void(SwapOutcome)> done;
    QDateTime started;
    qint64 startMs = 0;
    std::string entryTime;
};

void Swapper::execute(const SwapPlan& confirmed, Progress progress, std::function<void(SwapOutcome)> done)
{
    progress("Checking the cluster again");
    // Access reviews at execute may come from the client's cache: the confirm's own plan asked them
    // afresh moments ago, any 401 or new 403 drops them, and the API server judges each patch anyway.
    Reads reads;
    reads.reviews = kube::Client::Freshness::MayCache;
    if (!m_freshGroup || confirmed.members.empty() || confirmed.kind == SwapPlan::Kind::Repair) {
        executeFresh(confirmed, reads, progress, done);
        return;
    }
    QPointer<Swapper> self(this);
    const std::string ns = confirmed.members.front().spec.ns;
    lookupServices(
        m_client, *m_freshGroup, ns,
        [=, this](kube::Result<std::vector<ServiceSpec>> all, std::shared_ptr<const Snapshot> listed) mutable {
            if (!self)
                return;
            reads.listed = std::move(listed);
            // Someone who may not list the namespace's Services sees only the group they were shown.
            if (all) {
                std::vector<ServiceSpec> group = groupOf(all.value(), confirmed.service);
                if (!group.empty())
                    m_group = std::move(group);
            } else if (all.error().httpStatus != 403) {
                done(outcome(SwapOutcome::Status::Failed, "Could not read the members of " + confirmed.service +
                                                              "'s group again: " + all.error().message +
                                                              " Nothing was changed."));
                return;
            }
            executeFresh(confirmed, reads, progress, done);
        });
}

void Swapper::atOnce(std::shared_ptr<const Snapshot> listed, const SwapRequest& request,
                     std::function<std::optional<SwapPlan>(const SwapPlan&)> decide, Progress progress,
                     std::function<void(SwapOutcome)> done)
{
    Reads reads;
    reads.listed = std::move(listed);
    reads.health = std::make_shared<std::map<std::string, HealthFacts>>();
    reads.smoke = std::make_shared<std::map<std::string, SmokeFacts>>();
    reads.analysis = std::make_shared<std::map<std::string, AnalysisFacts>>();
    // One rules review per namespace of the group, asked now, grants what it lists; what it does
    // not list is asked one by one, also now.
    reads.reviews = kube::Client::Freshness::GrantedOrFresh;
    std::set<std::string> namespaces;
    for (const auto& spec : m_group)
        namespaces.insert(spec.ns);
    QPointer<Swapper> self(this);
    auto planned = [=, this](SwapPlan fresh) {
        if (!self)
            return;
        const std::optional<SwapPlan> plan = decide(fresh);
        if (!plan)
            return;
        if (!reads.listed) {
            execute(*plan, progress, done);
            return;
        }
        progress("Checking the plan again");
        // The plan's reads are the fresh reads: the group and its objects as the command's lookup
        // just listed them. The plan asked the access reviews afresh; here they come from the
        // client's cache.
        Reads again = reads;
        again.reviews = kube::Client::Freshness::MayCache;
        executeFresh(*plan, std::move(again), progress, done);
    };
    m_client->reviewRulesOf(namespaces, [=, this] {
        if (self)
            planWith(request, reads, planned);
    });
}

void Swapper::executeFresh(const SwapPlan& confirmed, Reads reads, Progress progress,
                           std::function<void(SwapOutcome)> done)
{
    // The analysis the person confirmed on is the one the swap goes by (and records): not asked again.
    if (!reads.analysis) {
        reads.analysis = std::make_shared<std::map<std::string, AnalysisFacts>>();
        for (const SwapMember& m : confirmed.members)
            if (m.analysis)
                reads.analysis->emplace(m.spec.ns + "/" + m.spec.name, *m.analysis);
    }
    QPointer<Swapper> self(this);
    const std::optional<Slot> expect = confirmed.kind == SwapPlan::Kind::Repair || confirmed.members.empty()
                                           ? std::nullopt
                                           : std::optional(confirmed.members.front().liveFrom);
    planWith({confirmed.kind, confirmed.service, expect, confirmed.skipped}, std::move(reads),
             [=, this](SwapPlan fresh) {
                 if (!self)
                     return;
                 if (auto refused = refuseFreshSwap(confirmed, fresh)) {
                     done(*refused);
                     return;
                 }
                 auto run = std::make_shared<Run>();
                 run->plan = fresh;
                 run->liveVersions.resize(fresh.members.size());
                 run->progress = progress;
                 run->done = done;
                 run->started = QDateTime::currentDateTimeUtc();
                 run->entryTime = nowUtcText();
                 run->startMs = run->started.toMSecsSinceEpoch();
                 if (fresh.kind == SwapPlan::Kind::Repair) {
                     patchStaging(run, 0, 0);
                 } else {
                     patchLive(run, 0);
                 }
             });
}

void Swapper::patchLive(std::shared_ptr<Run> run, std::size_t i)
{
    if (i == run->plan.members.size()) {
        // Live is switched: watch its endpoints while staging is patched (a swap refused at the
        // first patch, as all but one of racing operators are, opens no watch).
        watchEndpoints(run);
        QPointer<Swapper> self(this);
        m_seams->betweenSwapPatches([self, this, run] {
            if (self)
                patchStaging(run, 0, 0);
        });
        return;
    }
    const SwapMember& m = run->plan.members[i];
    run->progress("Pointing " + m.spec.liveService + " at slot " + letter(m.liveTo));
    // The entry names its writer as the API server knows them: the history-authors policy checks it.
    const kube::HistoryRecord history =
        kube::appendHistory(kube::HistoryRecord{m.liveHistory, m.liveAuthors},
                            swapHistoryEntry(run->plan, m, run->entryTime), run->plan.user, historyCap);
    // With no history to test, someone may have swapped away and back since the read (the selector
    // is as read again, and their history is there now): only the unchanged object will do.
    kube::AnnotationWrite write;
    write.values = {{historyAnnotation, m.liveHistory, history.history},
                    {historyAuthorsAnnotation, m.liveAuthors, history.authors}};
    write.annotationMap = m.liveHasAnnotations;
    write.resourceVersion = m.liveResourceVersion;
    const kube::JsonPatch patch = kube::selectorPatch(m.spec.slotLabel, name(m.liveFrom), name(m.liveTo), write);
    QPointer<Swapper> self(this);
    m_client->patchService(m.spec.ns, m.spec.liveService, patch, [=, this](kube::Result<kube::Service> r) {
        if (!self)
            return;
        if (r) {
            run->liveVersions[i] = r->meta.resourceVersion;
            patchLive(run, i + 1);
            return;
        }
        if (mayHaveBeenCarriedOut(r.error())) {
            confirmLivePatch(run, i, history.history, r.error());
            return;
        }
        const auto status = livePatchFailure(r.error());
        SwapOutcome o = outcome(status, status == SwapOutcome::Status::Conflict
                                            ? m.spec.name + " changed since you looked: live is no longer on slot " +
                                                  letter(m.liveFrom) + " (someone else swapped or changed it first)."
                                            : r.error().message);
        revertLive(run, i, o);
    });
}

void Swapper::confirmLivePatch(std::shared_ptr<Run> run, std::size_t i, const std::string& history,
                               const kube::Error& lost)
{
    // The patch may have been carried out although its answer was lost: what the Service holds now
    // says. Carried out (the new slot and exactly the history this swap wrote), the swap goes on;
    // anything else is said as found, never as "nothing was changed".
    const SwapMember& m = run->plan.members[i];
    run->progress("The answer to the patch of " + m.spec.liveService + " was lost; reading it again");
    QPointer<Swapper> self(this);
    m_client->getService(m.spec.ns, m.spec.liveService, [=, this](kube::Result<kube::Service> svc) {
        if (!self)
            return;
        const std::string lostText = "The answer to the patch of Service " + m.spec.liveService + " was lost (" +
                                     lost.message + "), so whether it was carried out is not known";
        std::string found;
        if (!svc && svc.error().kind != kube::Error::Kind::Decode) {
            found = "reading it again failed too (" + svc.error().message + ")";
        } else if (!svc) {
            found = "reading it again gave " + svc.error().message;
        } else {
            const std::string slot = svc->selector.count(m.spec.slotLabel) ? svc->selector.at(m.spec.slotLabel) : "";
            if (slot == name(m.liveTo) && svc->meta.annotation(historyAnnotation) == history) {
                run->liveVersions[i] = svc->meta.resourceVersion;
                run->progress(m.spec.liveService + " was switched to slot " + letter(m.liveTo) +
                              " (read again after its answer was lost)");
                patchLive(run, i + 1);
                return;
            }
            found = "read again just now, " + m.spec.liveService + " selects " +
                    (slot.empty() ? std::string("no slot") : "slot " + selectedText(slot)) +
                    (svc->meta.annotation(historyAnnotation) == history ? " with this swap's record"
                                                                        : " without this swap's record") +
                    "; the API server may still carry the patch out";
        }
        revertLive(run, i,
                   outcome(SwapOutcome::Status::Unknown,
                           lostText + ": " + found + ". Look again with `signalbox status " + m.spec.name +
                               "` before you swap, roll back or repair." +
                               (i > 0 ? " The members of the group switched before it are put back." : "")));
    });
}

void Swapper::revertLive(std::shared_ptr<Run> run, std::size_t upTo, SwapOutcome o)
{
    if (upTo == 0) {
        // Unknown: the member whose answer was lost may have changed, so that is not said.
        if (o.status != SwapOutcome::Status::Unknown)
            o.message += " Nothing was changed.";
        finish(run, o);
        return;
    }
    // An earlier member of the group was already switched: put it back, expecting our own value.
    const SwapMember& m = run->plan.members[upTo - 1];
    const kube::JsonPatch patch = kube::selectorPatch(m.spec.slotLabel, name(m.liveTo), name(m.liveFrom));
    QPointer<Swapper> self(this);
    m_client->patchService(m.spec.ns, m.spec.liveService, patch, [=, this](kube::Result<kube::Service> r) {
        if (!self)
            return;
        if (kube::carriedOut(r)) {
            revertLive(run, upTo - 1, o);
            return;
        }
        SwapOutcome split = outcome(SwapOutcome::Status::SplitState,
                                    o.message + " Putting " + m.spec.liveService + " back on slot " +
                                        letter(m.liveFrom) + " failed too (" + r.error().message +
                                        "): the group is half switched. Run "
                                        "`signalbox repair` for each service, or swap again once the cause is fixed.");
        finish(run, split);
    });
}

void Swapper::patchStaging(std::shared_ptr<Run> run, std::size_t i, int attempt)
{
    if (i == run->plan.members.size()) {
        stagingPatched(run);
        return;
    }
    const SwapMember& m = run->plan.members[i];
    // Staging takes the slot live left; in a repair, the slot live does not use.
    const Slot expect = run->plan.kind == SwapPlan::Kind::Repair ? m.liveFrom : m.liveTo;
    const Slot target = run->plan.kind == SwapPlan::Kind::Repair ? m.liveTo : m.liveFrom;
    run->progress("Pointing " + m.spec.stagingService + " at slot " + letter(target));
    const kube::JsonPatch patch = kube::selectorPatch(m.spec.slotLabel, name(expect), name(target));
    QPointer<Swapper> self(this);
    m_client->patchService(m.spec.ns, m.spec.stagingService, patch, [=, this](kube::Result<kube::Service> r) {
        if (!self)
            return;
        if (kube::carriedOut(r)) {
            patchStaging(run, i + 1, 0);
            return;
        }
        if (retryStagingPatch(r.error(), attempt)) {
            // A passing failure (network, server restart): try the same patch again shortly.
            QTimer::singleShot(500 * (attempt + 1), this, [=, this] {
                if (self)
                    patchStaging(run, i, attempt + 1);
            });
            return;
        }
        finish(run, outcome(SwapOutcome::Status::SplitState, stagingFailureMessage(run->plan, m, r.error())));
    });
}

void Swapper::stagingPatched(std::shared_ptr<Run> run)
{
    if (run->plan.kind == SwapPlan::Kind::Repair) {
        SwapOutcome o = outcome(SwapOutcome::Status::Done,
                                "Repaired: " + run->plan.members.front().spec.stagingService + " points at slot " +
                                    letter(run->plan.members.front().liveTo) + " again.");
        o.verified = true;
        o.milliseconds = QDateTime::currentMSecsSinceEpoch() - run->startMs;
        finish(run, o);
        return;
    }
    // The Events go out while the endpoints are checked; the swap finishes when both are done. An
    // Event that gets no answer is as one that failed: the history annotation is the record.
    QPointer<Swapper> self(this);
    auto events = Join::make([self, run] {
        run->eventsRecorded = true;
        if (self && run->verified)
            self->finish(run, *run->verified);
    });
    for (const auto& m : run->plan.members)
        recordEvent(run->plan, m, events->part("the Event of " + m.spec.name));
    extendRecords(run->plan, run->entryTime, run->progress, events->part("the namespaces' records"));
    events->seal();
    verify(run, 0);
}

void Swapper::watchEndpoints(std::shared_ptr<Run> run)
{
    // Started before staging is patched, so the watches' initial state arrives meanwhile and the
    // endpoint controller's change is an event, not a question asked again and again. The
    // EndpointSlices are asked as of the live patch or later: the server has that state as soon as
    // the endpoint controller has written its change, rather than at its storage's next progress
    // report, and nothing from before the patch can seem to verify it. The new slot's pods did not
    // change with the patch: any state the server holds will do, and their events follow.
    for (std::size_t i = 0; i < run->plan.members.size(); ++i) {
        const SwapMember& m = run->plan.members[i];
        std::string selector;
        for (const auto& [k, v] : m.to.selector)
            selector += (selector.empty() ? "" : ",") + k + "=" + v;
        auto* pods = new kube::Informer(m_client, {kube::resources::pods, m.spec.ns, selector}, this);
        auto* slices = new kube::Informer(
            m_client, {kube::resources::endpointSlices, m.spec.ns, "kubernetes.io/service-name=" + m.spec.liveService},
            this);
        pods->setStartVersion("0");
        if (!run->liveVersions[i].empty())
            slices->setStartVersion(run->liveVersions[i]);
        for (kube::Informer* informer : {pods, slices}) {
            informer->setInitialEvents(true);
            auto changed = [this, run] { checkEndpoints(run); };
            connect(informer, &kube::Informer::synced, this, changed);
            connect(informer, &kube::Informer::added, this, changed);
            connect(informer, &kube::Informer::modified, this, changed);
            connect(informer, &kube::Informer::removed, this, changed);
            connect(informer, &kube::Informer::stateChanged, this, changed);
            informer->start();
        }
        run->watches.emplace_back(pods, slices);
    }
}

namespace {

EndpointFacts endpointFacts(const kube::Informer* pods, const kube::Informer* slices)
{
    EndpointFacts facts;
    std::vector<kube::Pod> podList;
    std::vector<kube::EndpointSlice> sliceList;
    for (const auto& [key, object] : pods->objects())
        if (auto p = kube::parsePod(object))
            podList.push_back(std::move(p).value());
    for (const auto& [key, object] : slices->objects())
        if (auto e = kube::parseEndpointSlice(object))
            sliceList.push_back(std::move(e).value());
    facts.readyPods = readyPodIPs(podList);
    facts.endpoints = readyEndpointAddresses(sliceList);
    for (const kube::Informer* informer : {pods, slices})
        if (informer->state() == kube::Informer::State::Disconnected && facts.failure.empty())
            facts.failure = informer->lastError().message;
    return facts;
}

} // namespace

void Swapper::verify(std::shared_ptr<Run> run, std::size_t i)
{
    if (i == run->plan.members.size()) {
        SwapOutcome o;
        o.status = SwapOutcome::Status::Done;
        o.verified = true;
        o.milliseconds = QDateTime::currentMSecsSinceEpoch() - run->startMs;
        o.message = swapDoneMessage(run->plan, o.milliseconds);
        // Finish once the Events are written too, so a command that exits right after keeps them.
        run->verified = o;
        run->verifying = i;
        if (run->eventsRecorded)
            finish(run, o);
        return;
    }
    const SwapMember& m = run->plan.members[i];
    run->progress("Verifying that " + m.spec.liveService + " sends traffic to slot " + letter(m.liveTo));
    run->verifying = i;
    // The endpoint controller usually follows within tens of ms; give up after 30 s.
    if (!run->deadline) {
        run->deadline = new QTimer(this);
        run->deadline->setSingleShot(true);
        connect(run->deadline, &QTimer::timeout, this, [this, run] {
            if (run->finished || run->verifying >= run->watches.size())
                return;
            const auto& [pods, slices] = run->watches[run->verifying];
            SwapOutcome o;
            o.status = SwapOutcome::Status::Failed;
            o.message = unverifiedMessage(run->plan.members[run->verifying],
                                          pods && slices ? endpointFacts(pods, slices) : EndpointFacts{});
            o.milliseconds = QDateTime::currentMSecsSinceEpoch() - run->startMs;
            finish(run, o);
        });
    }
    run->deadline->start(30000);
    checkEndpoints(run);
}

void Swapper::checkEndpoints(std::shared_ptr<Run> run)
{
    if (run->finished || run->verifying >= run->watches.size())
        return;
    const auto& [pods, slices] = run->watches[run->verifying];
    if (!pods || !slices || !pods->hasSynced() || !slices->hasSynced())
        return;
    const EndpointFacts facts = endpointFacts(pods, slices);
    if (endpointsMatch(facts.readyPods, facts.endpoints))
        verify(run, run->verifying + 1);
}

void Swapper::recordEvent(const SwapPlan& plan, const SwapMember& m, std::function<void()> done)
{
    const std::string what = plan.kind == SwapPlan::Kind::Rollback ? "rolled back" : "swapped";
    kube::EventRecord event;
    event.involved = {"v1", "Service", m.spec.liveService, m.spec.ns};
    event.reason = plan.kind == SwapPlan::Kind::Rollback ? "RolledBack" : "Swapped";
    event.message = plan.user + " " + what + " " + m.spec.name + ": live slot " + letter(m.liveFrom) + " (" +
                    m.from.image + ") -> slot " + letter(m.liveTo) + " (" + m.to.image + ")";
    event.time = nowUtcText();
    // The history annotation is the record; the Event is for `kubectl get events` and
    // other tools, so a failure here does not undo a finished swap.
    m_client->createEvent(event, [done](kube::Result<kube::Unit>) { done(); });
}

void Swapper::extendRecords(const SwapPlan& plan, const std::string& at, Progress progress, std::function<void()> done)
{
    // The same entries as the live Services' histories, into each namespace's longer record. The swap is
    // done whatever happens here: what could not be recorded is said once, in the swap's log.
    std::map<std::string, std::vector<kube::HistoryEntry>> byNamespace;
    for (const SwapMember& m : plan.members)
        byNamespace[m.spec.ns].push_back(swapHistoryEntry(plan, m, at));
    auto all = Join::make([done] { done(); });
    for (auto& [ns, entries] : byNamespace)
        kube::appendToRecord(m_client, ns, std::move(entries), plan.user,
                             [progress, part = all->part("the record of " + ns)](kube::RecordWritten w) {
                                 if (!w.extended)
                                     progress(w.problem);
                                 part();
                             });
    all->seal();
}

void Swapper::finish(std::shared_ptr<Run> run, SwapOutcome o)
{
    if (run->finished)
        return;
    run->finished = true;
    // The watches end with the swap (later, as this may run inside one of their signals).
    for (auto& [pods, slices] : run->watches)
        for (kube::Informer* informer : {pods.data(), slices.data()})
            if (informer) {
                disconnect(informer, nullptr, this, nullptr);
                informer->deleteLater();
            }
    run->watches.clear();
    if (run->deadline) {
        run->deadline->stop();
        run->deadline->deleteLater();
    }
    run->done(std::move(o));
}

} // namespace model
