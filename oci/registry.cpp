#include "registry.h"

#include "dockerconfig.h"
#include "imageref.h"
#include "net/text.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace oci {

using net::Endpoint;
using net::Error;
using net::HttpRequest;
using net::HttpResponse;
using net::Result;
using net::Transport;
using Json = nlohmann::json;

// One top-level operation (a listing, a resolve) against one repository.
struct RegistryClient::Call {
    RegistryLocation location;
    Credentials credentials;
    std::string name;  // the registry as messages name it
    std::string scope; // repository:NAME:pull
};

struct RegistryClient::Batch {
    std::string registry, repository;
    std::vector<TagInfo> results;
    std::size_t next = 0;
    std::size_t running = 0;
    std::size_t finished = 0;
    std::optional<Error> firstError;
    std::size_t failures = 0;
    bool describe = true; // read each image config, or stop at the digest
    Callback<std::vector<TagInfo>> cb;
};

namespace {

const char* const kTopAccept = "Accept: application/vnd.oci.image.index.v1+json, "
                               "application/vnd.oci.image.manifest.v1+json, "
                               "application/vnd.docker.distribution.manifest.list.v2+json, "
                               "application/vnd.docker.distribution.manifest.v2+json";
const char* const kImageAccept = "Accept: application/vnd.oci.image.manifest.v1+json, "
                                 "application/vnd.docker.distribution.manifest.v2+json";

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.rfind(prefix, 0) == 0;
}

