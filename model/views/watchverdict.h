#pragma once

// The status of a service also reads the watch after its latest swap (model/rules/status.h): a
// live slot that the watch found got worse is "Live got worse" in the overview and on the page,
// as long as the banner says so. The watch is the action runner's; the states are the dashboard's.

#include "model/actions/actionrunner.h"
#include "model/state/metricfeed.h"
#include "model/state/servicestate.h"

#include <vector>

namespace model {

// `s` with the sentence of the watch that found it got worse (nothing started on it since), or
// without one, and its status decided again. Such a state is compared field by field by the views
// (its revision is 0), since the derivation it came from did not change.
ServiceState withWatchVerdict(ServiceState s, const ActionRunner* runner);
// Whether any service has such a verdict now (most of the time none has, and the states are shown
// as derived, without a copy).
bool anyWatchVerdict(const ActionRunner* runner);
std::vector<ServiceState> withWatchVerdicts(const std::vector<ServiceState>& services, const ActionRunner* runner);

// The same for staging's metrics: `s` with the sentence of the metrics the feed measured now that fail
// their comparison with live's (model::stagingWorseSentence), so neither the overview nor the page says
// "Ready to swap" beside them; without one when the feed has no such values (it measures only the
// service on screen). Its status decided again.
ServiceState withMetricVerdict(ServiceState s, const MetricFeed* feed);
// Whether a service on the feed's screen has such a sentence now (most of the time none has).
bool anyMetricVerdict(const std::vector<ServiceState>& services, const MetricFeed* feed);
// Both overlays on every state, copied only when one applies.
std::vector<ServiceState> withVerdicts(const std::vector<ServiceState>& services, const ActionRunner* runner,
                                       const MetricFeed* feed);

} // namespace model
