#include "options.h"

#include "app/exitcodes.h"
#include "model/rules/delivery.h"
#include "model/rules/release.h"
#include "output.h"

#include <QCommandLineParser>

namespace cli {

namespace {

QCommandLineOption option(const QStringList& names, const char* description, const char* value = nullptr)
{
    return value ? QCommandLineOption(names, QString::fromUtf8(description), QString::fromUtf8(value))
                 : QCommandLineOption(names, QString::fromUtf8(description));
}

QCommandLineOption option(const char* name, const char* description, const char* value = nullptr)
{
    return option(QStringList{QString::fromUtf8(name)}, description, value);
}

// Every option of every command; the help text is made from this list.
struct Flags {
    const QCommandLineOption kubeconfig = option("kubeconfig", "Kubeconfig file.", "file");
    const QCommandLineOption context = option("context", "Kubeconfig context.", "name");
    const QCommandLineOption ns = option({QStringLiteral("n"), QStringLiteral("namespace")}, "Namespace.", "name");
    const QCommandLineOption config = option("config", "Service configuration file.", "file");
    const QCommandLineOption output =
        option({QStringLiteral("o"), QStringLiteral("output")}, "Output format: json.", "format");
    const QCommandLineOption yes = option("yes", "Do not ask for confirmation.");
    const QCommandLineOption to = option("to", "deploy: sandbox or staging; diff: the second side.", "target");
    const QCommandLineOption from =
        option("from", "diff: the first side: live (default), staging, sandbox, a, b.", "slot");
    const QCommandLineOption image =
        option("image", "deploy: the image, by tag (resolved to its digest) or by digest.", "reference");
    const QCommandLineOption wait = option("wait", "deploy: follow the rollout to its end.");
    const QCommandLineOption group = option("group", "deploy: every service of SERVICE's group, each from its own "
                                                     "repository with the tag given by --tag.");
    const QCommandLineOption tag = option("tag", "deploy --group: the tag the members share.", "tag");
    const QCommandLineOption notify = option("notify",
                                             "Chat webhook (Discord or Slack) told how a deploy or swap ended; "
                                             "also $SIGNALBOX_WEBHOOK or `webhook:` in the configuration.",
                                             "url");
    const QCommandLineOption expectLive =
        option("expect-live", "Refuse (exit 5) unless live is on this slot now: a or b.", "slot");
    const QCommandLineOption watch = option("watch",
                                            "swap: watch the new live slot for this long after the swap (30s, "
                                            "5m, 1h); exit 6 when it gets worse.",
                                            "duration");
    const QCommandLineOption rollbackOnFailure =
        option("rollback-on-failure", "swap --watch: roll back (the checked rollback) when the watch fails.");
    const QCommandLineOption skipHealthCheck =
        option("skip-health-check",
               "swap: go ahead although a staging pod fails the app's health check (recorded in the history).");
    const QCommandLineOption skipSmoke =
        option("skip-smoke", "swap: go ahead although smoke requests to staging fail (recorded in the history).");
    const QCommandLineOption skipAnalysis =
        option("skip-analysis", "swap: go ahead although the metric analysis of staging fails or is inconclusive "
                                "(recorded in the history).");
    const QCommandLineOption slot =
        option("slot", "check, logs: a, b, live, staging or sandbox (check's default: live and staging).", "slot");
    const QCommandLineOption pod = option("pod", "logs: only this pod of the slot.", "name");
    const QCommandLineOption against =
        option("against", "analyze: the baseline: live (default), staging, a or b.", "slot");
    const QCommandLineOption window = option("window", "analyze: the queries' window (30s, 10m, 1h).", "duration");
    const QCommandLineOption looks = option("looks", "analyze: this many looks, one every interval (default 1).", "N");
    const QCommandLineOption tail = option("tail", "logs: the last N lines of each pod.", "N");
    const QCommandLineOption since = option("since",
                                            "logs: lines of the last 30s, 10m, 2h, 1h30m; timeline, stats: the "
                                            "record of the last 12h, 7d, 2w (defaults 7d and 30d).",
                                            "duration");
    const QCommandLineOption service = option("service", "timeline: only this service's entries.", "name");
    const QCommandLineOption events =
        option("events", "timeline: the slots' Kubernetes Events between the entries too (scaled, back-off, "
                         "failed, killed).");
    const QCommandLineOption previous = option("previous", "logs: the previous container of pods that restarted.");
    const QCommandLineOption follow =
        option({QStringLiteral("f"), QStringLiteral("follow")}, "logs: keep printing new lines; pods that start join.");
    const QCommandLineOption deploys = option("deploys", "history: the deploys recorded on the slot and sandbox "
                                                         "Deployments too, merged in time order (as the console "
                                                         "shows them).");

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QStringLiteral(
            "signalbox status [SERVICE] | deploy SERVICE --to sandbox|staging --image REF [--wait] |\n"
            "          swap SERVICE [--skip-health-check] [--skip-smoke] [--skip-analysis] [--watch 5m "
            "[--rollback-on-failure]] |\n"
            "          rollback SERVICE | smoke SERVICE |\n"
            "          repair SERVICE | history SERVICE [--deploys] | check SERVICE [--slot a|b|live|staging|sandbox] "
            "|\n"
            "          logs SERVICE --slot sandbox|a|b|live|staging [--pod NAME] [--tail N] [--since 10m] "
            "[--previous] [-f] |\n"
            "          analyze SERVICE [--slot staging|live|a|b] [--against live|staging|a|b] [--window 10m] "
            "[--looks N] |\n"
            "          timeline [--since 7d] [--service NAME] [--events] | stats [--since 30d] |\n"
            "          diff SERVICE [--from live|staging|sandbox|a|b] [--to staging|sandbox|live|a|b]\n"
            "Exit codes: 0 done, 2 usage, 3 refused by an interlock, 4 forbidden, 5 changed since read,\n"
            "6 unhealthy (check, smoke, or the watch after a swap failed; analyze: a condition failed),\n"
            "7 inconclusive (analyze: no data, no pods, Prometheus not reached), 1 other."));
        parser.addHelpOption();
        parser.addOptions(
            {kubeconfig, context, ns,     config,          output, yes,   expectLive,        to,  image, wait,
             notify,     group,   tag,    skipHealthCheck, slot,   watch, rollbackOnFailure, pod, tail,  since,
             previous,   follow,  deploys});
        parser.addOptions({skipSmoke, skipAnalysis});
        parser.addOptions({against, window, looks});
        parser.addOptions({service});
        parser.addOptions({events});
        parser.addOptions({from});
        parser.addPositionalArgument(
            QStringLiteral("command"),
            QStringLiteral(
                "status, deploy, swap, rollback, repair, history, check, smoke, logs, analyze, timeline, stats, diff"));
    }
};

