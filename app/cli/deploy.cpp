#include "model/actions/deploy.h"

#include "app/exitcodes.h"
#include "commands.h"
#include "model/actions/groupdeploy.h"
#include "model/rules/chatline.h"
#include "model/state/servicelookup.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

// --to, or nullopt once it said what is wrong.
std::optional<model::DeployTarget> deployTarget(const QString& to)
{
    if (to == QLatin1String("sandbox"))
        return model::DeployTarget::Sandbox;
    if (to == QLatin1String("staging"))
        return model::DeployTarget::Staging;
    if (to == QLatin1String("live"))
        return model::DeployTarget::Live;
    complain("--to takes sandbox or staging.");
    QCoreApplication::exit(app::Usage);
    return std::nullopt;
}

void deployOne(Session& s, const model::ServiceSpec& spec, model::DeployTarget target)
{
    if (s.options().image.isEmpty()) {
        complain("name the image with --image, for example --image ghcr.io/v-sekai/uro:8d3c2f41");
        QCoreApplication::exit(app::Usage);
        return;
    }
    auto* deployer = new model::Deployer(s.client(), s.registry(), spec, s.work());
    deployer->plan(target, s.options().image.toStdString(), [&s, deployer](model::DeployPlan plan) {
        s.showPlan(plan);
        if (!plan.allowed()) {
            const model::Check* f = plan.firstFailure();
            complain("refused: " + (f ? f->text : std::string("nothing to deploy")) + ". Nothing was changed.");
            QCoreApplication::exit(app::refusalExitCode(plan));
            return;
        }
        s.setUser(plan.user);
        deployer->execute(plan, s.options().wait, s.progressPrinter(), [&s, plan](model::DeployOutcome o) {
            s.ended(app::exitCode(o), o.message, plan.service,
                    std::string("deploy to ") + model::targetName(plan.target));
        });
    });
}

void groupDeployed(Session& s, const model::GroupDeployPlan& plan, const model::GroupDeployOutcome& o)
{
    if (!o.ok()) {
        complain(o.message);
        const std::string service = plan.members.at(o.deployed.size()).service;
        s.finishWith(app::exitCode(o.last), model::chatText({false, s.user(), service, "deploy", o.message}));
        return;
    }
    s.finishWith(app::Done,
                 model::chatText({true, s.user(), "", "",
                                  "deployed group " + plan.members.front().spec.group + " to " +
                                      model::targetName(plan.target) + " with tag " + s.options().tag.toStdString()}));
}

void runGroup(Session& s, model::GroupDeployer* group, const model::GroupDeployPlan& plan)
{
    const bool asJson = s.options().json;
    for (const auto& p : plan.members) {
        if (!asJson)
            s.showPlan(p);
        if (!p.allowed()) {
            const model::Check* f = p.firstFailure();
            complain("refused for " + p.service + ": " + (f ? f->text : std::string("nothing to deploy")));
        }
    }
    if (asJson)
        sayJson(plan.toJson());
    if (!plan.allowed()) {
        complain("nothing was deployed: every member of the group must pass first.");
        QCoreApplication::exit(app::refusalExitCode(plan));
        return;
    }
    s.setUser(plan.members.front().user);
    group->execute(
        plan, s.options().wait, s.progressPrinter(),
        [](const model::DeployPlan&, const model::DeployOutcome& o) {
            if (model::deploySucceeded(o))
                say(o.message);
        },
        [&s, plan](model::GroupDeployOutcome o) { groupDeployed(s, plan, o); });
}

// Every member of the group gets the same tag from its own repository; all are planned (and must
// pass) before the first one is patched.
void deployGroup(Session& s, const std::string& name, model::DeployTarget target)
{
    if (s.options().tag.isEmpty()) {
        complain("with --group, give the tag the members share with --tag (for example the commit).");
        QCoreApplication::exit(app::Usage);
        return;
    }
    auto* group = new model::GroupDeployer(s.client(), s.registry(), model::groupOf(s.services(), name), s.work());
    group->plan(name, target, s.options().tag.toStdString(),
                [&s, group](model::GroupDeployPlan plan) { runGroup(s, group, plan); });
}

} // namespace

void deploy(Session& s)
{
    const model::ServiceSpec* spec = s.requireService();
    if (!spec)
        return;
    const auto target = deployTarget(s.options().to);
    if (!target)
        return;
    if (s.options().group)
        deployGroup(s, spec->name, *target);
    else
        deployOne(s, *spec, *target);
}

} // namespace cli
