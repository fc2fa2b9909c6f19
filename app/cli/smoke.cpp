// signalbox smoke SERVICE: the service's smoke requests sent to its staging Service through the API
// server's proxy, each answer on a line and a summary; exit 6 when any fails, 4 when refused.
#include "model/observe/smoke.h"

#include "app/exitcodes.h"
#include "commands.h"
#include "model/rules/keys.h"
#include "net/text.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

using nlohmann::json;

int smokeExitCode(const model::SmokeReport& r)
{
    if (r.forbidden)
        return app::Forbidden;
    if (!r.error.empty() && r.answers.empty())
        return app::Failed;
    return r.passed() ? app::Done : app::Unhealthy;
}

void sayReportJson(const model::ServiceSpec& spec, const model::ServiceSmokeReport& out, int code)
{
    const model::SmokeReport& r = out.report;
    json answers = json::array(), requests = json::array();
    for (const auto& a : r.answers)
        answers.push_back({{"request", a.request},
                           {"status", a.status},
                           {"milliseconds", a.milliseconds},
                           {"passed", a.passed},
                           {"sentence", a.sentence}});
    for (const auto& q : r.requests)
        requests.push_back({{"request", q.what},
                            {"passes", q.passes},
                            {"failures", q.failures},
                            {"firstFailure", q.firstFailure},
                            {"p50Milliseconds", q.p50Milliseconds},
                            {"maxMilliseconds", q.maxMilliseconds}});
    json j = {{"service", spec.name},        {"namespace", r.ns},
              {"stagingService", r.service}, {"port", r.port},
              {"repeat", out.spec.repeat},   {"ratePerSecond", out.spec.ratePerSecond},
              {"answers", answers},          {"requests", requests},
              {"failures", r.failures()},    {"passed", code == app::Done}};
    if (!r.error.empty())
        j.emplace("error", r.error);
    sayJson(j);
}

void sayReport(const model::ServiceSpec& spec, const model::ServiceSmokeReport& out)
{
    const model::SmokeReport& r = out.report;
    say(spec.name + ": " + std::to_string(out.spec.requests.size()) + " smoke request" +
        (out.spec.requests.size() == 1 ? "" : "s") + " × " + std::to_string(out.spec.repeat) + " to Service " +
        r.service + " port " + r.port + " in " + r.ns + ", at most " + std::to_string(out.spec.ratePerSecond) +
        " a second");
    // judgeSmokeAnswer's sentences are escaped already; write() escapes what is left.
    for (const auto& a : r.answers)
        say(std::string(a.passed ? "  ok    " : "  FAIL  ") + (a.status ? std::to_string(a.status) : "---") + "  " +
            std::to_string(a.milliseconds) + " ms  " + a.sentence);
    for (const auto& q : r.requests)
        say(q.what + ": " + std::to_string(q.passes) + " passed, " + std::to_string(q.failures) + " failed, p50 " +
            std::to_string(q.p50Milliseconds) + " ms, max " + std::to_string(q.maxMilliseconds) + " ms");
    say("all: " + std::to_string(r.total() - r.failures()) + " passed, " + std::to_string(r.failures()) +
        " failed of " + std::to_string(r.total()));
}

void reported(Session& s, const model::ServiceSpec& spec, const model::ServiceSmokeReport& out)
{
    for (const auto& p : out.problems)
        complain(p);
    if (out.error) {
        s.fail(*out.error);
        return;
    }
    if (out.spec.requests.empty()) {
        complain(spec.name + " has no smoke requests: set the annotation " + model::smokeAnnotation + " on Service " +
                 spec.liveService + " or smoke: in services.yaml.");
        QCoreApplication::exit(app::Failed);
        return;
    }
    const model::SmokeReport& r = out.report;
    const int code = smokeExitCode(r);
    if (s.options().json)
        sayReportJson(spec, out, code);
    else
        sayReport(spec, out);
    if (code == app::Forbidden)
        complain(r.error + ". Ask a cluster administrator for that permission, or use a kubeconfig user that has it.");
    else if (code == app::Unhealthy)
        complain(spec.name + "'s staging fails its smoke requests: " + std::to_string(r.failures()) + " of " +
                 std::to_string(r.total()) + " failed; the first: " + r.firstFailure() + ".");
    else if (code != app::Done)
        complain("the smoke requests to " + spec.name + "'s staging could not be sent: " + r.error);
    QCoreApplication::exit(code);
}

} // namespace

void smoke(Session& s)
{
    const model::ServiceSpec* named = s.requireService();
    if (!named)
        return;
    const model::ServiceSpec spec = *named;
    auto* runner = new model::SmokeRunner(s.client(), s.work());
    model::smokeService(s.client(), runner, spec,
                        [&s, spec](model::ServiceSmokeReport out) { reported(s, spec, out); });
}

} // namespace cli
