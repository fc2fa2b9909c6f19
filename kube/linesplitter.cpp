#include "linesplitter.h"

#include <cstring>

namespace kube {

void trimPartialUtf8(std::string& text)
{
    // Walk back over continuation bytes (at most 3) to the character's first byte, and drop the
    // character when fewer bytes follow that byte than it announces.
    std::size_t following = 0;
    for (std::size_t i = text.size(); i > 0 && following < 4; --i, ++following) {
        const auto c = static_cast<unsigned char>(text[i - 1]);
        if ((c & 0xC0) == 0x80)
            continue;
        const std::size_t length = c < 0x80             ? 1
                                   : (c & 0xE0) == 0xC0 ? 2
                                   : (c & 0xF0) == 0xE0 ? 3
                                   : (c & 0xF8) == 0xF0 ? 4
                                                        : 1;
        if (following + 1 < length)
            text.resize(i - 1);
        return;
    }
}

void LineSplitter::feed(std::string_view chunk, std::vector<TextLine>& out)
{
    while (!chunk.empty()) {
        const auto* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
        const std::size_t length = nl ? static_cast<std::size_t>(nl - chunk.data()) : chunk.size();
        std::string_view piece = chunk.substr(0, length);
        chunk.remove_prefix(nl ? length + 1 : length);
        if (m_skipping) {
            m_skipping = !nl;
            continue;
        }
        if (nl) {
            if (!piece.empty() && piece.back() == '\r')
                piece.remove_suffix(1);
            else if (piece.empty() && !m_buffer.empty() && m_buffer.back() == '\r')
                m_buffer.pop_back();
        }
        if (m_buffer.size() + piece.size() > m_max) {
            m_buffer.append(piece.substr(0, m_max - m_buffer.size()));
            TextLine line{std::move(m_buffer), true};
            trimPartialUtf8(line.text);
            out.push_back(std::move(line));
            m_buffer = std::string();
            m_skipping = !nl;
            continue;
        }
        m_buffer.append(piece);
        if (nl) {
            out.push_back(TextLine{std::move(m_buffer), false});
            m_buffer = std::string();
        }
    }
}

bool LineSplitter::takeRest(TextLine& out)
{
    m_skipping = false;
    if (m_buffer.empty())
        return false;
    out = TextLine{std::move(m_buffer), false};
    m_buffer = std::string();
    return true;
}

} // namespace kube
