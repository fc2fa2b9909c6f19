#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

namespace testsupport {

QString sourceDir()
{
    return qEnvironmentVariable("SIGNALBOX_SOURCE_DIR", QStringLiteral(SIGNALBOX_SOURCE_DIR_DEFAULT));
}

QString testDataDir()
{
    return sourceDir() + QStringLiteral("/tests/data");
}

QString signalboxBinary()
{
    return qEnvironmentVariable("SIGNALBOX_BINARY", QStringLiteral(SIGNALBOX_BINARY_DEFAULT));
}

QString cliBinary()
{
    return qEnvironmentVariable("SIGNALBOX_CLI_BINARY", QStringLiteral(SIGNALBOX_CLI_BINARY_DEFAULT));
}

QString clusterDir(QString* why)
{
    const QString dir = qEnvironmentVariable("SIGNALBOX_CLUSTER_DIR");
    if (dir.isEmpty()) {
        *why = QStringLiteral("SIGNALBOX_CLUSTER_DIR is not set: start the control plane with scripts/cluster up "
                              "and export SIGNALBOX_CLUSTER_DIR, or run scripts/test.");
        return {};
    }
    if (!QFileInfo::exists(dir + QStringLiteral("/kubeconfig/admin.yaml"))) {
        *why = QStringLiteral("No local control plane in %1: run scripts/cluster up.").arg(dir);
        return {};
    }
    return dir;
}

QString kubeconfigFor(const QString& user)
{
    QString why;
    const QString dir = clusterDir(&why);
    return dir.isEmpty() ? QString() : dir + QStringLiteral("/kubeconfig/") + user + QStringLiteral(".yaml");
}

QString ProcessResult::describe() const
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(exitCode)
        .arg(QString::fromUtf8(out.left(2000)), QString::fromUtf8(err.left(2000)));
}

ProcessResult run(const QString& program, const QStringList& args, const RunOptions& options)
{
    QProcess p;
    p.setProcessEnvironment(options.environment);
    if (!options.workDir.isEmpty())
        p.setWorkingDirectory(options.workDir);
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!options.input.isEmpty())
        p.write(options.input);
    p.closeWriteChannel();
    const bool finished = options.eventLoop
                              ? QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, options.timeoutMs)
                              : p.waitForFinished(options.timeoutMs);
    if (!finished) {
        p.kill();
        p.waitForFinished(5000);
        r.out = p.readAllStandardOutput();
        r.err = "timed out: " + p.readAllStandardError();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

ProcessResult run(const QString& program, const QStringList& args, const QByteArray& input, int timeoutMs)
{
    RunOptions options;
    options.input = input;
    options.timeoutMs = timeoutMs;
    return run(program, args, options);
}

QStringList as(const QString& user)
{
    return {QStringLiteral("--kubeconfig"), kubeconfigFor(user), QStringLiteral("-n"), QStringLiteral("uro")};
}

RunOptions withEventLoop(int timeoutMs)
{
    RunOptions options;
    options.timeoutMs = timeoutMs;
    options.eventLoop = true;
    return options;
}

ProcessResult signalbox(const QString& user, const QStringList& args, int timeoutMs)
{
    return run(signalboxBinary(), args + as(user), {}, timeoutMs);
}

ProcessResult signalbox(const QString& user, const QStringList& args, const RunOptions& options)
{
    return run(signalboxBinary(), args + as(user), options);
}

bool writeCredentialPlugin(const QString& path, const QString& before, const QString& tokenFile)
{
    QFile plugin(path);
    if (!plugin.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    plugin.write(QStringLiteral("#!/bin/sh\n%1\ntok=$(cat \"%2\")\n"
                                "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                                "\"ExecCredential\",\"status\":{\"token\":\"%s\"}}\\n' \"$tok\"\n")
                     .arg(before, tokenFile)
                     .toUtf8());
    plugin.close();
    return plugin.setPermissions(plugin.permissions() | QFileDevice::ExeOwner);
}

ProcessResult kubectl(const QString& user, const QStringList& args, const QByteArray& input)
{
    return run(sourceDir() + QStringLiteral("/scripts/cluster"), QStringList{QStringLiteral("kubectl"), user} + args,
               input);
}

} // namespace testsupport
