#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// Helpers shared by the tests: where the sources, the binaries and the local control plane are,
// and a way to run commands (kubectl through scripts/cluster, signalbox) as one of the test users.
// The cluster helpers for the example in namespace uro are in support/cluster.h.
namespace testsupport {

QString sourceDir();
QString testDataDir();

// The console binary (which runs the commands too) and signalbox-cli, as built beside the tests.
// A test that runs one says so in tests/CMakeLists.txt (add_unit_test's RUNS), so it is built first.
QString signalboxBinary();
QString cliBinary();

// The state folder of the running local control plane (SIGNALBOX_CLUSTER_DIR), or an empty
// string with `why` filled when there is none. Cluster tests fail on an empty answer.
QString clusterDir(QString* why);
QString kubeconfigFor(const QString& user);

struct ProcessResult {
    int exitCode = -1; // -1: it did not start, did not finish in time, or crashed
    QByteArray out;
    QByteArray err;
    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
    QString describe() const;
};

struct RunOptions {
    QByteArray input;
    int timeoutMs = 60000;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QString workDir;
    // Keep this thread's event loop running while the command runs: a server of the test (a
    // webhook receiver, say) lives on it and must answer the command.
    bool eventLoop = false;
};
// The options of a command that runs at most `timeoutMs` with this thread's event loop running.
RunOptions withEventLoop(int timeoutMs);

ProcessResult run(const QString& program, const QStringList& args, const RunOptions& options);
ProcessResult run(const QString& program, const QStringList& args, const QByteArray& input = {}, int timeoutMs = 60000);
ProcessResult kubectl(const QString& user, const QStringList& args, const QByteArray& input = {});

// The arguments that make a command act as `user` in namespace uro: its kubeconfig, and -n uro.
QStringList as(const QString& user);
// `signalbox ARGS`, as `user` in namespace uro.
ProcessResult signalbox(const QString& user, const QStringList& args, int timeoutMs = 120000);
ProcessResult signalbox(const QString& user, const QStringList& args, const RunOptions& options);

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

} // namespace testsupport

// Fails the current test when the local control plane is not running.
#define REQUIRE_CLUSTER()                                                                                              \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        if (testsupport::clusterDir(&why_).isEmpty())                                                                  \
            QFAIL(qPrintable(why_));                                                                                   \
    } while (false)
