#include "client.h"

#include "kube/client.h"
#include "net/text.h"

#include <QFile>
#include <QTimer>
#include <algorithm>
#include <cstdio>

namespace prom {

using net::Error;

namespace {

// The URL as it may be shown: no user part, no query or fragment (either may hold a secret).
std::string shownUrl(const std::string& url)
{
    std::string s = url.substr(0, url.find_first_of("?#"));
    const auto scheme = s.find("://");
    const auto hostStart = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = s.find('@', hostStart);
    if (at != std::string::npos && at < s.find('/', hostStart))
        s.erase(hostStart, at + 1 - hostStart);
    return s;
}

// Seconds as Prometheus reads them: "1700000000.250", "15", "0.5".
std::string seconds(std::int64_t ms, bool alwaysFraction)
{
    const std::int64_t whole = ms / 1000, part = ms % 1000;
    if (part == 0 && !alwaysFraction)
        return std::to_string(whole);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(part < 0 ? -part : part));
    return std::to_string(whole) + fraction;
}

// A namespace, Service name or port name as Kubernetes allows them (a DNS-1123 label; a port by
// number or name): the parts of the proxy's path, which come from an annotation and must not
// climb out of it.
bool isLabel(const std::string& s)
{
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-')
        return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

Error configError(std::string message)
{
    return Error::config(std::move(message));
}

// The answer is Prometheus's own (its JSON, a success or its refusal) rather than something in front of it.
bool prometheusAnswered(const net::Result<QueryResult>& r)
{
    return r.ok() || r.error().kind == Error::Kind::Api || r.error().cause == Error::Cause::TooLarge;
}

} // namespace

Endpoint Endpoint::url(std::string base, std::string bearerTokenFile, std::string caFile)
{
    Endpoint e;
    e.m_kind = Kind::Url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    e.m_base = std::move(base);
    e.m_tokenFile = std::move(bearerTokenFile);
    e.m_caFile = std::move(caFile);
    return e;
}

Endpoint Endpoint::serviceProxy(kube::Client& client, std::string ns, std::string service, std::string port)
{
    Endpoint e;
    e.m_kind = Kind::ServiceProxy;
    e.m_kube = &client;
    e.m_ns = std::move(ns);
    e.m_service = std::move(service);
    e.m_port = std::move(port);
    return e;
}

kube::Client* Endpoint::kubeClient() const
{
    return m_kube.data();
}

std::string Endpoint::describe() const
{
    if (m_kind == Kind::Url)
        return "Prometheus at " + shownUrl(m_base);
    return "Prometheus " + m_ns + "/" + m_service + ":" + m_port + " through the API server";
}

struct Client::Pending {
    Id id = 0;
    Callback<QueryResult> cb;
    QMetaObject::Connection ownerGone;
    net::Transport::Id transportId = 0;
    std::uint64_t kubeId = 0;
};

Client::Client(Endpoint endpoint, net::Transport* transport, QObject* parent)
    : Client(std::move(endpoint), transport, Options{}, parent)
{
}

Client::Client(Endpoint endpoint, net::Transport* transport, Options options, QObject* parent)
    : QObject(parent), m_endpoint(std::move(endpoint)), m_transport(transport), m_options(std::move(options))
{
}

Client::~Client()
{
    while (!m_pending.empty())
        cancel(m_pending.begin()->first);
}

std::string Client::queryString(const std::map<std::string, std::string>& params)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty())
            out += '&';
        out += name + '=';
        for (unsigned char c : value) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
                out += static_cast<char>(c);
            } else {
                out += '%';
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
    }
    return out;
}

Client::Id Client::query(const std::string& expr, std::optional<QDateTime> time, Callback<QueryResult> cb,
                         QObject* owner)
{
    std::map<std::string, std::string> params{{"query", expr}};
    if (time && time->isValid())
        params["time"] = seconds(time->toMSecsSinceEpoch(), true);
    return start("/api/v1/query", params, std::move(cb), owner);
}