std::string trim(std::string s)
{
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

std::string sha256Digest(const std::string& bytes)
{
    const QByteArray hash = QCryptographicHash::hash(QByteArray::fromRawData(bytes.data(), qsizetype(bytes.size())),
                                                     QCryptographicHash::Sha256);
    return "sha256:" + hash.toHex().toStdString();
}

std::string urlEncode(const std::string& s)
{
    return QUrl::toPercentEncoding(QString::fromStdString(s)).toStdString();
}

// scheme://authority of a URL, and the rest (path and query, "/" at least).
bool splitUrl(const std::string& url, std::string& origin, std::string& rest)
{
    const auto schemeEnd = url.find("://");
    if (schemeEnd == std::string::npos)
        return false;
    const auto pathStart = url.find_first_of("/?", schemeEnd + 3);
    origin = url.substr(0, pathStart);
    rest = pathStart == std::string::npos ? "/" : url.substr(pathStart);
    if (rest[0] == '?')
        rest = "/" + rest;
    return origin.size() > schemeEnd + 3;
}

bool isLoopback(const std::string& host)
{
    std::string name = host;
    if (startsWith(name, "[")) {
        name = name.substr(0, name.find(']') + 1);
        return name == "[::1]";
    }
    name = name.substr(0, name.find(':'));
    return name == "localhost" || startsWith(name, "127.");
}

std::string str(const Json& object, const char* key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string secondsText(std::chrono::milliseconds ms)
{
    return std::to_string(std::max<long long>(1, ms.count() / 1000)) + " s";
}

} // namespace

RegistryClient::RegistryClient(Transport* transport, QObject* parent) : RegistryClient(transport, Options{}, parent) {}

RegistryClient::RegistryClient(Transport* transport, Options options, QObject* parent)
    : QObject(parent), m_transport(transport), m_options(std::move(options))
{
}

RegistryClient::~RegistryClient() = default;

void RegistryClient::clearAuthCache()
{
    m_tokens.clear();
    m_helperAnswers.clear();
    m_challenges.clear();
}

// --- parsing ----------------------------------------------------------------------------------

RegistryLocation RegistryClient::locate(const std::string& registry, const std::string& repository)
{
    RegistryLocation loc;
    std::string r = trim(registry);
    while (!r.empty() && r.back() == '/')
        r.pop_back();
    loc.repository = trim(repository);
    std::string scheme;
    if (const auto p = r.find("://"); p != std::string::npos) {
        scheme = lower(r.substr(0, p));
        r = r.substr(p + 3);
        r = r.substr(0, r.find('/'));
    }
    const std::string host = lower(r);
    const RegistryName name = normalizeRegistryName(host, loc.repository);
    if (name.dockerHub) {
        // The name people use is not the API's host.
        loc.dockerHub = true;
        loc.host = name.host;
        loc.server = "https://registry-1.docker.io";
        loc.repository = name.repository;
        return loc;
    }
    loc.host = host;
    if (scheme.empty())
        scheme = isLoopback(host) ? "http" : "https"; // Docker treats loopback registries as insecure
    loc.server = scheme + "://" + host;
    return loc;
}

std::optional<std::chrono::system_clock::time_point> RegistryClient::parseTime(const std::string& text)
{
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)
    const std::string s = trim(text);
    const auto digits = [&](std::size_t pos, std::size_t count, int& out) {
        if (pos + count > s.size())
            return false;
        out = 0;
        for (std::size_t i = pos; i < pos + count; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(s[i])))
                return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    int year, month, day, hour, minute, second;
    if (s.size() < 20 || !digits(0, 4, year) || s[4] != '-' || !digits(5, 2, month) || s[7] != '-' ||
        !digits(8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(11, 2, hour) || s[13] != ':' ||
        !digits(14, 2, minute) || s[16] != ':' || !digits(17, 2, second))
        return std::nullopt;
    std::size_t pos = 19;
    long long nanos = 0;
    if (s[pos] == '.') {
        ++pos;
        int count = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            if (count < 9) {
                nanos = nanos * 10 + (s[pos] - '0');
                ++count;
            }
            ++pos;
        }
        if (count == 0)
            return std::nullopt;
        for (; count < 9; ++count)
            nanos *= 10;
    }
    int offsetMinutes = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh, om;
        if (!digits(pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(pos + 4, 2, om))
            return std::nullopt;
        offsetMinutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    using namespace std::chrono;
    const year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                              std::chrono::day{unsigned(day)}};
    // The system clock counts nanoseconds in 64 bits: about 1678 to 2262. Image times outside
    // 1900..2199 are nonsense anyway.
    if (!date.ok() || year < 1900 || year > 2199 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    const auto t = sys_days{date} + hours{hour} + minutes{minute} + seconds{second} - minutes{offsetMinutes};
    return time_point_cast<system_clock::duration>(t + nanoseconds{nanos});
}

void RegistryClient::sortNewestFirst(std::vector<TagInfo>& tags)
{
    const auto timeOf = [](const TagInfo& t) -> std::optional<std::chrono::system_clock::time_point> {
        return t.info ? t.info->createdTime : std::nullopt;
    };
    std::stable_sort(tags.begin(), tags.end(), [&](const TagInfo& a, const TagInfo& b) {
        const auto ta = timeOf(a), tb = timeOf(b);
        if (ta && tb && *ta != *tb)
            return *ta > *tb;
        if (ta.has_value() != tb.has_value())
            return ta.has_value();
        return a.tag > b.tag;
    });
}

std::optional<RegistryClient::Challenge> RegistryClient::parseChallenge(const std::string& header)
{
    // scheme SP param=value, param="quoted \" value", ...
    std::size_t pos = 0;
    const std::string s = trim(header);
    while (pos < s.size() && !std::isspace(static_cast<unsigned char>(s[pos])))
        ++pos;
    Challenge c;
    c.scheme = s.substr(0, pos);
    if (c.scheme.empty())
        return std::nullopt;
    while (pos < s.size()) {
        while (pos < s.size() && (std::isspace(static_cast<unsigned char>(s[pos])) || s[pos] == ','))
            ++pos;
        const auto eq = s.find('=', pos);
        if (eq == std::string::npos)
            break;
        const std::string key = lower(trim(s.substr(pos, eq - pos)));
        pos = eq + 1;
        std::string value;
        if (pos < s.size() && s[pos] == '"') {
            ++pos;
            while (pos < s.size() && s[pos] != '"') {
                if (s[pos] == '\\' && pos + 1 < s.size())
                    ++pos;
                value += s[pos++];
            }
            ++pos; // closing quote
        } else {
            const auto end = s.find(',', pos);
            value = trim(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
            pos = end == std::string::npos ? s.size() : end;
        }
        c.params[key] = value;
    }
    return c;
}

std::string RegistryClient::nextLink(const HttpResponse& response)
{
    // Link: <url>; rel="next", <url2>; rel="prev" -- in one header or several.
    const auto [from, to] = response.headers.equal_range("link");
    for (auto it = from; it != to; ++it) {
        const std::string& v = it->second;
        std::size_t pos = 0;
        while ((pos = v.find('<', pos)) != std::string::npos) {
            const auto close = v.find('>', pos);
            if (close == std::string::npos)
                break;
            const std::string target = v.substr(pos + 1, close - pos - 1);
            const auto nextEntry = v.find('<', close);
            const std::string params =
                lower(v.substr(close + 1, nextEntry == std::string::npos ? std::string::npos : nextEntry - close - 1));
            if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos)
                return target;
            pos = close;
        }
    }
    return {};
}

// --- calls ------------------------------------------------------------------------------------

std::shared_ptr<RegistryClient::Call> RegistryClient::makeCall(const std::string& registry,
                                                               const std::string& repository, Error* error)
{
    auto call = std::make_shared<Call>();
    call->location = locate(registry, repository);
    call->name = call->location.dockerHub ? std::string("Docker Hub") : call->location.host;
    call->scope = "repository:" + call->location.repository + ":pull";
    if (call->location.repository.empty()) {
        *error = Error::config("No repository was given for the registry " + call->name +
                               ". Name one, for example v-sekai/uro.");
        return nullptr;
    }

    // Credentials, as Docker keeps them: $DOCKER_CONFIG/config.json or ~/.docker/config.json.
    auto creds =
        readDockerConfig(dockerConfigPath(m_options.dockerConfigPath), call->location.host, call->location.dockerHub);
    if (!creds) {
        *error = creds.error();
        return nullptr;
    }
    call->credentials = std::move(creds).value();
    return call;
}

void RegistryClient::withCredentials(std::shared_ptr<Call> call, std::function<void(std::optional<Error>)> next)
{
    if (call->credentials.helper.empty()) {
        next(std::nullopt);
        return;
    }
    const std::string key = call->credentials.helper + " " + call->credentials.helperServer;
    if (const auto it = m_helperAnswers.find(key); it != m_helperAnswers.end()) {
        call->credentials = it->second;
        next(std::nullopt);
        return;
    }
    auto& waiters = m_helperWaiters[key];
    waiters.push_back([call, next](const Result<DockerCredentials>& r) {
        if (!r) {
            next(r.error());
            return;
        }
        call->credentials = r.value();
        next(std::nullopt);
    });
    if (waiters.size() > 1)
        return; // one run of a helper per server at a time; the others wait for its answer
    QPointer<RegistryClient> self(this);
    runCredentialHelper(call->credentials, m_options.helperTimeout, this, [self, key](Result<DockerCredentials> r) {
        if (!self)
            return;
        if (r)
            self->m_helperAnswers[key] = r.value(); // kept until clearAuthCache
        auto pending = std::move(self->m_helperWaiters[key]);
        self->m_helperWaiters.erase(key);
        for (auto& fn : pending)
            fn(r);
    });
}

void RegistryClient::send(std::shared_ptr<Call> call, HttpRequest request, ResponseFn done)
{
    Endpoint endpoint;
    endpoint.server = call->location.server;
    endpoint.caFile = m_options.caFile;
    const auto cached = m_tokens.find(call->location.server + " " + call->scope);
    if (cached != m_tokens.end() && cached->second.expires > std::chrono::steady_clock::now()) {
        endpoint.bearerToken = cached->second.token;
    } else if (const auto ch = m_challenges.find(call->location.server);
               ch != m_challenges.end() && lower(ch->second.scheme) == "basic" && !call->credentials.username.empty()) {
        endpoint.username = call->credentials.username;
        endpoint.password = call->credentials.password;
    }
    request.timeout = m_options.timeout;
    sendTo(std::move(call), std::move(endpoint), std::move(request), 0, false, std::move(done));
}

void RegistryClient::sendTo(std::shared_ptr<Call> call, Endpoint endpoint, HttpRequest request, int redirects,
                            bool retried, ResponseFn done)
{
    ++m_stats.requests;
    if (endpoint.server == call->location.server && startsWith(request.path, "/v2/")) {
        if (request.path.find("/manifests/") != std::string::npos)
            ++(request.method == "HEAD" ? m_stats.manifestHeads : m_stats.manifestGets);
        else if (request.path.find("/blobs/") != std::string::npos)
            ++m_stats.blobGets;
    }
    QPointer<RegistryClient> self(this);
    HttpRequest copy = request;
    m_transport->start(endpoint, std::move(copy),
                       [self, call, endpoint, request, redirects, retried, done](Result<HttpResponse> r) mutable {
                           if (!self)
                               return;
                           if (!r.ok()) {
                               done(self->transportError(*call, r.error(), request.path));
                               return;
                           }
                           const HttpResponse& response = r.value();
                           if (response.status == 401 && endpoint.server == call->location.server)
                               self->challenged(call, endpoint, request, redirects, retried, std::move(r), done);
                           else if (response.status >= 300 && response.status < 400 &&
                                    !response.header("location").empty())
                               self->redirected(call, endpoint, request, redirects, retried, std::move(r), done);
                           else
                               done(std::move(r));
                       });
}

void RegistryClient::challenged(std::shared_ptr<Call> call, const Endpoint& endpoint, const HttpRequest& request,
                                int redirects, bool retried, Result<HttpResponse> r, ResponseFn done)
{
    if (!endpoint.bearerToken.empty()) // a cached token the registry no longer takes
        m_tokens.erase(call->location.server + " " + call->scope);
    std::optional<Challenge> challenge;
    const auto [from, to] = r.value().headers.equal_range("www-authenticate");
    for (auto it = from; it != to; ++it) {
        auto c = parseChallenge(it->second);
        if (c && (!challenge || lower(c->scheme) == "bearer"))
            challenge = std::move(c);
    }
    if (challenge)
        m_challenges[call->location.server] = *challenge;
    if (retried || !challenge) {
        done(std::move(r));
        return;
    }
    const std::string scheme = lower(challenge->scheme);
    QPointer<RegistryClient> self(this);
    if (scheme == "bearer") {
        fetchToken(call, *challenge, [self, call, endpoint, request, done](Result<std::string> token) {
            if (!self)
                return;
            if (!token.ok()) {
                done(token.error());
                return;
            }
            Endpoint withToken = endpoint;
            withToken.username.clear();
            withToken.password.clear();
            withToken.bearerToken = token.value();
            self->sendTo(call, withToken, request, 0, true, done);
        });
        return;
    }
    if (scheme == "basic" && !call->credentials.username.empty() && endpoint.username.empty()) {
        Endpoint withBasic = endpoint;
        withBasic.username = call->credentials.username;
        withBasic.password = call->credentials.password;
        sendTo(call, withBasic, request, redirects, true, done);
        return;
    }
    done(std::move(r));
}

void RegistryClient::redirected(std::shared_ptr<Call> call, const Endpoint& endpoint, const HttpRequest& request,
                                int redirects, bool retried, Result<HttpResponse> r, ResponseFn done)
{
    const HttpResponse& response = r.value();
    const std::string location = response.header("location");
    if (redirects >= 5) {
        Error e;
        e.kind = Error::Kind::Api;
        e.httpStatus = static_cast<int>(response.status);
        e.message = "The registry " + call->name + " redirected the request for " + request.path +
                    " more than 5 times. Try again later; if it keeps happening, the registry is misconfigured.";
        done(e);
        return;
    }
    Endpoint next = endpoint;
    HttpRequest nextRequest = request;
    std::string origin, rest;
    if (startsWith(location, "/")) {
        nextRequest.path = location;
    } else if (splitUrl(location, origin, rest)) {
        nextRequest.path = rest;
        if (lower(origin) != lower(endpoint.server)) {
            // Blob storage elsewhere (a CDN, S3): its URL is signed; our credentials stay home.
            next = Endpoint{};
            next.server = origin;
        }
    } else {
        done(std::move(r));
        return;
    }
    sendTo(call, next, nextRequest, redirects + 1, retried, done);
}

void RegistryClient::fetchToken(std::shared_ptr<Call> call, const Challenge& challenge,
                                std::function<void(Result<std::string>)> done)
{
    const std::string key = call->location.server + " " + call->scope;
    if (const auto it = m_tokens.find(key);
        it != m_tokens.end() && it->second.expires > std::chrono::steady_clock::now()) {
        done(it->second.token);
        return;
    }
    auto& waiters = m_tokenWaiters[key];
    waiters.push_back(std::move(done));
    if (waiters.size() > 1)
        return; // one token request per (registry, scope) at a time; the others wait for it

    QPointer<RegistryClient> self(this);
    const auto finish = [self, key](Result<std::string> result) {
        if (!self)
            return;
        auto pending = std::move(self->m_tokenWaiters[key]);
        self->m_tokenWaiters.erase(key);
        for (auto& fn : pending)
            fn(result);
    };

    const auto param = [&](const char* name) {
        const auto it = challenge.params.find(name);
        return it == challenge.params.end() ? std::string() : it->second;
    };
    const std::string realm = param("realm");
    std::string origin, rest;
    if (realm.empty() || !splitUrl(realm, origin, rest)) {
        Error e;
        e.kind = Error::Kind::Auth;
        e.message = "The registry " + call->name +
                    " asked for a bearer token but named no usable token server (realm \"" + realm +
                    "\"). The registry is misconfigured; tell its administrators.";
        finish(e);
        return;
    }
    const std::string scope = param("scope").empty() ? call->scope : param("scope");
    const std::string service = param("service");
    const Credentials& creds = call->credentials;

    Endpoint endpoint;
    endpoint.server = origin;
    endpoint.caFile = m_options.caFile;
    HttpRequest request;
    request.timeout = m_options.timeout;
    request.bodyLimit = maxTokenBytes;
    if (!creds.identityToken.empty()) {
        // Docker's identitytoken is an OAuth2 refresh token, exchanged by POST as docker does.
        request.method = "POST";
        request.path = rest;
        request.contentType = "application/x-www-form-urlencoded";
        request.body = "grant_type=refresh_token&client_id=signalbox&service=" + urlEncode(service) +
                       "&scope=" + urlEncode(scope) + "&refresh_token=" + urlEncode(creds.identityToken);
    } else {
        request.path = rest + (rest.find('?') == std::string::npos ? "?" : "&") + "service=" + urlEncode(service) +
                       "&scope=" + urlEncode(scope);
        if (!creds.username.empty()) {
            endpoint.username = creds.username;
            endpoint.password = creds.password;
        }
    }
    ++m_stats.tokenRequests;
    m_transport->start(endpoint, request, [self, call, realm, finish](Result<HttpResponse> r) {
        if (self)
            finish(self->tokenAnswer(*call, realm, r));
    });
}

Result<std::string> RegistryClient::tokenAnswer(const Call& call, const std::string& realm,
                                                const Result<HttpResponse>& r)
{
    const std::string server = "The token server " + realm + " of the registry " + call.name;
    if (!r.ok()) {
        Error e = r.error();
        if (e.cause == Error::Cause::TooLarge) {
            e.message = server + " answered with more than " + net::sizeText(e.limit) +
                        ", more than a token takes, so it was not used. Tell the registry's administrators.";
            return e;
        }
        e.message = server + " cannot be reached: " + transportError(call, e).message;
        return e;
    }
    const HttpResponse& response = r.value();
    if (response.status == 401 || response.status == 403)
        return httpError(call, response, {});
    if (response.status != 200) {
        Error e;
        e.kind = Error::Kind::Auth;
        e.httpStatus = static_cast<int>(response.status);
        e.message = server + " answered HTTP " + std::to_string(response.status) +
                    " instead of a token. Try again later; if it keeps happening, tell the registry's administrators.";
        return e;
    }
    const Json answer = Json::parse(response.body, nullptr, false);
    std::string token = str(answer, "token");
    if (token.empty())
        token = str(answer, "access_token");
    if (token.empty()) {
        Error e;
        e.kind = Error::Kind::Decode;
        e.message = server + " answered without a token. Tell the registry's administrators.";
        return e;
    }
    // The specification's default lifetime is 60 s; keep a margin so a token does not lapse in flight.
    long long lifetime = 60;
    if (answer.contains("expires_in") && answer["expires_in"].is_number())
        lifetime = std::max<long long>(answer["expires_in"].get<long long>(), 1);
    const long long margin = std::min<long long>(30, lifetime / 10);
    m_tokens[call.location.server + " " + call.scope] =
        CachedToken{token, std::chrono::steady_clock::now() + std::chrono::seconds(lifetime - margin)};
    return token;
}

// --- errors -----------------------------------------------------------------------------------

namespace {

// A 401's sentence: who asked with what, and where to log in.
std::string unauthorizedSentence(const std::string& registry, const DockerCredentials& creds, const std::string& repo,
                                 const std::string& host, bool insufficientScope)
{
    if (insufficientScope)
        return registry + " does not let " +
               (creds.any() ? "user \"" + creds.username + "\"" : std::string("anonymous users")) + " read " + repo +
               ": the repository does not exist or is private. Check its name" +
               (creds.any() ? " and your access to it." : ", or log in with docker login " + host + ".");
    if (creds.any()) {
        const std::string from = creds.helper.empty()
                                     ? creds.source
                                     : "docker-credential-" + creds.helper + " (named in " + creds.source + ")";
        return registry + " refused the credentials " +
               (creds.username.empty() || !creds.identityToken.empty() ? std::string("(an identity token)")
                                                                       : "of user \"" + creds.username + "\"") +
               " from " + from + ": they are wrong or expired. Log in again with docker login " + host +
               (creds.helper.empty() ? ", or correct them in that file." : ".");
    }
    if (!creds.helper.empty())
        return registry + " needs credentials to read " + repo + ", and the credential helper docker-credential-" +
               creds.helper + " (named in " + creds.source + ") has none for " + creds.helperServer +
               ". Log in with docker login " + host + ".";
    return registry + " needs credentials to read " + repo + ", and " +
           (creds.source.empty() ? std::string("there is no Docker config file")
                                 : creds.source + " has none for " + host) +
           ". Log in with docker login " + host + ".";
}

// A 404: no such tag or manifest, a blob missing, or no such repository.
void notFound(Error& e, const std::string& name, const std::string& repo, bool dockerHub, const std::string& what)
{
    if (e.reason == "MANIFEST_UNKNOWN" || (e.reason.empty() && !what.empty() && what.rfind("tag ", 0) == 0)) {
        e.reason = "MANIFEST_UNKNOWN";
        e.message = "There is no " + what + " in " + repo + " on " + name +
                    ": it was never pushed or has been deleted. Refresh the tag list and pick another.";
    } else if (e.reason == "BLOB_UNKNOWN") {
        e.message = "The registry " + name + " lacks " + what + " of " + repo +
                    ", which the image's manifest names. The image is incomplete there; push it again.";
    } else {
        e.reason = e.reason.empty() ? "NAME_UNKNOWN" : e.reason;
        e.message = "There is no repository " + repo + " on " + name + ". Check its name" +
                    (dockerHub ? " (official images are library/NAME)." : ".");
    }
}

} // namespace

Error RegistryClient::httpError(const Call& call, const HttpResponse& response, const std::string& what) const
{
    Error e;
    e.kind = Error::Kind::Api;
    e.httpStatus = static_cast<int>(response.status);
    const Json body = Json::parse(response.body, nullptr, false);
    std::string serverMessage;
    if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
        e.reason = str(body["errors"][0], "code");
        serverMessage = net::text::cut(str(body["errors"][0], "message"), 300, "…"); // the registry's words
    }
    e.detail = "HTTP " + std::to_string(response.status) + (e.reason.empty() ? "" : " " + e.reason) +
               (serverMessage.empty() ? "" : ": " + serverMessage);
    const Credentials& creds = call.credentials;
    const std::string registry = "The registry " + call.name;
    const std::string repo = call.location.repository;
    bool insufficientScope = false;
    if (const auto ch = m_challenges.find(call.location.server); ch != m_challenges.end()) {
        const auto err = ch->second.params.find("error");
        insufficientScope = err != ch->second.params.end() && err->second == "insufficient_scope";
    }
    const std::string about = what.empty() ? repo : what;
    switch (response.status) {
    case 401:
        e.kind = Error::Kind::Auth;
        e.reason = e.reason.empty() ? "UNAUTHORIZED" : e.reason;
        e.message = unauthorizedSentence(registry, creds, repo, call.location.host, insufficientScope);
        break;
    case 403:
        e.kind = Error::Kind::Auth;
        e.reason = e.reason.empty() ? "DENIED" : e.reason;
        e.message = registry + " denied " +
                    (creds.any() ? "user \"" + creds.username + "\"" : std::string("anonymous")) + " access to " +
                    repo + (serverMessage.empty() ? "" : " (" + serverMessage + ")") +
                    ". Ask the repository's owners for read access, or log in as a user who has it.";
        break;
    case 404:
        notFound(e, call.name, repo, call.location.dockerHub, what);
        break;
    case 429:
        e.reason = e.reason.empty() ? "TOOMANYREQUESTS" : e.reason;
        e.message = registry + " limits the rate of requests and refused this one. Wait a few minutes and try again" +
                    std::string(call.location.dockerHub ? "; logging in raises Docker Hub's limit." : ".");
        break;
    default:
        if (response.status >= 500)
            e.message = registry + " failed to answer the request for " + about + " (HTTP " +
                        std::to_string(response.status) + (serverMessage.empty() ? "" : ": " + serverMessage) +
                        "). Try again later.";
        else
            e.message = registry + " answered HTTP " + std::to_string(response.status) + " to the request for " +
                        about + (serverMessage.empty() ? "" : " (" + serverMessage + ")") + ".";
        break;
    }
    return e;
}

