// Smoke requests without a cluster: the request sent through the API server's service proxy (method,
// headers, body, the RBAC verb), the answer read at the boundary (the JSON field, app text kept as
// text), the refusal said once, the rate, and cancelling, against a local server on 127.0.0.1.
#include "kube/client.h"
#include "model/observe/smoke.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QElapsedTimer>
#include <QTest>
#include <optional>

using namespace std::chrono_literals;
using Outcome = kube::ProxyAnswer::Outcome;

namespace {

kube::RestConfig restConfig(const QString& server)
{
    return kubetest::serverConfig(server, "smoke", "uro");
}

model::SmokeSpec spec(int repeat, int rate)
{
    model::SmokeSpec s;
    model::SmokeRequest get;
    get.path = "/api/v1/shards";
    get.expectStatus = 200;
    model::SmokeRequest post;
    post.method = "POST";
    post.path = "/api/v1/echo";
    post.headers = {{"Content-Type", "application/json"}, {"X-Trace", "smoke"}};
    post.body = "{\"ping\": 1}";
    post.expectJsonField = "data.ok";
    post.expectJsonEquals = "true";
    s.requests = {get, post};
    s.repeat = repeat;
    s.ratePerSecond = rate;
    s.timeoutSeconds = 2;
    return s;
}

} // namespace

class TestSmokeRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void verbs()
    {
        kube::ProxyRequest r;
        for (const auto& [method, verb] : std::vector<std::pair<std::string, std::string>>{{"GET", "get"},
                                                                                           {"HEAD", "get"},
                                                                                           {"POST", "create"},
                                                                                           {"PUT", "update"},
                                                                                           {"PATCH", "patch"},
                                                                                           {"DELETE", "delete"},
                                                                                           {"OPTIONS", "options"}}) {
            r.method = method;
            QCOMPARE(r.verb(), verb);
        }
    }

    void jsonFieldAtTheBoundary()
    {
        const std::string body =
            "{\"data\": {\"ok\": true, \"count\": 3, \"name\": \"uro\", \"list\": [1], \"none\": null}}";
        QCOMPARE(kube::jsonFieldText(body, "data.ok"), std::optional<std::string>("true"));
        QCOMPARE(kube::jsonFieldText(body, "data.count"), std::optional<std::string>("3"));
        QCOMPARE(kube::jsonFieldText(body, "data.name"), std::optional<std::string>("uro"));
        QCOMPARE(kube::jsonFieldText(body, "data.none"), std::optional<std::string>("null"));
        QVERIFY(!kube::jsonFieldText(body, "data.list"));
        QVERIFY(!kube::jsonFieldText(body, "data.missing"));
        QVERIFY(!kube::jsonFieldText(body, "data.ok.deeper"));
        QVERIFY(!kube::jsonFieldText("not json {", "data.ok"));
        QVERIFY(!kube::jsonFieldText(body, ""));
    }

    // What the app wrote reaches the sentence as text: markup as written, terminal escapes escaped.
    void appTextIsText()
    {
        kube::ProxyAnswer a;
        a.outcome = Outcome::Answered;
        a.status = 500;
        a.elapsed = 12ms;
        a.body = "<b>BOLD</b> <img src=x>\x1b]52;c;aGk=\x07\x1b[31mRED\nsecond\nthird\nfourth";
        model::SmokeRequest q;
        q.path = "/api";
        const model::SmokeAnswer answer = model::smokeAnswerFrom(a, q, 5, "4000");
        const model::SmokeJudgement j = model::judgeSmokeAnswer(q, answer);
        QVERIFY(!j.passed);
        QVERIFY2(j.sentence.find("<b>BOLD</b> <img src=x>\\x1b]52;c;aGk=\\x07\\x1b[31mRED") != std::string::npos,
                 j.sentence.c_str());
        QVERIFY(j.sentence.find('\x1b') == std::string::npos);
        QVERIFY2(j.sentence.find("fourth") == std::string::npos, j.sentence.c_str()); // the first lines only

        a.outcome = Outcome::Unreachable;
        a.detail = "error trying to reach service: \x1b[2J";
        const model::SmokeAnswer unreachable = model::smokeAnswerFrom(a, q, 5, "4000");
        QCOMPARE(unreachable.status, 0);
        QVERIFY(unreachable.failure.find('\x1b') == std::string::npos);
        a.outcome = Outcome::TimedOut;
        QCOMPARE(model::smokeAnswerFrom(a, q, 5, "4000").failure, std::string("did not answer within 5 s"));
        a.outcome = Outcome::Refused;
        QCOMPARE(model::smokeAnswerFrom(a, q, 5, "http").failure, std::string("found nothing listening on port http"));
    }

    void portAsTheHealthCheckPicksIt()
    {
        kube::Service s;
        s.ports = {{"web", 80, "3000"}, {"api", 4000, "4000"}};
        model::HealthSpec h;
        QCOMPARE(model::smokePort(s, h), std::string("web")); // no check: the first port
        h.port = "4000";
        QCOMPARE(model::smokePort(s, h), std::string("api"));
        h.port = "3000";
        QCOMPARE(model::smokePort(s, h), std::string("web")); // by its target port
        s.ports.clear();
        QCOMPARE(model::smokePort(s, h), std::string());
    }

    // Every request `repeat` times, in turn, through services/NAME:PORT/proxy, with its method,
    // headers and body; no faster than the rate; judged and summed up.
    void sendsAndSumsUp()
    {
        testsupport::HttpServer server;
        server.setResponder([](const testsupport::HttpServer::Request& r) {
            if (r.method() == "POST")
                return testsupport::HttpServer::Answer{
                    200, {"Content-Type: application/json"}, "{\"data\": {\"ok\": true}}"};
            static int n = 0;
            return ++n == 2 ? testsupport::HttpServer::Answer{500, {}, "broken\nat line 2"}
                            : testsupport::HttpServer::Answer{200, {}, "[]"};
        });
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        model::SmokeRunner runner(&client);
        std::optional<model::SmokeReport> report;
        QElapsedTimer clock;
        clock.start();
        runner.run("uro", "uro-staging", "api", spec(3, 10), [&](model::SmokeReport r) { report = std::move(r); });
        QVERIFY(QTest::qWaitFor([&] { return report.has_value(); }, 10000));
        // Six requests at ten a second: the last leaves half a second after the first, at the earliest.
        QVERIFY2(clock.elapsed() >= 450, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server.requests().size(), 6);
        for (int i = 0; i < 6; ++i) {
            const auto& r = server.requests().at(i);
            QCOMPARE(r.method(), i % 2 ? QByteArray("POST") : QByteArray("GET"));
            QCOMPARE(r.path(), i % 2
                                   ? QByteArray("/api/v1/namespaces/uro/services/uro-staging:api/proxy/api/v1/echo")
                                   : QByteArray("/api/v1/namespaces/uro/services/uro-staging:api/proxy/api/v1/shards"));
            if (i % 2) {
                QCOMPARE(r.body, QByteArray("{\"ping\": 1}"));
                QVERIFY(r.head.contains("Content-Type: application/json"));
                QVERIFY(r.head.contains("X-Trace: smoke"));
            }
        }
        QCOMPARE(report->total(), 6);
        QCOMPARE(report->failures(), 1);
        QVERIFY(!report->passed());
        QCOMPARE(report->requests.size(), std::size_t(2));
        QCOMPARE(report->requests[0].failures, 1);
        QCOMPARE(report->requests[0].passes, 2);
        QCOMPARE(report->requests[1].passes, 3);
        QVERIFY2(report->firstFailure().find("GET /api/v1/shards answered 500 in ") == 0,
                 report->firstFailure().c_str());
        QVERIFY2(report->firstFailure().find("expected 200: broken") != std::string::npos,
                 report->firstFailure().c_str());
    }

    // The API server refuses the proxy: said once, by verb, resource and namespace; the rest is not sent.
    void refusalIsSaidOnce()
    {
        testsupport::HttpServer server;
        server.answer(
            "/",
            {403,
             {"Content-Type: application/json"},
             "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"services "
             "\\\"uro-staging:api\\\" is forbidden: User \\\"viewer\\\" cannot create resource \\\"services/proxy\\\" "
             "in API group \\\"\\\" in the namespace \\\"uro\\\"\",\"reason\":\"Forbidden\",\"code\":403}"});
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        model::SmokeRunner runner(&client);
        std::optional<model::SmokeReport> report;
        model::SmokeSpec s = spec(5, 20);
        std::swap(s.requests[0], s.requests[1]); // the POST first
        runner.run("uro", "uro-staging", "api", s, [&](model::SmokeReport r) { report = std::move(r); });
        QVERIFY(QTest::qWaitFor([&] { return report.has_value(); }, 10000));
        QVERIFY(report->forbidden);
        QCOMPARE(report->error, std::string("you may not send POST requests through the API server's proxy to "
                                            "Services in namespace uro (create on services/proxy)"));
        QVERIFY2(server.requests().size() <= 2, qPrintable(QString::number(server.requests().size())));
        QTest::qWait(300);
        QVERIFY(server.requests().size() <= 2);
    }

    // Cancelled: what is on the wire is dropped, nothing more is sent, and nobody is called back.
    void cancelStopsWithoutCallingBack()
    {
        testsupport::HttpServer server(testsupport::HttpServer::Mode::Hold);
        kube::Transport transport;
        kube::Client client(restConfig(server.origin()), &transport);
        auto runner = std::make_unique<model::SmokeRunner>(&client);
        bool called = false;
        runner->run("uro", "uro-staging", "api", spec(10, 20), [&](model::SmokeReport) { called = true; });
        QVERIFY(QTest::qWaitFor([&] { return server.held() >= 1; }, 5000));
        runner->cancel();
        const int sent = server.requests().size();
        QTest::qWait(300);
        QCOMPARE(server.requests().size(), sent);
        QVERIFY(!called);
        runner->run("uro", "uro-staging", "api", spec(10, 20), [&](model::SmokeReport) { called = true; });
        runner.reset(); // going away cancels too
        QTest::qWait(200);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestSmokeRun)
#include "tst_smokerun.moc"
