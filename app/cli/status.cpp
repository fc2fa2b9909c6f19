#include "app/exitcodes.h"
#include "commands.h"
#include "model/rules/keys.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

using nlohmann::json;

// "uro: live slot A ghcr.io/...:v1 (2/2 ready); staging slot B ...; swap possible"
std::string statusLine(const model::SwapPlan& plan)
{
    const auto& m = plan.members.empty() ? model::SwapMember{} : plan.members.front();
    // A plan that got no member (live selects no single slot) names no slot.
    const std::string from = plan.members.empty() ? "?" : model::letter(m.liveFrom);
    const std::string to = plan.members.empty() ? "?" : model::letter(m.liveTo);
    return plan.service + ": live slot " + from + " " + m.from.image + " (" + std::to_string(m.from.ready) + "/" +
           std::to_string(m.from.desired) + " ready); staging slot " + to + " " + m.to.image + " (" +
           std::to_string(m.to.ready) + "/" + std::to_string(m.to.desired) + " ready); " +
           (plan.allowed() ? "swap possible" : "swap not possible: " + plan.firstFailure()->text);
}

// The services status speaks of: the one named, or every one found; empty once it said why not.
std::vector<std::string> statusNames(Session& s)
{
    std::vector<std::string> names;
    if (s.options().args.isEmpty()) {
        for (const auto& spec : s.services())
            names.push_back(spec.name);
    } else if (const model::ServiceSpec* spec = s.requireService()) {
        names.push_back(spec->name);
    } else {
        return {};
    }
    if (names.empty()) {
        complain("no services found; label the live Service with " + model::serviceLabelKey +
                 "=NAME or list it in the configuration file.");
        QCoreApplication::exit(app::Failed);
    }
    return names;
}

} // namespace

void status(Session& s)
{
    // Fresh plans say everything status needs: slots, images, readiness and what holds.
    const std::vector<std::string> names = statusNames(s);
    auto out = std::make_shared<json>(json::array());
    auto left = std::make_shared<std::size_t>(names.size());
    const bool asJson = s.options().json;
    for (const auto& name : names) {
        auto* swapper = new model::Swapper(s.client(), {*s.find(name)}, nullptr, s.work());
        // Planned on what the lookup has just listed, as a swap at once is: nothing is read twice.
        // Status only looks: nothing is carried out.
        swapper->atOnce(s.listed(), {model::SwapPlan::Kind::Swap, name},
                        [out, left, swapper, asJson](const model::SwapPlan& plan) -> std::optional<model::SwapPlan> {
                            swapper->deleteLater();
                            out->push_back(plan.toJson());
                            if (!asJson)
                                say(statusLine(plan));
                            if (--*left == 0) {
                                if (asJson)
                                    sayJson(*out);
                                QCoreApplication::exit(app::Done);
                            }
                            return std::nullopt;
                        },
                        {}, {});
    }
}

} // namespace cli
