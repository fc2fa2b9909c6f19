// kube::Client's request counter and its cache of access reviews, against a small HTTP server on
// loopback that plays the API server: it answers SelfSubjectAccessReviews with what the test says
// the user may do now, SelfSubjectRulesReviews with the rules the test gives, and a 403 for one path.
#include "kube/client.h"
#include "kube/clientpool.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QSignalSpy>
#include <QTest>
#include <functional>
#include <memory>

namespace {

// Plays the API server: reviews answered as the test says, a 403 for /forbidden, a Pod for the rest.
class FakeApiServer : public testsupport::HttpServer {
public:
    FakeApiServer()
    {
        setResponder([this](const Request& r) { return reply(r); });
    }

    int reviews() const { return m_reviews; }
    int rulesReviews() const { return m_rulesReviews; }
    // The status of the next SelfSubjectRulesReview.
    QByteArray rulesStatus = R"({"resourceRules":[],"incomplete":false})";
    bool allow = true; // what the next access review answers

private:
    Answer reply(const Request& request)
    {
        const QByteArray path = request.path();
        const QList<QByteArray> json{"Content-Type: application/json"};
        if (path.contains("selfsubjectrulesreviews")) {
            ++m_rulesReviews;
            return {200, json, "{\"kind\":\"SelfSubjectRulesReview\",\"status\":" + rulesStatus + "}"};
        }
        if (path.contains("selfsubjectaccessreviews")) {
            ++m_reviews;
            return {200, json,
                    QByteArray("{\"kind\":\"SelfSubjectAccessReview\",\"status\":{\"allowed\":") +
                        (allow ? "true" : "false") + "}}"};
        }
        if (path.contains("/forbidden"))
            return {403, json,
                    "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
                    "\"message\":\"pods forbidden is forbidden: User dev cannot get resource pods\"}"};
        return {200, json, "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"}}"};
    }

    int m_reviews = 0;
    int m_rulesReviews = 0;
};

kube::RestConfig restConfig(const QString& server)
{
    return kubetest::serverConfig(server, "accesscache", "default");
}

const kube::AccessCheck kPatchLive{"patch", kube::resources::services, "uro", "uro", {}};

// Asks one review and waits for its answer: whether it was allowed (nullopt on an error).
std::optional<bool> ask(kube::Client& client, const kube::AccessCheck& check, kube::Client::Freshness freshness)
{
    bool answered = false;
    std::optional<bool> allowed;
    client.checkAccess(
        check,
        [&](kube::Result<kube::AccessDecision> d) {
            answered = true;
            if (d)
                allowed = d->allowed;
        },
        freshness);
    if (!QTest::qWaitFor([&] { return answered; }, 10000))
        return std::nullopt;
    return allowed;
}

void getPod(kube::Client& client, const std::string& name)
{
    bool answered = false;
    client.get(kube::resources::pods, "ns", name, [&](kube::Result<kube::Json>) { answered = true; });
    QVERIFY(QTest::qWaitFor([&] { return answered; }, 10000));
}

constexpr auto kCached = kube::Client::Freshness::MayCache;
constexpr auto kFresh = kube::Client::Freshness::Fresh;
constexpr auto kGranted = kube::Client::Freshness::GrantedOrFresh;

// Asks one rules review of `ns` and waits for it: whether it was answered.
bool reviewRules(kube::Client& client, const std::string& ns)
{
    bool answered = false, ok = false;
    client.reviewRules(ns, [&](kube::Result<kube::AccessRules> r) {
        answered = true;
        ok = bool(r);
    });
    return QTest::qWaitFor([&] { return answered; }, 10000) && ok;
}

} // namespace

class TestAccessCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void countsWhatIsSentByVerbAndResource()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        getPod(client, "p");
        getPod(client, "q");
        QCOMPARE(ask(client, kPatchLive, kFresh), std::optional<bool>(true));
        bool ended = false;
        client.watch(
            kube::resources::pods, "ns", {}, [](const std::string&, const kube::Json&) {},
            [&](kube::Result<kube::Unit>) { ended = true; });
        QVERIFY(QTest::qWaitFor([&] { return ended; }, 10000));
        const kube::RequestCounts& counts = client.requestCounts();
        QCOMPARE(counts.total, 4L);
        QCOMPARE(counts.total, static_cast<long>(server.requests().size()));
        QCOMPARE(counts.of("get pods"), 2L);
        QCOMPARE(counts.of("create selfsubjectaccessreviews"), 1L);
        QCOMPARE(counts.of("watch pods"), 1L);
        QCOMPARE(client.watchCount(), std::uint64_t(1));
        QCOMPARE(client.requestCount(), std::uint64_t(4));
        QCOMPARE(client.proxyRequestCount(), std::uint64_t(0));
        client.resetRequestCounts();
        QCOMPARE(client.requestCounts().total, 0L);
    }

    void aCachedAnswerIsReusedAndAFreshOneAsks()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 1);
        server.allow = false;
        // Within the time to live the buttons take the answer they had.
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 1);
        QCOMPARE(client.requestCounts().total, 1L);
        // A plan that is confirmed or carried out always asks, and its answer replaces the cached one.
        QCOMPARE(ask(client, kPatchLive, kFresh), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 2);
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 2);
    }

    // RBAC's matching, on the rules a SelfSubjectRulesReview lists.
    void rulesGrantAsRbacMatches_data()
    {
        QTest::addColumn<QByteArray>("status");
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("resource");
        QTest::addColumn<QString>("subresource");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("granted");
        const QByteArray named =
            R"({"resourceRules":[{"verbs":["get","patch"],"apiGroups":[""],"resources":["services"],"resourceNames":["uro","uro-staging"]}]})";
        QTest::newRow("a named Service") << named << "patch"
                                         << ""
                                         << "services"
                                         << ""
                                         << "uro" << true;
        QTest::newRow("another name") << named << "patch"
                                      << ""
                                      << "services"
                                      << ""
                                      << "other" << false;
        QTest::newRow("no name at all") << named << "patch"
                                        << ""
                                        << "services"
                                        << ""
                                        << "" << false;
        QTest::newRow("another verb") << named << "delete"
                                      << ""
                                      << "services"
                                      << ""
                                      << "uro" << false;
        QTest::newRow("another group") << named << "patch"
                                       << "apps"
                                       << "services"
                                       << ""
                                       << "uro" << false;
        QTest::newRow("a subresource") << named << "patch"
                                       << ""
                                       << "services"
                                       << "status"
                                       << "uro" << false;
        const QByteArray wild = R"({"resourceRules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}]})";
        QTest::newRow("everything") << wild << "delete"
                                    << "apps"
                                    << "deployments"
                                    << "scale"
                                    << "" << true;
        const QByteArray sub = R"({"resourceRules":[{"verbs":["get"],"apiGroups":[""],"resources":["*/proxy"]}]})";
        QTest::newRow("any resource's proxy") << sub << "get"
                                              << ""
                                              << "pods"
                                              << "proxy"
                                              << "p" << true;
        QTest::newRow("not the resource itself") << sub << "get"
                                                 << ""
                                                 << "pods"
                                                 << ""
                                                 << "p" << false;
        const QByteArray events = R"({"resourceRules":[{"verbs":["create"],"apiGroups":[""],"resources":["events"]}]})";
        QTest::newRow("create an Event") << events << "create"
                                         << ""
                                         << "events"
                                         << ""
                                         << "" << true;
        const QByteArray odd =
            R"({"resourceRules":[{"verbs":"patch","apiGroups":[""],"resources":["services"]},7,{"verbs":[1],"resources":["services"]}]})";
        QTest::newRow("mistyped rules grant nothing") << odd << "patch"
                                                      << ""
                                                      << "services"
                                                      << ""
                                                      << "uro" << false;
        QTest::newRow("no status fields") << QByteArray("{}") << "get"
                                          << ""
                                          << "pods"
                                          << ""
                                          << "p" << false;
    }

    void rulesGrantAsRbacMatches()
    {
        QFETCH(QByteArray, status);
        QFETCH(QString, verb);
        QFETCH(QString, group);
        QFETCH(QString, resource);
        QFETCH(QString, subresource);
        QFETCH(QString, name);
        QFETCH(bool, granted);
        const auto review = kube::Json::parse("{\"status\":" + status.toStdString() + "}");
        const kube::AccessRules rules = kube::parseAccessRules(review);
        QCOMPARE(rules.grants(verb.toStdString(), group.toStdString(), resource.toStdString(),
                              subresource.toStdString(), name.toStdString()),
                 granted);
        QVERIFY(!kube::parseAccessRules(kube::Json::parse("[]")).grants("get", "", "pods", "", "p"));
    }

    // A rules review's grant answers a check without a request; what it does not grant is asked.
    // A fresh check never takes it; one that may take a grant asks afresh for everything else.
    void aRulesReviewGrantsWithoutAskingAndLeavesTheRestToReviews()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        server.rulesStatus =
            R"({"resourceRules":[{"verbs":["patch"],"apiGroups":[""],"resources":["services"],"resourceNames":["uro"]}],"incomplete":true,"evaluationError":"node authorizer does not list rules"})";
        server.allow = false;
        // Two at once for the same namespace: one request.
        bool first = false;
        client.reviewRules("uro", [&first](kube::Result<kube::AccessRules> r) { first = bool(r); });
        QVERIFY(reviewRules(client, "uro"));
        QVERIFY(first);
        QCOMPARE(server.rulesReviews(), 1);

        QCOMPARE(ask(client, kPatchLive, kGranted), std::optional<bool>(true));
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 0);
        // Not granted by the rules (incomplete, so not known to be refused): asked.
        const kube::AccessCheck staging{"patch", kube::resources::services, "uro", "uro-staging", {}};
        QCOMPARE(ask(client, staging, kGranted), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 1);
        server.allow = true;
        QCOMPARE(ask(client, staging, kGranted), std::optional<bool>(true)); // afresh, not the kept refusal
        QCOMPARE(server.reviews(), 2);
        // Another namespace has no rules here.
        const kube::AccessCheck elsewhere{"patch", kube::resources::services, "other", "uro", {}};
        QCOMPARE(ask(client, elsewhere, kGranted), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 3);
        // A fresh check asks the server, whatever the rules said.
        server.allow = false;
        QCOMPARE(ask(client, kPatchLive, kFresh), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 4);
        // Credentials that may have changed drop the rules too.
        client.clearAccessCache();
        QCOMPARE(ask(client, kPatchLive, kGranted), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 5);
        QCOMPARE(client.requestCounts().of("create selfsubjectrulesreviews"), 1L);
    }

    // Whether a review's list is whole: the server says so, names no evaluation error, and every
    // rule in it could be read.
    void aListIsCompleteOnlyWhenTheServerSaysSoAndEveryRuleIsRead_data()
    {
        QTest::addColumn<QByteArray>("status");
        QTest::addColumn<bool>("complete");
        const QByteArray rule = R"({"verbs":["get"],"apiGroups":[""],"resources":["pods"]})";
        QTest::newRow("whole") << QByteArray(R"({"resourceRules":[)" + rule + R"(],"incomplete":false})") << true;
        QTest::newRow("no rules, whole") << QByteArray(R"({"resourceRules":[],"incomplete":false})") << true;
        QTest::newRow("incomplete") << QByteArray(R"({"resourceRules":[)" + rule + R"(],"incomplete":true})") << false;
        QTest::newRow("not said") << QByteArray(R"({"resourceRules":[)" + rule + "]}") << false;
        QTest::newRow("said as a string") << QByteArray(R"({"resourceRules":[],"incomplete":"false"})") << false;
        QTest::newRow("an evaluation error")
            << QByteArray(R"({"resourceRules":[],"incomplete":false,"evaluationError":"role x not found"})") << false;
        QTest::newRow("an empty evaluation error")
            << QByteArray(R"({"resourceRules":[],"incomplete":false,"evaluationError":""})") << true;
        QTest::newRow("a rule it cannot read")
            << QByteArray(R"({"resourceRules":[)" + rule + R"(,{"verbs":"get"}],"incomplete":false})") << false;
        QTest::newRow("rules not a list") << QByteArray(R"({"resourceRules":{},"incomplete":false})") << false;
    }

    void aListIsCompleteOnlyWhenTheServerSaysSoAndEveryRuleIsRead()
    {
        QFETCH(QByteArray, status);
        QFETCH(bool, complete);
        QCOMPARE(kube::parseAccessRules(kube::Json::parse("{\"status\":" + status.toStdString() + "}")).complete,
                 complete);
    }

    // A complete list's silence is a refusal that a cached check may take without a request, so a
    // page of someone who may only look decides its buttons on the rules review alone. A check
    // that must be granted or fresh still asks; a kept review answers a review that may be kept.
    void aCompleteListRefusesWhatItDoesNotGrant()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        server.rulesStatus =
            R"({"resourceRules":[{"verbs":["patch"],"apiGroups":[""],"resources":["services"],"resourceNames":["uro"]}],"incomplete":false})";
        server.allow = true; // what a review would answer, so a refusal seen came from the rules
        QVERIFY(reviewRules(client, "uro"));
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        const kube::AccessCheck staging{"patch", kube::resources::services, "uro", "uro-staging", {}};
        QCOMPARE(ask(client, staging, kCached), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 0);
        QCOMPARE(ask(client, staging, kGranted), std::optional<bool>(true));
        QCOMPARE(ask(client, staging, kFresh), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 2);

        // A kept review is answer enough when it may be kept, and not otherwise.
        bool kept = false;
        client.reviewRules(
            "uro", [&kept](kube::Result<kube::AccessRules> r) { kept = r && r.value().complete; }, kCached);
        QVERIFY(kept); // at once, from the kept answer
        QCOMPARE(server.rulesReviews(), 1);
        QVERIFY(reviewRules(client, "uro"));
        QCOMPARE(server.rulesReviews(), 2);

        // Without the cache the rules say nothing: the check is asked.
        client.setAccessCacheTtl(std::chrono::milliseconds(0));
        QCOMPARE(ask(client, staging, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 3);
        client.setAccessCacheTtl(std::chrono::milliseconds(30000));
        // Nor after the cache is cleared.
        client.clearAccessCache();
        QCOMPARE(ask(client, staging, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 4);
    }

    void eachQuestionIsCachedOnItsOwn()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        const std::vector<kube::AccessCheck> checks{
            kPatchLive,
            {"patch", kube::resources::services, "uro", "uro-staging", {}},
            {"get", kube::resources::services, "uro", "uro", {}},
            {"patch", kube::resources::services, "other", "uro", {}},
            {"patch", kube::resources::deployments, "uro", "uro", {}},
            {"get", kube::resources::pods, "uro", "uro", "proxy"},
            {"create", kube::resources::events, "uro", {}, {}},
        };
        for (const auto& c : checks)
            QCOMPARE(ask(client, c, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), static_cast<int>(checks.size()));
        for (const auto& c : checks)
            QCOMPARE(ask(client, c, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), static_cast<int>(checks.size()));
        QCOMPARE(client.accessCacheSize(), checks.size());
    }

    void anAnswerOlderThanTheTimeToLiveIsAskedAgain()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        QCOMPARE(client.accessCacheTtl(), std::chrono::milliseconds(30000));
        client.setAccessCacheTtl(std::chrono::milliseconds(1));
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        // Until the answer has outlived its time to live on the cache's own clock (it was asked
        // before this point, so it is at least this old).
        const auto answered = std::chrono::steady_clock::now();
        QVERIFY(QTest::qWaitFor([&] { return std::chrono::steady_clock::now() - answered >= client.accessCacheTtl(); },
                                1000));
        server.allow = false;
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 2);
        client.setAccessCacheTtl(std::chrono::milliseconds(0)); // off
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 3);
    }

    void a403DropsTheCache()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        server.allow = false;
        getPod(client, "p"); // a 200 keeps it
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 1);
        getPod(client, "forbidden"); // the server refused something: what was allowed may not be now
        QCOMPARE(client.accessCacheSize(), std::size_t(0));
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 2);
    }

    // A request refused again as it was the last time (a watch that retries in a namespace the
    // user may not read) is no news; a different refusal is.
    void aRefusalRepeatedIsNoNews()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        getPod(client, "forbidden");
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        getPod(client, "forbidden");
        QCOMPARE(client.accessCacheSize(), std::size_t(1));
        getPod(client, "forbidden-too");
        QCOMPARE(client.accessCacheSize(), std::size_t(0));
        QCOMPARE(ask(client, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 2);
    }

    void clearingThePoolDropsEveryClientsCache()
    {
        FakeApiServer server;
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::ClientPool pool(&transport);
        kube::RestConfig one = restConfig(server.origin());
        kube::RestConfig two = one;
        two.contextName = "other";
        kube::Client* first = pool.client(one);
        kube::Client* second = pool.client(two);
        QVERIFY(first != second);
        QCOMPARE(ask(*first, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(ask(*second, kPatchLive, kCached), std::optional<bool>(true));
        QCOMPARE(server.reviews(), 2);
        pool.clearAccessCaches();
        QCOMPARE(first->accessCacheSize(), std::size_t(0));
        QCOMPARE(second->accessCacheSize(), std::size_t(0));
        server.allow = false;
        QCOMPARE(ask(*first, kPatchLive, kCached), std::optional<bool>(false));
        QCOMPARE(server.reviews(), 3);
    }
};

QTEST_MAIN(TestAccessCache)
#include "tst_accesscache.moc"
