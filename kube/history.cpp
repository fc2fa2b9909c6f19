#include "history.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace kube {

namespace {

using nlohmann::json;

std::string dumpSafe(const json& j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// At most about `n` bytes of `s`, as valid UTF-8: a cut sequence is dropped, an invalid byte
// becomes U+FFFD (text that is not JSON was never checked, and the sentence may be written as JSON).
std::string excerpt(const std::string& s, std::size_t n)
{
    std::string out;
    std::size_t i = 0;
    while (i < s.size() && out.size() < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; valid && k < len; ++k)
            valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (valid && len > 1) {
            // No overlong forms, surrogates or code points past U+10FFFF.
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            valid = !(c == 0xC0 || c == 0xC1 || (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) ||
                      (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F) || c > 0xF4);
        }
        if (valid) {
            out.append(s, i, len);
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    if (i < s.size())
        out += "…";
    return out;
}

std::string typeWord(const json& v)
{
    switch (v.type()) {
    case json::value_t::object:
        return "an object";
    case json::value_t::array:
        return "a list";
    case json::value_t::string:
        return "a string";
    case json::value_t::boolean:
        return "true or false";
    case json::value_t::null:
        return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
        return "a number";
    default:
        return "a value";
    }
}

// How deeply lists and objects nest in `text`, counted outside strings; stops counting past `limit`.
int nestingDepth(const std::string& text, int limit)
{
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit)
                return deepest;
        } else if (c == ']' || c == '}')
            --depth;
    }
    return deepest;
}

// The annotation as a JSON list, or why it is not one.
struct Parsed {
    json list = json::array();
    std::string problem; // non-empty: the value is not a JSON list
};

Parsed parseList(const std::string& value)
{
    Parsed p;
    if (value.find_first_not_of(" \t\r\n") == std::string::npos)
        return p;
    if (nestingDepth(value, historyDepthLimit) > historyDepthLimit) {
        p.problem = "the history is nested more than " + std::to_string(historyDepthLimit) + " levels deep";
        return p;
    }
    json j = json::parse(value, nullptr, false);
    if (j.is_discarded())
        p.problem = "the history is not JSON: " + excerpt(value, 60);
    else if (!j.is_array())
        p.problem = "the history is " + typeWord(j) + ", not a list: " + excerpt(dumpSafe(j), 60);
    else
        p.list = std::move(j);
    return p;
}

// One string field of an entry: absent and null read as empty; another type is the entry's problem.
std::string field(const json& object, const char* key, const std::string& path, std::string& problem)
{
    auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (problem.empty())
        problem = "\"" + path + key + "\" is " + typeWord(*it) + ", not a string";
    return {};
}

HistorySlot slotRecord(const json& object, const char* key, std::string& problem)
{
    HistorySlot s;
    auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return s;
    if (!it->is_object()) {
        if (problem.empty())
            problem = "\"" + std::string(key) + "\" is " + typeWord(*it) + ", not an object";
        return s;
    }
    const std::string path = std::string(key) + ".";
    s.slot = field(*it, "slot", path, problem);
    s.deployment = field(*it, "deployment", path, problem);
    s.image = field(*it, "image", path, problem);
    s.tag = field(*it, "tag", path, problem);
    s.digest = field(*it, "digest", path, problem);
    s.commit = field(*it, "commit", path, problem);
    s.created = field(*it, "created", path, problem);
    return s;
}

std::optional<double> numberOrNothing(const json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_number())
        return std::nullopt;
    return it->get<double>();
}

// The gate's measured values: optional and younger than the rest, so what cannot be read is left out.
std::vector<HistoryMetric> metricRecords(const json& e)
{
    std::vector<HistoryMetric> out;
    auto it = e.find("analysis");
    if (it == e.end() || !it->is_array())
        return out;
    for (const json& m : *it) {
        if (out.size() == historyMetricsLimit)
            break;
        if (!m.is_object())
            continue;
        std::string ignored;
        HistoryMetric h;
        h.name = excerpt(field(m, "name", {}, ignored), 60);
        h.unit = excerpt(field(m, "unit", {}, ignored), 16);
        h.staging = numberOrNothing(m, "staging");
        h.live = numberOrNothing(m, "live");
        out.push_back(std::move(h));
    }
    return out;
}

