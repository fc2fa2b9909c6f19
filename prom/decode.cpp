#include "decode.h"

#include "net/text.h"
#include "net/transport.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace prom {

namespace {

using Json = nlohmann::json;
using net::Error;

// A field that is not what Prometheus's API sends: its path and what is wrong with it.
struct Problem {
    std::string path;
    std::string what;
};

std::string typeWord(const Json& j)
{
    switch (j.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::array:
        return "a list";
    case Json::value_t::string:
        return "text";
    case Json::value_t::boolean:
        return "true or false";
    default:
        return "a number";
    }
}

// Another's text as it may stand in a sentence: valid UTF-8, cut on a character boundary, control
// characters (a terminal's escapes, line breaks) as spaces.
std::string plain(std::string_view text, std::size_t maxBytes)
{
    std::string s = net::text::cut(net::text::validUtf8(text), maxBytes, "…");
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    return s;
}

std::string statusNote(long status)
{
    return status == 200 || status == 0 ? std::string() : " (HTTP " + std::to_string(status) + ")";
}

Error decodeError(const std::string& where, long status, const std::string& what)
{
    Error e;
    e.kind = Error::Kind::Decode;
    e.httpStatus = static_cast<int>(status);
    e.message = "The answer of " + where + statusNote(status) + " " + what +
                ". Check that the address is Prometheus's HTTP API.";
    return e;
}

Error fieldError(const std::string& where, long status, const Problem& p)
{
    return decodeError(where, status, "cannot be read: " + p.path + " " + p.what);
}

Error tooLarge(const std::string& where, const std::string& what, std::uint64_t limit)
{
    Error e;
    e.kind = Error::Kind::Decode;
    e.cause = Error::Cause::TooLarge;
    e.limit = limit;
    e.message = where + " answered with " + what +
                ", more than Signalbox reads. Ask for less: fewer series (sum by the labels you need), a shorter "
                "range or a longer step.";
    return e;
}

// Prometheus's own refusal, as one sentence that quotes it and says what to do.
Error queryError(const std::string& where, long status, const std::string& type, const std::string& text)
{
    Error e;
    e.kind = Error::Kind::Api;
    e.httpStatus = static_cast<int>(status);
    e.reason = plain(type, 64);
    const std::string said =
        text.empty() ? std::string("no reason given") : "\"" + plain(text, maxErrorTextBytes) + "\"";
    if (type == "bad_data") {
        e.apiReason = Error::Reason::BadRequest;
        e.message = where + " refused the query: " + said + ". Correct the query and try again.";
    } else if (type == "timeout") {
        e.apiReason = Error::Reason::Timeout;
        e.message = where + " gave up on the query: " + said +
                    ". Ask for less (a shorter range, a longer step, fewer series) or try again later.";
    } else if (type == "canceled") {
        e.apiReason = Error::Reason::Other;
        e.message = where + " cancelled the query: " + said + ". Try again.";
    } else if (type == "execution") {
        e.apiReason = Error::Reason::Invalid;
        e.message = where + " could not evaluate the query: " + said + ". Correct the query and try again.";
    } else if (type == "unavailable" || type == "internal") {
        e.apiReason = type == "internal" ? Error::Reason::InternalError : Error::Reason::ServiceUnavailable;
        e.message = where + " failed to answer: " + said + ". Try again; if it keeps failing, read Prometheus's log.";
    } else {
        e.apiReason = Error::Reason::Other;
        e.message = where + " answered with an error" + (type.empty() ? std::string() : " (" + e.reason + ")") + ": " +
                    said + ".";
    }
    return e;
}

class Reader {
public:
    explicit Reader(const Limits& limits) : m_limits(limits) {}

    std::optional<Problem> problem;
    std::size_t points = 0;
    bool overSeries = false;
    bool overPoints = false;

    bool fail(std::string path, std::string what)
    {
        if (!problem)
            problem = Problem{std::move(path), std::move(what)};
        return false;
    }

    bool time(const Json& j, const std::string& path, double& out)
    {
        if (!j.is_number())
            return fail(path, "is " + typeWord(j) + ", not a time in seconds");
        out = j.get<double>();
        return true;
    }

    bool value(const Json& j, const std::string& path, double& out)
    {
        if (!j.is_string())
            return fail(path, "is " + typeWord(j) + ", not a value as text");
        if (!parseValue(j.get_ref<const std::string&>(), out))
            return fail(path, "is " + excerpt(j.get_ref<const std::string&>(), 40) + ", not a number");
        return true;
    }

    // [time, "value"]
    bool pair(const Json& j, const std::string& path, Point& out)
    {
        if (!j.is_array() || j.size() != 2)
            return fail(path, "is " + typeWord(j) + (j.is_array() ? " of " + std::to_string(j.size()) : std::string()) +
                                  ", not a pair of a time and a value");
        return time(j[0], path + "[0]", out.time) && value(j[1], path + "[1]", out.value);
    }

