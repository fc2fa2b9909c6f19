#include "model/rules/smokereport.h"

#include "net/text.h"

#include <algorithm>

namespace model {

int SmokeReport::failures() const
{
    return static_cast<int>(
        std::count_if(answers.begin(), answers.end(), [](const SmokeResult& r) { return !r.passed; }));
}

std::string SmokeReport::firstFailure() const
{
    for (const auto& r : answers)
        if (!r.passed)
            return r.sentence;
    return error;
}

void summarizeSmoke(const SmokeSpec& spec, SmokeReport& report)
{
    report.requests.clear();
    for (std::size_t i = 0; i < spec.requests.size(); ++i) {
        const SmokeRequest& q = spec.requests[i];
        SmokeRequestReport s;
        s.what = q.method + " " + net::text::forTerminal(net::text::cut(q.path, 200, "…"));
        std::vector<long long> times;
        for (const auto& r : report.answers) {
            if (r.request != i)
                continue;
            times.push_back(r.milliseconds);
            if (r.passed) {
                ++s.passes;
            } else if (s.failures++ == 0) {
                s.firstFailure = r.sentence;
            }
        }
        if (!times.empty()) {
            std::sort(times.begin(), times.end());
            s.p50Milliseconds = times[(times.size() - 1) / 2];
            s.maxMilliseconds = times.back();
        }
        report.requests.push_back(std::move(s));
    }
}

Check smokeCheckOf(const SmokeFacts& smoke, bool skip)
{
    Check c;
    c.evidence = Evidence::Smoke;
    const SmokeReport& r = smoke.report;
    const std::string what = "Smoke requests to staging pass";
    std::string why;
    if (!r.error.empty())
        why = r.error;
    else if (r.answers.empty())
        why = "none was sent";
    else if (r.failures() > 0)
        why = std::to_string(r.failures()) + " of " + std::to_string(r.total()) +
              " failed; the first: " + r.firstFailure();
    if (why.empty()) {
        c.holds = true;
        c.text = what + " (" + std::to_string(r.total()) + " of " + std::to_string(r.total()) + " to " + r.service +
                 " answered as expected)";
        return c;
    }
    if (skip) {
        c.holds = true;
        c.text = what + ": skipped, as you chose (" + why + ")";
        return c;
    }
    c.permission = r.forbidden;
    c.text = what + " (" + why + ")";
    return c;
}

} // namespace model
