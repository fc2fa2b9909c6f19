#pragma once

#include <cstdint>
#include <string>

namespace net {

// Errors come in levels: the request never got an answer (Transport), the server answered with
// a failure (Api), or the local configuration is unusable (Config). `message` is always a
// sentence a person can act on and never carries credentials; the transport only knows the
// cause of a failure, so each client (kube, oci, the webhook) writes the sentence for its own.
struct Error {
    enum class Kind { Config, Transport, Api, Decode, Auth };
    // Why a request got no answer, from libcurl's code.
    enum class Cause {
        None,         // not a transport failure
        Dns,          // the server's name cannot be resolved
        Connect,      // nothing answers at the server's address
        Timeout,      // no (complete) answer within the request's timeout
        Tls,          // the server's certificate is not trusted or does not name it
        TlsFiles,     // our own CA bundle, client certificate or key cannot be used
        Broken,       // the connection broke off (TLS handshake, send, receive, empty reply)
        ProxyDns,     // the proxy's name cannot be resolved
        ProxyConnect, // nothing answers at the proxy
        ProxyRefused, // the proxy refused the tunnel (see proxyStatus)
        TooLarge,     // the answer is larger than allowed
        Protocol,     // the server spoke HTTP wrongly
        Cancelled,    // stopped on our side
        Other,
    };
    Kind kind = Kind::Transport;
    int httpStatus = 0;  // Api: the HTTP status code
    std::string reason;  // Api: Status.reason (Forbidden, NotFound, Conflict, Invalid, ...)
    std::string message; // the sentence to show
    std::string detail;  // technical detail for logs (no secrets)
    Cause cause = Cause::None;
    int proxyStatus = 0;     // ProxyRefused: the proxy's answer to CONNECT
    std::uint64_t limit = 0; // TooLarge: the most bytes the request would take

    static Error config(std::string message, std::string detail = {})
    {
        Error e;
        e.kind = Kind::Config;
        e.message = std::move(message);
        e.detail = std::move(detail);
        return e;
    }
};

} // namespace net
