#include "model/rules/analysis.h"

#include "kube/objects.h"
#include "model/rules/healthpath.h"
#include "model/rules/keys.h"
#include "model/rules/servicespec.h"
#include "net/text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace model {

namespace {

// Recursive descent over one condition; nesting is bounded so that a hostile text cannot exhaust the stack.
class ConditionParser {
public:
    explicit ConditionParser(const std::string& text) : m_text(text) {}

    Condition parse()
    {
        Condition c;
        c.text = m_text;
        m_c = &c;
        skipSpace();
        if (m_pos >= m_text.size())
            fail("it is empty; write one such as \"candidate < 0.01\"");
        int left = -1;
        if (peekComparison() >= 0)
            left = add(Condition::Op::Candidate); // `< 0.01` is `value < 0.01`
        else
            left = sum();
        const int op = peekComparison();
        if (op < 0)
            fail(m_pos < m_text.size() ? "expected a comparison (<, <=, >, >=, ==, !=)"
                                       : "a condition must compare, as in \"candidate < 0.01\"");
        m_pos += comparisons[op].size();
        const int right = sum();
        skipSpace();
        if (m_pos < m_text.size())
            fail("unexpected \"" + std::string(1, m_text[m_pos]) + "\"");
        c.root = add(compareOps[op], 0, left, right);
        if (std::none_of(c.nodes.begin(), c.nodes.end(),
                         [](const Condition::Node& n) { return n.op == Condition::Op::Candidate; })) {
            m_pos = 0;
            fail("it does not name the candidate (candidate, staging or value), so it would judge nothing");
        }
        return c;
    }

    struct Failure {
        std::string message;
    };

private:
    static constexpr int maxDepth = 32;
    static constexpr std::string_view comparisons[] = {"<=", ">=", "==", "!=", "<", ">"};
    static constexpr Condition::Op compareOps[] = {Condition::Op::Le, Condition::Op::Ge, Condition::Op::Eq,
                                                   Condition::Op::Ne, Condition::Op::Lt, Condition::Op::Gt};

    [[noreturn]] void fail(const std::string& what) const
    {
        throw Failure{"The condition \"" + m_text + "\" cannot be read at column " + std::to_string(m_pos + 1) + ": " +
                      what + "."};
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t'))
            ++m_pos;
    }

    int peekComparison()
    {
        skipSpace();
        for (int i = 0; i < 6; ++i)
            if (m_text.compare(m_pos, comparisons[i].size(), comparisons[i]) == 0)
                return i;
        return -1;
    }

    int add(Condition::Op op, double number = 0, int left = -1, int right = -1)
    {
        m_c->nodes.push_back({op, number, left, right});
        return static_cast<int>(m_c->nodes.size()) - 1;
    }

    int sum()
    {
        int left = product();
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || (m_text[m_pos] != '+' && m_text[m_pos] != '-'))
                return left;
            const auto op = m_text[m_pos++] == '+' ? Condition::Op::Add : Condition::Op::Sub;
            left = add(op, 0, left, product());
        }
    }

    int product()
    {
        int left = unary();
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || (m_text[m_pos] != '*' && m_text[m_pos] != '/'))
                return left;
            const auto op = m_text[m_pos++] == '*' ? Condition::Op::Mul : Condition::Op::Div;
            left = add(op, 0, left, unary());
        }
    }

    int unary()
    {
        skipSpace();
        if (++m_depth > maxDepth)
            fail("it nests deeper than " + std::to_string(maxDepth) + " levels");
        int node = -1;
        if (m_pos < m_text.size() && m_text[m_pos] == '-') {
            ++m_pos;
            node = add(Condition::Op::Neg, 0, unary());
        } else {
            node = primary();
        }
        --m_depth;
        return node;
    }

    int primary()
    {
        if (m_pos >= m_text.size())
            fail("expected a number or a variable");
        const char ch = m_text[m_pos];
        if (ch == '(') {
            ++m_pos;
            const int inner = sum();
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ')')
                fail("expected \")\"");
            ++m_pos;
            return inner;
        }
        if ((ch >= '0' && ch <= '9') || ch == '.')
            return number();
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
            return variable();
        fail("expected a number or a variable, not \"" + std::string(1, ch) + "\"");
    }

    int number()
    {
        const std::size_t start = m_pos;
        auto digits = [this] {
            const std::size_t from = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            return m_pos > from;
        };
        bool any = digits();
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            any = digits() || any;
        }
        if (!any) {
            m_pos = start;
            fail("expected a number");
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (!digits())
                fail("expected the exponent's digits");
        }
        const double v = std::strtod(m_text.substr(start, m_pos - start).c_str(), nullptr);
        if (!std::isfinite(v)) {
            m_pos = start;
            fail("the number is too large");
        }
        return add(Condition::Op::Number, v);
    }

    int variable()
    {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && ((m_text[m_pos] >= 'a' && m_text[m_pos] <= 'z') ||
                                         (m_text[m_pos] >= 'A' && m_text[m_pos] <= 'Z') || m_text[m_pos] == '_'))
            ++m_pos;
        const std::string name = m_text.substr(start, m_pos - start);
        if (name == "candidate" || name == "staging" || name == "value")
            return add(Condition::Op::Candidate);
        if (name == "baseline" || name == "live")
            return add(Condition::Op::Baseline);
        m_pos = start;
        fail("unknown variable \"" + name + "\" (known: candidate, baseline, staging, live, value)");
    }

    const std::string& m_text;
    std::size_t m_pos = 0;
    int m_depth = 0;
    Condition* m_c = nullptr;
};

