#pragma once

#include "model/actions/swap.h"

// The commands, one file each; every one ends the event loop with its exit code
// (QCoreApplication::exit) once it is done.
namespace cli {

class Session;

// status [SERVICE]: each service's slots, images, readiness and whether a swap is possible.
void status(Session& s);
// history SERVICE: the swaps and watch verdicts recorded on the live Service.
void history(Session& s);
// check SERVICE [--slot ...]: the app's health check of the slots' pods and Services.
void check(Session& s);
// smoke SERVICE: the smoke requests to the staging Service, each answer and a summary.
void smoke(Session& s);
// logs SERVICE --slot ...: the pods' lines as "POD | text".
void logs(Session& s);
// analyze SERVICE [--slot ...] [--against ...]: staging's metrics against live's, from Prometheus.
void analyze(Session& s);
// timeline [--since 7d] [--service S]: every recorded deploy, swap, rollback, repair and watch verdict
// of every service, newest first.
void timeline(Session& s);
// stats [--since 30d]: the delivery figures of each group and service from the same record.
void stats(Session& s);
// deploy SERVICE --to ... --image REF | --group --tag TAG.
void deploy(Session& s);
// swap, rollback or repair SERVICE; a swap with --watch watches the new live slot.
void swap(Session& s, model::SwapPlan::Kind kind);

} // namespace cli
