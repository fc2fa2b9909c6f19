// Everything the program decodes from outside, in one libFuzzer target: the first byte picks the
// decoder (modulo 8: kubeconfig YAML, API JSON (objects and access reviews), what a registry sends, what a person
// types: an image reference, the service configuration, an analysis condition or the smoke annotation; a history
// annotation; an API Status body; a history annotation on the recorded uro objects, derived into a service state; a
// JSON merge patch on one recorded object, derived likewise; from 8 to 15 modulo 16: an answer of Prometheus's HTTP
// API), the rest is its input. A decoder may reject any input; it must never crash, leak or hit undefined behaviour.
#include "kube/accessrules.h"
#include "kube/history.h"
#include "kube/kubeconfig.h"
#include "kube/objects.h"
#include "kube/record.h"
#include "kube/status.h"
#include "model/actions/swap.h"
#include "model/rules/analysis.h"
#include "model/rules/healthpath.h"
#include "model/rules/imageref.h"
#include "model/rules/servicespec.h"
#include "model/rules/slotdiff.h"
#include "model/rules/smoke.h"
#include "model/state/servicestate.h"
#include "net/text.h"
#include "oci/registry.h"
#include "prom/decode.h"

#include <QDateTime>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace {

void decodeKubeconfig(const std::string& text)
{
    const kube::Result<kube::Kubeconfig> config = kube::parseKubeconfigText(text, "/fuzz/kubeconfig");
    if (!config)
        return;
    // Resolving reads every field the parser produced and runs the checks kubectl makes.
    (void)kube::resolveContext(*config, {}, {});
    for (const kube::ContextSummary& context : config->contexts)
        (void)kube::resolveContext(*config, context.name, "fuzz");
}

// A pod template in full, as the diff of two slots reads it: within its caps, and equal to itself.
void decodePodSpecDetail(const nlohmann::json& podTemplate)
{
    const kube::Result<kube::PodSpecDetail> detail = kube::parsePodSpecDetail(podTemplate);
    if (!detail)
        return;
    if (detail->containers.size() > kube::maxDetailContainers || detail->volumes.size() > kube::maxDetailEntries)
        __builtin_trap();
    for (const kube::ContainerSpec& c : detail->containers)
        if (c.env.size() > kube::maxDetailEntries || c.image.size() > kube::maxDetailText)
            __builtin_trap();
    model::SlotSide side;
    side.spec = *detail;
    const model::SlotDiff same = model::diffSlots(side, side);
    if (!same.differences.empty())
        __builtin_trap();
    (void)model::configMapPairs(side, side);
    (void)same.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void decodeObject(const nlohmann::json& j)
{
    (void)kube::parseMeta(j);
    (void)kube::parseDeployment(j);
    (void)kube::parseReplicaSet(j);
    (void)kube::parseEndpointSlice(j);
    (void)kube::parseEvent(j);
    (void)kube::parseConfigMap(j);
    decodePodSpecDetail(j);
    if (const kube::Result<nlohmann::json> t = kube::podTemplateJson(j))
        decodePodSpecDetail(*t);
    // A SelfSubjectRulesReview's answer, and what its rules grant.
    const kube::AccessRules rules = kube::parseAccessRules(j);
    (void)rules.grants("patch", "", "services", "", "uro");
    (void)rules.grants("get", "", "pods", "proxy", "");
    const kube::Result<kube::Service> service = kube::parseService(j);
    const kube::Result<kube::Pod> pod = kube::parsePod(j);
    if (service && pod) {
        (void)kube::selectorMatches(service->selector, pod->meta.labels);
        (void)pod->ready();
        (void)pod->restarts();
    }
}

void decodeJson(const std::string& text)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        return;
    decodeObject(j);
    // A list answer, as the informer hands over its items one by one.
    if (j.is_object() && j.contains("items") && j["items"].is_array()) {
        for (const nlohmann::json& item : j["items"])
            decodeObject(item);
    }
}

