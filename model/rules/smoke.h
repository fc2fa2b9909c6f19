#pragma once

// Smoke requests as pure rules: what to send to staging and whether one answer passes, said in one
// sentence people can read. Sending them (through the API server's proxy, at a bounded rate) is not
// here. tests/unit/tst_smokerules.cpp table-tests it.

#include "kube/net.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kube {
struct Service;
}

namespace model {

struct ServiceSpec;

// Bounds on what the configuration and the annotation may ask for.
constexpr int maxSmokeRequests = 20;
constexpr int maxSmokeHeaders = 20;
constexpr int maxSmokeBodyBytes = 64 * 1024;
constexpr int maxSmokeRepeat = 100;
constexpr int maxSmokeRatePerSecond = 20;
constexpr int maxSmokeAnnotationBytes = 16 * 1024;

struct SmokeRequest {
    std::string method = "GET";
    std::string path; // passes healthPathProblem; sent encoded
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::optional<int> expectStatus; // unset: any 2xx
    std::string expectBodyContains;  // empty: not checked
    std::string expectJsonField;     // a dotted path ("data.count"); empty: not checked
    std::string expectJsonEquals;    // the field's value as text ("3", "true", "ok")
    bool operator==(const SmokeRequest&) const = default;
};

struct SmokeSpec {
    std::vector<SmokeRequest> requests;
    int repeat = 1;
    int ratePerSecond = 5;
    int timeoutSeconds = 5;
    bool operator==(const SmokeSpec&) const = default;
};

// Why `method` cannot be a smoke request's method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS),
// empty when it can.
std::string smokeMethodProblem(const std::string& method);
// Why a header cannot be sent (a name that is not an HTTP token, a value with a line break), empty when it can.
std::string smokeHeaderProblem(const std::string& name, const std::string& value);

// The annotation signalbox.v-sekai.org/smoke: one request a line, "METHOD PATH [EXPECTED-STATUS]"; blank
// lines and lines starting with # are skipped. An error names the line.
kube::Result<std::vector<SmokeRequest>> parseSmokeAnnotation(const std::string& text);

// What came back for one request. The executor decodes the body's JSON at the boundary and passes the
// value at the request's expectJsonField as text (a string without its quotes, a number or a literal
// as written); nothing when the body is not JSON or has no such field.
struct SmokeAnswer {
    int status = 0; // 0: no answer
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    long long milliseconds = 0;
    std::string failure; // why there was no answer ("did not answer within 5 s"), when status is 0
    std::optional<std::string> jsonField;
};

struct SmokeJudgement {
    bool passed = false;
    std::string sentence; // "GET /api/v1/shards answered 200 in 12 ms", or what was wrong and the body's first lines
};

SmokeJudgement judgeSmokeAnswer(const SmokeRequest& request, const SmokeAnswer& answer);

// The first lines of an answer's body for a sentence: at most `lines` lines and `bytes` bytes, cut on
// character boundaries, control characters and invalid bytes escaped (net::text::forTerminal).
std::string bodyExcerpt(const std::string& body, int lines = 3, std::size_t bytes = 300);

// The smoke requests of a service: the configuration's `smoke:` field by field over the live Service's
// annotation (the file's requests win over the annotation's). Values that cannot be read go to `problems`.
SmokeSpec smokeSpecFor(const ServiceSpec& spec, const kube::Service* live, std::vector<std::string>* problems);

} // namespace model