Error RegistryClient::transportError(const Call& call, const Error& error, const std::string& path) const
{
    Error e = error;
    e.kind = Error::Kind::Transport;
    const std::string registry = "the registry " + call.name + " (" + call.location.server + ")";
    using Cause = Error::Cause;
    switch (error.cause) {
    case Cause::Connect:
        e.message = "Nothing answers at " + registry +
                    ": it is down or unreachable from here. Check the registry address, and your network or VPN.";
        break;
    case Cause::Dns:
        e.message = "The name of " + registry +
                    " cannot be resolved. Check the registry address, and your network, DNS or VPN.";
        break;
    case Cause::Timeout:
        e.message = "The registry " + call.name + " did not answer within " + secondsText(m_options.timeout) +
                    ". It or the network is overloaded, or a firewall drops the traffic; try again.";
        break;
    case Cause::Tls:
        e.message = "The certificate of " + registry +
                    " is not trusted. If it uses a private certificate authority, name that authority's bundle in "
                    "the settings; do not turn verification off.";
        break;
    case Cause::TlsFiles:
        e.message = "The certificate authority bundle for registries" +
                    (m_options.caFile.empty() ? std::string() : " (" + m_options.caFile + ")") +
                    " cannot be read, so " + registry + " cannot be checked. Name a readable PEM file in the settings.";
        break;
    case Cause::Broken:
        e.message = "The connection to " + registry + " broke off (" + error.detail +
                    "). If the registry speaks plain HTTP, name it as http://" + call.location.host +
                    "; otherwise try again.";
        break;
    case Cause::TooLarge: {
        const std::string what = path.find("/manifests/") != std::string::npos  ? "a manifest"
                                 : path.find("/blobs/") != std::string::npos    ? "an image config"
                                 : path.find("/tags/list") != std::string::npos ? "a page of tags"
                                                                                : "an answer";
        e.message = "The registry " + call.name + " sent " + what + " of " + call.location.repository +
                    " larger than " + net::sizeText(error.limit) +
                    ", more than Signalbox reads of it, so it was not used. The registry, or a proxy on the "
                    "way, is misbehaving; tell its administrators.";
        break;
    }
    case Cause::ProxyDns:
    case Cause::ProxyConnect:
    case Cause::ProxyRefused:
        e.message = "The proxy on the way to " + registry + " failed (" + error.detail +
                    (error.proxyStatus ? ", it answered " + std::to_string(error.proxyStatus) : std::string()) +
                    "). Check the https_proxy and no_proxy variables.";
        break;
    default:
        e.message = "The request to " + registry + " failed: " + error.detail + ".";
        break;
    }
    return e;
}

