#include "model/rules/smoke.h"

#include "kube/objects.h"
#include "model/rules/healthpath.h"
#include "model/rules/keys.h"
#include "model/rules/servicespec.h"
#include "net/text.h"

#include <algorithm>

namespace model {

std::string smokeMethodProblem(const std::string& method)
{
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
        if (method == m)
            return {};
    return "\"" + net::text::forTerminal(net::text::cut(method, 20, "…")) +
           "\" is not one of GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS";
}

std::string smokeHeaderProblem(const std::string& name, const std::string& value)
{
    static const std::string_view tokenMarks = "!#$%&'*+-.^_`|~";
    if (name.empty() || name.size() > 256)
        return "a header name must have 1 to 256 characters";
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              tokenMarks.find(c) != std::string_view::npos))
            return "the header name \"" + net::text::forTerminal(net::text::cut(name, 40, "…")) +
                   "\" holds a character HTTP does not allow in a name";
    if (value.size() > 8192)
        return "the value of header " + name + " is longer than 8,192 bytes";
    for (char c : value)
        if (c == '\r' || c == '\n' || c == '\0')
            return "the value of header " + name + " holds a line break or a NUL";
    return {};
}

kube::Result<std::vector<SmokeRequest>> parseSmokeAnnotation(const std::string& text)
{
    if (text.size() > static_cast<std::size_t>(maxSmokeAnnotationBytes))
        return kube::Error::config("The smoke requests are longer than " + std::to_string(maxSmokeAnnotationBytes) +
                                   " bytes; list fewer, or move them to smoke: in services.yaml.");
    std::vector<SmokeRequest> out;
    std::size_t start = 0;
    for (int line = 1; start <= text.size(); ++line) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string row = text.substr(start, end - start);
        start = end + 1;
        if (!row.empty() && row.back() == '\r')
            row.pop_back();
        std::vector<std::string> words;
        std::size_t i = 0;
        while (i < row.size()) {
            while (i < row.size() && (row[i] == ' ' || row[i] == '\t'))
                ++i;
            const std::size_t from = i;
            while (i < row.size() && row[i] != ' ' && row[i] != '\t')
                ++i;
            if (i > from)
                words.push_back(row.substr(from, i - from));
        }
        if (words.empty() || words.front().front() == '#')
            continue;
        auto refused = [line](const std::string& why) {
            return kube::Error::config("Smoke request line " + std::to_string(line) + " is refused: " + why +
                                       " (write METHOD PATH [EXPECTED-STATUS], as in GET /api/v1/shards 200).");
        };
        if (words.size() < 2 || words.size() > 3)
            return refused("it has " + std::to_string(words.size()) + (words.size() == 1 ? " word" : " words"));
        SmokeRequest r;
        r.method = words[0];
        if (std::string why = smokeMethodProblem(r.method); !why.empty())
            return refused(why);
        r.path = words[1];
        if (std::string why = healthPathProblem(r.path); !why.empty())
            return refused("the path " + why);
        if (words.size() == 3) {
            const std::string& s = words[2];
            if (s.size() != 3 || s.find_first_not_of("0123456789") != std::string::npos || s < "100" || s > "599")
                return refused("the expected status \"" + net::text::forTerminal(net::text::cut(s, 20, "…")) +
                               "\" is not an HTTP status from 100 to 599");
            r.expectStatus = std::stoi(s);
        }
        if (out.size() >= static_cast<std::size_t>(maxSmokeRequests))
            return refused("more than " + std::to_string(maxSmokeRequests) + " requests are listed");
        out.push_back(std::move(r));
    }
    return out;
}

std::string bodyExcerpt(const std::string& body, int lines, std::size_t bytes)
{
    std::size_t end = 0;
    for (int n = 0; end < body.size(); ++end)
        if (body[end] == '\n' && ++n == lines)
            break;
    std::string head = body.substr(0, end);
    while (!head.empty() && (head.back() == '\n' || head.back() == '\r' || head.back() == ' '))
        head.pop_back();
    const bool more = end < body.size() && body.find_first_not_of(" \t\r\n", end) != std::string::npos;
    std::string shown = net::text::forTerminal(net::text::cut(net::text::validUtf8(head), bytes, "…"));
    if (more && head.size() <= bytes)
        shown += " …";
    return shown;
}

SmokeJudgement judgeSmokeAnswer(const SmokeRequest& request, const SmokeAnswer& answer)
{
    SmokeJudgement j;
    const std::string what = request.method + " " + net::text::forTerminal(net::text::cut(request.path, 200, "…"));
    if (answer.status <= 0) {
        j.sentence = what + " " + (answer.failure.empty() ? std::string("got no answer") : answer.failure);
        return j;
    }
    const std::string answered =
        what + " answered " + std::to_string(answer.status) + " in " + std::to_string(answer.milliseconds) + " ms";
    auto failed = [&](const std::string& why) {
        const std::string excerpt = bodyExcerpt(answer.body);
        j.sentence = answered + ", " + why + (excerpt.empty() ? std::string() : ": " + excerpt);
        return j;
    };
    if (request.expectStatus ? answer.status != *request.expectStatus : (answer.status < 200 || answer.status > 299))
        return failed(request.expectStatus ? "expected " + std::to_string(*request.expectStatus)
                                           : std::string("expected a 2xx status"));
    if (!request.expectBodyContains.empty() && answer.body.find(request.expectBodyContains) == std::string::npos)
        return failed("the body does not contain \"" +
                      net::text::forTerminal(net::text::cut(request.expectBodyContains, 80, "…")) + "\"");
    if (!request.expectJsonField.empty()) {
        const std::string field = net::text::forTerminal(net::text::cut(request.expectJsonField, 80, "…"));
        if (!answer.jsonField)
            return failed("the body has no JSON field " + field);
        if (*answer.jsonField != request.expectJsonEquals)
            return failed("the JSON field " + field + " is \"" +
                          net::text::forTerminal(net::text::cut(*answer.jsonField, 80, "…")) + "\", expected \"" +
                          net::text::forTerminal(net::text::cut(request.expectJsonEquals, 80, "…")) + "\"");
    }
    j.passed = true;
    j.sentence = answered;
    return j;
}

SmokeSpec smokeSpecFor(const ServiceSpec& spec, const kube::Service* live, std::vector<std::string>* problems)
{
    SmokeSpec s = spec.smoke;
    if (!s.requests.empty() || !live)
        return s; // the file's requests win over the annotation
    const std::string value = live->meta.annotation(smokeAnnotation);
    if (value.empty())
        return s;
    auto requests = parseSmokeAnnotation(value);
    if (!requests) {
        if (problems)
            problems->push_back("The annotation " + smokeAnnotation + " on Service " + spec.liveService +
                                " is refused: " + requests.error().message +
                                " No smoke request is sent until it "
                                "is corrected.");
        return s;
    }
    s.requests = std::move(*requests);
    return s;
}

} // namespace model
