#pragma once

// What the health checks of one slot (or one Service) came to, for people: pure functions over
// the latest results, so the tiles, the overview and the tests read the same words.

#include "model/rules/healthcheck.h"

#include <string>
#include <vector>

namespace model {

// The latest answer of one pod of a slot to the service's health check.
struct PodHealth {
    std::string pod;
    HealthResult result; // kind Unknown and no time: not asked yet
};

struct HealthSummary {
    enum class State { NoCheck, NoPods, Waiting, Passing, Failing, NotAllowed };
    State state = State::NoCheck;
    int total = 0, passing = 0, failing = 0;
    std::string text;    // "2 of 2 answer", "1 of 2 fail", "no check", "not allowed to ask (get on pods/proxy)"
    std::string compact; // for the overview: "2/2 answer", "1 of 2 fail", "no check", "not allowed"
    std::string refusal; // NotAllowed: what the server said, once for the whole slot
};

// A result that says the user may not ask (RBAC on the proxy subresource), not that the app failed.
bool healthNotAllowed(const HealthResult& r);
// Not asked yet: no answer and no refusal.
bool healthPending(const HealthResult& r);

// The slot's summary: no check configured; no pods; any refusal (then nothing else is known);
// any failure ("1 of 2 fail"); questions that did not get through; waiting for a first answer;
// all answer ("2 of 2 answer").
HealthSummary summarizeHealth(bool configured, const std::vector<PodHealth>& pods);
// The same words for a Service's single check.
HealthSummary summarizeServiceHealth(bool configured, bool exists, const HealthResult& result);

// "uro-b-7d9f  500, expected 200": the pod's line in a tile, without the age.
std::string podHealthLine(const PodHealth& p);

} // namespace model