// --- operations -------------------------------------------------------------------------------

void RegistryClient::listTags(const std::string& registry, const std::string& repository, Callback<TagList> cb)
{
    Error error;
    auto call = makeCall(registry, repository, &error);
    if (!call) {
        QTimer::singleShot(0, this, [cb, error] { cb(error); });
        return;
    }
    const std::string path =
        "/v2/" + call->location.repository + "/tags/list?n=" + std::to_string(std::max(1, m_options.pageSize));
    QPointer<RegistryClient> self(this);
    withCredentials(call, [self, call, path, cb](std::optional<Error> failed) {
        if (!self)
            return;
        if (failed) {
            cb(*failed);
            return;
        }
        self->listPage(call, path, std::make_shared<TagList>(), cb);
    });
}

template <typename T>
const HttpResponse* RegistryClient::answered(const Result<HttpResponse>& r, const Call& call, const std::string& what,
                                             const Callback<T>& cb) const
{
    if (!r.ok()) {
        cb(r.error());
        return nullptr;
    }
    if (r.value().status != 200) {
        cb(httpError(call, r.value(), what));
        return nullptr;
    }
    return &r.value();
}

void RegistryClient::listPage(std::shared_ptr<Call> call, std::string path, std::shared_ptr<TagList> acc,
                              Callback<TagList> cb)
{
    HttpRequest request;
    request.path = path;
    request.bodyLimit = maxTagPageBytes;
    QPointer<RegistryClient> self(this);
    send(call, request, [self, call, path, acc, cb](Result<HttpResponse> r) {
        if (!self)
            return;
        const HttpResponse* ok = self->answered(r, *call, "the tag list", cb);
        if (!ok)
            return;
        const HttpResponse& response = *ok;
        const auto tags = decodeTagPage(response.body);
        if (!tags) {
            Error e;
            e.kind = Error::Kind::Decode;
            e.message = "The registry " + call->name + " sent a tag list for " + call->location.repository +
                        " that is not the registry API's JSON. Check that " + call->location.server +
                        " is a container registry.";
            cb(e);
            return;
        }
        ++acc->pages;
        std::set<std::string> seen(acc->tags.begin(), acc->tags.end());
        for (const auto& t : *tags)
            if (seen.insert(t).second)
                acc->tags.push_back(t);
        std::string next = nextLink(response);
        if (next.empty()) {
            cb(std::move(*acc));
            return;
        }
        if (acc->pages >= self->m_options.maxPages) {
            acc->truncated = true;
            cb(std::move(*acc));
            return;
        }
        std::string origin, rest;
        if (splitUrl(next, origin, rest)) {
            if (lower(origin) != lower(call->location.server)) {
                Error e;
                e.kind = Error::Kind::Decode;
                e.message = "The registry " + call->name + " sent the next page of tags to another server (" + origin +
                            "), which Signalbox does not follow. Tell the registry's administrators.";
                cb(e);
                return;
            }
            next = rest;
        } else if (!startsWith(next, "/")) {
            next = path.substr(0, path.find('?')) + (startsWith(next, "?") ? "" : "?") + next;
        }
        if (next == path) {
            Error e;
            e.kind = Error::Kind::Decode;
            e.message = "The registry " + call->name +
                        " sent the same page of tags twice. Tell the registry's "
                        "administrators.";
            cb(e);
            return;
        }
        self->listPage(call, next, acc, cb);
    });
}

