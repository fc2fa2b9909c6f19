#pragma once

#include "accessrules.h"
#include "credentials.h"
#include "eventrecord.h"
#include "kubeconfig.h"
#include "linesplitter.h"
#include "net.h"
#include "objects.h"
#include "patch.h"
#include "resource.h"

#include <QObject>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace kube {

using Json = nlohmann::json;

struct ListOptions {
    std::string labelSelector;
    std::string fieldSelector;
    std::string resourceVersion;
    std::string resourceVersionMatch; // "NotOlderThan" or "Exact" (empty: the server's default for resourceVersion)
    int limit = 0;             // at most this many items (0: all); the list's metadata.continue then asks for the rest
    std::string continueToken; // the previous page's metadata.continue
};

struct WatchOptions {
    std::string labelSelector;
    std::string fieldSelector;
    std::string resourceVersion;
    bool allowBookmarks = true;
    int timeoutSeconds = 300; // the server ends the stream after this; the watcher reopens it
    // The stream starts with the current objects as ADDED events, then a BOOKMARK annotated
    // k8s.io/initial-events-end (a list and a watch in one request; the server's WatchList feature).
    bool sendInitialEvents = false;
};

// What `GET .../pods/NAME/log` returns (the query parameters of the same names).
struct LogOptions {
    std::string container; // empty: the pod's only container
    bool follow = false;
    int tailLines = -1;            // negative: every line
    std::int64_t sinceSeconds = 0; // 0: from the start
    std::string sinceTime;         // RFC 3339; lines at or after it (a follow that resumes)
    bool previous = false;         // the previous (restarted) container's log
    bool timestamps = true;        // each line starts with an RFC 3339 timestamp and a space
};

enum class PatchType { Json, Merge, StrategicMerge };

struct AccessCheck {
    std::string verb;
    Resource resource;
    std::string ns;
    std::string name;
    std::string subresource;
};

struct AccessDecision {
    bool allowed = false;
    std::string reason;
};

// What a client has sent: every request handed to the transport (a 401 retry counts again), by
// "verb resource[/subresource]" ("get deployments", "watch pods", "create selfsubjectaccessreviews").
struct RequestCounts {
    long total = 0;
    std::map<std::string, long> byKind;
    long of(const std::string& kind) const
    {
        const auto it = byKind.find(kind);
        return it == byKind.end() ? 0 : it->second;
    }
};

struct UserInfo {
    std::string username;
    std::string uid;
    std::vector<std::string> groups;
};

struct Unit {};

// The answer to a typed call: the decoded object, or an Error (a transport or API failure, or a
// field of the wrong type named by its path).
template <typename T> using Callback = std::function<void(Result<T>)>;

// Whether a write was carried out: the server answered it with success, whether or not its answer
// could be decoded (a decode error comes only with a 2xx answer).
template <typename T> bool carriedOut(const Result<T>& r)
{
    return r.ok() || r.error().kind == Error::Kind::Decode;
}

// What came back from a GET through the API server's proxy (pods/NAME:PORT/proxy/PATH,
// services/NAME:PORT/proxy/PATH): the app's own answer, whatever its status, kept apart from the
// API server's failure to reach the app, from our own timeout and from the API server's refusals.
struct ProxyAnswer {
    enum class Outcome {
        Answered,    // the app answered; `status`, `headers`, `body` are its own
        Refused,     // the API server reached the address but nothing listens on the port
        Closed,      // the app closed the connection without answering (EOF, reset by peer)
        Unreachable, // the API server could not reach it otherwise (`detail` says how)
        NoEndpoints, // a Service with no ready endpoints behind it
        TimedOut,    // no answer within our timeout
        Forbidden,   // RBAC: the user may not get pods/proxy (or services/proxy) in that namespace
        NotFound,    // no such pod or Service
        Failed,      // anything else: the API server itself, our credentials, the network (`message`)
    };
    Outcome outcome = Outcome::Failed;
    long status = 0;                                 // Answered: the app's status
    std::multimap<std::string, std::string> headers; // Answered: names in lower case
    std::string body;                                // Answered: at most ProxyRequest::maxBody bytes
    bool truncated = false;
    std::chrono::milliseconds elapsed{0};
    std::string user;    // Forbidden: who the API server says asked
    std::string detail;  // the API server's own message (Unreachable, Refused, Closed, Failed)
    std::string message; // Failed, NotFound, Forbidden: a sentence a person can act on