HistoryEntry decodeEntry(const json& e)
{
    HistoryEntry h;
    if (!e.is_object()) {
        h.unreadable = typeWord(e) + ", not an object: " + excerpt(dumpSafe(e), 60);
        return h;
    }
    std::string problem;
    h.at = field(e, "at", {}, problem);
    // A marker that appendHistory left in place of something it could not keep.
    if (auto it = e.find("unreadable"); it != e.end()) {
        h.unreadable = it->is_string() ? excerpt(it->get<std::string>(), 200) : typeWord(*it) + " marked unreadable";
        return h;
    }
    h.user = field(e, "user", {}, problem);
    h.action = field(e, "action", {}, problem);
    h.service = field(e, "service", {}, problem);
    h.target = field(e, "target", {}, problem);
    {
        // Optional and younger than the rest: a value of another type is ignored, not fatal.
        std::string ignored;
        h.healthCheck = field(e, "healthCheck", {}, ignored);
        h.result = field(e, "result", {}, ignored);
        h.smokeCheck = excerpt(field(e, "smokeCheck", {}, ignored), 40);
        h.analysisCheck = excerpt(field(e, "analysisCheck", {}, ignored), 40);
        h.analysis = metricRecords(e);
        h.started = excerpt(field(e, "started", {}, ignored), 40);
        if (auto it = e.find("skipped"); it != e.end() && it->is_array())
            for (const auto& v : *it)
                if (v.is_string() && h.skipped.size() < 8)
                    h.skipped.push_back(excerpt(v.get<std::string>(), 40));
    }
    h.from = slotRecord(e, "from", problem);
    h.to = slotRecord(e, "to", problem);
    if (!problem.empty()) {
        // Keep only what places the entry in time; the rest may be half-read.
        const std::string at = h.at;
        h = HistoryEntry{};
        h.at = at;
        h.unreadable = problem;
    }
    return h;
}

json marker(const std::string& what, const std::string& at)
{
    json m = {{"unreadable", what}};
    if (!at.empty())
        m["at"] = at;
    return m;
}

// Characters as CEL counts them (Unicode code points): the bytes that do not continue a sequence.
std::size_t codePoints(const std::string& s)
{
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The byte index `count` code points before byte `end` of `s`, or npos when fewer precede it.
std::size_t codePointsBefore(const std::string& s, std::size_t end, std::size_t count)
{
    std::size_t i = end;
    while (count > 0) {
        if (i == 0)
            return std::string::npos;
        --i;
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
            --count;
    }
    return i;
}

// One line of the authors annotation: "<length> <user>".
struct AuthorLine {
    std::size_t length = 0;
    std::string user;
    std::string text; // the whole line, as written
};

// The lines as the admission policy reads them (each must match ^[1-9][0-9]{0,6} .+$), or nullopt
// when one does not: then no line covers anything. An empty value has no lines.
std::optional<std::vector<AuthorLine>> authorLines(const std::string& value)
{
    std::vector<AuthorLine> out;
    if (value.empty())
        return out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = value.find('\n', start);
        std::string line = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::size_t digits = 0;
        while (digits < line.size() && digits < 8 && line[digits] >= '0' && line[digits] <= '9')
            ++digits;
        if (digits == 0 || digits > 7 || line[0] == '0' || digits + 1 >= line.size() || line[digits] != ' ')
            return std::nullopt;
        AuthorLine a;
        a.length = std::stoul(line.substr(0, digits));
        a.user = line.substr(digits + 1);
        a.text = std::move(line);
        out.push_back(std::move(a));
        if (end == std::string::npos)
            return out;
        start = end + 1;
    }
}

// The byte range of one element's text in the history, as an author line frames it.
struct Frame {
    std::size_t begin = 0, end = 0;
};