void RegistryClient::withTag(const std::string& registry, const std::string& repository, const std::string& tag,
                             Callback<ManifestInfo> cb, std::function<void(std::shared_ptr<Call>)> go)
{
    Error error;
    auto call = makeCall(registry, repository, &error);
    if (call && tag.empty())
        error = Error::config("No tag was given for " + call->location.repository + ". Pick one from the list.");
    if (!call || tag.empty()) {
        QTimer::singleShot(0, this, [cb, error] { cb(error); });
        return;
    }
    QPointer<RegistryClient> self(this);
    withCredentials(call, [self, call, cb, go](std::optional<Error> failed) {
        if (!self)
            return;
        if (failed) {
            cb(*failed);
            return;
        }
        go(call);
    });
}

void RegistryClient::resolve(const std::string& registry, const std::string& repository, const std::string& tag,
                             Callback<ManifestInfo> cb)
{
    withTag(registry, repository, tag, cb, [this, tag, cb](std::shared_ptr<Call> call) {
        readManifest(call, tag, true, std::make_shared<ManifestInfo>(), cb);
    });
}

void RegistryClient::resolveDigest(const std::string& registry, const std::string& repository, const std::string& tag,
                                   Callback<ManifestInfo> cb)
{
    withTag(registry, repository, tag, cb, [this, tag, cb](std::shared_ptr<Call> call) {
        QPointer<RegistryClient> self(this);
        HttpRequest request;
        request.method = "HEAD";
        request.noBody = true;
        request.path = "/v2/" + call->location.repository + "/manifests/" + tag;
        request.headers.push_back(kTopAccept);
        self->send(call, request, [self, call, tag, cb](Result<HttpResponse> r) {
            if (!self)
                return;
            if (r.ok() && r.value().status == 200) {
                const std::string digest = trim(r.value().header("docker-content-digest"));
                if (startsWith(digest, "sha256:")) {
                    ManifestInfo info;
                    info.digest = digest;
                    const std::string type = r.value().header("content-type");
                    info.mediaType = trim(type.substr(0, type.find(';')));
                    cb(std::move(info));
                    return;
                }
            }
            const long status = r.ok() ? r.value().status : 0;
            if (!r.ok() || status == 401 || status == 403 || status == 404 || status == 429) {
                self->answered(r, *call, "tag " + tag, cb); // says why, as a GET's answer would
                return;
            }
            // No digest in the answer, or no HEAD on this registry: the manifest itself, hashed.
            self->readManifest(call, tag, true, std::make_shared<ManifestInfo>(), cb, false);
        });
    });
}

