#include "model/rules/imageref.h"

namespace model {

namespace {

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

// Scanned by hand, once, from the end: the tag comes from an annotation anyone with patch rights on
// a slot may write, and std::regex recurses once per character (200,000 digits overflowed the stack).
std::string commitFromTag(const std::string& tag)
{
    if (tag.empty() || tag.size() > maxTagLength)
        return {};
    // An optional ".N" at the end (docker-uro_8d3c2f41.5).
    std::size_t end = tag.size();
    std::size_t digits = end;
    while (digits > 0 && isDigit(tag[digits - 1]))
        --digits;
    if (digits < end && digits > 0 && tag[digits - 1] == '.')
        end = digits - 1;
    std::size_t start = end;
    while (start > 0 && isHex(tag[start - 1]))
        --start;
    const std::size_t length = end - start;
    if (length < 7 || length > 40)
        return {};
    if (start == 0 || tag[start - 1] == '_' || tag[start - 1] == '-')
        return tag.substr(start, length);
    return {};
}

} // namespace model
