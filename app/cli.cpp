#include "cli.h"

#include "exitcodes.h"
#include "kube/kubeconfig.h"
#include "model/deploy.h"
#include "model/groupdeploy.h"
#include "model/imageref.h"
#include "model/logstream.h"
#include "model/servicelookup.h"
#include "model/servicestate.h"
#include "model/swap.h"
#include "net/transport.h"
#include "net/webhook.h"
#include "oci/registry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>

namespace cli {

namespace {

using nlohmann::json;

const char* const commands[] = {"status", "deploy", "swap", "rollback", "repair", "history", "logs"};

struct Options {
    QString command;
    QStringList args;
    bool json = false;
    bool yes = false;
    bool wait = false;
    char expectLive = 0;
    QString to;
    QString image;
    QString tag;
    bool group = false;
    std::string slot;       // logs
    std::string pod;        // logs
    model::LogOptions logs; // logs
    std::string webhook;
    kube::KubeconfigOptions kubeconfig;
    model::ServiceConfig config;
};

void say(const std::string& text)
{
    std::fprintf(stdout, "%s\n", text.c_str());
    std::fflush(stdout);
}

void complain(const std::string& text)
{
    std::fprintf(stderr, "signalbox: %s\n", text.c_str());
    std::fflush(stderr);
}

// Asks for the service name on the terminal; false without a terminal or on a wrong answer.
bool confirmOnTerminal(const std::string& verb, const std::string& service)
{
    if (!isatty(STDIN_FILENO)) {
        complain("there is no terminal to confirm on: pass --yes to " + verb + " without asking.");
        return false;
    }
    std::fprintf(stdout, "Type the service name (%s) to %s: ", service.c_str(), verb.c_str());
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != service) {
        complain("not confirmed; nothing was changed.");
        return false;
    }
    return true;
}

class Runner : public QObject {
public:
    Runner(Options options, kube::RestConfig rest)
        : m_options(std::move(options)), m_client(std::move(rest), &m_transport)
    {
        // A credential plugin may ask its questions on the terminal, as under kubectl; and what it
        // says for the person (a device-code login) is heard.
        m_client.credentials()->setTerminal(isatty(STDIN_FILENO) && isatty(STDERR_FILENO));
        connect(m_client.credentials(), &kube::CredentialProvider::pluginSaid, this,
                [](const QString& plugin, const QString& line) {
                    if (!line.isEmpty())
                        std::fprintf(stderr, "signalbox: %s says: %s\n", qPrintable(plugin), qPrintable(line));
                });
    }

    // The log stream closes its requests on the client, which must still be there.
    ~Runner() override { delete m_logs; }

    void start()
    {
        const std::string ns = m_options.kubeconfig.namespaceOverride;
        model::lookupServices(&m_client, m_options.config, ns, [this](kube::Result<std::vector<model::ServiceSpec>> r) {
            if (!r) {
                complain(r.error().message);
                QCoreApplication::exit(app::exitCode(r.error()));
                return;
            }
            m_services = r.value();
            dispatch();
        });
    }

private:
    const model::ServiceSpec* find(const std::string& name) const
    {
        for (const auto& s : m_services)
            if (s.name == name)
                return &s;
        return nullptr;
    }

    void dispatch()
    {
        const QString& c = m_options.command;
        if (c == QLatin1String("status"))
            status();
        else if (c == QLatin1String("deploy"))
            deploy();
        else if (c == QLatin1String("history"))
            history();
        else if (c == QLatin1String("logs"))
            logs();
        else
            swap(c == QLatin1String("rollback") ? model::SwapPlan::Kind::Rollback
                 : c == QLatin1String("repair") ? model::SwapPlan::Kind::Repair
                                                : model::SwapPlan::Kind::Swap);
    }

