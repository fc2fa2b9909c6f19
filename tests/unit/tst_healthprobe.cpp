// The app's health check without a cluster: how the API server's proxy answers are told apart
// (recorded shapes of its Status bodies), the sentences, the spec from annotations and the
// configuration, and the prober's in-flight limit against a local server on 127.0.0.1.
#include "kube/client.h"
#include "kube/objects.h"
#include "model/observe/health.h"
#include "model/rules/keys.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QTest>
#include <memory>
#include <optional>

using namespace std::chrono_literals;
using Outcome = kube::ProxyAnswer::Outcome;

Q_DECLARE_METATYPE(kube::ProxyAnswer::Outcome)

namespace {

kube::ProxyRequest podRequest()
{
    kube::ProxyRequest r;
    r.kind = "pods";
    r.ns = "uro";
    r.name = "uro-a-7d9f-x1";
    r.port = "4000";
    r.path = "/health";
    return r;
}

std::string status(int code, const std::string& reason, const std::string& message, const std::string& kind = "")
{
    nlohmann::json j = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                        {"status", "Failure"}, {"message", message}, {"reason", reason},
                        {"code", code}};
    if (!kind.empty())
        j["details"] = {{"name", "uro-a-7d9f-x1"}, {"kind", kind}};
    return j.dump();
}

kube::RestConfig restConfig(const QString& server)
{
    return kubetest::serverConfig(server, "health", "uro");
}

// The pod app's answer, as the rig's says who served it.
const testsupport::HttpServer::Answer kServed{200, {"X-Pod: answered"}, "ok"};

kube::Pod pod(const std::string& name)
{
    kube::Pod p;
    p.meta.name = name;
    p.meta.ns = "uro";
    p.podIP = "10.244.0.9";
    p.ports.push_back({"uro", "http", 4000, "TCP"});
    return p;
}

} // namespace

class TestHealthProbe : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    void cleanupTestCase() { curl_global_cleanup(); }

    void proxyPath();
    void classify_data();
    void classify();
    void forbiddenNamesUserAndPermission();
    void sentences_data();
    void sentences();
    void specFromAnnotationsAndConfig();
    void badAnnotationsAreNamed();
    void namedPortFromPodSpec();
    void servicePort();
    void proberKeepsAtMostEightInFlight();
    void proxyGetCapsTheBody();
    void proxyGetTimesOut();
};

void TestHealthProbe::proxyPath()
{
    kube::ProxyRequest r = podRequest();
    QCOMPARE(r.apiPath(), std::string("/api/v1/namespaces/uro/pods/uro-a-7d9f-x1:4000/proxy/health"));
    r.kind = "services";
    r.name = "uro";
    r.port = "http";
    r.path = "ready";
    QCOMPARE(r.apiPath(), std::string("/api/v1/namespaces/uro/services/uro:http/proxy/ready"));
}

void TestHealthProbe::classify_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("body");
    QTest::addColumn<Outcome>("outcome");

    QTest::newRow("the app's 200") << 200 << "ok" << Outcome::Answered;
    QTest::newRow("the app's 500, plain text") << 500 << "boom" << Outcome::Answered;
    QTest::newRow("the app's 404, plain text") << 404 << "404 page not found" << Outcome::Answered;
    QTest::newRow("the app's 503 in JSON that is not a Status")
        << 503 << R"({"status":"down","message":"error trying to reach service"})" << Outcome::Answered;
    QTest::newRow("the app's 403, plain text") << 403 << "Forbidden" << Outcome::Answered;
    // The API server's own answers, as kube-apiserver words them (k8s.io/apimachinery
    // pkg/util/proxy/transport.go: ServiceUnavailable "error trying to reach service: ...").
    QTest::newRow("refused")
        << 503
        << QString::fromStdString(
               status(503, "ServiceUnavailable",
                      "error trying to reach service: dial tcp 10.244.0.9:4000: connect: connection refused"))
        << Outcome::Refused;
    QTest::newRow("EOF") << 503
                         << QString::fromStdString(
                                status(503, "ServiceUnavailable", "error trying to reach service: EOF"))
                         << Outcome::Closed;
    QTest::newRow("reset")
        << 503
        << QString::fromStdString(
               status(503, "ServiceUnavailable",
                      "error trying to reach service: read tcp 10.244.0.1:51234->10.244.0.9:4000: read: connection "
                      "reset by peer"))
        << Outcome::Closed;
    QTest::newRow("no route") << 503
                              << QString::fromStdString(
                                     status(503, "ServiceUnavailable",
                                            "error trying to reach service: dial tcp 10.244.0.9:4000: connect: no "
                                            "route to host"))
                              << Outcome::Unreachable;
    QTest::newRow("no endpoints") << 503
                                  << QString::fromStdString(status(503, "ServiceUnavailable",
                                                                   "no endpoints available for service \"uro\""))
                                  << Outcome::NoEndpoints;
    QTest::newRow("no such pod") << 404
                                 << QString::fromStdString(
                                        status(404, "NotFound", "pods \"uro-a-7d9f-x1\" not found", "pods"))
                                 << Outcome::NotFound;
    QTest::newRow("RBAC") << 403
                          << QString::fromStdString(
                                 status(403, "Forbidden",
                                        "pods \"uro-a-7d9f-x1\" is forbidden: User \"deployer\" cannot get "
                                        "resource \"pods/proxy\" in API group \"\" in the namespace \"uro\"",
                                        "pods"))
                          << Outcome::Forbidden;
}

