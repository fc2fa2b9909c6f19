// What the namespace's record (kube/record.h) costs: for a record empty, a quarter, half and fully
// filled with swap entries as Signalbox writes them, the API requests and bytes one appended entry
// takes, and the time and bytes to read and merge the whole record as `signalbox timeline` does.
//
//     build/bench/bench_record [--kubeconfig FILE] [--namespace uro] [--rounds 10]
//
// It overwrites the record of that namespace (on the local rig: scripts/cluster up; it is the
// admin's kubeconfig there) and deletes it at the end.
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/record.h"
#include "kube/resource.h"
#include "model/rules/timeline.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStringList>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

QString argument(const QStringList& args, const QString& name, const QString& fallback)
{
    const int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
}

// A swap entry of the size Signalbox writes (images by digest, commits, build times, checks).
kube::HistoryEntry swapEntry(int i)
{
    kube::HistoryEntry e;
    e.at = QDateTime::currentDateTimeUtc().addSecs(-3600LL * (5000 - i)).toString(Qt::ISODate).toStdString();
    e.started = e.at;
    e.user = "operator";
    e.action = "swap";
    e.service = i % 2 ? "uro" : "uro-frontend";
    e.healthCheck = "passed";
    e.smokeCheck = "passed";
    for (kube::HistorySlot* s : {&e.from, &e.to}) {
        s->slot = s == &e.from ? "a" : "b";
        s->deployment = "uro-" + s->slot;
        s->image = "registry.example/v-sekai/uro@sha256:" + std::string(64, 'a');
        s->tag = "3f2c1a9";
        s->digest = "sha256:" + std::string(64, 'b');
        s->commit = std::string(40, 'c');
        s->created = e.at;
    }
    return e;
}

template <typename T, typename Start> T await(Start start)
{
    std::optional<T> out;
    QEventLoop loop;
    start([&](T r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// A record of swap entries up to `fill` of the byte cap (or the entry cap).
kube::NamespaceRecord filled(double fill)
{
    kube::NamespaceRecord r;
    std::size_t held = 0;
    for (int i = 0; held < kube::recordEntryLimit; ++i) {
        const auto next = kube::appendRecord(r, swapEntry(i), "operator");
        if (double(next.record.history.size() + next.record.authors.size()) > fill * double(kube::recordByteLimit))
            break;
        r = next;
        ++held;
    }
    return r;
}

// Deletes the namespace's record and, unless `r` is empty, creates it as `r`.
bool replaceRecord(kube::Client& client, const std::string& ns, const kube::NamespaceRecord& r)
{
    kube::HttpRequest del;
    del.method = "DELETE";
    del.path = kube::resources::configMaps.path(ns, kube::recordName);
    await<kube::Result<kube::Json>>([&](auto cb) {
        client.send(del, kube::Client::Target{"delete", kube::resources::configMaps, ns, kube::recordName}, cb);
    });
    if (r.record.history.empty())
        return true;
    const kube::Json body = {{"apiVersion", "v1"},
                             {"kind", "ConfigMap"},
                             {"metadata", {{"name", kube::recordName}, {"namespace", ns}}},
                             {"data",
                              {{kube::recordHistoryKey, r.record.history},
                               {kube::recordAuthorsKey, r.record.authors},
                               {kube::recordFromKey, r.from}}}};
    const auto made =
        await<kube::Result<kube::Json>>([&](auto cb) { client.create(kube::resources::configMaps, ns, body, cb); });
    if (!made)
        std::fprintf(stderr, "bench: %s\n", made.error().message.c_str());
    return bool(made);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    kube::KubeconfigOptions options = kube::KubeconfigOptions::fromEnvironment();
    options.explicitPath = argument(args, QStringLiteral("--kubeconfig"), QString()).toStdString();
    auto rest = kube::loadRestConfig(options);
    if (!rest) {
        std::fprintf(stderr, "bench: %s\n", rest.error().message.c_str());
        return 1;
    }
    const std::string ns = argument(args, QStringLiteral("--namespace"), QStringLiteral("uro")).toStdString();
    const int rounds = argument(args, QStringLiteral("--rounds"), QStringLiteral("10")).toInt();
    kube::Transport transport;
    kube::Client client(rest.value(), &transport);
    const std::size_t entryBytes =
        swapEntry(0).toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
    std::printf("record: cap %zu KiB, %zu entries; a swap entry takes %zu bytes\n", kube::recordByteLimit / 1024,
                kube::recordEntryLimit, entryBytes);
    std::printf("%-8s %8s %9s %12s %12s %10s %10s %10s\n", "fill", "entries", "requests", "KiB/append", "ms/append",
                "KiB/read", "ms/read", "ms/merge");
    for (const double fill : {0.0, 0.25, 0.5, 1.0}) {
        // The record at this fill, written at once.
        const kube::NamespaceRecord r = filled(fill);
        if (!replaceRecord(client, ns, r))
            return 1;
        const std::size_t held = kube::decodeRecord(r).entries.size();
        const double objectKiB = double(r.record.history.size() + r.record.authors.size()) / 1024;
        // Appending: a GET answer, a PUT body and its answer, each the whole object (a first entry: one create).
        std::vector<double> appendMs;
        int requests = 0;
        for (int k = 0; k < rounds; ++k) {
            QElapsedTimer t;
            t.start();
            const auto w = await<kube::RecordWritten>(
                [&](auto cb) { kube::appendToRecord(&client, ns, {swapEntry(5000 + k)}, "operator", cb); });
            appendMs.push_back(double(t.nsecsElapsed()) / 1e6);
            if (!w.extended) {
                std::fprintf(stderr, "bench: %s\n", w.problem.c_str());
                return 1;
            }
            requests = std::max(requests, w.requests);
        }
        const double appendKiB = held == 0 ? double(entryBytes) / 1024 * 2 : objectKiB * 3;
        // Reading: one GET per namespace, then the merge as timeline does it.
        std::vector<double> readMs, mergeMs;
        double readKiB = 0;
        for (int k = 0; k < rounds; ++k) {
            QElapsedTimer t;
            t.start();
            const auto read = await<std::map<std::string, kube::Result<kube::ReadRecord>>>(
                [&](auto cb) { kube::readRecords(&client, {ns}, cb); });
            readMs.push_back(double(t.nsecsElapsed()) / 1e6);
            const auto& got = read.at(ns);
            if (!got)
                return 1;
            t.restart();
            const auto merged = model::timelineOf(
                model::recordedHistories(ns, got->entries, {{"uro", "uro"}, {"uro-frontend", "uro"}}));
            mergeMs.push_back(double(t.nsecsElapsed()) / 1e6);
            readKiB = objectKiB;
            (void)merged;
        }
        std::printf("%-8s %8zu %9d %12.1f %12.1f %10.1f %10.1f %10.1f\n",
                    (std::to_string(int(fill * 100)) + "%").c_str(), held, requests, appendKiB, median(appendMs),
                    readKiB, median(readMs), median(mergeMs));
    }
    return replaceRecord(client, ns, {}) ? 0 : 1;
}
