#include "transport.h"

#include "version.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>
#include <algorithm>
#include <cctype>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <vector>

namespace net {

struct Transport::Request {
    Id id = 0;
    Transport* owner = nullptr;
    CurlEasy easy;
    CurlSlist headerList;
    CurlSlist connectTo;
    Endpoint endpoint;
    HttpRequest request;
    DoneFn onDone;
    ChunkFn onChunk;
    std::string body; // whole body, or bytes not yet handed to onChunk
    std::multimap<std::string, std::string> headers;
    bool headersDone = false;
    bool openReported = false;
    bool truncated = false; // stopped reading at request.maxBody (or errorBodyLimit)
    bool tooLarge = false;  // stopped reading past request.bodyLimit
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

struct Transport::Socket {
    std::unique_ptr<QSocketNotifier> read;
    std::unique_ptr<QSocketNotifier> write;
};

namespace {

void setBlob(CURL* h, CURLoption option, const std::string& data)
{
    curl_blob blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, option, &blob);
}

// host and port of an https URL, for CURLOPT_CONNECT_TO when tls-server-name is set.
bool splitHostPort(const std::string& server, std::string& scheme, std::string& host, std::string& port,
                   std::string& rest)
{
    const auto schemeEnd = server.find("://");
    if (schemeEnd == std::string::npos)
        return false;
    scheme = server.substr(0, schemeEnd);
    const auto hostStart = schemeEnd + 3;
    const auto pathStart = server.find('/', hostStart);
    const std::string authority =
        server.substr(hostStart, pathStart == std::string::npos ? std::string::npos : pathStart - hostStart);
    rest = pathStart == std::string::npos ? std::string() : server.substr(pathStart);
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    } else {
        host = authority;
        port = scheme == "http" ? "80" : "443";
    }
    return !host.empty();
}

} // namespace

std::string HttpResponse::header(const std::string& lowerName) const
{
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

Transport::Transport(QObject* parent) : QObject(parent), m_multi(curl_multi_init()), m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETFUNCTION, &Transport::onSocket);
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERFUNCTION, &Transport::onTimer);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(m_multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
}

Transport::~Transport()
{
    for (auto& [id, r] : m_requests)
        curl_multi_remove_handle(m_multi.get(), r->easy.get());
    m_requests.clear();
    m_sockets.clear();
}

namespace {

// The request's URL; with tls-server-name, the connection goes to the configured address while
// the server is named as tls-server-name, for SNI and for certificate verification, as client-go does.
std::string requestUrl(CURL* h, const Endpoint& endpoint, const std::string& path, CurlSlist& connectTo)
{
    std::string url = endpoint.server;
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    if (!endpoint.tlsServerName.empty()) {
        std::string scheme, host, port, rest;
        if (splitHostPort(url, scheme, host, port, rest)) {
            const std::string entry = endpoint.tlsServerName + ":" + port + ":" + host + ":" + port;
            connectTo.reset(curl_slist_append(nullptr, entry.c_str()));
            curl_easy_setopt(h, CURLOPT_CONNECT_TO, connectTo.get());
            url = scheme + "://" + endpoint.tlsServerName + ":" + port + rest;
        }
    }
    return url + path;
}

void setMethod(CURL* h, const HttpRequest& request)
{
    if (request.method == "GET") {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD" || request.noBody) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
}

// TLS (verification stays on unless the kubeconfig turns it off), the proxy and basic auth.
void setEndpoint(CURL* h, const Endpoint& endpoint)
{
    if (endpoint.insecureSkipTlsVerify) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!endpoint.caData.empty()) {
        setBlob(h, CURLOPT_CAINFO_BLOB, endpoint.caData);
    } else if (!endpoint.caFile.empty()) {
        curl_easy_setopt(h, CURLOPT_CAINFO, endpoint.caFile.c_str());
    }
    if (!endpoint.certData.empty())
        setBlob(h, CURLOPT_SSLCERT_BLOB, endpoint.certData);
    else if (!endpoint.certFile.empty())
        curl_easy_setopt(h, CURLOPT_SSLCERT, endpoint.certFile.c_str());
    if (!endpoint.keyData.empty())
        setBlob(h, CURLOPT_SSLKEY_BLOB, endpoint.keyData);
    else if (!endpoint.keyFile.empty())
        curl_easy_setopt(h, CURLOPT_SSLKEY, endpoint.keyFile.c_str());
    if (!endpoint.proxyUrl.empty()) {
        // A proxy-url in the kubeconfig carries every request, whatever no_proxy says, as in kubectl.
        curl_easy_setopt(h, CURLOPT_PROXY, endpoint.proxyUrl.c_str());
        curl_easy_setopt(h, CURLOPT_NOPROXY, "");
    }
    if (!endpoint.username.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, endpoint.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, endpoint.password.c_str());
    }
}

