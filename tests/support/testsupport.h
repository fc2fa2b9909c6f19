#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>

// Helpers shared by the tests: where the sources and the local control plane are, and a way
// to run fixture commands (kubectl through scripts/cluster) as one of the test users.
namespace testsupport {

QString sourceDir();
QString testDataDir();

// The state folder of the running local control plane (SIGNALBOX_CLUSTER_DIR), or an empty
// string with `why` filled when there is none. Cluster tests fail on an empty answer.
QString clusterDir(QString* why);
QString kubeconfigFor(const QString& user);

struct ProcessResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString describe() const;
};

ProcessResult run(const QString& program, const QStringList& args, const QByteArray& input = {}, int timeoutMs = 60000);
ProcessResult kubectl(const QString& user, const QStringList& args, const QByteArray& input = {});

// Writes an executable exec credential plugin (client.authentication.k8s.io/v1) at `path`: the
// shell lines `before`, then an ExecCredential with the token read from `tokenFile` when it runs.
bool writeCredentialPlugin(const QString& path, const QString& before, const QString& tokenFile);

// Whether the process's peak resident size says what the code under test kept. AddressSanitizer
// holds freed blocks in its quarantine (256 MiB by default), so in a sanitized build the peak
// counts what was freed too; the memory bounds are checked by the plain build's run.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool peakMemoryIsMeasured = false;
#else
inline constexpr bool peakMemoryIsMeasured = true;
#endif

// Polls `condition` until it holds or `timeoutMs` passes; returns whether it held.
bool waitFor(const std::function<bool()>& condition, int timeoutMs, int intervalMs = 200);

// Installs (or removes) deploy/policy/history-authors.yaml as the admin and waits until the API
// server enforces it (or no longer does): a server-side dry run of a history the admin does not
// sign, on Deployment uro-a of namespace uro, is refused (or admitted). False when it does not
// come to that; `why` then says what happened.
bool setHistoryAuthorsPolicy(bool on, QString* why = nullptr);

} // namespace testsupport

// Fails the current test when the local control plane is not running.
#define REQUIRE_CLUSTER()                                                                                              \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        if (testsupport::clusterDir(&why_).isEmpty())                                                                  \
            QFAIL(qPrintable(why_));                                                                                   \
    } while (false)