    std::string requireService()
    {
        if (m_options.args.isEmpty()) {
            complain("name the service, for example: signalbox " + m_options.command.toStdString() + " uro");
            QCoreApplication::exit(app::Usage);
            return {};
        }
        const std::string name = m_options.args.first().toStdString();
        if (!find(name)) {
            complain("there is no service named " + name + " here (context " + m_client.config().contextName +
                     "); check the name, --namespace and --context.");
            QCoreApplication::exit(app::Failed);
            return {};
        }
        return name;
    }

    void status()
    {
        // Fresh plans say everything status needs: slots, images, readiness and what holds.
        std::vector<std::string> names;
        if (m_options.args.isEmpty()) {
            for (const auto& s : m_services)
                names.push_back(s.name);
        } else if (std::string n = requireService(); !n.empty()) {
            names.push_back(n);
        } else {
            return;
        }
        if (names.empty()) {
            complain("no services found; label the live Service with " + model::serviceLabelKey +
                     "=NAME or list it in "
                     "the configuration file.");
            QCoreApplication::exit(app::Failed);
            return;
        }
        auto out = std::make_shared<json>(json::array());
        auto left = std::make_shared<std::size_t>(names.size());
        for (const auto& name : names) {
            auto* swapper = new model::Swapper(&m_client, {*find(name)}, this);
            swapper->plan(model::SwapPlan::Kind::Swap, name, 0, [this, out, left, swapper](model::SwapPlan plan) {
                swapper->deleteLater();
                out->push_back(plan.toJson());
                if (!m_options.json) {
                    const auto& m = plan.members.empty() ? model::SwapMember{} : plan.members.front();
                    say(plan.service + ": live slot " + std::string(1, m.liveFrom ? char(m.liveFrom - 32) : '?') + " " +
                        m.from.image + " (" + std::to_string(m.from.ready) + "/" + std::to_string(m.from.desired) +
                        " ready); staging slot " + std::string(1, m.liveTo ? char(m.liveTo - 32) : '?') + " " +
                        m.to.image + " (" + std::to_string(m.to.ready) + "/" + std::to_string(m.to.desired) +
                        " ready); " +
                        (plan.allowed() ? "swap possible" : "swap not possible: " + plan.firstFailure()->text));
                }
                if (--*left == 0) {
                    if (m_options.json)
                        say(out->dump(2));
                    QCoreApplication::exit(app::Done);
                }
            });
        }
    }

    void history()
    {
        const std::string name = requireService();
        if (name.empty())
            return;
        const model::ServiceSpec spec = *find(name);
        m_client.get(kube::resources::services, spec.ns, spec.liveService, [this](kube::Result<json> r) {
            if (!r) {
                complain(r.error().message);
                QCoreApplication::exit(app::exitCode(r.error()));
                return;
            }
            std::string value;
            if (auto s = kube::parseService(r.value()))
                value = s->meta.annotation(model::historyAnnotation);
            const auto entries = kube::decodeHistory(value);
            if (m_options.json) {
                json all = json::array();
                for (const auto& e : entries)
                    all.push_back(e.toJson());
                say(all.dump(2, ' ', false, json::error_handler_t::replace));
            } else if (entries.empty()) {
                say("no swaps recorded");
            } else {
                auto slot = [](const std::string& s) { return s.empty() ? std::string("?") : s; };
                for (const auto& e : entries)
                    say(e.readable() ? e.at + "  " + e.user + "  " + e.action + "  slot " + slot(e.from.slot) + " " +
                                           e.from.image + " -> slot " + slot(e.to.slot) + " " + e.to.image
                                     : (e.at.empty() ? "" : e.at + "  ") + "unreadable entry: " + e.unreadable);
            }
            QCoreApplication::exit(app::Done);
        });
    }

