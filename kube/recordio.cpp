#include "client.h"
#include "objects.h"
#include "record.h"
#include "resource.h"

#include <memory>
#include <optional>

// The record's reads and writes; the rules they follow are record.cpp's.
namespace kube {

namespace {

using nlohmann::json;

constexpr int conflictRetries = 5;

json dataOf(const NamespaceRecord& r)
{
    return {{recordHistoryKey, r.record.history}, {recordAuthorsKey, r.record.authors}, {recordFromKey, r.from}};
}

// The whole object as an update sends it: the labels and annotations as read, the resourceVersion read
// (empty: a create).
json recordObject(const std::string& ns, const NamespaceRecord& r, const ObjectMeta* read)
{
    json meta = {{"name", recordName}, {"namespace", ns}};
    Labels labels = read ? read->labels : Labels{};
    labels.emplace("app.kubernetes.io/managed-by", "signalbox");
    meta["labels"] = labels;
    if (read && !read->annotations.empty())
        meta["annotations"] = read->annotations;
    if (read)
        meta["resourceVersion"] = read->resourceVersion;
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", std::move(meta)}, {"data", dataOf(r)}};
}

// One appender's state: the entries still to write, and the record as last read or written.
struct Appending {
    Client* client = nullptr;
    std::string ns, writer;
    std::vector<HistoryEntry> entries;
    std::size_t next = 0;
    int attempt = 0;
    std::optional<ConfigMap> current; // nullopt: not read yet, or read as absent (see absent)
    bool absent = false;
    RecordWritten written;
    std::function<void(RecordWritten)> done;
};

void step(std::shared_ptr<Appending> a);

void fail(const std::shared_ptr<Appending>& a, const Error& e)
{
    a->written.extended = false;
    const std::string what = e.apiReason == Error::Reason::Forbidden
                                 ? " (you may not get, create or update it; the example roles in "
                                   "deploy/examples/uro/30-rbac.yaml grant it)"
                                 : "";
    a->written.problem = "The namespace's record (ConfigMap " + a->ns + "/" + recordName +
                         ") could not be extended: " + e.message + what +
                         ". The action itself is done and its history annotation holds it.";
    a->done(a->written);
}

void read(std::shared_ptr<Appending> a)
{
    ++a->written.requests;
    a->client->getConfigMap(a->ns, recordName, [a](Result<ConfigMap> r) {
        if (!r && r.error().apiReason == Error::Reason::NotFound) {
            a->current.reset();
            a->absent = true;
            step(a);
            return;
        }
        if (!r) {
            fail(a, r.error());
            return;
        }
        a->current = std::move(r).value();
        a->absent = false;
        step(a);
    });
}

// Written (or lost to another writer): the next entry, or the same one on a fresh read.
void answered(const std::shared_ptr<Appending>& a, Result<json> r)
{
    if (r) {
        if (auto written = parseConfigMap(r.value()))
            a->current = std::move(written).value();
        else
            a->current.reset(); // read again before the next entry
        a->absent = false;
        a->attempt = 0;
        ++a->next;
        step(a);
        return;
    }
    const auto reason = r.error().apiReason;
    // Another writer came first (or removed the record meanwhile): read again and append to what is there.
    if ((reason == Error::Reason::Conflict || reason == Error::Reason::AlreadyExists ||
         reason == Error::Reason::NotFound) &&
        a->attempt < conflictRetries) {
        ++a->attempt;
        a->current.reset();
        a->absent = false;
        read(a);
        return;
    }
    fail(a, r.error());
}

void step(std::shared_ptr<Appending> a)
{
    if (a->next == a->entries.size()) {
        a->written.extended = true;
        a->done(a->written);
        return;
    }
    if (!a->current && !a->absent) {
        read(a);
        return;
    }
    const NamespaceRecord before = a->current ? recordFromData(a->current->data) : NamespaceRecord{};
    const NamespaceRecord after = appendRecord(before, a->entries[a->next], a->writer);
    ++a->written.requests;
    if (!a->current) {
        a->client->create(resources::configMaps, a->ns, recordObject(a->ns, after, nullptr),
                          [a](Result<json> r) { answered(a, std::move(r)); });
        return;
    }
    HttpRequest put;
    put.method = "PUT";
    put.path = resources::configMaps.path(a->ns, recordName);
    put.body = goJson(recordObject(a->ns, after, &a->current->meta));
    put.contentType = "application/json";
    a->client->send(std::move(put), Client::Target{"update", resources::configMaps, a->ns, recordName},
                    [a](Result<json> r) { answered(a, std::move(r)); });
}

} // namespace

void readRecords(Client* client, const std::set<std::string>& namespaces,
                 std::function<void(std::map<std::string, Result<ReadRecord>>)> done)
{
    struct Reads {
        std::map<std::string, Result<ReadRecord>> read;
        std::size_t waiting = 0;
    };
    auto reads = std::make_shared<Reads>();
    reads->waiting = namespaces.size();
    if (namespaces.empty()) {
        done({});
        return;
    }
    for (const std::string& ns : namespaces)
        client->getConfigMap(ns, recordName, [reads, ns, done](Result<ConfigMap> r) {
            if (r)
                reads->read.emplace(ns, decodeRecord(recordFromData(r->data)));
            else if (r.error().apiReason == Error::Reason::NotFound)
                reads->read.emplace(ns, ReadRecord{});
            else
                reads->read.emplace(ns, r.error());
            if (--reads->waiting == 0)
                done(std::move(reads->read));
        });
}

void appendToRecord(Client* client, const std::string& ns, std::vector<HistoryEntry> entries, const std::string& writer,
                    std::function<void(RecordWritten)> done)
{
    auto a = std::make_shared<Appending>();
    a->client = client;
    a->ns = ns;
    a->writer = writer;
    a->entries = std::move(entries);
    a->done = std::move(done);
    step(a);
}

} // namespace kube
