#include "credentials.h"

#include "linesplitter.h"
#include "net.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>
#include <nlohmann/json.hpp>

namespace kube {

namespace {

constexpr int pluginTimeoutMs = 60000;
// Once a plugin speaks to the person (a device-code login), it may wait for them this long.
constexpr int pluginTalkingTimeoutMs = 10 * 60000;

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string who(const AuthInfo& user)
{
    return "user \"" + user.name + "\"" + (user.sourceFile.empty() ? "" : " in " + user.sourceFile);
}

std::string hint(const ExecConfig& exec)
{
    return exec.installHint.empty() ? std::string() : " " + exec.installHint;
}

std::string replacementFor(const std::string& provider)
{
    if (provider == "gcp")
        return "gke-gcloud-auth-plugin";
    if (provider == "azure")
        return "kubelogin (Azure)";
    if (provider == "oidc")
        return "kubelogin (int128/kubelogin)";
    return "the provider's exec plugin";
}

} // namespace

CredentialProvider::CredentialProvider(AuthInfo user, ClusterInfo cluster, QObject* parent)
    : QObject(parent), m_user(std::move(user)), m_cluster(std::move(cluster))
{
}

CredentialProvider::~CredentialProvider()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

std::vector<std::string> CredentialProvider::extraSearchPaths()
{
    const std::string home = QDir::homePath().toStdString();
    return {home + "/.local/bin",
            home + "/bin",
            home + "/go/bin",
            home + "/.krew/bin",
            "/usr/local/bin",
            "/opt/homebrew/bin",
            "/snap/bin",
            home + "/google-cloud-sdk/bin",
            "/usr/lib/google-cloud-sdk/bin"};
}

void CredentialProvider::invalidate()
{
    m_cached.reset();
}

void CredentialProvider::get(Callback callback)
{
    if (!m_user.authProvider.empty()) {
        callback(Error::config("The kubeconfig " + who(m_user) + " uses the auth-provider \"" + m_user.authProvider +
                               "\", which kubectl no longer supports either. Switch it to " +
                               replacementFor(m_user.authProvider) + " as an exec plugin."));
        return;
    }
    if (m_user.exec) {
        if (m_cached && (!m_cached->expiry.isValid() || m_cached->expiry > QDateTime::currentDateTimeUtc())) {
            callback(*m_cached);
            return;
        }
        m_waiting.push_back(std::move(callback));
        if (!m_process)
            runPlugin();
        return;
    }
    Credential c;
    if (!m_user.token.empty()) {
        c.token = m_user.token;
    } else if (!m_user.tokenFile.empty()) {
        // Re-read at each request: token files are rotated in place (service-account tokens).
        QFile f(q(m_user.tokenFile));
        if (!f.open(QIODevice::ReadOnly)) {
            callback(Error::config("The token file " + m_user.tokenFile + " of the kubeconfig " + who(m_user) +
                                   " cannot be read: " + f.errorString().toStdString() + "."));
            return;
        }
        const QByteArray token = f.read(maxTokenFileBytes + 1);
        if (token.size() > maxTokenFileBytes) {
            callback(Error::config("The token file " + m_user.tokenFile + " of the kubeconfig " + who(m_user) +
                                   " is larger than " + sizeText(maxTokenFileBytes) +
                                   ", more than any token; check that tokenFile names the token."));
            return;
        }
        c.token = token.trimmed().toStdString();
    }
    callback(c);
}

void CredentialProvider::runPlugin()
{
    const ExecConfig& exec = *m_user.exec;
    const bool interactive = m_terminal && exec.interactiveMode != "Never";
    if (exec.interactiveMode == "Always" && !interactive) {
        finishPlugin(Error::config("The credential plugin \"" + exec.command + "\" of the kubeconfig " + who(m_user) +
                                   " says it always needs a terminal to ask you something (interactiveMode: Always), "
                                   "and there is none here, so it was not run. Use signalbox's command line in a "
                                   "terminal, or, if the plugin can reuse a login made in a terminal (kubelogin and "
                                   "the cloud plugins can), log in there once and set interactiveMode: IfAvailable "
                                   "for this user." +
                                   hint(exec)));
        return;
    }
    const Result<QString> program = pluginProgram();
    if (!program) {
        finishPlugin(program.error());
        return;
    }
    QStringList args;
    for (const auto& a : exec.args)
        args << q(a);
    ++m_execRuns;
    m_process = new QProcess(this);
    m_process->setProcessEnvironment(pluginEnvironment(interactive));
    m_process->setProgram(program.value());
    m_process->setArguments(args);
    if (interactive) {
        // The person answers the plugin's questions directly; its stdout stays ours.
        m_process->setInputChannelMode(QProcess::ForwardedInputChannel);
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    }
    auto* timer = new QTimer(m_process);
    timer->setSingleShot(true);
    auto timeoutMs = std::make_shared<int>(interactive ? pluginTalkingTimeoutMs : pluginTimeoutMs);
    connect(timer, &QTimer::timeout, this, [this, timeoutMs] {
        m_process->disconnect(this);
        m_process->kill();
        finishPlugin(Error::config("The credential plugin \"" + m_user.exec->command + "\" of the kubeconfig " +
                                   who(m_user) + " did not finish within " + std::to_string(*timeoutMs / 1000) +
                                   " s. It may be waiting for input it cannot get here: log in with it in a "
                                   "terminal first."));
    });
    auto out = std::make_shared<QByteArray>();
    auto said = std::make_shared<QByteArray>();
    watchPluginOutput(out);
    watchPluginStderr(said, timer, timeoutMs);
    watchPluginEnd(out, said);
    m_process->start(QIODevice::ReadOnly);
    if (!interactive)
        m_process->closeWriteChannel();
    timer->start(*timeoutMs);
}

Result<QString> CredentialProvider::pluginProgram() const
{
    const ExecConfig& exec = *m_user.exec;
    const QString program = q(exec.command);
    if (program.contains(u'/'))
        return program;
    QStringList dirs = qEnvironmentVariable("PATH").split(u':', Qt::SkipEmptyParts);
    for (const auto& d : extraSearchPaths())
        dirs << q(d);
    for (const QString& d : dirs) {
        const QFileInfo fi(d + u'/' + program);
        if (fi.isFile() && fi.isExecutable())
            return fi.absoluteFilePath();
    }
    return Error::config("The credential plugin \"" + exec.command + "\" named by the kubeconfig " + who(m_user) +
                         " is not installed, or not on the PATH this program sees." +
                         (exec.installHint.empty() ? " Install it, or give its full path in the kubeconfig's "
                                                     "exec.command."
                                                   : hint(exec)));
}

QProcessEnvironment CredentialProvider::pluginEnvironment(bool interactive) const
{
    const ExecConfig& exec = *m_user.exec;
    nlohmann::json info = {
        {"apiVersion", exec.apiVersion}, {"kind", "ExecCredential"}, {"spec", {{"interactive", interactive}}}};
    if (exec.provideClusterInfo) {
        nlohmann::json cluster = {{"server", m_cluster.server}};
        if (!m_cluster.certificateAuthorityData.empty())
            cluster["certificate-authority-data"] =
                QByteArray::fromStdString(m_cluster.certificateAuthorityData).toBase64().toStdString();
        if (m_cluster.insecureSkipTlsVerify)
            cluster["insecure-skip-tls-verify"] = true;
        if (!m_cluster.tlsServerName.empty())
            cluster["tls-server-name"] = m_cluster.tlsServerName;
        if (!m_cluster.proxyUrl.empty())
            cluster["proxy-url"] = m_cluster.proxyUrl;
        info["spec"]["cluster"] = cluster;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& v : exec.env)
        env.insert(q(v.name), q(v.value));
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"),
               q(info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    return env;
}

void CredentialProvider::watchPluginOutput(std::shared_ptr<QByteArray> out)
{
    // Its stdout, kept as it comes so that a plugin printing without end is stopped at the cap.
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this, out] {
        out->append(m_process->readAllStandardOutput());
        if (out->size() <= maxPluginOutputBytes)
            return;
        m_process->disconnect(this);
        m_process->kill();
        finishPlugin(Error::config("The credential plugin \"" + m_user.exec->command + "\" of the kubeconfig " +
                                   who(m_user) + " printed more than " + sizeText(maxPluginOutputBytes) +
                                   ", more than any credential takes, so it was stopped. Run it in a terminal to see "
                                   "what it prints."));
    });
}

