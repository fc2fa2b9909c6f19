#pragma once

#include <string>

namespace model {

// A count and its noun agreeing in number: "1 swap", "3 swaps", "0 swaps".
inline std::string counted(long long n, const std::string& one, const std::string& many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace model