// The frames of the list's last elements, newest first, one per author line from the newest: a
// line's length, counted back from the list's closing bracket (then from the comma before the
// previous frame), must land just after ',' or '[', and the text it frames must read as the very
// element at that place of `list`. The first line that does not fit ends the walk.
std::vector<Frame> coveredFrames(const json& list, const std::string& text, const std::vector<AuthorLine>& lines)
{
    std::vector<Frame> out;
    if (text.empty() || text.back() != ']')
        return out;
    std::size_t end = text.size() - 1;
    for (auto it = lines.rbegin(); it != lines.rend() && out.size() < list.size(); ++it) {
        const std::size_t begin = codePointsBefore(text, end, it->length);
        if (begin == std::string::npos || begin == 0)
            break;
        const char before = text[begin - 1];
        if (before != ',' && before != '[')
            break;
        const json read = json::parse(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                      text.begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
        if (read.is_discarded() || read != list[list.size() - 1 - out.size()])
            break;
        out.push_back({begin, end});
        if (before == '[')
            break;
        end = begin - 1;
    }
    return out;
}

} // namespace

json HistorySlot::toJson() const
{
    return {{"slot", slot},     {"deployment", deployment}, {"image", image},    {"tag", tag},
            {"digest", digest}, {"commit", commit},         {"created", created}};
}

json HistoryMetric::toJson() const
{
    const auto number = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    json j = {{"name", name}, {"staging", number(staging)}, {"live", number(live)}};
    if (!unit.empty())
        j["unit"] = unit;
    return j;
}

json HistoryEntry::toJson() const
{
    if (!readable())
        return marker(unreadable, at);
    json j = {{"at", at},           {"user", user},          {"action", action},
              {"service", service}, {"from", from.toJson()}, {"to", to.toJson()}};
    if (!target.empty())
        j["target"] = target;
    if (!healthCheck.empty())
        j["healthCheck"] = healthCheck;
    if (!result.empty())
        j["result"] = result;
    if (!smokeCheck.empty())
        j["smokeCheck"] = smokeCheck;
    if (!analysisCheck.empty())
        j["analysisCheck"] = analysisCheck;
    if (!analysis.empty()) {
        json metrics = json::array();
        for (const HistoryMetric& m : analysis)
            metrics.push_back(m.toJson());
        j["analysis"] = std::move(metrics);
    }
    if (!skipped.empty())
        j["skipped"] = skipped;
    if (!started.empty())
        j["started"] = started;
    return j;
}

std::vector<HistoryEntry> decodeHistory(const std::string& value)
{
    return decodeHistory(HistoryRecord{value, {}});
}

std::vector<HistoryEntry> decodeHistory(const HistoryRecord& record)
{
    return decodeHistory(record, std::numeric_limits<std::size_t>::max());
}

std::vector<HistoryEntry> decodeHistory(const HistoryRecord& record, std::size_t newest)
{
    std::vector<HistoryEntry> out;
    const Parsed p = parseList(record.history);
    if (!p.problem.empty()) {
        HistoryEntry h;
        h.unreadable = p.problem;
        out.push_back(std::move(h));
        return out;
    }
    const std::size_t first = p.list.size() > newest ? p.list.size() - newest : 0;
    out.reserve(p.list.size() - first);
    for (std::size_t i = first; i < p.list.size(); ++i)
        out.push_back(decodeEntry(p.list[i]));
    if (const auto lines = authorLines(record.authors)) {
        const std::vector<Frame> frames = coveredFrames(p.list, record.history, *lines);
        for (std::size_t j = 0; j < frames.size() && j < out.size(); ++j)
            out[out.size() - 1 - j].writtenBy = (*lines)[lines->size() - 1 - j].user;
    }
    return out;
}

std::string appendHistory(const std::string& value, const HistoryEntry& entry, std::size_t cap)
{
    return appendHistory(HistoryRecord{value, {}}, entry, {}, cap).history;
}