curl_slist* headerLines(const Endpoint& endpoint, const HttpRequest& request)
{
    curl_slist* headers = nullptr;
    const bool customAccept = std::any_of(request.headers.begin(), request.headers.end(),
                                          [](const std::string& line) { return line.rfind("Accept:", 0) == 0; });
    if (!customAccept)
        headers = curl_slist_append(headers, "Accept: application/json");
    for (const auto& line : request.headers)
        headers = curl_slist_append(headers, line.c_str());
    if (!request.contentType.empty())
        headers = curl_slist_append(headers, ("Content-Type: " + request.contentType).c_str());
    if (!endpoint.bearerToken.empty())
        headers = curl_slist_append(headers, ("Authorization: Bearer " + endpoint.bearerToken).c_str());
    return headers;
}

} // namespace

Transport::Id Transport::start(const Endpoint& endpoint, HttpRequest request, DoneFn onDone, ChunkFn onChunk)
{
    auto r = std::make_unique<Request>();
    r->id = m_nextId++;
    r->owner = this;
    r->endpoint = endpoint;
    r->request = std::move(request);
    r->onDone = std::move(onDone);
    r->onChunk = std::move(onChunk);
    r->easy.reset(curl_easy_init());
    CURL* h = r->easy.get();

    const std::string url = requestUrl(h, endpoint, r->request.path, r->connectTo);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    // What is sent is what the caller built and checked: libcurl would otherwise remove "/../"
    // segments, and a path from an annotation could climb out of the API server's proxy.
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PRIVATE, r.get());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errorBuffer);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transport::onWrite);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r.get());
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Transport::onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r.get());
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, &Transport::onSocketOpened);
    curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, this);
    // A peer that went away without a word (a laptop's sleep, a NAT that forgot the connection) is
    // noticed by keepalive probes: the first after 30 s of silence, then every 15 s, 4 unanswered
    // (set where the socket opens) end it, so about 90 s instead of Linux's two hours.
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 15L);
    if (r->request.bodyLimit > 0 && !r->onChunk) // a declared length past the limit fails before any byte
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r->request.bodyLimit));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "signalbox/" SIGNALBOX_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r->request.connectTimeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r->request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
    setMethod(h, r->request);
    setEndpoint(h, endpoint);
    r->headerList.reset(headerLines(endpoint, r->request));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headerList.get());

    const Id id = r->id;
    m_requests.emplace(id, std::move(r));
    curl_multi_add_handle(m_multi.get(), h);
    return id;
}

void Transport::cancel(Id id)
{
    auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    curl_multi_remove_handle(m_multi.get(), it->second->easy.get());
    m_requests.erase(it);
}

int Transport::onSocket(CURL*, curl_socket_t fd, int what, void* self, void*)
{
    auto* t = static_cast<Transport*>(self);
    if (what == CURL_POLL_REMOVE) {
        // At once, not deleteLater: the descriptor can be reused by the next connection, and
        // two notifiers on one descriptor confuse the event dispatcher.
        t->m_sockets.erase(fd);
        return 0;
    }
    auto& s = t->m_sockets[fd];
    if (!s) {
        s = std::make_unique<Socket>();
        s->read = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
        s->write = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
        connect(s->read.get(), &QSocketNotifier::activated, t, [t, fd] { t->socketAction(fd, CURL_CSELECT_IN); });
        connect(s->write.get(), &QSocketNotifier::activated, t, [t, fd] { t->socketAction(fd, CURL_CSELECT_OUT); });
    }
    // Only the direction libcurl waits for, or a writable socket would spin the loop.
    s->read->setEnabled(what == CURL_POLL_IN || what == CURL_POLL_INOUT);
    s->write->setEnabled(what == CURL_POLL_OUT || what == CURL_POLL_INOUT);
    return 0;
}

int Transport::onSocketOpened(void* self, curl_socket_t fd, curlsocktype purpose)
{
    if (purpose == CURLSOCKTYPE_IPCXN) {
        ++static_cast<Transport*>(self)->m_connectionsOpened;
        // libcurl 7.88 has no option for the number of probes; a socket that is not TCP refuses it.
        const int probes = 4;
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
    }
    return CURL_SOCKOPT_OK;
}