void decodeRegistry(const std::string& text)
{
    using oci::RegistryClient;
    (void)RegistryClient::decodeTagPage(text);
    const auto doc = RegistryClient::decodeManifest(text, text.substr(0, 80));
    (void)doc;
    oci::ManifestInfo info;
    (void)RegistryClient::decodeConfig(text, info);
    (void)RegistryClient::parseChallenge(text);
    (void)RegistryClient::parseTime(text);
    kube::HttpResponse response;
    response.status = 200;
    response.headers.emplace("link", text);
    (void)RegistryClient::nextLink(response);
}

// A path the check accepts is sent encoded, and what is sent can never leave the proxy: no dot
// segment, query, fragment, backslash or control byte, and it is accepted again as it is.
void checkHealthPath(const std::string& text)
{
    if (!model::healthPathProblem(text).empty())
        return;
    const std::string sent = model::encodeHealthPath(text);
    if (sent.empty() || sent.front() != '/' || !model::healthPathProblem(sent).empty())
        __builtin_trap();
    for (const char* bad : {"/../", "/./", "?", "#", "\\"})
        if (sent.find(bad) != std::string::npos)
            __builtin_trap();
    if (sent.size() >= 3 &&
        (sent.compare(sent.size() - 3, 3, "/..") == 0 || sent.compare(sent.size() - 2, 2, "/.") == 0))
        __builtin_trap();
    for (char c : sent)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) >= 0x7f)
            __builtin_trap();
}

// A condition that parses judges every pair of values without crashing, and a missing value, a NaN or an
// infinity is never a pass.
void checkCondition(const std::string& text)
{
    const auto c = model::parseCondition(text);
    if (!c)
        return;
    const double odd[] = {0,
                          -0.0,
                          1,
                          -1,
                          1e308,
                          -1e308,
                          5e-324,
                          std::numeric_limits<double>::quiet_NaN(),
                          std::numeric_limits<double>::infinity()};
    for (double a : odd)
        for (double b : odd) {
            const model::Evaluation e = model::evaluate(*c, a, b, "ratio");
            if (e.outcome == model::Outcome::Pass && (!std::isfinite(a) || (c->usesBaseline() && !std::isfinite(b))))
                __builtin_trap();
        }
    if (model::evaluate(*c, std::nullopt, 1.0).outcome != model::Outcome::Inconclusive)
        __builtin_trap();
    // The same text as a query template, with itself as a pod name: expanded or refused, never a crash.
    (void)model::expandQuery(text, {"ns", "svc", "a", {text, "p"}, 60});
}

// Every request the smoke annotation yields is one that may be sent, and a judged answer's sentence is
// terminal-safe text of bounded length.
void checkSmokeAnnotation(const std::string& text)
{
    const auto requests = model::parseSmokeAnnotation(text);
    if (!requests)
        return;
    if (requests->size() > static_cast<std::size_t>(model::maxSmokeRequests))
        __builtin_trap();
    for (const model::SmokeRequest& r : *requests) {
        if (!model::healthPathProblem(r.path).empty() || !model::smokeMethodProblem(r.method).empty())
            __builtin_trap();
        model::SmokeAnswer answer;
        answer.status = 500;
        answer.body = text;
        const model::SmokeJudgement j = model::judgeSmokeAnswer(r, answer);
        if (j.passed || j.sentence.size() > 4096 || net::text::needsEscape(j.sentence))
            __builtin_trap();
    }
}

// Cuts are valid UTF-8 of valid text and within their bound; terminal text holds no control byte.
void checkText(const std::string& text)
{
    const std::string valid = net::text::validUtf8(text);
    if (net::text::validUtf8(valid) != valid)
        __builtin_trap();
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{300}}) {
        const std::string cut = net::text::cut(valid, n, "…");
        if ((valid.size() <= n ? cut != valid : cut.size() > n) || net::text::validUtf8(cut) != cut)
            __builtin_trap();
    }
    const std::string shown = net::text::forTerminal(text);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const unsigned char b = static_cast<unsigned char>(shown[i]);
        if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7f ||
            (b == 0xc2 && i + 1 < shown.size() && static_cast<unsigned char>(shown[i + 1]) <= 0x9f))
            __builtin_trap();
    }
    if (net::text::validUtf8(shown) != shown)
        __builtin_trap();
}

