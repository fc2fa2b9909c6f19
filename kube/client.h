#pragma once

#include "credentials.h"
#include "kubeconfig.h"
#include "net.h"
#include "resource.h"

#include <QObject>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

namespace kube {

using Json = nlohmann::json;

struct ListOptions {
    std::string labelSelector;
    std::string fieldSelector;
    std::string resourceVersion;
    int limit = 0;
};

struct WatchOptions {
    std::string labelSelector;
    std::string fieldSelector;
    std::string resourceVersion;
    bool allowBookmarks = true;
    int timeoutSeconds = 300; // the server ends the stream after this; the watcher reopens it
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

struct UserInfo {
    std::string username;
    std::string uid;
    std::vector<std::string> groups;
};

struct Unit {};

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
    using LinesFn = std::function<void(std::vector<std::string> lines)>;

    Client(RestConfig config, Transport* transport, QObject* parent = nullptr);
    ~Client() override;

    const RestConfig& config() const { return m_config; }
    CredentialProvider* credentials() { return m_credentials; }

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
    // comes when the stream ends), then onEnd: success when the server ended the log, an Error
    // with reason "Forbidden" (get on pods/log), "NotFound" (the pod is gone) or "BadRequest"
    // (for `previous`: no earlier container) otherwise. cancel() stops it without onEnd.
    Id streamLogs(const std::string& ns, const std::string& pod, const LogOptions& options, LinesFn onLines,
                  EndFn onEnd);
    void cancel(Id id);

    void checkAccess(const AccessCheck& check, std::function<void(Result<AccessDecision>)> cb);
    void whoAmI(std::function<void(Result<UserInfo>)> cb);
    void version(JsonCallback cb);

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

    // Turns a non-2xx response into an Error sentence about `target`.
    Error apiError(long status, const std::string& body, const Target& target) const;

private:
    struct Pending;
    void dispatch(std::shared_ptr<Pending> p, bool retried);
    Endpoint endpointFor(const Credential& c) const;
    // The transport's failure as a sentence about this API server and kubeconfig context.
    Error transportError(Error error, std::chrono::milliseconds timeout) const;

    RestConfig m_config;
    Transport* m_transport;
    CredentialProvider* m_credentials;
    std::map<Id, std::shared_ptr<Pending>> m_pending;
    Id m_nextId = 1;
};

} // namespace kube