struct Calc {
    const Condition& c;
    double candidate, baseline;
    bool divisionByZero = false;

    double at(int i)
    {
        const Condition::Node& n = c.nodes[static_cast<std::size_t>(i)];
        using Op = Condition::Op;
        switch (n.op) {
        case Op::Number:
            return n.number;
        case Op::Candidate:
            return candidate;
        case Op::Baseline:
            return baseline;
        case Op::Neg:
            return -at(n.left);
        default:
            break;
        }
        const double l = at(n.left), r = at(n.right);
        switch (n.op) {
        case Op::Add:
            return l + r;
        case Op::Sub:
            return l - r;
        case Op::Mul:
            return l * r;
        case Op::Div:
            if (r == 0) {
                divisionByZero = true;
                return std::nan("");
            }
            return l / r;
        case Op::Lt:
            return l < r;
        case Op::Le:
            return l <= r;
        case Op::Gt:
            return l > r;
        case Op::Ge:
            return l >= r;
        case Op::Eq:
            return l == r;
        default:
            return l != r;
        }
    }

    // Whether either side of the comparison came out as no number (NaN from a division by zero).
    bool sidesValid(int i)
    {
        const Condition::Node& n = c.nodes[static_cast<std::size_t>(i)];
        return std::isfinite(at(n.left)) && std::isfinite(at(n.right)) && !divisionByZero;
    }
};

std::string formatNumber(double v, int precision)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    return buf;
}

} // namespace

bool Condition::usesBaseline() const
{
    for (const Node& n : nodes)
        if (n.op == Op::Baseline)
            return true;
    return false;
}

kube::Result<Condition> parseCondition(const std::string& text)
{
    if (text.size() > static_cast<std::size_t>(maxConditionLength))
        return kube::Error::config("The condition is longer than " + std::to_string(maxConditionLength) +
                                   " characters; write a shorter one.");
    try {
        return ConditionParser(text).parse();
    } catch (const ConditionParser::Failure& f) {
        return kube::Error::config(f.message);
    }
}

const char* outcomeName(Outcome o)
{
    return o == Outcome::Pass ? "pass" : o == Outcome::Fail ? "fail" : "inconclusive";
}

std::string formatValue(double value, const std::string& unit)
{
    if (std::isnan(value))
        return "no number";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (unit == "ratio")
        return formatNumber(value * 100, 3) + " %";
    if (unit == "seconds") {
        if (std::fabs(value) < 1)
            return formatNumber(value * 1000, 3) + " ms";
        return formatNumber(value, 3) + " s";
    }
    return formatNumber(value, 4);
}

Evaluation evaluate(const Condition& condition, std::optional<double> candidate, std::optional<double> baseline,
                    const std::string& unit)
{
    Evaluation e;
    if (condition.root < 0) {
        e.explanation = "no condition to judge by";
        return e;
    }
    const bool needsBaseline = condition.usesBaseline();
    auto shown = [&unit](std::optional<double> v) { return v ? formatValue(*v, unit) : std::string("no data"); };
    const std::string values = needsBaseline ? shown(candidate) + " against " + shown(baseline) : shown(candidate);
    if (!candidate || (needsBaseline && !baseline)) {
        e.explanation = values + ": inconclusive, no data for " +
                        (!candidate ? std::string("the candidate") : std::string("the baseline"));
        return e;
    }
    if (!std::isfinite(*candidate) || (needsBaseline && !std::isfinite(*baseline))) {
        e.explanation = values + ": inconclusive, a value is not a finite number";
        return e;
    }
    Calc calc{condition, *candidate, baseline.value_or(0)};
    if (!calc.sidesValid(condition.root)) {
        e.explanation = values + ": inconclusive, " +
                        (calc.divisionByZero ? std::string("the condition divides by zero")
                                             : std::string("the condition's arithmetic gives no number"));
        return e;
    }
    const bool holds = calc.at(condition.root) != 0;
    e.outcome = holds ? Outcome::Pass : Outcome::Fail;
    e.explanation = values + (holds ? ": passes " : ": fails ") + condition.text;
    return e;
}

