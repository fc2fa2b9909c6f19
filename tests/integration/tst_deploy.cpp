// Deploys through the command line against the local control plane and a real registry: the
// tag is resolved to the digest the registry holds and the slot runs repository@digest with the
// tag kept for people; live is never a target; a viewer is refused; a bad reference is caught
// before anything is asked of the cluster; the migration warning shows where it applies.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using testsupport::kubectl;

namespace {

// `signalbox ARGS` as `user` in namespace uro; a deploy that waits for its rollout takes a while.
testsupport::ProcessResult signalbox(const QString& user, const QStringList& args)
{
    return testsupport::signalbox(user, args, 180000);
}

QString field(const QString& ns, const QString& deployment, const QString& jsonpath)
{
    return testsupport::field(QStringLiteral("deployment"), deployment, jsonpath, ns);
}

} // namespace

class TestDeploy : public QObject {
    Q_OBJECT

private:
    QString m_registry;
    QMap<QString, QString> m_digests; // tag -> digest pushed

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
        QVERIFY(testsupport::applyExample());
    }

    void deployToStagingPinsTheDigest()
    {
        const QString liveBefore = field(QStringLiteral("uro"), QStringLiteral("uro-a"),
                                         QStringLiteral("{.spec.template.spec.containers[0].image}"));
        const auto r =
            signalbox(QStringLiteral("deployer"),
                      QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                  QStringLiteral("staging"), QStringLiteral("--image"),
                                  m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"), QStringLiteral("--wait")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.outText().contains(QStringLiteral("rolled out, 2 of 2 pods ready")));
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
        const auto r =
            signalbox(QStringLiteral("deployer"),
                      QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                  QStringLiteral("sandbox"), QStringLiteral("--image"),
                                  m_registry + QStringLiteral("/v-sekai/uro:e91a6c0"), QStringLiteral("--wait")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(field(QStringLiteral("uro-sandbox"), QStringLiteral("uro"),
                       QStringLiteral("{.spec.template.spec.containers[0].image}")),
                 m_registry + QStringLiteral("/v-sekai/uro@") + m_digests[QStringLiteral("e91a6c0")]);
    }

    void liveIsNeverATarget()
    {
        const auto r = signalbox(QStringLiteral("admin"),
                                 QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                             QStringLiteral("live"), QStringLiteral("--image"),
                                             m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.errText().contains(QStringLiteral("Live is never a deploy target")));
    }

    void viewerIsForbidden()
    {
        const auto r = signalbox(QStringLiteral("viewer"),
                                 QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                             QStringLiteral("staging"), QStringLiteral("--image"),
                                             m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY(r.errText().contains(QStringLiteral("You may patch the Deployment uro/uro-")));
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
        const auto r = signalbox(QStringLiteral("deployer"),
                                 QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                             QStringLiteral("staging"), QStringLiteral("--image"), image});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.errText().contains(why), qPrintable(r.describe()));
    }

    void unknownTagSaysSo()
    {
        const auto r = signalbox(QStringLiteral("deployer"),
                                 QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                             QStringLiteral("staging"), QStringLiteral("--image"),
                                             m_registry + QStringLiteral("/v-sekai/uro:nosuchtag")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.errText().contains(QStringLiteral("The tag nosuchtag resolves to a digest")),
                 qPrintable(r.describe()));
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
        const auto r = signalbox(QStringLiteral("deployer"),
                                 QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                             QStringLiteral("staging"), QStringLiteral("--image"),
                                             m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"),
                                             QStringLiteral("--config"), config, QStringLiteral("--wait")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("WARNING: uro runs its database migrations when it starts")),
                 qPrintable(r.describe()));
        const auto sandbox = signalbox(
            QStringLiteral("deployer"),
            QStringList{QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                        QStringLiteral("sandbox"), QStringLiteral("--image"),
                        m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"), QStringLiteral("--config"), config});
        QCOMPARE(sandbox.exitCode, 0);
        QVERIFY(!sandbox.outText().contains(QStringLiteral("WARNING")));
    }
};

QTEST_GUILESS_MAIN(TestDeploy)
#include "tst_deploy.moc"