void TestHealthProbe::classify()
{
    QFETCH(int, code);
    QFETCH(QString, body);
    QFETCH(Outcome, outcome);
    const kube::ProxyAnswer a =
        kube::classifyProxyResponse(podRequest(), code, body.toStdString(), {{"x-pod", "uro-a-7d9f-x1"}});
    QCOMPARE(a.outcome, outcome);
    if (outcome == Outcome::Answered) {
        QCOMPARE(a.status, static_cast<long>(code));
        QCOMPARE(a.body, body.toStdString());
        QCOMPARE(a.header("x-pod"), std::string("uro-a-7d9f-x1"));
    } else {
        QVERIFY(!a.detail.empty());
    }
}

void TestHealthProbe::forbiddenNamesUserAndPermission()
{
    const kube::ProxyAnswer a = kube::classifyProxyResponse(
        podRequest(), 403,
        status(403, "Forbidden",
               "pods \"uro-a-7d9f-x1\" is forbidden: User \"deployer\" cannot get resource \"pods/proxy\" in API "
               "group \"\" in the namespace \"uro\"",
               "pods"),
        {});
    QCOMPARE(a.user, std::string("deployer"));
    QVERIFY2(a.message.find("get on pods/proxy") != std::string::npos, a.message.c_str());
    model::HealthSpec spec;
    spec.port = "4000";
    const model::HealthResult r = model::healthResultFrom(a, spec, "uro", "uro-a-7d9f-x1", false, "4000");
    QCOMPARE(r.kind, model::HealthResult::Kind::Unknown);
    QVERIFY(r.forbidden);
    QCOMPARE(r.sentence,
             std::string("you may not ask pods through the API server's proxy in namespace uro (get on pods/proxy)"));
}

void TestHealthProbe::sentences_data()
{
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("sentence");

    using K = model::HealthResult::Kind;
    QTest::newRow("pass") << int(Outcome::Answered) << 200 << int(K::Pass) << "answered 200 in 12 ms";
    QTest::newRow("wrong status") << int(Outcome::Answered) << 500 << int(K::Fail) << "answered 500, expected 200";
    QTest::newRow("timeout") << int(Outcome::TimedOut) << 0 << int(K::Fail) << "did not answer within 2 s";
    QTest::newRow("closed") << int(Outcome::Closed) << 0 << int(K::Fail) << "closed the connection without answering";
    QTest::newRow("refused") << int(Outcome::Refused) << 0 << int(K::Fail) << "nothing listens on port 4000";
    QTest::newRow("gone") << int(Outcome::NotFound) << 0 << int(K::Fail) << "the pod no longer exists";
}

void TestHealthProbe::sentences()
{
    QFETCH(int, outcome);
    QFETCH(int, status);
    QFETCH(int, kind);
    QFETCH(QString, sentence);
    kube::ProxyAnswer a;
    a.outcome = static_cast<Outcome>(outcome);
    a.status = status;
    a.elapsed = 12ms;
    a.headers = {{"x-pod", "uro-a-7d9f-x1"}};
    model::HealthSpec spec;
    spec.port = "4000";
    const model::HealthResult r = model::healthResultFrom(a, spec, "uro", "uro-a-7d9f-x1", false, "4000");
    QCOMPARE(int(r.kind), kind);
    QCOMPARE(QString::fromStdString(r.sentence), sentence);
    QCOMPARE(r.status, status);
    if (a.outcome == Outcome::Answered)
        QCOMPARE(r.servedBy, std::string("uro-a-7d9f-x1"));
}

