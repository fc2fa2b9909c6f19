#pragma once

#include "client.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <map>
#include <memory>

class QTimer;

namespace kube {

// Keeps an up-to-date copy of one resource in one namespace (optionally one label selector):
// list, then watch from the list's resourceVersion; reopen the watch when the server ends it;
// list again when the server says the version is too old (410 Expired); reconnect with backoff
// after a network or server failure. Changes are signalled one object at a time.
class Informer : public QObject {
    Q_OBJECT

public:
    struct Key {
        Resource resource;
        std::string ns;
        std::string labelSelector;
        std::string fieldSelector = {};
        // Off: only each object's resourceVersion is kept (for the relist's difference); the objects
        // go out in the signals, for a typed cache of the caller's, and objects() stays empty.
        bool keepObjects = true;
        // Lists in pages of this many objects (0: one response), each decoded and reported before the
        // next is asked for, so a large list neither holds the event loop nor the memory of all of it.
        // Not part of the identity.
        int pageSize = 0;
        std::string id() const
        {
            return resource.qualifiedName() + "|" + ns + "|" + labelSelector + "|" + fieldSelector +
                   (keepObjects ? "" : "|lean");
        }
    };
    enum class State { Connecting, Live, Disconnected };
    Q_ENUM(State)

    Informer(Client* client, Key key, QObject* parent = nullptr);
    ~Informer() override;

    void start();
    // Polling instead of watching: list again every `ms` milliseconds (0: watch).
    void setPollInterval(int ms);
    // Before start(): list and watch in one request (the watch's initial events), falling back to
    // a list and a watch when the server does not offer it.
    void setInitialEvents(bool on) { m_initialEvents = on; }
    // Before start(): the first complete list may be any state the server holds that is not older
    // than `resourceVersion` ("0": any state it holds), instead of the newest. The server answers
    // such a list from its cache at once; the newest state can wait up to the storage's next
    // progress report (about 100 ms) after a write to another resource. Events follow either way.
    void setStartVersion(std::string resourceVersion) { m_startVersion = std::move(resourceVersion); }
    int pollInterval() const { return m_pollMs; }
    const Key& key() const { return m_key; }
    State state() const { return m_state; }
    bool hasSynced() const { return m_synced; }
    QDateTime disconnectedSince() const { return m_disconnectedSince; }
    const Error& lastError() const { return m_lastError; }
    // By "namespace/name" (empty when the key does not keep objects).
    const std::map<std::string, Json>& objects() const { return m_objects; }
    std::size_t size() const { return m_versions.size(); }
    int relistCount() const { return m_relists; }

    static std::string objectKey(const Json& object);

Q_SIGNALS:
    void added(const kube::Json& object);
    void modified(const kube::Json& object);
    void removed(const kube::Json& object);
    void synced(); // the first complete list arrived, or a relist replaced the store
    void stateChanged(kube::Informer::State state);

private:
    void relist();
    void listPage(const std::string& continueToken);
    void listed(const std::string& resourceVersion);
    void rewatch();
    void failed(const Error& error);
    void setState(State s);
    void apply(const std::string& type, const Json& object);
    // A complete list is in: the watch goes on from its resourceVersion.
    void becomeLive(const std::string& resourceVersion);
    void replaceStore(std::map<std::string, Json> fresh, const std::string& resourceVersion);
    void reportFresh(const std::string& key, const Json& object);

    Client* m_client;
    Key m_key;
    State m_state = State::Connecting;
    bool m_synced = false;
    std::map<std::string, Json> m_objects;
    std::map<std::string, std::string> m_versions; // resourceVersion by key, of every object held
    std::string m_resourceVersion;
    std::string m_startVersion; // setStartVersion()'s, until the first complete list
    Client::Id m_request = 0;
    QTimer* m_retry = nullptr;
    int m_backoffMs = 0;
    int m_relists = 0;
    int m_pollMs = 0;
    bool m_initialEvents = false;
    // A paged list under way: what its pages held so far (resourceVersion by key; the objects
    // themselves only when the key keeps them), and how many pages it took.
    std::map<std::string, std::string> m_listedVersions;
    std::map<std::string, Json> m_listedObjects;
    int m_pages = 0;
    bool m_collecting = false;               // a watch's initial events are arriving
    std::map<std::string, Json> m_collected; // ... and these came so far
    QTimer* m_poll = nullptr;
    QDateTime m_disconnectedSince;
    Error m_lastError;
};

// One informer per (client, resource, namespace, selector), shared by every view that needs it.
class InformerRegistry : public QObject {
    Q_OBJECT

public:
    explicit InformerRegistry(QObject* parent = nullptr) : QObject(parent) {}
    Informer* informer(Client* client, const Informer::Key& key);
    // Stops and forgets one informer (deleted later); its signals go on until then, so the caller
    // disconnects first.
    void release(Informer* informer);
    std::size_t size() const { return m_informers.size(); }

private:
    std::map<std::pair<Client*, std::string>, QPointer<Informer>> m_informers;
};

} // namespace kube
