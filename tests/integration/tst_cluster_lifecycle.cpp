// scripts/cluster up and down on a control plane of the test's own: up brings every component
// and a Ready node within the time limit, down stops exactly those processes and removes the state.
#include "support/testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QStringList components = {QStringLiteral("etcd"), QStringLiteral("kube-apiserver"),
                                QStringLiteral("kube-controller-manager"), QStringLiteral("kube-scheduler"),
                                QStringLiteral("kwok")};

bool processRuns(qint64 pid)
{
    // A zombie has no command line; only a live process counts.
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return cmdline.open(QIODevice::ReadOnly) && !cmdline.readAll().isEmpty();
}

} // namespace

class TestClusterLifecycle : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_state;

    testsupport::ProcessResult cluster(const QStringList& args)
    {
        qputenv("SIGNALBOX_CLUSTER_DIR", m_state.toUtf8());
        auto r = testsupport::run(testsupport::sourceDir() + QStringLiteral("/scripts/cluster"), args, {}, 180000);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_state = m_tmp.path() + QStringLiteral("/cluster");
    }

    void upThenDownLeavesNothingRunning()
    {
        QElapsedTimer timer;
        timer.start();
        const auto up = cluster({QStringLiteral("up")});
        QVERIFY2(up.exitCode == 0, qPrintable(up.describe()));
        qInfo("warm start of the control plane: %lld ms", static_cast<long long>(timer.elapsed()));

        QList<qint64> pids;
        for (const QString& c : components) {
            QFile f(m_state + QStringLiteral("/run/") + c + QStringLiteral(".pid"));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(c));
            const qint64 pid = f.readAll().trimmed().toLongLong();
            QVERIFY2(processRuns(pid), qPrintable(c + QStringLiteral(" is not running after up")));
            pids << pid;
        }
        const auto status = cluster({QStringLiteral("status")});
        QVERIFY2(status.exitCode == 0, qPrintable(status.describe()));

        const auto again = cluster({QStringLiteral("up")});
        QVERIFY2(again.exitCode == 0 && again.out.contains("already running"), qPrintable(again.describe()));

        const auto down = cluster({QStringLiteral("down")});
        QVERIFY2(down.exitCode == 0, qPrintable(down.describe()));
        for (int i = 0; i < pids.size(); ++i)
            QVERIFY2(!processRuns(pids[i]), qPrintable(components[i] + QStringLiteral(" still runs after down")));
        QVERIFY(!QFileInfo::exists(m_state));
        const auto after = cluster({QStringLiteral("status")});
        QVERIFY(after.exitCode != 0);
    }

    void cleanupTestCase()
    {
        if (QFileInfo::exists(m_state))
            cluster({QStringLiteral("down")});
    }
};

QTEST_GUILESS_MAIN(TestClusterLifecycle)
#include "tst_cluster_lifecycle.moc"