void TestHealthProbe::specFromAnnotationsAndConfig()
{
    model::ServiceSpec spec;
    spec.name = "uro";
    spec.ns = "uro";
    spec.applyDefaults();
    kube::Service live;
    live.meta.name = "uro";
    live.meta.annotations = {{model::healthPortAnnotation, "http"},
                             {model::healthPathAnnotation, "/ready"},
                             {model::healthTimeoutAnnotation, "5"}};

    std::vector<std::string> problems;
    model::HealthSpec h = model::healthSpecFor(spec, &live, &problems);
    QVERIFY(problems.empty());
    QVERIFY(h.configured());
    QCOMPARE(h.port, std::string("http"));
    QCOMPARE(h.path, std::string("/ready"));
    QCOMPARE(h.timeoutSeconds, 5);
    QCOMPARE(h.expectStatus, 200);
    QCOMPARE(h.intervalSeconds, 15);
    QCOMPARE(h.source, std::string("annotations on Service uro"));

    // The configuration overrides field by field; the rest stays from the annotations.
    spec.health.port = "4000";
    spec.health.expectStatus = 204;
    h = model::healthSpecFor(spec, &live, &problems);
    QCOMPARE(h.port, std::string("4000"));
    QCOMPARE(h.expectStatus, 204);
    QCOMPARE(h.path, std::string("/ready"));
    QCOMPARE(h.timeoutSeconds, 5);

    // Neither: no health check.
    QVERIFY(!model::healthSpecFor(model::ServiceSpec{}, nullptr, nullptr).configured());
    // The configuration alone.
    h = model::healthSpecFor(spec, nullptr, nullptr);
    QVERIFY(h.configured());
    QCOMPARE(h.path, std::string("/health"));
    QCOMPARE(h.source, std::string("the configuration file"));
}

void TestHealthProbe::badAnnotationsAreNamed()
{
    model::ServiceSpec spec;
    spec.name = "uro";
    spec.applyDefaults();
    kube::Service live;
    live.meta.annotations = {{model::healthPortAnnotation, "4000"},
                             {model::healthTimeoutAnnotation, "soon"},
                             {model::healthExpectStatusAnnotation, "999"},
                             {model::healthPathAnnotation, "health"}};
    std::vector<std::string> problems;
    const model::HealthSpec h = model::healthSpecFor(spec, &live, &problems);
    QCOMPARE(problems.size(), std::size_t(3));
    QCOMPARE(h.timeoutSeconds, 2);
    QCOMPARE(h.expectStatus, 200);
    QCOMPARE(h.path, std::string("/health"));
    bool namesTimeout = false;
    for (const auto& p : problems)
        namesTimeout = namesTimeout || (p.find(model::healthTimeoutAnnotation) != std::string::npos &&
                                        p.find("\"soon\"") != std::string::npos);
    QVERIFY(namesTimeout);
}

void TestHealthProbe::namedPortFromPodSpec()
{
    const auto j = nlohmann::json::parse(R"({"kind":"Pod","metadata":{"name":"p","namespace":"uro"},
        "spec":{"containers":[{"name":"sidecar","ports":[{"name":"metrics","containerPort":9090}]},
                              {"name":"uro","ports":[{"name":"http","containerPort":4000},{"containerPort":4369}]}]}})");
    const kube::Result<kube::Pod> p = kube::parsePod(j);
    QVERIFY(p.ok());
    QCOMPARE(p->ports.size(), std::size_t(3));
    QCOMPARE(model::resolvePodPort(*p, "http"), std::string("4000"));
    QCOMPARE(model::resolvePodPort(*p, "metrics"), std::string("9090"));
    QCOMPARE(model::resolvePodPort(*p, "4369"), std::string("4369"));
    QCOMPARE(model::resolvePodPort(*p, "grpc"), std::string());
}