void RegistryClient::readManifest(std::shared_ptr<Call> call, std::string reference, bool top,
                                  std::shared_ptr<ManifestInfo> info, Callback<ManifestInfo> cb, bool describe)
{
    HttpRequest request;
    request.path = "/v2/" + call->location.repository + "/manifests/" + reference;
    request.headers.push_back(top ? kTopAccept : kImageAccept);
    request.bodyLimit = maxManifestBytes;
    QPointer<RegistryClient> self(this);
    send(call, request, [self, call, reference, top, info, cb, describe](Result<HttpResponse> r) {
        if (!self)
            return;
        const HttpResponse* ok = self->answered(r, *call, top ? "tag " + reference : "image " + reference, cb);
        if (!ok)
            return;
        const HttpResponse& response = *ok;
        const auto bad = [&](const std::string& why) {
            Error e;
            e.kind = Error::Kind::Decode;
            e.message = "The registry " + call->name + " sent a manifest for " + call->location.repository + ":" +
                        reference + " that " + why + ". The image there is damaged or of an unknown kind.";
            cb(e);
        };
        const ManifestDocument doc = decodeManifest(response.body, response.header("content-type"));
        if (!doc.problem.empty())
            return bad(doc.problem);
        const std::string computed = sha256Digest(response.body);
        if (top) {
            const std::string header = trim(response.header("docker-content-digest"));
            info->digest = header.empty() ? computed : header;
            info->mediaType = doc.mediaType;
            if (!describe) {
                cb(*info);
                return;
            }
        } else {
            if (startsWith(reference, "sha256:") && computed != reference)
                return bad("does not match its digest");
            info->platformDigest = reference;
        }
        if (doc.index) {
            if (!top)
                return bad("is an index inside an index");
            if (doc.chosen.empty()) {
                cb(*info);
                return;
            }
            self->readManifest(call, doc.chosen, false, info, cb);
            return;
        }
        if (doc.configDigest.empty()) {
            cb(*info); // an old (schema 1) or non-image manifest: the digest is all there is
            return;
        }
        self->readConfig(call, doc.configDigest, info, cb);
    });
}