void decodeTyped(const std::string& text)
{
    std::string why;
    if (const auto ref = model::parseImageRef(text, &why)) {
        (void)ref->name();
        (void)ref->display();
        (void)oci::RegistryClient::locate(ref->registry, ref->repository);
    }
    // A commit is 7 to 40 hex digits of a tag that is at most 128 characters long.
    const std::string commit = model::commitFromTag(text);
    if (!commit.empty() && (text.size() > model::maxTagLength || commit.size() < 7 || commit.size() > 40 ||
                            commit.find_first_not_of("0123456789abcdef") != std::string::npos))
        __builtin_trap();
    checkHealthPath(text);
    checkText(text);
    (void)model::parseServiceConfig(text, "/fuzz/services.yaml");
    checkCondition(text);
    checkSmokeAnnotation(text);
}

// Properties, not just survival: every entry reads back, a rewrite stays small and ends with ours.
void decodeHistory(const std::string& text)
{
    for (const kube::HistoryEntry& e : kube::decodeHistory(text)) {
        (void)e.toJson().dump();
        if (e.analysis.size() > kube::historyMetricsLimit)
            __builtin_trap();
    }
    kube::HistoryEntry ours;
    ours.at = "2026-01-01T00:00:00Z";
    ours.action = "swap";
    ours.from.slot = "a";
    ours.to.slot = "b";
    const std::string rewritten = kube::appendHistory(text, ours, model::historyCap);
    const auto again = kube::decodeHistory(rewritten);
    if (again.empty() || again.size() > model::historyCap || !again.back().readable() || again.back().at != ours.at)
        __builtin_trap();
    if (rewritten.size() > model::historyCap * (kube::historyElementLimit + 400))
        __builtin_trap();
    // With authors: the text up to a NUL byte is the history, the rest the authors. The new entry is
    // always ours, its line names us, and taking it back leaves what the lines covered.
    const std::size_t cut = text.find('\0');
    const kube::HistoryRecord record{text.substr(0, cut),
                                     cut == std::string::npos ? std::string() : text.substr(cut + 1)};
    const auto entries = kube::decodeHistory(record);
    const kube::HistoryRecord appended = kube::appendHistory(record, ours, "fuzz", model::historyCap);
    const auto read = kube::decodeHistory(appended);
    if (read.empty() || read.back().writtenBy != "fuzz" || read.back().at != ours.at)
        __builtin_trap();
    if (!kube::withdrawNewest(appended, "fuzz") || kube::withdrawNewest(appended, "someone else"))
        __builtin_trap();
    // The same texts as a namespace's record: read bounded, and appending stays within its caps.
    const kube::ReadRecord held = kube::decodeRecord({record, text.substr(0, 100)});
    if (held.entries.size() > kube::recordEntryLimit || held.from.size() > 64)
        __builtin_trap();
    const kube::NamespaceRecord extended = kube::appendRecord({record, {}}, ours, "fuzz", 8, 4096);
    const kube::ReadRecord back = kube::decodeRecord(extended);
    if (back.entries.empty() || back.entries.size() > 8 || back.entries.back().writtenBy != "fuzz" || back.from.empty())
        __builtin_trap();
    (void)entries;
}

void decodeStatus(const std::string& text)
{
    if (const auto s = kube::decodeStatus(text)) {
        (void)s->message.value_or("");
        if (s->details)
            for (const auto& c : s->details->causes)
                (void)c.message.size();
    }
}

// The recorded objects of the uro example (tests/data/model), read once.
struct Recorded {
    nlohmann::json deployments, replicaSets, pods, services, events, sandboxDeployments;

    static nlohmann::json load(const char* name)
    {
        std::ifstream in(std::string(SIGNALBOX_TEST_DATA_DIR) + "/model/" + name);
        std::stringstream text;
        text << in.rdbuf();
        nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
        if (!j.is_object())
            __builtin_trap(); // the fuzz target is run from a source tree
        return j;
    }

    static const Recorded& get()
    {
        static const Recorded r{load("uro-deployments.json"), load("uro-replicasets.json"),
                                load("uro-pods.json"),        load("uro-services.json"),
                                load("uro-events.json"),      load("uro-sandbox-deployments.json")};
        return r;
    }
};