// Each reader below says what is wrong and returns false: a usage error.

bool readOutput(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    o.json = parser.value(f.output) == QLatin1String("json");
    if (parser.isSet(f.output) && !o.json) {
        complain("the only output format is json (-o json).");
        return false;
    }
    return true;
}

bool readSlot(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    o.slot = parser.value(f.slot).toStdString();
    if (parser.isSet(f.slot) && o.slot != "sandbox" && o.slot != "a" && o.slot != "b" && o.slot != "live" &&
        o.slot != "staging") {
        complain("--slot takes a, b, live, staging or sandbox.");
        return false;
    }
    return true;
}

bool readWatch(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    if (parser.isSet(f.watch)) {
        const auto seconds = model::parseDurationSeconds(parser.value(f.watch).toStdString());
        if (!seconds) {
            complain("--watch takes a duration such as 30s, 5m or 1h (at most 24h), not \"" +
                     parser.value(f.watch).toStdString() + "\".");
            return false;
        }
        if (o.command != QLatin1String("swap")) {
            complain("--watch goes with swap: signalbox swap SERVICE --watch 5m.");
            return false;
        }
        o.watchSeconds = *seconds;
    }
    o.rollbackOnFailure = parser.isSet(f.rollbackOnFailure);
    if (o.rollbackOnFailure && o.watchSeconds == 0) {
        complain("--rollback-on-failure goes with --watch: signalbox swap SERVICE --watch 5m --rollback-on-failure.");
        return false;
    }
    return true;
}

bool readAnalyzeOptions(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    if (o.command != QLatin1String("analyze")) {
        if (parser.isSet(f.against) || parser.isSet(f.window) || parser.isSet(f.looks)) {
            complain("--against, --window and --looks go with analyze: signalbox analyze SERVICE --window 10m.");
            return false;
        }
        return true;
    }
    o.against = parser.isSet(f.against) ? parser.value(f.against).toStdString() : std::string("live");
    for (const std::string& s : {o.slot, o.against})
        if (s == "sandbox" || (s != "" && s != "a" && s != "b" && s != "live" && s != "staging")) {
            complain("analyze compares live, staging, a or b: --slot and --against take one of them.");
            return false;
        }
    if (parser.isSet(f.window)) {
        const auto seconds = model::parseDurationSeconds(parser.value(f.window).toStdString());
        if (!seconds || *seconds <= 0) {
            complain("--window takes a duration such as 30s, 10m or 1h (at most 24h).");
            return false;
        }
        o.windowSeconds = *seconds;
    }
    if (parser.isSet(f.looks)) {
        bool ok = false;
        o.looks = parser.value(f.looks).toInt(&ok);
        if (!ok || o.looks < 1 || o.looks > model::maxAnalysisCount) {
            complain("--looks takes a number from 1 to " + std::to_string(model::maxAnalysisCount) + ".");
            return false;
        }
    }
    return true;
}

bool readExpectLive(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    if (!parser.isSet(f.expectLive))
        return true;
    o.expectLive = model::parseSlot(parser.value(f.expectLive).toStdString());
    if (!o.expectLive) {
        complain("--expect-live takes a or b.");
        return false;
    }
    return true;
}