    bool labels(const Json& series, const std::string& path, Labels& out)
    {
        const auto it = series.find("metric");
        if (it == series.end() || it->is_null())
            return true; // an expression's result may carry no labels at all
        if (!it->is_object())
            return fail(path + ".metric", "is " + typeWord(*it) + ", not an object of labels");
        if (it->size() > m_limits.maxLabels)
            return fail(path + ".metric", "has " + std::to_string(it->size()) + " labels, more than " +
                                              std::to_string(m_limits.maxLabels));
        for (const auto& [name, v] : it->items()) {
            if (!v.is_string())
                return fail(path + ".metric." + plain(name, 64), "is " + typeWord(v) + ", not text");
            out.emplace(name, v.get<std::string>());
        }
        return true;
    }

    bool nativeHistogram(const Json& series, const std::string& path)
    {
        for (const char* key : {"histogram", "histograms"})
            if (series.contains(key))
                return fail(path + "." + key,
                            "is a native histogram, which Signalbox does not read (use histogram_quantile() in the "
                            "query)");
        return true;
    }

    bool seriesCount(const Json& result)
    {
        if (result.size() <= m_limits.maxSeries)
            return true;
        overSeries = true;
        return false;
    }

    // Each series of a vector or matrix: an object with its labels, read on by `rest`.
    template <typename Item, typename Rest> bool eachSeries(const Json& result, std::vector<Item>& out, Rest rest)
    {
        if (!seriesCount(result))
            return false;
        out.reserve(result.size());
        for (std::size_t i = 0; i < result.size(); ++i) {
            const std::string path = "data.result[" + std::to_string(i) + "]";
            const Json& s = result[i];
            if (!s.is_object())
                return fail(path, "is " + typeWord(s) + ", not a series");
            Item item;
            if (!labels(s, path, item.labels) || !nativeHistogram(s, path) || !rest(s, path, item))
                return false;
            out.push_back(std::move(item));
        }
        return true;
    }

    bool vector(const Json& result, std::vector<Sample>& out)
    {
        return eachSeries(result, out, [this](const Json& s, const std::string& path, Sample& sample) {
            const auto v = s.find("value");
            if (v == s.end())
                return fail(path, "has no value");
            Point p;
            if (!pair(*v, path + ".value", p))
                return false;
            sample.time = p.time;
            sample.value = p.value;
            return true;
        });
    }

    bool matrix(const Json& result, std::vector<Series>& out)
    {
        return eachSeries(result, out, [this](const Json& s, const std::string& path, Series& series) {
            const auto v = s.find("values");
            if (v == s.end())
                return fail(path, "has no values");
            if (!v->is_array())
                return fail(path + ".values", "is " + typeWord(*v) + ", not a list");
            points += v->size();
            if (points > m_limits.maxPoints) {
                overPoints = true;
                return false;
            }
            series.points.resize(v->size());
            for (std::size_t k = 0; k < v->size(); ++k)
                if (!pair((*v)[k], path + ".values[" + std::to_string(k) + "]", series.points[k]))
                    return false;
            return true;
        });
    }

