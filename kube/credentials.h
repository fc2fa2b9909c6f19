#pragma once

#include "kubeconfig.h"
#include "net.h"

#include <QDateTime>
#include <QObject>
#include <QProcessEnvironment>
#include <functional>
#include <memory>
#include <vector>

class QProcess;
class QTimer;

namespace kube {

// What a request presents: a bearer token or a client certificate (PEM), or nothing.
struct Credential {
    std::string token;
    std::string certData;
    std::string keyData;
    QDateTime expiry; // invalid: does not expire
};

// Supplies the credential for one kubeconfig user. Static tokens and token files are read
// directly; exec plugins run as a child process without blocking the caller, their result is
// kept until its expiry, and `invalidate()` (after a 401) makes the next request run it again.
class CredentialProvider : public QObject {
    Q_OBJECT

public:
    using Callback = std::function<void(Result<Credential>)>;

    // A plugin that prints more than this on stdout is stopped: an ExecCredential is a few KiB.
    static constexpr qint64 maxPluginOutputBytes = 1024 * 1024;
    // What a plugin says on stderr is passed on line by line; a longer line is cut here (and
    // shown shorter still).
    static constexpr std::size_t maxPluginLineBytes = 4096;
    // A token file (tokenFile, the in-cluster service account's) larger than this is refused.
    static constexpr qint64 maxTokenFileBytes = 64 * 1024;

    CredentialProvider(AuthInfo user, ClusterInfo cluster, QObject* parent = nullptr);
    ~CredentialProvider() override;

    void get(Callback callback);
    void invalidate();
    // The command line in a terminal: a plugin that may ask something (interactiveMode Always or
    // IfAvailable) runs with the terminal as its stdin and stderr, as kubectl runs it. Without
    // this (the console, CI) no plugin is ever interactive.
    void setTerminal(bool available) { m_terminal = available; }
    bool usesExec() const { return m_user.exec.has_value(); }
    int execRuns() const { return m_execRuns; }

    // Where plugins are looked for besides PATH: a program started from a desktop menu often
    // gets a PATH without the folders where cloud tools install their plugins.
    static std::vector<std::string> extraSearchPaths();

Q_SIGNALS:
    // What a running plugin writes for the person (on stderr), a line at a time: a device-code
    // login ("open https://... and enter the code ...") works only if somebody sees it. An empty
    // text when the plugin has finished.
    void pluginSaid(const QString& plugin, const QString& line);

private:
    void runPlugin();
    // The plugin's executable: exec.command, looked up on PATH and extraSearchPaths() unless a path.
    Result<QString> pluginProgram() const;
    // The process environment plus exec.env and KUBERNETES_EXEC_INFO.
    QProcessEnvironment pluginEnvironment(bool interactive) const;
    void watchPluginOutput(std::shared_ptr<QByteArray> out);
    void watchPluginStderr(std::shared_ptr<QByteArray> said, QTimer* timer, std::shared_ptr<int> timeoutMs);
    void watchPluginEnd(std::shared_ptr<QByteArray> out, std::shared_ptr<QByteArray> said);
    void finishPlugin(Result<Credential> result);
    Result<Credential> parsePluginOutput(const QByteArray& out) const;

    AuthInfo m_user;
    ClusterInfo m_cluster;
    std::optional<Credential> m_cached;
    std::vector<Callback> m_waiting;
    QProcess* m_process = nullptr;
    int m_execRuns = 0;
    bool m_terminal = false;
};

} // namespace kube