template <typename T>
void addItems(const nlohmann::json& list, kube::Result<T> (*parse)(const nlohmann::json&), std::vector<T>& out)
{
    for (T& item : kube::parseItems(list, parse))
        out.push_back(std::move(item));
}

void derive(const Recorded& r)
{
    model::Snapshot production, sandbox;
    addItems(r.deployments, kube::parseDeployment, production.deployments);
    addItems(r.replicaSets, kube::parseReplicaSet, production.replicaSets);
    addItems(r.pods, kube::parsePod, production.pods);
    addItems(r.services, kube::parseService, production.services);
    addItems(r.events, kube::parseEvent, production.events);
    addItems(r.sandboxDeployments, kube::parseDeployment, sandbox.deployments);
    model::ServiceSpec spec;
    spec.name = "uro";
    spec.ns = "uro";
    spec.applyDefaults();
    const model::ServiceState st =
        model::deriveService(spec, production, sandbox, QDateTime::fromSecsSinceEpoch(1790000000));
    for (const kube::HistoryEntry& e : st.history)
        (void)(e.at + e.unreadable + e.from.image);
    (void)model::discoverServices(production, "fuzz");
}

// `text` as the history annotation of the live Service and of slot A's Deployment.
void deriveWithHistory(const std::string& text)
{
    Recorded r = Recorded::get();
    for (nlohmann::json* list : {&r.services, &r.deployments})
        for (nlohmann::json& item : (*list)["items"])
            item["metadata"]["annotations"][model::historyAnnotation] = text;
    derive(r);
}

// The first byte picks one recorded object, the rest is a JSON merge patch (RFC 7386) applied to it.
void deriveMutated(const std::string& text)
{
    if (text.empty())
        return;
    const nlohmann::json patch = nlohmann::json::parse(text.substr(1), nullptr, false);
    if (patch.is_discarded())
        return;
    Recorded r = Recorded::get();
    std::vector<nlohmann::json*> objects;
    for (nlohmann::json* list : {&r.deployments, &r.replicaSets, &r.pods, &r.services, &r.events})
        for (nlohmann::json& item : (*list)["items"])
            objects.push_back(&item);
    objects[static_cast<unsigned char>(text[0]) % objects.size()]->merge_patch(patch);
    derive(r);
}

// An answer of Prometheus, with every HTTP status it sends, and tight limits so they are reached.
// Properties: a success holds at most the limits' series and points; an error is one sentence.
void decodePrometheus(const std::string& text)
{
    prom::Limits tight;
    tight.maxBytes = 4096;
    tight.maxSeries = 4;
    tight.maxPoints = 16;
    tight.maxLabels = 4;
    for (const prom::Limits& limits : {prom::Limits{}, tight})
        for (long status : {200L, 400L, 503L}) {
            const auto r = prom::decodeResponse(text, status, "Prometheus at http://fuzz", limits);
            if (!r) {
                if (r.error().message.empty() || r.error().message.find('\n') != std::string::npos ||
                    r.error().message.size() > 2 * prom::maxErrorTextBytes + 400)
                    __builtin_trap();
                continue;
            }
            std::size_t points = 0;
            for (const prom::Series& s : r->matrix)
                points += s.points.size();
            if (r->vector.size() > limits.maxSeries || r->matrix.size() > limits.maxSeries ||
                points > limits.maxPoints || r->warnings.size() > prom::maxWarnings)
                __builtin_trap();
            for (const prom::Sample& s : r->vector)
                if (s.labels.size() > limits.maxLabels)
                    __builtin_trap();
        }
    double value = 0;
    if (prom::parseValue(text, value) && std::isnan(value) && text != "NaN")
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 16 >= 8) {
        decodePrometheus(text);
        return 0;
    }
    switch (data[0] % 8) {
    case 0:
        decodeKubeconfig(text);
        break;
    case 1:
        decodeJson(text);
        break;
    case 2:
        decodeRegistry(text);
        break;
    case 3:
        decodeTyped(text);
        break;
    case 4:
        decodeHistory(text);
        break;
    case 5:
        decodeStatus(text);
        break;
    case 6:
        deriveWithHistory(text);
        break;
    default:
        deriveMutated(text);
        break;
    }
    return 0;
}
