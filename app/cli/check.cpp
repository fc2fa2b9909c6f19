// signalbox check SERVICE [--slot a|b|live|staging|sandbox]: the app's health check of every pod of
// the slots (and of the live and staging Services); exit 6 when any fails.
#include "app/exitcodes.h"
#include "commands.h"
#include "model/observe/health.h"
#include "session.h"

#include <QCoreApplication>
#include <algorithm>

namespace cli {

namespace {

using nlohmann::json;

json resultJson(const model::HealthResult& r)
{
    json j = {{"target", r.target},
              {"kind", r.service ? "service" : "pod"},
              {"passed", r.passed()},
              {"result", r.kind == model::HealthResult::Kind::Pass   ? "pass"
                         : r.kind == model::HealthResult::Kind::Fail ? "fail"
                                                                     : "unknown"},
              {"sentence", r.sentence},
              {"milliseconds", r.milliseconds}};
    if (r.status)
        j.emplace("status", r.status);
    if (!r.servedBy.empty())
        j.emplace("servedBy", r.servedBy);
    return j;
}

json slotJson(const model::SlotHealth& slot)
{
    json pods = json::array();
    for (const auto& r : slot.pods)
        pods.push_back(resultJson(r));
    json j = {{"role", slot.role},
              {"slot", slot.slot ? model::name(*slot.slot) : std::string()},
              {"namespace", slot.ns},
              {"deployment", slot.deployment},
              {"pods", pods}};
    if (slot.service)
        j.emplace("service", resultJson(*slot.service));
    if (!slot.error.empty())
        j.emplace("error", slot.error);
    return j;
}

void sayReportJson(const model::ServiceSpec& spec, const model::ServiceHealthReport& report, int code)
{
    const model::HealthSpec& h = report.spec;
    json slots = json::array();
    for (const auto& slot : report.slots)
        slots.push_back(slotJson(slot));
    sayJson(json{{"service", spec.name},
                 {"check",
                  {{"port", h.port},
                   {"path", h.path},
                   {"expectStatus", h.expectStatus},
                   {"timeoutSeconds", h.timeoutSeconds},
                   {"intervalSeconds", h.intervalSeconds},
                   {"source", h.source}}},
                 {"slots", slots},
                 {"healthy", code == app::Done}});
}

// "  pod uro-b-1                       ok    answered 200 in 3 ms"
std::string resultLine(const model::HealthResult& r)
{
    std::string name = (r.service ? "Service " : "pod ") + r.target;
    if (name.size() < 34)
        name.resize(34, ' ');
    const char* mark = r.kind == model::HealthResult::Kind::Pass   ? "ok   "
                       : r.kind == model::HealthResult::Kind::Fail ? "FAIL "
                                                                   : "?    ";
    return "  " + name + " " + mark + " " + r.sentence +
           (r.service && !r.servedBy.empty() ? " (served by " + r.servedBy + ")" : "");
}

void sayReport(const model::ServiceSpec& spec, const model::ServiceHealthReport& report)
{
    const model::HealthSpec& h = report.spec;
    say(spec.name + ": GET " + h.path + " on port " + h.port + ", expecting " + std::to_string(h.expectStatus) +
        " within " + std::to_string(h.timeoutSeconds) + " s (" + h.source + ")");
    for (const auto& slot : report.slots) {
        const std::string where =
            slot.slot ? model::displayName(*slot.slot) + (slot.deployment.empty() ? "" : " (" + slot.deployment + ")")
                      : slot.deployment + " in " + slot.ns;
        say((slot.role.empty() ? std::string() : slot.role + ", ") + where + ":" +
            (slot.error.empty() ? "" : " " + slot.error));
        if (slot.service)
            say(resultLine(*slot.service));
        for (const auto& r : slot.pods)
            say(resultLine(r));
    }
}

// Unhealthy when a check failed or a slot could not be read; else as the results say.
int reportExitCode(const model::ServiceHealthReport& report)
{
    int code = app::exitCode(report.results());
    for (const auto& slot : report.slots)
        if (!slot.error.empty() && code == app::Done)
            code = app::Unhealthy;
    return code;
}

void complainAboutReport(const model::ServiceSpec& spec, const model::ServiceHealthReport& report, int code)
{
    if (code == app::Unhealthy) {
        complain(spec.name + " is unhealthy: " + report.firstFailure() + ".");
    } else if (code == app::Forbidden) {
        const auto results = report.results();
        const auto denied =
            std::find_if(results.begin(), results.end(), [](const model::HealthResult& r) { return r.forbidden; });
        complain(denied->sentence +
                 ". Ask a cluster administrator for that permission, or use a kubeconfig user that has it.");
    } else if (code != app::Done) {
        complain("the health check of " + spec.name + " could not be made: " + report.firstFailure());
    }
}

void reported(Session& s, const model::ServiceSpec& spec, const model::ServiceHealthReport& report)
{
    for (const auto& p : report.problems)
        complain(p);
    if (report.error) {
        s.fail(*report.error);
        return;
    }
    if (!report.spec.configured()) {
        complain(model::noHealthCheckSentence(spec) + ".");
        QCoreApplication::exit(app::Failed);
        return;
    }
    const int code = reportExitCode(report);
    if (s.options().json)
        sayReportJson(spec, report, code);
    else
        sayReport(spec, report);
    complainAboutReport(spec, report, code);
    QCoreApplication::exit(code);
}

} // namespace

void check(Session& s)
{
    const model::ServiceSpec* named = s.requireService();
    if (!named)
        return;
    const model::ServiceSpec spec = *named;
    const std::string& name = spec.name;
    const std::string which = s.options().slot;
    const std::string context = s.client()->config().contextName;
    if (which == "sandbox" && !spec.sandboxContext.empty() && spec.sandboxContext != context) {
        complain("the sandbox of " + name + " is in context " + spec.sandboxContext +
                 ": run the check with --context " + spec.sandboxContext + ".");
        QCoreApplication::exit(app::Failed);
        return;
    }
    auto* prober = new model::HealthProber(s.client(), 8, s.work());
    model::checkServiceHealth(s.client(), prober, spec, which,
                              [&s, spec](model::ServiceHealthReport report) { reported(s, spec, report); });
}

} // namespace cli
