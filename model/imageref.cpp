#include "imageref.h"

#include <regex>

namespace model {

std::string commitFromTag(const std::string& tag)
{
    static const std::regex plain("^[0-9a-f]{7,40}$");
    if (std::regex_match(tag, plain))
        return tag;
    // docker-uro_8d3c2f41.5, uro-8d3c2f41, main-8d3c2f4
    static const std::regex embedded("(?:^|[_-])([0-9a-f]{7,40})(?:\\.[0-9]+)?$");
    std::smatch m;
    if (std::regex_search(tag, m, embedded))
        return m[1];
    return {};
}

} // namespace model
