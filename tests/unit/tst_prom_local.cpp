// prom::Client against servers of the test's own (support/httpserver.h): what it sends (the query,
// the bearer token, through the API server's service proxy), how each failure reads (a 401 with a
// token file, an HTML page, a gateway's 502, nothing listening, a refused proxy, a Service without
// endpoints, an answer over the limit), and that a call stopped by cancel(), by its owner's end or by
// the client's end never calls back.
#include "kube/client.h"
#include "prom/client.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QEventLoop>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <array>
#include <optional>

using testsupport::HttpServer;

namespace {

const QByteArray kJson = "Content-Type: application/json";
const QByteArray kUpAnswer =
    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"tests"},"value":[1780000000,"1"]}]}})";
const QByteArray kBadQuery =
    R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"})";
const QByteArray kForbidden =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"prometheus\" is forbidden: User \"viewer\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"secret\"","reason":"Forbidden","details":{"name":"prometheus","kind":"services"},"code":403})";
const QByteArray kNoEndpoints =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"no endpoints available for service \"prometheus:9090\"","reason":"ServiceUnavailable","code":503})";
const QByteArray kNotFound =
    R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \"nothere\" not found","reason":"NotFound","details":{"name":"nothere","kind":"services"},"code":404})";

// Runs the event loop until the call answers, or `timeoutMs` passes (then nullopt).
template <typename Start> std::optional<net::Result<prom::QueryResult>> await(Start start, int timeoutMs = 10000)
{
    return kubetest::await<prom::QueryResult>(start, timeoutMs);
}

std::optional<net::Result<prom::QueryResult>> up(prom::Client& client, const std::string& expr = "up")
{
    return await([&](auto cb) { client.query(expr, QDateTime::fromMSecsSinceEpoch(1780000000250), cb); });
}

QString messageOf(const std::optional<net::Result<prom::QueryResult>>& r)
{
    if (!r)
        return QStringLiteral("(no answer)");
    return *r ? QStringLiteral("(decoded)") : QString::fromStdString(r->error().message);
}

// A port nothing listens on (bound, then closed).
QString deadOrigin()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    return QStringLiteral("http://127.0.0.1:%1").arg(s.serverPort());
}

// Lets the event loop run for `ms` and says whether `answered` stayed false.
bool staysQuiet(const bool& answered, int ms = 300)
{
    QTest::qWait(ms);
    return !answered;
}

} // namespace

class TestPromLocal : public QObject {
    Q_OBJECT

