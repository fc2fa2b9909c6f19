#include "model/rules/healthsummary.h"

namespace model {

bool healthNotAllowed(const HealthResult& r)
{
    return r.forbidden;
}

bool healthPending(const HealthResult& r)
{
    return r.kind == HealthResult::Kind::Unknown && !r.forbidden && r.sentence.empty();
}

HealthSummary summarizeHealth(bool configured, const std::vector<PodHealth>& pods)
{
    HealthSummary s;
    if (!configured) {
        s.text = s.compact = "no check";
        return s;
    }
    s.total = static_cast<int>(pods.size());
    if (pods.empty()) {
        s.state = HealthSummary::State::NoPods;
        s.text = "no pods to ask";
        s.compact = "no pods";
        return s;
    }
    const HealthResult* refused = nullptr;
    int unasked = 0; // the question did not get through (the API server did not answer)
    for (const auto& p : pods) {
        if (p.result.kind == HealthResult::Kind::Pass)
            ++s.passing;
        else if (p.result.kind == HealthResult::Kind::Fail)
            ++s.failing;
        else if (healthNotAllowed(p.result))
            refused = refused ? refused : &p.result;
        else if (!healthPending(p.result))
            ++unasked;
    }
    const std::string of = std::to_string(s.total);
    if (refused) {
        s.state = HealthSummary::State::NotAllowed;
        s.text = "not allowed to ask (get on pods/proxy)";
        s.compact = "not allowed";
        s.refusal = refused->sentence;
    } else if (s.failing > 0) {
        s.state = HealthSummary::State::Failing;
        s.text = s.compact = std::to_string(s.failing) + " of " + of + " fail";
    } else if (unasked > 0) {
        s.state = HealthSummary::State::Waiting;
        s.text = s.compact = std::to_string(unasked) + " of " + of + " could not be asked";
    } else if (s.passing == s.total) {
        s.state = HealthSummary::State::Passing;
        s.text = std::to_string(s.passing) + " of " + of + " answer";
        s.compact = std::to_string(s.passing) + "/" + of + " answer";
    } else {
        s.state = HealthSummary::State::Waiting;
        const int pending = s.total - s.passing;
        s.text = s.passing == 0 ? "waiting for the first answer"
                                : std::to_string(s.passing) + " of " + of + " answer, " + std::to_string(pending) +
                                      " not asked yet";
        s.compact = s.passing == 0 ? "asking" : std::to_string(s.passing) + "/" + of + " answer";
    }
    return s;
}

HealthSummary summarizeServiceHealth(bool configured, bool exists, const HealthResult& result)
{
    HealthSummary s;
    if (!configured) {
        s.text = s.compact = "no check";
        return s;
    }
    if (!exists) {
        s.state = HealthSummary::State::NoPods;
        s.text = s.compact = "no Service";
        return s;
    }
    s.total = 1;
    if (healthNotAllowed(result)) {
        s.state = HealthSummary::State::NotAllowed;
        s.text = "not allowed to ask (get on services/proxy)";
        s.compact = "not allowed";
        s.refusal = result.sentence;
    } else if (result.kind == HealthResult::Kind::Fail) {
        s.state = HealthSummary::State::Failing;
        s.failing = 1;
        s.text = result.sentence;
        s.compact = "fails";
    } else if (result.kind == HealthResult::Kind::Pass) {
        s.state = HealthSummary::State::Passing;
        s.passing = 1;
        s.text = result.sentence;
        s.compact = "answers";
    } else {
        s.state = HealthSummary::State::Waiting;
        s.text = "waiting for the first answer";
        s.compact = "asking";
    }
    return s;
}

std::string podHealthLine(const PodHealth& p)
{
    if (healthPending(p.result))
        return p.pod + "  not asked yet";
    // "answered 500, expected 200" reads as "500, expected 200" beside the pod's name.
    const std::string answered = "answered ";
    const std::string& said = p.result.sentence;
    return p.pod + "  " + (said.rfind(answered, 0) == 0 ? said.substr(answered.size()) : said);
}

} // namespace model
