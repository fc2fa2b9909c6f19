#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kube {

// One line of a stream (a pod's log, a watch event), without its newline. `cut`: the line was
// longer than the splitter's limit; `text` holds its first bytes (up to the limit, ending on a
// whole UTF-8 character) and the rest, up to its newline, was dropped.
struct TextLine {
    std::string text;
    bool cut = false;
};

// Splits a byte stream into lines as its chunks arrive ("\n"; a "\r" before it is dropped). Each
// byte is looked at once, and at most `maxLine` bytes of an unfinished line are kept: a longer
// line is handed on cut as soon as it passes the limit, and what follows it up to its newline is
// skipped without being kept.
class LineSplitter {
public:
    explicit LineSplitter(std::size_t maxLine) : m_max(maxLine) {}

    // Appends to `out` the lines `chunk` completes (and a line it makes too long, cut).
    void feed(std::string_view chunk, std::vector<TextLine>& out);
    // The unfinished line at the stream's end, if any (never cut: it was kept whole).
    bool takeRest(TextLine& out);
    // Bytes of the unfinished line kept now (at most maxLine()).
    std::size_t pending() const { return m_buffer.size(); }
    std::size_t maxLine() const { return m_max; }

private:
    std::size_t m_max;
    std::string m_buffer;
    bool m_skipping = false; // inside a line that was cut: dropping bytes up to its newline
};

// `text` without an incomplete UTF-8 sequence at its end (the part of a character a cut split).
void trimPartialUtf8(std::string& text);

} // namespace kube
