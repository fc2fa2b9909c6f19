// The typed side of kube::Client: the JSON Patches and Events Signalbox sends (pure builders,
// compared with the exact bodies) and the API error's reason as a value. (The typed calls'
// decoding is tried against a canned API server in tst_decodeerrors.)
#include "kube/client.h"
#include "kube/eventrecord.h"
#include "kube/patch.h"

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
const std::string authors = "signalbox.v-sekai.org/history-authors";

kube::Deployment readWithTemplate(const char* deploymentJson)
{
    const json j = json::parse(deploymentJson);
    kube::Deployment d = kube::parseDeployment(j).value();
    d.templateSource = std::make_shared<const json>(kube::podTemplateJson(j).value());
    return d;
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
    // The swap's live half: expected slot, history and authors as read, both added beside the others.
    kube::AnnotationWrite asRead{{{history, "[1]", "[1,2]"}, {authors, "3 alice\n", "3 alice\n3 bob\n"}}, true, "77"};
    row("live swap, history as read", kube::selectorPatch("app.v-sekai.org/slot", "a", "b", asRead),
        R"([{"op":"test","path":"/spec/selector/app.v-sekai.org~1slot","value":"a"},)"
        R"({"op":"replace","path":"/spec/selector/app.v-sekai.org~1slot","value":"b"},)"
        R"({"op":"test","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1]"},)"
        R"({"op":"test","path":"/metadata/annotations/signalbox.v-sekai.org~1history-authors","value":"3 alice\n"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1,2]"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history-authors",)"
        R"("value":"3 alice\n3 bob\n"}])");
    // No history yet: only the object as read will do (someone may have swapped away and back).
    kube::AnnotationWrite none{{{history, "", "[]"}, {authors, "", "2 bob\n"}}, true, "77"};
    row("live swap, no history: resourceVersion", kube::selectorPatch("slot", "b", "a", none),
        R"([{"op":"test","path":"/spec/selector/slot","value":"b"},)"
        R"({"op":"replace","path":"/spec/selector/slot","value":"a"},)"
        R"({"op":"test","path":"/metadata/resourceVersion","value":"77"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[]"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history-authors","value":"2 bob\n"}])");
    // No annotation map: the map itself is added (`add` to a missing map's key fails).
    kube::AnnotationWrite noMap{{{history, "", "[]"}, {authors, "", "2 bob\n"}}, false, ""};
    row("live swap, no annotations at all", kube::selectorPatch("slot", "a", "b", noMap),
        R"([{"op":"test","path":"/spec/selector/slot","value":"a"},)"
        R"({"op":"replace","path":"/spec/selector/slot","value":"b"},)"
        R"({"op":"add","path":"/metadata/annotations","value":{"signalbox.v-sekai.org/history":"[]",)"
        R"("signalbox.v-sekai.org/history-authors":"2 bob\n"}}])");
    row("staging follows, revert, repair", kube::selectorPatch("a~b/c", "b", "a"),
        R"([{"op":"test","path":"/spec/selector/a~0b~1c","value":"b"},)"
        R"({"op":"replace","path":"/spec/selector/a~0b~1c","value":"a"}])");
    row("verdict appended to a history", kube::annotationPatch({{{history, "[1]", "[1,2]"}}, true, {}}),
        R"([{"op":"test","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1]"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[1,2]"}])");
    row("verdict as the first entry", kube::annotationPatch({{{history, "", "[2]"}}, false, {}}),
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
    row("deploy undone, history put back", kube::templateRestorePatch(withHistory, 5, {{history, "[0]", true}, {authors, "3 alice\n", false}}).value(),
        R"([{"op":"test","path":"/metadata/generation","value":5},)"
        R"({"op":"replace","path":"/spec/template","value":{"metadata":{"labels":{"x":"1"}},)"
        R"("spec":{"containers":[{"name":"app","image":"old","extra":{"kept":[1,2]}}]}}},)"
        R"({"op":"replace","path":"/metadata/annotations/signalbox.v-sekai.org~1history","value":"[0]"},)"
        R"({"op":"add","path":"/metadata/annotations/signalbox.v-sekai.org~1history-authors","value":"3 alice\n"}])");
    const kube::Deployment noHistory =
        readWithTemplate(R"({"metadata":{"name":"uro-a"},"spec":{"template":{"spec":{"containers":[]}}}})");
    row("deploy undone, history removed", kube::templateRestorePatch(noHistory, 6, {{history, "", true}, {authors, "", false}}).value(),
        R"([{"op":"test","path":"/metadata/generation","value":6},)"
        R"({"op":"replace","path":"/spec/template","value":{"spec":{"containers":[]}}},)"
        R"({"op":"remove","path":"/metadata/annotations/signalbox.v-sekai.org~1history"}])");
}

