// The typed side of kube::Client: the JSON Patches and Events Signalbox sends (pure builders,
// compared with the exact bodies), the API error's reason as a value, and the typed calls'
// decoding against a small HTTP server on 127.0.0.1 in the API server's place (a field of the
// wrong type fails the call with a sentence naming the field; a list fails on its first bad item).
#include "kube/client.h"
#include "kube/eventrecord.h"
#include "kube/patch.h"
#include "support/cannedserver.h"

#include <QTest>

using nlohmann::json;

namespace {

QString text(const json& j)
{
    return QString::fromStdString(j.dump());
}

QString text(const kube::JsonPatch& patch)
{
    return text(patch.operations());
}

// The body as a test writes it: one operation per element, keys in any order.
QString ops(const char* jsonText)
{
    return text(json::parse(jsonText));
}

const std::string history = "signalbox.v-sekai.org/history";

kube::Deployment readWithTemplate(const char* deploymentJson)
{
    const json j = json::parse(deploymentJson);
    kube::Deployment d = kube::parseDeployment(j).value();
    d.templateSource = std::make_shared<const json>(kube::podTemplateJson(j).value());
    return d;
}

testsupport::CannedServer::Answer ok(const QByteArray& body)
{
    return {200, {"Content-Type: application/json"}, body};
}

// The tables live outside the class: moc's tokenizer trips on the raw strings they hold.
void addPatchRows()
{
    QTest::addColumn<QString>("built");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("hasTests");
    QTest::addColumn<bool>("tests");
    auto row = [](const char* name, const kube::JsonPatch& p, const char* expected, bool tests = true) {
        QTest::newRow(name) << text(p) << ops(expected) << p.hasTests() << tests;
    };
    // The swap's live half: expected slot, history as read, the annotation added beside the others.
    kube::AnnotationWrite asRead{history, "[1]", "[1,2]", true, "77"};
    row("live swap, history as read", kube::selectorPatch("app.v-sekai.org/slot", "a", "b", asRead),
        R"([{"op":"test","path":"/spec/selector/app.v-sekai.org~1slot","value":"a"},)"
        R"({"op":"replace","path":"/spec/selector/app.v-sekai.org~1slot","value":"b"},)"
        R"({"op":"test","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1]"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1,2]"}])");
    // No history yet: only the object as read will do (someone may have swapped away and back).
    kube::AnnotationWrite none{history, "", "[]", true, "77"};
    row("live swap, no history: resourceVersion", kube::selectorPatch("slot", "b", "a", none),
        R"([{"op":"test","path":"/spec/selector/slot","value":"b"},)"
        R"({"op":"replace","path":"/spec/selector/slot","value":"a"},)"
        R"({"op":"test","path":"/metadata/resourceVersion","value":"77"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[]"}])");
    // No annotation map: the map itself is added (`add` to a missing map's key fails).
    kube::AnnotationWrite noMap{history, "", "[]", false, ""};
    row("live swap, no annotations at all", kube::selectorPatch("slot", "a", "b", noMap),
        R"([{"op":"test","path":"/spec/selector/slot","value":"a"},)"
        R"({"op":"replace","path":"/spec/selector/slot","value":"b"},)"
        R"({"op":"add","path":"/metadata/annotations","value":{"signalbox.v-sekai.org/history":"[]"}}])");
    row("staging follows, revert, repair", kube::selectorPatch("a~b/c", "b", "a"),
        R"([{"op":"test","path":"/spec/selector/a~0b~1c","value":"b"},)"
        R"({"op":"replace","path":"/spec/selector/a~0b~1c","value":"a"}])");
    row("verdict appended to a history", kube::annotationPatch({history, "[1]", "[1,2]", true, {}}),
        R"([{"op":"test","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1]"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1,2]"}])");
    row("verdict as the first entry", kube::annotationPatch({history, "", "[2]", false, {}}),
        R"([{"op":"add","path":"/metadata/annotations","value":{"signalbox.v-sekai.org/history":"[2]"}}])", false);
    kube::ImageSet set;
    set.resourceVersion = "12";
    set.container = "app";
    set.image = "ghcr.io/v-sekai/uro@sha256:bb";
    set.templateAnnotations = {{"signalbox.v-sekai.org/deployed-at", "2026-01-01T00:00:00Z"}};
    set.annotations = {{"keep", "me"}, {history, "[3]"}};
    row("deploy: image set", kube::imageSetPatch(set),
        R"([{"op":"test","path":"/metadata/resourceVersion","value":"12"},)"
        R"({"op":"test","path":"/spec/template/spec/containers/0/name","value":"app"},)"
        R"({"op":"replace","path":"/spec/template/spec/containers/0/image","value":"ghcr.io/v-sekai/uro@sha256:bb"},)"
        R"({"op":"add","path":"/spec/template/metadata/annotations",)"
        R"("value":{"signalbox.v-sekai.org/deployed-at":"2026-01-01T00:00:00Z"}},)"
        R"({"op":"add","path":"/metadata/annotations","value":{"keep":"me","signalbox.v-sekai.org/history":"[3]"}}])");
    const kube::Deployment withHistory = readWithTemplate(
        R"({"metadata":{"name":"uro-a","annotations":{"signalbox.v-sekai.org/history":"[0]"}},)"
        R"("spec":{"template":{"metadata":{"labels":{"x":"1"}},"spec":{"containers":[{"name":"app","image":"old",)"
        R"("extra":{"kept":[1,2]}}]}}}})");
    row("deploy undone, history put back", kube::templateRestorePatch(withHistory, 5, history).value(),
        R"([{"op":"test","path":"/metadata/generation","value":5},)"
        R"({"op":"replace","path":"/spec/template","value":{"metadata":{"labels":{"x":"1"}},)"
        R"("spec":{"containers":[{"name":"app","image":"old","extra":{"kept":[1,2]}}]}}},)"
        R"({"op":"replace","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[0]"}])");
    const kube::Deployment noHistory =
        readWithTemplate(R"({"metadata":{"name":"uro-a"},"spec":{"template":{"spec":{"containers":[]}}}})");
    row("deploy undone, history removed", kube::templateRestorePatch(noHistory, 6, history).value(),
        R"([{"op":"test","path":"/metadata/generation","value":6},)"
        R"({"op":"replace","path":"/spec/template","value":{"spec":{"containers":[]}}},)"
        R"({"op":"remove","path":"/metadata/annotations/signalbox.v-sekai.org~1history"}])");
}

