#pragma once

#include "kube/client.h"
#include "kube/history.h"
#include "kube/informer.h"
#include "kube/objects.h"
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
#include <string>
#include <vector>

namespace model {

struct SwapFacts;
struct EndpointFacts;
struct HealthFacts;
class HealthProber;

// Plans and carries out swaps on one cluster. Every step reads fresh state; the patches are
// JSON Patches whose `test` operations state the selector they expect, so of two operators who
// swap at once exactly one succeeds.
class Swapper : public QObject {
    Q_OBJECT

public:
    Swapper(kube::Client* client, std::vector<ServiceSpec> group, QObject* parent = nullptr);

    // `expectLive`: refuse unless live is on this slot now (none: any). A swap asks the
    // staging pods' health check of every member that has one (at most 8 requests at a time).
    void plan(SwapPlan::Kind kind, const std::string& service, std::optional<Slot> expectLive,
              std::function<void(SwapPlan)> done);
    // `skipHealthCheck`: the person chose to swap without the health check (it is still asked and shown).
    void plan(SwapPlan::Kind kind, const std::string& service, std::optional<Slot> expectLive, bool skipHealthCheck,
              std::function<void(SwapPlan)> done);
    // Re-checks `confirmed` on fresh reads, then patches, then verifies the live endpoints.
    void execute(const SwapPlan& confirmed, std::function<void(const std::string&)> progress,
                 std::function<void(SwapOutcome)> done);

    // A swap carried out at once, with no person between plan and execute (the command line's
    // --yes): planned on the Services and Deployments the command's own lookup has just listed,
    // with the access reviews asked afresh (without `listed`, or for what it lacks, read by GET as
    // plan() does). executeAtOnce() re-checks it on those same reads, the access reviews answered
    // from the client's cache and the staging pods' health check as just asked, rather than reading
    // the group again; then patches and verifies as execute() does. A plan not made by planAtOnce()
    // on a snapshot is executed as execute() would.
    void planAtOnce(std::shared_ptr<const Snapshot> listed, SwapPlan::Kind kind, const std::string& service,
                    std::optional<Slot> expectLive, bool skipHealthCheck, std::function<void(SwapPlan)> done);
    void executeAtOnce(const SwapPlan& planned, std::function<void(const std::string&)> progress,
                       std::function<void(SwapOutcome)> done);

    // Before executing, read the group's members afresh (labels in the namespace plus these
    // configured services), so a service that joined or left the group since the plan was
    // confirmed makes the fresh plan differ and the swap is refused.
    void setFreshGroup(ServiceConfig config) { m_freshGroup = std::move(config); }

    // Tests only: called after a plan has read a staging Service and before it reads the live
    // one; the plan goes on when `resume` is called.
    void setBetweenReadsHook(std::function<void(const std::string& service, std::function<void()> resume)> hook)
    {
        m_betweenReads = std::move(hook);
    }

    // Tests only: called after the live Services were switched and before staging is; the swap
    // goes on when `resume` is called.
    void setBetweenPatchesHook(std::function<void(std::function<void()> resume)> hook)
    {
        m_betweenPatches = std::move(hook);
    }

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
    };
    void planWith(SwapPlan::Kind kind, const std::string& service, std::optional<Slot> expectLive, bool skipHealthCheck,
                  Reads reads, std::function<void(SwapPlan)> done);
    void executeFresh(const SwapPlan& confirmed, Reads reads, std::function<void(const std::string&)> progress,
                      std::function<void(SwapOutcome)> done);
    void readMember(const ServiceSpec& spec, const Reads& reads,
                    std::function<void(std::shared_ptr<struct SwapFacts>)> done);
    // `stagingRead` and `liveRead`: called once each read has answered (parts of the member's join).
    void readServices(const ServiceSpec& spec, std::shared_ptr<struct SwapFacts> read,
                      std::function<void()> stagingRead, std::function<void()> liveRead);
    void readHealth(const ServiceSpec& spec, std::shared_ptr<struct SwapFacts> read, std::function<void()> done);
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

    kube::Client* m_client;
    HealthProber* m_prober;
    std::vector<ServiceSpec> m_group;
    std::function<void(const std::string&, std::function<void()>)> m_betweenReads;
    std::function<void(std::function<void()>)> m_betweenPatches;
    std::optional<ServiceConfig> m_freshGroup;
    std::optional<Reads> m_atOnce; // the reads of planAtOnce(), for executeAtOnce()
};

} // namespace model
