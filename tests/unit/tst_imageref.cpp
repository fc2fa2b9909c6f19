// Image references checked against the grammar of distribution/reference before anything uses them.
#include "model/rules/imageref.h"

#include <QTest>

class TestImageRef : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("registry");
        QTest::addColumn<QString>("repository");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("digest");
        const QString d = QStringLiteral("sha256:") + QString(64, u'b');
        QTest::newRow("ghcr with commit tag") << "ghcr.io/v-sekai/uro:8d3c2f41"
                                              << "ghcr.io"
                                              << "v-sekai/uro"
                                              << "8d3c2f41"
                                              << "";
        QTest::newRow("docker hub short") << "nginx"
                                          << "docker.io"
                                          << "library/nginx"
                                          << ""
                                          << "";
        QTest::newRow("docker hub user") << "groupsinfra/uro:docker-uro_8d3c2f41.5"
                                         << "docker.io"
                                         << "groupsinfra/uro"
                                         << "docker-uro_8d3c2f41.5"
                                         << "";
        // Docker Hub by any of its names is docker.io, and single names live under library/ there
        // (the same rule as the registry client's locate, in oci/imageref.h).
        QTest::newRow("docker hub named") << "docker.io/postgres:16"
                                          << "docker.io"
                                          << "library/postgres"
                                          << "16"
                                          << "";
        QTest::newRow("docker hub legacy name") << "index.docker.io/groupsinfra/uro"
                                                << "docker.io"
                                                << "groupsinfra/uro"
                                                << ""
                                                << "";
        QTest::newRow("docker hub API host") << "registry-1.docker.io/nginx"
                                             << "docker.io"
                                             << "library/nginx"
                                             << ""
                                             << "";
        QTest::newRow("registry with port") << "127.0.0.1:5000/team/app:v1"
                                            << "127.0.0.1:5000"
                                            << "team/app"
                                            << "v1"
                                            << "";
        QTest::newRow("localhost") << "localhost/app"
                                   << "localhost"
                                   << "app"
                                   << ""
                                   << "";
        QTest::newRow("digest") << QStringLiteral("ghcr.io/v-sekai/uro@") + d << "ghcr.io"
                                << "v-sekai/uro"
                                << "" << d;
        QTest::newRow("tag and digest") << QStringLiteral("ghcr.io/v-sekai/uro:abc@") + d << "ghcr.io"
                                        << "v-sekai/uro"
                                        << "abc" << d;
    }

    void valid()
    {
        QFETCH(QString, text);
        QFETCH(QString, registry);
        QFETCH(QString, repository);
        QFETCH(QString, tag);
        QFETCH(QString, digest);
        std::string why;
        const auto ref = model::parseImageRef(text.toStdString(), &why);
        QVERIFY2(ref, why.c_str());
        QCOMPARE(QString::fromStdString(ref->registry), registry);
        QCOMPARE(QString::fromStdString(ref->repository), repository);
        QCOMPARE(QString::fromStdString(ref->tag), tag);
        QCOMPARE(QString::fromStdString(ref->digest), digest);
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("uppercase") << "ghcr.io/V-Sekai/uro:1"
                                   << "lowercase";
        QTest::newRow("space") << "ghcr.io/v-sekai/uro: 1"
                               << "spaces";
        QTest::newRow("bad tag") << "ghcr.io/v-sekai/uro:-x"
                                 << "not a valid tag";
        QTest::newRow("short digest") << "ghcr.io/v-sekai/uro@sha256:abc"
                                      << "not a digest";
        QTest::newRow("double slash") << "ghcr.io//uro"
                                      << "not a valid repository name";
        QTest::newRow("trailing colon") << "ghcr.io/v-sekai/uro:"
                                        << "not a valid tag";
    }

    void invalid()
    {
        QFETCH(QString, text);
        QFETCH(QString, why);
        std::string reason;
        QVERIFY(!model::parseImageRef(text.toStdString(), &reason));
        QVERIFY2(QString::fromStdString(reason).contains(why), reason.c_str());
    }

    void commitFromTag_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("commit");
        QTest::newRow("full sha") << "8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3"
                                  << "8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3";
        QTest::newRow("gocd") << "docker-uro_8d3c2f41.5"
                              << "8d3c2f41";
        QTest::newRow("branch-sha") << "main-8d3c2f4"
                                    << "8d3c2f4";
        QTest::newRow("semver") << "v1.2.3"
                                << "";
        QTest::newRow("latest") << "latest"
                                << "";
        QTest::newRow("gocd without count") << "docker-uro_8d3c2f41"
                                            << "8d3c2f41";
        QTest::newRow("plain with count") << "8d3c2f41.12"
                                          << "8d3c2f41";
        QTest::newRow("six hex") << "main-8d3c2f"
                                 << "";
        QTest::newRow("41 hex") << "main-" + QString(41, u'a') << "";
        QTest::newRow("hex after a dot") << "v1.8d3c2f41"
                                         << "";
        QTest::newRow("upper case") << "main-8D3C2F41"
                                    << "";
        QTest::newRow("count without digits") << "main-8d3c2f41."
                                              << "";
        QTest::newRow("128 characters") << QString(88, u'x') + "-" + QString(39, u'a') << QString(39, u'a');
        QTest::newRow("129 characters") << QString(89, u'x') + "-" + QString(39, u'a') << "";
        // An annotation anyone who may patch the slot writes: 200,000 digits once overflowed the stack.
        QTest::newRow("200,000 digits") << "_0000000." + QString(200000, u'0') << "";
    }

    void commitFromTag()
    {
        QFETCH(QString, tag);
        QFETCH(QString, commit);
        QCOMPARE(QString::fromStdString(model::commitFromTag(tag.toStdString())), commit);
    }
};

QTEST_APPLESS_MAIN(TestImageRef)
#include "tst_imageref.moc"
