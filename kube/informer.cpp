#include "informer.h"

#include <QTimer>
#include <algorithm>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace kube {

namespace {
constexpr int initialBackoffMs = 250;
constexpr int maxBackoffMs = 8000; // short enough that a restarted server is seen again soon

std::string resourceVersionOf(const Json& object)
{
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object())
        return {};
    const Json& v = object["metadata"].value("resourceVersion", Json());
    return v.is_string() ? v.get<std::string>() : std::string();
}

// What a removal says when only the key of the object is left: its namespace and name.
Json goneObject(const std::string& key)
{
    const auto slash = key.find('/');
    Json meta = {{"name", key.substr(slash + 1)}};
    if (slash > 0)
        meta["namespace"] = key.substr(0, slash);
    return Json{{"metadata", std::move(meta)}};
}

// A large list's decoded pages leave much of the heap free but held by the allocator; give it back.
void releaseFreedMemory()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

// The bookmark that closes a watch's initial events.
bool isInitialEventsEnd(const Json& object)
{
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object())
        return false;
    const Json& a = object["metadata"].value("annotations", Json());
    return a.is_object() && a.value("k8s.io/initial-events-end", Json()) == Json("true");
}
} // namespace

Informer::Informer(Client* client, Key key, QObject* parent)
    : QObject(parent), m_client(client), m_key(std::move(key)), m_retry(new QTimer(this))
{
    m_retry->setSingleShot(true);
    m_poll = new QTimer(this);
    m_poll->setSingleShot(true);
    connect(m_poll, &QTimer::timeout, this, &Informer::relist);
    connect(m_retry, &QTimer::timeout, this, [this] {
        if (m_resourceVersion.empty())
            relist();
        else
            rewatch();
    });
}

Informer::~Informer()
{
    if (m_request && m_client)
        m_client->cancel(m_request);
}

std::string Informer::objectKey(const Json& object)
{
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object())
        return {};
    const Json& m = object["metadata"];
    const std::string ns = m.value("namespace", Json()).is_string() ? m["namespace"].get<std::string>() : "";
    const std::string name = m.value("name", Json()).is_string() ? m["name"].get<std::string>() : "";
    return ns + "/" + name;
}

void Informer::setPollInterval(int ms)
{
    if (ms == m_pollMs)
        return;
    m_pollMs = ms;
    // Restart from a list in the new mode.
    if (m_request) {
        m_client->cancel(m_request);
        m_request = 0;
    }
    m_retry->stop();
    m_poll->stop();
    relist();
}

void Informer::start()
{
    if (m_request == 0 && !m_retry->isActive())
        relist();
}

void Informer::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    if (s == State::Disconnected)
        m_disconnectedSince = QDateTime::currentDateTimeUtc();
    else if (s == State::Live)
        m_disconnectedSince = {};
    Q_EMIT stateChanged(s);
}

void Informer::relist()
{
    ++m_relists;
    m_resourceVersion.clear();
    if (m_initialEvents && m_pollMs == 0) {
        // One request instead of two: the watch begins with the current objects.
        m_collecting = true;
        m_collected.clear();
        rewatch();
        return;
    }
    m_listedVersions.clear();
    m_listedObjects.clear();
    m_pages = 0;
    listPage({});
}

void Informer::listPage(const std::string& continueToken)
{
    ListOptions options;
    options.labelSelector = m_key.labelSelector;
    options.fieldSelector = m_key.fieldSelector;
    options.limit = m_key.pageSize;
    options.continueToken = continueToken;
    if (continueToken.empty() && !m_startVersion.empty()) {
        options.resourceVersion = m_startVersion;
        options.resourceVersionMatch = "NotOlderThan";
    }
    m_request = m_client->list(m_key.resource, m_key.ns, options, [this](Result<Json> r) {
        m_request = 0;
        if (!r) {
            // An expired continue token is a 410 too: the list starts again from its first page.
            failed(r.error());
            return;
        }
        const Json& list = r.value();
        ++m_pages;
        if (list.contains("items") && list["items"].is_array())
            for (const Json& item : list["items"])
                if (std::string k = objectKey(item); !k.empty())
                    reportFresh(k, item);
        std::string next;
        if (const Json* meta = list.is_object() && list.contains("metadata") ? &list["metadata"] : nullptr;
            meta && meta->is_object() && meta->value("continue", Json()).is_string())
            next = (*meta)["continue"].get<std::string>();
        if (!next.empty() && m_key.pageSize > 0)
            listPage(next);
        else
            listed(resourceVersionOf(list));
    });
}

// One object of a list under way. Without kept objects it goes out at once (added, or modified
// when its version differs from the one held), so a paged list's pages are not held together.
void Informer::reportFresh(const std::string& key, const Json& object)
{
    if (m_key.keepObjects) {
        m_listedObjects.emplace(key, object);
        return;
    }
    std::string version = resourceVersionOf(object);
    const auto held = m_versions.find(key);
    if (held == m_versions.end())
        Q_EMIT added(object);
    else if (held->second != version)
        Q_EMIT modified(object);
    m_listedVersions[key] = std::move(version);
}

