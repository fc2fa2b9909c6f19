#include "text.h"

#include <algorithm>

namespace net::text {

namespace {

// The length of the well-formed UTF-8 sequence at s[i], or 0 when the byte there does not start
// one (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t sequenceAt(std::string_view s, std::size_t i)
{
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b = at(i);
    if (b < 0x80)
        return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF; // the allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    if (at(i + 1) < lo || at(i + 1) > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (at(i + k) < 0x80 || at(i + k) > 0xBF)
            return 0;
    return n;
}

void appendHex(std::string& out, unsigned char b)
{
    static const char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[b >> 4];
    out += digits[b & 0xF];
}

} // namespace

std::string validUtf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = sequenceAt(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

std::string cut(std::string_view s, std::size_t maxBytes, std::string_view mark)
{
    if (s.size() <= maxBytes)
        return std::string(s);
    const std::size_t room = maxBytes > mark.size() ? maxBytes - mark.size() : 0;
    std::size_t end = 0;
    while (end < s.size()) {
        const std::size_t n = std::max<std::size_t>(sequenceAt(s, end), 1);
        if (end + n > room)
            break;
        end += n;
    }
    std::string out(s.substr(0, end));
    if (mark.size() <= maxBytes)
        out += mark;
    return out;
}

bool needsEscape(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char b = static_cast<unsigned char>(s[i]);
        const std::size_t n = sequenceAt(s, i);
        if (n == 0 || (b < 0x20 && b != '\t' && b != '\n') || b == 0x7F ||
            (n == 2 && b == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F))
            return true;
        i += n;
    }
    return false;
}

std::string forTerminal(std::string_view s)
{
    if (!needsEscape(s))
        return std::string(s);
    std::string out;
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char b = static_cast<unsigned char>(s[i]);
        const std::size_t n = sequenceAt(s, i);
        if (n == 0) {
            appendHex(out, b);
            ++i;
        } else if (n == 1) {
            if ((b < 0x20 && b != '\t' && b != '\n') || b == 0x7F)
                appendHex(out, b);
            else
                out += static_cast<char>(b);
            ++i;
        } else if (n == 2 && b == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
            appendHex(out, static_cast<unsigned char>(s[i + 1])); // U+0080..U+009F as \x80..\x9f
            i += 2;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

} // namespace net::text
