#pragma once

#include "model/observe/logstream.h"
#include "model/rules/slot.h"

#include <string>

class QObject;

namespace model {

class Connection;
class WatchedServices;

// A log stream (not started) of the pods of one slot of `service` (A, B or the sandbox), or of its pod `pod`, on the
// slot's context; nullptr when the service or its Deployment is not shown. The stream is the caller's (its parent).
LogStream* openLogs(const WatchedServices& watched, Connection& connection, const std::string& service, Slot slot,
                    const std::string& pod, const LogOptions& options, QObject* parent);

} // namespace model