    // Every line as "POD | text"; notes of the stream's own (a pod went away) go to stderr.
    void logs()
    {
        const std::string name = requireService();
        if (name.empty())
            return;
        model::findSlotPods(&m_client, *find(name), m_options.slot, [this](kube::Result<model::LogSource> source) {
            if (!source) {
                complain(source.error().message);
                QCoreApplication::exit(app::exitCode(source.error()));
                return;
            }
            model::LogSource s = source.value();
            s.pod = m_options.pod;
            m_logs = new model::LogStream(&m_client, s, m_options.logs, this);
            connect(m_logs, &model::LogStream::linesAdded, this, [](const std::vector<model::LogLine>& batch) {
                std::string out;
                for (const auto& line : batch) {
                    if (line.note) {
                        std::fflush(stdout);
                        complain(line.text);
                        continue;
                    }
                    out += line.pod + " | " + line.text + "\n";
                    if (out.size() > 65536) {
                        std::fputs(out.c_str(), stdout);
                        out.clear();
                    }
                }
                std::fputs(out.c_str(), stdout);
                std::fflush(stdout);
            });
            connect(m_logs, &model::LogStream::finished, this, [] { QCoreApplication::exit(app::Done); });
            connect(m_logs, &model::LogStream::failed, this, [](const kube::Error& e) {
                complain(e.message);
                QCoreApplication::exit(app::exitCode(e));
            });
            m_logs->start();
        });
    }

    // Tells the webhook (if any) how an action ended, then exits with `code`.
    void finishWith(int code, const std::string& text)
    {
        if (m_options.webhook.empty()) {
            QCoreApplication::exit(code);
            return;
        }
        auto* notifier = new net::ChatWebhook(&m_transport, m_options.webhook, this);
        notifier->send(text, [code](kube::Result<kube::HttpResponse> r) {
            if (!r)
                complain("the notification was not sent: " + r.error().message);
            QCoreApplication::exit(code);
        });
    }

    std::string who() const { return m_user.empty() ? std::string("someone") : m_user; }

    template <typename Plan> void showPlan(const Plan& plan) const
    {
        if (m_options.json)
            say(plan.toJson().dump(2));
        else
            std::fputs(plan.describe().c_str(), stdout);
    }

    std::function<void(const std::string&)> progressPrinter() const
    {
        return [this](const std::string& step) {
            if (!m_options.json)
                say("... " + step);
        };
    }

    // Prints how an action ended, tells the webhook and exits with `code`.
    void ended(int code, const std::string& message, const std::string& what)
    {
        if (code == 0)
            say(message);
        else
            complain(message);
        finishWith(code, (code == 0 ? "✅ " : "❌ ") + who() + " · " + what + ": " + message);
    }

    void deploy()
    {
        const std::string name = requireService();
        if (name.empty())
            return;
        const QString to = m_options.to;
        if (to != QLatin1String("sandbox") && to != QLatin1String("staging") && to != QLatin1String("live")) {
            complain("--to takes sandbox or staging.");
            QCoreApplication::exit(app::Usage);
            return;
        }
        const auto target = to == QLatin1String("sandbox")   ? model::DeployTarget::Sandbox
                            : to == QLatin1String("staging") ? model::DeployTarget::Staging
                                                             : model::DeployTarget::Live;
        if (m_options.group) {
            deployGroup(name, target);
            return;
        }
        if (m_options.image.isEmpty()) {
            complain("name the image with --image, for example --image ghcr.io/v-sekai/uro:8d3c2f41");
            QCoreApplication::exit(app::Usage);
            return;
        }
        m_deployer = new model::Deployer(&m_client, &m_registry, *find(name), this);
        m_deployer->plan(target, m_options.image.toStdString(), [this](model::DeployPlan plan) {
            showPlan(plan);
            if (!plan.allowed()) {
                const model::Check* f = plan.firstFailure();
                complain("refused: " + (f ? f->text : std::string("nothing to deploy")) + ". Nothing was changed.");
                QCoreApplication::exit(app::refusalExitCode(plan));
                return;
            }
            m_user = plan.user;
            m_deployer->execute(plan, m_options.wait, progressPrinter(), [this, plan](model::DeployOutcome o) {
                ended(app::exitCode(o), o.message, plan.service + " · deploy to " + model::targetName(plan.target));
            });
        });
    }

