// scripts/cluster up and down on a control plane of the test's own: up brings every component
// and a Ready node within the time limit inside a network namespace of its own, where the pod app
// answers for every pod as its health annotation says (seen through the API server's proxy, from
// the host through the forwarder); down stops exactly those processes and removes the namespace and
// the state. Without the rights to make a namespace, up refuses rather than use the host's network.
#include "support/testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QStringList components = {QStringLiteral("forwarder"),      QStringLiteral("etcd"),
                                QStringLiteral("kube-apiserver"), QStringLiteral("kube-controller-manager"),
                                QStringLiteral("kube-scheduler"), QStringLiteral("kwok"),
                                QStringLiteral("pod-app")};
const QString healthKey = QStringLiteral("test.signalbox.v-sekai.org/health");

bool processRuns(qint64 pid)
{
    // A zombie has no command line; only a live process counts.
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return cmdline.open(QIODevice::ReadOnly) && !cmdline.readAll().isEmpty();
}

// Every process whose command line names `text`.
QStringList processesNaming(const QString& text)
{
    QStringList found;
    const QByteArray needle = text.toUtf8();
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool number = false;
        if (pid.toLongLong(&number) == QCoreApplication::applicationPid() || !number)
            continue;
        QFile cmdline(QStringLiteral("/proc/") + pid + QStringLiteral("/cmdline"));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        QByteArray line = cmdline.readAll();
        if (line.contains(needle))
            found << pid + QStringLiteral(": ") + QString::fromUtf8(line.replace('\0', ' '));
    }
    return found;
}