void RegistryClient::readConfig(std::shared_ptr<Call> call, std::string digest, std::shared_ptr<ManifestInfo> info,
                                Callback<ManifestInfo> cb)
{
    HttpRequest request;
    request.path = "/v2/" + call->location.repository + "/blobs/" + digest;
    request.bodyLimit = maxManifestBytes;
    QPointer<RegistryClient> self(this);
    send(call, request, [self, call, digest, info, cb](Result<HttpResponse> r) {
        if (!self)
            return;
        const HttpResponse* ok = self->answered(r, *call, "the image config " + digest, cb);
        if (!ok)
            return;
        const HttpResponse& response = *ok;
        if ((startsWith(digest, "sha256:") && sha256Digest(response.body) != digest) ||
            !decodeConfig(response.body, *info)) {
            Error e;
            e.kind = Error::Kind::Decode;
            e.message = "The registry " + call->name + " sent an image config for " + call->location.repository +
                        " that is damaged (not JSON, or not matching its digest). Push the image again.";
            cb(e);
            return;
        }
        cb(*info);
    });
}

std::optional<std::vector<std::string>> RegistryClient::decodeTagPage(const std::string& body)
{
    const Json page = Json::parse(body, nullptr, false);
    if (!page.is_object())
        return std::nullopt;
    const auto it = page.find("tags");
    if (it == page.end() || it->is_null())
        return std::vector<std::string>{};
    if (!it->is_array())
        return std::nullopt;
    std::vector<std::string> tags;
    for (const auto& t : *it)
        if (t.is_string())
            tags.push_back(t.get<std::string>());
    return tags;
}