    // Every member of the group gets the same tag from its own repository; all are planned
    // (and must pass) before the first one is patched.
    void deployGroup(const std::string& name, model::DeployTarget target)
    {
        if (m_options.tag.isEmpty()) {
            complain("with --group, give the tag the members share with --tag (for example the commit).");
            QCoreApplication::exit(app::Usage);
            return;
        }
        m_group = new model::GroupDeployer(&m_client, &m_registry, model::groupOf(m_services, name), this);
        m_group->plan(name, target, m_options.tag.toStdString(),
                      [this](model::GroupDeployPlan plan) { runGroup(plan); });
    }

    void runGroup(const model::GroupDeployPlan& plan)
    {
        for (const auto& p : plan.members) {
            if (!m_options.json)
                showPlan(p);
            if (!p.allowed()) {
                const model::Check* f = p.firstFailure();
                complain("refused for " + p.service + ": " + (f ? f->text : std::string("nothing to deploy")));
            }
        }
        if (m_options.json)
            say(plan.toJson().dump(2));
        if (!plan.allowed()) {
            complain("nothing was deployed: every member of the group must pass first.");
            QCoreApplication::exit(app::refusalExitCode(plan));
            return;
        }
        m_user = plan.members.front().user;
        m_group->execute(
            plan, m_options.wait, progressPrinter(),
            [](const model::DeployPlan&, const model::DeployOutcome& o) {
                if (model::deploySucceeded(o))
                    say(o.message);
            },
            [this, plan](model::GroupDeployOutcome o) {
                if (!o.ok()) {
                    complain(o.message);
                    const std::string service = plan.members.at(o.deployed.size()).service;
                    finishWith(app::exitCode(o.last), "❌ " + who() + " · " + service + " · deploy: " + o.message);
                    return;
                }
                finishWith(0, "✅ " + who() + " · deployed group " + plan.members.front().spec.group + " to " +
                                  model::targetName(plan.target) + " with tag " + m_options.tag.toStdString());
            });
    }

    void swap(model::SwapPlan::Kind kind)
    {
        const std::string name = requireService();
        if (name.empty())
            return;
        m_swapper = new model::Swapper(&m_client, model::groupOf(m_services, name), this);
        m_swapper->setFreshGroup(m_options.config);
        m_swapper->plan(kind, name, m_options.expectLive, [this, name](model::SwapPlan plan) {
            showPlan(plan);
            if (!plan.allowed()) {
                const model::Check* f = plan.firstFailure();
                complain("refused: " + (f ? f->text : std::string("nothing to do")) + ". Nothing was changed.");
                QCoreApplication::exit(app::refusalExitCode(plan));
                return;
            }
            if (!m_options.yes && !confirmOnTerminal(plan.verb(), name)) {
                QCoreApplication::exit(app::Usage);
                return;
            }
            m_user = plan.user;
            m_swapper->execute(plan, progressPrinter(), [this, plan](model::SwapOutcome o) {
                ended(app::exitCode(o), o.message, plan.service + " · " + plan.verb());
            });
        });
    }

    Options m_options;
    kube::Transport m_transport;
    kube::Client m_client;
    oci::RegistryClient m_registry{&m_transport};
    model::Deployer* m_deployer = nullptr;
    std::string m_user;
    model::GroupDeployer* m_group = nullptr;
    std::vector<model::ServiceSpec> m_services;
    model::Swapper* m_swapper = nullptr;
    model::LogStream* m_logs = nullptr;
};

// "90", "90s", "10m", "2h", "1h30m" in seconds; nullopt when it is none of these or not positive.
std::optional<std::int64_t> parseDuration(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s?)?$"));
    const auto m = pattern.match(text);
    if (text.isEmpty() || !m.hasMatch())
        return std::nullopt;
    const std::int64_t seconds =
        m.captured(1).toLongLong() * 3600 + m.captured(2).toLongLong() * 60 + m.captured(3).toLongLong();
    if (seconds <= 0)
        return std::nullopt;
    return seconds;
}

} // namespace

