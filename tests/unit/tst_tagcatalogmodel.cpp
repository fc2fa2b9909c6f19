// The deploy dialog's tag catalogue against a registry on loopback (tests/support/httpserver.h
// speaking the distribution API): it lists the tags with their digests, describes only the rows it
// is asked to, sorts newest first once those are described and never again, filters by tag or
// commit with inserted and removed rows (one reset per listing, nothing else), and says where the
// listing stands: loading, the registry's refusal, no tags, a repository that is not valid.
#include "model/views/tagcatalogmodel.h"
#include "support/httpserver.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <map>

namespace {

using Answer = testsupport::HttpServer::Answer;

QByteArray digestOf(const QByteArray& body)
{
    return "sha256:" + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
}

// One image per tag: its config (creation time, commit label) and the manifest naming it.
struct Image {
    QByteArray manifest, manifestDigest, config, configDigest;
};

Image image(const QString& created, const QString& commit)
{
    Image i;
    i.config = QStringLiteral(R"({"created":"%1","config":{"Labels":{"org.opencontainers.image.revision":"%2"}}})")
                   .arg(created, commit)
                   .toUtf8();
    i.configDigest = digestOf(i.config);
    i.manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                 R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                 i.configDigest + R"(","size":)" + QByteArray::number(i.config.size()) + R"(},"layers":[]})";
    i.manifestDigest = digestOf(i.manifest);
    return i;
}

// A registry of three repositories: app (four tags), empty (none) and denied (every answer a 403
// with a message).
class FakeRegistry : public testsupport::HttpServer {
public:
    FakeRegistry()
    {
        // The registry's order, and creation times that differ from the order by name.
        m_images = {{"v1", image(QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("aaaa1111aaaa1111"))},
                    {"v2", image(QStringLiteral("2026-01-05T00:00:00Z"), QStringLiteral("bbbb2222bbbb2222"))},
                    {"v3", image(QStringLiteral("2026-01-04T00:00:00Z"), QStringLiteral("cccc3333cccc3333"))},
                    {"v4", image(QStringLiteral("2026-01-02T00:00:00Z"), QStringLiteral("dddd4444dddd4444"))}};
        setResponder([this](const Request& r) { return answerTo(r); });
    }

private:
    Answer answerTo(const Request& r) const
    {
        const QByteArray path = r.path();
        const QByteArray json = "Content-Type: application/json";
        if (path.startsWith("/v2/denied/"))
            return {403, {json}, R"({"errors":[{"code":"DENIED","message":"no pulls for you"}]})"};
        if (path.startsWith("/v2/empty/tags/list"))
            return {200, {json}, R"({"name":"empty","tags":[]})"};
        if (path.startsWith("/v2/app/tags/list"))
            return {200, {json}, R"({"name":"app","tags":["v1","v2","v3","v4"]})"};
        const QByteArray manifests = "/v2/app/manifests/", blobs = "/v2/app/blobs/";
        const QByteArray type = "Content-Type: application/vnd.oci.image.manifest.v1+json";
        for (const auto& [tag, i] : m_images) {
            if (path == manifests + tag && r.method() == "HEAD")
                return {200, {type, "Docker-Content-Digest: " + i.manifestDigest}, {}};
            if (path == manifests + i.manifestDigest)
                return {200, {type, "Docker-Content-Digest: " + i.manifestDigest}, i.manifest};
            if (path == blobs + i.configDigest)
                return {200, {"Content-Type: application/octet-stream"}, i.config};
        }
        return {404, {json}, R"({"errors":[{"code":"NOT_FOUND","message":"not here"}]})"};
    }

    std::map<QByteArray, Image> m_images;
};

QStringList column(const QAbstractItemModel& m, int column)
{
    QStringList out;
    for (int row = 0; row < m.rowCount(); ++row)
        out << m.index(row, column).data().toString();
    return out;
}

} // namespace

class TestTagCatalogModel : public QObject {
    Q_OBJECT

    FakeRegistry m_registry;
    net::Transport m_transport;
    QTemporaryDir m_tmp;

