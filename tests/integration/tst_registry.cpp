// oci::RegistryClient against real registries on loopback (scripts/registry up): Debian's
// distribution 2.8 anonymous and behind htpasswd, distribution v3 paginating with Link headers,
// and v3 behind the bearer-token flow of a token server. The images were pushed by skopeo from an
// OCI layout the fixture wrote; their creation order differs from their name order.
#include "oci/registry.h"
#include "support/kubetest.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <map>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

using kubetest::await;

namespace {

// Newest first by the `created` of each image's config (9c03b5f is an index: its amd64 image
// counts, not its newer arm64 one). By name, descending, the order would be e91a6c0 c4e8b27
// 9c03b5f 7710d3e 5ad0f13 3f2c1a9 0b7d4e2.
const QStringList kNewestFirst = {"e91a6c0", "7710d3e", "3f2c1a9", "c4e8b27", "9c03b5f", "5ad0f13", "0b7d4e2"};
const char* const kIndexTag = "9c03b5f";

const QStringList kEnvironment = {
    "SIGNALBOX_REGISTRY_ANON",          "SIGNALBOX_REGISTRY_BASIC",      "SIGNALBOX_REGISTRY_TOKEN",
    "SIGNALBOX_REGISTRY_PAGED",         "SIGNALBOX_REGISTRY_USER",       "SIGNALBOX_REGISTRY_PASSWORD",
    "SIGNALBOX_REGISTRY_DOCKER_CONFIG", "SIGNALBOX_REGISTRY_REPOSITORY", "SIGNALBOX_REGISTRY_REFRESH_TOKEN",
    "SIGNALBOX_REGISTRY_IMAGES",        "SIGNALBOX_REGISTRY_PAGE_SIZE"};

std::string env(const char* name)
{
    return qEnvironmentVariable(name).toStdString();
}

QString message(const kube::Error& e)
{
    return QString::fromStdString(e.message);
}

QStringList toList(const std::vector<std::string>& v)
{
    QStringList out;
    for (const auto& s : v)
        out << QString::fromStdString(s);
    return out;
}

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}

struct PushedImage {
    QString created, revision, digest;
};

// What the fixture pushed: tag -> creation time, revision, digest (images.tsv).
std::map<QString, PushedImage> pushedImages()
{
    std::map<QString, PushedImage> out;
    QFile f(qEnvironmentVariable("SIGNALBOX_REGISTRY_IMAGES"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const QList<QByteArray> cols = line.split('\t');
        if (cols.size() == 4)
            out[QString::fromUtf8(cols[0])] = {QString::fromUtf8(cols[1]), QString::fromUtf8(cols[2]),
                                               QString::fromUtf8(cols[3])};
    }
    return out;
}

// What the token server counted (see tests/registry/tokenserver): tokens issued and refused,
// and the blob downloads it served as the token registry's redirect target.
std::map<std::string, long> tokenServerStats()
{
    QString url = qEnvironmentVariable("SIGNALBOX_REGISTRY_TOKEN_REALM");
    url.replace(QStringLiteral("/token"), QStringLiteral("/stats"));
    const auto p = testsupport::run(QStringLiteral("curl"), {QStringLiteral("-sf"), url});
    std::map<std::string, long> out;
    const auto j = nlohmann::json::parse(p.out.toStdString(), nullptr, false);
    if (j.is_object())
        for (const auto& [k, v] : j.items())
            if (v.is_number_integer())
                out[k] = v.get<long>();
    return out;
}

} // namespace

#define REQUIRE_REGISTRIES()                                                                                           \
    do {                                                                                                               \
        QStringList missing_;                                                                                          \
        for (const QString& v : kEnvironment)                                                                          \
            if (qEnvironmentVariable(qPrintable(v)).isEmpty())                                                         \
                missing_ << v;                                                                                         \
        if (!missing_.isEmpty())                                                                                       \
            QFAIL(qPrintable("The test registries are not running (" + missing_.join(", ") +                           \
                             " unset): run scripts/registry up and eval \"$(scripts/registry env)\"."));               \
    } while (false)

