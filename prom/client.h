#pragma once

#include "decode.h"
#include "net/result.h"
#include "net/transport.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace kube {
class Client;
struct ProxyAnswer;
} // namespace kube

namespace prom {

// Where Prometheus is: at a URL (with an optional bearer token file and CA bundle), or behind a
// Service reached through the API server's service proxy
// (/api/v1/namespaces/NS/services/NAME:PORT/proxy/...), with the kube::Client's credentials and
// RBAC (get on services/proxy in that namespace), so a kubeconfig is all an operator needs.
class Endpoint {
public:
    enum class Kind { Url, ServiceProxy };

    // `base`: http(s)://host[:port][/prefix]. The token file is read at each request (tokens are
    // rotated in place); the CA bundle verifies an https server.
    static Endpoint url(std::string base, std::string bearerTokenFile = {}, std::string caFile = {});
    // The kube::Client must outlive the prom::Client that uses it; if it goes first, calls fail
    // with a sentence.
    static Endpoint serviceProxy(kube::Client& client, std::string ns, std::string service, std::string port);

    Kind kind() const { return m_kind; }
    const std::string& base() const { return m_base; } // Url: without a trailing slash
    const std::string& bearerTokenFile() const { return m_tokenFile; }
    const std::string& caFile() const { return m_caFile; }
    kube::Client* kubeClient() const; // null once it is gone
    const std::string& ns() const { return m_ns; }
    const std::string& service() const { return m_service; }
    const std::string& port() const { return m_port; }
    // For sentences: "Prometheus at http://127.0.0.1:9090", "Prometheus monitoring/prometheus:9090
    // through the API server" (never a token or a URL's user part).
    std::string describe() const;

private:
    Kind m_kind = Kind::Url;
    std::string m_base, m_tokenFile, m_caFile;
    QPointer<kube::Client> m_kube;
    std::string m_ns, m_service, m_port;
};

// A client of Prometheus's HTTP API (instant and range queries). Every call returns at once and
// answers through its callback on the owning thread, never blocking: at a URL through the shared
// net::Transport, through the proxy with the kube::Client's requests. A call is stopped by
// cancel(Id), by the destruction of the `owner` it was given, or by the client's own destruction;
// a stopped call's callback never runs. Errors are one sentence each that says what to do.
class Client : public QObject {
    Q_OBJECT

public:
    using Id = quint64;
    template <typename T> using Callback = std::function<void(net::Result<T>)>;

    struct Options {
        std::chrono::milliseconds timeout{15000};
        Limits limits;
    };
    // A PromQL expression longer than this is refused before it is sent (a URL's length).
    static constexpr std::size_t maxQueryBytes = 16 * 1024;
    // The most a token file may hold.
    static constexpr std::size_t maxTokenFileBytes = 64 * 1024;

    // `transport` serves the URL route; it may be null for the service proxy (the kube::Client
    // has its own).
    Client(Endpoint endpoint, net::Transport* transport, QObject* parent = nullptr);
    Client(Endpoint endpoint, net::Transport* transport, Options options, QObject* parent = nullptr);
    ~Client() override;

    const Endpoint& endpoint() const { return m_endpoint; }
    const Options& options() const { return m_options; }

    // GET /api/v1/query: the expression at `time` (none: Prometheus's now).
    Id query(const std::string& expr, std::optional<QDateTime> time, Callback<QueryResult> cb,
             QObject* owner = nullptr);
    // GET /api/v1/query_range: the expression from `start` to `end` every `step`.
    Id queryRange(const std::string& expr, const QDateTime& start, const QDateTime& end, std::chrono::milliseconds step,
                  Callback<QueryResult> cb, QObject* owner = nullptr);
    void cancel(Id id);
    std::size_t pendingCount() const { return m_pending.size(); }

    // The query string of a call (percent-encoded), for tests: "query=up&time=1700000000.000".
    static std::string queryString(const std::map<std::string, std::string>& params);

private:
    struct Pending;
    Id start(const std::string& path, const std::map<std::string, std::string>& params, Callback<QueryResult> cb,
             QObject* owner);
    void sendUrl(const std::shared_ptr<Pending>& p, const std::string& pathAndQuery);
    void sendProxy(const std::shared_ptr<Pending>& p, const std::string& pathAndQuery);
    // Answers `id` with `e` from the event loop (never inside the call that asked); returns `id`.
    Id refuseLater(Id id, net::Error e);
    // The call's record, removed (nullptr when it already ended or was stopped).
    std::shared_ptr<Pending> take(Id id);
    void finish(Id id, net::Result<QueryResult> r);
    // The answer at a URL: the HTTP status's sentence, or the body decoded.
    net::Result<QueryResult> urlAnswer(net::Result<net::HttpResponse> r) const;
    net::Error transportError(const net::Error& e) const;
    // The answer through the API server's proxy: its refusals as sentences, or the body decoded.
    net::Result<QueryResult> proxyAnswer(kube::ProxyAnswer a) const;

    Endpoint m_endpoint;
    net::Transport* m_transport;
    Options m_options;
    std::map<Id, std::shared_ptr<Pending>> m_pending;
    Id m_nextId = 1;
};

} // namespace prom
