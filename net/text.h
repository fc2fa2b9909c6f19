#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Text that others wrote (the cluster, an app, a registry) on its way to a person: cut without
// splitting a character, made valid UTF-8, and escaped for a terminal. Pure, no Qt.
namespace net::text {

// `s` made valid UTF-8: every byte that does not start or continue a well-formed sequence (overlong
// forms, surrogates and code points past U+10FFFF included) becomes U+FFFD.
std::string validUtf8(std::string_view s);

// At most `maxBytes` bytes of `s`, cut before a character that would not fit whole; with `mark`
// ("…") appended when something was cut (the mark counts in maxBytes). Invalid bytes count as one
// character each.
std::string cut(std::string_view s, std::size_t maxBytes, std::string_view mark = {});

// `s` safe to write to a terminal: C0 controls but tab and newline, DEL and C1 controls (U+0080 to
// U+009F) are written as \xHH (\x1b for ESC), invalid UTF-8 bytes as \xHH too, and a backslash
// stays as it is. What kubectl does for get, describe and events since 1.26 (CVE-2021-25743).
std::string forTerminal(std::string_view s);

// Whether `s` holds any byte forTerminal would change.
bool needsEscape(std::string_view s);

} // namespace net::text