class TestRegistry : public QObject {
    Q_OBJECT

private:
    kube::Transport m_transport;
    QTemporaryDir m_tmp;
    std::string m_repo;

    oci::RegistryClient::Options options(const std::string& dockerConfig = {})
    {
        oci::RegistryClient::Options o;
        // An explicit file, so the tests never read the developer's own ~/.docker/config.json.
        o.dockerConfigPath =
            dockerConfig.empty() ? (m_tmp.path() + "/no-docker-config.json").toStdString() : dockerConfig;
        o.timeout = std::chrono::milliseconds(10000);
        return o;
    }

    std::string writeDockerConfig(const QString& name, const QByteArray& json)
    {
        const QString path = m_tmp.path() + "/" + name + ".json";
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(json);
        return path.toStdString();
    }

    // Writes docker-credential-NAME into a folder of the test's that is first on PATH. It records
    // what it was asked (its standard input) in NAME.asked, then runs `body`.
    void writeHelper(const QString& name, const QByteArray& body)
    {
        const QString dir = m_tmp.path() + "/bin";
        QDir().mkpath(dir);
        const QString path = dir + "/docker-credential-" + name;
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r server\nprintf '%s' \"$server\" > \"" +
                (m_tmp.path() + "/" + name + ".asked").toUtf8() + "\"\n" + body + "\n");
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QByteArray pathVar = qgetenv("PATH");
        if (!pathVar.startsWith(dir.toUtf8() + ":"))
            qputenv("PATH", dir.toUtf8() + ":" + pathVar);
    }

    QString askedOf(const QString& name)
    {
        QFile f(m_tmp.path() + "/" + name + ".asked");
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QStringLiteral("(never run)");
    }

    kube::Result<oci::TagList> listTags(oci::RegistryClient& c, const std::string& registry, const std::string& repo)
    {
        auto r = await<oci::TagList>([&](auto cb) { c.listTags(registry, repo, cb); });
        if (!r)
            return kube::Error{kube::Error::Kind::Transport, 0, {}, "no answer within the test's time", {}};
        return *r;
    }

    kube::Result<oci::ManifestInfo> resolve(oci::RegistryClient& c, const std::string& registry,
                                            const std::string& repo, const std::string& tag)
    {
        auto r = await<oci::ManifestInfo>([&](auto cb) { c.resolve(registry, repo, tag, cb); });
        if (!r)
            return kube::Error{kube::Error::Kind::Transport, 0, {}, "no answer within the test's time", {}};
        return *r;
    }

    kube::Result<std::vector<oci::TagInfo>> listWithInfo(oci::RegistryClient& c, const std::string& registry)
    {
        auto r = await<std::vector<oci::TagInfo>>([&](auto cb) { c.listTagsWithInfo(registry, m_repo, cb); }, 30000);
        if (!r)
            return kube::Error{kube::Error::Kind::Transport, 0, {}, "no answer within the test's time", {}};
        return *r;
    }

    // The digest skopeo reports for a pushed tag: the reference the fixture's tool sees.
    QString skopeoDigest(const std::string& registry, const QString& tag, const QStringList& creds = {})
    {
        QStringList args{"inspect", "--tls-verify=false", "--format", "{{.Digest}}"};
        args << creds << QString::fromStdString("docker://" + registry + "/" + m_repo + ":") + tag;
        const auto p = testsupport::run("skopeo", args);
        return p.exitCode == 0 ? QString::fromUtf8(p.out).trimmed() : "skopeo failed: " + p.describe();
    }