    std::string header(const std::string& lowerName) const;
};

struct ProxyRequest {
    std::string kind; // "pods" or "services"
    std::string ns;
    std::string name;
    std::string port; // a number or a port name (the Service's; a pod's must be a number)
    std::string path = "/";
    std::chrono::milliseconds timeout{2000};
    std::size_t maxBody = 4096;
    // Smoke requests send more than a GET; the values come checked (model::smokeHeaderProblem).
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // /api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH
    std::string apiPath() const;
    // The RBAC verb the API server checks on the proxy subresource for `method`: get (GET, HEAD),
    // create (POST), update (PUT), patch, delete; otherwise the method in lower case.
    std::string verb() const;
};

// The value at `dottedPath` ("data.count") of a JSON body as text: a string without its quotes, a
// number, true, false or null as written; nothing when the body is not JSON or has no such field
// (or the field is an object or a list). For smoke requests: the JSON stays here.
std::optional<std::string> jsonFieldText(const std::string& body, const std::string& dottedPath);

// How a proxied answer reads: the app's, or the API server's own failure (recognised by a Status
// body of the API server's wording). Pure, for tests.
ProxyAnswer classifyProxyResponse(const ProxyRequest& request, long status, std::string body,
                                  std::multimap<std::string, std::string> headers);

// A Kubernetes API client for one context: every call returns at once and answers through its
// callback on the owning thread. API failures become Errors whose message says what was refused
// and what to do; a failed JSON Patch `test` is reported as reason "Conflict" ("changed since
// you looked"), like a resourceVersion conflict.
class Client : public QObject {
    Q_OBJECT

public:
    using Id = Transport::Id;
    using JsonCallback = std::function<void(Result<Json>)>;
    using EventFn = std::function<void(const std::string& type, const Json& object)>;
    using EndFn = std::function<void(Result<Unit>)>;
    using LinesFn = std::function<void(std::vector<TextLine> lines)>;

    // A log line longer than this is handed on cut (the kubelet itself splits at 16 KiB, and joins
    // the pieces again when it serves the log, so a pod that never prints a newline makes one
    // endless line).
    static constexpr std::size_t maxLogLineBytes = 64 * 1024;
    // A watch event larger than this ends the watch: the API server's objects are at most about
    // 1.5 MiB (etcd's request limit), and an event is one object.
    static constexpr std::size_t maxWatchEventBytes = 16 * 1024 * 1024;
    // The most any other answer of the API server may expand to (lists are asked for in pages).
    static constexpr std::size_t maxAnswerBytes = std::size_t(1) << 30;

    Client(RestConfig config, Transport* transport, QObject* parent = nullptr);
    ~Client() override;

    const RestConfig& config() const { return m_config; }
    CredentialProvider* credentials() { return m_credentials; }

    // Typed calls, for what Signalbox reads and writes: each decodes its answer with the parsers of
    // objects.h, and a decode error is the call's Error (a list fails on the first item that does
    // not decode, as client-go's does). getDeployment keeps the pod template as sent
    // (Deployment::templateSource) for templateRestorePatch.
    Id getDeployment(const std::string& ns, const std::string& name, Callback<Deployment> cb);
    Id getService(const std::string& ns, const std::string& name, Callback<Service> cb);
    Id getConfigMap(const std::string& ns, const std::string& name, Callback<ConfigMap> cb);
    Id listDeployments(const std::string& ns, const ListOptions& options, Callback<std::vector<Deployment>> cb);
    Id listServices(const std::string& ns, const ListOptions& options, Callback<std::vector<Service>> cb);
    Id listPods(const std::string& ns, const ListOptions& options, Callback<std::vector<Pod>> cb);
    Id listEvents(const std::string& ns, const ListOptions& options, Callback<std::vector<Event>> cb);
    // JSON Patches (patch.h); a failed `test` comes back as reason Conflict.
    Id patchDeployment(const std::string& ns, const std::string& name, const JsonPatch& patch, Callback<Deployment> cb);
    Id patchService(const std::string& ns, const std::string& name, const JsonPatch& patch, Callback<Service> cb);
    Id createEvent(const EventRecord& event, Callback<Unit> cb);

