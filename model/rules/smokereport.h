#pragma once

// What smoke requests to staging found, as pure rules: the answers summed up per request
// (passes, failures, the first failure, p50 and max time) and the swap gate's check made of them.
// model/observe/smoke.h sends the requests; tests/unit/tst_swaprules.cpp and tst_smokereport test these.

#include "model/rules/plan.h"
#include "model/rules/smoke.h"

#include <cstddef>
#include <string>
#include <vector>

namespace model {

// One answer as sent and judged.
struct SmokeResult {
    std::size_t request = 0; // index into SmokeSpec::requests
    int status = 0;          // 0: no answer
    long long milliseconds = 0;
    bool passed = false;
    std::string sentence; // judgeSmokeAnswer's
};

struct SmokeRequestReport {
    std::string what; // "GET /api/v1/shards", escaped for a terminal
    int passes = 0, failures = 0;
    std::string firstFailure; // the first failing answer's sentence; empty when none failed
    long long p50Milliseconds = 0, maxMilliseconds = 0;
};

struct SmokeReport {
    std::string ns, service, port;            // the staging Service asked, and its port
    std::vector<SmokeResult> answers;         // in the order sent
    std::vector<SmokeRequestReport> requests; // per request of the spec, in order
    std::string error;                        // the requests could not all be sent (a refusal, a read that failed): why
    bool forbidden = false;                   // the API server refused the proxy (exit code 4)

    int failures() const;
    int total() const { return static_cast<int>(answers.size()); }
    bool passed() const { return error.empty() && !answers.empty() && failures() == 0; }
    // The first failing answer's sentence, else the error; empty when all passed.
    std::string firstFailure() const;
};

// Sums `answers` up per request of `spec` (the report's `requests`).
void summarizeSmoke(const SmokeSpec& spec, SmokeReport& report);

// The smoke requests of one member, asked when a swap is planned.
struct SmokeFacts {
    SmokeSpec spec; // no requests: the service has none, and the gate has no smoke check
    SmokeReport report;
    // Requests to send, or an annotation that was refused (then the gate fails until it is corrected).
    bool configured() const { return !spec.requests.empty() || !report.error.empty(); }
};

// The smoke requests to one member's staging Service as a check of the plan (Evidence::Smoke).
Check smokeCheckOf(const SmokeFacts& smoke, bool skip);

} // namespace model
