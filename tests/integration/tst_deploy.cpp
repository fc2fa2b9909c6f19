// Deploys through the command line against the local control plane and a real registry: the
// tag is resolved to the digest the registry holds and the slot runs repository@digest with the
// tag kept for people; live is never a target; a viewer is refused; a bad reference is caught
// before anything is asked of the cluster; the migration warning shows where it applies.
#include "support/testsupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using testsupport::kubectl;

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run signalbox(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(SIGNALBOX_BINARY), args);
    p.waitForFinished(180000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

QString field(const QString& ns, const QString& deployment, const QString& jsonpath)
{
    return QString::fromUtf8(
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("get"), QStringLiteral("deployment"), deployment, QStringLiteral("-n"), ns,
                 QStringLiteral("-o"), QStringLiteral("jsonpath=") + jsonpath})
            .out);
}

} // namespace

class TestDeploy : public QObject {
    Q_OBJECT

private:
    QString m_registry;
    QMap<QString, QString> m_digests; // tag -> digest pushed

    QStringList as(const QString& user) const
    {
        return {QStringLiteral("--kubeconfig"), testsupport::kubeconfigFor(user), QStringLiteral("-n"),
                QStringLiteral("uro")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        m_registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        const QString images = qEnvironmentVariable("SIGNALBOX_REGISTRY_IMAGES");
        if (m_registry.isEmpty() || images.isEmpty())
            QFAIL("The test registries are not running: run scripts/registry up and eval \"$(scripts/registry env)\", "
                  "or run scripts/test.");
        QFile f(images);
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (const QByteArray& line : f.readAll().split('\n')) {
            const auto cols = line.split('\t');
            if (cols.size() >= 4)
                m_digests[QString::fromUtf8(cols[0])] = QString::fromUtf8(cols[3]);
        }
        QVERIFY(m_digests.contains(QStringLiteral("3f2c1a9")));
        const auto apply =
            kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"),
                                              testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro")});
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.describe()));
    }

    void deployToStagingPinsTheDigest()
    {
        const QString liveBefore = field(QStringLiteral("uro"), QStringLiteral("uro-a"),
                                         QStringLiteral("{.spec.template.spec.containers[0].image}"));
        const Run r =
            signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                  QStringLiteral("staging"), QStringLiteral("--image"),
                                  m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"), QStringLiteral("--wait")} +
                      as(QStringLiteral("deployer")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("rolled out, 2 of 2 pods ready")));
        const QString image = field(QStringLiteral("uro"), QStringLiteral("uro-b"),
                                    QStringLiteral("{.spec.template.spec.containers[0].image}"));
        QCOMPARE(image, m_registry + QStringLiteral("/v-sekai/uro@") + m_digests[QStringLiteral("3f2c1a9")]);
        QCOMPARE(field(QStringLiteral("uro"), QStringLiteral("uro-b"),
                       QStringLiteral("{.spec.template.metadata.annotations.signalbox\\.v-sekai\\.org/image-tag}")),
                 QStringLiteral("3f2c1a9"));
        QCOMPARE(field(QStringLiteral("uro"), QStringLiteral("uro-b"),
                       QStringLiteral("{.spec.template.metadata.annotations.org\\.opencontainers\\.image\\.revision}"))
                     .left(7),
                 QStringLiteral("3f2c1a9"));
        // Live untouched; the deploy is in the Deployment's history, by the API server's name for the user.
        QCOMPARE(field(QStringLiteral("uro"), QStringLiteral("uro-a"),
                       QStringLiteral("{.spec.template.spec.containers[0].image}")),
                 liveBefore);
        QVERIFY(field(QStringLiteral("uro"), QStringLiteral("uro-b"),
                      QStringLiteral("{.metadata.annotations.signalbox\\.v-sekai\\.org/history}"))
                    .contains(QStringLiteral("\"user\":\"deployer\"")));
    }

    void deployToSandbox()
    {
        const Run r =
            signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                  QStringLiteral("sandbox"), QStringLiteral("--image"),
                                  m_registry + QStringLiteral("/v-sekai/uro:e91a6c0"), QStringLiteral("--wait")} +
                      as(QStringLiteral("deployer")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QCOMPARE(field(QStringLiteral("uro-sandbox"), QStringLiteral("uro"),
                       QStringLiteral("{.spec.template.spec.containers[0].image}")),
                 m_registry + QStringLiteral("/v-sekai/uro@") + m_digests[QStringLiteral("e91a6c0")]);
    }

    void liveIsNeverATarget()
    {
        const Run r = signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                            QStringLiteral("live"), QStringLiteral("--image"),
                                            m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9")} +
                                as(QStringLiteral("admin")));
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains(QStringLiteral("Live is never a deploy target")));
    }

    void viewerIsForbidden()
    {
        const Run r = signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                            QStringLiteral("staging"), QStringLiteral("--image"),
                                            m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9")} +
                                as(QStringLiteral("viewer")));
        QCOMPARE(r.exitCode, 4);
        QVERIFY(r.err.contains(QStringLiteral("You may patch the Deployment uro/uro-")));
    }

    void badReferencesAreCaughtFirst_data()
    {
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("why");
        QTest::newRow("uppercase") << "ghcr.io/V-Sekai/uro:1"
                                   << "lowercase";
        QTest::newRow("space") << "ghcr.io/v-sekai/uro:1 2"
                               << "spaces";
        QTest::newRow("bad digest") << "ghcr.io/v-sekai/uro@sha256:1234"
                                    << "digest";
    }

    void badReferencesAreCaughtFirst()
    {
        QFETCH(QString, image);
        QFETCH(QString, why);
        const Run r = signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                            QStringLiteral("staging"), QStringLiteral("--image"), image} +
                                as(QStringLiteral("deployer")));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(why), qPrintable(r.err));
    }

    void unknownTagSaysSo()
    {
        const Run r = signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                            QStringLiteral("staging"), QStringLiteral("--image"),
                                            m_registry + QStringLiteral("/v-sekai/uro:nosuchtag")} +
                                as(QStringLiteral("deployer")));
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("The tag nosuchtag resolves to a digest")), qPrintable(r.err));
    }

    void migrationWarningBeforeAStagingDeploy()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("services.yaml"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("services:\n  - name: uro\n    namespace: uro\n    group: uro\n    sandbox: {namespace: uro-sandbox}\n"
                "    runsMigrationsAtStart: true\n    stagingSharesLiveDatabase: true\n");
        f.close();
        const Run r = signalbox(QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                            QStringLiteral("staging"), QStringLiteral("--image"),
                                            m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"),
                                            QStringLiteral("--config"), config, QStringLiteral("--wait")} +
                                as(QStringLiteral("deployer")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("WARNING: uro runs its database migrations when it starts")),
                 qPrintable(r.out));
        const Run sandbox = signalbox(
            QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                        QStringLiteral("sandbox"), QStringLiteral("--image"),
                        m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"), QStringLiteral("--config"), config} +
            as(QStringLiteral("deployer")));
        QCOMPARE(sandbox.exitCode, 0);
        QVERIFY(!sandbox.out.contains(QStringLiteral("WARNING")));
    }
};

QTEST_GUILESS_MAIN(TestDeploy)
#include "tst_deploy.moc"
