#pragma once

#include "curlhandles.h"
#include "result.h"

#include <QObject>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QSocketNotifier;
class QTimer;

namespace net {

// Where and how to connect: the server and its TLS and credential material. Built from a
// RestConfig (plus a token from an exec plugin where there is one).
struct Endpoint {
    std::string server;             // https://host:port
    std::string caFile, caData;     // PEM
    std::string certFile, certData; // client certificate, PEM
    std::string keyFile, keyData;   // client key, PEM
    bool insecureSkipTlsVerify = false;
    std::string tlsServerName;
    std::string proxyUrl;
    std::string bearerToken;
    std::string username, password; // basic auth
};

struct HttpRequest {
    std::string method = "GET";
    std::string path; // absolute path with query, e.g. /api/v1/namespaces
    std::string body;
    std::string contentType;
    std::vector<std::string> headers;         // extra "Name: value" lines (Accept replaces the default)
    bool noBody = false;                      // HEAD
    std::chrono::milliseconds timeout{30000}; // whole request; zero: none (watch streams)
    std::chrono::milliseconds connectTimeout{10000};
    std::size_t maxBody = 0; // keep at most this many body bytes and stop reading there; 0: all
    // Past this many body bytes the request fails with cause TooLarge; 0: no limit. Counted after
    // decompression, so a small compressed answer cannot expand past it. A stream's chunks are
    // handed over as they come and do not count (its client bounds what it keeps).
    std::size_t bodyLimit = 0;
    // An answer with a status outside 2xx (a stream's too) keeps at most this many bytes and is
    // marked truncated: its message is at its start.
    std::size_t errorBodyLimit = 64 * 1024;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::multimap<std::string, std::string> headers; // names in lower case
    bool truncated = false; // the body was longer than the request's maxBody (or errorBodyLimit)

    std::string header(const std::string& lowerName) const;
};

// HTTP over one libcurl multi handle driven by the Qt event loop (socket notifiers and one
// single-shot timer), so nothing ever blocks the thread that owns it. Connections are reused
// and HTTP/2 streams are multiplexed where the server offers it. Callbacks run on the owning
// thread, never inside libcurl; a callback may start or cancel requests.
class Transport : public QObject {
    Q_OBJECT

public:
    using Id = quint64;
    using ChunkFn = std::function<void(std::string_view)>;
    using DoneFn = std::function<void(Result<HttpResponse>)>;

    explicit Transport(QObject* parent = nullptr);
    ~Transport() override;

    // With onChunk set, body bytes are handed over as they arrive and the final response
    // has an empty body (watch streams); the first call, with no bytes, says the server
    // accepted the stream.
    Id start(const Endpoint& endpoint, HttpRequest request, DoneFn onDone, ChunkFn onChunk = {});
    // Stops a request; its onDone is not called.
    void cancel(Id id);
    std::size_t activeCount() const { return m_requests.size(); }
    // Connections (sockets) this transport has opened so far. Over HTTP/2 every request to one
    // server shares one connection, so this stays at one per server while it stays up.
    std::uint64_t connectionsOpened() const { return m_connectionsOpened; }

    // Turns a libcurl failure into an Error with its cause and a plain fallback sentence naming
    // `server` (scheme, host and port: never a path, which may hold a secret). `viaProxy`: the
    // request went through a proxy; `proxyAnswer`: the status it gave to CONNECT, 0 when none.
    static Error transportError(CURLcode code, const std::string& curlDetail, const std::string& server,
                                bool viaProxy = false, long proxyAnswer = 0);
    static Error::Cause causeOf(CURLcode code);
    // The request's answer passed `limit` bytes: cause TooLarge, `limit` set, and a plain sentence
    // naming `server` (scheme, host and port).
    static Error tooLargeError(const std::string& server, std::uint64_t limit);

private:
    struct Request;
    struct Socket;

    static int onSocket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
    static int onTimer(CURLM* multi, long timeoutMs, void* self);
    static size_t onWrite(char* data, size_t size, size_t count, void* request);
    static size_t onHeader(char* data, size_t size, size_t count, void* request);
    static int onSocketOpened(void* self, curl_socket_t fd, curlsocktype purpose);

    void socketAction(curl_socket_t fd, int events);
    void deliverChunks();
    void collectFinished();
    void finish(Request* request, CURLcode code);

    CurlMulti m_multi;
    QTimer* m_timer = nullptr;
    std::map<curl_socket_t, std::unique_ptr<Socket>> m_sockets;
    std::map<Id, std::unique_ptr<Request>> m_requests;
    Id m_nextId = 1;
    std::uint64_t m_connectionsOpened = 0;
};

// A limit as people read it: "64 KiB", "4 MiB", "1 GiB" (whole units where they divide), else bytes.
std::string sizeText(std::uint64_t bytes);

// The version of the libcurl this process runs with ("8.5.0"), for the About dialog.
std::string libcurlVersion();

} // namespace net