Client::Id Client::queryRange(const std::string& expr, const QDateTime& start, const QDateTime& end,
                              std::chrono::milliseconds step, Callback<QueryResult> cb, QObject* owner)
{
    const std::map<std::string, std::string> params{{"query", expr},
                                                    {"start", seconds(start.toMSecsSinceEpoch(), true)},
                                                    {"end", seconds(end.toMSecsSinceEpoch(), true)},
                                                    {"step", seconds(step.count(), false)}};
    return this->start("/api/v1/query_range", params, std::move(cb), owner);
}

Client::Id Client::start(const std::string& path, const std::map<std::string, std::string>& params,
                         Callback<QueryResult> cb, QObject* owner)
{
    auto p = std::make_shared<Pending>();
    p->id = m_nextId++;
    p->cb = std::move(cb);
    m_pending.emplace(p->id, p);
    const Id id = p->id;
    if (owner)
        p->ownerGone = connect(owner, &QObject::destroyed, this, [this, id] { cancel(id); });
    const auto expr = params.find("query");
    if (expr->second.empty())
        return refuseLater(id, configError("The query is empty. Write a PromQL expression."));
    if (expr->second.size() > maxQueryBytes)
        return refuseLater(id, configError("The query is " + std::to_string(expr->second.size()) +
                                           " bytes long, more than " + net::sizeText(maxQueryBytes) +
                                           ". Write a shorter PromQL expression."));
    const std::string pathAndQuery = path + "?" + queryString(params);
    if (m_endpoint.kind() == Endpoint::Kind::Url)
        sendUrl(p, pathAndQuery);
    else
        sendProxy(p, pathAndQuery);
    return id;
}

Client::Id Client::refuseLater(Id id, Error e)
{
    // Refusals found before sending answer later too, never inside the call that asked.
    QTimer::singleShot(0, this, [this, id, e = std::move(e)] { finish(id, e); });
    return id;
}

std::shared_ptr<Client::Pending> Client::take(Id id)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return nullptr;
    std::shared_ptr<Pending> p = it->second;
    m_pending.erase(it);
    disconnect(p->ownerGone);
    return p;
}

void Client::cancel(Id id)
{
    const std::shared_ptr<Pending> p = take(id);
    if (!p)
        return;
    if (p->transportId && m_transport)
        m_transport->cancel(p->transportId);
    if (p->kubeId)
        if (kube::Client* k = m_endpoint.kubeClient())
            k->cancel(p->kubeId);
}

void Client::finish(Id id, net::Result<QueryResult> r)
{
    if (const std::shared_ptr<Pending> p = take(id))
        p->cb(std::move(r));
}

void Client::sendUrl(const std::shared_ptr<Pending>& p, const std::string& pathAndQuery)
{
    const Id id = p->id;
    auto refuse = [this, id](Error e) { refuseLater(id, std::move(e)); };
    const std::string& base = m_endpoint.base();
    if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
        return refuse(configError("The Prometheus address \"" + shownUrl(base) +
                                  "\" is not an http:// or https:// URL. Write it as http(s)://host:port."));
    if (!m_transport)
        return refuse(configError("No transport was given for " + m_endpoint.describe() + "."));
    net::Endpoint ep;
    ep.server = base;
    ep.caFile = m_endpoint.caFile();
    if (!m_endpoint.bearerTokenFile().empty()) {
        // Re-read at each request: tokens are rotated in place.
        QFile f(QString::fromStdString(m_endpoint.bearerTokenFile()));
        if (!f.open(QIODevice::ReadOnly))
            return refuse(configError("The bearer token file " + m_endpoint.bearerTokenFile() + " for " +
                                      m_endpoint.describe() + " cannot be read: " + f.errorString().toStdString() +
                                      ". Check the path and its permissions."));
        const QByteArray token = f.read(maxTokenFileBytes + 1).trimmed();
        if (static_cast<std::size_t>(token.size()) > maxTokenFileBytes || token.isEmpty())
            return refuse(configError("The bearer token file " + m_endpoint.bearerTokenFile() + " for " +
                                      m_endpoint.describe() + " is " + (token.isEmpty() ? "empty" : "too large") +
                                      ". Check that it holds the token."));
        ep.bearerToken = token.toStdString();
    }
    net::HttpRequest req;
    req.path = pathAndQuery;
    req.timeout = m_options.timeout;
    req.connectTimeout = std::min(req.connectTimeout, m_options.timeout);
    req.bodyLimit = m_options.limits.maxBytes;
    req.headers.push_back("Accept: application/json");
    QPointer<Client> self(this);
    p->transportId = m_transport->start(ep, std::move(req), [self, id](net::Result<net::HttpResponse> r) {
        if (self)
            self->finish(id, self->urlAnswer(std::move(r)));
    });
}

