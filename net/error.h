#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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
    // Why the API server refused, as its Status.reason says or its status code implies (client-go's
    // StatusReason); callers decide on this, never on the text in `reason`.
    enum class Reason {
        None, // not an API failure
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        AlreadyExists,
        Conflict, // a resourceVersion conflict, or a JSON Patch `test` that failed
        Invalid,
        Expired, // a watch or list from a resourceVersion the server no longer has
        TooManyRequests,
        Timeout,
        ServerTimeout,
        InternalError,
        ServiceUnavailable,
        Other, // a reason not listed here (`reason` holds its text)
    };
    Kind kind = Kind::Transport;
    int httpStatus = 0;  // Api: the HTTP status code
    std::string reason;  // Api: Status.reason as text, for messages and logs; oci: the registry's error code
    std::string message; // the sentence to show
    std::string detail;  // technical detail for logs (no secrets)
    Cause cause = Cause::None;
    int proxyStatus = 0;             // ProxyRefused: the proxy's answer to CONNECT
    std::uint64_t limit = 0;         // TooLarge: the most bytes the request would take
    Reason apiReason = Reason::None; // Api: `reason` as a value

    // Sets `apiReason` and the text in `reason` together.
    void setReason(Reason r)
    {
        apiReason = r;
        reason = reasonText(r);
    }
    // The reason as the API server wrote it: its text kept, its value known or Other.
    void setReasonText(std::string text)
    {
        apiReason = reasonOf(text);
        reason = std::move(text);
    }
    static Reason reasonOf(std::string_view text)
    {
        for (int i = 1; i < static_cast<int>(Reason::Other); ++i)
            if (text == reasonText(static_cast<Reason>(i)))
                return static_cast<Reason>(i);
        return text.empty() ? Reason::None : Reason::Other;
    }
    static const char* reasonText(Reason r)
    {
        static const char* const names[] = {"",
                                            "BadRequest",
                                            "Unauthorized",
                                            "Forbidden",
                                            "NotFound",
                                            "AlreadyExists",
                                            "Conflict",
                                            "Invalid",
                                            "Expired",
                                            "TooManyRequests",
                                            "Timeout",
                                            "ServerTimeout",
                                            "InternalError",
                                            "ServiceUnavailable",
                                            ""};
        return names[static_cast<int>(r)];
    }

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