bool readTailAndSince(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    if (parser.isSet(f.tail)) {
        bool ok = false;
        o.logs.tailLines = parser.value(f.tail).toInt(&ok);
        if (!ok || o.logs.tailLines < 0) {
            complain("--tail takes a number of lines, 0 or more.");
            return false;
        }
    }
    if (parser.isSet(f.since)) {
        const auto seconds = model::parseDurationSeconds(parser.value(f.since).toStdString());
        if (!seconds || *seconds <= 0) {
            complain("--since takes a duration such as 30s, 10m, 2h or 1h30m (at most 24h).");
            return false;
        }
        o.logs.sinceSeconds = *seconds;
    }
    return true;
}

bool readTimelineOptions(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    const bool record = o.command == QLatin1String("timeline") || o.command == QLatin1String("stats");
    if (parser.isSet(f.service) && o.command != QLatin1String("timeline")) {
        complain("--service goes with timeline: signalbox timeline --service uro.");
        return false;
    }
    o.service = parser.value(f.service).toStdString();
    if (parser.isSet(f.events) && o.command != QLatin1String("timeline")) {
        complain("--events goes with timeline: signalbox timeline --events.");
        return false;
    }
    o.events = parser.isSet(f.events);
    if (!record || !parser.isSet(f.since))
        return true;
    const auto seconds = model::parseSinceSeconds(parser.value(f.since).toStdString());
    if (!seconds) {
        complain("--since takes a span such as 12h, 7d or 2w (at most 400 days).");
        return false;
    }
    o.sinceSeconds = *seconds;
    return true;
}

bool readLogOptions(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    if (o.command != QLatin1String("logs"))
        return true;
    if (o.slot.empty()) {
        complain("logs needs --slot sandbox, a, b, live or staging.");
        return false;
    }
    o.pod = parser.value(f.pod).toStdString();
    if (!readTailAndSince(parser, f, o))
        return false;
    o.logs.previous = parser.isSet(f.previous);
    o.logs.follow = parser.isSet(f.follow);
    if (o.logs.previous && o.logs.follow) {
        complain("--previous and -f do not go together: a container that ended writes no more lines.");
        return false;
    }
    return true;
}

// The kubeconfig's choices, the service configuration and the webhook: the flag, then the
// environment, then the file.
std::optional<int> readConfiguration(const QCommandLineParser& parser, const Flags& f, Options& o)
{
    o.kubeconfig = kube::KubeconfigOptions::fromEnvironment();
    o.kubeconfig.explicitPath = parser.value(f.kubeconfig).toStdString();
    o.kubeconfig.context = parser.value(f.context).toStdString();
    o.kubeconfig.namespaceOverride = parser.value(f.ns).toStdString();
    const bool explicitConfig = parser.isSet(f.config);
    auto loaded = model::loadServiceConfig(
        explicitConfig ? parser.value(f.config).toStdString() : model::defaultServiceConfigPath(), explicitConfig);
    if (!loaded) {
        complain(loaded.error().message);
        return app::Failed;
    }
    o.config = loaded.value();
    o.webhook = parser.isSet(f.notify) ? parser.value(f.notify).toStdString()
                : qEnvironmentVariableIsSet("SIGNALBOX_WEBHOOK")
                    ? qEnvironmentVariable("SIGNALBOX_WEBHOOK").toStdString()
                    : o.config.webhook;
    return std::nullopt;
}

} // namespace

std::optional<int> parseOptions(const QStringList& arguments, Options& o)
{
    QCommandLineParser parser;
    const Flags f;
    f.addTo(parser);
    if (!parser.parse(arguments)) {
        complain(parser.errorText().toStdString());
        return app::Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        say(parser.helpText().toStdString());
        return app::Done;
    }
    const QStringList positional = parser.positionalArguments();
    o.command = positional.value(0);
    o.args = positional.mid(1);
    if (!readOutput(parser, f, o))
        return app::Usage;
    o.yes = parser.isSet(f.yes);
    o.wait = parser.isSet(f.wait);
    o.to = parser.value(f.to);
    o.from = parser.value(f.from);
    if (parser.isSet(f.from) && o.command != QLatin1String("diff")) {
        complain("--from goes with diff: signalbox diff SERVICE --from live --to staging.");
        return app::Usage;
    }
    o.image = parser.value(f.image);
    o.group = parser.isSet(f.group);
    o.deploys = parser.isSet(f.deploys);
    o.tag = parser.value(f.tag);
    if (parser.isSet(f.skipHealthCheck))
        o.skip.insert(model::Evidence::Health);
    if (parser.isSet(f.skipSmoke))
        o.skip.insert(model::Evidence::Smoke);
    if (parser.isSet(f.skipAnalysis))
        o.skip.insert(model::Evidence::Analysis);
    if (!readSlot(parser, f, o) || !readWatch(parser, f, o) || !readExpectLive(parser, f, o) ||
        !readLogOptions(parser, f, o) || !readAnalyzeOptions(parser, f, o) || !readTimelineOptions(parser, f, o))
        return app::Usage;
    return readConfiguration(parser, f, o);
}

} // namespace cli
