#pragma once

#include "kube/kubeconfig.h"
#include "model/observe/logstream.h"
#include "model/rules/plan.h"
#include "model/rules/servicespec.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace cli {

// The command and its options, as typed and checked.
struct Options {
    QString command;
    QStringList args;
    bool json = false;
    bool yes = false;
    bool wait = false;
    std::optional<model::Slot> expectLive;
    QString to;
    QString from; // diff: the first side (live, staging, sandbox, a, b)
    QString image;
    QString tag;
    bool group = false;
    bool deploys = false; // history: the Deployments' deploys too
    int watchSeconds = 0; // swap --watch: how long the new live slot is watched (0: not)
    bool rollbackOnFailure = false;
    std::set<model::Evidence> skip; // swap: the evidence about staging to swap without
    std::string slot;               // check, logs: a, b, live, staging, sandbox (check: empty is live and staging)
    std::string pod;                // logs
    std::string against;            // analyze: the baseline's slot (live, staging, a or b)
    int windowSeconds = 0;          // analyze: the queries' window (0: the analysis's own)
    int looks = 0;                  // analyze: how many looks (0: one)
    model::LogOptions logs;         // logs
    std::int64_t sinceSeconds = 0;  // timeline, stats: how far back (0: the command's default)
    std::string service;            // timeline: only this service's entries
    bool events = false;            // timeline: the slots' Kubernetes Events between entries too
    std::string webhook;
    kube::KubeconfigOptions kubeconfig;
    model::ServiceConfig config;
};

// Reads `arguments` (the program first) into `o`, with the service configuration and the webhook.
// Returns the exit code when the command ends here: the help (0), a usage error (2) or a
// configuration that cannot be loaded (1), each said; nullopt when the command goes on.
std::optional<int> parseOptions(const QStringList& arguments, Options& o);

} // namespace cli