    // Untyped calls, for the informers and for paths without a typed call.
    Id get(const Resource& r, const std::string& ns, const std::string& name, JsonCallback cb);
    Id list(const Resource& r, const std::string& ns, const ListOptions& options, JsonCallback cb);
    Id patch(const Resource& r, const std::string& ns, const std::string& name, PatchType type, const Json& body,
             JsonCallback cb);
    Id create(const Resource& r, const std::string& ns, const Json& body, JsonCallback cb);
    // One watch stream; onEvent sees "OPEN" (null object) once the server accepted it, then
    // each ADDED/MODIFIED/DELETED/BOOKMARK event; onEnd says how the stream ended (an Error
    // with reason "Expired" when the resourceVersion is too old).
    Id watch(const Resource& r, const std::string& ns, const WatchOptions& options, EventFn onEvent, EndFn onEnd);
    // One pod's log: complete lines in batches as they arrive (a last line without a newline
    // comes when the stream ends; a line longer than maxLogLineBytes comes cut), then onEnd: success when the server
    // ended the log, an Error with reason "Forbidden" (get on pods/log), "NotFound" (the pod is gone) or "BadRequest"
    // (for `previous`: no earlier container) otherwise. cancel() stops it without onEnd.
    Id streamLogs(const std::string& ns, const std::string& pod, const LogOptions& options, LinesFn onLines,
                  EndFn onEnd);
    void cancel(Id id);

    // A SelfSubjectAccessReview. `Fresh` always asks the server (plans that are confirmed or carried
    // out); `MayCache` takes an answer of the last accessCacheTtl() (the buttons). Every answer
    // refreshes the cache; a 401, a 403 to any request of this client (but one refused the same way
    // the last time it was sent, such as a watch that retries in a namespace the user may not
    // read: that is no news), and clearAccessCache() drop it.
    // Fresh: asked now. MayCache: a kept answer will do, or a kept rules review's grant, or its
    // silence when its list is complete. GrantedOrFresh: a kept rules review's grant will do,
    // anything else is asked now.
    enum class Freshness { Fresh, MayCache, GrantedOrFresh };
    void checkAccess(const AccessCheck& check, std::function<void(Result<AccessDecision>)> cb,
                     Freshness freshness = Freshness::Fresh);
    void clearAccessCache();
    // What the user may do in `ns`, in one request (SelfSubjectRulesReview). The answer is kept as
    // long as the access cache, and checkAccess() (but Fresh) takes what it grants from it
    // without asking; what it does not grant is asked one by one, unless the list is complete and
    // MayCache will do. Asked for a namespace while a review of it is on the wire, it waits for
    // that one's answer; with MayCache a kept answer will do.
    void reviewRules(const std::string& ns, std::function<void(Result<AccessRules>)> cb,
                     Freshness freshness = Freshness::Fresh);
    // reviewRules() of each namespace, then `then` once all have answered (an error included).
    void reviewRulesOf(const std::set<std::string>& namespaces, std::function<void()> then,
                       Freshness freshness = Freshness::Fresh);
    // Answers kept: access reviews and rules reviews.
    std::size_t accessCacheSize() const { return m_access.size() + m_rules.size(); }
    // 30 s: long enough that opening pages and the replans of a burst of watch events share the
    // answers, short enough that a RoleBinding granted or revoked shows on the buttons soon. A
    // revoked permission that still shows enabled costs nothing: the confirm dialog and the
    // execution ask afresh. 0 turns the cache off.
    void setAccessCacheTtl(std::chrono::milliseconds ttl) { m_accessTtl = ttl; }
    std::chrono::milliseconds accessCacheTtl() const { return m_accessTtl; }

    // What this client has sent since it was made (or since resetRequestCounts()).
    const RequestCounts& requestCounts() const { return m_counts; }
    void resetRequestCounts() { m_counts = {}; }
    // The same, summed: every request, the watches among them, the GETs through the API server's
    // proxy (health checks) among them.
    std::uint64_t requestCount() const { return static_cast<std::uint64_t>(m_counts.total); }
    std::uint64_t watchCount() const;
    std::uint64_t proxyRequestCount() const
    {
        return static_cast<std::uint64_t>(m_counts.of("get pods/proxy") + m_counts.of("get services/proxy"));
    }
    // Who the server says the credentials are. The answer is kept as long as the access cache (a
    // 401, a new 403 or clearAccessCache() drop it); MayCache may be answered from it.
    void whoAmI(std::function<void(Result<UserInfo>)> cb, Freshness freshness = Freshness::Fresh);
    void version(JsonCallback cb);
    // GET through the API server's proxy; always answers (never an error value): see ProxyAnswer.
    Id proxyGet(const ProxyRequest& request, std::function<void(ProxyAnswer)> cb);
    // The same with the request's method, headers and body (smoke requests).
    Id proxySend(const ProxyRequest& request, std::function<void(ProxyAnswer)> cb);