void CredentialProvider::watchPluginStderr(std::shared_ptr<QByteArray> said, QTimer* timer,
                                           std::shared_ptr<int> timeoutMs)
{
    // Its stderr, line by line, for the person; the end kept for the message if it fails. Once
    // it speaks to the person, it may wait for them longer.
    auto lines = std::make_shared<LineSplitter>(maxPluginLineBytes);
    const QString name = QFileInfo(q(m_user.exec->command)).fileName();
    connect(m_process, &QProcess::readyReadStandardError, this, [this, said, lines, name, timer, timeoutMs] {
        const QByteArray chunk = m_process->readAllStandardError();
        said->append(chunk.right(4096));
        if (said->size() > 4096)
            said->remove(0, said->size() - 4096); // the end is what a failure message shows
        std::vector<TextLine> complete;
        lines->feed(std::string_view(chunk.constData(), std::size_t(chunk.size())), complete);
        for (const TextLine& l : complete) {
            const QString line = QString::fromStdString(l.text).trimmed();
            if (line.isEmpty())
                continue;
            if (*timeoutMs != pluginTalkingTimeoutMs) {
                *timeoutMs = pluginTalkingTimeoutMs;
                timer->start(pluginTalkingTimeoutMs);
            }
            Q_EMIT pluginSaid(name, line.left(500));
        }
    });
}