    bool notes(const Json& envelope, std::vector<std::string>& out)
    {
        for (const char* key : {"warnings", "infos"}) {
            const auto it = envelope.find(key);
            if (it == envelope.end() || it->is_null())
                continue;
            if (!it->is_array())
                return fail(key, "is " + typeWord(*it) + ", not a list");
            for (std::size_t i = 0; i < it->size(); ++i) {
                const Json& w = (*it)[i];
                if (!w.is_string())
                    return fail(std::string(key) + "[" + std::to_string(i) + "]", "is " + typeWord(w) + ", not text");
                if (out.size() < maxWarnings)
                    out.push_back(plain(w.get_ref<const std::string&>(), maxErrorTextBytes));
            }
        }
        return true;
    }

private:
    const Limits& m_limits;
};

std::string text(const Json& envelope, const char* key)
{
    const auto it = envelope.find(key);
    return it != envelope.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The body parsed, or why not. JSON nested deeper than maxDepth is refused before it is built
// (nlohmann/json copies and destroys recursively).
std::optional<Json> parse(std::string_view body, const std::string& where, long status, Error& error)
{
    bool tooDeep = false;
    Json j;
    try {
        j = Json::parse(body, [&](int depth, Json::parse_event_t, Json&) {
            if (depth > maxDepth)
                tooDeep = true;
            return !tooDeep;
        });
    } catch (const Json::parse_error& e) {
        error = decodeError(where, status,
                            e.byte >= body.size() ? "is cut short (" + std::to_string(body.size()) +
                                                        " bytes): the connection or a proxy ended it early"
                                                  : "is not JSON: " + excerpt(body));
        return std::nullopt;
    }
    if (tooDeep) {
        error = decodeError(where, status, "is nested more than " + std::to_string(maxDepth) + " levels deep");
        return std::nullopt;
    }
    return j;
}

} // namespace

const char* typeName(QueryResult::Type type)
{
    switch (type) {
    case QueryResult::Type::Vector:
        return "vector";
    case QueryResult::Type::Matrix:
        return "matrix";
    case QueryResult::Type::Scalar:
        return "scalar";
    case QueryResult::Type::String:
        return "string";
    }
    return "";
}

bool parseValue(std::string_view text, double& value)
{
    if (text == "NaN") {
        value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (text == "+Inf" || text == "Inf") {
        value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "-Inf") {
        value = -std::numeric_limits<double>::infinity();
        return true;
    }
    // Decimal and exponent forms only: from_chars would also read "inf", "nan" and "infinity".
    if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string_view::npos)
        return false;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
    return ec == std::errc() && ptr == end;
}

std::string excerpt(std::string_view body, std::size_t maxBytes)
{
    const std::size_t start = std::min(body.find_first_not_of(" \t\r\n"), body.size());
    return "\"" + plain(body.substr(start, maxBytes * 2), maxBytes) + "\"";
}

net::Result<QueryResult> decodeResponse(std::string_view body, long status, const std::string& where,
                                        const Limits& limits)
{
    if (body.size() > limits.maxBytes)
        return tooLarge(where, "more than " + net::sizeText(limits.maxBytes), limits.maxBytes);
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return decodeError(where, status, "is empty, not Prometheus's JSON");
    if (body[first] == '<')
        return decodeError(where, status,
                           "is an HTML page (" + excerpt(body, 40) +
                               "), not Prometheus's JSON: the address leads to a web page, a login page or a proxy "
                               "in front of Prometheus");
    Error error;
    const std::optional<Json> parsed = parse(body, where, status, error);
    if (!parsed)
        return error;
    const Json& j = *parsed;
    if (!j.is_object() || !j.contains("status"))
        return decodeError(where, status, "is not Prometheus's JSON (no status): " + excerpt(body));
    Reader r(limits);
    const Json& st = j["status"];
    if (!st.is_string())
        return fieldError(where, status, {"status", "is " + typeWord(st) + ", not \"success\" or \"error\""});
    if (st != "success" && st != "error")
        return fieldError(
            where, status,
            {"status", "is " + excerpt(st.get_ref<const std::string&>(), 40) + ", not \"success\" or \"error\""});
    if (st == "error")
        return queryError(where, status, text(j, "errorType"), text(j, "error"));
    QueryResult out;
    if (!r.notes(j, out.warnings))
        return fieldError(where, status, *r.problem);
    const auto data = j.find("data");
    if (data == j.end() || !data->is_object())
        return fieldError(where, status,
                          {"data", data == j.end() ? "is missing" : "is " + typeWord(*data) + ", not an object"});
    const auto type = data->find("resultType");
    if (type == data->end() || !type->is_string())
        return fieldError(
            where, status,
            {"data.resultType", type == data->end() ? "is missing" : "is " + typeWord(*type) + ", not text"});
    const auto result = data->find("result");
    if (result == data->end())
        return fieldError(where, status, {"data.result", "is missing"});
    const std::string& name = type->get_ref<const std::string&>();
    bool ok = false;
    if (name == "vector" || name == "matrix") {
        if (!result->is_array())
            return fieldError(where, status, {"data.result", "is " + typeWord(*result) + ", not a list of series"});
        out.type = name == "vector" ? QueryResult::Type::Vector : QueryResult::Type::Matrix;
        ok = out.type == QueryResult::Type::Vector ? r.vector(*result, out.vector) : r.matrix(*result, out.matrix);
    } else if (name == "scalar") {
        out.type = QueryResult::Type::Scalar;
        ok = r.pair(*result, "data.result", out.scalar);
    } else if (name == "string") {
        out.type = QueryResult::Type::String;
        if (!result->is_array() || result->size() != 2 || !(*result)[1].is_string())
            return fieldError(where, status, {"data.result", "is " + typeWord(*result) + ", not a time and a text"});
        ok = r.time((*result)[0], "data.result[0]", out.scalar.time);
        out.text = plain((*result)[1].get_ref<const std::string&>(), maxErrorTextBytes);
    } else {
        return fieldError(where, status,
                          {"data.resultType", "is " + excerpt(name, 40) + ", not vector, matrix, scalar or string"});
    }
    if (r.overSeries)
        return tooLarge(where, std::to_string(result->size()) + " series", limits.maxSeries);
    if (r.overPoints)
        return tooLarge(where, "more than " + std::to_string(limits.maxPoints) + " points", limits.maxPoints);
    if (!ok)
        return fieldError(where, status, *r.problem);
    return out;
}

} // namespace prom