net::Result<QueryResult> Client::urlAnswer(net::Result<net::HttpResponse> r) const
{
    if (!r)
        return transportError(r.error());
    const net::HttpResponse& response = r.value();
    const std::string where = m_endpoint.describe();
    net::Result<QueryResult> decoded = decodeResponse(response.body, response.status, where, m_options.limits);
    const long status = response.status;
    if (prometheusAnswered(decoded) || (status >= 200 && status < 300))
        return decoded;
    Error e;
    e.kind = Error::Kind::Api;
    e.httpStatus = static_cast<int>(status);
    const std::string code = " (HTTP " + std::to_string(status) + ")";
    if (status == 401) {
        e.setReason(Error::Reason::Unauthorized);
        e.message = m_endpoint.bearerTokenFile().empty()
                        ? where + " asks for credentials" + code + ". Give a bearer token file for it."
                        : where + " refused the bearer token in " + m_endpoint.bearerTokenFile() + code +
                              ". Check that the file holds a current token for this Prometheus.";
    } else if (status == 403) {
        e.setReason(Error::Reason::Forbidden);
        e.message = where + " refused access" + code + ". Ask its administrator for read access to its query API.";
    } else if (status == 404) {
        e.setReason(Error::Reason::NotFound);
        e.message = where + " has no query API at this address" + code +
                    ". Check the URL (a path prefix such as /prometheus?).";
    } else if (status == 502 || status == 503 || status == 504) {
        e.setReason(Error::Reason::ServiceUnavailable);
        e.message = where + " is not available" + code +
                    ": something in front of it answered that it is down. Check that Prometheus runs.";
    } else {
        return decoded;
    }
    return e;
}

Error Client::transportError(const Error& in) const
{
    Error e = in;
    const std::string where = m_endpoint.describe();
    const std::string server = shownUrl(m_endpoint.base());
    using Cause = Error::Cause;
    switch (e.cause) {
    case Cause::Connect:
        e.message =
            "Nothing answers at " + server +
            ": Prometheus is not running there or the address is wrong. Check the URL and that Prometheus runs.";
        break;
    case Cause::Dns:
        e.message = "The host name of " + server + " cannot be resolved. Check the Prometheus URL and your network.";
        break;
    case Cause::Timeout:
        e.message = where + " did not answer within " + std::to_string(m_options.timeout.count() / 1000) +
                    " s. It is overloaded, the query is too heavy, or a firewall drops the traffic; try again.";
        break;
    case Cause::Tls:
        e.message =
            "The certificate of " + server + " is not trusted" +
            (m_endpoint.caFile().empty() ? std::string(". Give the CA file that signed it")
                                         : " by the CA file " + m_endpoint.caFile() + ". Give the CA that signed it") +
            "; do not turn verification off.";
        break;
    case Cause::TlsFiles:
        e.message = "The CA file " + m_endpoint.caFile() + " for " + where +
                    " cannot be used. Check that it exists and holds PEM certificates.";
        break;
    case Cause::TooLarge:
        e.message = where + " answered with more than " + net::sizeText(e.limit) +
                    ", more than Signalbox reads. Ask for less: fewer series (sum by the labels you need), a shorter "
                    "range or a longer step.";
        break;
    case Cause::Broken:
        e.message = "The connection to " + server +
                    " broke off. Check that the address is Prometheus's; try again if it keeps happening.";
        break;
    default:
        e.message = "The request to " + where + " failed: " + e.message;
        break;
    }
    return e;
}

