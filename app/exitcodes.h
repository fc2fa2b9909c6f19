#pragma once

#include "kube/net.h"
#include "model/actions/deploy.h"
#include "model/actions/swap.h"
#include "model/actions/watchedswap.h"
#include "model/observe/health.h"
#include "model/rules/analysis.h"
#include "model/rules/rules.h"

// The command line's exit codes, mapped from outcomes in this one place (README: "Exit codes").
namespace app {

enum ExitCode : int {
    Done = 0,
    Failed = 1,       // anything else: the network, the server, a verification that did not succeed
    Usage = 2,        // what was typed is wrong
    Refused = 3,      // an interlock refused it; nothing was changed
    Forbidden = 4,    // RBAC refused it; nothing was changed
    Changed = 5,      // the cluster changed since it was read; nothing was changed
    Unhealthy = 6,    // the app's health check failed (signalbox check), or the watch after a swap saw it get worse;
                      // analyze: a metric's condition failed
    Inconclusive = 7, // analyze: no data, no pods, or Prometheus could not be asked; never a pass
};

int exitCode(const model::SwapOutcome& outcome);
int exitCode(const model::DeployOutcome& outcome);
// The watch after a swap: held, done; got worse (rolled back or not), unhealthy; a rollback that
// was refused or failed, failed.
int exitCode(const model::WatchOutcome& outcome);
// A plan that does not pass, by the first check that fails.
int refusalExitCode(const model::SwapPlan& plan);
int refusalExitCode(const model::DeployPlan& plan);
int refusalExitCode(const model::GroupDeployPlan& plan);
int exitCode(const kube::Error& error);
// A health check of pods and Services: any that failed, unhealthy; else any the user may not ask,
// forbidden; else any that could not be asked, failed; else done.
int exitCode(const std::vector<model::HealthResult>& results);
// A metric analysis: passed, done; failed, unhealthy; inconclusive (or still running), inconclusive.
int exitCode(model::Verdict verdict);

} // namespace app
