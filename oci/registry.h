#pragma once

#include "dockerconfig.h"
#include "net/result.h"
#include "net/transport.h"

#include <QObject>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace oci {

// What one tag of an image points at: the digest to deploy (the top-level one, for a
// multi-platform index too) and what its image config says, for people to choose by.
struct ManifestInfo {
    std::string digest;         // sha256:..., of the manifest or index the tag names
    std::string mediaType;      // of that manifest or index
    std::string platformDigest; // for an index: the linux/amd64 entry (else the first) read for the rest
    std::string created;        // the image config's `created`, RFC 3339, as given; empty when absent
    std::optional<std::chrono::system_clock::time_point> createdTime; // parsed `created`
    std::string revision;                                             // label org.opencontainers.image.revision
    std::map<std::string, std::string> labels;
};

struct TagList {
    std::vector<std::string> tags; // in the registry's order, without repeats
    int pages = 0;                 // tag-list pages read
    bool truncated = false;        // the page limit stopped the listing
};

struct TagInfo {
    std::string tag;
    std::optional<ManifestInfo> info; // absent when the tag could not be resolved
    std::string error;                // then: why, as a sentence
    bool described = false;           // the image config was read (creation time, commit, labels)
};

// Where a registry is and how to name a repository on it, as Docker resolves them.
struct RegistryLocation {
    std::string server;     // https://ghcr.io, http://127.0.0.1:5000
    std::string host;       // the key of its credentials in a Docker config: ghcr.io, 127.0.0.1:5000
    std::string repository; // library/ added for single names on Docker Hub
    bool dockerHub = false;
};

// A client of the OCI distribution API (registry v2) for the tag picker: lists tags across Link
// pages, resolves a tag to its digest and image config, anonymously or with the credentials of a
// Docker config file, through basic auth or the bearer-token flow (WWW-Authenticate). Every call
// returns at once and answers through its callback on the owning thread, never throws, and its
// errors are sentences that name the registry and never carry a token or password.
class RegistryClient : public QObject {
    Q_OBJECT

public:
    struct Options {
        std::string dockerConfigPath; // empty: $DOCKER_CONFIG/config.json, else ~/.docker/config.json
        std::string caFile;           // extra CA bundle for https registries
        int pageSize = 100;           // `n` asked of the registry (it may send fewer)
        int maxPages = 100;           // the guard against a listing that never ends
        int parallelResolves = 4;     // listTagsWithInfo resolves at most this many tags at once
        std::chrono::milliseconds timeout{30000};
        std::chrono::milliseconds helperTimeout{30000}; // a docker-credential helper's answer
    };
    // What the client sent, for tests and diagnostics.
    struct Stats {
        int requests = 0;      // to registries, retries and redirects included
        int tokenRequests = 0; // to token servers
        int manifestGets = 0;  // GET .../manifests/...: Docker Hub counts each as a pull
        int manifestHeads = 0; // HEAD .../manifests/...: not counted as a pull
        int blobGets = 0;      // GET .../blobs/... (image configs)
    };

    template <typename T> using Callback = std::function<void(net::Result<T>)>;

    // The most Signalbox reads of each answer (after decompression); past it the request fails
    // with a sentence naming the registry. Image manifests and configs are a few KiB; indexes of
    // many platforms and configs with long histories stay far below 4 MiB.
    static constexpr std::size_t maxManifestBytes = 4 * 1024 * 1024;
    static constexpr std::size_t maxTagPageBytes = 1024 * 1024;
    static constexpr std::size_t maxTokenBytes = 64 * 1024;

    explicit RegistryClient(net::Transport* transport, QObject* parent = nullptr);
    RegistryClient(net::Transport* transport, Options options, QObject* parent = nullptr);
    ~RegistryClient() override;

    const Options& options() const { return m_options; }
    void setOptions(Options options) { m_options = std::move(options); }
    const Stats& stats() const { return m_stats; }
    // Forgets cached tokens and what each registry asked for (after a `docker login`, say).
    void clearAuthCache();

    // `registry` is a host (ghcr.io, docker.io, 127.0.0.1:5000) or a URL (https://host:port).
    void listTags(const std::string& registry, const std::string& repository, Callback<TagList> cb);
    void resolve(const std::string& registry, const std::string& repository, const std::string& tag,
                 Callback<ManifestInfo> cb);
    // A tag's digest and media type, from a HEAD on its manifest (the Docker-Content-Digest
    // header); a GET of the manifest only when the registry does not send that header. No image
    // config is read: Docker Hub counts every manifest GET as a pull, and a HEAD as none.
    void resolveDigest(const std::string& registry, const std::string& repository, const std::string& tag,
                       Callback<ManifestInfo> cb);
    // The tags, each with its digest (resolveDigest) but not described, by name (descending). The
    // tag picker reads the image configs (resolve, by digest) only of the rows it shows.
    void listTagDigests(const std::string& registry, const std::string& repository, Callback<std::vector<TagInfo>> cb);
    // The tags, each resolved, newest first by creation time where the registry gives it, by name
    // (descending) otherwise; tags without a creation time come after those with one.
    void listTagsWithInfo(const std::string& registry, const std::string& repository,
                          Callback<std::vector<TagInfo>> cb);

    static RegistryLocation locate(const std::string& registry, const std::string& repository);
    static std::optional<std::chrono::system_clock::time_point> parseTime(const std::string& rfc3339);
    static void sortNewestFirst(std::vector<TagInfo>& tags);

