#pragma once

#include "kube/client.h"
#include "kube/history.h"
#include "kube/informer.h"
#include "kube/objects.h"
#include "model/actions/seams.h"
#include "model/rules/analysis.h"
#include "model/rules/keys.h"
#include "model/rules/plan.h"
#include "model/rules/servicespec.h"
#include "model/state/servicestate.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace model {

struct SwapFacts;
struct EndpointFacts;
struct HealthFacts;
struct SmokeFacts;
class HealthProber;
class SmokeRunner;

// What a swap, a rollback or a repair is asked for.
struct SwapRequest {
    SwapRequest(SwapPlan::Kind kind, std::string service, std::optional<Slot> expectLive = std::nullopt,
                std::set<Evidence> skip = {})
        : kind(kind), service(std::move(service)), expectLive(expectLive), skip(std::move(skip))
    {
    }
    SwapPlan::Kind kind;
    std::string service;
    // Refuse unless live is on this slot now (none: any).
    std::optional<Slot> expectLive;
    // The evidence about staging the person chose to swap without (it is still asked and shown).
    std::set<Evidence> skip;
};

// Plans and carries out swaps on one cluster. Every step reads fresh state; the patches are
// JSON Patches whose `test` operations state the selector they expect, so of two operators who
// swap at once exactly one succeeds. Two ways in: plan() then execute() with a person between
// them, or atOnce() with nobody between.
class Swapper : public QObject {
    Q_OBJECT

public:
    using Progress = std::function<void(const std::string&)>;

    // `seams`: where a test may hold a plan or a swap (nullptr: nowhere); they outlive this.
    Swapper(kube::Client* client, std::vector<ServiceSpec> group, ActionSeams* seams = nullptr,
            QObject* parent = nullptr);

    // The plan a person confirms: every read and access review asked now. A swap asks the staging
    // pods' health check of every member that has one (at most 8 requests at a time).
    void plan(const SwapRequest& request, std::function<void(SwapPlan)> done);
    // Carries out what a person confirmed: re-checks `confirmed` on fresh reads, then patches,
    // then verifies the live endpoints.
    void execute(const SwapPlan& confirmed, Progress progress, std::function<void(SwapOutcome)> done);

    // With nobody between plan and execute (status, the command line's --yes): planned on the
    // Services and Deployments the command's own lookup has just listed (what `listed` lacks, or
    // all without it, read by GET), with access asked afresh by one rules review per namespace of
    // the group (and one by one what it does not grant). `decide` gets the plan and returns the plan to carry out as it
    // was shown, or nothing to stop there (then `done` is not called). That plan is re-checked as a confirmed one is,
    // on those same reads (the access reviews from the client's cache, the health check as just asked) rather than the
    // group read again, then carried out as execute() does (without `listed`: as execute() would).
    void atOnce(std::shared_ptr<const Snapshot> listed, const SwapRequest& request,
                std::function<std::optional<SwapPlan>(const SwapPlan&)> decide, Progress progress,
                std::function<void(SwapOutcome)> done);

    // Before executing, read the group's members afresh (labels in the namespace plus these
    // configured services), so a service that joined or left the group since the plan was
    // confirmed makes the fresh plan differ and the swap is refused.
    void setFreshGroup(ServiceConfig config) { m_freshGroup = std::move(config); }
    // The configuration's top-level `prometheus:`: where the gate's metric analysis asks, for a service
    // that names no Prometheus of its own.
    void setPrometheus(PrometheusTarget topLevel) { m_prometheus = std::move(topLevel); }

private:
    struct Run;
    // Where a plan's reads come from: the Services and Deployments just listed (by the group's
    // re-read at execute, or by the command's lookup for a swap at once; one snapshot each; what
    // is not in them is read by GET), and whether access reviews may be answered from the client's
    // cache. `health`, when set, keeps each member's staging health check by "namespace/name": a
    // member found there is not asked again, one not found is asked and kept.
    struct Reads {
        std::shared_ptr<const Snapshot> listed;
        kube::Client::Freshness reviews = kube::Client::Freshness::Fresh; // of the access reviews
        std::shared_ptr<std::map<std::string, HealthFacts>> health;
        std::shared_ptr<std::map<std::string, SmokeFacts>> smoke; // the same for the smoke requests
        // The same for the metric analysis; at execute, filled from the confirmed plan: one look per swap.
        std::shared_ptr<std::map<std::string, AnalysisFacts>> analysis;
    };
    void planWith(const SwapRequest& request, Reads reads, std::function<void(SwapPlan)> done);
    void executeFresh(const SwapPlan& confirmed, Reads reads, Progress progress, std::function<void(SwapOutcome)> done);
    void readMember(const ServiceSpec& spec, const Reads& reads,
                    std::function<void(std::shared_ptr<struct SwapFacts>)> done);
    // `stagingRead` and `liveRead`: called once each read has answered (parts of the member's join).
    void readServices(const ServiceSpec& spec, std::shared_ptr<struct SwapFacts> read,
                      std::function<void()> stagingRead, std::function<void()> liveRead);
    // A swap's evidence about staging: what `reads` keeps is taken from there, the rest asked.
    void readEvidence(const ServiceSpec& spec, const Reads& reads, std::shared_ptr<struct SwapFacts> read,
                      std::function<void()> done);
    void readHealth(const ServiceSpec& spec, std::shared_ptr<struct SwapFacts> read, std::function<void()> done);
    // The smoke requests to the staging Service, when the member has any.
    void readSmoke(const ServiceSpec& spec, std::shared_ptr<struct SwapFacts> read, std::function<void()> done);
    // The metric analysis (one look: staging's pods against live's), when the member has one.
    void readAnalysis(const ServiceSpec& spec, std::shared_ptr<struct SwapFacts> read, std::function<void()> done);
    void patchLive(std::shared_ptr<Run> run, std::size_t i);
    void patchStaging(std::shared_ptr<Run> run, std::size_t i, int attempt);
    void stagingPatched(std::shared_ptr<Run> run);
    void watchEndpoints(std::shared_ptr<Run> run);
    void verify(std::shared_ptr<Run> run, std::size_t i);
    void checkEndpoints(std::shared_ptr<Run> run);
    // The live patch of member `i` got no answer it can trust (`lost`): read the Service again; go on if
    // it holds this swap's slot and `history`, otherwise end as Unknown with what was found.
    void confirmLivePatch(std::shared_ptr<Run> run, std::size_t i, const std::string& history, const kube::Error& lost);
    void revertLive(std::shared_ptr<Run> run, std::size_t upTo, SwapOutcome outcome);
    void finish(std::shared_ptr<Run> run, SwapOutcome outcome);
    void recordEvent(const SwapPlan& plan, const SwapMember& m, std::function<void()> done);
    // Appends the swap's entries to the record of each member's namespace (kube/record.h).
    void extendRecords(const SwapPlan& plan, const std::string& at, Progress progress, std::function<void()> done);

    kube::Client* m_client;
    HealthProber* m_prober;
    SmokeRunner* m_smoker;
    std::vector<ServiceSpec> m_group;
    ActionSeams* m_seams;
    std::optional<ServiceConfig> m_freshGroup;
    PrometheusTarget m_prometheus;
};

} // namespace model