    // Raw request, for paths without a Resource (used by tests and /version).
    struct Target {
        std::string verb; // RBAC verb, for messages
        Resource resource;
        std::string ns;
        std::string name;
        bool jsonPatchWithTests = false; // a 422 then means a `test` op failed
        std::string subresource{};       // "log": the request was for pods/log
    };
    Id send(HttpRequest request, Target target, JsonCallback cb);
    // Raw request: any status is handed over as it came (after the exec plugin's 401 retry);
    // transport and credential failures are Errors with sentences.
    Id sendRaw(HttpRequest request, Target target, std::function<void(Result<HttpResponse>)> cb);

    // Turns a non-2xx response into an Error sentence about `target`.
    Error apiError(long status, const std::string& body, const Target& target) const;

    // Tests only: whether the answer to a request is lost on its way back. The request reaches the
    // API server and is carried out; the caller sees the connection break before the answer.
    using AnswerLoss = std::function<bool(const Target& target, const HttpRequest& request)>;
    void setAnswerLoss(AnswerLoss loss) { m_answerLoss = std::move(loss); }

private:
    struct Pending;
    // A request's way: credentials, then the transport, then its answer by kind of request (a log's
    // lines, a watch's events, one answer as JSON or raw).
    void dispatch(std::shared_ptr<Pending> p, bool retried);
    void startRequest(const std::shared_ptr<Pending>& p, bool retried, const Credential& credential);
    Transport::ChunkFn logChunks(const std::shared_ptr<Pending>& p);
    Transport::ChunkFn watchChunks(const std::shared_ptr<Pending>& p);
    // One line of a watch stream: false when it ended the watch.
    bool watchLine(const std::shared_ptr<Pending>& p, const TextLine& line);
    void endWatch(const std::shared_ptr<Pending>& p, Error e);
    void answered(const std::shared_ptr<Pending>& p, bool retried, Result<HttpResponse> response);
    // The access cache's part in an answer: a new 403 or a 401 drops it.
    void noteAnswer(const std::shared_ptr<Pending>& p, long status);
    void endStream(const std::shared_ptr<Pending>& p);
    void decodeAnswer(const std::shared_ptr<Pending>& p, const HttpResponse& r);
    // Hands the outcome to the request's callback, once.
    void finish(const std::shared_ptr<Pending>& p, Result<Json> r);
    Endpoint endpointFor(const Credential& c) const;
    // The transport's failure as a sentence about this API server and kubeconfig context.
    Error transportError(Error error, std::chrono::milliseconds timeout) const;

    void countSent(const Target& target);

    struct CachedDecision {
        AccessDecision decision;
        std::chrono::steady_clock::time_point at;
    };
    static std::string accessKey(const AccessCheck& check);
    // reviewRules()'s answer for `ns` while it is younger than the access cache's time to live.
    const AccessRules* keptRules(const std::string& ns) const;

    RestConfig m_config;
    Transport* m_transport;
    RequestCounts m_counts;
    std::map<std::string, CachedDecision> m_access; // by accessKey()
    struct CachedRules {
        AccessRules rules;
        std::chrono::steady_clock::time_point at;
    };
    std::map<std::string, CachedRules> m_rules; // reviewRules()'s answers, by namespace
    std::map<std::string, std::vector<std::function<void(Result<AccessRules>)>>> m_rulesAsked; // on the wire
    std::set<std::string> m_refused; // requests whose last answer was a 403
    AnswerLoss m_answerLoss;
    std::chrono::milliseconds m_accessTtl{30000};
    std::chrono::steady_clock::time_point m_accessClearedAt{};
    std::optional<UserInfo> m_whoAmI; // the server's answer, kept as long as the access cache
    CredentialProvider* m_credentials;
    std::map<Id, std::shared_ptr<Pending>> m_pending;
    Id m_nextId = 1;
};

} // namespace kube