    std::unique_ptr<oci::RegistryClient> client()
    {
        oci::RegistryClient::Options o;
        // An explicit file, so the test never reads the developer's own ~/.docker/config.json.
        o.dockerConfigPath = (m_tmp.path() + QStringLiteral("/no-docker-config.json")).toStdString();
        o.timeout = std::chrono::milliseconds(10000);
        return std::make_unique<oci::RegistryClient>(&m_transport, o);
    }
    QString repository(const QString& name) const { return m_registry.hostPort() + QLatin1Char('/') + name; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_registry.isListening());
        QVERIFY(m_tmp.isValid());
    }

    void listsDescribesWhatIsShownAndSortsOnce()
    {
        auto registry = client();
        model::TagCatalogModel m(registry.get());
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        QSignalSpy layouts(&m, &QAbstractItemModel::layoutChanged);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        QCOMPARE(int(m.state()), int(model::TagCatalogModel::State::Idle));

        m.load(repository(QStringLiteral("app")));
        QCOMPARE(int(m.state()), int(model::TagCatalogModel::State::Loading));
        QCOMPARE(m.statusText(), QStringLiteral("Listing the tags of %1…").arg(repository(QStringLiteral("app"))));
        QTRY_COMPARE_WITH_TIMEOUT(int(m.state()), int(model::TagCatalogModel::State::Listed), 10000);
        QCOMPARE(m.statusText(), QStringLiteral("4 tag(s), newest first."));
        // Listed with digests, by name (descending) until described; nothing described yet.
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v4", "v3", "v2", "v1"}));
        QCOMPARE(column(m, model::TagCatalogModel::BuiltColumn), QStringList({"", "", "", ""}));
        QVERIFY(m.index(0, model::TagCatalogModel::DigestColumn).data().toString().startsWith("sha256:"));
        QCOMPARE(registry->stats().manifestHeads, 4);
        QCOMPARE(registry->stats().blobGets, 0);
        QVERIFY(!m.loaded());
        QCOMPARE(resets.count(), 1);

        // The view shows the first two rows: only they are described, then the catalogue is sorted
        // newest first among them (v3 was built after v4), the rows below after them.
        const QPersistentModelIndex v4 = m.index(0, 0);
        m.describe(0, 1);
        QTRY_VERIFY_WITH_TIMEOUT(m.loaded(), 10000);
        QCOMPARE(registry->stats().blobGets, 2);
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v3", "v4", "v2", "v1"}));
        QCOMPARE(column(m, model::TagCatalogModel::BuiltColumn),
                 QStringList({"2026-01-04T00:00:00Z", "2026-01-02T00:00:00Z", "", ""}));
        QCOMPARE(column(m, model::TagCatalogModel::CommitColumn),
                 QStringList({"cccc3333cccc", "dddd4444dddd", "", ""}));
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(v4.row(), 1); // a selection follows its tag
        QCOMPARE(m.tagAt(1), QStringLiteral("v4"));

        // Rows described later change in place: v2 is the newest, and stays where it is.
        changed.clear();
        m.describe(2, 3);
        QTRY_COMPARE_WITH_TIMEOUT(registry->stats().blobGets, 4, 10000);
        QTRY_COMPARE(changed.count(), 2);
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v3", "v4", "v2", "v1"}));
        QCOMPARE(m.index(2, model::TagCatalogModel::BuiltColumn).data().toString(),
                 QStringLiteral("2026-01-05T00:00:00Z"));
        // Asking again reads nothing again.
        m.describe(0, 3);
        QCOMPARE(registry->stats().blobGets, 4);
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(resets.count(), 1);
    }

    void filtersByTagOrCommitRowByRow()
    {
        auto registry = client();
        model::TagCatalogModel m(registry.get());
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.load(repository(QStringLiteral("app")));
        QTRY_COMPARE_WITH_TIMEOUT(int(m.state()), int(model::TagCatalogModel::State::Listed), 10000);
        m.describe(0, 3);
        QTRY_VERIFY_WITH_TIMEOUT(m.loaded(), 10000);
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v2", "v3", "v4", "v1"}));
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);

        m.setFilter(QStringLiteral("DDDD4")); // a commit, in another case
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v4"}));
        m.setFilter(QStringLiteral("v"));
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v2", "v3", "v4", "v1"}));
        m.setFilter(QStringLiteral("  V1 "));
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v1"}));
        m.setFilter(QStringLiteral("nothing like it"));
        QCOMPARE(m.rowCount(), 0);
        m.setFilter(QString());
        QCOMPARE(column(m, model::TagCatalogModel::TagColumn), QStringList({"v2", "v3", "v4", "v1"}));
        QCOMPARE(resets.count(), 0);
        QVERIFY(inserted.count() > 0);
        QVERIFY(removed.count() > 0);
    }

    void saysWhyThereAreNoTags()
    {
        auto registry = client();
        model::TagCatalogModel m(registry.get());
        QSignalSpy states(&m, &model::TagCatalogModel::stateChanged);

        // Not a repository: said at once, nothing asked.
        m.load(QStringLiteral("ghcr.io/v-sekai/uro:latest"));
        QCOMPARE(int(m.state()), int(model::TagCatalogModel::State::Failed));
        QCOMPARE(m.statusText(), QStringLiteral("The repository is not valid: it has a tag or digest. Give it "
                                                "without a tag, e.g. ghcr.io/v-sekai/uro."));
        QCOMPARE(registry->stats().requests, 0);
        QCOMPARE(states.count(), 1);

        // The registry refuses: its words, naming it.
        m.load(repository(QStringLiteral("denied")));
        QTRY_COMPARE_WITH_TIMEOUT(int(m.state()), int(model::TagCatalogModel::State::Failed), 10000);
        QVERIFY2(m.statusText().contains(QStringLiteral("no pulls for you")), qPrintable(m.statusText()));
        QVERIFY2(m.statusText().contains(m_registry.hostPort()), qPrintable(m.statusText()));
        QVERIFY(!m.loaded());

        // No tags at all.
        m.load(repository(QStringLiteral("empty")));
        QTRY_COMPARE_WITH_TIMEOUT(int(m.state()), int(model::TagCatalogModel::State::Empty), 10000);
        QCOMPARE(m.statusText(), QStringLiteral("The repository %1 has no tags.").arg(repository("empty")));
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(m.loaded());
    }

    // A listing asked for after another replaces it: the first one's answer is dropped.
    void theNewestListingWins()
    {
        auto registry = client();
        model::TagCatalogModel m(registry.get());
        m.load(repository(QStringLiteral("app")));
        m.load(repository(QStringLiteral("empty")));
        QTRY_COMPARE_WITH_TIMEOUT(int(m.state()), int(model::TagCatalogModel::State::Empty), 10000);
        // The app's listing (a page and four HEADs) would have answered by now.
        QTRY_COMPARE_WITH_TIMEOUT(registry->stats().manifestHeads, 4, 10000);
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(int(m.state()), int(model::TagCatalogModel::State::Empty));
    }
};

QTEST_GUILESS_MAIN(TestTagCatalogModel)
#include "tst_tagcatalogmodel.moc"
