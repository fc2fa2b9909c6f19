// The pure parts of oci/: how registry names map to servers, the headers that drive the auth and
// paging flow, and the documents registries send, decoded without trusting them. No registry runs.
#include "oci/registry.h"

#include <QTest>
#include <chrono>

class TestRegistryDecode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // How names map to servers, and the headers that drive the flow.
    void locatesRegistriesAsDockerDoes()
    {
        auto hub = oci::RegistryClient::locate("docker.io", "postgres");
        QCOMPARE(hub.server, std::string("https://registry-1.docker.io"));
        QCOMPARE(hub.repository, std::string("library/postgres"));
        QVERIFY(hub.dockerHub);
        QCOMPARE(oci::RegistryClient::locate("docker.io", "groupsinfra/uro").repository,
                 std::string("groupsinfra/uro"));
        // Every name of Docker Hub, and none, is Docker Hub (one rule with image references).
        for (const char* name : {"", "index.docker.io", "Registry-1.Docker.io", "https://index.docker.io/v1/"}) {
            const auto other = oci::RegistryClient::locate(name, "nginx");
            QVERIFY2(other.dockerHub, name);
            QCOMPARE(other.host, std::string("docker.io"));
            QCOMPARE(other.repository, std::string("library/nginx"));
        }
        QVERIFY(!oci::RegistryClient::locate("docker.example.org", "nginx").dockerHub);
        QCOMPARE(oci::RegistryClient::locate("docker.example.org", "nginx").repository, std::string("nginx"));
        QCOMPARE(oci::RegistryClient::locate("ghcr.io", "v-sekai/uro").server, std::string("https://ghcr.io"));
        QCOMPARE(oci::RegistryClient::locate("127.0.0.1:5000", "v-sekai/uro").server,
                 std::string("http://127.0.0.1:5000"));
        QCOMPARE(oci::RegistryClient::locate("localhost:5000", "uro").server, std::string("http://localhost:5000"));
        QCOMPARE(oci::RegistryClient::locate("localhost:5000", "uro").repository, std::string("uro"));
        QCOMPARE(oci::RegistryClient::locate("registry.example.org:5000", "uro").server,
                 std::string("https://registry.example.org:5000"));
        QCOMPARE(oci::RegistryClient::locate("https://127.0.0.1:5443/", "uro").server,
                 std::string("https://127.0.0.1:5443"));

        const auto c = oci::RegistryClient::parseChallenge(
            "Bearer "
            "realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/"
            "ubuntu:pull,push\"");
        QVERIFY(c);
        QCOMPARE(c->scheme, std::string("Bearer"));
        QCOMPARE(c->params.at("realm"), std::string("https://auth.docker.io/token"));
        QCOMPARE(c->params.at("service"), std::string("registry.docker.io"));
        QCOMPARE(c->params.at("scope"), std::string("repository:library/ubuntu:pull,push"));
        QCOMPARE(oci::RegistryClient::parseChallenge("Basic realm=\"x\"")->scheme, std::string("Basic"));

        net::HttpResponse page;
        page.headers.emplace("link", "</v2/uro/tags/list?n=3&last=c>; rel=\"next\"");
        QCOMPARE(oci::RegistryClient::nextLink(page), std::string("/v2/uro/tags/list?n=3&last=c"));
        page.headers.clear();
        page.headers.emplace("link", "<https://x/prev>; rel=\"prev\", <https://x/v2/a/tags/list?last=b>; rel=\"next\"");
        QCOMPARE(oci::RegistryClient::nextLink(page), std::string("https://x/v2/a/tags/list?last=b"));

        using namespace std::chrono;
        const auto t = oci::RegistryClient::parseTime("2024-03-05T10:00:00.123456789Z");
        QVERIFY(t);
        QCOMPARE(duration_cast<milliseconds>(t->time_since_epoch()).count(), 1709632800123LL);
        QCOMPARE(oci::RegistryClient::parseTime("2024-03-05T12:00:00+02:00"),
                 oci::RegistryClient::parseTime("2024-03-05T10:00:00Z"));
        QVERIFY(!oci::RegistryClient::parseTime("yesterday"));
        // Years the clock cannot hold (it counts nanoseconds in 64 bits) are not times.
        QVERIFY(!oci::RegistryClient::parseTime("1012-03-05T10:00:00Z"));
        QVERIFY(!oci::RegistryClient::parseTime("9999-12-31T23:59:59Z"));
    }

    void decodesManifestsWithoutTrustingThem_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("contentType");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<bool>("index");
        QTest::addColumn<QString>("next"); // the entry chosen, or the config digest
        const QString oci = "application/vnd.oci.image.index.v1+json";
        QTest::newRow("not JSON") << QByteArray("<html>") << ""
                                  << "is not JSON" << false << "";
        QTest::newRow("image") << QByteArray(R"({"config":{"digest":"sha256:c0"},"layers":[]})") << ""
                               << "" << false << "sha256:c0";
        QTest::newRow("schema 1") << QByteArray(R"({"schemaVersion":1,"fsLayers":[]})") << ""
                                  << "" << false << "";
        QTest::newRow("config not an object") << QByteArray(R"({"config":"sha256:c0"})") << ""
                                              << "" << false << "";
        QTest::newRow("index by its content type, without entries")
            << QByteArray(R"({"schemaVersion":2})") << oci + "; charset=utf-8"
            << "" << true << "";
        QTest::newRow("index whose entries are not a list")
            << QByteArray(R"({"manifests":{"a":1}})") << oci << "" << true << "";
        QTest::newRow("index: amd64 chosen over the first")
            << QByteArray(R"({"manifests":[{"digest":"sha256:arm","platform":{"os":"linux","architecture":"arm64"}},)"
                          R"({"digest":"sha256:amd","platform":{"os":"linux","architecture":"amd64"}}]})")
            << ""
            << "" << true << "sha256:amd";
        QTest::newRow("index: odd platforms, the first is taken")
            << QByteArray(R"({"manifests":[{"digest":"sha256:one","platform":"linux/amd64"},7,null]})") << ""
            << "" << true << "sha256:one";
        QTest::newRow("index: an entry without a digest")
            << QByteArray(R"({"manifests":[{"platform":{"os":"linux","architecture":"amd64"}}]})") << ""
            << "lists an image without a digest" << true << "";
    }

    void decodesManifestsWithoutTrustingThem()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, contentType);
        QFETCH(QString, problem);
        QFETCH(bool, index);
        QFETCH(QString, next);
        const auto doc = oci::RegistryClient::decodeManifest(body.toStdString(), contentType.toStdString());
        QCOMPARE(QString::fromStdString(doc.problem), problem);
        if (!problem.isEmpty())
            return;
        QCOMPARE(doc.index, index);
        QCOMPARE(QString::fromStdString(index ? doc.chosen : doc.configDigest), next);
    }

    void decodesTagPagesAndConfigs()
    {
        using oci::RegistryClient;
        QCOMPARE(RegistryClient::decodeTagPage(R"({"name":"x","tags":["b","a",3,null,"c"]})"),
                 std::optional<std::vector<std::string>>({"b", "a", "c"}));
        QCOMPARE(RegistryClient::decodeTagPage(R"({"name":"x","tags":null})"),
                 std::optional<std::vector<std::string>>(std::vector<std::string>{}));
        QVERIFY(!RegistryClient::decodeTagPage(R"({"tags":"a,b"})"));
        QVERIFY(!RegistryClient::decodeTagPage("[]"));
        QVERIFY(!RegistryClient::decodeTagPage("not json"));

        oci::ManifestInfo info;
        QVERIFY(RegistryClient::decodeConfig(
            R"({"created":"2024-03-05T10:00:00Z","config":{"Labels":{"org.opencontainers.image.revision":"abc","n":1}}})",
            info));
        QCOMPARE(info.created, std::string("2024-03-05T10:00:00Z"));
        QVERIFY(info.createdTime.has_value());
        QCOMPARE(info.revision, std::string("abc"));
        QCOMPARE(info.labels.size(), std::size_t(1)); // the number is not a label value
        oci::ManifestInfo odd;
        QVERIFY(RegistryClient::decodeConfig(R"({"created":5,"config":{"Labels":["a"]}})", odd));
        QVERIFY(odd.created.empty() && odd.labels.empty() && !odd.createdTime);
        QVERIFY(!RegistryClient::decodeConfig("[1]", odd));
    }

    void sortsByNameWhenThereIsNoCreationTime()
    {
        std::vector<oci::TagInfo> tags{{"a1", std::nullopt, "x"}, {"c3", std::nullopt, "x"}, {"b2", std::nullopt, "x"}};
        oci::ManifestInfo old;
        old.createdTime = oci::RegistryClient::parseTime("2020-01-01T00:00:00Z");
        tags.push_back({"0-dated", old, {}});
        oci::RegistryClient::sortNewestFirst(tags);
        QStringList order;
        for (const auto& t : tags)
            order << QString::fromStdString(t.tag);
        QCOMPARE(order, (QStringList{"0-dated", "c3", "b2", "a1"}));
    }
};

QTEST_GUILESS_MAIN(TestRegistryDecode)
#include "tst_registry_decode.moc"
