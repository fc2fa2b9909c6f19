#pragma once

#include "kube/client.h"
#include "model/actions/swap.h"
#include "model/rules/imageref.h"
#include "model/rules/plan.h"
#include "model/rules/servicespec.h"
#include "oci/registry.h"

#include <QObject>
#include <QPointer>

namespace model {

struct DeployFacts;
struct DeployRun;
class Join;

class Deployer : public QObject {
    Q_OBJECT

public:
    Deployer(kube::Client* client, oci::RegistryClient* registry, ServiceSpec spec, QObject* parent = nullptr);

    void plan(DeployTarget target, const std::string& image, std::function<void(DeployPlan)> done);
    // Re-checks the target on fresh reads, patches by digest, records it, and with `wait`
    // follows the rollout until it completes or fails.
    void execute(const DeployPlan& confirmed, bool wait, std::function<void(const std::string&)> progress,
                 std::function<void(DeployOutcome)> done);

    // Tests only: called just before the deploy's patch is sent; the patch goes when `send` is called.
    void setBeforePatchHook(std::function<void(std::function<void()> send)> hook) { m_beforePatch = std::move(hook); }
    // Tests only: called once the deploy's patch was accepted, before its guard, its Event and
    // the rollout; those go on when `resume` is called.
    void setAfterPatchHook(std::function<void(std::function<void()> resume)> hook) { m_afterPatch = std::move(hook); }

private:
    void readFacts(DeployTarget target, const ImageRef& ref, std::function<void(std::shared_ptr<DeployFacts>)> done);
    // Hands out one part of `join` per access review.
    void readAccess(DeployTarget target, std::shared_ptr<DeployFacts> facts, Join& join);
    // `answered`: called once the tag is resolved (or needs no resolving).
    void resolve(const ImageRef& ref, std::shared_ptr<DeployFacts> facts, std::function<void()> answered);
    // `before`: the Deployment as read just before the patch, with its pod template as sent.
    void patchDeployment(std::shared_ptr<DeployRun> run, const kube::Deployment& before);
    // `after`: the patch's answer (an Error when it came but cannot be read).
    void patched(std::shared_ptr<DeployRun> run, const kube::Deployment& before, kube::Result<kube::Deployment> after);
    void recordAndFollow(std::shared_ptr<DeployRun> run);
    void followOrFinish(std::shared_ptr<DeployRun> run);
    void follow(std::shared_ptr<DeployRun> run);
    void guardStaging(std::shared_ptr<DeployRun> run, const kube::Deployment& before,
                      const kube::Result<kube::Deployment>& after, std::function<void()> next);
    void undoDeploy(std::shared_ptr<DeployRun> run, const kube::Deployment& before, const kube::Deployment& after);

    kube::Client* m_client;
    QPointer<oci::RegistryClient> m_registry;
    ServiceSpec m_spec;
    std::function<void(std::function<void()>)> m_beforePatch;
    std::function<void(std::function<void()>)> m_afterPatch;
};

} // namespace model
