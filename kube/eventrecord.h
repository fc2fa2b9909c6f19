#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kube {

// A core/v1 Event that Signalbox writes about an object it changed, for `kubectl get events` and
// other tools (the history annotation is the record; an Event is a courtesy).
struct EventRecord {
    struct Object {
        std::string apiVersion; // "v1", "apps/v1"
        std::string kind;       // "Service", "Deployment"
        std::string name;
        std::string ns;
    };
    Object involved;    // the Event lives in its namespace and is named after it
    std::string reason; // "Swapped", "RolledBack", "Deployed"
    std::string message;
    std::string type = "Normal";
    std::string component = "signalbox";
    std::string time; // RFC 3339: first and last seen
};

// The body that creates the Event (one occurrence, named by the server after the object).
nlohmann::json eventBody(const EventRecord& event);

} // namespace kube
