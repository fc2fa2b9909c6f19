#include "testsupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

namespace testsupport {

QString sourceDir()
{
    return qEnvironmentVariable("SIGNALBOX_SOURCE_DIR", QStringLiteral(SIGNALBOX_SOURCE_DIR_DEFAULT));
}

QString testDataDir()
{
    return sourceDir() + QStringLiteral("/tests/data");
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

ProcessResult run(const QString& program, const QStringList& args, const QByteArray& input, int timeoutMs)
{
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString().toUtf8();
        return r;
    }
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "timed out: " + p.readAllStandardError();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
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

bool waitFor(const std::function<bool()>& condition, int timeoutMs, int intervalMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        if (condition())
            return true;
        if (deadline.hasExpired())
            return false;
        QThread::msleep(intervalMs);
    }
}

bool setHistoryAuthorsPolicy(bool on, QString* why)
{
    const QString file = sourceDir() + QStringLiteral("/deploy/policy/history-authors.yaml");
    const ProcessResult changed =
        kubectl(QStringLiteral("admin"), on ? QStringList{QStringLiteral("apply"), QStringLiteral("-f"), file}
                                            : QStringList{QStringLiteral("delete"), QStringLiteral("-f"), file,
                                                          QStringLiteral("--ignore-not-found")});
    ProcessResult probe = changed;
    const bool done =
        changed.exitCode == 0 &&
        waitFor(
            [&] {
                probe = kubectl(QStringLiteral("admin"),
                                {QStringLiteral("annotate"), QStringLiteral("deployment"), QStringLiteral("uro-a"),
                                 QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--overwrite"),
                                 QStringLiteral("signalbox.v-sekai.org/history=[{\"probe\":1}]"),
                                 QStringLiteral("--dry-run=server")});
                const bool refused = probe.exitCode != 0 && probe.err.contains("signalbox-history-authors");
                return on ? refused : probe.exitCode == 0;
            },
            30000, 300);
    if (!done && why)
        *why =
            QStringLiteral("the history-authors policy is not %1: ").arg(on ? "enforced" : "gone") + probe.describe();
    return done;
}

} // namespace testsupport