bool isCommand(const char* word)
{
    for (const char* c : commands)
        if (std::strcmp(word, c) == 0)
            return true;
    return false;
}

std::string commandList()
{
    std::string list;
    for (const char* c : commands)
        list += (list.empty() ? "" : ", ") + std::string(c);
    return list;
}

int run(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("signalbox"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "signalbox status [SERVICE] | deploy SERVICE --to sandbox|staging --image REF [--wait] |\n"
        "          swap SERVICE | rollback SERVICE | repair SERVICE | history SERVICE |\n"
        "          logs SERVICE --slot sandbox|a|b|live|staging [--pod NAME] [--tail N] [--since 10m] [--previous] "
        "[-f]\n"
        "Exit codes: 0 done, 2 usage, 3 refused by an interlock, 4 forbidden, 5 changed since read, 1 other."));
    parser.addHelpOption();
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"), QStringLiteral("Kubeconfig file."),
                                        QStringLiteral("file"));
    const QCommandLineOption context(QStringLiteral("context"), QStringLiteral("Kubeconfig context."),
                                     QStringLiteral("name"));
    const QCommandLineOption ns({QStringLiteral("n"), QStringLiteral("namespace")}, QStringLiteral("Namespace."),
                                QStringLiteral("name"));
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("Service configuration file."),
                                    QStringLiteral("file"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Output format: json."), QStringLiteral("format"));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("deploy: sandbox or staging."),
                                QStringLiteral("target"));
    const QCommandLineOption image(QStringLiteral("image"),
                                   QStringLiteral("deploy: the image, by tag (resolved to its digest) or by digest."),
                                   QStringLiteral("reference"));
    const QCommandLineOption wait(QStringLiteral("wait"), QStringLiteral("deploy: follow the rollout to its end."));
    const QCommandLineOption group(QStringLiteral("group"),
                                   QStringLiteral("deploy: every service of SERVICE's group, each from its own "
                                                  "repository with the tag given by --tag."));
    const QCommandLineOption tag(QStringLiteral("tag"), QStringLiteral("deploy --group: the tag the members share."),
                                 QStringLiteral("tag"));
    const QCommandLineOption notify(QStringLiteral("notify"),
                                    QStringLiteral("Chat webhook (Discord or Slack) told how a deploy or swap ended; "
                                                   "also $SIGNALBOX_WEBHOOK or `webhook:` in the configuration."),
                                    QStringLiteral("url"));
    const QCommandLineOption expectLive(QStringLiteral("expect-live"),
                                        QStringLiteral("Refuse (exit 5) unless live is on this slot now: a or b."),
                                        QStringLiteral("slot"));
    const QCommandLineOption slot(QStringLiteral("slot"), QStringLiteral("logs: sandbox, a, b, live or staging."),
                                  QStringLiteral("slot"));
    const QCommandLineOption pod(QStringLiteral("pod"), QStringLiteral("logs: only this pod of the slot."),
                                 QStringLiteral("name"));
    const QCommandLineOption tail(QStringLiteral("tail"), QStringLiteral("logs: the last N lines of each pod."),
                                  QStringLiteral("N"));
    const QCommandLineOption since(QStringLiteral("since"),
                                   QStringLiteral("logs: lines of the last 30s, 10m, 2h, 1h30m."),
                                   QStringLiteral("duration"));
    const QCommandLineOption previous(QStringLiteral("previous"),
                                      QStringLiteral("logs: the previous container of pods that restarted."));
    const QCommandLineOption follow({QStringLiteral("f"), QStringLiteral("follow")},
                                    QStringLiteral("logs: keep printing new lines; pods that start join."));
    parser.addOptions({kubeconfig, context, ns, config, output, yes, expectLive, to, image, wait, notify, group, tag,
                       slot, pod, tail, since, previous, follow});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("status, deploy, swap, rollback, repair, history, logs"));
    if (!parser.parse(app.arguments())) {
        complain(parser.errorText().toStdString());
        return app::Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        say(parser.helpText().toStdString());
        return 0;
    }
    Options o;
    const QStringList positional = parser.positionalArguments();
    o.command = positional.value(0);
    o.args = positional.mid(1);
    o.json = parser.value(output) == QLatin1String("json");
    if (parser.isSet(output) && !o.json) {
        complain("the only output format is json (-o json).");
        return app::Usage;
    }
    o.yes = parser.isSet(yes);
    o.wait = parser.isSet(wait);
    o.to = parser.value(to);
    o.image = parser.value(image);
    o.group = parser.isSet(group);
    o.tag = parser.value(tag);
    if (parser.isSet(expectLive)) {
        const QString v = parser.value(expectLive);
        if (v != QLatin1String("a") && v != QLatin1String("b")) {
            complain("--expect-live takes a or b.");
            return app::Usage;
        }
        o.expectLive = v.at(0).toLatin1();
    }
    if (o.command == QLatin1String("logs")) {
        o.slot = parser.value(slot).toStdString();
        if (o.slot != "sandbox" && o.slot != "a" && o.slot != "b" && o.slot != "live" && o.slot != "staging") {
            complain("logs needs --slot sandbox, a, b, live or staging.");
            return app::Usage;
        }
        o.pod = parser.value(pod).toStdString();
        if (parser.isSet(tail)) {
            bool ok = false;
            o.logs.tailLines = parser.value(tail).toInt(&ok);
            if (!ok || o.logs.tailLines < 0) {
                complain("--tail takes a number of lines, 0 or more.");
                return app::Usage;
            }
        }
        if (parser.isSet(since)) {
            const auto seconds = parseDuration(parser.value(since));
            if (!seconds) {
                complain("--since takes a duration such as 30s, 10m, 2h or 1h30m.");
                return app::Usage;
            }
            o.logs.sinceSeconds = *seconds;
        }
        o.logs.previous = parser.isSet(previous);
        o.logs.follow = parser.isSet(follow);
        if (o.logs.previous && o.logs.follow) {
            complain("--previous and -f do not go together: a container that ended writes no more lines.");
            return app::Usage;
        }
    }
    o.kubeconfig = kube::KubeconfigOptions::fromEnvironment();
    o.kubeconfig.explicitPath = parser.value(kubeconfig).toStdString();
    o.kubeconfig.context = parser.value(context).toStdString();
    o.kubeconfig.namespaceOverride = parser.value(ns).toStdString();
    const bool explicitConfig = parser.isSet(config);
    auto loaded = model::loadServiceConfig(
        explicitConfig ? parser.value(config).toStdString() : model::defaultServiceConfigPath(), explicitConfig);
    if (!loaded) {
        complain(loaded.error().message);
        return 1;
    }
    o.config = loaded.value();
    o.webhook = parser.isSet(notify) ? parser.value(notify).toStdString()
                : qEnvironmentVariableIsSet("SIGNALBOX_WEBHOOK")
                    ? qEnvironmentVariable("SIGNALBOX_WEBHOOK").toStdString()
                    : o.config.webhook;
    auto rest = kube::loadRestConfig(o.kubeconfig);
    if (!rest) {
        complain(rest.error().message);
        return 1;
    }
    if (o.kubeconfig.namespaceOverride.empty() && !rest->inCluster)
        o.kubeconfig.namespaceOverride = rest->namespaceName;
    Runner runner(o, rest.value());
    QTimer::singleShot(0, &runner, [&runner] { runner.start(); });
    return QCoreApplication::exec();
}

} // namespace cli