    // Public for the unit tests: the parts of a header or document that drive the flow.
    struct Challenge {
        std::string scheme;                        // Bearer or Basic (as sent)
        std::map<std::string, std::string> params; // realm, service, scope, error (lower-case keys)
    };
    static std::optional<Challenge> parseChallenge(const std::string& wwwAuthenticate);
    static std::string nextLink(const net::HttpResponse& response); // target of rel="next", or empty

    // The documents a registry sends, decoded without trusting them. A tag-list page: its tags
    // in order, or nothing when it is not the registry API's JSON.
    static std::optional<std::vector<std::string>> decodeTagPage(const std::string& body);
    // A manifest or index. `problem` says what is wrong with it ("is not JSON"); an index names
    // the entry to read next (linux/amd64, else the first); an image names its config blob.
    struct ManifestDocument {
        std::string problem;
        std::string mediaType;
        bool index = false;
        std::string chosen;       // index: digest of the entry to read, empty for an empty index
        std::string configDigest; // image: digest of its config, empty for old or non-image manifests
    };
    static ManifestDocument decodeManifest(const std::string& body, const std::string& contentType);
    // An image config: `created`, the labels and the revision label into `info`; false when it
    // is not a JSON object.
    static bool decodeConfig(const std::string& body, ManifestInfo& info);

private:
    struct Call;
    using Credentials = DockerCredentials;
    struct CachedToken {
        std::string token;
        std::chrono::steady_clock::time_point expires;
    };
    struct Batch;

    using ResponseFn = std::function<void(net::Result<net::HttpResponse>)>;

    // Runs the Docker config's credential helper for the call's registry once (then from the cache).
    void withCredentials(std::shared_ptr<Call> call, std::function<void(std::optional<net::Error>)> next);
    std::shared_ptr<Call> makeCall(const std::string& registry, const std::string& repository, net::Error* error);
    // The call for `tag` of a repository with its credentials ready, handed to `go`; a bad
    // reference, a missing tag or failed credentials go to `cb` instead.
    void withTag(const std::string& registry, const std::string& repository, const std::string& tag,
                 Callback<ManifestInfo> cb, std::function<void(std::shared_ptr<Call>)> go);
    // One request to the registry with the auth the call has, answering 401 once with what the
    // challenge asks for, and following redirects (blobs live on CDNs).
    void send(std::shared_ptr<Call> call, net::HttpRequest request, ResponseFn done);
    // The response when the registry answered 200; otherwise nullptr, after telling `cb` why.
    template <typename T>
    const net::HttpResponse* answered(const net::Result<net::HttpResponse>& r, const Call& call,
                                      const std::string& what, const Callback<T>& cb) const;
    void sendTo(std::shared_ptr<Call> call, net::Endpoint endpoint, net::HttpRequest request, int redirects,
                bool retried, ResponseFn done);
    // sendTo's answers that take another request: a 401 with a challenge, a redirect.
    void challenged(std::shared_ptr<Call> call, const net::Endpoint& endpoint, const net::HttpRequest& request,
                    int redirects, bool retried, net::Result<net::HttpResponse> r, ResponseFn done);
    void redirected(std::shared_ptr<Call> call, const net::Endpoint& endpoint, const net::HttpRequest& request,
                    int redirects, bool retried, net::Result<net::HttpResponse> r, ResponseFn done);
    void fetchToken(std::shared_ptr<Call> call, const Challenge& challenge,
                    std::function<void(net::Result<std::string>)> done);
    // The token server's answer: a token (kept for its lifetime) or the sentence why not.
    net::Result<std::string> tokenAnswer(const Call& call, const std::string& realm,
                                         const net::Result<net::HttpResponse>& r);
    void listPage(std::shared_ptr<Call> call, std::string path, std::shared_ptr<TagList> acc, Callback<TagList> cb);
    // `describe`: go on to the image config (else stop at the top manifest's digest).
    void readManifest(std::shared_ptr<Call> call, std::string reference, bool top, std::shared_ptr<ManifestInfo> info,
                      Callback<ManifestInfo> cb, bool describe = true);
    void listResolved(const std::string& registry, const std::string& repository, bool describe,
                      Callback<std::vector<TagInfo>> cb);
    void readConfig(std::shared_ptr<Call> call, std::string digest, std::shared_ptr<ManifestInfo> info,
                    Callback<ManifestInfo> cb);
    void resolveNext(std::shared_ptr<Batch> batch);

    net::Error httpError(const Call& call, const net::HttpResponse& response, const std::string& what) const;
    // `path`: the request's, to say what was asked for when an answer is too large.
    net::Error transportError(const Call& call, const net::Error& error, const std::string& path = {}) const;

    net::Transport* m_transport;
    Options m_options;
    Stats m_stats;
    std::map<std::string, CachedToken> m_tokens;   // (server, scope) -> token
    std::map<std::string, Challenge> m_challenges; // server -> what it asked for last
    std::map<std::string, std::vector<std::function<void(net::Result<std::string>)>>> m_tokenWaiters;
    std::map<std::string, DockerCredentials> m_helperAnswers; // (helper, server) -> its answer
    std::map<std::string, std::vector<std::function<void(const net::Result<DockerCredentials>&)>>> m_helperWaiters;
};

} // namespace oci
