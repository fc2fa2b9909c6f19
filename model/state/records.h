#pragma once

#include "model/rules/timeline.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

class QObject;

namespace model {

class Connection;
class WatchedServices;

// The namespaces' records (kube/record.h) of the services the console shows in the current context, as
// histories for the timeline, with from when they reach; a record that could not be read is a sentence.
struct RecordHistories {
    std::vector<RecordedHistory> histories;
    std::optional<std::int64_t> reach;
    std::vector<std::string> problems;
};

// One GET per namespace. `done` is called once, later, never when `owner` is gone.
void readRecordHistories(const WatchedServices& watched, Connection& connection, QObject* owner,
                         std::function<void(RecordHistories)> done);

} // namespace model
