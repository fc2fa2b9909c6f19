#pragma once

#include "net/result.h"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// What Prometheus's HTTP API answers to /api/v1/query and /api/v1/query_range, decoded into typed
// values without trusting it: the envelope (status, data, errorType, error, warnings, infos), an
// instant vector, a range matrix, a scalar or a string. Pure, no Qt, for the client, the unit tables
// and the fuzz target.
namespace prom {

// A series' labels as Prometheus sent them, plain text (never markup, never a pattern).
using Labels = std::map<std::string, std::string>;

// One value at one time. Values come as text ("1.5", "NaN", "+Inf", "-Inf") and are kept as the
// doubles they name: NaN stays NaN (a ratio of 0/0, no requests), ±Inf stays infinite.
struct Point {
    double time = 0; // seconds since the epoch, as Prometheus gives it (milliseconds in the fraction)
    double value = 0;
};

// One series of an instant vector: its labels and its one value.
struct Sample {
    Labels labels;
    double time = 0;
    double value = 0;
};

// One series of a range matrix: its labels and its values in time order.
struct Series {
    Labels labels;
    std::vector<Point> points;
};

struct QueryResult {
    enum class Type { Vector, Matrix, Scalar, String };
    Type type = Type::Vector;
    std::vector<Sample> vector; // Vector: one per series; empty when nothing matched (not an error)
    std::vector<Series> matrix; // Matrix
    Point scalar;               // Scalar
    std::string text;           // String: the value (cut to a bounded length)
    // What Prometheus said beside the answer (warnings and infos: "PromQL info: metric might not be
    // a counter"), each cut to a bounded length, at most a few.
    std::vector<std::string> warnings;

    // No series at all (a vector or matrix that matched nothing): "no data", never a zero.
    bool empty() const { return (type == Type::Vector && vector.empty()) || (type == Type::Matrix && matrix.empty()); }
};

const char* typeName(QueryResult::Type type);

// What one answer may hold before it is refused with a sentence (never a crash, never a stall).
struct Limits {
    std::size_t maxBytes = 8 * 1024 * 1024; // the body
    std::size_t maxSeries = 500;            // series of a vector or matrix
    std::size_t maxPoints = 250000;         // points of a matrix, all series together
    std::size_t maxLabels = 64;             // labels of one series
};

// The most of Prometheus's own texts (its error, a warning, a label value) kept: a sentence
// stays readable and an answer cannot fill the screen.
inline constexpr std::size_t maxErrorTextBytes = 500;
inline constexpr std::size_t maxWarnings = 8;
// JSON nested deeper than this is not parsed (Prometheus's answers are at most 5 deep).
inline constexpr int maxDepth = 32;

// The answer to a query: `status` is the HTTP status, `where` names the server in the sentences
// ("Prometheus at http://127.0.0.1:9090", "Prometheus monitoring/prometheus:9090 through the API
// server"). Prometheus's own refusal (status "error": a bad query, a timeout) is an Error of kind
// Api whose `reason` is its errorType and whose message quotes its error, cut and made valid
// UTF-8; a body that is not its JSON (an HTML login page, a proxy's text, a truncated answer) or
// has a field of the wrong type is an Error of kind Decode naming the field's path
// ("data.result[2].value[1]"); an answer past `limits` is an Error of cause TooLarge.
net::Result<QueryResult> decodeResponse(std::string_view body, long status, const std::string& where,
                                        const Limits& limits = {});

// A value as Prometheus writes it: a decimal or exponent number, "NaN", "+Inf", "-Inf" (also "Inf").
// False for anything else (an empty string, trailing bytes, a hex float).
bool parseValue(std::string_view text, double& value);

// The start of a body as a person may read it in a sentence: at most `maxBytes`, one line, valid
// UTF-8, control characters replaced, in quotes.
std::string excerpt(std::string_view body, std::size_t maxBytes = 80);

} // namespace prom
