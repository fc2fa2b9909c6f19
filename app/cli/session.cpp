#include "session.h"

#include "app/exitcodes.h"
#include "commands.h"
#include "model/rules/chatline.h"
#include "net/webhook.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <unistd.h>

namespace cli {

namespace {

// What the command sent to the API server, by kind, said on stderr as it ends when the category is
// on: QT_LOGGING_RULES="signalbox.requests.info=true".
Q_LOGGING_CATEGORY(lcRequests, "signalbox.requests", QtWarningMsg)

} // namespace

Session::Session(Options options, kube::RestConfig rest)
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

Session::~Session()
{
    // A log stream closes its requests on the client, which must still be there.
    m_work.reset();
    if (lcRequests().isInfoEnabled()) {
        const kube::RequestCounts& counts = m_client.requestCounts();
        std::string kinds;
        for (const auto& [kind, n] : counts.byKind)
            kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
        qCInfo(lcRequests, "requests: %ld: %s", counts.total, kinds.c_str());
    }
}

void Session::start()
{
    const std::string ns = m_options.kubeconfig.namespaceOverride;
    model::lookupServices(
        &m_client, m_options.config, ns,
        [this](kube::Result<std::vector<model::ServiceSpec>> r, std::shared_ptr<const model::Snapshot> listed) {
            if (!r) {
                fail(r.error());
                return;
            }
            m_services = r.value();
            m_listed = std::move(listed);
            dispatch();
        });
}

void Session::dispatch()
{
    const QString& c = m_options.command;
    if (c == QLatin1String("status"))
        status(*this);
    else if (c == QLatin1String("deploy"))
        deploy(*this);
    else if (c == QLatin1String("history"))
        history(*this);
    else if (c == QLatin1String("check"))
        check(*this);
    else if (c == QLatin1String("smoke"))
        smoke(*this);
    else if (c == QLatin1String("logs"))
        logs(*this);
    else if (c == QLatin1String("analyze"))
        analyze(*this);
    else if (c == QLatin1String("timeline"))
        timeline(*this);
    else if (c == QLatin1String("stats"))
        stats(*this);
    else
        swap(*this, c == QLatin1String("rollback") ? model::SwapPlan::Kind::Rollback
                    : c == QLatin1String("repair") ? model::SwapPlan::Kind::Repair
                                                   : model::SwapPlan::Kind::Swap);
}

const model::ServiceSpec* Session::find(const std::string& name) const
{
    for (const auto& s : m_services)
        if (s.name == name)
            return &s;
    return nullptr;
}

const model::ServiceSpec* Session::requireService()
{
    if (m_options.args.isEmpty()) {
        complain("name the service, for example: signalbox " + m_options.command.toStdString() + " uro");
        QCoreApplication::exit(app::Usage);
        return nullptr;
    }
    const std::string name = m_options.args.first().toStdString();
    const model::ServiceSpec* spec = find(name);
    if (!spec) {
        complain("there is no service named " + name + " here (context " + m_client.config().contextName +
                 "); check the name, --namespace and --context.");
        QCoreApplication::exit(app::Failed);
    }
    return spec;
}

void Session::fail(const kube::Error& e)
{
    complain(e.message);
    QCoreApplication::exit(app::exitCode(e));
}

std::function<void(const std::string&)> Session::progressPrinter() const
{
    return [json = m_options.json](const std::string& step) {
        if (!json)
            say("... " + step);
    };
}

void Session::finishWith(int code, const std::string& chatLine)
{
    if (m_options.webhook.empty()) {
        QCoreApplication::exit(code);
        return;
    }
    auto* notifier = new net::ChatWebhook(&m_transport, m_options.webhook, work());
    notifier->send(chatLine, [code](kube::Result<kube::HttpResponse> r) {
        if (!r)
            complain("the notification was not sent: " + r.error().message);
        QCoreApplication::exit(code);
    });
}

void Session::ended(int code, const std::string& message, const std::string& service, const std::string& verb)
{
    if (code == app::Done)
        say(message);
    else
        complain(message);
    finishWith(code, model::chatText({code == app::Done, m_user, service, verb, message}));
}

} // namespace cli
