// The decoders at the kube/ boundary for what anyone with the right to annotate a Service or a
// Deployment, or an admission webhook, can make the API server send: the history annotation and
// failure Status bodies. Tables of hostile inputs through the decoders, through the error
// sentences of the client, and through deriveService on the recorded uro objects.
#include "kube/client.h"
#include "kube/history.h"
#include "kube/status.h"
#include "model/actions/swap.h"
#include "model/rules/servicespec.h"
#include "model/state/servicestate.h"
#include "support/testsupport.h"

#include <QFile>
#include <QTest>

using nlohmann::json;

namespace {

const std::string ourEntry =
    R"({"at":"2026-03-01T10:00:00Z","user":"operator","action":"swap","service":"uro",)"
    R"("from":{"slot":"a","deployment":"uro-a","image":"ghcr.io/v-sekai/uro@sha256:aa","tag":"1111","digest":"sha256:aa","commit":"1111","created":""},)"
    R"("to":{"slot":"b","deployment":"uro-b","image":"ghcr.io/v-sekai/uro@sha256:bb","tag":"2222","digest":"sha256:bb","commit":"2222","created":""}})";

std::string nested(int depth)
{
    return std::string(depth, '[') + std::string(depth, ']');
}

// An entry whose time is 1000 opening brackets: inside a string they do not nest.
std::string bracketsInAString()
{
    return "[{\"at\":\"" + std::string(1000, '[') + "\"}]";
}

// A 403 whose message starts like RBAC's but never closes the user's quote, 1 MB long.
const std::string& longForbidden()
{
    static const std::string body = json{{"kind", "Status"},
                                         {"reason", "Forbidden"},
                                         {"code", 403},
                                         {"message", "User \"" + std::string(1 << 20, 'x')}}
                                        .dump();
    return body;
}

// One line per entry: "ok AT ACTION", "ok AT ACTION -> RESULT" or "unreadable WHY", to compare with
// the table.
QStringList describe(const std::vector<kube::HistoryEntry>& entries)
{
    QStringList out;
    for (const auto& e : entries)
        out << (e.readable()
                    ? QStringLiteral("ok %1 %2").arg(QString::fromStdString(e.at), QString::fromStdString(e.action)) +
                          (e.result.empty() ? QString() : QStringLiteral(" -> ") + QString::fromStdString(e.result))
                    : QStringLiteral("unreadable %1").arg(QString::fromStdString(e.unreadable)));
    return out;
}

kube::HistoryEntry entryAt(const std::string& at)
{
    kube::HistoryEntry e;
    e.at = at;
    e.user = "operator";
    e.action = "swap";
    e.service = "uro";
    e.from.slot = "a";
    e.to.slot = "b";
    return e;
}

json loadList(const QString& name)
{
    QFile f(testsupport::testDataDir() + QStringLiteral("/model/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return json::parse(f.readAll().toStdString());
}

template <typename T> std::vector<T> items(const json& list, kube::Result<T> (*parse)(const json&))
{
    int skipped = 0;
    auto out = kube::parseItems(list, parse, &skipped);
    if (skipped)
        qFatal("recorded objects do not parse");
    return out;
}

// The recorded uro objects with `annotation` as the history of the object `kind`/`name`.
model::ServiceState deriveWith(const std::string& kind, const std::string& name, const std::string& annotation)
{
    json deployments = loadList(QStringLiteral("uro-deployments.json"));
    json services = loadList(QStringLiteral("uro-services.json"));
    for (json& item : (kind == "Service" ? services : deployments)["items"])
        if (item["metadata"]["name"] == name)
            item["metadata"]["annotations"][model::historyAnnotation] = annotation;
    model::Snapshot production;
    production.deployments = items(deployments, kube::parseDeployment);
    production.replicaSets = items(loadList(QStringLiteral("uro-replicasets.json")), kube::parseReplicaSet);
    production.pods = items(loadList(QStringLiteral("uro-pods.json")), kube::parsePod);
    production.services = items(services, kube::parseService);
    model::Snapshot sandbox;
    sandbox.deployments = items(loadList(QStringLiteral("uro-sandbox-deployments.json")), kube::parseDeployment);
    sandbox.pods = items(loadList(QStringLiteral("uro-sandbox-pods.json")), kube::parsePod);
    model::ServiceSpec spec;
    spec.name = "uro";
    spec.ns = "uro";
    spec.applyDefaults();
    const auto created = QString::fromStdString(deployments["items"][0]["metadata"]["creationTimestamp"]);
    return model::deriveService(spec, production, sandbox, QDateTime::fromString(created, Qt::ISODate).addSecs(600));
}

kube::Error apiError(long status, const std::string& body, const std::string& verb = "patch",
                     bool jsonPatchWithTests = false)
{
    kube::RestConfig config;
    config.contextName = "test";
    config.cluster.server = "https://127.0.0.1:1";
    config.user.name = "operator";
    kube::Transport transport;
    kube::Client client(config, &transport);
    kube::Client::Target target{verb, kube::resources::services, "uro", "uro", jsonPatchWithTests};
    return client.apiError(status, body, target);
}

} // namespace

class TestDecode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void historyEntries_data()
    {
        QTest::addColumn<QByteArray>("annotation");
        QTest::addColumn<QStringList>("expected");
        auto row = [](const char* name, const std::string& text, QStringList expected) {
            QTest::newRow(name) << QByteArray::fromStdString(text) << expected;
        };
        const QString ok = QStringLiteral("ok 2026-03-01T10:00:00Z swap");
        row("empty", "", {});
        row("blank", " \n\t", {});
        row("empty list", "[]", {});
        row("one entry as written by a swap", "[" + ourEntry + "]", {ok});
        row("deploy entry with target",
            R"([{"at":"2026-03-02T00:00:00Z","action":"deploy","target":"staging","to":{"slot":"b"}}])",
            {QStringLiteral("ok 2026-03-02T00:00:00Z deploy")});
        row("watch entry with its result",
            R"([{"at":"2026-03-03T00:00:00Z","action":"watch","result":"failed: uro-b-1 answered 500"}])",
            {QStringLiteral("ok 2026-03-03T00:00:00Z watch -> failed: uro-b-1 answered 500")});
        row("result of the wrong type is ignored", R"([{"at":"t","action":"watch","result":["held"]}])",
            {QStringLiteral("ok t watch")});
        row("null result reads as absent", R"([{"at":"t","action":"watch","result":null}])",
            {QStringLiteral("ok t watch")});
        row("old entry without fields", R"([{}])", {QStringLiteral("ok  ")});
        row("null fields read as absent", R"([{"at":null,"user":null,"from":null,"to":{"tag":null}}])",
            {QStringLiteral("ok  ")});
        row("unknown fields are ignored", R"([{"at":"t","action":"swap","extra":{"deep":[1,2]}}])",
            {QStringLiteral("ok t swap")});
        row("not JSON", "hello world", {QStringLiteral("unreadable the history is not JSON: hello world")});
        row("truncated JSON", "[" + ourEntry.substr(0, 50), {QStringLiteral("unreadable the history is not JSON: [")});
        row("an object", R"({"at":"x"})",
            {QStringLiteral("unreadable the history is an object, not a list: {\"at\":\"x\"}")});
        row("a string", R"("swapped")", {QStringLiteral("unreadable the history is a string, not a list")});
        row("a number", "42", {QStringLiteral("unreadable the history is a number, not a list: 42")});
        row("null", "null", {QStringLiteral("unreadable the history is null, not a list")});
        row("at is a number", R"([{"at":5,"action":"swap"}])",
            {QStringLiteral("unreadable \"at\" is a number, not a string")});
        row("user is a list", R"([{"at":"t","user":["a"]}])",
            {QStringLiteral("unreadable \"user\" is a list, not a string")});
        row("action is an object", R"([{"at":"t","action":{}}])",
            {QStringLiteral("unreadable \"action\" is an object, not a string")});
        row("service is true", R"([{"service":true}])",
            {QStringLiteral("unreadable \"service\" is true or false, not a string")});
        row("target is a number", R"([{"target":1.5}])",
            {QStringLiteral("unreadable \"target\" is a number, not a string")});
        row("from is a string", R"([{"at":"t","from":"a"}])",
            {QStringLiteral("unreadable \"from\" is a string, not an object")});
        row("to is a list", R"([{"to":["b"]}])", {QStringLiteral("unreadable \"to\" is a list, not an object")});
        row("from.slot is a number", R"([{"from":{"slot":7}}])",
            {QStringLiteral("unreadable \"from.slot\" is a number, not a string")});
        row("to.image is an object", R"([{"to":{"image":{"name":"x"}}}])",
            {QStringLiteral("unreadable \"to.image\" is an object, not a string")});
        row("from.created is a list", R"([{"from":{"created":[]}}])",
            {QStringLiteral("unreadable \"from.created\" is a list, not a string")});
        row("to.digest is false", R"([{"to":{"digest":false}}])",
            {QStringLiteral("unreadable \"to.digest\" is true or false, not a string")});
        row("number too big for any integer", R"([{"at":184467440737095516160000}])",
            {QStringLiteral("unreadable \"at\" is a number, not a string")});
        row("list of non-objects", R"([1,"x",null,true,[]])",
            {QStringLiteral("unreadable a number, not an object: 1"),
             QStringLiteral("unreadable a string, not an object: \"x\""),
             QStringLiteral("unreadable null, not an object: null"),
             QStringLiteral("unreadable true or false, not an object: true"),
             QStringLiteral("unreadable a list, not an object: []")});
        row("entries one level too deep", "[[" + ourEntry + "]]",
            {QStringLiteral("unreadable a list, not an object: [{\"action\":\"swap\"")});
        row("unreadable entry between readable ones", "[" + ourEntry + R"(,{"at":5},)" + ourEntry + "]",
            {ok, QStringLiteral("unreadable \"at\" is a number, not a string"), ok});
        row("unreadable entry keeps its time", R"([{"at":"t","user":5}])",
            {QStringLiteral("unreadable \"user\" is a number, not a string")});
        row("marker left by a rewrite",
            R"([{"unreadable":"an entry of 9000 characters, too large to keep, replaced"}])",
            {QStringLiteral("unreadable an entry of 9000 characters, too large to keep, replaced")});
        row("deeply nested list", nested(100000),
            {QStringLiteral("unreadable the history is nested more than 64 levels deep")});
        row("deeply nested and unbalanced", std::string(300000, '{'),
            {QStringLiteral("unreadable the history is nested more than 64 levels deep")});
        row("nested inside an entry", R"([{"at":"t","x":)" + nested(1000) + "}]",
            {QStringLiteral("unreadable the history is nested more than 64 levels deep")});
        row("brackets inside strings do not count", bracketsInAString(),
            {QStringLiteral("ok %1 ").arg(QString(1000, QLatin1Char('[')))});
        row("unicode", R"([{"at":"t","user":"Jürgen ✓","action":"swap"}])", {QStringLiteral("ok t swap")});
    }

    void historyEntries()
    {
        QFETCH(QByteArray, annotation);
        QFETCH(QStringList, expected);
        // Each expected line is the start of the entry's description (sentences end in excerpts).
        const auto entries = kube::decodeHistory(annotation.toStdString());
        const QStringList got = describe(entries);
        QCOMPARE(got.size(), expected.size());
        for (int i = 0; i < got.size(); ++i)
            QVERIFY2(got[i].startsWith(expected[i]), qPrintable(got[i] + QStringLiteral(" / ") + expected[i]));
        for (const auto& e : entries) {
            QVERIFY(e.unreadable.size() < 300);
            (void)e.toJson().dump(); // every entry can be shown and written as JSON
        }
    }

    void watchResultSurvivesARewrite()
    {
        kube::HistoryEntry watch = entryAt("2026-04-02T00:00:00Z");
        watch.action = "watch";
        watch.result = "held";
        const std::string once = kube::appendHistory("", watch, model::historyCap);
        const std::string twice = kube::appendHistory(once, entryAt("2026-04-03T00:00:00Z"), model::historyCap);
        const auto entries = kube::decodeHistory(twice);
        QCOMPARE(entries.size(), std::size_t(2));
        QCOMPARE(entries[0].result, std::string("held"));
        QVERIFY(entries[1].result.empty());
        QVERIFY(!kube::decodeHistory(once).front().toJson().dump().empty());
        const json plain = entryAt("t").toJson();
        QVERIFY(!plain.contains("result")); // absent unless set
    }

    // The health check's outcome on a swap entry is optional and younger than the rest: absent in
    // older entries, and a value of another type is ignored rather than making the entry unreadable.
    void healthCheckIsDecodedTolerantly()
    {
        auto one = [](const std::string& text) { return kube::decodeHistory(text).at(0); };
        const auto skipped = one(R"([{"at":"t","action":"swap","healthCheck":"skipped"}])");
        QVERIFY(skipped.readable());
        QCOMPARE(skipped.healthCheck, std::string("skipped"));
        QCOMPARE(skipped.toJson().value("healthCheck", ""), std::string("skipped"));
        const auto older = one(R"([{"at":"t","action":"swap"}])");
        QVERIFY(older.readable());
        QVERIFY(older.healthCheck.empty());
        QVERIFY(!older.toJson().contains("healthCheck"));
        for (const char* wrong : {R"([{"at":"t","action":"swap","healthCheck":5}])",
                                  R"([{"at":"t","action":"swap","healthCheck":{"x":1}}])",
                                  R"([{"at":"t","action":"swap","healthCheck":null}])"}) {
            const auto e = one(wrong);
            QVERIFY2(e.readable(), wrong);
            QCOMPARE(e.action, std::string("swap"));
            QVERIFY(e.healthCheck.empty());
        }
        // Written and read back.
        kube::HistoryEntry e;
        e.at = "t";
        e.action = "swap";
        e.healthCheck = "passed";
        QCOMPARE(one(kube::appendHistory("", e, 20)).healthCheck, std::string("passed"));
    }

    void startIsDecodedTolerantly()
    {
        auto one = [](const std::string& text) { return kube::decodeHistory(text).at(0); };
        const auto timed = one(R"([{"at":"2026-12-01T10:05:00Z","started":"2026-12-01T10:00:00Z","action":"swap"}])");
        QVERIFY(timed.readable());
        QCOMPARE(timed.started, std::string("2026-12-01T10:00:00Z"));
        QCOMPARE(timed.toJson().value("started", ""), std::string("2026-12-01T10:00:00Z"));
        const auto older = one(R"([{"at":"t","action":"swap"}])");
        QVERIFY(older.started.empty());
        QVERIFY(!older.toJson().contains("started"));
        const auto wrong = one(R"([{"at":"t","action":"swap","started":[1]}])");
        QVERIFY(wrong.readable());
        QVERIFY(wrong.started.empty());
        // Bounded: someone else's long text does not grow every later rewrite.
        const auto longer = one(R"([{"at":"t","action":"swap","started":")" + std::string(500, '9') + R"("}])");
        QVERIFY(longer.started.size() <= 48);
    }

    void unreadableEntryKeepsItsTime()
    {
        const auto entries = kube::decodeHistory(R"([{"at":"2026-01-01T00:00:00Z","user":5}])");
        QCOMPARE(entries.size(), std::size_t(1));
        QCOMPARE(entries[0].at, std::string("2026-01-01T00:00:00Z"));
        QVERIFY(!entries[0].readable());
        QVERIFY(entries[0].user.empty());
    }

    void hugeValuesAreBoundedInTheSentence()
    {
        const std::string junk(256 * 1024, 'x');
        auto entries = kube::decodeHistory(junk);
        QCOMPARE(entries.size(), std::size_t(1));
        QVERIFY(
            QString::fromStdString(entries[0].unreadable).startsWith(QStringLiteral("the history is not JSON: xxx")));
        QVERIFY(entries[0].unreadable.size() < 100);
        // Cut inside a multi-byte character: the sentence stays valid UTF-8.
        std::string umlauts;
        for (int i = 0; i < 1000; ++i)
            umlauts += "ü";
        entries = kube::decodeHistory("[\"" + umlauts + "\"]");
        QCOMPARE(entries.size(), std::size_t(1));
        QVERIFY(QString::fromUtf8(entries[0].unreadable).toUtf8().toStdString() == entries[0].unreadable);
        (void)json(entries[0].unreadable).dump();
    }

    void appendKeepsSmallForeignElements()
    {
        const std::string before = "[" + ourEntry + R"(,{"at":5},"note",{"at":"t","extra":1}])";
        const std::string after = kube::appendHistory(before, entryAt("2026-04-01T00:00:00Z"), model::historyCap);
        const json j = json::parse(after);
        QCOMPARE(j.size(), std::size_t(5));
        QCOMPARE(j[1].dump(), std::string(R"({"at":5})"));
        QCOMPARE(j[2].dump(), std::string(R"("note")"));
        QCOMPARE(j[3].dump(), std::string(R"({"at":"t","extra":1})")); // unknown fields survive a rewrite
        const auto entries = kube::decodeHistory(after);
        QCOMPARE(describe(entries),
                 (QStringList{QStringLiteral("ok 2026-03-01T10:00:00Z swap"),
                              QStringLiteral("unreadable \"at\" is a number, not a string"),
                              QStringLiteral("unreadable a string, not an object: \"note\""), QStringLiteral("ok t "),
                              QStringLiteral("ok 2026-04-01T00:00:00Z swap")}));
    }

    void appendReplacesWhatIsTooLarge_data()
    {
        QTest::addColumn<QByteArray>("annotation");
        QTest::addColumn<QString>("marker"); // how the marker starts
        QTest::addColumn<QString>("ending"); // and how it ends
        auto row = [](const char* name, const std::string& text, const char* marker, const char* ending) {
            QTest::newRow(name) << QByteArray::fromStdString(text) << QString::fromUtf8(marker)
                                << QString::fromUtf8(ending);
        };
        const std::string big(200 * 1024, 'y');
        const char* tooLarge = "characters, too large to keep, replaced";
        row("not JSON", big, "the history is not JSON: yyy", "(204800 characters, replaced)");
        row("an object", "{\"a\":\"" + big + "\"}", "the history is an object, not a list", "characters, replaced)");
        row("deep", nested(100000), "the history is nested more than 64 levels deep", "(200000 characters, replaced)");
        row("readable entry with a huge field", "[{\"at\":\"2026-01-01T00:00:00Z\",\"user\":\"" + big + "\"}]",
            "an entry of 2048", tooLarge);
        row("huge string element", "[\"" + big + "\"]", "a string of 204802 ", tooLarge);
        row("huge unreadable entry", "[{\"at\":5,\"x\":\"" + big + "\"}]", "an object of 2048", tooLarge);
    }

    void appendReplacesWhatIsTooLarge()
    {
        QFETCH(QByteArray, annotation);
        QFETCH(QString, marker);
        QFETCH(QString, ending);
        const std::string after =
            kube::appendHistory(annotation.toStdString(), entryAt("2026-04-01T00:00:00Z"), model::historyCap);
        QVERIFY2(after.size() < 1000, after.substr(0, 200).c_str());
        const auto entries = kube::decodeHistory(after);
        QCOMPARE(entries.size(), std::size_t(2));
        QVERIFY2(QString::fromStdString(entries[0].unreadable).startsWith(marker), entries[0].unreadable.c_str());
        QVERIFY2(QString::fromStdString(entries[0].unreadable).endsWith(ending), entries[0].unreadable.c_str());
        QVERIFY(entries[1].readable());
        QCOMPARE(entries[1].at, std::string("2026-04-01T00:00:00Z"));
    }

    void appendKeepsTheNewestUpToTheCap()
    {
        std::string value;
        for (int i = 0; i < 25; ++i)
            value = kube::appendHistory(value, entryAt("2026-01-01T00:00:" + std::to_string(10 + i) + "Z"), 20);
        const auto entries = kube::decodeHistory(value);
        QCOMPARE(entries.size(), std::size_t(20));
        QCOMPARE(entries.front().at, std::string("2026-01-01T00:00:15Z"));
        QCOMPARE(entries.back().at, std::string("2026-01-01T00:00:34Z"));
    }

    void appendStaysSmallWhateverWasWritten()
    {
        // 30 elements just under the limit each, and 30 just over it: at most the cap is kept,
        // and the rewritten value stays far below the API server's 256 KiB for all annotations.
        json hostile = json::array();
        for (int i = 0; i < 30; ++i)
            hostile.push_back({{"at", "t"}, {"user", std::string(kube::historyElementLimit - 40, 'u')}});
        for (int i = 0; i < 30; ++i)
            hostile.push_back({{"at", 1}, {"user", std::string(kube::historyElementLimit, 'u')}});
        std::string value = hostile.dump();
        QVERIFY(value.size() > 120 * 1024);
        value = kube::appendHistory(value, entryAt("2026-05-01T00:00:00Z"), model::historyCap);
        QVERIFY(value.size() <= model::historyCap * kube::historyElementLimit);
        const auto entries = kube::decodeHistory(value);
        QCOMPARE(entries.size(), model::historyCap);
        QCOMPARE(entries.back().at, std::string("2026-05-01T00:00:00Z"));
    }

    void statusBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("isStatus");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("code"); // -1: none
        QTest::addColumn<int>("causes");
        auto row = [](const char* name, const char* body, bool isStatus, const char* message, const char* reason,
                      int code, int causes) {
            QTest::newRow(name) << QByteArray(body) << isStatus << QString::fromUtf8(message)
                                << QString::fromUtf8(reason) << code << causes;
        };
        row("complete",
            R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":"Invalid","code":422,)"
            R"("details":{"name":"uro","kind":"services","causes":[{"reason":"FieldValueInvalid","message":"bad","field":"spec"}]}})",
            true, "m", "Invalid", 422, 1);
        row("webhook: no reason",
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"admission "
            "webhook \\\"deny.test\\\" denied the request: no\",\"code\":400}",
            true, "admission webhook \"deny.test\" denied the request: no", "", 400, 0);
        row("no message", R"({"kind":"Status","reason":"NotFound","code":404})", true, "", "NotFound", 404, 0);
        row("no code", R"({"kind":"Status","message":"m"})", true, "m", "", -1, 0);
        row("no kind", R"({"message":"m","code":500})", true, "m", "", 500, 0);
        row("empty object", "{}", true, "", "", -1, 0);
        row("reason is a number", R"({"kind":"Status","reason":5,"message":"m"})", true, "m", "", -1, 0);
        row("message is a list", R"({"kind":"Status","message":["m"],"reason":"Forbidden"})", true, "", "Forbidden", -1,
            0);
        row("code is a string", R"({"kind":"Status","code":"400"})", true, "", "", -1, 0);
        row("code is a fraction", R"({"kind":"Status","code":400.5})", true, "", "", -1, 0);
        row("code too large", R"({"kind":"Status","code":99999999999999999999})", true, "", "", -1, 0);
        row("details is a string", R"({"kind":"Status","details":"x","message":"m"})", true, "m", "", -1, 0);
        row("causes is an object", R"({"kind":"Status","details":{"causes":{}}})", true, "", "", -1, 0);
        row("causes of wrong types", R"({"kind":"Status","details":{"causes":[1,{"message":2},{"field":"f"}]}})", true,
            "", "", -1, 2);
        row("kind is another object", R"({"kind":"Pod","message":"m"})", false, "", "", -1, 0);
        row("kind is a number", R"({"kind":1})", false, "", "", -1, 0);
        row("a list", R"([{"kind":"Status"}])", false, "", "", -1, 0);
        row("a string", R"("Status")", false, "", "", -1, 0);
        row("HTML", "<html><body>502 Bad Gateway</body></html>", false, "", "", -1, 0);
        row("empty", "", false, "", "", -1, 0);
        row("truncated", "{\"kind\":\"Status\",\"message\":\"m", false, "", "", -1, 0);
    }