int Transport::onTimer(CURLM*, long timeoutMs, void* self)
{
    auto* t = static_cast<Transport*>(self);
    if (timeoutMs < 0)
        t->m_timer->stop();
    else
        t->m_timer->start(static_cast<int>(timeoutMs)); // a new expiry replaces the old one
    return 0;
}

size_t Transport::onWrite(char* data, size_t size, size_t count, void* request)
{
    auto* r = static_cast<Request*>(request);
    const std::size_t n = size * count;
    long status = 0;
    curl_easy_getinfo(r->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    const bool failure = status < 200 || status >= 300;
    if (r->onChunk && !failure) {
        r->body.append(data, n); // handed to onChunk after this turn of libcurl
        return n;
    }
    // These bytes are decompressed already (CURLOPT_ACCEPT_ENCODING), so the limits hold for what
    // the answer expands to, and the transfer ends before the rest is inflated.
    std::size_t keep = r->request.maxBody;
    if (failure && r->request.errorBodyLimit > 0)
        keep = keep > 0 ? std::min(keep, r->request.errorBodyLimit) : r->request.errorBodyLimit;
    if (keep > 0 && r->body.size() + n > keep) {
        // Keep the first `keep` bytes and end the transfer: the answer is what arrived so far.
        r->body.append(data, keep - r->body.size());
        r->truncated = true;
        return CURL_WRITEFUNC_ERROR;
    }
    if (r->request.bodyLimit > 0 && r->body.size() + n > r->request.bodyLimit) {
        r->tooLarge = true;
        r->body.clear();
        r->body.shrink_to_fit();
        return CURL_WRITEFUNC_ERROR;
    }
    r->body.append(data, n);
    return n;
}

size_t Transport::onHeader(char* data, size_t size, size_t count, void* request)
{
    auto* r = static_cast<Request*>(request);
    std::string_view line(data, size * count);
    if (line == "\r\n" || line == "\n") {
        r->headersDone = true;
        return size * count;
    }
    if (line.rfind("HTTP/", 0) == 0) {
        r->headers.clear(); // a new response (after a redirect or 100 Continue)
        return size * count;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        r->headers.emplace(std::move(name), std::string(value));
    }
    return size * count;
}

void Transport::socketAction(curl_socket_t fd, int events)
{
    QPointer<Transport> guard(this);
    int running = 0;
    curl_multi_socket_action(m_multi.get(), fd, events, &running);
    deliverChunks();
    if (guard)
        collectFinished();
}

void Transport::deliverChunks()
{
    std::vector<Id> ids;
    for (const auto& [id, r] : m_requests)
        if (r->onChunk && (!r->body.empty() || (r->headersDone && !r->openReported)))
            ids.push_back(id);
    QPointer<Transport> guard(this);
    for (Id id : ids) {
        if (!guard)
            return;
        auto it = m_requests.find(id);
        if (it == m_requests.end())
            continue;
        long status = 0;
        curl_easy_getinfo(it->second->easy.get(), CURLINFO_RESPONSE_CODE, &status);
        if (status >= 300 || status < 200)
            continue; // an error body is read whole, as a Status, when the request ends
        // An empty first chunk says the stream is open, before any data arrives.
        it->second->openReported = true;
        std::string chunk;
        chunk.swap(it->second->body);
        ChunkFn fn = it->second->onChunk; // the request may be cancelled from inside
        fn(chunk);
    }
}

void Transport::collectFinished()
{
    std::vector<std::pair<Request*, CURLcode>> done;
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(m_multi.get(), &pending)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        Request* r = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &r);
        if (r)
            done.emplace_back(r, msg->data.result);
    }
    QPointer<Transport> guard(this);
    for (auto& [r, code] : done) {
        if (!guard)
            return;
        finish(r, code);
    }
}

