#include "model/rules/healthpath.h"

namespace model {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

bool isPortName(std::string_view s)
{
    if (s.empty() || s.size() > 15 || s.front() == '-' || s.back() == '-')
        return false;
    bool letter = false;
    for (char c : s) {
        if (c >= 'a' && c <= 'z')
            letter = true;
        else if (!(c >= '0' && c <= '9') && c != '-')
            return false;
    }
    return letter;
}

std::string healthPathProblem(std::string_view path)
{
    if (path.empty() || path.front() != '/')
        return "it does not start with /";
    if (path.size() > 1024)
        return "it is longer than 1,024 bytes";
    std::string segment; // decoded
    auto segmentEnds = [&segment]() -> std::string {
        if (segment == "." || segment == "..")
            return "it holds a \"" + segment + "\" segment, which would leave the pod's proxy";
        segment.clear();
        return {};
    };
    for (std::size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            if (std::string why = segmentEnds(); !why.empty())
                return why;
            continue;
        }
        char c = path[i];
        if (c == '%') {
            const int hi = i + 2 < path.size() ? hexValue(path[i + 1]) : -1;
            const int lo = hi >= 0 ? hexValue(path[i + 2]) : -1;
            if (lo < 0)
                return "it holds a % that does not start a %XX escape";
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
            if (c == '/')
                return "it holds an encoded / (%2F)";
        }
        const unsigned char b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7F)
            return "it holds a control character";
        if (c == '?' || c == '#')
            return std::string("it holds a '") + c + "' (a query or fragment is not part of a path)";
        if (c == '\\')
            return "it holds a backslash";
        segment += c;
    }
    return {};
}

std::string encodeHealthPath(std::string_view path)
{
    static const std::string_view kept = "-._~!$&'()*+,;=:@/";
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        const unsigned char b = static_cast<unsigned char>(c);
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        const bool escape = c == '%' && i + 2 < path.size() && hexValue(path[i + 1]) >= 0 && hexValue(path[i + 2]) >= 0;
        if (alnum || escape || kept.find(c) != std::string_view::npos) {
            out += c;
        } else {
            out += '%';
            out += digits[b >> 4];
            out += digits[b & 0xF];
        }
    }
    return out;
}

} // namespace model
