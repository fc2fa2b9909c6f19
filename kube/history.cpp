#include "history.h"

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

} // namespace

json HistorySlot::toJson() const
{
    return {{"slot", slot},     {"deployment", deployment}, {"image", image},    {"tag", tag},
            {"digest", digest}, {"commit", commit},         {"created", created}};
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
    return j;
}

std::vector<HistoryEntry> decodeHistory(const std::string& value)
{
    std::vector<HistoryEntry> out;
    const Parsed p = parseList(value);
    if (!p.problem.empty()) {
        HistoryEntry h;
        h.unreadable = p.problem;
        out.push_back(std::move(h));
        return out;
    }
    out.reserve(p.list.size());
    for (const json& e : p.list)
        out.push_back(decodeEntry(e));
    return out;
}

std::string appendHistory(const std::string& value, const HistoryEntry& entry, std::size_t cap)
{
    const Parsed p = parseList(value);
    json out = json::array();
    if (!p.problem.empty()) {
        out.push_back(marker(p.problem + " (" + std::to_string(value.size()) + " characters, replaced)", {}));
    } else {
        const std::size_t skip = p.list.size() + 1 > cap ? p.list.size() + 1 - cap : 0;
        for (std::size_t i = skip; i < p.list.size(); ++i) {
            const json& e = p.list[i];
            const std::string text = dumpSafe(e);
            if (text.size() <= historyElementLimit) {
                out.push_back(e);
                continue;
            }
            const HistoryEntry read = decodeEntry(e);
            const std::string at = read.at.size() <= 64 ? read.at : std::string();
            out.push_back(marker((read.readable() ? "an entry" : typeWord(e)) + " of " + std::to_string(text.size()) +
                                     " characters, too large to keep, replaced",
                                 at));
        }
    }
    out.push_back(entry.toJson());
    while (out.size() > cap && !out.empty())
        out.erase(out.begin());
    return dumpSafe(out);
}

} // namespace kube