std::vector<MetricSpec> defaultMetrics(const DefaultLabels& l)
{
    const std::string selector = l.ns + "=\"{{namespace}}\"," + l.pod + "=~\"{{pods}}\"";
    MetricSpec errors;
    errors.name = "error ratio";
    errors.unit = "ratio";
    // A slot that never failed has no 5xx series at all: `or vector(0)` makes that a zero, not "no data".
    errors.queryTemplate = "(sum(rate(http_requests_total{" + selector + "," + l.status +
                           "=~\"5..\"}[{{window}}])) or vector(0)) / sum(rate(http_requests_total{" + selector +
                           "}[{{window}}]))";
    errors.condition = *parseCondition("candidate <= baseline * 1.2 + 0.005");
    MetricSpec latency;
    latency.name = "p99 latency";
    latency.unit = "seconds";
    latency.queryTemplate = "histogram_quantile(0.99, sum by (" + l.le +
                            ") (rate(http_request_duration_seconds_bucket{" + selector + "}[{{window}}])))";
    latency.condition = *parseCondition("candidate <= baseline * 1.2 + 0.05");
    return {errors, latency};
}

namespace {

// `s` as the inside of a PromQL double-quoted string.
std::string promString(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

// `s` matched literally by an RE2 regex.
std::string regexLiteral(const std::string& s)
{
    static const std::string_view special = "\\.+*?()|[]{}^$";
    std::string out;
    for (char c : s) {
        if (special.find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

std::string promDuration(int seconds)
{
    if (seconds > 0 && seconds % 3600 == 0)
        return std::to_string(seconds / 3600) + "h";
    if (seconds > 0 && seconds % 60 == 0)
        return std::to_string(seconds / 60) + "m";
    return std::to_string(seconds) + "s";
}

kube::Result<ExpandedQuery> expandQuery(const std::string& queryTemplate, const QueryVars& vars)
{
    if (queryTemplate.size() > static_cast<std::size_t>(maxQueryLength))
        return kube::Error::config("The query template is longer than " + std::to_string(maxQueryLength) +
                                   " characters; write a shorter one.");
    static const std::string opening = "{{", closing = "}}";
    ExpandedQuery out;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t open = queryTemplate.find(opening, pos);
        out.query += queryTemplate.substr(pos, open == std::string::npos ? std::string::npos : open - pos);
        if (open == std::string::npos)
            return out;
        const std::size_t close = queryTemplate.find(closing, open + 2);
        if (close == std::string::npos)
            return kube::Error::config("The query template has a \"{{\" at column " + std::to_string(open + 1) +
                                       " without its \"}}\"; close the variable.");
        std::string name = queryTemplate.substr(open + 2, close - open - 2);
        const std::size_t first = name.find_first_not_of(' ');
        name = first == std::string::npos ? std::string() : name.substr(first, name.find_last_not_of(' ') - first + 1);
        if (name == "namespace") {
            out.query += promString(vars.ns);
        } else if (name == "service") {
            out.query += promString(vars.service);
        } else if (name == "slot") {
            out.query += promString(vars.slot);
        } else if (name == "window") {
            out.query += promDuration(vars.windowSeconds);
        } else if (name == "pods") {
            std::string regex;
            for (const std::string& p : vars.pods)
                regex += (regex.empty() ? "" : "|") + regexLiteral(p);
            if (vars.pods.empty()) {
                // No pod name holds parentheses or a space, so this matches none; an empty regex would
                // match the series that have no pod label at all.
                regex = regexLiteral("(no pods)");
                out.noPods = true;
            }
            out.query += promString(regex);
        } else {
            return kube::Error::config("The query template uses the unknown variable {{" + net::text::cut(name, 64) +
                                       "}} (known: namespace, service, slot, pods, window).");
        }
        pos = close + 2;
    }
}

kube::Result<PrometheusTarget> parsePrometheusTarget(const std::string& text)
{
    PrometheusTarget t;
    auto refused = [&text](const std::string& why) {
        return kube::Error::config("\"" + net::text::cut(text, 200, "…") + "\" is not a Prometheus address: " + why +
                                   "; write NAMESPACE/SERVICE:PORT or an http(s):// URL.");
    };
    if (text.size() > 2048)
        return refused("it is longer than 2,048 characters");
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return refused("it holds a space or a control character");
    if (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) {
        static const std::string schemeEnd = "://";
        const std::size_t hostStart = text.find(schemeEnd) + schemeEnd.size();
        if (hostStart >= text.size() || text[hostStart] == '/')
            return refused("the URL names no host");
        if (text.find('@', hostStart) != std::string::npos && text.find('@', hostStart) < text.find('/', hostStart))
            return refused("a URL with a user name or password leaks it into logs; use a bearer token file");
        if (text.find_first_of("?#", hostStart) != std::string::npos)
            return refused("the URL holds a query or a fragment");
        t.url = text;
        while (t.url.size() > hostStart && t.url.back() == '/')
            t.url.pop_back();
        return t;
    }
    const std::size_t slash = text.find('/');
    const std::size_t colon = text.rfind(':');
    if (slash == std::string::npos || colon == std::string::npos || colon < slash)
        return refused("it is neither NAMESPACE/SERVICE:PORT nor a URL");
    t.serviceNamespace = text.substr(0, slash);
    t.serviceName = text.substr(slash + 1, colon - slash - 1);
    t.servicePort = text.substr(colon + 1);
    auto dnsLabel = [](const std::string& s) {
        if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-')
            return false;
        for (char c : s)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                return false;
        return true;
    };
    if (!dnsLabel(t.serviceNamespace) || !dnsLabel(t.serviceName))
        return refused("the namespace and the Service must be lowercase names");
    const bool number = !t.servicePort.empty() && t.servicePort.size() <= 5 &&
                        t.servicePort.find_first_not_of("0123456789") == std::string::npos &&
                        std::stoi(t.servicePort) >= 1 && std::stoi(t.servicePort) <= 65535;
    if (!number && !isPortName(t.servicePort))
        return refused("the port must be a number from 1 to 65535 or a port name");
    return t;
}

const char* verdictName(Verdict v)
{
    switch (v) {
    case Verdict::Running:
        return "running";
    case Verdict::Passed:
        return "passed";
    case Verdict::Failed:
        return "failed";
    default:
        return "inconclusive";
    }
}

VerdictResult verdictOver(const std::vector<Outcome>& looks, const AnalysisSpec& spec)
{
    const int failureLimit = std::max(spec.failureLimit, 1);
    const int count = std::max(spec.count, 1);
    VerdictResult r;
    int streak = 0, inconclusive = 0;
    for (Outcome o : looks) {
        ++r.looks;
        streak = o == Outcome::Fail ? streak + 1 : 0;
        inconclusive += o == Outcome::Inconclusive ? 1 : 0;
        if (streak >= failureLimit) {
            r.verdict = Verdict::Failed;
            r.sentence = failureLimit == 1
                             ? "failed at look " + std::to_string(r.looks) + " of " + std::to_string(count)
                             : "failed " + std::to_string(failureLimit) + " looks in a row (to look " +
                                   std::to_string(r.looks) + " of " + std::to_string(count) + ")";
            return r;
        }
        if (inconclusive > spec.inconclusiveLimit) {
            r.verdict = Verdict::Inconclusive;
            r.sentence = std::to_string(inconclusive) + (inconclusive == 1 ? " look was" : " looks were") +
                         " inconclusive (no data, or no number), more than the " +
                         std::to_string(spec.inconclusiveLimit) + " allowed";
            return r;
        }
        if (r.looks >= count) {
            r.verdict = Verdict::Passed;
            r.sentence = "passed " + std::to_string(count) + (count == 1 ? " look" : " looks");
            return r;
        }
    }
    r.sentence = std::to_string(r.looks) + " of " + std::to_string(count) + " looks so far";
    return r;
}

AnalysisSpec analysisSpecFor(const ServiceSpec& spec, const kube::Service* live, std::vector<std::string>* problems)
{
    AnalysisSpec a = spec.analysis;
    if (!a.metrics.empty() || !live)
        return a; // the file's metrics win over the annotation
    const std::string value = live->meta.annotation(analysisAnnotation);
    if (value.empty())
        return a;
    if (value == "default")
        a.metrics = defaultMetrics();
    else if (problems)
        problems->push_back("The annotation " + analysisAnnotation + " on Service " + spec.liveService + " is \"" +
                            net::text::cut(value, 80, "…") +
                            "\", not \"default\"; the service has no analysis from it. Correct the annotation.");
    return a;
}

PrometheusTarget prometheusTargetFor(const ServiceSpec& spec, const PrometheusTarget& topLevel,
                                     const kube::Service* live, std::vector<std::string>* problems)
{
    if (spec.prometheus.configured())
        return spec.prometheus;
    if (topLevel.configured())
        return topLevel;
    if (!live)
        return {};
    const std::string value = live->meta.annotation(prometheusAnnotation);
    if (value.empty())
        return {};
    auto t = parsePrometheusTarget(value);
    if (!t) {
        if (problems)
            problems->push_back("The annotation " + prometheusAnnotation + " on Service " + spec.liveService +
                                " is refused: " + t.error().message);
        return {};
    }
    t->source = "annotation on Service " + spec.liveService;
    return *t;
}

} // namespace model