private Q_SLOTS:
    void initTestCase()
    {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        QVERIFY(m_tmp.isValid());
        REQUIRE_REGISTRIES();
        m_repo = env("SIGNALBOX_REGISTRY_REPOSITORY");
        QCOMPARE(pushedImages().size(), std::size_t(kNewestFirst.size()));
    }

    void listsTagsAnonymously()
    {
        REQUIRE_REGISTRIES();
        oci::RegistryClient c(&m_transport, options());
        auto r = listTags(c, env("SIGNALBOX_REGISTRY_ANON"), m_repo);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
        QStringList tags = toList(r->tags);
        tags.sort();
        QStringList expected = kNewestFirst;
        expected.sort();
        QCOMPARE(tags, expected);
        // Distribution 2.8 ignores `n`: one page, in its own order.
        QCOMPARE(r->pages, 1);
        QCOMPARE(c.stats().tokenRequests, 0);
    }

    void listsTagsWithBasicAuthFromTheDockerConfig()
    {
        REQUIRE_REGISTRIES();
        oci::RegistryClient anonymous(&m_transport, options());
        auto refused = listTags(anonymous, env("SIGNALBOX_REGISTRY_BASIC"), m_repo);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, kube::Error::Kind::Auth);
        QVERIFY2(message(refused.error()).contains("needs credentials") &&
                     message(refused.error()).contains(qEnvironmentVariable("SIGNALBOX_REGISTRY_BASIC")),
                 qPrintable(message(refused.error())));

        // The fixture's config holds this registry in the `auth` (base64 user:password) form.
        oci::RegistryClient c(&m_transport, options(env("SIGNALBOX_REGISTRY_DOCKER_CONFIG")));
        auto r = listTags(c, env("SIGNALBOX_REGISTRY_BASIC"), m_repo);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
        QCOMPARE(r->tags.size(), std::size_t(kNewestFirst.size()));
        QCOMPARE(c.stats().tokenRequests, 0);
        // Once the registry has said it wants Basic, the credentials go with the first request.
        const int before = c.stats().requests;
        auto again = listTags(c, env("SIGNALBOX_REGISTRY_BASIC"), m_repo);
        QVERIFY(again.ok());
        QCOMPARE(c.stats().requests - before, 1);

        auto info = resolve(c, env("SIGNALBOX_REGISTRY_BASIC"), m_repo, "e91a6c0");
        QVERIFY2(info.ok(), info.ok() ? "" : qPrintable(message(info.error())));
        QCOMPARE(QString::fromStdString(info->digest), pushedImages()["e91a6c0"].digest);
    }

    void listsTagsThroughTheBearerTokenFlow()
    {
        REQUIRE_REGISTRIES();
        // The fixture's config holds this registry in the username/password form.
        oci::RegistryClient c(&m_transport, options(env("SIGNALBOX_REGISTRY_DOCKER_CONFIG")));
        auto r = listTags(c, env("SIGNALBOX_REGISTRY_TOKEN"), m_repo);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
        QCOMPARE(r->tags.size(), std::size_t(kNewestFirst.size()));
        // This registry paginates too: one token serves every page, asked for once.
        QCOMPARE(r->pages, 3);
        QCOMPARE(c.stats().tokenRequests, 1);
        QCOMPARE(c.stats().requests, 1 + 3); // the 401 that named the token server, then 3 pages

        // Resolving every tag (4 at a time) reuses the cached token.
        auto infos = listWithInfo(c, env("SIGNALBOX_REGISTRY_TOKEN"));
        QVERIFY2(infos.ok(), infos.ok() ? "" : qPrintable(message(infos.error())));
        QStringList order;
        for (const auto& t : *infos)
            order << QString::fromStdString(t.tag);
        QCOMPARE(order, kNewestFirst);
        QCOMPARE(c.stats().tokenRequests, 1);
    }

    void followsBlobRedirectsWithoutTakingCredentialsAlong()
    {
        REQUIRE_REGISTRIES();
        // The token registry sends blob downloads to another origin, as GHCR and Docker Hub send
        // them to their CDNs: the image details still arrive, and no Authorization goes along.
        const auto before = tokenServerStats();
        QVERIFY2(before.count("blobs") && before.count("blobsWithAuthorization"),
                 "the token server does not serve blobs: scripts/registry down, then up");
        oci::RegistryClient c(&m_transport, options(env("SIGNALBOX_REGISTRY_DOCKER_CONFIG")));
        auto infos = listWithInfo(c, env("SIGNALBOX_REGISTRY_TOKEN"));
        QVERIFY2(infos.ok(), infos.ok() ? "" : qPrintable(message(infos.error())));
        const auto pushed = pushedImages();
        QCOMPARE(infos->size(), pushed.size());
        for (const auto& t : *infos) {
            QVERIFY2(t.info, qPrintable(QString::fromStdString(t.tag + ": " + t.error)));
            const PushedImage& p = pushed.at(QString::fromStdString(t.tag));
            QCOMPARE(QString::fromStdString(t.info->created), p.created);
            QCOMPARE(QString::fromStdString(t.info->revision), p.revision);
        }
        const auto after = tokenServerStats();
        QVERIFY2(
            after.at("blobs") - before.at("blobs") >= long(pushed.size()),
            qPrintable(QStringLiteral("%1 blob downloads redirected").arg(after.at("blobs") - before.at("blobs"))));
        QCOMPARE(after.at("blobsWithAuthorization"), before.at("blobsWithAuthorization"));
    }

    void exchangesAnIdentityTokenForAnAccessToken()
    {
        REQUIRE_REGISTRIES();
        // `docker login` against registries with OAuth2 stores an identitytoken (a refresh
        // token); the token server then answers in the OAuth2 form, with access_token.
        const QByteArray json = "{\"auths\":{\"" + qgetenv("SIGNALBOX_REGISTRY_TOKEN") + "\":{\"auth\":\"" +
                                QByteArray("<token>:").toBase64() + "\",\"identitytoken\":\"" +
                                qgetenv("SIGNALBOX_REGISTRY_REFRESH_TOKEN") + "\"}}}";
        oci::RegistryClient c(&m_transport, options(writeDockerConfig("identity", json)));
        auto r = listTags(c, env("SIGNALBOX_REGISTRY_TOKEN"), m_repo);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
        QCOMPARE(r->tags.size(), std::size_t(kNewestFirst.size()));
        QCOMPARE(c.stats().tokenRequests, 1);
    }

    void followsLinkHeadersAcrossPages()
    {
        REQUIRE_REGISTRIES();
        oci::RegistryClient c(&m_transport, options());
        auto r = listTags(c, env("SIGNALBOX_REGISTRY_PAGED"), m_repo);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
        // 7 tags at most 3 a page (the registry caps n=100 at 3, as Docker Hub and GHCR cap it).
        QCOMPARE(qEnvironmentVariable("SIGNALBOX_REGISTRY_PAGE_SIZE"), QString("3"));
        QCOMPARE(r->pages, 3);
        QCOMPARE(c.stats().requests, 3);
        QVERIFY(!r->truncated);
        QStringList tags = toList(r->tags);
        QStringList expected = kNewestFirst;
        expected.sort();
        QCOMPARE(tags, expected); // v3 lists in lexical order, each tag once

        // The page guard: a listing stops after maxPages and says it was cut.
        auto o = options();
        o.maxPages = 2;
        oci::RegistryClient limited(&m_transport, o);
        auto cut = listTags(limited, env("SIGNALBOX_REGISTRY_PAGED"), m_repo);
        QVERIFY(cut.ok());
        QVERIFY(cut->truncated);
        QCOMPARE(cut->pages, 2);
        QCOMPARE(cut->tags.size(), std::size_t(6));
    }

    void sortsNewestFirstByCreationTime()
    {
        REQUIRE_REGISTRIES();
        const auto pushed = pushedImages();
        for (const char* var : {"SIGNALBOX_REGISTRY_PAGED", "SIGNALBOX_REGISTRY_ANON"}) {
            oci::RegistryClient c(&m_transport, options());
            auto r = listWithInfo(c, env(var));
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
            QStringList order;
            for (const auto& t : *r) {
                order << QString::fromStdString(t.tag);
                QVERIFY2(t.info, qPrintable(QString::fromStdString(t.tag + ": " + t.error)));
                const PushedImage& p = pushed.at(QString::fromStdString(t.tag));
                QCOMPARE(QString::fromStdString(t.info->created), p.created);
                QCOMPARE(QString::fromStdString(t.info->revision), p.revision);
                QCOMPARE(QString::fromStdString(t.info->digest), p.digest);
                QCOMPARE(t.info->labels.at("org.opencontainers.image.source"),
                         std::string("https://github.com/V-Sekai/uro"));
            }
            QCOMPARE(order, kNewestFirst);
        }
    }

    // The tag picker's economy: N tags cost N manifest HEADs (which Docker Hub does not count as
    // pulls) and no GET; describing K of them (the rows in view) costs K image-config GETs and K
    // manifest GETs, one more for an index (its platform's image).
    void listsDigestsByHeadAndDescribesOnlyWhatIsShown()
    {
        REQUIRE_REGISTRIES();
        const auto pushed = pushedImages();
        for (const char* var : {"SIGNALBOX_REGISTRY_ANON", "SIGNALBOX_REGISTRY_PAGED", "SIGNALBOX_REGISTRY_TOKEN"}) {
            const std::string registry = env(var);
            // The token registry wants the fixture's credentials (username and password in its config).
            const bool token = std::string(var) == "SIGNALBOX_REGISTRY_TOKEN";
            oci::RegistryClient c(&m_transport, options(token ? env("SIGNALBOX_REGISTRY_DOCKER_CONFIG") : ""));
            auto listed =
                await<std::vector<oci::TagInfo>>([&](auto cb) { c.listTagDigests(registry, m_repo, cb); }, 30000);
            QVERIFY(listed);
            QVERIFY2(listed->ok(), listed->ok() ? "" : qPrintable(message(listed->error())));
            const std::vector<oci::TagInfo>& tags = listed->value();
            QCOMPARE(tags.size(), pushed.size());
            for (const auto& t : tags) {
                QVERIFY2(t.info, qPrintable(QString::fromStdString(t.tag + ": " + t.error)));
                QVERIFY(!t.described);
                QCOMPARE(QString::fromStdString(t.info->digest), pushed.at(QString::fromStdString(t.tag)).digest);
                QVERIFY(t.info->created.empty());
            }
            QCOMPARE(c.stats().manifestGets, 0);
            QCOMPARE(c.stats().blobGets, 0);
            // One HEAD a tag (behind the token flow, the listing already holds the token).
            QCOMPARE(c.stats().manifestHeads, static_cast<int>(tags.size()));
            // The picker describes the rows it shows, by digest: here three plain images and the index.
            const std::vector<std::string> shown = {"e91a6c0", "3f2c1a9", "0b7d4e2", kIndexTag};
            for (const std::string& tag : shown) {
                const std::string digest = pushed.at(QString::fromStdString(tag)).digest.toStdString();
                auto r = resolve(c, registry, m_repo, digest);
                QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
                QCOMPARE(QString::fromStdString(r->created), pushed.at(QString::fromStdString(tag)).created);
            }
            QCOMPARE(c.stats().manifestGets, static_cast<int>(shown.size()) + 1);
            QCOMPARE(c.stats().blobGets, static_cast<int>(shown.size()));
        }
    }

    void resolvesATagToTheDigestSkopeoPushed()
    {
        REQUIRE_REGISTRIES();
        const auto pushed = pushedImages();
        oci::RegistryClient c(&m_transport, options());
        const std::string registry = env("SIGNALBOX_REGISTRY_PAGED");
        for (const QString& tag : {QString("3f2c1a9"), QString(kIndexTag)}) {
            auto r = resolve(c, registry, m_repo, tag.toStdString());
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
            const QString skopeo = skopeoDigest(registry, tag);
            QCOMPARE(QString::fromStdString(r->digest), skopeo);
            QCOMPARE(QString::fromStdString(r->digest), pushed.at(tag).digest);
            QCOMPARE(QString::fromStdString(r->created), pushed.at(tag).created);
        }
        // The index: its own digest is the one to deploy; its linux/amd64 image (listed second,
        // after a newer arm64 one) is the one described.
        auto index = resolve(c, registry, m_repo, kIndexTag);
        QVERIFY(index.ok());
        QCOMPARE(index->mediaType, std::string("application/vnd.oci.image.index.v1+json"));
        QVERIFY(index->platformDigest.rfind("sha256:", 0) == 0);
        QVERIFY(index->platformDigest != index->digest);
        QCOMPARE(index->created, std::string("2024-03-03T10:00:00Z"));
        auto single = resolve(c, registry, m_repo, "3f2c1a9");
        QVERIFY(single.ok());
        QCOMPARE(single->mediaType, std::string("application/vnd.oci.image.manifest.v1+json"));
        QVERIFY(single->platformDigest.empty());

        // Behind basic auth too, compared with what skopeo sees with the same credentials.
        oci::RegistryClient basic(&m_transport, options(env("SIGNALBOX_REGISTRY_DOCKER_CONFIG")));
        auto b = resolve(basic, env("SIGNALBOX_REGISTRY_BASIC"), m_repo, kIndexTag);
        QVERIFY2(b.ok(), b.ok() ? "" : qPrintable(message(b.error())));
        const QString creds =
            qEnvironmentVariable("SIGNALBOX_REGISTRY_USER") + ":" + qEnvironmentVariable("SIGNALBOX_REGISTRY_PASSWORD");
        QCOMPARE(QString::fromStdString(b->digest),
                 skopeoDigest(env("SIGNALBOX_REGISTRY_BASIC"), kIndexTag, {"--creds", creds}));
    }

    void refusesAWrongPasswordWithASentence_data()
    {
        QTest::addColumn<QString>("registryVar");
        QTest::newRow("basic") << "SIGNALBOX_REGISTRY_BASIC";
        QTest::newRow("bearer token") << "SIGNALBOX_REGISTRY_TOKEN";
    }

    void refusesAWrongPasswordWithASentence()
    {
        REQUIRE_REGISTRIES();
        QFETCH(QString, registryVar);
        const QByteArray registry = qgetenv(qPrintable(registryVar));
        const QByteArray wrong = "not-" + qgetenv("SIGNALBOX_REGISTRY_PASSWORD");
        const QByteArray json = "{\"auths\":{\"http://" + registry + "\":{\"auth\":\"" +
                                (qgetenv("SIGNALBOX_REGISTRY_USER") + ":" + wrong).toBase64() + "\"}}}";
        oci::RegistryClient c(&m_transport, options(writeDockerConfig("wrong", json)));
        auto r = listTags(c, registry.toStdString(), m_repo);
        QVERIFY(!r.ok());
        const QString m = message(r.error());
        QCOMPARE(r.error().kind, kube::Error::Kind::Auth);
        QVERIFY2(m.contains(QString::fromUtf8(registry)) && m.contains("refused the credentials") &&
                     m.contains(qEnvironmentVariable("SIGNALBOX_REGISTRY_USER")) && m.contains("docker login"),
                 qPrintable(m));
        QVERIFY2(!m.contains(QString::fromUtf8(wrong)) && !QString::fromStdString(r.error().detail).contains(wrong),
                 "the password must not appear in messages");
    }

    // Credential helpers as Docker runs them: docker-credential-NAME get, the server on stdin,
    // JSON on stdout. The helpers are scripts this test writes; the secret comes from the
    // fixture's environment and must never show in a message.
    void readsCredentialsFromACredentialHelper()
    {
        REQUIRE_REGISTRIES();
        // The helper answers for the basic-auth registry only; for others it has nothing, as
        // real helpers say it.
        writeHelper("sbstore", "if [ \"$server\" = \"$SIGNALBOX_REGISTRY_BASIC\" ]; then\n"
                               "  printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" "
                               "\"$SIGNALBOX_REGISTRY_USER\" \"$SIGNALBOX_REGISTRY_PASSWORD\"\n"
                               "else echo 'credentials not found in native keychain'; exit 1; fi");
        // An inline auths entry with a wrong password: Docker asks the credsStore all the same.
        const QByteArray registry = qgetenv("SIGNALBOX_REGISTRY_BASIC");
        const QByteArray json = "{\"credsStore\":\"sbstore\",\"auths\":{\"" + registry + "\":{\"auth\":\"" +
                                QByteArray("someone:wrong").toBase64() + "\"}}}";
        oci::RegistryClient c(&m_transport, options(writeDockerConfig("store", json)));
        auto r = listTags(c, registry.toStdString(), m_repo);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(message(r.error())));
        QCOMPARE(r->tags.size(), std::size_t(kNewestFirst.size()));
        QCOMPARE(askedOf("sbstore"), QString::fromUtf8(registry));
        // Its answer is kept: the tag details do not run it again for every tag.
        QFile::remove(m_tmp.path() + "/sbstore.asked");
        auto info = resolve(c, registry.toStdString(), m_repo, "e91a6c0");
        QVERIFY2(info.ok(), info.ok() ? "" : qPrintable(message(info.error())));
        QCOMPARE(askedOf("sbstore"), QStringLiteral("(never run)"));

        // A helper with nothing for this registry: anonymous, and the 401 names the helper.
        oci::RegistryClient none(&m_transport, options(writeDockerConfig("store", json)));
        auto refused = listTags(none, env("SIGNALBOX_REGISTRY_TOKEN"), m_repo);
        QVERIFY(!refused.ok());
        QVERIFY2(message(refused.error()).contains("docker-credential-sbstore") &&
                     message(refused.error()).contains("has none for"),
                 qPrintable(message(refused.error())));
    }

    void namesACredentialHelperThatIsMissing()
    {
        REQUIRE_REGISTRIES();
        writeHelper("sbunused", "exit 0"); // puts the test's folder on PATH; the named helper is not in it
        const QByteArray json = "{\"credsStore\":\"sbnowhere\"}";
        oci::RegistryClient c(&m_transport, options(writeDockerConfig("missing", json)));
        auto r = listTags(c, env("SIGNALBOX_REGISTRY_BASIC"), m_repo);
        QVERIFY(!r.ok());
        const QString m = message(r.error());
        QVERIFY2(m.contains("docker-credential-sbnowhere") && m.contains("not installed or not on PATH") &&
                     m.contains("Install it"),
                 qPrintable(m));
        QCOMPARE(c.stats().requests, 0); // nothing was sent without the credentials it names
    }

    void namesACredentialHelperThatFails()
    {
        REQUIRE_REGISTRIES();
        // A helper that fails after printing what would be its answer: the message says that it
        // failed and what it said on stderr, never the secret from its stdout.
        writeHelper("sbfail", "printf '{\"Username\":\"u\",\"Secret\":\"%s\"}' \"$SIGNALBOX_REGISTRY_PASSWORD\"\n"
                              "echo 'error: the keychain is locked' >&2\nexit 1");
        const QByteArray registry = qgetenv("SIGNALBOX_REGISTRY_BASIC");
        const QByteArray json = "{\"credHelpers\":{\"" + registry + "\":\"sbfail\"}}";
        oci::RegistryClient c(&m_transport, options(writeDockerConfig("fail", json)));
        auto r = listTags(c, registry.toStdString(), m_repo);
        QVERIFY(!r.ok());
        const QString m = message(r.error());
        QVERIFY2(m.contains("docker-credential-sbfail") && m.contains("exit code 1") &&
                     m.contains("the keychain is locked") && m.contains("docker login"),
                 qPrintable(m));
        const QString password = qEnvironmentVariable("SIGNALBOX_REGISTRY_PASSWORD");
        QVERIFY2(!m.contains(password) && !QString::fromStdString(r.error().detail).contains(password),
                 "the helper's secret must not appear in messages");

        // Only its stdout: the first line, unless it looks like its answer.
        writeHelper("sbfailout", "printf '{\"Secret\":\"%s\"}' \"$SIGNALBOX_REGISTRY_PASSWORD\"\nexit 1");
        oci::RegistryClient c2(&m_transport, options(writeDockerConfig("failout", "{\"credsStore\":\"sbfailout\"}")));
        auto r2 = listTags(c2, registry.toStdString(), m_repo);
        QVERIFY(!r2.ok());
        QVERIFY2(message(r2.error()).contains("docker-credential-sbfailout") && !message(r2.error()).contains(password),
                 "the helper's secret must not appear in messages");
    }

    void usesAHelperForOneHostAndAuthsForAnother()
    {
        REQUIRE_REGISTRIES();
        writeHelper("sbbasic", "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" "
                               "\"$SIGNALBOX_REGISTRY_USER\" \"$SIGNALBOX_REGISTRY_PASSWORD\"");
        const QByteArray basic = qgetenv("SIGNALBOX_REGISTRY_BASIC");
        const QByteArray token = qgetenv("SIGNALBOX_REGISTRY_TOKEN");
        const QByteArray json =
            "{\"credHelpers\":{\"" + basic + "\":\"sbbasic\"},\"auths\":{\"" + token + "\":{\"auth\":\"" +
            (qgetenv("SIGNALBOX_REGISTRY_USER") + ":" + qgetenv("SIGNALBOX_REGISTRY_PASSWORD")).toBase64() + "\"}}}";
        oci::RegistryClient c(&m_transport, options(writeDockerConfig("mixed", json)));
        QFile::remove(m_tmp.path() + "/sbbasic.asked");
        auto viaAuths = listTags(c, token.toStdString(), m_repo);
        QVERIFY2(viaAuths.ok(), viaAuths.ok() ? "" : qPrintable(message(viaAuths.error())));
        QCOMPARE(askedOf("sbbasic"), QStringLiteral("(never run)")); // not asked for the other host
        auto viaHelper = listTags(c, basic.toStdString(), m_repo);
        QVERIFY2(viaHelper.ok(), viaHelper.ok() ? "" : qPrintable(message(viaHelper.error())));
        QCOMPARE(askedOf("sbbasic"), QString::fromUtf8(basic));
    }

    void saysWhatIsMissing()
    {
        REQUIRE_REGISTRIES();
        for (const char* var : {"SIGNALBOX_REGISTRY_ANON", "SIGNALBOX_REGISTRY_PAGED"}) {
            oci::RegistryClient c(&m_transport, options());
            auto repo = listTags(c, env(var), "v-sekai/no-such-repository");
            QVERIFY(!repo.ok());
            QCOMPARE(repo.error().reason, std::string("NAME_UNKNOWN"));
            QVERIFY2(message(repo.error())
                         .contains("There is no repository v-sekai/no-such-repository on " + qEnvironmentVariable(var)),
                     qPrintable(message(repo.error())));

            auto tag = resolve(c, env(var), m_repo, "deadbee");
            QVERIFY(!tag.ok());
            QCOMPARE(tag.error().httpStatus, 404);
            QVERIFY2(message(tag.error()).contains("There is no tag deadbee in " + QString::fromStdString(m_repo)) &&
                         message(tag.error()).contains("Refresh the tag list"),
                     qPrintable(message(tag.error())));
        }
        // Behind the token server, a missing tag reads the same.
        oci::RegistryClient t(&m_transport, options(env("SIGNALBOX_REGISTRY_DOCKER_CONFIG")));
        auto tag = resolve(t, env("SIGNALBOX_REGISTRY_TOKEN"), m_repo, "deadbee");
        QVERIFY(!tag.ok());
        QVERIFY2(message(tag.error()).contains("There is no tag deadbee"), qPrintable(message(tag.error())));
    }

    void saysWhenTheDockerConfigIsBroken()
    {
        REQUIRE_REGISTRIES();
        oci::RegistryClient broken(&m_transport, options(writeDockerConfig("broken", "{\"auths\": ")));
        auto b = listTags(broken, env("SIGNALBOX_REGISTRY_BASIC"), m_repo);
        QVERIFY(!b.ok());
        QCOMPARE(b.error().kind, kube::Error::Kind::Config);
        QVERIFY2(message(b.error()).contains("is not valid JSON"), qPrintable(message(b.error())));
    }

    void saysWhenARegistryIsUnreachable()
    {
        REQUIRE_REGISTRIES();
        // A port that was free a moment ago: nothing listens there.
        const std::string registry = "127.0.0.1:" + std::to_string(freePort());
        QVERIFY(registry != "127.0.0.1:0");
        oci::RegistryClient c(&m_transport, options());
        auto r = listTags(c, registry, m_repo);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, kube::Error::Kind::Transport);
        QVERIFY2(message(r.error()).contains("Nothing answers at the registry " + QString::fromStdString(registry)),
                 qPrintable(message(r.error())));
        auto info = await<std::vector<oci::TagInfo>>([&](auto cb) { c.listTagsWithInfo(registry, m_repo, cb); });
        QVERIFY(info && !info->ok());
    }

    void cleanupTestCase() { curl_global_cleanup(); }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