void addEventRows()
{
    QTest::addColumn<QString>("built");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, kube::EventRecord::Object involved, const char* reason, const char* message,
                  const char* expected) {
        kube::EventRecord e;
        e.involved = std::move(involved);
        e.reason = reason;
        e.message = message;
        e.time = "2026-01-01T00:00:00Z";
        QTest::newRow(name) << text(kube::eventBody(e)) << ops(expected);
    };
    row("swap", {"v1", "Service", "uro", "uro"}, "Swapped", "operator swapped uro: live slot A (a) -> slot B (b)",
        R"j({"apiVersion":"v1","kind":"Event",)j"
        R"j("metadata":{"generateName":"uro.signalbox-","namespace":"uro"},)j"
        R"j("involvedObject":{"apiVersion":"v1","kind":"Service","name":"uro","namespace":"uro"},)j"
        R"j("reason":"Swapped","message":"operator swapped uro: live slot A (a) -> slot B (b)",)j"
        R"j("type":"Normal","source":{"component":"signalbox"},)j"
        R"j("firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:00Z","count":1})j");
    row("deploy", {"apps/v1", "Deployment", "uro-b", "uro-sandbox"}, "Deployed", "m",
        R"j({"apiVersion":"v1","kind":"Event",)j"
        R"j("metadata":{"generateName":"uro-b.signalbox-","namespace":"uro-sandbox"},)j"
        R"j("involvedObject":{"apiVersion":"apps/v1","kind":"Deployment","name":"uro-b","namespace":"uro-sandbox"},)j"
        R"j("reason":"Deployed","message":"m","type":"Normal","source":{"component":"signalbox"},)j"
        R"j("firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:00Z","count":1})j");
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

} // namespace

class TestTypedClient : public QObject {
    Q_OBJECT

    kube::Transport m_transport;

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

    void bodiesAreEncodedAsGoEncodesThem()
    {
        // The bytes Go's encoding/json writes for these values (json.Marshal, Go 1.22 and later).
        const json value = {{"t", "a<b>c&d\u2028e\u2029f\"g\\h\n\t\b\f\x01\x7f\u00e9\U0001F600"}};
        QCOMPARE(QString::fromStdString(kube::goJson(value)),
                 QString::fromUtf8("{\"t\":\"a\\u003cb\\u003ec\\u0026d\\u2028e\\u2029f\\\"g\\\\h\\n\\t\\b\\f"
                                   "\\u0001\x7f\u00e9\U0001F600\"}"));
        // Invalid UTF-8 becomes U+FFFD, as the API server stores it; the text reads back equal.
        const json broken = {{"t", std::string("x\xff<y")}};
        QCOMPARE(QString::fromStdString(kube::goJson(broken)), QString::fromUtf8("{\"t\":\"x\uFFFD\\u003cy\"}"));
        QVERIFY(json::parse(kube::goJson(value)) == value);
        // Numbers and structure are as nlohmann writes them: only strings differ.
        const json numbers = {{"a", 5}, {"b", json::array({1, "<"})}};
        QCOMPARE(QString::fromStdString(kube::goJson(numbers)), QStringLiteral(R"({"a":5,"b":[1,"\u003c"]})"));
    }

    void aDeploymentReadWithoutItsTemplateCannotBeRestored()
    {
        kube::Deployment listed; // from a list or an informer: no template kept
        const auto undo = kube::templateRestorePatch(listed, 3, {{history, "", true}});
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
        kube::RestConfig config; // no request is sent
        config.user.name = "operator";
        kube::Client client(config, &m_transport);
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
};

QTEST_GUILESS_MAIN(TestTypedClient)
#include "tst_typedclient.moc"
