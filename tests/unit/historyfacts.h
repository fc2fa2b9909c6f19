#pragma once

// A service as the views over its history see it: its name, its group and what its annotation holds.
#include "model/state/servicestate.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace historyfacts {

inline model::ServiceState service(const std::string& name, const std::string& group,
                                   std::vector<kube::HistoryEntry> history, std::uint64_t revision = 1)
{
    model::ServiceState s;
    s.spec.name = name;
    s.spec.group = group;
    s.revision = revision;
    for (auto& e : history)
        e.service = name;
    s.history = std::move(history);
    return s;
}

} // namespace historyfacts