void CredentialProvider::watchPluginEnd(std::shared_ptr<QByteArray> out, std::shared_ptr<QByteArray> said)
{
    const ExecConfig& exec = *m_user.exec;
    const std::string plugin = "The credential plugin \"" + exec.command + "\" of the kubeconfig " + who(m_user);
    connect(m_process, &QProcess::errorOccurred, this, [this, plugin](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_process->disconnect(this);
        finishPlugin(Error::config(plugin + " could not be started: " + m_process->errorString().toStdString() + "." +
                                   hint(*m_user.exec)));
    });
    connect(m_process, &QProcess::finished, this, [this, plugin, said, out](int code, QProcess::ExitStatus status) {
        m_process->disconnect(this);
        said->append(m_process->readAllStandardError().right(4096));
        const QByteArray err = said->trimmed().right(400);
        if (status != QProcess::NormalExit || code != 0) {
            finishPlugin(Error::config(plugin + " failed (exit code " + std::to_string(code) + ")" +
                                       (err.isEmpty() ? std::string(".") : ": " + err.toStdString()) +
                                       " Log in again with the tool that provides it." + hint(*m_user.exec)));
            return;
        }
        out->append(m_process->readAllStandardOutput());
        if (out->size() > maxPluginOutputBytes) {
            finishPlugin(Error::config(plugin + " printed more than " + sizeText(maxPluginOutputBytes) +
                                       ", more than any credential takes. Run it in a terminal to see what it "
                                       "prints."));
            return;
        }
        finishPlugin(parsePluginOutput(*out));
    });
}

Result<Credential> CredentialProvider::parsePluginOutput(const QByteArray& out) const
{
    const ExecConfig& exec = *m_user.exec;
    const std::string bad = "The credential plugin \"" + exec.command + "\" of the kubeconfig " + who(m_user) +
                            " printed something that is not an ExecCredential";
    try {
        const auto j = nlohmann::json::parse(out.toStdString());
        if (!j.is_object() || j.value("kind", "") != "ExecCredential")
            return Error::config(bad + " (no kind ExecCredential). Check the plugin's version.");
        const std::string apiVersion = j.value("apiVersion", "");
        if (apiVersion != exec.apiVersion)
            return Error::config(bad + " of the apiVersion the kubeconfig asks for (" + exec.apiVersion + ", got " +
                                 apiVersion + "). Set exec.apiVersion to what the plugin speaks.");
        const auto& status = j.at("status");
        Credential c;
        c.token = status.value("token", "");
        c.certData = status.value("clientCertificateData", "");
        c.keyData = status.value("clientKeyData", "");
        if (c.token.empty() && (c.certData.empty() || c.keyData.empty()))
            return Error::config(bad + ": it has neither a token nor a client certificate and key.");
        const std::string expiry = status.value("expirationTimestamp", "");
        if (!expiry.empty()) {
            c.expiry = QDateTime::fromString(q(expiry), Qt::ISODateWithMs);
            if (!c.expiry.isValid())
                c.expiry = QDateTime::fromString(q(expiry), Qt::ISODate);
            if (!c.expiry.isValid())
                return Error::config(bad + ": its expirationTimestamp \"" + expiry + "\" is not a time.");
        }
        return c;
    } catch (const std::exception&) {
        return Error::config(bad + " (not valid JSON or a field of the wrong type). Run it in a terminal to see "
                                   "what it prints.");
    }
}

void CredentialProvider::finishPlugin(Result<Credential> result)
{
    if (m_process) {
        // A plugin that was stopped goes once it has been reaped, so nothing waits for it here.
        if (m_process->state() != QProcess::NotRunning)
            connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
        else
            m_process->deleteLater();
        m_process = nullptr;
        Q_EMIT pluginSaid(QFileInfo(q(m_user.exec->command)).fileName(), QString());
    }
    if (result)
        m_cached = result.value();
    std::vector<Callback> waiting;
    waiting.swap(m_waiting);
    for (auto& cb : waiting)
        cb(result);
}

} // namespace kube
