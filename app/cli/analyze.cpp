// signalbox analyze SERVICE [--slot staging|live|a|b] [--against live|staging|a|b] [--window 10m] [--looks N]:
// the service's metrics from Prometheus, the candidate slot's values against the baseline's, each judged by
// its condition; exit 0 when every condition holds, 6 when one fails, 7 when the analysis is inconclusive.
#include "app/exitcodes.h"
#include "commands.h"
#include "model/observe/analysisrun.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

using nlohmann::json;

struct Sides {
    std::string candidateRole, baselineRole;
    model::Slot candidate = model::Slot::B, baseline = model::Slot::A;
};

json valueJson(const std::optional<double>& v)
{
    return v ? json(*v) : json(nullptr);
}

json lookJson(const model::AnalysisLook& look)
{
    json metrics = json::array();
    for (const model::MetricReading& m : look.metrics)
        metrics.push_back({{"name", m.name},
                           {"unit", m.unit},
                           {"condition", m.condition},
                           {"candidate", valueJson(m.candidate)},
                           {"baseline", valueJson(m.baseline)},
                           {"outcome", model::outcomeName(m.outcome)},
                           {"explanation", m.explanation}});
    return {{"outcome", model::outcomeName(model::lookOutcome(look))}, {"metrics", metrics}};
}

std::string padded(std::string text, std::size_t width)
{
    if (text.size() < width)
        text.resize(width, ' ');
    return text;
}

// "  error ratio     staging 20 %       live 0 %          FAIL  candidate <= baseline * 1.2 + 0.005"
void sayLook(const model::AnalysisLook& look, const Sides& sides)
{
    for (const model::MetricReading& m : look.metrics) {
        const auto shown = [&m](const std::optional<double>& v) {
            return v ? model::formatValue(*v, m.unit) : std::string("no data");
        };
        const char* mark = m.outcome == model::Outcome::Pass   ? "ok   "
                           : m.outcome == model::Outcome::Fail ? "FAIL "
                                                               : "?    ";
        say("  " + padded(m.name, 16) + " " + padded(sides.candidateRole + " " + shown(m.candidate), 22) + " " +
            padded(sides.baselineRole + " " + shown(m.baseline), 22) + " " + mark + " " + m.condition);
        if (m.outcome != model::Outcome::Pass)
            say("      " + m.explanation);
    }
}

// The slot a role names now: live, staging, a or b.
std::optional<model::Slot> slotFor(const std::string& role, const model::SlotsNow& now)
{
    if (role == "live")
        return now.liveSlot;
    if (role == "staging")
        return now.stagingSlot;
    return model::parseSlot(role);
}

// Prints the verdict (and every look as JSON) and ends with its exit code.
void concluded(const model::AnalysisRun& run, const model::ServiceSpec& spec, const Sides& sides, bool asJson,
               const model::VerdictResult& v)
{
    // A refusal of the proxy route is RBAC's: said once, by name.
    const bool forbidden = !run.looks().empty() && run.looks().back().forbidden;
    const int code = forbidden ? app::Forbidden : app::exitCode(v.verdict);
    if (asJson) {
        json looks = json::array();
        for (const model::AnalysisLook& look : run.looks())
            looks.push_back(lookJson(look));
        sayJson(json{{"service", spec.name},
                     {"candidate", {{"role", sides.candidateRole}, {"slot", model::name(sides.candidate)}}},
                     {"baseline", {{"role", sides.baselineRole}, {"slot", model::name(sides.baseline)}}},
                     {"windowSeconds", run.spec().windowSeconds},
                     {"looks", looks},
                     {"verdict", model::verdictName(v.verdict)},
                     {"sentence", v.sentence}});
    } else {
        say(spec.name + ": " + model::verdictName(v.verdict) + ": " + v.sentence);
    }
    if (v.verdict == model::Verdict::Failed)
        complain(spec.name + "'s " + sides.candidateRole + " is worse than " + sides.baselineRole + ": " + v.sentence +
                 ".");
    else if (v.verdict != model::Verdict::Passed)
        complain(forbidden ? v.sentence
                           : "the analysis of " + spec.name + " is inconclusive, never a pass: " + v.sentence + ".");
    QCoreApplication::exit(code);
}

void analyzeSlots(Session& s, const model::ServiceSpec& spec, const model::SlotsNow& now)
{
    if (!now.live) {
        complain("the live Service " + spec.liveService + " of " + spec.name + " cannot be read: " + now.error);
        QCoreApplication::exit(now.forbidden ? app::Forbidden : app::Failed);
        return;
    }
    std::vector<std::string> problems;
    model::AnalysisSpec analysis = model::analysisSpecFor(spec, &*now.live, &problems);
    const model::PrometheusTarget target =
        model::prometheusTargetFor(spec, s.options().config.prometheus, &*now.live, &problems);
    for (const std::string& p : problems)
        complain(p);
    if (analysis.metrics.empty() || !target.configured()) {
        complain(spec.name + (analysis.metrics.empty() ? " has no metrics to analyse" : " has no Prometheus") +
                 ": set analysis: and prometheus: for it in services.yaml, or the annotations "
                 "signalbox.v-sekai.org/analysis: default and signalbox.v-sekai.org/prometheus on Service " +
                 spec.liveService + ".");
        QCoreApplication::exit(app::Failed);
        return;
    }
    if (s.options().windowSeconds > 0)
        analysis.windowSeconds = s.options().windowSeconds;
    Sides sides;
    sides.candidateRole = s.options().slot.empty() ? std::string("staging") : s.options().slot;
    sides.baselineRole = s.options().against;
    const auto candidate = slotFor(sides.candidateRole, now);
    const auto baseline = slotFor(sides.baselineRole, now);
    if (!candidate || !baseline) {
        const std::string role = !candidate ? sides.candidateRole : sides.baselineRole;
        complain("the " + role + " Service of " + spec.name + " does not select exactly one slot: nothing to analyse.");
        QCoreApplication::exit(app::Inconclusive);
        return;
    }
    sides.candidate = *candidate;
    sides.baseline = *baseline;
    const auto sideOf = [&](model::Slot slot) {
        model::AnalysisSide side;
        side.vars = {spec.ns, spec.name, model::name(slot), now.podsOf(slot), analysis.windowSeconds};
        return side;
    };
    prom::Client* prom = model::makePrometheusClient(target, s.client(), s.work());
    auto* run = new model::AnalysisRun(prom, analysis, sideOf(sides.candidate), sideOf(sides.baseline),
                                       s.options().looks > 0 ? s.options().looks : 1, s.work());
    const bool asJson = s.options().json;
    if (!asJson)
        say(spec.name + ": " + sides.candidateRole + " (slot " + model::letter(sides.candidate) + ") against " +
            sides.baselineRole + " (slot " + model::letter(sides.baseline) + "), over " +
            model::promDuration(analysis.windowSeconds) + ", from " + prom->endpoint().describe());
    QObject::connect(run, &model::AnalysisRun::looked, run, [sides, asJson](const model::AnalysisLook& look) {
        if (!asJson)
            sayLook(look, sides);
    });
    QObject::connect(run, &model::AnalysisRun::finished, run,
                     [run, spec, sides, asJson](model::VerdictResult v) { concluded(*run, spec, sides, asJson, v); });
    run->start();
}

} // namespace

void analyze(Session& s)
{
    const model::ServiceSpec* named = s.requireService();
    if (!named)
        return;
    const model::ServiceSpec spec = *named;
    model::readSlotsNow(s.client(), spec, s.work(), [&s, spec](model::SlotsNow now) { analyzeSlots(s, spec, now); });
}

} // namespace cli