RegistryClient::ManifestDocument RegistryClient::decodeManifest(const std::string& body, const std::string& contentType)
{
    ManifestDocument out;
    const Json doc = Json::parse(body, nullptr, false);
    if (!doc.is_object()) {
        out.problem = "is not JSON";
        return out;
    }
    const std::string declared = str(doc, "mediaType");
    out.mediaType = declared.empty() ? trim(contentType.substr(0, contentType.find(';'))) : declared;
    const auto manifests = doc.find("manifests");
    out.index = out.mediaType == "application/vnd.oci.image.index.v1+json" ||
                out.mediaType == "application/vnd.docker.distribution.manifest.list.v2+json" ||
                (manifests != doc.end() && manifests->is_array());
    if (out.index) {
        if (manifests == doc.end() || !manifests->is_array() || manifests->empty())
            return out;
        const Json* chosen = &(*manifests)[0];
        for (const auto& entry : *manifests) {
            const auto platform = entry.is_object() ? entry.find("platform") : entry.end();
            if (entry.is_object() && platform != entry.end() && str(*platform, "os") == "linux" &&
                str(*platform, "architecture") == "amd64") {
                chosen = &entry;
                break;
            }
        }
        out.chosen = str(*chosen, "digest");
        if (out.chosen.empty())
            out.problem = "lists an image without a digest";
        return out;
    }
    const auto config = doc.find("config");
    if (config != doc.end())
        out.configDigest = str(*config, "digest");
    return out;
}

bool RegistryClient::decodeConfig(const std::string& body, ManifestInfo& info)
{
    const Json config = Json::parse(body, nullptr, false);
    if (!config.is_object())
        return false;
    info.created = str(config, "created");
    info.createdTime = info.created.empty() ? std::nullopt : parseTime(info.created);
    const auto inner = config.find("config");
    if (inner != config.end() && inner->is_object()) {
        const auto labels = inner->find("Labels");
        if (labels != inner->end() && labels->is_object())
            for (const auto& [k, v] : labels->items())
                if (v.is_string())
                    info.labels[k] = v.get<std::string>();
    }
    if (const auto it = info.labels.find("org.opencontainers.image.revision"); it != info.labels.end())
        info.revision = it->second;
    return true;
}

void RegistryClient::listTagsWithInfo(const std::string& registry, const std::string& repository,
                                      Callback<std::vector<TagInfo>> cb)
{
    listResolved(registry, repository, true, std::move(cb));
}

void RegistryClient::listTagDigests(const std::string& registry, const std::string& repository,
                                    Callback<std::vector<TagInfo>> cb)
{
    listResolved(registry, repository, false, std::move(cb));
}

void RegistryClient::listResolved(const std::string& registry, const std::string& repository, bool describe,
                                  Callback<std::vector<TagInfo>> cb)
{
    QPointer<RegistryClient> self(this);
    listTags(registry, repository, [self, registry, repository, describe, cb](Result<TagList> listed) {
        if (!self)
            return;
        if (!listed.ok()) {
            cb(listed.error());
            return;
        }
        auto batch = std::make_shared<Batch>();
        batch->registry = registry;
        batch->repository = repository;
        batch->describe = describe;
        batch->cb = cb;
        for (const auto& tag : listed->tags)
            batch->results.push_back(TagInfo{tag, std::nullopt, {}});
        if (batch->results.empty()) {
            cb(std::vector<TagInfo>{});
            return;
        }
        self->resolveNext(batch);
    });
}

void RegistryClient::resolveNext(std::shared_ptr<Batch> batch)
{
    const std::size_t parallel = static_cast<std::size_t>(std::max(1, m_options.parallelResolves));
    QPointer<RegistryClient> self(this);
    while (batch->running < parallel && batch->next < batch->results.size()) {
        const std::size_t i = batch->next++;
        ++batch->running;
        auto answered = [self, batch, i](Result<ManifestInfo> r) {
            if (!self)
                return;
            --batch->running;
            ++batch->finished;
            if (r.ok()) {
                batch->results[i].info = std::move(r).value();
                batch->results[i].described = batch->describe;
            } else {
                batch->results[i].error = r.error().message;
                ++batch->failures;
                if (!batch->firstError)
                    batch->firstError = r.error();
            }
            if (batch->finished < batch->results.size()) {
                self->resolveNext(batch);
                return;
            }
            // When no tag resolves, the cause is the registry's, not one tag's: say it once.
            if (batch->failures == batch->results.size()) {
                batch->cb(*batch->firstError);
                return;
            }
            sortNewestFirst(batch->results);
            batch->cb(std::move(batch->results));
        };
        if (batch->describe)
            resolve(batch->registry, batch->repository, batch->results[i].tag, answered);
        else
            resolveDigest(batch->registry, batch->repository, batch->results[i].tag, answered);
    }
}

} // namespace oci
