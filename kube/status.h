#pragma once

#include "net.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kube {

struct StatusCause {
    std::string type, message, field;
};

struct StatusDetails {
    std::string name, group, kind;
    std::vector<StatusCause> causes;
    std::optional<long> retryAfterSeconds;
};

// A Kubernetes `Status`, as the API server sends it with a failure (and in a watch's ERROR event).
// Every field is optional, as in client-go: admission webhooks, for one, deny with a message and
// no reason. A field of the wrong type reads as absent.
struct Status {
    std::optional<std::string> status; // "Failure", "Success"
    std::optional<std::string> message;
    std::optional<std::string> reason; // Forbidden, NotFound, Conflict, Invalid, Expired, ...
    std::optional<long> code;
    std::optional<StatusDetails> details;
};

// A response body as a Status; an Error when it is not JSON or not an object of kind Status.
Result<Status> decodeStatus(std::string_view body);
Result<Status> decodeStatusObject(const nlohmann::json& object); // a parsed body, a watch ERROR object

} // namespace kube
