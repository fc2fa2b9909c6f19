#include "cli.h"

#include "exitcodes.h"
#include "kube/kubeconfig.h"
#include "model/actions/deploy.h"
#include "model/actions/groupdeploy.h"
#include "model/actions/swap.h"
#include "model/actions/swapwatch.h"
#include "model/observe/authorpolicy.h"
#include "model/observe/health.h"
#include "model/observe/logstream.h"
#include "model/rules/authorship.h"
#include "model/rules/imageref.h"
#include "model/rules/release.h"
#include "model/state/servicelookup.h"
#include "model/state/servicestate.h"
#include "net/text.h"
#include "net/transport.h"
#include "net/webhook.h"
#include "oci/registry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>

namespace cli {

namespace {

using nlohmann::json;

// What the command sent to the API server, by kind, said on stderr as it ends when the category is
// on: QT_LOGGING_RULES="signalbox.requests.info=true".
Q_LOGGING_CATEGORY(lcRequests, "signalbox.requests", QtWarningMsg)

const char* const commands[] = {"status", "deploy", "swap", "rollback", "repair", "history", "check", "logs"};

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
    int watchSeconds = 0; // swap --watch: how long the new live slot is watched (0: not)
    bool rollbackOnFailure = false;
    bool skipHealthCheck = false;
    bool deploys = false;   // history: the Deployments' deploys too
    std::string slot;       // check, logs: a, b, live, staging, sandbox (check: empty is live and staging)
    std::string pod;        // logs
    model::LogOptions logs; // logs
    std::string webhook;
    kube::KubeconfigOptions kubeconfig;
    model::ServiceConfig config;
};

// Human-readable output quotes what others wrote (images, annotations, an app's answers), so control
// characters are escaped on the way to the terminal (net::text::forTerminal); -o json goes out exact
// through sayJson, and `logs` raw, as kubectl logs does.
void write(std::FILE* to, const std::string& text)
{
    std::fputs(net::text::forTerminal(text).c_str(), to);
    std::fflush(to);
}

void say(const std::string& text)
{
    write(stdout, text + "\n");
}

void sayJson(const nlohmann::json& j)
{
    std::fprintf(stdout, "%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
}

void complain(const std::string& text)
{
    write(stderr, "signalbox: " + text + "\n");
}

// Asks for the service name on the terminal; false without a terminal or on a wrong answer.
bool confirmOnTerminal(const std::string& verb, const std::string& service)
{
    if (!isatty(STDIN_FILENO)) {
        complain("there is no terminal to confirm on: pass --yes to " + verb + " without asking.");
        return false;
    }
    write(stdout, "Type the service name (" + service + ") to " + verb + ": ");
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
                        complain(plugin.toStdString() + " says: " + line.toStdString());
                });
    }

    // The log stream closes its requests on the client, which must still be there.
    ~Runner() override
    {
        delete m_logs;
        if (lcRequests().isInfoEnabled()) {
            const kube::RequestCounts& counts = m_client.requestCounts();
            std::string kinds;
            for (const auto& [kind, n] : counts.byKind)
                kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
            qCInfo(lcRequests, "requests: %ld: %s", counts.total, kinds.c_str());
        }
    }

    void start()
    {
        const std::string ns = m_options.kubeconfig.namespaceOverride;
        model::lookupServices(
            &m_client, m_options.config, ns,
            [this](kube::Result<std::vector<model::ServiceSpec>> r, std::shared_ptr<const model::Snapshot> listed) {
                if (!r) {
                    complain(r.error().message);
                    QCoreApplication::exit(app::exitCode(r.error()));
                    return;
                }
                m_services = r.value();
                m_listed = std::move(listed);
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
        else if (c == QLatin1String("check"))
            check();
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
            // Planned on what the lookup has just listed, as a swap at once is: nothing is read twice.
            swapper->planAtOnce(
                m_listed, model::SwapPlan::Kind::Swap, name, 0, false,
                [this, out, left, swapper](model::SwapPlan plan) {
                    swapper->deleteLater();
                    out->push_back(plan.toJson());
                    if (!m_options.json) {
                        const auto& m = plan.members.empty() ? model::SwapMember{} : plan.members.front();
                        say(plan.service + ": live slot " + std::string(1, m.liveFrom ? char(m.liveFrom - 32) : '?') +
                            " " + m.from.image + " (" + std::to_string(m.from.ready) + "/" +
                            std::to_string(m.from.desired) + " ready); staging slot " +
                            std::string(1, m.liveTo ? char(m.liveTo - 32) : '?') + " " + m.to.image + " (" +
                            std::to_string(m.to.ready) + "/" + std::to_string(m.to.desired) + " ready); " +
                            (plan.allowed() ? "swap possible" : "swap not possible: " + plan.firstFailure()->text));
                    }
                    if (--*left == 0) {
                        if (m_options.json)
                            sayJson(*out);
                        QCoreApplication::exit(app::Done);
                    }
                });
        }
    }

    // signalbox history SERVICE [--deploys]: the swaps recorded on the live Service (with --deploys
    // also the deploys on the slot and sandbox Deployments, merged in time order), each with what
    // can be said of who wrote it (model/rules/authorship.h).
    void history()
    {
        const std::string name = requireService();
        if (name.empty())
            return;
        const model::ServiceSpec spec = *find(name);
        struct Object {
            kube::Resource resource;
            std::string ns, name;
        };
        std::vector<Object> objects{{kube::resources::services, spec.ns, spec.liveService}};
        if (m_options.deploys) {
            objects.push_back({kube::resources::deployments, spec.ns, spec.slotA});
            objects.push_back({kube::resources::deployments, spec.ns, spec.slotB});
            if (spec.sandboxContext.empty() || spec.sandboxContext == m_client.config().contextName)
                objects.push_back({kube::resources::deployments, spec.sandboxNamespace, spec.sandboxDeployment});
        }
        struct Reads {
            std::vector<std::optional<kube::ObjectMeta>> metas;
            model::AuthorPolicy policy;
            std::optional<kube::Error> error;
            std::size_t left = 0;
        };
        auto reads = std::make_shared<Reads>();
        reads->metas.resize(objects.size());
        reads->left = objects.size() + 1;
        auto finish = [this, reads] {
            if (--reads->left > 0)
                return;
            if (reads->error) {
                complain(reads->error->message);
                QCoreApplication::exit(app::exitCode(*reads->error));
                return;
            }
            std::vector<kube::HistoryEntry> entries;
            for (const auto& meta : reads->metas)
                if (meta)
                    for (auto& e : model::judgedHistory(*meta, reads->policy))
                        entries.push_back(std::move(e));
            if (m_options.deploys)
                std::stable_sort(entries.begin(), entries.end(),
                                 [](const kube::HistoryEntry& x, const kube::HistoryEntry& y) { return x.at < y.at; });
            printHistory(entries);
            QCoreApplication::exit(app::Done);
        };
        for (std::size_t i = 0; i < objects.size(); ++i)
            m_client.get(objects[i].resource, objects[i].ns, objects[i].name, [reads, finish, i](kube::Result<json> r) {
                if (r) {
                    if (auto meta = kube::parseMeta(r.value()))
                        reads->metas[i] = meta.value();
                } else if ((i == 0 || r.error().httpStatus != 404) && !reads->error) {
                    // A slot or sandbox Deployment that does not exist has no history; the live
                    // Service must be there.
                    reads->error = r.error();
                }
                finish();
            });
        model::readAuthorPolicy(&m_client, [reads, finish](model::AuthorPolicy policy) {
            reads->policy = std::move(policy);
            finish();
        });
    }

    void printHistory(const std::vector<kube::HistoryEntry>& entries)
    {
        if (m_options.json) {
            json all = json::array();
            for (const auto& e : entries) {
                json j = e.toJson();
                if (e.readable())
                    j.emplace("author", json{{"check", model::authorCheckName(e.authorCheck)},
                                             {"vouched", model::vouched(e)},
                                             {"writtenBy", e.writtenBy},
                                             {"sentence", model::authorSentence(e)}});
                all.push_back(std::move(j));
            }
            sayJson(all);
            return;
        }
        if (entries.empty()) {
            say(m_options.deploys ? "no swaps or deploys recorded" : "no swaps recorded");
            return;
        }
        auto slot = [](const std::string& s) { return s.empty() ? std::string("?") : s; };
        for (const auto& e : entries) {
            // Who wrote it, after the entry: a name is a fact only when the API server vouches for it.
            const std::string author = model::authorSentence(e);
            const std::string what = e.target.empty() ? e.action : e.action + " to " + e.target;
            say((!e.readable() ? (e.at.empty() ? "" : e.at + "  ") + "unreadable entry: " + e.unreadable
                 : e.action == model::watchAction
                     ? e.at + "  " + e.user + "  " + e.action + "  slot " + slot(e.to.slot) + " " + e.to.image + ": " +
                           (e.result.empty() ? std::string("no result") : e.result)
                     : e.at + "  " + e.user + "  " + what + "  slot " + slot(e.from.slot) + " " + e.from.image +
                           " -> slot " + slot(e.to.slot) + " " + e.to.image +
                           (e.healthCheck.empty() ? "" : "  health check " + e.healthCheck)) +
                (author.empty() ? "" : "  · " + author));
        }
    }

    static json resultJson(const model::HealthResult& r)
    {
        json j = {{"target", r.target},
                  {"kind", r.service ? "service" : "pod"},
                  {"passed", r.passed()},
                  {"result", r.kind == model::HealthResult::Kind::Pass   ? "pass"
                             : r.kind == model::HealthResult::Kind::Fail ? "fail"
                                                                         : "unknown"},
                  {"sentence", r.sentence},
                  {"milliseconds", r.milliseconds}};
        if (r.status)
            j.emplace("status", r.status);
        if (!r.servedBy.empty())
            j.emplace("servedBy", r.servedBy);
        return j;
    }

    static std::string line(const model::HealthResult& r)
    {
        std::string name = (r.service ? "Service " : "pod ") + r.target;
        if (name.size() < 34)
            name.resize(34, ' ');
        const char* mark = r.kind == model::HealthResult::Kind::Pass   ? "ok   "
                           : r.kind == model::HealthResult::Kind::Fail ? "FAIL "
                                                                       : "?    ";
        return "  " + name + " " + mark + " " + r.sentence +
               (r.service && !r.servedBy.empty() ? " (served by " + r.servedBy + ")" : "");
    }

    // signalbox check SERVICE [--slot a|b|live|staging|sandbox]: the app's health check of every
    // pod of the slots (and of the live and staging Services); exit 6 when any fails.
    void check()
    {
        const std::string name = requireService();
        if (name.empty())
            return;
        const model::ServiceSpec spec = *find(name);
        const std::string which = m_options.slot;
        if (which == "sandbox" && !spec.sandboxContext.empty() &&
            spec.sandboxContext != m_client.config().contextName) {
            complain("the sandbox of " + name + " is in context " + spec.sandboxContext +
                     ": run the check with --context " + spec.sandboxContext + ".");
            QCoreApplication::exit(app::Failed);
            return;
        }
        m_prober = new model::HealthProber(&m_client, 8, this);
        model::checkServiceHealth(&m_client, m_prober, spec, which, [this, spec](model::ServiceHealthReport report) {
            for (const auto& p : report.problems)
                complain(p);
            if (report.error) {
                complain(report.error->message);
                QCoreApplication::exit(app::exitCode(*report.error));
                return;
            }
            if (!report.spec.configured()) {
                complain(model::noHealthCheckSentence(spec) + ".");
                QCoreApplication::exit(app::Failed);
                return;
            }
            const auto results = report.results();
            int code = app::exitCode(results);
            for (const auto& slot : report.slots)
                if (!slot.error.empty() && code == app::Done)
                    code = app::Unhealthy;
            const model::HealthSpec& h = report.spec;
            if (m_options.json) {
                json slots = json::array();
                for (const auto& slot : report.slots) {
                    json pods = json::array();
                    for (const auto& r : slot.pods)
                        pods.push_back(resultJson(r));
                    json j = {{"role", slot.role},
                              {"slot", slot.slot ? std::string(1, slot.slot) : std::string()},
                              {"namespace", slot.ns},
                              {"deployment", slot.deployment},
                              {"pods", pods}};
                    if (slot.service)
                        j.emplace("service", resultJson(*slot.service));
                    if (!slot.error.empty())
                        j.emplace("error", slot.error);
                    slots.push_back(j);
                }
                sayJson(json{{"service", spec.name},
                             {"check",
                              {{"port", h.port},
                               {"path", h.path},
                               {"expectStatus", h.expectStatus},
                               {"timeoutSeconds", h.timeoutSeconds},
                               {"intervalSeconds", h.intervalSeconds},
                               {"source", h.source}}},
                             {"slots", slots},
                             {"healthy", code == app::Done}});
            } else {
                say(spec.name + ": GET " + h.path + " on port " + h.port + ", expecting " +
                    std::to_string(h.expectStatus) + " within " + std::to_string(h.timeoutSeconds) + " s (" + h.source +
                    ")");
                for (const auto& slot : report.slots) {
                    const std::string where = slot.slot
                                                  ? "slot " + std::string(1, static_cast<char>(slot.slot - 'a' + 'A')) +
                                                        (slot.deployment.empty() ? "" : " (" + slot.deployment + ")")
                                                  : slot.deployment + " in " + slot.ns;
                    say((slot.role.empty() ? std::string() : slot.role + ", ") + where + ":" +
                        (slot.error.empty() ? "" : " " + slot.error));
                    if (slot.service)
                        say(line(*slot.service));
                    for (const auto& r : slot.pods)
                        say(line(r));
                }
            }
            if (code == app::Unhealthy) {
                complain(spec.name + " is unhealthy: " + report.firstFailure() + ".");
            } else if (code == app::Forbidden) {
                const auto denied = std::find_if(results.begin(), results.end(),
                                                 [](const model::HealthResult& r) { return r.forbidden; });
                complain(denied->sentence +
                         ". Ask a cluster administrator for that permission, or use a kubeconfig user that has it.");
            } else if (code != app::Done) {
                complain("the health check of " + spec.name + " could not be made: " + report.firstFailure());
            }
            QCoreApplication::exit(code);
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
            sayJson(plan.toJson());
        else
            write(stdout, plan.describe());
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
            sayJson(plan.toJson());
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
        // With --yes nobody comes between plan and execute: the lookup just made is the fresh read
        // of both. A person at the prompt may take minutes, so then the execute reads afresh.
        const bool atOnce = m_options.yes;
        auto planned = [this, name, atOnce](model::SwapPlan plan) {
            showPlan(plan);
            if (!plan.allowed()) {
                const model::Check* f = plan.firstFailure();
                complain("refused: " + (f ? f->text : std::string("nothing to do")) + ". Nothing was changed." +
                         (plan.onlyHealthCheckFails()
                              ? " To swap without the health check, run it again with --skip-health-check."
                              : ""));
                QCoreApplication::exit(app::refusalExitCode(plan));
                return;
            }
            if (!m_options.yes && !confirmOnTerminal(plan.verb(), name)) {
                QCoreApplication::exit(app::Usage);
                return;
            }
            m_user = plan.user;
            auto executed = [this, plan](model::SwapOutcome o) {
                if (o.succeeded() && plan.kind == model::SwapPlan::Kind::Swap && m_options.watchSeconds > 0) {
                    watchAfterSwap(plan, o);
                    return;
                }
                ended(app::exitCode(o), o.message, plan.service + " · " + plan.verb());
            };
            if (atOnce)
                m_swapper->executeAtOnce(plan, progressPrinter(), executed);
            else
                m_swapper->execute(plan, progressPrinter(), executed);
        };
        if (atOnce)
            m_swapper->planAtOnce(m_listed, kind, name, m_options.expectLive, m_options.skipHealthCheck, planned);
        else
            m_swapper->plan(kind, name, m_options.expectLive, m_options.skipHealthCheck, planned);
    }

    // swap --watch: each member's new live slot is watched for the window; the first that gets
    // worse ends the watch (and, with --rollback-on-failure, starts the checked rollback).
    void watchAfterSwap(const model::SwapPlan& plan, const model::SwapOutcome& swapped)
    {
        say(swapped.message);
        say("Watching the new live slot for " + model::durationText(m_options.watchSeconds) + ".");
        auto left = std::make_shared<std::size_t>(plan.members.size());
        for (const model::SwapMember& m : plan.members) {
            auto* watch = new model::SwapWatch(&m_client, m.spec, m.liveTo, m_options.watchSeconds, nullptr, this);
            m_watches.push_back(watch);
            connect(watch, &model::SwapWatch::progressed, this, [this](const std::string& text) {
                if (!m_options.json)
                    say("... " + text);
            });
            const std::string swappedText = swapped.message;
            connect(watch, &model::SwapWatch::held, this,
                    [this, watch, left, plan, swappedText](const std::string& text) {
                        say(text);
                        record(watch, "held", [this, left, plan, swappedText] {
                            if (--*left == 0)
                                finishWith(app::Done, "✅ " + who() + " · " + plan.service + " · swap: " + swappedText +
                                                          " Held for " + model::durationText(m_options.watchSeconds) +
                                                          " after the swap.");
                        });
                    });
            connect(watch, &model::SwapWatch::worse, this,
                    [this, watch, plan](const std::string& text) { watchFailed(plan, watch, text); });
            watch->start();
        }
    }

    // Records a watch's verdict on the live Service; a refusal is said, and the verdict stands.
    void record(model::SwapWatch* watch, const std::string& result, std::function<void()> then)
    {
        model::recordWatchVerdict(
            &m_client, watch->spec(), model::watchHistoryEntry(*watch, m_user, model::nowUtcText(), result),
            [then](std::optional<kube::Error> refused) {
                if (refused)
                    complain("the watch's verdict was not recorded in the history: " + refused->message);
                then();
            });
    }

    void watchFailed(const model::SwapPlan& plan, model::SwapWatch* failed, const std::string& why)
    {
        if (m_watchFailed)
            return; // the first member that got worse decides
        m_watchFailed = true;
        for (model::SwapWatch* w : m_watches)
            w->stop();
        complain("the watch after the swap failed: " + why);
        const std::string what = plan.service + " · watch";
        if (!m_options.rollbackOnFailure) {
            record(failed, "failed: " + why,
                   [this, what, why] { finishWith(app::Unhealthy, "❌ " + who() + " · " + what + ": " + why); });
            return;
        }
        // The checked rollback: planned on fresh reads, carried out only when every check holds.
        say("Rolling back (--rollback-on-failure).");
        auto* back = new model::Swapper(&m_client, model::groupOf(m_services, plan.service), this);
        back->setFreshGroup(m_options.config);
        back->plan(model::SwapPlan::Kind::Rollback, plan.service, 0,
                   [this, back, failed, why, what](model::SwapPlan r) {
                       if (!r.allowed()) {
                           const model::Check* f = r.firstFailure();
                           const std::string refusal =
                               "The rollback was refused: " + (f ? f->text : std::string("nothing to roll back")) + ".";
                           complain(refusal);
                           record(failed, "failed: " + why, [this, what, why, refusal] {
                               finishWith(app::Failed, "❌ " + who() + " · " + what + ": " + why + ". " + refusal);
                           });
                           return;
                       }
                       if (!m_options.json)
                           write(stdout, r.describe());
                       back->execute(r, progressPrinter(), [this, failed, why, what](model::SwapOutcome o) {
                           if (!o.succeeded()) {
                               complain("The rollback failed: " + o.message);
                               record(failed, "failed: " + why, [this, what, why, o] {
                                   finishWith(app::Failed, "❌ " + who() + " · " + what + ": " + why +
                                                               ". The rollback failed: " + o.message);
                               });
                               return;
                           }
                           say(o.message);
                           record(failed, "rolled back: " + why, [this, what, why, o] {
                               finishWith(app::Unhealthy, "❌ " + who() + " · " + what + ": " + why + ". " + o.message);
                           });
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
    std::shared_ptr<const model::Snapshot> m_listed; // the Services and Deployments the lookup listed
    model::Swapper* m_swapper = nullptr;
    std::vector<model::SwapWatch*> m_watches;
    bool m_watchFailed = false;
    model::HealthProber* m_prober = nullptr;
    model::LogStream* m_logs = nullptr;
};

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
        "          swap SERVICE [--skip-health-check] [--watch 5m [--rollback-on-failure]] | rollback SERVICE |\n"
        "          repair SERVICE | history SERVICE [--deploys] | check SERVICE [--slot a|b|live|staging|sandbox] |\n"
        "          logs SERVICE --slot sandbox|a|b|live|staging [--pod NAME] [--tail N] [--since 10m] [--previous] "
        "[-f]\n"
        "Exit codes: 0 done, 2 usage, 3 refused by an interlock, 4 forbidden, 5 changed since read,\n"
        "6 unhealthy (check, or the watch after a swap failed), 1 other."));
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
    const QCommandLineOption watch(QStringLiteral("watch"),
                                   QStringLiteral("swap: watch the new live slot for this long after the swap (30s, "
                                                  "5m, 1h); exit 6 when it gets worse."),
                                   QStringLiteral("duration"));
    const QCommandLineOption rollbackOnFailure(
        QStringLiteral("rollback-on-failure"),
        QStringLiteral("swap --watch: roll back (the checked rollback) when the watch fails."));
    const QCommandLineOption skipHealthCheck(
        QStringLiteral("skip-health-check"),
        QStringLiteral(
            "swap: go ahead although a staging pod fails the app's health check (recorded in the history)."));
    const QCommandLineOption slot(
        QStringLiteral("slot"),
        QStringLiteral("check, logs: a, b, live, staging or sandbox (check's default: live and staging)."),
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
    const QCommandLineOption deploys(QStringLiteral("deploys"),
                                     QStringLiteral("history: the deploys recorded on the slot and sandbox Deployments "
                                                    "too, merged in time order (as the console shows them)."));
    parser.addOptions(
        {kubeconfig, context, ns,     config,          output, yes,   expectLive,        to,  image, wait,
         notify,     group,   tag,    skipHealthCheck, slot,   watch, rollbackOnFailure, pod, tail,  since,
         previous,   follow,  deploys});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("status, deploy, swap, rollback, repair, history, check, logs"));
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
    o.skipHealthCheck = parser.isSet(skipHealthCheck);
    o.deploys = parser.isSet(deploys);
    o.slot = parser.value(slot).toStdString();
    if (parser.isSet(slot) && o.slot != "sandbox" && o.slot != "a" && o.slot != "b" && o.slot != "live" &&
        o.slot != "staging") {
        complain("--slot takes a, b, live, staging or sandbox.");
        return app::Usage;
    }
    if (parser.isSet(watch)) {
        const auto seconds = model::parseDurationSeconds(parser.value(watch).toStdString());
        if (!seconds) {
            complain("--watch takes a duration such as 30s, 5m or 1h (at most 24h), not \"" +
                     parser.value(watch).toStdString() + "\".");
            return app::Usage;
        }
        if (o.command != QLatin1String("swap")) {
            complain("--watch goes with swap: signalbox swap SERVICE --watch 5m.");
            return app::Usage;
        }
        o.watchSeconds = *seconds;
    }
    o.rollbackOnFailure = parser.isSet(rollbackOnFailure);
    if (o.rollbackOnFailure && o.watchSeconds == 0) {
        complain("--rollback-on-failure goes with --watch: signalbox swap SERVICE --watch 5m --rollback-on-failure.");
        return app::Usage;
    }
    if (parser.isSet(expectLive)) {
        const QString v = parser.value(expectLive);
        if (v != QLatin1String("a") && v != QLatin1String("b")) {
            complain("--expect-live takes a or b.");
            return app::Usage;
        }
        o.expectLive = v.at(0).toLatin1();
    }
    if (o.command == QLatin1String("logs")) {
        if (o.slot.empty()) {
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
            const auto seconds = model::parseDurationSeconds(parser.value(since).toStdString());
            if (!seconds || *seconds <= 0) {
                complain("--since takes a duration such as 30s, 10m, 2h or 1h30m (at most 24h).");
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