void addEventRows()
{
    QTest::addColumn<QString>("built");
    QTest::addColumn<QString>("expected");
    kube::EventRecord swap;
    swap.involved = {"v1", "Service", "uro", "uro"};
    swap.reason = "Swapped";
    swap.message = "operator swapped uro: live slot A (a) -> slot B (b)";
    swap.time = "2026-01-01T00:00:00Z";
    QTest::newRow("swap")
        << text(kube::eventBody(swap))
        << ops(R"j({"apiVersion":"v1","kind":"Event",)j"
               R"j("metadata":{"generateName":"uro.signalbox-","namespace":"uro"},)j"
               R"j("involvedObject":{"apiVersion":"v1","kind":"Service","name":"uro","namespace":"uro"},)j"
               R"j("reason":"Swapped","message":"operator swapped uro: live slot A (a) -> slot B (b)",)j"
               R"j("type":"Normal","source":{"component":"signalbox"},)j"
               R"j("firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:00Z","count":1})j");
    kube::EventRecord deploy;
    deploy.involved = {"apps/v1", "Deployment", "uro-b", "uro"};
    deploy.reason = "Deployed";
    deploy.message = "m";
    deploy.time = "t";
    QTest::newRow("deploy")
        << text(kube::eventBody(deploy))
        << ops(R"j({"apiVersion":"v1","kind":"Event",)j"
               R"j("metadata":{"generateName":"uro-b.signalbox-","namespace":"uro"},)j"
               R"j("involvedObject":{"apiVersion":"apps/v1","kind":"Deployment","name":"uro-b","namespace":"uro"},)j"
               R"j("reason":"Deployed","message":"m","type":"Normal","source":{"component":"signalbox"},)j"
               R"j("firstTimestamp":"t","lastTimestamp":"t","count":1})j");
}