    net::Transport m_transport;

private Q_SLOTS:
    void sendsTheQueryWithTheToken()
    {
        HttpServer server;
        server.answer("/prefix/api/v1/query", HttpServer::Answer{200, {kJson}, kUpAnswer});
        QTemporaryDir dir;
        QFile token(dir.filePath(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("s3cret-token\n");
        token.close();
        prom::Client client(
            prom::Endpoint::url(server.origin().toStdString() + "/prefix/", token.fileName().toStdString()),
            &m_transport);
        const auto r = up(client, "sum(rate(x{a=\"b\"}[2m]))");
        QVERIFY2(r && *r, qPrintable(messageOf(r)));
        QCOMPARE((*r)->vector.size(), std::size_t{1});
        QCOMPARE(server.requests().size(), 1);
        const HttpServer::Request& sent = server.requests().first();
        QCOMPARE(sent.path(), QByteArray("/prefix/api/v1/query?query=sum%28rate%28x%7Ba%3D%22b%22%7D%5B2m%5D%29%29&"
                                         "time=1780000000.250"));
        QVERIFY(sent.head.contains("Authorization: Bearer s3cret-token"));
        QVERIFY(!sent.head.contains("s3cret-token\n")); // the file's newline is not part of the token
        QCOMPARE(client.pendingCount(), std::size_t{0});

        const auto range = await([&](auto cb) {
            client.queryRange("up", QDateTime::fromSecsSinceEpoch(1780000000),
                              QDateTime::fromSecsSinceEpoch(1780003600), std::chrono::milliseconds(15000), cb);
        });
        QVERIFY(range);
        QCOMPARE(server.requests().last().path(),
                 QByteArray("/prefix/api/v1/query_range?end=1780003600.000&query=up&start=1780000000.000&step=15"));
    }

    void failuresAreSentences()
    {
        HttpServer server;
        server.answer("/bad/api/v1/query", HttpServer::Answer{400, {kJson}, kBadQuery});
        server.answer("/login/api/v1/query",
                      HttpServer::Answer{200, {"Content-Type: text/html"}, "<!doctype html><form>Sign in</form>"});
        server.answer("/gateway/api/v1/query", HttpServer::Answer{502, {"Content-Type: text/html"}, "<h1>502</h1>"});
        server.answer("/token/api/v1/query", HttpServer::Answer{401, {"Content-Type: text/plain"}, "Unauthorized"});
        server.answer("/missing/api/v1/query",
                      HttpServer::Answer{404, {"Content-Type: text/plain"}, "404 page not found"});
        const std::string origin = server.origin().toStdString();
        QTemporaryDir dir;
        QFile token(dir.filePath(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("s3cret-old");
        token.close();
        const std::string tokenFile = token.fileName().toStdString();

        auto messageAt = [&](const std::string& base, const std::string& file = {}) {
            prom::Client client(prom::Endpoint::url(base, file), &m_transport);
            return messageOf(up(client, "sum("));
        };
        QCOMPARE(messageAt(origin + "/bad"),
                 QStringLiteral("Prometheus at %1/bad refused the query: \"invalid parameter \"query\": 1:5: parse "
                                "error: unclosed left parenthesis\". Correct the query and try again.")
                     .arg(server.origin()));
        QString m = messageAt(origin + "/login");
        QVERIFY2(m.contains(QStringLiteral("is an HTML page")) && m.contains(QStringLiteral("login page")),
                 qPrintable(m));
        m = messageAt(origin + "/gateway");
        QVERIFY2(m.contains(QStringLiteral("is not available (HTTP 502)")), qPrintable(m));
        m = messageAt(origin + "/token", tokenFile);
        QVERIFY2(m.contains(QStringLiteral("refused the bearer token in ") + token.fileName()) &&
                     m.contains(QStringLiteral("(HTTP 401)")),
                 qPrintable(m));
        QVERIFY2(!m.contains(QStringLiteral("s3cret")), qPrintable(m));
        m = messageAt(origin + "/token");
        QVERIFY2(m.contains(QStringLiteral("asks for credentials (HTTP 401). Give a bearer token file")),
                 qPrintable(m));
        m = messageAt(origin + "/missing");
        QVERIFY2(m.contains(QStringLiteral("has no query API at this address (HTTP 404)")), qPrintable(m));
        m = messageAt(origin + "/bad", dir.filePath(QStringLiteral("absent")).toStdString());
        QVERIFY2(m.contains(QStringLiteral("cannot be read")), qPrintable(m));

        const QString dead = deadOrigin();
        m = messageAt(dead.toStdString());
        QCOMPARE(m, QStringLiteral("Nothing answers at %1: Prometheus is not running there or the address is wrong. "
                                   "Check the URL and that Prometheus runs.")
                        .arg(dead));
        m = messageAt("ftp://example.org");
        QVERIFY2(m.contains(QStringLiteral("is not an http:// or https:// URL")), qPrintable(m));
        m = messageAt("http://user:password@127.0.0.1:1/x?token=abc");
        QVERIFY2(!m.contains(QStringLiteral("password")) && !m.contains(QStringLiteral("abc")), qPrintable(m));
    }

    void anAnswerOverTheLimitIsRefused()
    {
        HttpServer server;
        server.answer("/api/v1/query", HttpServer::Answer{200, {kJson}, QByteArray(200 * 1024, ' ') + kUpAnswer});
        prom::Client::Options options;
        options.limits.maxBytes = 64 * 1024;
        prom::Client client(prom::Endpoint::url(server.origin().toStdString()), &m_transport, options);
        const QString m = messageOf(up(client));
        QVERIFY2(m.contains(QStringLiteral("answered with more than 64 KiB, more than Signalbox reads")),
                 qPrintable(m));
    }

    void refusesBeforeSending()
    {
        HttpServer server;
        prom::Client client(prom::Endpoint::url(server.origin().toStdString()), &m_transport);
        bool answered = false;
        client.query("", std::nullopt, [&](net::Result<prom::QueryResult>) { answered = true; });
        QVERIFY(!answered); // never inside the call
        QTRY_VERIFY(answered);
        QVERIFY(messageOf(up(client, std::string(prom::Client::maxQueryBytes + 1, 'x')))
                    .contains(QStringLiteral("Write a shorter")));
        QCOMPARE(server.requests().size(), 0);
    }

    // A stopped call never calls back: cancel(), its owner's end, the client's end.
    void stoppedCallsStayQuiet()
    {
        HttpServer server(HttpServer::Mode::Hold);
        auto client = std::make_unique<prom::Client>(prom::Endpoint::url(server.origin().toStdString()), &m_transport);
        bool answered = false;
        const auto id = client->query("up", std::nullopt, [&](net::Result<prom::QueryResult>) { answered = true; });
        QTRY_COMPARE(server.held(), 1);
        client->cancel(id);
        QCOMPARE(client->pendingCount(), std::size_t{0});
        server.answerOldest(HttpServer::Answer{200, {kJson}, kUpAnswer});
        QVERIFY(staysQuiet(answered));

        auto owner = std::make_unique<QObject>();
        client->query(
            "up", std::nullopt, [&](net::Result<prom::QueryResult>) { answered = true; }, owner.get());
        QTRY_COMPARE(server.held(), 1);
        owner.reset();
        QCOMPARE(client->pendingCount(), std::size_t{0});
        server.answerOldest(HttpServer::Answer{200, {kJson}, kUpAnswer});
        QVERIFY(staysQuiet(answered));

        client->query("up", std::nullopt, [&](net::Result<prom::QueryResult>) { answered = true; });
        QTRY_COMPARE(server.held(), 1);
        client.reset();
        server.answerOldest(HttpServer::Answer{200, {kJson}, kUpAnswer});
        QVERIFY(staysQuiet(answered));
        QCOMPARE(m_transport.activeCount(), std::size_t{0});

        // An owner that outlives its call is let go of: its end later changes nothing.
        HttpServer quick;
        quick.answer("/api/v1/query", HttpServer::Answer{200, {kJson}, kUpAnswer});
        prom::Client other(prom::Endpoint::url(quick.origin().toStdString()), &m_transport);
        QObject keeper;
        const auto r = await([&](auto cb) { other.query("up", std::nullopt, cb, &keeper); });
        QVERIFY(r && *r);
    }

    // Through the API server's service proxy: the path, and the API server's refusals as sentences.
    void throughTheServiceProxy()
    {
        HttpServer api;
        api.answer("/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query",
                   HttpServer::Answer{200, {kJson}, kUpAnswer});
        api.answer("/api/v1/namespaces/secret/services/prometheus:9090/proxy/",
                   HttpServer::Answer{403, {kJson}, kForbidden});
        api.answer("/api/v1/namespaces/empty/services/prometheus:9090/proxy/",
                   HttpServer::Answer{503, {kJson}, kNoEndpoints});
        api.answer("/api/v1/namespaces/monitoring/services/nothere:9090/proxy/",
                   HttpServer::Answer{404, {kJson}, kNotFound});
        api.answer("/api/v1/namespaces/monitoring/services/prometheus:9091/proxy/api/v1/query",
                   HttpServer::Answer{400, {kJson}, kBadQuery});
        kube::Client kube(kubetest::serverConfig(api.origin(), "local", "default"), &m_transport);

        prom::Client ok(prom::Endpoint::serviceProxy(kube, "monitoring", "prometheus", "9090"), nullptr);
        auto r = up(ok);
        QVERIFY2(r && *r, qPrintable(messageOf(r)));
        QCOMPARE(api.requests().last().path(),
                 QByteArray("/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/"
                            "api/v1/query?query=up&time=1780000000.250"));
        QCOMPARE(kube.requestCounts().of("get services/proxy"), 1L);

        prom::Client refused(prom::Endpoint::serviceProxy(kube, "secret", "prometheus", "9090"), nullptr);
        QCOMPARE(messageOf(up(refused)),
                 QStringLiteral("User \"viewer\" may not reach Prometheus through the API server: "
                                "ask for get on services/proxy in namespace secret."));
        prom::Client empty(prom::Endpoint::serviceProxy(kube, "empty", "prometheus", "9090"), nullptr);
        QString m = messageOf(up(empty));
        QVERIFY2(m.contains(QStringLiteral("The Service empty/prometheus has no ready endpoints")), qPrintable(m));
        prom::Client missing(prom::Endpoint::serviceProxy(kube, "monitoring", "nothere", "9090"), nullptr);
        m = messageOf(up(missing));
        QVERIFY2(m.contains(QStringLiteral("There is no Service monitoring/nothere")), qPrintable(m));
        // Names from an annotation never climb out of the proxy's path: nothing is sent.
        const int sent = api.requests().size();
        for (const auto& [ns, name, port] :
             std::vector<std::array<std::string, 3>>{{"..", "secrets", "9090"},
                                                     {"monitoring", "prometheus:9090/../../../secrets", "x"},
                                                     {"monitoring", "prometheus", "9090/../x"},
                                                     {"Monitoring", "prometheus", "9090"},
                                                     {"", "p", "1"}}) {
            prom::Client climbing(prom::Endpoint::serviceProxy(kube, ns, name, port), nullptr);
            m = messageOf(up(climbing));
            QVERIFY2(m.endsWith(QStringLiteral("is not a Service of Kubernetes. Write Prometheus's Service as "
                                               "NAMESPACE/SERVICE:PORT.")),
                     qPrintable(m));
        }
        QCOMPARE(api.requests().size(), sent);
        prom::Client bad(prom::Endpoint::serviceProxy(kube, "monitoring", "prometheus", "9091"), nullptr);
        m = messageOf(up(bad, "sum("));
        QVERIFY2(m.startsWith(QStringLiteral("Prometheus monitoring/prometheus:9091 through the API server refused the "
                                             "query: ")),
                 qPrintable(m));
    }

    void aGoneKubeClientIsASentence()
    {
        auto kube =
            std::make_unique<kube::Client>(kubetest::serverConfig(deadOrigin(), "local", "default"), &m_transport);
        prom::Client client(prom::Endpoint::serviceProxy(*kube, "monitoring", "prometheus", "9090"), nullptr);
        kube.reset();
        QVERIFY(messageOf(up(client)).contains(QStringLiteral("is gone")));
    }
};

QTEST_GUILESS_MAIN(TestPromLocal)
#include "tst_prom_local.moc"