void Client::sendProxy(const std::shared_ptr<Pending>& p, const std::string& pathAndQuery)
{
    const Id id = p->id;
    kube::Client* k = m_endpoint.kubeClient();
    if (!k) {
        refuseLater(id, configError("The Kubernetes connection for " + m_endpoint.describe() +
                                    " is gone (the context was switched). Ask again."));
        return;
    }
    const std::string service = m_endpoint.ns() + "/" + m_endpoint.service() + ":" + m_endpoint.port();
    if (!isLabel(m_endpoint.ns()) || !isLabel(m_endpoint.service()) || !isLabel(m_endpoint.port())) {
        refuseLater(id, configError("\"" + net::text::cut(net::text::forTerminal(service), 200, "…") +
                                    "\" is not a Service of Kubernetes. Write Prometheus's Service as "
                                    "NAMESPACE/SERVICE:PORT."));
        return;
    }
    kube::ProxyRequest req;
    req.kind = "services";
    req.ns = m_endpoint.ns();
    req.name = m_endpoint.service();
    req.port = m_endpoint.port();
    req.path = pathAndQuery;
    req.timeout = m_options.timeout;
    req.maxBody = m_options.limits.maxBytes + 1; // one more byte tells a body over the limit
    QPointer<Client> self(this);
    p->kubeId = k->proxyGet(req, [self, id](kube::ProxyAnswer a) {
        if (self)
            self->finish(id, self->proxyAnswer(std::move(a)));
    });
}

net::Result<QueryResult> Client::proxyAnswer(kube::ProxyAnswer a) const
{
    using Outcome = kube::ProxyAnswer::Outcome;
    const std::string where = m_endpoint.describe();
    const std::string& ns = m_endpoint.ns();
    const std::string service = ns + "/" + m_endpoint.service();
    Error e;
    e.kind = Error::Kind::Api;
    e.detail = a.detail;
    switch (a.outcome) {
    case Outcome::Answered: {
        if (a.truncated || a.body.size() > m_options.limits.maxBytes)
            return decodeResponse(a.body, a.status, where, m_options.limits);
        net::Result<QueryResult> decoded = decodeResponse(a.body, a.status, where, m_options.limits);
        if (prometheusAnswered(decoded) || (a.status >= 200 && a.status < 300))
            return decoded;
        e.httpStatus = static_cast<int>(a.status);
        e.message = where + " answered " + std::to_string(a.status) + " with " + excerpt(a.body, 60) +
                    ". Check that the Service's port is Prometheus's web port.";
        return e;
    }
    case Outcome::Forbidden:
        e.setReason(Error::Reason::Forbidden);
        e.httpStatus = 403;
        e.message = (a.user.empty() ? std::string("You") : "User \"" + a.user + "\"") +
                    " may not reach Prometheus through the API server: ask for get on services/proxy in namespace " +
                    ns + ".";
        return e;
    case Outcome::NotFound:
        e.setReason(Error::Reason::NotFound);
        e.httpStatus = 404;
        // The API server says the same when the Service has no Endpoints object at all (a Service
        // without a selector whose endpoints were never written).
        e.message = "There is no Service " + service +
                    ", or no endpoints object behind it, for Prometheus. Check the Prometheus setting "
                    "(NAMESPACE/SERVICE:PORT) and that Prometheus runs behind that Service.";
        return e;
    case Outcome::NoEndpoints:
        e.setReason(Error::Reason::ServiceUnavailable);
        e.httpStatus = 503;
        e.message = "The Service " + service +
                    " has no ready endpoints: Prometheus is not running behind it. Check its pods or EndpointSlice.";
        return e;
    case Outcome::Refused:
    case Outcome::Closed:
    case Outcome::Unreachable:
        e.setReason(Error::Reason::ServiceUnavailable);
        e.httpStatus = static_cast<int>(a.status);
        e.message = "The API server cannot reach Prometheus behind " + service + ":" + m_endpoint.port() +
                    ": it is not running or not listening on that port. Check that Prometheus runs.";
        return e;
    case Outcome::TimedOut:
        e.kind = Error::Kind::Transport;
        e.cause = Error::Cause::Timeout;
        e.message = where + " did not answer within " + std::to_string(m_options.timeout.count() / 1000) +
                    " s. It is overloaded or the query is too heavy; try again.";
        return e;
    case Outcome::Failed:
        break;
    }
    e.kind = Error::Kind::Transport;
    e.message = a.message.empty() ? "The request to " + where + " failed." : a.message;
    return e;
}

} // namespace prom