void addReasonRows()
{
    using R = kube::Error::Reason;
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("jsonPatchWithTests");
    QTest::addColumn<int>("reason");
    QTest::addColumn<QString>("text");
    auto row = [](const char* name, int status, const std::string& body, bool tests, R reason, const char* text) {
        QTest::newRow(name) << status << QByteArray::fromStdString(body) << tests << int(reason)
                            << QString::fromUtf8(text);
    };
    auto message = [](const char* reason, const char* text) {
        json status = {{"kind", "Status"}, {"message", text}};
        if (*reason)
            status["reason"] = reason;
        return status.dump();
    };
    row("401 without a body", 401, "", false, R::Unauthorized, "Unauthorized");
    row("403 of RBAC", 403, message("Forbidden", "User \"x\" cannot patch"), false, R::Forbidden, "Forbidden");
    row("403 of a webhook keeps its reason", 403, message("", "admission webhook \"deny\" denied the request: no"),
        false, R::None, "");
    row("404", 404, "", false, R::NotFound, "NotFound");
    row("409 conflict", 409, R"({"kind":"Status","reason":"Conflict"})", false, R::Conflict, "Conflict");
    row("409 already exists", 409, R"({"kind":"Status","reason":"AlreadyExists"})", false, R::AlreadyExists,
        "AlreadyExists");
    row("410", 410, "", false, R::Expired, "Expired");
    row("422 of a failed test", 422, R"({"kind":"Status","message":"the server rejected our request"})", true,
        R::Conflict, "Conflict");
    row("422 with causes", 422, R"({"kind":"Status","reason":"Invalid","details":{"causes":[{"field":"x"}]}})", true,
        R::Invalid, "Invalid");
    row("429", 429, "", false, R::TooManyRequests, "TooManyRequests");
    row("500 with a reason", 500, R"({"kind":"Status","reason":"InternalError"})", false, R::InternalError,
        "InternalError");
    row("a reason not known here", 400, R"({"kind":"Status","reason":"SomethingNew"})", false, R::Other,
        "SomethingNew");
}

void answerAsTheApiServer(testsupport::CannedServer& server)
{
    const QByteArray pod = R"({"metadata":{"name":"p1"},"status":{"phase":"Running"}})";
    const QByteArray badPod = R"({"metadata":{"name":"p2","namespace":"uro"},"status":{"podIP":7}})";
    server.answer("/api/v1/namespaces/good/pods", ok(R"({"kind":"PodList","items":[)" + pod + "]}"));
    server.answer("/api/v1/namespaces/bad/pods", ok(R"({"kind":"PodList","items":[)" + pod + "," + badPod + "]}"));
    server.answer("/api/v1/namespaces/odd/pods", ok(R"({"kind":"PodList","items":{"a":1}})"));
    server.answer("/apis/apps/v1/namespaces/uro/deployments/uro-a",
                  ok(R"({"metadata":{"name":"uro-a"},"spec":{"replicas":2,)"
                     R"("template":{"spec":{"containers":[{"name":"app","image":"i"}]}}}})"));
    server.answer("/apis/apps/v1/namespaces/uro/deployments/uro-b",
                  ok(R"({"metadata":{"name":"uro-b","namespace":"uro"},"spec":{"replicas":"2"}})"));
}

} // namespace

class TestTypedClient : public QObject {
    Q_OBJECT

    testsupport::CannedServer m_server;
    kube::Transport m_transport;