    void statusBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, isStatus);
        QFETCH(QString, message);
        QFETCH(QString, reason);
        QFETCH(int, code);
        QFETCH(int, causes);
        const auto s = kube::decodeStatus(body.toStdString());
        QCOMPARE(s.ok(), isStatus);
        if (!s) {
            QVERIFY(!s.error().message.empty());
            return;
        }
        QCOMPARE(QString::fromStdString(s->message.value_or("")), message);
        QCOMPARE(QString::fromStdString(s->reason.value_or("")), reason);
        QCOMPARE(s->code ? int(*s->code) : -1, code);
        QCOMPARE(s->details ? int(s->details->causes.size()) : 0, causes);
    }

    void errorSentences_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("jsonPatchWithTests");
        QTest::addColumn<QString>("contains");
        QTest::addColumn<QString>("absent");
        QTest::addColumn<QString>("reason");
        auto row = [](const char* name, int status, const char* body, bool tests, const char* contains,
                      const char* absent, const char* reason) {
            QTest::newRow(name) << status << QByteArray(body) << tests << QString::fromUtf8(contains)
                                << QString::fromUtf8(absent) << QString::fromUtf8(reason);
        };
        row("webhook denies with a message only", 400,
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"admission "
            "webhook \\\"deny.test\\\" denied the request: swaps are frozen\",\"code\":400}",
            true, "admission webhook \"deny.test\" denied the request: swaps are frozen", "may not", "");
        row("webhook denies with 403", 403,
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"admission "
            "webhook \\\"deny.test\\\" denied the request: change freeze\",\"code\":403}",
            true, "change freeze", "may not", "");
        row("admission policy denies with 403", 403,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"services \\\"uro\\\" is forbidden: "
            "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: "
            "no\",\"reason\":\"Forbidden\",\"code\":403}",
            false, "denied request: no", "may not", "Forbidden");
        row("RBAC forbids", 403,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"services \\\"uro\\\" is forbidden: User "
            "\\\"viewer\\\" cannot patch resource \\\"services\\\" in API group \\\"\\\" in the namespace "
            "\\\"uro\\\"\",\"reason\":\"Forbidden\",\"code\":403}",
            false, "User \"viewer\" may not patch services \"uro\" in namespace \"uro\"", "denied", "Forbidden");
        row("403 without a body", 403, "", false, "User \"operator\" may not patch", "", "Forbidden");
        row("403 that is not JSON", 403, "forbidden", false, "User \"operator\" may not patch", "", "Forbidden");
        row("reason is a number", 409, R"({"kind":"Status","reason":409,"message":"m","code":409})", false,
            "changed since you looked", "", "Conflict");
        row("failed test op", 422, R"({"kind":"Status","message":"the server rejected our request","code":422})", true,
            "changed since you looked", "", "Conflict");
        row("invalid with causes", 422,
            R"({"kind":"Status","reason":"Invalid","message":"bad selector","code":422,"details":{"causes":[{"field":"spec"}]}})",
            true, "as invalid: bad selector", "", "Invalid");
        row("causes of the wrong type", 422,
            R"({"kind":"Status","reason":"Invalid","message":"bad","code":422,"details":{"causes":"x"}})", true,
            "changed since you looked", "", "Conflict");
        row("server error, not JSON", 502, "<html>bad gateway</html>", false, "HTTP 502", "", "");
        row("403 with a long message and no quote to end the user", 403, longForbidden().c_str(), false,
            "The cluster refused to patch", "may not", "Forbidden");
        row("server error, message a list", 500, R"({"kind":"Status","message":["x"]})", false, "HTTP 500", "", "");
    }

    void errorSentences()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, jsonPatchWithTests);
        QFETCH(QString, contains);
        QFETCH(QString, absent);
        QFETCH(QString, reason);
        const kube::Error e = apiError(status, body.toStdString(), "patch", jsonPatchWithTests);
        const QString message = QString::fromStdString(e.message);
        QCOMPARE(e.kind, kube::Error::Kind::Api);
        QCOMPARE(e.httpStatus, status);
        QVERIFY2(message.contains(contains), qPrintable(message));
        if (!absent.isEmpty())
            QVERIFY2(!message.contains(absent), qPrintable(message));
        QCOMPARE(QString::fromStdString(e.reason), reason);
    }

    void listsAndTemplates()
    {
        int skipped = 0;
        QVERIFY(kube::parseItems(json::parse("[1,2]"), kube::parseService, &skipped).empty());
        QCOMPARE(skipped, 1);
        skipped = 0;
        QVERIFY(kube::parseItems(json::parse(R"({"items":{"a":1}})"), kube::parseService, &skipped).empty());
        QCOMPARE(skipped, 1);
        skipped = 0;
        const auto services = kube::parseItems(
            json::parse(R"({"items":[{"metadata":{"name":"a"}},5,{"metadata":{"name":7}},{"metadata":{"name":"b"}}]})"),
            kube::parseService, &skipped);
        QCOMPARE(services.size(), std::size_t(2));
        QCOMPARE(services[1].meta.name, std::string("b"));
        QCOMPARE(skipped, 2);

        QVERIFY(!kube::podTemplateJson(json::parse(R"({"spec":{"template":"x"}})")));
        QVERIFY(!kube::podTemplateJson(json::parse(R"({"spec":[]})")));
        QVERIFY(!kube::podTemplateJson(json::parse("null")));
        const auto t = kube::podTemplateJson(json::parse(R"({"spec":{"template":{"spec":{"x":[1]}}}})"));
        QVERIFY(t);
        QCOMPARE(t->dump(), std::string(R"({"spec":{"x":[1]}})"));

        QVERIFY(kube::parseService(json::parse(R"({"metadata":{"annotations":{}}})"))->meta.hasAnnotationMap);
        QVERIFY(!kube::parseService(json::parse(R"({"metadata":{}})"))->meta.hasAnnotationMap);
    }

    void deriveSurvivesHostileHistory_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("annotation");
        QTest::addColumn<QString>("unreadable"); // what the unreadable entry says; empty: all readable
        QTest::addColumn<int>("entries");
        QTest::addColumn<bool>("swapRecorded");
        auto row = [](const char* name, const char* kind, const char* object, const std::string& text,
                      const char* unreadable, int entries, bool swapRecorded) {
            QTest::newRow(name) << QString::fromUtf8(kind) << QString::fromUtf8(object)
                                << QByteArray::fromStdString(text) << QString::fromUtf8(unreadable) << entries
                                << swapRecorded;
        };
        row("live: at is a number", "Service", "uro", R"([{"at":5}])", "\"at\" is a number", 1, false);
        row("live: a number and a swap, sorted by time", "Service", "uro", R"([{"at":5},)" + ourEntry + "]",
            "\"at\" is a number", 2, true);
        row("live: not JSON", "Service", "uro", "not json at all", "the history is not JSON", 1, false);
        row("live: an object", "Service", "uro", R"({"at":"x"})", "the history is an object", 1, false);
        row("live: deep", "Service", "uro", nested(200000), "nested more than 64", 1, false);
        row("live: huge", "Service", "uro", std::string(256 * 1024 - 100, '['), "nested more than 64", 1, false);
        row("live: from is a string", "Service", "uro", R"([{"at":"2026-01-01T00:00:00Z","from":"a"}])",
            "\"from\" is a string", 1, false);
        row("slot A: to.image is a number", "Deployment", "uro-a",
            R"([{"at":"2026-01-01T00:00:00Z","action":"deploy","to":{"image":1}}])", "\"to.image\" is a number", 1,
            false);
        row("slot B: list of numbers", "Deployment", "uro-b", "[1,2,3]", "a number, not an object", 3, false);
        row("slot A: not JSON", "Deployment", "uro-a", "{{{", "the history is not JSON", 1, false);
        row("slot A: a readable deploy", "Deployment", "uro-a",
            R"([{"at":"2026-01-01T00:00:00Z","action":"deploy","target":"staging","to":{"slot":"a"}}])", "", 1, false);
    }

    void deriveSurvivesHostileHistory()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(QByteArray, annotation);
        QFETCH(QString, unreadable);
        QFETCH(int, entries);
        QFETCH(bool, swapRecorded);
        const model::ServiceState s = deriveWith(kind.toStdString(), name.toStdString(), annotation.toStdString());
        // The service is still there, derived as without the annotation.
        QCOMPARE(s.live, std::optional(model::Slot::A));
        QCOMPARE(s.staging, std::optional(model::Slot::B));
        QCOMPARE(s.badge, model::Badge::ReadyToSwap);
        QCOMPARE(int(s.history.size()), entries);
        QCOMPARE(s.swapRecorded, swapRecorded);
        bool named = unreadable.isEmpty();
        for (const auto& e : s.history)
            if (!e.readable() && QString::fromStdString(e.unreadable).contains(unreadable))
                named = true;
        QVERIFY2(named, qPrintable(describe(s.history).join(QStringLiteral(" | "))));
        for (std::size_t i = 1; i < s.history.size(); ++i)
            QVERIFY(s.history[i - 1].at <= s.history[i].at);
    }
};

QTEST_GUILESS_MAIN(TestDecode)
#include "tst_decode.moc"