void Informer::listed(const std::string& resourceVersion)
{
    if (m_key.keepObjects) {
        replaceStore(std::move(m_listedObjects), resourceVersion);
        m_listedObjects.clear();
    } else {
        // Every page is reported; what the list no longer holds is gone.
        std::map<std::string, std::string> old;
        old.swap(m_versions);
        m_versions.swap(m_listedVersions);
        becomeLive(resourceVersion);
        for (const auto& [k, version] : old)
            if (!m_versions.count(k))
                Q_EMIT removed(goneObject(k));
        Q_EMIT synced();
    }
    if (m_pages > 1)
        releaseFreedMemory();
    if (m_pollMs > 0)
        m_poll->start(m_pollMs);
    else
        rewatch();
}

void Informer::becomeLive(const std::string& resourceVersion)
{
    m_resourceVersion = resourceVersion;
    m_startVersion.clear();
    m_synced = true;
    m_backoffMs = 0;
    setState(State::Live);
}

void Informer::replaceStore(std::map<std::string, Json> fresh, const std::string& resourceVersion)
{
    // Report the difference object by object, so views update rows rather than reset.
    std::map<std::string, std::string> old;
    old.swap(m_versions);
    std::map<std::string, Json> oldObjects;
    oldObjects.swap(m_objects);
    becomeLive(resourceVersion);
    for (const auto& [k, version] : old)
        if (!fresh.count(k)) {
            auto o = oldObjects.find(k);
            Q_EMIT removed(o != oldObjects.end() ? o->second : goneObject(k));
        }
    for (auto& [k, obj] : fresh) {
        const std::string version = resourceVersionOf(obj);
        m_versions[k] = version;
        auto it = old.find(k);
        if (it == old.end())
            Q_EMIT added(obj);
        else if (it->second != version)
            Q_EMIT modified(obj);
        if (m_key.keepObjects)
            m_objects[k] = std::move(obj);
    }
    Q_EMIT synced();
}

void Informer::rewatch()
{
    WatchOptions options;
    options.labelSelector = m_key.labelSelector;
    options.fieldSelector = m_key.fieldSelector;
    options.resourceVersion = m_collecting ? m_startVersion : m_resourceVersion;
    options.sendInitialEvents = m_collecting;
    m_request = m_client->watch(
        m_key.resource, m_key.ns, options, [this](const std::string& type, const Json& object) { apply(type, object); },
        [this](Result<Unit> end) {
            m_request = 0;
            if (!end && m_collecting && end.error().kind == Error::Kind::Api &&
                (end.error().httpStatus == 400 || end.error().httpStatus == 422)) {
                // The server does not send initial events (WatchList off): list, then watch.
                m_initialEvents = false;
                m_collecting = false;
                relist();
                return;
            }
            if (!end) {
                failed(end.error());
                return;
            }
            if (m_collecting) {
                relist(); // ended before its initial events were complete: begin again
                return;
            }
            // The server closed the stream after its timeout: carry on from where it was.
            setState(State::Live);
            rewatch();
        });
}

void Informer::apply(const std::string& type, const Json& object)
{
    if (type == "OPEN") {
        m_backoffMs = 0;
        setState(State::Live);
        return;
    }
    if (m_collecting) {
        if (type == "ADDED") {
            if (std::string k = objectKey(object); !k.empty())
                m_collected[k] = object;
        } else if (type == "BOOKMARK" && isInitialEventsEnd(object)) {
            m_collecting = false;
            replaceStore(std::move(m_collected), resourceVersionOf(object));
            m_collected.clear();
        }
        return;
    }
    const std::string rv = resourceVersionOf(object);
    if (!rv.empty())
        m_resourceVersion = rv;
    if (m_state != State::Live)
        setState(State::Live);
    m_backoffMs = 0;
    if (type == "BOOKMARK")
        return;
    const std::string k = objectKey(object);
    if (k.empty())
        return;
    if (type == "DELETED") {
        m_objects.erase(k);
        m_versions.erase(k);
        Q_EMIT removed(object);
    } else if (type == "ADDED" || type == "MODIFIED") {
        const bool existed = m_versions.count(k) > 0;
        m_versions[k] = rv;
        if (m_key.keepObjects)
            m_objects[k] = object;
        if (existed)
            Q_EMIT modified(object);
        else
            Q_EMIT added(object);
    }
}

void Informer::failed(const Error& error)
{
    m_lastError = error;
    // A server whose cache has not reached the start version (another API server than the one
    // written to) says so after a few seconds: from then on, the newest state will do.
    m_startVersion.clear();
    if (error.kind == Error::Kind::Api && error.httpStatus == 410) {
        // Too old to continue from: list again at once, which is what the server asks for.
        m_resourceVersion.clear();
        relist();
        return;
    }
    if (error.kind == Error::Kind::Decode)
        m_resourceVersion.clear();
    m_collecting = false;
    setState(State::Disconnected);
    m_backoffMs = m_backoffMs == 0 ? initialBackoffMs : std::min(m_backoffMs * 2, maxBackoffMs);
    m_retry->start(m_backoffMs);
}

Informer* InformerRegistry::informer(Client* client, const Informer::Key& key)
{
    auto& slot = m_informers[{client, key.id()}];
    if (!slot) {
        slot = new Informer(client, key, this);
        slot->start();
    }
    return slot;
}

void InformerRegistry::release(Informer* informer)
{
    for (auto it = m_informers.begin(); it != m_informers.end(); ++it)
        if (it->second == informer) {
            m_informers.erase(it);
            informer->deleteLater();
            return;
        }
}

} // namespace kube
