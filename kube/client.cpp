#include "client.h"

#include "net/text.h"
#include "status.h"

#include <QPointer>
#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <string_view>
#include <utility>

namespace kube {

struct Client::Pending {
    Id id = 0;
    HttpRequest request;
    Target target;
    JsonCallback onJson; // plain requests
    EventFn onEvent;     // watch streams
    EndFn onEnd;
    std::function<void(Result<HttpResponse>)> onRaw; // raw requests
    LinesFn onLines;                                 // log streams
    std::optional<LineSplitter> lines;               // streams: what has arrived, split into lines
    Transport::Id transportId = 0;
    bool cancelled = false;
    bool stream() const { return static_cast<bool>(onEvent) || static_cast<bool>(onLines); }
};

namespace {

// Every object the server sends carries metadata.managedFields, the record of which client set
// which field (for server-side apply); nothing here reads it, and it is about 40 % of a pod's JSON.
// Dropped while parsing, so it is never built. (No other key of that name is read either.)
Json parseObject(std::string_view text)
{
    static const Json::parser_callback_t dropManagedFields = [](int, Json::parse_event_t event, Json& parsed) {
        return !(event == Json::parse_event_t::key && parsed.is_string() &&
                 parsed.get_ref<const std::string&>() == "managedFields");
    };
    return Json::parse(text, dropManagedFields, false);
}

std::string describeTarget(const Client::Target& t)
{
    std::string s = t.resource.qualifiedName();
    if (!t.subresource.empty())
        s += "/" + t.subresource;
    if (!t.name.empty())
        s += " \"" + t.name + "\"";
    if (!t.ns.empty())
        s += " in namespace \"" + t.ns + "\"";
    return s;
}

// Admission webhooks ("admission webhook "NAME" denied the request: ...") and
// ValidatingAdmissionPolicies ("... denied request: ...") word their refusals so.
bool isAdmissionDenial(const std::string& message)
{
    return message.find("admission webhook \"") != std::string::npos ||
           message.find("denied request") != std::string::npos ||
           message.find("denied the request") != std::string::npos;
}

std::string admissionSentence(const Client::Target& t, const std::string& serverMessage)
{
    std::string m = serverMessage;
    if (m.size() > 2000) {
        std::size_t cut = 2000;
        while (cut > 0 && (static_cast<unsigned char>(m[cut]) & 0xC0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        m = m.substr(0, cut) + "…";
    }
    while (!m.empty() && (m.back() == '.' || m.back() == ' ' || m.back() == '\n'))
        m.pop_back();
    return "The cluster refused to " + t.verb + " " + describeTarget(t) + ": " + m +
           ". This refusal comes from the cluster's admission control, not from your permissions: change what "
           "it objects to, or ask whoever runs that check.";
}

std::string query(const std::vector<std::pair<std::string, std::string>>& params)
{
    std::string q;
    for (const auto& [k, v] : params) {
        if (v.empty())
            continue;
        q += (q.empty() ? "?" : "&") + k + "=" + urlEncode(v);
    }
    return q;
}

} // namespace

Client::Client(RestConfig config, Transport* transport, QObject* parent)
    : QObject(parent), m_config(std::move(config)), m_transport(transport),
      m_credentials(new CredentialProvider(m_config.user, m_config.cluster, this))
{
}

Client::~Client()
{
    for (auto& [id, p] : m_pending) {
        p->cancelled = true;
        if (p->transportId)
            m_transport->cancel(p->transportId);
    }
}

Error Client::transportError(Error e, std::chrono::milliseconds timeout) const
{
    const std::string& server = m_config.cluster.server;
    const std::string& proxy = m_config.cluster.proxyUrl;
    const std::string context =
        m_config.contextName.empty() ? std::string() : " (context \"" + m_config.contextName + "\")";
    using Cause = Error::Cause;
    switch (e.cause) {
    case Cause::ProxyRefused:
        e.message = "The proxy " + proxy + " refused to connect to " + server + " (it answered " +
                    std::to_string(e.proxyStatus) + "). Check the proxy-url in the kubeconfig" + context +
                    " and that the proxy lets you reach the cluster.";
        break;
    case Cause::ProxyConnect:
        e.message = "Nothing answers at the proxy " + proxy + " that the kubeconfig's proxy-url" + context +
                    " names. Check that the proxy runs and that its address is right.";
        break;
    case Cause::ProxyDns:
        e.message = "The proxy " + (proxy.empty() ? std::string("of the https_proxy variable") : proxy) +
                    " cannot be resolved. Check the proxy-url in the kubeconfig" + context +
                    " or the https_proxy variable.";
        break;
    case Cause::Dns:
        e.message = "The server name in " + server + context +
                    " cannot be resolved. Check the server address in the kubeconfig, your network and your DNS or "
                    "VPN.";
        break;
    case Cause::Connect:
        e.message = "Nothing answers at " + server + context +
                    ": the cluster is down or unreachable from here. Check that it runs and that you are on the "
                    "right network or VPN.";
        break;
    case Cause::Timeout:
        e.message = server + " did not answer within " + std::to_string(timeout.count() / 1000) + " s" +
                    (context.empty() ? std::string() : " " + context.substr(1)) +
                    ". The API server or the network is overloaded or a firewall drops the traffic; try again, and "
                    "check the network if it keeps happening.";
        break;
    case Cause::Tls:
        e.message = "The certificate of " + server + context +
                    " is not trusted: it is not signed by the cluster's certificate authority in the kubeconfig, or "
                    "does not name this server. Get a current kubeconfig for this cluster; do not turn verification "
                    "off.";
        break;
    case Cause::TlsFiles:
        e.message = "The certificate authority or the client certificate or key of the kubeconfig" + context +
                    " cannot be used (" +
                    (m_config.cluster.certificateAuthorityFile.empty() ? std::string("certificate-authority-data")
                                                                       : m_config.cluster.certificateAuthorityFile) +
                    ", " +
                    (m_config.user.clientCertificateFile.empty() ? std::string("client-certificate-data")
                                                                 : m_config.user.clientCertificateFile) +
                    "). Check that the files exist and that the key matches the certificate.";
        break;
    case Cause::TooLarge:
        e.message = "The API server " + server + context + " sent an answer larger than " + net::sizeText(e.limit) +
                    ", more than Signalbox reads; ask for less (one namespace, a label selector).";
        break;
    case Cause::Broken:
        e.message = "The connection to " + server + context + " broke off (" + e.detail.substr(0, e.detail.find(':')) +
                    "). If it keeps happening, check that the address is the API server's and not a proxy's.";
        break;
    default:
        e.message = "The request to the API server " + server + context + " failed (" + e.detail + ").";
        break;
    }
    return e;
}

Endpoint Client::endpointFor(const Credential& c) const
{
    Endpoint e;
    e.server = m_config.cluster.server;
    e.caFile = m_config.cluster.certificateAuthorityFile;
    e.caData = m_config.cluster.certificateAuthorityData;
    e.insecureSkipTlsVerify = m_config.cluster.insecureSkipTlsVerify;
    e.tlsServerName = m_config.cluster.tlsServerName;
    e.proxyUrl = m_config.cluster.proxyUrl;
    e.certFile = m_config.user.clientCertificateFile;
    e.certData = m_config.user.clientCertificateData;
    e.keyFile = m_config.user.clientKeyFile;
    e.keyData = m_config.user.clientKeyData;
    e.username = m_config.user.username;
    e.password = m_config.user.password;
    e.bearerToken = c.token;
    if (!c.certData.empty()) {
        e.certData = c.certData;
        e.keyData = c.keyData;
        e.certFile.clear();
        e.keyFile.clear();
    }
    return e;
}

Client::Id Client::send(HttpRequest request, Target target, JsonCallback cb)
{
    auto p = std::make_shared<Pending>();
    p->id = m_nextId++;
    p->request = std::move(request);
    p->target = std::move(target);
    p->onJson = std::move(cb);
    m_pending.emplace(p->id, p);
    dispatch(p, false);
    return p->id;
}

void Client::dispatch(std::shared_ptr<Pending> p, bool retried)
{
    QPointer<Client> self(this);
    m_credentials->get([self, p, retried](Result<Credential> credential) {
        if (!self || p->cancelled)
            return;
        if (!credential)
            self->finish(p, credential.error());
        else
            self->startRequest(p, retried, credential.value());
    });
}

void Client::finish(const std::shared_ptr<Pending>& p, Result<Json> r)
{
    if (p->cancelled)
        return;
    m_pending.erase(p->id);
    p->cancelled = true;
    if (p->stream())
        p->onEnd(r ? Result<Unit>(Unit{}) : Result<Unit>(r.error()));
    else if (p->onRaw) {
        if (!r) // a raw request's answers go to onRaw directly; only failures come here
            p->onRaw(r.error());
    } else
        p->onJson(std::move(r));
}

void Client::startRequest(const std::shared_ptr<Pending>& p, bool retried, const Credential& credential)
{
    // Three kinds of request: a log's lines, a watch's events, and one answer (JSON or raw).
    Transport::ChunkFn onChunk = p->onLines ? logChunks(p) : p->stream() ? watchChunks(p) : Transport::ChunkFn();
    // Lists come in pages and objects are small: a larger answer is no answer of the API server's.
    if (!p->stream() && p->request.maxBody == 0 && p->request.bodyLimit == 0)
        p->request.bodyLimit = maxAnswerBytes;
    countSent(p->target);
    QPointer<Client> self(this);
    p->transportId = m_transport->start(
        endpointFor(credential), p->request,
        [self, p, retried](Result<HttpResponse> response) {
            if (self && !p->cancelled)
                self->answered(p, retried, std::move(response));
        },
        onChunk);
}

Transport::ChunkFn Client::logChunks(const std::shared_ptr<Pending>& p)
{
    p->lines.emplace(maxLogLineBytes);
    QPointer<Client> self(this);
    return [self, p](std::string_view chunk) {
        if (!self || p->cancelled || chunk.empty())
            return;
        std::vector<TextLine> lines;
        p->lines->feed(chunk, lines);
        if (!lines.empty())
            p->onLines(std::move(lines));
    };
}

Transport::ChunkFn Client::watchChunks(const std::shared_ptr<Pending>& p)
{
    p->lines.emplace(maxWatchEventBytes);
    QPointer<Client> self(this);
    return [self, p](std::string_view chunk) {
        if (!self || p->cancelled)
            return;
        if (chunk.empty()) {
            p->onEvent("OPEN", Json());
            return;
        }
        std::vector<TextLine> lines;
        p->lines->feed(chunk, lines);
        for (const TextLine& line : lines)
            if (!self || p->cancelled || !self->watchLine(p, line))
                return;
    };
}

bool Client::watchLine(const std::shared_ptr<Pending>& p, const TextLine& line)
{
    if (line.cut) {
        endWatch(p, Error{Error::Kind::Decode,
                          0,
                          {},
                          "The API server " + m_config.cluster.server + " sent a watch event of more than " +
                              net::sizeText(maxWatchEventBytes) + " for " + describeTarget(p->target) +
                              ", larger than any object it keeps; the watch was ended and the view will reload.",
                          line.text.substr(0, 200)});
        return false;
    }
    if (line.text.empty())
        return true;
    Json event = parseObject(line.text);
    if (event.is_discarded() || !event.is_object() || !event.contains("type")) {
        endWatch(p, Error{Error::Kind::Decode,
                          0,
                          {},
                          "The API server sent a watch event that is not valid JSON; the view will reload.",
                          net::text::cut(line.text, 200, "…")});
        return false;
    }
    const std::string type = event["type"].is_string() ? event["type"].get<std::string>() : "";
    const Json& object = event.contains("object") ? event["object"] : Json();
    if (type == "ERROR") {
        const Result<Status> status = decodeStatusObject(object);
        const long code = status && status->code && *status->code >= 400 ? *status->code : 500L;
        endWatch(p, apiError(code, object.dump(-1, ' ', false, Json::error_handler_t::replace), p->target));
        return false;
    }
    p->onEvent(type, object); // may delete this client: nothing after it
    return true;
}

void Client::endWatch(const std::shared_ptr<Pending>& p, Error e)
{
    // The stream is stopped before its end is said: nothing more of it is read.
    if (p->transportId)
        m_transport->cancel(std::exchange(p->transportId, 0));
    finish(p, std::move(e));
}

void Client::noteAnswer(const std::shared_ptr<Pending>& p, long status)
{
    // Whatever was allowed may not be any longer (a new 403), or the credentials changed (a 401).
    const std::string asked = p->target.verb + " " + p->request.path;
    if (status == 403) {
        if (m_refused.insert(asked).second)
            clearAccessCache();
    } else {
        m_refused.erase(asked);
        if (status == 401)
            clearAccessCache();
    }
}

void Client::answered(const std::shared_ptr<Pending>& p, bool retried, Result<HttpResponse> response)
{
    p->transportId = 0;
    if (response && m_answerLoss && m_answerLoss(p->target, p->request)) {
        Error lost;
        lost.cause = Error::Cause::Broken;
        lost.detail = "the answer was dropped on purpose (test)";
        response = lost;
    }
    if (!response) {
        finish(p, transportError(response.error(), p->request.timeout));
        return;
    }
    const HttpResponse& r = response.value();
    noteAnswer(p, r.status);
    if (r.status == 401 && !retried && m_credentials->usesExec()) {
        // The plugin's token may have been revoked before its stated expiry: run it again once.
        m_credentials->invalidate();
        dispatch(p, true);
        return;
    }
    if (p->onRaw) {
        m_pending.erase(p->id);
        p->cancelled = true;
        p->onRaw(std::move(response));
    } else if (r.status < 200 || r.status >= 300) {
        finish(p, apiError(r.status, r.body, p->target));
    } else if (p->stream()) {
        endStream(p);
    } else {
        decodeAnswer(p, r);
    }
}

void Client::endStream(const std::shared_ptr<Pending>& p)
{
    TextLine rest;
    if (p->onLines && p->lines && p->lines->takeRest(rest)) {
        QPointer<Client> self(this);
        p->onLines({std::move(rest)});
        if (!self || p->cancelled)
            return;
    }
    finish(p, Json());
}

void Client::decodeAnswer(const std::shared_ptr<Pending>& p, const HttpResponse& r)
{
    Json body = parseObject(r.body);
    if (body.is_discarded()) {
        finish(p, Error{Error::Kind::Decode,
                        static_cast<int>(r.status),
                        {},
                        "The API server's answer about " + describeTarget(p->target) +
                            " is not valid JSON. Check that the server address is a Kubernetes API server.",
                        net::text::cut(r.body, 200, "…")});
        return;
    }
    finish(p, std::move(body));
}

Client::Id Client::sendRaw(HttpRequest request, Target target, std::function<void(Result<HttpResponse>)> cb)
{
    auto p = std::make_shared<Pending>();
    p->id = m_nextId++;
    p->request = std::move(request);
    p->target = std::move(target);
    p->onRaw = std::move(cb);
    m_pending.emplace(p->id, p);
    dispatch(p, false);
    return p->id;
}

void Client::cancel(Id id)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    auto p = it->second;
    m_pending.erase(it);
    p->cancelled = true;
    if (p->transportId)
        m_transport->cancel(p->transportId);
}

Client::Id Client::get(const Resource& r, const std::string& ns, const std::string& name, JsonCallback cb)
{
    HttpRequest req;
    req.path = r.path(ns, name);
    return send(std::move(req), Target{"get", r, ns, name}, std::move(cb));
}

Client::Id Client::list(const Resource& r, const std::string& ns, const ListOptions& o, JsonCallback cb)
{
    HttpRequest req;
    req.path = r.path(ns) + query({{"labelSelector", o.labelSelector},
                                   {"fieldSelector", o.fieldSelector},
                                   {"resourceVersion", o.resourceVersion},
                                   {"resourceVersionMatch", o.resourceVersionMatch},
                                   {"limit", o.limit > 0 ? std::to_string(o.limit) : std::string()},
                                   {"continue", o.continueToken}});
    return send(std::move(req), Target{"list", r, ns, {}}, std::move(cb));
}

Client::Id Client::patch(const Resource& r, const std::string& ns, const std::string& name, PatchType type,
                         const Json& body, JsonCallback cb)
{
    HttpRequest req;
    req.method = "PATCH";
    req.path = r.path(ns, name);
    req.body = goJson(body);
    req.contentType = type == PatchType::Json    ? "application/json-patch+json"
                      : type == PatchType::Merge ? "application/merge-patch+json"
                                                 : "application/strategic-merge-patch+json";
    Target target{"patch", r, ns, name};
    if (type == PatchType::Json && body.is_array())
        target.jsonPatchWithTests = std::any_of(body.begin(), body.end(), [](const Json& op) {
            return op.is_object() && op.value("op", Json()).is_string() && op["op"].get<std::string>() == "test";
        });
    return send(std::move(req), std::move(target), std::move(cb));
}

Client::Id Client::create(const Resource& r, const std::string& ns, const Json& body, JsonCallback cb)
{
    HttpRequest req;
    req.method = "POST";
    req.path = r.path(ns);
    req.body = goJson(body);
    req.contentType = "application/json";
    std::string name;
    if (body.is_object() && body.contains("metadata") && body["metadata"].is_object())
        name = body["metadata"].value("name", "");
    return send(std::move(req), Target{"create", r, ns, name}, std::move(cb));
}

Client::Id Client::watch(const Resource& r, const std::string& ns, const WatchOptions& o, EventFn onEvent, EndFn onEnd)
{
    HttpRequest req;
    req.path = r.path(ns) + query({{"watch", "1"},
                                   {"labelSelector", o.labelSelector},
                                   {"fieldSelector", o.fieldSelector},
                                   {"resourceVersion", o.resourceVersion},
                                   {"allowWatchBookmarks", o.allowBookmarks || o.sendInitialEvents ? "true" : ""},
                                   {"sendInitialEvents", o.sendInitialEvents ? "true" : ""},
                                   {"resourceVersionMatch", o.sendInitialEvents ? "NotOlderThan" : ""},
                                   {"timeoutSeconds", std::to_string(o.timeoutSeconds)}});
    // The server closes the stream after timeoutSeconds; the transport waits a little longer.
    req.timeout = std::chrono::milliseconds((o.timeoutSeconds + 30) * 1000L);
    auto p = std::make_shared<Pending>();
    p->id = m_nextId++;
    p->request = std::move(req);
    p->target = Target{"watch", r, ns, {}};
    p->onEvent = std::move(onEvent);
    p->onEnd = std::move(onEnd);
    m_pending.emplace(p->id, p);
    dispatch(p, false);
    return p->id;
}

Client::Id Client::streamLogs(const std::string& ns, const std::string& pod, const LogOptions& o, LinesFn onLines,
                              EndFn onEnd)
{
    HttpRequest req;
    req.path = resources::pods.path(ns, pod) + "/log" +
               query({{"container", o.container},
                      {"follow", o.follow ? "true" : ""},
                      {"tailLines", o.tailLines >= 0 ? std::to_string(o.tailLines) : std::string()},
                      {"sinceSeconds", o.sinceSeconds > 0 ? std::to_string(o.sinceSeconds) : std::string()},
                      {"sinceTime", o.sinceTime},
                      {"previous", o.previous ? "true" : ""},
                      {"timestamps", o.timestamps ? "true" : ""}});
    req.headers.push_back("Accept: */*");
    // A followed log has no end of its own; a whole one may be long but still ends.
    req.timeout = o.follow ? std::chrono::milliseconds(0) : std::chrono::milliseconds(300000);
    auto p = std::make_shared<Pending>();
    p->id = m_nextId++;
    p->request = std::move(req);
    p->target = Target{"get", resources::pods, ns, pod};
    p->target.subresource = "log";
    p->onLines = std::move(onLines);
    const bool previous = o.previous;
    p->onEnd = [ns, pod, previous, onEnd = std::move(onEnd)](Result<Unit> r) {
        if (!r && r.error().kind == Error::Kind::Api) {
            Error e = r.error();
            const std::string which = "pod \"" + pod + "\" in namespace \"" + ns + "\"";
            if (e.httpStatus == 404) {
                e.setReason(Error::Reason::NotFound);
                e.message = "The " + which + " is gone, and its log with it.";
            } else if (e.httpStatus == 400 && previous) {
                e.setReason(Error::Reason::BadRequest);
                e.message = "The " + which +
                            " has no previous container log: its container has not restarted. Leave out --previous.";
            } else if (e.httpStatus == 400) {
                e.setReason(Error::Reason::BadRequest);
                e.message = "The log of the " + which + " cannot be read: " + e.detail + ".";
            }
            onEnd(e);
            return;
        }
        onEnd(std::move(r));
    };
    m_pending.emplace(p->id, p);
    dispatch(p, false);
    return p->id;
}

std::string Client::accessKey(const AccessCheck& c)
{
    // The client is one (context, server, user): the user is the client itself.
    return c.verb + '\n' + c.resource.group + '\n' + c.resource.plural + '\n' + c.subresource + '\n' + c.ns + '\n' +
           c.name;
}

void Client::clearAccessCache()
{
    m_access.clear();
    m_rules.clear();
    m_whoAmI.reset();
    m_accessClearedAt = std::chrono::steady_clock::now();
}

std::uint64_t Client::watchCount() const
{
    std::uint64_t n = 0;
    for (const auto& [kind, count] : m_counts.byKind)
        if (kind.rfind("watch ", 0) == 0)
            n += static_cast<std::uint64_t>(count);
    return n;
}

void Client::countSent(const Target& target)
{
    ++m_counts.total;
    std::string kind = target.verb + " " + target.resource.plural;
    if (!target.subresource.empty())
        kind += "/" + target.subresource;
    ++m_counts.byKind[kind];
}

void Client::checkAccess(const AccessCheck& check, std::function<void(Result<AccessDecision>)> cb, Freshness freshness)
{
    const std::string key = accessKey(check);
    if (freshness == Freshness::MayCache && m_accessTtl.count() > 0) {
        const auto it = m_access.find(key);
        if (it != m_access.end()) {
            if (std::chrono::steady_clock::now() - it->second.at < m_accessTtl) {
                cb(it->second.decision);
                return;
            }
            m_access.erase(it);
        }
    }
    if (const AccessRules* rules = freshness != Freshness::Fresh ? keptRules(check.ns) : nullptr) {
        if (rules->grants(check.verb, check.resource.group, check.resource.plural, check.subresource, check.name)) {
            cb(AccessDecision{true, "granted by the namespace's rules"});
            return;
        }
        if (freshness == Freshness::MayCache && rules->complete) {
            cb(AccessDecision{false, "not granted by the namespace's rules"});
            return;
        }
    }
    Json attrs = {{"verb", check.verb}, {"group", check.resource.group}, {"resource", check.resource.plural}};
    if (!check.ns.empty())
        attrs["namespace"] = check.ns;
    if (!check.name.empty())
        attrs["name"] = check.name;
    if (!check.subresource.empty())
        attrs["subresource"] = check.subresource;
    const Json body = {{"apiVersion", "authorization.k8s.io/v1"},
                       {"kind", "SelfSubjectAccessReview"},
                       {"spec", {{"resourceAttributes", attrs}}}};
    QPointer<Client> self(this);
    const auto asked = std::chrono::steady_clock::now();
    create(resources::selfSubjectAccessReviews, {}, body, [self, key, asked, cb = std::move(cb)](Result<Json> r) {
        if (!r) {
            cb(r.error());
            return;
        }
        // Tolerant: a missing or mistyped field means "not allowed", never an exception.
        const Json& review = r.value();
        const auto status = review.is_object() ? review.find("status") : review.end();
        AccessDecision d;
        if (review.is_object() && status != review.end() && status->is_object()) {
            const auto allowed = status->find("allowed");
            d.allowed = allowed != status->end() && allowed->is_boolean() && allowed->get<bool>();
            const auto reason = status->find("reason");
            if (reason != status->end() && reason->is_string())
                d.reason = reason->get<std::string>();
        }
        // Timed from when it was asked, so a clear that came while it was on the wire is not undone
        // by an answer older than the clear.
        if (self && asked >= self->m_accessClearedAt)
            self->m_access[key] = {d, asked};
        cb(d);
    });
}

void Client::reviewRules(const std::string& ns, std::function<void(Result<AccessRules>)> cb, Freshness freshness)
{
    if (const AccessRules* kept = freshness == Freshness::MayCache ? keptRules(ns) : nullptr) {
        cb(*kept);
        return;
    }
    auto& waiting = m_rulesAsked[ns];
    waiting.push_back(std::move(cb));
    if (waiting.size() > 1)
        return;
    const Json body = {
        {"apiVersion", "authorization.k8s.io/v1"}, {"kind", "SelfSubjectRulesReview"}, {"spec", {{"namespace", ns}}}};
    QPointer<Client> self(this);
    const auto asked = std::chrono::steady_clock::now();
    create(resources::selfSubjectRulesReviews, {}, body, [self, ns, asked](Result<Json> r) {
        if (!self)
            return;
        const auto callers = self->m_rulesAsked.extract(ns);
        Result<AccessRules> answer = r ? Result<AccessRules>(parseAccessRules(r.value())) : r.error();
        if (answer && asked >= self->m_accessClearedAt)
            self->m_rules[ns] = {answer.value(), asked};
        for (const auto& caller : callers.mapped())
            caller(answer);
    });
}

void Client::reviewRulesOf(const std::set<std::string>& namespaces, std::function<void()> then, Freshness freshness)
{
    // One more than the namespaces, ticked last, so `then` runs once even when every answer is kept
    // (and comes at once) or there is no namespace.
    auto left = std::make_shared<std::size_t>(namespaces.size() + 1);
    auto tick = [left, then = std::move(then)] {
        if (--*left == 0)
            then();
    };
    for (const std::string& ns : namespaces)
        reviewRules(
            ns, [tick](const Result<AccessRules>&) { tick(); }, freshness);
    tick();
}

const AccessRules* Client::keptRules(const std::string& ns) const
{
    const auto kept = m_rules.find(ns);
    if (m_accessTtl.count() <= 0 || kept == m_rules.end() ||
        std::chrono::steady_clock::now() - kept->second.at >= m_accessTtl)
        return nullptr;
    return &kept->second.rules;
}

void Client::whoAmI(std::function<void(Result<UserInfo>)> cb, Freshness freshness)
{
    if (freshness == Freshness::MayCache && m_whoAmI) {
        cb(*m_whoAmI);
        return;
    }
    const Json body = {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}};
    const auto asked = m_accessClearedAt;
    QPointer<Client> self(this);
    create(resources::selfSubjectReviews, {}, body, [self, asked, cb = std::move(cb)](Result<Json> r) {
        if (!r) {
            cb(r.error());
            return;
        }
        try {
            const Json& u = r.value().at("status").at("userInfo");
            UserInfo info;
            info.username = u.value("username", "");
            info.uid = u.value("uid", "");
            if (u.contains("groups"))
                info.groups = u["groups"].get<std::vector<std::string>>();
            // Kept until the credentials may have changed (a 401, a new 403, a context switch).
            if (self && self->m_accessClearedAt == asked)
                self->m_whoAmI = info;
            cb(info);
        } catch (const std::exception&) {
            cb(Error{Error::Kind::Decode, 0, {}, "The API server's answer to \"who am I\" has no user in it.", {}});
        }
    });
}

void Client::version(JsonCallback cb)
{
    HttpRequest req;
    req.path = "/version";
    send(std::move(req), Target{"get", Resource{"", "", "version", false}, {}, {}}, std::move(cb));
}

namespace {

// 401: the credentials; what to do depends on where they come from.
void unauthorized(Error& e, const RestConfig& config)
{
    if (e.apiReason == Error::Reason::None)
        e.setReason(Error::Reason::Unauthorized);
    std::string fix = "Get a fresh token or kubeconfig from your cluster administrator.";
    if (config.user.exec)
        fix = "Log in again with " + config.user.exec->command + " (your session has likely expired).";
    else if (!config.user.clientCertificateFile.empty() || !config.user.clientCertificateData.empty())
        fix = "The client certificate may have expired or been revoked; get a new one.";
    e.message = "The API server " + config.cluster.server + " rejected the credentials of user \"" + config.user.name +
                "\" (context \"" + config.contextName + "\"): they are invalid or expired. " + fix;
}

// 403: RBAC says "... is forbidden: User "NAME" cannot VERB ..."; an admission webhook or policy
// that denies with 403 says something else, and that is what the person needs to read.
void forbidden(Error& e, const RestConfig& config, const Client::Target& target, const std::string& serverMessage)
{
    std::smatch m;
    std::string user = config.user.name;
    static const std::regex rbacPattern("User \"([^\"]*)\" cannot ");
    // Only the start is searched: libstdc++'s regex recurses per character and a long message
    // without quotes would exhaust the stack.
    const std::string head = serverMessage.substr(0, 1024);
    const bool rbac = std::regex_search(head, m, rbacPattern);
    if (!rbac && !serverMessage.empty()) {
        e.message = admissionSentence(target, serverMessage);
        return;
    }
    if (rbac)
        user = m[1];
    e.setReason(Error::Reason::Forbidden);
    e.message = "User \"" + user + "\" may not " + target.verb + " " + describeTarget(target) +
                ". Ask a cluster administrator for that permission, or use a kubeconfig user that has it.";
}

// 422: the server reports a failed `test` op without causes and with a generic message.
void unprocessable(Error& e, const Client::Target& target, const std::string& serverMessage, bool hasCauses)
{
    const std::string what = describeTarget(target);
    if (target.jsonPatchWithTests && !hasCauses) {
        e.setReason(Error::Reason::Conflict);
        e.message = what + " changed since you looked: it no longer holds what this change expected. Look at "
                           "its current state before trying again.";
        return;
    }
    if (e.apiReason == Error::Reason::None)
        e.setReason(Error::Reason::Invalid);
    e.message = "The API server refused the change to " + what + " as invalid: " + serverMessage;
}

// Any other status: the server's failure, an admission denial, or a refusal said as it came.
void otherRefusal(Error& e, long status, const Client::Target& target, const std::string& serverMessage)
{
    const std::string what = describeTarget(target);
    if (status >= 500)
        e.message = "The API server failed while handling " + what + " (HTTP " + std::to_string(status) + ")" +
                    (serverMessage.empty() ? "." : ": " + serverMessage + ".") +
                    " Try again; if it persists, the cluster needs attention.";
    else if (isAdmissionDenial(serverMessage))
        e.message = admissionSentence(target, serverMessage);
    else
        e.message = "The API server refused the request on " + what + " (HTTP " + std::to_string(status) + ")" +
                    (serverMessage.empty() ? "." : ": " + serverMessage);
}

} // namespace

Error Client::apiError(long status, const std::string& body, const Target& target) const
{
    Error e;
    e.kind = Error::Kind::Api;
    e.httpStatus = static_cast<int>(status);
    const Result<Status> s = decodeStatus(body);
    const std::string serverMessage = s ? s->message.value_or("") : std::string();
    e.setReasonText(s ? s->reason.value_or("") : std::string());
    const bool hasCauses = s && s->details && !s->details->causes.empty();
    e.detail = serverMessage.empty() ? net::text::cut(body, 300, "…") : serverMessage;
    const std::string what = describeTarget(target);
    switch (status) {
    case 401:
        unauthorized(e, m_config);
        break;
    case 403:
        forbidden(e, m_config, target, serverMessage);
        break;
    case 404:
        if (e.apiReason == Error::Reason::None)
            e.setReason(Error::Reason::NotFound);
        e.message = what.empty()
                        ? "The API server has no such resource."
                        : "There is no " + what + ". Check the name and the namespace; it may have been deleted.";
        break;
    case 409:
        if (e.apiReason == Error::Reason::AlreadyExists) {
            e.message = "There is already " + what + ".";
            break;
        }
        e.setReason(Error::Reason::Conflict);
        e.message = what + " changed since you looked: someone or something else changed it first. Look at its "
                           "current state before trying again.";
        break;
    case 410:
        e.setReason(Error::Reason::Expired);
        e.message = "The view of " + what + " is too old for the server to continue from; reloading it.";
        break;
    case 422:
        unprocessable(e, target, serverMessage, hasCauses);
        break;
    case 429:
        e.setReason(Error::Reason::TooManyRequests);
        e.message = "The API server is overloaded and asked to slow down. Try again in a moment.";
        break;
    default:
        otherRefusal(e, status, target, serverMessage);
        break;
    }
    return e;
}

std::string ProxyAnswer::header(const std::string& lowerName) const
{
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

std::string ProxyRequest::apiPath() const
{
    std::string p = path.empty() || path.front() != '/' ? "/" + path : path;
    return "/api/v1/namespaces/" + ns + "/" + kind + "/" + name + ":" + port + "/proxy" + p;
}

namespace {

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

ProxyAnswer classifyProxyResponse(const ProxyRequest& request, long status, std::string body,
                                  std::multimap<std::string, std::string> headers)
{
    ProxyAnswer a;
    a.outcome = ProxyAnswer::Outcome::Answered;
    a.status = status;
    // The API server's own answers are Status objects (kind "Status"); an app's body that merely
    // looks like JSON is the app's. Only the API server's known failures are taken as its own.
    std::optional<Status> own;
    if (status >= 400 && !body.empty() && body.front() == '{') {
        const Json j = Json::parse(body, nullptr, false);
        if (j.is_object() && j.contains("kind") && j["kind"].is_string() && j["kind"].get<std::string>() == "Status") {
            Result<Status> s = decodeStatusObject(j);
            if (s && s->code.value_or(status) == status)
                own = std::move(s).value();
        }
    }
    if (!own) {
        a.body = std::move(body);
        a.headers = std::move(headers);
        return a;
    }
    const std::string message = own->message.value_or("");
    const Error::Reason reason = Error::reasonOf(own->reason.value_or(""));
    const std::string kindName = own->details ? own->details->kind : std::string();
    const std::string subresource = request.kind + "/proxy";
    if (status == 403 && reason == Error::Reason::Forbidden && contains(message, "cannot ")) {
        static const std::regex userPattern("User \"([^\"]*)\" cannot ");
        std::smatch m;
        const std::string head = message.substr(0, 1024);
        if (std::regex_search(head, m, userPattern))
            a.user = m[1];
        a.outcome = ProxyAnswer::Outcome::Forbidden;
        a.detail = message;
        const std::string verb = request.verb();
        a.message = (a.user.empty() ? std::string("You") : "User \"" + a.user + "\"") + " may not " + verb + " " +
                    subresource + " in namespace \"" + request.ns + "\". Ask a cluster administrator for " + verb +
                    " on " + subresource + " in that namespace.";
        return a;
    }
    if (status == 404 && reason == Error::Reason::NotFound && (kindName == request.kind || kindName.empty())) {
        a.outcome = ProxyAnswer::Outcome::NotFound;
        a.detail = message;
        a.message = "There is no " + std::string(request.kind == "pods" ? "pod" : "Service") + " \"" + request.name +
                    "\" in namespace \"" + request.ns + "\". It may have been deleted; look again.";
        return a;
    }
    if (status >= 500 && contains(message, "no endpoints available")) {
        a.outcome = ProxyAnswer::Outcome::NoEndpoints;
        a.detail = message;
        return a;
    }
    if (status >= 500 && contains(message, "error trying to reach service")) {
        a.detail = message;
        if (contains(message, "connection refused"))
            a.outcome = ProxyAnswer::Outcome::Refused;
        else if (contains(message, "connection reset by peer") || contains(message, "EOF") ||
                 contains(message, "broken pipe") || contains(message, "server closed"))
            a.outcome = ProxyAnswer::Outcome::Closed;
        else
            a.outcome = ProxyAnswer::Outcome::Unreachable;
        return a;
    }
    if (status >= 500 && own->status.value_or("") == "Failure") {
        a.outcome = ProxyAnswer::Outcome::Unreachable;
        a.detail = message;
        return a;
    }
    // A Status the app sent itself, or a refusal we have no better words for.
    if (status == 401 || status == 403 || status == 429) {
        a.outcome = ProxyAnswer::Outcome::Failed;
        a.detail = message;
        a.body = std::move(body);
        return a;
    }
    a.body = std::move(body);
    a.headers = std::move(headers);
    return a;
}

std::string ProxyRequest::verb() const
{
    if (method == "GET" || method == "HEAD")
        return "get";
    if (method == "POST")
        return "create";
    if (method == "PUT")
        return "update";
    std::string lower = method;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
}

std::optional<std::string> jsonFieldText(const std::string& body, const std::string& dottedPath)
{
    if (dottedPath.empty())
        return std::nullopt;
    const Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    const Json* at = &j;
    std::size_t start = 0;
    while (start <= dottedPath.size()) {
        std::size_t end = dottedPath.find('.', start);
        if (end == std::string::npos)
            end = dottedPath.size();
        const std::string key = dottedPath.substr(start, end - start);
        start = end + 1;
        if (!at->is_object())
            return std::nullopt;
        const auto it = at->find(key);
        if (it == at->end())
            return std::nullopt;
        at = &*it;
    }
    if (at->is_string())
        return at->get<std::string>();
    if (at->is_object() || at->is_array())
        return std::nullopt;
    return at->dump(-1, ' ', false, Json::error_handler_t::replace);
}

Client::Id Client::proxyGet(const ProxyRequest& request, std::function<void(ProxyAnswer)> cb)
{
    ProxyRequest get = request;
    get.method = "GET";
    get.headers.clear();
    get.body.clear();
    return proxySend(get, std::move(cb));
}

Client::Id Client::proxySend(const ProxyRequest& request, std::function<void(ProxyAnswer)> cb)
{
    HttpRequest req;
    req.method = request.method;
    req.noBody = request.method == "HEAD";
    req.path = request.apiPath();
    req.timeout = request.timeout;
    req.connectTimeout = std::min(req.connectTimeout, request.timeout);
    req.maxBody = request.maxBody;
    req.body = request.body;
    bool accept = false;
    for (const auto& [name, value] : request.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == "content-type") {
            req.contentType = value;
            continue;
        }
        accept = accept || lower == "accept";
        // The transport looks for "Accept:" as written to leave out its own.
        req.headers.push_back((lower == "accept" ? std::string("Accept") : name) + ": " + value);
    }
    if (!accept)
        req.headers.push_back("Accept: */*");
    const Resource resource{"", "v1", request.kind};
    Target target{request.verb(), resource, request.ns, request.name};
    target.subresource = "proxy";
    const auto started = std::chrono::steady_clock::now();
    QPointer<Client> self(this);
    return sendRaw(
        std::move(req), target, [self, request, target, started, cb = std::move(cb)](Result<HttpResponse> r) {
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            ProxyAnswer a;
            if (!r) {
                a.outcome = r.error().cause == Error::Cause::Timeout ? ProxyAnswer::Outcome::TimedOut
                                                                     : ProxyAnswer::Outcome::Failed;
                a.message = r.error().message;
                a.detail = r.error().detail;
            } else {
                HttpResponse& response = r.value();
                a = classifyProxyResponse(request, response.status, std::move(response.body),
                                          std::move(response.headers));
                a.truncated = response.truncated;
                if (a.outcome == ProxyAnswer::Outcome::Failed && self)
                    a.message = self->apiError(response.status, a.body, target).message;
            }
            a.elapsed = elapsed;
            cb(std::move(a));
        });
}

} // namespace kube