void Transport::finish(Request* request, CURLcode code)
{
    auto it = m_requests.find(request->id);
    if (it == m_requests.end() || it->second.get() != request)
        return;
    std::unique_ptr<Request> r = std::move(it->second);
    m_requests.erase(it);
    curl_multi_remove_handle(m_multi.get(), r->easy.get());
    if (!r->onDone)
        return;
    long status = 0;
    curl_easy_getinfo(r->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    // The API server answers a 401 and then sends HTTP/2 GOAWAY; libcurl 7.88 can then report
    // the transfer as partial although the status arrived. The status is the answer here.
    if ((code == CURLE_PARTIAL_FILE || code == CURLE_HTTP2 || code == CURLE_HTTP2_STREAM) && status >= 400)
        code = CURLE_OK;
    if (code == CURLE_WRITE_ERROR && r->truncated)
        code = CURLE_OK; // stopped at maxBody on purpose
    if ((code == CURLE_WRITE_ERROR && r->tooLarge) || (code == CURLE_FILESIZE_EXCEEDED && r->request.bodyLimit > 0)) {
        r->onDone(tooLargeError(r->endpoint.server, r->request.bodyLimit));
        return;
    }

    if (code != CURLE_OK) {
        long proxyAnswer = 0;
        curl_easy_getinfo(r->easy.get(), CURLINFO_HTTP_CONNECTCODE, &proxyAnswer);
        // A proxy from the environment (https_proxy) counts too when it answered CONNECT.
        const bool viaProxy = !r->endpoint.proxyUrl.empty() || proxyAnswer != 0;
        r->onDone(transportError(code, r->errorBuffer, r->endpoint.server, viaProxy, proxyAnswer));
        return;
    }
    HttpResponse response;
    response.status = status;
    response.body = std::move(r->body);
    response.headers = std::move(r->headers);
    response.truncated = r->truncated;
    r->onDone(std::move(response));
}

Error::Cause Transport::causeOf(CURLcode code)
{
    using Cause = Error::Cause;
    switch (code) {
    case CURLE_OK:
        return Cause::None;
    case CURLE_COULDNT_RESOLVE_HOST:
        return Cause::Dns;
    case CURLE_COULDNT_RESOLVE_PROXY:
        return Cause::ProxyDns;
    case CURLE_COULDNT_CONNECT:
        return Cause::Connect;
    case CURLE_OPERATION_TIMEDOUT:
        return Cause::Timeout;
    case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
    case CURLE_SSL_CACERT:
#endif
        return Cause::Tls;
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CRL_BADFILE:
        return Cause::TlsFiles;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return Cause::Broken;
    case CURLE_FILESIZE_EXCEEDED:
#if LIBCURL_VERSION_NUM >= 0x080600
    case CURLE_TOO_LARGE:
#endif
        return Cause::TooLarge;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_TOO_MANY_REDIRECTS:
        return Cause::Protocol;
    case CURLE_ABORTED_BY_CALLBACK:
        return Cause::Cancelled;
    default:
        return Cause::Other;
    }
}

Error Transport::transportError(CURLcode code, const std::string& curlDetail, const std::string& server, bool viaProxy,
                                long proxyAnswer)
{
    Error e;
    e.kind = Error::Kind::Transport;
    e.cause = causeOf(code);
    e.detail = std::string(curl_easy_strerror(code)) + (curlDetail.empty() ? "" : ": " + curlDetail);
    if (viaProxy && proxyAnswer != 0 && (proxyAnswer < 200 || proxyAnswer > 299)) {
        e.cause = Error::Cause::ProxyRefused;
        e.proxyStatus = static_cast<int>(proxyAnswer);
    } else if (viaProxy && code == CURLE_COULDNT_CONNECT) {
        e.cause = Error::Cause::ProxyConnect;
    }
    // A plain fallback; the client that sent the request says what it means for its server.
    e.message = "The request to " + server + " failed: " + std::string(curl_easy_strerror(code)) + ".";
    return e;
}

Error Transport::tooLargeError(const std::string& server, std::uint64_t limit)
{
    Error e;
    e.kind = Error::Kind::Transport;
    e.cause = Error::Cause::TooLarge;
    e.limit = limit;
    e.detail = "answer larger than " + std::to_string(limit) + " bytes";
    e.message = "The answer of " + server + " is larger than " + sizeText(limit) +
                ", more than Signalbox reads of such an answer, so it was not used.";
    return e;
}

std::string sizeText(std::uint64_t bytes)
{
    constexpr std::uint64_t kib = 1024, mib = kib * 1024, gib = mib * 1024;
    if (bytes >= gib && bytes % gib == 0)
        return std::to_string(bytes / gib) + " GiB";
    if (bytes >= mib && bytes % mib == 0)
        return std::to_string(bytes / mib) + " MiB";
    if (bytes >= kib && bytes % kib == 0)
        return std::to_string(bytes / kib) + " KiB";
    return std::to_string(bytes) + " bytes";
}

std::string libcurlVersion()
{
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    return info && info->version ? info->version : "unknown";
}

} // namespace net
