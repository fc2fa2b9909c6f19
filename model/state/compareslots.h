#pragma once

#include "model/observe/slotdiffread.h"

#include <functional>
#include <string>

class QObject;

namespace model {

class Connection;
class WatchedServices;

// The diff of two slots of a shown service (model::readSlotDiff) on the service's context. `from` and
// `to` are live, staging, sandbox, a or b. A service not shown is answered with its sentence; `done` is always called
// later, never when `owner` is gone.
void compareSlots(const WatchedServices& watched, Connection& connection, const std::string& service,
                  const std::string& from, const std::string& to, QObject* owner,
                  std::function<void(SlotDiffAnswer)> done);

} // namespace model
