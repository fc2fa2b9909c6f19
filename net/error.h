#pragma once

#include <string>

namespace net {

// Errors come in levels: the request never got an answer (Transport), the API server
// answered with a failure Status (Api), or the local configuration is unusable (Config).
// `message` is always a sentence a person can act on and never carries credentials.
struct Error {
    enum class Kind { Config, Transport, Api, Decode, Auth };
    Kind kind = Kind::Transport;
    int httpStatus = 0;  // Api: the HTTP status code
    std::string reason;  // Api: Status.reason (Forbidden, NotFound, Conflict, Invalid, ...)
    std::string message; // the sentence to show
    std::string detail;  // technical detail for logs (no secrets)

    static Error config(std::string message, std::string detail = {})
    {
        return Error{Kind::Config, 0, {}, std::move(message), std::move(detail)};
    }
};

} // namespace net