struct ProxyAnswer {
    int status = 0;
    QString pod; // the X-Pod header
    QString describe;
};

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

    QString readState(const QString& file) const
    {
        QFile f(m_state + QLatin1Char('/') + file);
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
    }

    // GET /health on port 4000 of `pod` through the API server's pod proxy, from the host.
    ProxyAnswer proxyHealth(const QString& pod)
    {
        QString token;
        QFile kc(m_state + QStringLiteral("/kubeconfig/admin.yaml"));
        if (kc.open(QIODevice::ReadOnly))
            for (const QByteArray& line : kc.readAll().split('\n'))
                if (line.trimmed().startsWith("token:"))
                    token = QString::fromUtf8(line.trimmed().mid(6).trimmed());
        const QString url = QStringLiteral("https://127.0.0.1:%1/api/v1/namespaces/default/pods/%2:4000/proxy/health")
                                .arg(readState(QStringLiteral("run/apiserver.port")), pod);
        // The token goes in through curl's configuration on stdin, not on the command line.
        const auto r =
            testsupport::run(QStringLiteral("curl"),
                             {QStringLiteral("-sS"), QStringLiteral("-i"), QStringLiteral("--max-time"),
                              QStringLiteral("15"), QStringLiteral("--cacert"), m_state + QStringLiteral("/pki/ca.crt"),
                              QStringLiteral("-K"), QStringLiteral("-"), url},
                             QStringLiteral("header = \"Authorization: Bearer %1\"\n").arg(token).toUtf8());
        ProxyAnswer a;
        a.describe = r.describe();
        const QList<QByteArray> lines = r.out.split('\n');
        if (r.exitCode != 0 || lines.isEmpty())
            return a;
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        a.status = statusLine.size() > 1 ? statusLine[1].toInt() : 0;
        for (const QByteArray& line : lines) {
            if (line.trimmed().isEmpty())
                break;
            if (line.toLower().startsWith("x-pod:"))
                a.pod = QString::fromUtf8(line.mid(6).trimmed());
        }
        return a;
    }

    void runPod(const QString& name, const QString& health)
    {
        QStringList args{QStringLiteral("kubectl"), QStringLiteral("admin"), QStringLiteral("run"), name,
                         QStringLiteral("--image=registry.k8s.io/pause:3.10")};
        if (!health.isEmpty())
            args << QStringLiteral("--annotations=%1=%2").arg(healthKey, health);
        const auto r = cluster(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    }

    // Waits until `pod` answers `status` through the proxy, with its own name in X-Pod.
    void expectHealth(const QString& pod, int status, int timeoutMs)
    {
        ProxyAnswer last;
        const bool ok = QTest::qWaitFor(
            [&] {
                last = proxyHealth(pod);
                return last.status == status && last.pod == pod;
            },
            timeoutMs);
        QVERIFY2(ok, qPrintable(QStringLiteral("%1 did not answer %2 with X-Pod %1; last: %3")
                                    .arg(pod)
                                    .arg(status)
                                    .arg(last.describe)));
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

        const QString netns = readState(QStringLiteral("run/netns"));
        QVERIFY(!netns.isEmpty());
        QVERIFY2(testsupport::run(QStringLiteral("ip"), {QStringLiteral("netns"), QStringLiteral("list")})
                     .out.contains(netns.toUtf8()),
                 qPrintable(netns));

        const auto again = cluster({QStringLiteral("up")});
        QVERIFY2(again.exitCode == 0 && again.out.contains("already running"), qPrintable(again.describe()));

        // The pod app answers at each pod's IP inside the namespace, as the pod's annotation says;
        // the API server's proxy reaches it, and the test reaches the API server through the forwarder.
        runPod(QStringLiteral("rig-fail"), QStringLiteral("fail"));
        runPod(QStringLiteral("rig-ok"), QString());
        expectHealth(QStringLiteral("rig-fail"), 500, 60000);
        expectHealth(QStringLiteral("rig-ok"), 200, 60000);
        if (QTest::currentTestFailed())
            return;
        // A changed annotation takes effect within a couple of seconds (the app watches pods).
        const auto annotate = cluster({QStringLiteral("kubectl"), QStringLiteral("admin"), QStringLiteral("annotate"),
                                       QStringLiteral("pod"), QStringLiteral("rig-fail"), QStringLiteral("--overwrite"),
                                       healthKey + QStringLiteral("=ok")});
        QVERIFY2(annotate.exitCode == 0, qPrintable(annotate.describe()));
        expectHealth(QStringLiteral("rig-fail"), 200, 3000);
        if (QTest::currentTestFailed())
            return;

        const auto down = cluster({QStringLiteral("down")});
        QVERIFY2(down.exitCode == 0, qPrintable(down.describe()));
        for (int i = 0; i < pids.size(); ++i)
            QVERIFY2(!processRuns(pids[i]), qPrintable(components[i] + QStringLiteral(" still runs after down")));
        QVERIFY(!QFileInfo::exists(m_state));
        const auto netnsAfter =
            testsupport::run(QStringLiteral("ip"), {QStringLiteral("netns"), QStringLiteral("list")});
        QVERIFY2(netnsAfter.exitCode == 0 && !netnsAfter.out.contains(netns.toUtf8()),
                 qPrintable(netnsAfter.describe()));
        const QStringList left = processesNaming(m_state);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char('\n'))));
        const auto after = cluster({QStringLiteral("status")});
        QVERIFY(after.exitCode != 0);
    }

    // Without the rights to make a network namespace, up says so in one sentence and starts
    // nothing on the host's network.
    void upWithoutRootRefuses()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                              QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther);
        const QString state = dir.path() + QStringLiteral("/cluster");
        qputenv("SIGNALBOX_CLUSTER_DIR", state.toUtf8());
        const auto r = testsupport::run(
            QStringLiteral("setpriv"),
            {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
             testsupport::sourceDir() + QStringLiteral("/scripts/cluster"), QStringLiteral("up")},
            {}, 60000);
        QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
        QVERIFY2(r.err.trimmed().startsWith("cluster: cannot create a network namespace") &&
                     r.err.trimmed().count('\n') == 0,
                 qPrintable(r.describe()));
        QVERIFY2(processesNaming(state).isEmpty(), qPrintable(processesNaming(state).join(QLatin1Char('\n'))));
        QVERIFY(!QFileInfo::exists(state + QStringLiteral("/run/apiserver.port")));
    }

    void cleanupTestCase()
    {
        if (QFileInfo::exists(m_state))
            cluster({QStringLiteral("down")});
    }
};

QTEST_GUILESS_MAIN(TestClusterLifecycle)
#include "tst_cluster_lifecycle.moc"
