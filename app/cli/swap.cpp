#include "app/exitcodes.h"
#include "commands.h"
#include "model/actions/watchedswap.h"
#include "model/rules/chatline.h"
#include "model/rules/release.h"
#include "model/state/servicelookup.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

void sayWatchOutcome(Session& s, const model::SwapPlan& plan, const std::string& swapped,
                     const model::WatchOutcome& outcome)
{
    using V = model::WatchOutcome::Verdict;
    const bool ok = outcome.verdict == V::Held;
    const std::string message =
        ok ? swapped + " Held for " + model::durationText(s.options().watchSeconds) + " after the swap."
           : outcome.failure();
    s.finishWith(app::exitCode(outcome),
                 model::chatText({ok, s.user(), plan.service, ok ? std::string("swap") : "watch", message}));
}

// swap --watch: each member's new live slot is watched for the window; the first that gets worse
// ends the watch (and, with --rollback-on-failure, starts the checked rollback).
void watchAfterSwap(Session& s, const model::SwapPlan& plan, const model::SwapOutcome& swapped)
{
    const Options& o = s.options();
    say(swapped.message);
    say("Watching the new live slot for " + model::durationText(o.watchSeconds) + ".");
    auto* watch =
        new model::WatchedSwap(s.client(), model::WatchedSwap::membersOf(plan), o.watchSeconds, s.user(), s.work());
    watch->setPrometheus(o.config.prometheus);
    if (o.rollbackOnFailure)
        watch->setRollbackOnFailure(plan.service, model::groupOf(s.services(), plan.service), o.config);
    QObject::connect(watch, &model::WatchedSwap::progressed, watch, s.progressPrinter());
    QObject::connect(watch, &model::WatchedSwap::held, watch, [](const std::string& text) { say(text); });
    QObject::connect(watch, &model::WatchedSwap::worse, watch, [&s](const std::string& text) {
        complain("the watch after the swap failed: " + text);
        if (s.options().rollbackOnFailure)
            say("Rolling back (--rollback-on-failure).");
    });
    QObject::connect(watch, &model::WatchedSwap::rollbackPlanned, watch, [&s](const model::SwapPlan& back) {
        if (!s.options().json)
            write(stdout, back.describe());
    });
    QObject::connect(watch, &model::WatchedSwap::rollbackEnded, watch, [](const model::WatchOutcome& outcome) {
        if (outcome.verdict == model::WatchOutcome::Verdict::RolledBack)
            say(outcome.rollback);
        else
            complain(outcome.rollback);
    });
    QObject::connect(watch, &model::WatchedSwap::notRecorded, watch, [](const kube::Error& e) {
        complain("the watch's verdict was not recorded in the history: " + e.message);
    });
    QObject::connect(watch, &model::WatchedSwap::finished, watch,
                     [&s, plan, swapped = swapped.message](const model::WatchOutcome& outcome) {
                         sayWatchOutcome(s, plan, swapped, outcome);
                     });
    watch->start();
}

void executed(Session& s, const model::SwapPlan& plan, const model::SwapOutcome& o)
{
    if (model::WatchedSwap::follows(plan, o, s.options().watchSeconds)) {
        watchAfterSwap(s, plan, o);
        return;
    }
    s.ended(app::exitCode(o), o.message, plan.service, plan.verb());
}

// " To swap without the health check, run it again with --skip-health-check.", for each kind of
// evidence that fails, when nothing else does.
std::string skipHint(const model::SwapPlan& plan)
{
    if (!plan.onlyEvidenceFails())
        return {};
    std::string what, flags;
    for (model::Evidence e : plan.failingEvidence()) {
        what += (what.empty() ? "" : " and ") + model::evidenceText(e);
        flags += (flags.empty() ? "" : " ") + model::evidenceSkipFlag(e);
    }
    return " To swap without " + what + ", run it again with " + flags + ".";
}

// Shows the plan; whether it may be carried out (when not, says why and exits).
bool shownAndAllowed(Session& s, const model::SwapPlan& plan)
{
    s.showPlan(plan);
    if (!plan.allowed()) {
        const model::Check* f = plan.firstFailure();
        complain("refused: " + (f ? f->text : std::string("nothing to do")) + ". Nothing was changed." +
                 skipHint(plan));
        QCoreApplication::exit(app::refusalExitCode(plan));
        return false;
    }
    return true;
}

} // namespace

void swap(Session& s, model::SwapPlan::Kind kind)
{
    const model::ServiceSpec* spec = s.requireService();
    if (!spec)
        return;
    const std::string name = spec->name;
    const Options& o = s.options();
    auto* swapper = new model::Swapper(s.client(), model::groupOf(s.services(), name), nullptr, s.work());
    swapper->setFreshGroup(o.config);
    swapper->setPrometheus(o.config.prometheus);
    const model::SwapRequest request{kind, name, o.expectLive, o.skip};
    // With --yes nobody comes between plan and execute: the lookup just made is the fresh read of
    // both. A person at the prompt may take minutes, so then the execute reads afresh.
    if (o.yes) {
        auto planned = std::make_shared<model::SwapPlan>();
        swapper->atOnce(
            s.listed(), request,
            [&s, planned](const model::SwapPlan& plan) -> std::optional<model::SwapPlan> {
                *planned = plan;
                if (!shownAndAllowed(s, plan))
                    return std::nullopt;
                s.setUser(plan.user);
                return plan;
            },
            s.progressPrinter(), [&s, planned](model::SwapOutcome outcome) { executed(s, *planned, outcome); });
        return;
    }
    swapper->plan(request, [&s, swapper, name](model::SwapPlan plan) {
        if (!shownAndAllowed(s, plan))
            return;
        if (!confirmOnTerminal(plan.verb(), name)) {
            QCoreApplication::exit(app::Usage);
            return;
        }
        s.setUser(plan.user);
        swapper->execute(plan, s.progressPrinter(),
                         [&s, plan](model::SwapOutcome outcome) { executed(s, plan, outcome); });
    });
}

} // namespace cli