void TestHealthProbe::servicePort()
{
    kube::Service svc;
    svc.ports = {{"http", 80, "4000", "TCP"}, {"", 9090, "metrics", "TCP"}};
    QCOMPARE(model::resolveServicePort(svc, "http"), std::string("http"));    // the Service's port name
    QCOMPARE(model::resolveServicePort(svc, "80"), std::string("http"));      // its number
    QCOMPARE(model::resolveServicePort(svc, "4000"), std::string("http"));    // the container port behind it
    QCOMPARE(model::resolveServicePort(svc, "metrics"), std::string("9090")); // a named target port
    QCOMPARE(model::resolveServicePort(svc, "3000"), std::string());
}

void TestHealthProbe::proberKeepsAtMostEightInFlight()
{
    testsupport::HttpServer server(testsupport::HttpServer::Mode::Hold);
    QVERIFY(server.isListening());
    kube::Transport transport;
    kube::Client client(restConfig(server.origin()), &transport);
    model::HealthProber prober(&client);
    model::HealthSpec spec;
    spec.port = "http";
    spec.timeoutSeconds = 30;

    constexpr int kPods = 20;
    std::vector<kube::Pod> pods;
    for (int i = 0; i < kPods; ++i)
        pods.push_back(pod("uro-a-" + std::to_string(i)));
    std::optional<std::vector<model::HealthResult>> results;
    prober.checkPods(pods, spec, [&](std::vector<model::HealthResult> r) { results = std::move(r); });

    // Only eight went to the transport; the rest wait in the prober. (libcurl may still send them
    // one connection at a time; what counts is how many the prober has handed over.)
    QCOMPARE(transport.activeCount(), std::size_t(8));
    QCOMPARE(prober.inFlight(), 8);
    for (int answered = 0; answered < kPods; ++answered) {
        QTRY_VERIFY(server.held() >= 1);
        // Each answer lets exactly one waiting request go: never more than eight handed over.
        QCOMPARE(static_cast<int>(transport.activeCount()), std::min(8, kPods - answered));
        QVERIFY(prober.inFlight() <= 8);
        server.answerOldest(kServed);
    }
    QTRY_VERIFY(results.has_value());
    QCOMPARE(transport.activeCount(), std::size_t(0));
    QCOMPARE(prober.peakInFlight(), 8);
    QCOMPARE(prober.inFlight(), 0);
    QCOMPARE(results->size(), std::size_t(kPods));
    for (int i = 0; i < kPods; ++i) {
        QCOMPARE((*results)[i].target, "uro-a-" + std::to_string(i));
        QVERIFY2((*results)[i].passed(), (*results)[i].sentence.c_str());
        QCOMPARE((*results)[i].servedBy, std::string("answered"));
    }
    // The named port was resolved from the pods' container ports.
    QVERIFY(server.paths().first().endsWith(":4000/proxy/health"));
    QCOMPARE(server.paths().size(), kPods);
}

void TestHealthProbe::proxyGetCapsTheBody()
{
    testsupport::HttpServer server(testsupport::HttpServer::Mode::Hold);
    QVERIFY(server.isListening());
    kube::Transport transport;
    kube::Client client(restConfig(server.origin()), &transport);
    std::optional<kube::ProxyAnswer> answer;
    client.proxyGet(podRequest(), [&](kube::ProxyAnswer a) { answer = std::move(a); });
    QTRY_COMPARE(server.held(), 1);
    server.answerOldest({200, {}, QByteArray(100000, 'x')});
    QTRY_VERIFY(answer.has_value());
    QCOMPARE(answer->outcome, Outcome::Answered);
    QCOMPARE(answer->status, 200L);
    QCOMPARE(answer->body.size(), std::size_t(4096));
    QVERIFY(answer->truncated);
}

void TestHealthProbe::proxyGetTimesOut()
{
    testsupport::HttpServer server(testsupport::HttpServer::Mode::Hold); // never answers
    QVERIFY(server.isListening());
    kube::Transport transport;
    kube::Client client(restConfig(server.origin()), &transport);
    kube::ProxyRequest request = podRequest();
    request.timeout = 1s;
    std::optional<kube::ProxyAnswer> answer;
    client.proxyGet(request, [&](kube::ProxyAnswer a) { answer = std::move(a); });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10000);
    QCOMPARE(answer->outcome, Outcome::TimedOut);
    model::HealthSpec spec;
    spec.port = "4000";
    spec.timeoutSeconds = 1;
    QCOMPARE(model::healthResultFrom(*answer, spec, "uro", "p", false, "4000").sentence,
             std::string("did not answer within 1 s"));
}

QTEST_GUILESS_MAIN(TestHealthProbe)
#include "tst_healthprobe.moc"