    kube::RestConfig config() const
    {
        kube::RestConfig c;
        c.contextName = "canned";
        c.cluster.server = m_server.origin().toStdString();
        c.user.name = "operator";
        c.user.token = "t";
        return c;
    }

private Q_SLOTS:
    void patches_data() { addPatchRows(); }

    void patches()
    {
        QFETCH(QString, built);
        QFETCH(QString, expected);
        QFETCH(bool, hasTests);
        QFETCH(bool, tests);
        QCOMPARE(built, expected);
        QCOMPARE(hasTests, tests); // a 422 to it then means a `test` failed
    }

    void aDeploymentReadWithoutItsTemplateCannotBeRestored()
    {
        kube::Deployment listed; // from a list or an informer: no template kept
        const auto undo = kube::templateRestorePatch(listed, 3, history);
        QVERIFY(!undo);
        QCOMPARE(undo.error().kind, kube::Error::Kind::Decode);
        QVERIFY(undo.error().message.find("without a pod template") != std::string::npos);
    }

    void events_data() { addEventRows(); }

    void events()
    {
        QFETCH(QString, built);
        QFETCH(QString, expected);
        QCOMPARE(built, expected);
    }

    void reasons_data() { addReasonRows(); }

    void reasons()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, jsonPatchWithTests);
        QFETCH(int, reason);
        QFETCH(QString, text);
        kube::Client client(config(), &m_transport);
        kube::Client::Target target{"patch", kube::resources::services, "uro", "uro"};
        target.jsonPatchWithTests = jsonPatchWithTests;
        const kube::Error e = client.apiError(status, body.toStdString(), target);
        QCOMPARE(int(e.apiReason), reason);
        QCOMPARE(QString::fromStdString(e.reason), text);
    }

    void reasonNamesGoBothWays()
    {
        using R = kube::Error::Reason;
        for (int i = int(R::BadRequest); i < int(R::Other); ++i)
            QCOMPARE(int(kube::Error::reasonOf(kube::Error::reasonText(R(i)))), i);
        QCOMPARE(kube::Error::reasonOf(""), R::None);
        QCOMPARE(kube::Error::reasonOf("conflict"), R::Other); // as written: the server's reasons are CamelCase
    }

    void typedCallsDecodeAtTheBoundary()
    {
        answerAsTheApiServer(m_server);
        kube::Client client(config(), &m_transport);

        std::optional<kube::Result<std::vector<kube::Pod>>> good, bad, odd;
        client.listPods("good", {}, [&](auto r) { good = std::move(r); });
        client.listPods("bad", {}, [&](auto r) { bad = std::move(r); });
        client.listPods("odd", {}, [&](auto r) { odd = std::move(r); });
        std::optional<kube::Result<kube::Deployment>> a, b;
        client.getDeployment("uro", "uro-a", [&](auto r) { a = std::move(r); });
        client.getDeployment("uro", "uro-b", [&](auto r) { b = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(good && bad && odd && a && b, 10000);

        QVERIFY(*good);
        QCOMPARE(good->value().size(), std::size_t(1));
        QCOMPARE(good->value().front().phase, std::string("Running"));
        QVERIFY(!*bad);
        const std::string badSentence = bad->error().message;
        QVERIFY2(badSentence.find("Pod (uro/p2) whose field Pod.status.podIP is not a string") != std::string::npos,
                 badSentence.c_str());
        QVERIFY(!*odd);
        QCOMPARE(odd->error().kind, kube::Error::Kind::Decode);

        QVERIFY(*a);
        QCOMPARE(a->value().replicas, 2);
        QVERIFY(a->value().templateSource); // kept for an undo
        QVERIFY(kube::templateRestorePatch(a->value(), 1, history));
        QVERIFY(!*b);
        QVERIFY2(b->error().message.find("Deployment.spec.replicas is not a whole number") != std::string::npos,
                 b->error().message.c_str());
        QVERIFY(kube::carriedOut(*b)); // a 2xx answer that cannot be read: a write would have happened
    }
};

QTEST_GUILESS_MAIN(TestTypedClient)
#include "tst_typedclient.moc"