HistoryRecord appendHistory(const HistoryRecord& record, const HistoryEntry& entry, const std::string& writer,
                            std::size_t cap, std::size_t byteCap, Trimmed* trimmed)
{
    const Parsed p = parseList(record.history);
    std::vector<std::string> texts;     // the elements kept, oldest first, as they will be written
    std::vector<std::string> keptLines; // the author lines of the last of them
    if (!p.problem.empty()) {
        texts.push_back(
            dumpSafe(marker(p.problem + " (" + std::to_string(record.history.size()) + " characters, replaced)", {})));
    } else {
        const std::size_t n = p.list.size();
        const auto lines = authorLines(record.authors);
        const std::vector<Frame> frames = lines ? coveredFrames(p.list, record.history, *lines) : std::vector<Frame>{};
        // Covered elements keep their text; from the first too large to keep, none does.
        std::size_t covered = 0;
        while (covered < frames.size() && frames[covered].end - frames[covered].begin <= historyElementLimit)
            ++covered;
        const std::size_t skip = n + 1 > cap ? n + 1 - cap : 0;
        for (std::size_t i = skip; i < n; ++i) {
            if (i >= n - covered) {
                const Frame& f = frames[n - 1 - i];
                texts.push_back(record.history.substr(f.begin, f.end - f.begin));
                continue;
            }
            const json& e = p.list[i];
            std::string text = dumpSafe(e);
            if (text.size() <= historyElementLimit) {
                texts.push_back(std::move(text));
                continue;
            }
            const HistoryEntry read = decodeEntry(e);
            const std::string at = read.at.size() <= 64 ? read.at : std::string();
            texts.push_back(
                dumpSafe(marker((read.readable() ? "an entry" : typeWord(e)) + " of " + std::to_string(text.size()) +
                                    " characters, too large to keep, replaced",
                                at)));
        }
        for (std::size_t k = lines ? lines->size() - std::min(covered, n - skip) : 0; lines && k < lines->size(); ++k)
            keptLines.push_back((*lines)[k].text);
    }
    const std::string mine = dumpSafe(entry.toJson());
    std::string name = writer.empty() ? std::string("unknown user") : writer;
    std::replace(name.begin(), name.end(), '\n', ' ');
    texts.push_back(mine);
    keptLines.push_back(std::to_string(codePoints(mine)) + " " + name);
    // Lines cover the newest elements: an element's line is the one as far from the end as it is.
    std::size_t bytes = 1; // "[" and "]", a comma between elements, a line break between lines
    for (const std::string& t : texts)
        bytes += t.size() + 1;
    for (const std::string& l : keptLines)
        bytes += l.size() + 1;
    std::size_t oldest = 0;
    while (texts.size() - oldest > cap || (texts.size() - oldest > 1 && bytes > byteCap)) {
        bytes -= texts[oldest].size() + 1;
        if (texts.size() - oldest <= keptLines.size())
            bytes -= keptLines[keptLines.size() - (texts.size() - oldest)].size() + 1;
        ++oldest;
    }
    texts.erase(texts.begin(), texts.begin() + static_cast<std::ptrdiff_t>(oldest));
    while (keptLines.size() > texts.size())
        keptLines.erase(keptLines.begin());
    if (trimmed) {
        std::string ignoredProblem;
        // Dropped here, and those the caps left out before (skip); a value that was no list counts as one.
        const std::size_t before = p.problem.empty() ? p.list.size() : 1;
        trimmed->dropped = before + 1 - texts.size();
        const json first = json::parse(texts.front(), nullptr, false);
        trimmed->oldestAt = first.is_object() ? excerpt(field(first, "at", {}, ignoredProblem), 64) : std::string();
    }
    HistoryRecord out;
    out.history = "[";
    for (std::size_t i = 0; i < texts.size(); ++i)
        out.history += (i ? "," : "") + texts[i];
    out.history += "]";
    for (std::size_t i = 0; i < keptLines.size(); ++i)
        out.authors += (i ? "\n" : "") + keptLines[i];
    return out;
}

std::optional<HistoryRecord> withdrawNewest(const HistoryRecord& record, const std::string& writer)
{
    const auto lines = authorLines(record.authors);
    const std::string& h = record.history;
    if (!lines || lines->empty() || lines->back().user != writer || h.empty() || h.back() != ']')
        return std::nullopt;
    const std::size_t begin = codePointsBefore(h, h.size() - 1, lines->back().length);
    if (begin == std::string::npos || begin == 0)
        return std::nullopt;
    HistoryRecord out;
    if (h[begin - 1] == ',')
        out.history = h.substr(0, begin - 1) + "]";
    else if (h[begin - 1] != '[' || begin != 1) // the list's own bracket: the entry was the only one
        return std::nullopt;
    const std::size_t cut = record.authors.rfind('\n');
    out.authors = cut == std::string::npos ? std::string() : record.authors.substr(0, cut);
    return out;
}

} // namespace kube
