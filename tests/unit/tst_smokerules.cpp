// Smoke requests as tables: the annotation read line by line, and one answer judged into a sentence whose
// body excerpt is plain, bounded text.
#include "kube/objects.h"
#include "model/rules/keys.h"
#include "model/rules/servicespec.h"
#include "model/rules/smoke.h"

#include <QTest>

class TestSmokeRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void annotation()
    {
        const auto r =
            model::parseSmokeAnnotation("GET /api/v1/shards 200\n\n# the front page\r\nHEAD /  \nPOST /x 201");
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r->size(), std::size_t(3));
        QCOMPARE((*r)[0].method, std::string("GET"));
        QCOMPARE((*r)[0].path, std::string("/api/v1/shards"));
        QCOMPARE((*r)[0].expectStatus.value_or(0), 200);
        QCOMPARE((*r)[1].method, std::string("HEAD"));
        QCOMPARE((*r)[1].path, std::string("/"));
        QVERIFY(!(*r)[1].expectStatus);
        QCOMPARE((*r)[2].expectStatus.value_or(0), 201);
        QVERIFY(model::parseSmokeAnnotation("")->empty());
    }

    void annotationErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("what");
        QTest::newRow("method") << "GET /\nFETCH /x"
                                << "line 2 is refused: \"FETCH\" is not one of";
        QTest::newRow("lowercase method") << "get /"
                                          << "line 1";
        QTest::newRow("one word") << "GET"
                                  << "it has 1 word";
        QTest::newRow("four words") << "GET / 200 extra"
                                    << "it has 4 words";
        QTest::newRow("climbing path") << "GET /api/../../secrets"
                                       << "the path it holds a \"..\" segment";
        QTest::newRow("encoded climb") << "GET /%2e%2e/x"
                                       << "\"..\" segment";
        QTest::newRow("query") << "GET /x?y=1"
                               << "query or fragment";
        QTest::newRow("relative path") << "GET x"
                                       << "does not start with /";
        QTest::newRow("status") << "GET / ok"
                                << "\"ok\" is not an HTTP status";
        QTest::newRow("status range") << "GET / 700"
                                      << "not an HTTP status";
        QTest::newRow("escape in a status") << "GET / \x1b[31m"
                                            << "\\x1b[31m";
        QTest::newRow("too many") << QString(QStringLiteral("GET /\n")).repeated(21) << "more than 20";
        QTest::newRow("huge annotation") << QString(20000, QLatin1Char('x')) << "longer than 16384 bytes";
    }

    void annotationErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, what);
        const auto r = model::parseSmokeAnnotation(text.toStdString());
        QVERIFY(!r);
        const QString msg = QString::fromStdString(r.error().message);
        QVERIFY2(msg.contains(what), qPrintable(msg));
        QVERIFY2(msg.size() < 400, qPrintable(msg));
        QVERIFY2(!msg.contains(QChar(0x1b)), qPrintable(msg));
    }

    void judging_data()
    {
        QTest::addColumn<QString>("expect"); // "" any 2xx, else a status
        QTest::addColumn<QString>("contains");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("equals");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("jsonField"); // "-" none
        QTest::addColumn<bool>("passed");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("2xx") << ""
                             << ""
                             << ""
                             << "" << 204 << ""
                             << "-" << true << "GET /api answered 204 in 12 ms";
        QTest::newRow("500, any 2xx") << ""
                                      << ""
                                      << ""
                                      << "" << 500 << "{\"error\":\"injected failure\"}"
                                      << "-" << false
                                      << "GET /api answered 500 in 12 ms, expected a 2xx status: "
                                         "{\"error\":\"injected failure\"}";
        QTest::newRow("expected status") << "201"
                                         << ""
                                         << ""
                                         << "" << 200 << ""
                                         << "-" << false << "GET /api answered 200 in 12 ms, expected 201";
        QTest::newRow("contains") << "200"
                                  << "shards"
                                  << ""
                                  << "" << 200 << "{\"shards\":[]}"
                                  << "-" << true << "GET /api answered 200 in 12 ms";
        QTest::newRow("does not contain")
            << "200"
            << "shards"
            << ""
            << "" << 200 << "[]"
            << "-" << false << "GET /api answered 200 in 12 ms, the body does not contain \"shards\": []";
        QTest::newRow("json field equal") << ""
                                          << ""
                                          << "data.ok"
                                          << "true" << 200 << ""
                                          << "true" << true << "GET /api answered 200 in 12 ms";
        QTest::newRow("json field differs") << ""
                                            << ""
                                            << "data.ok"
                                            << "true" << 200 << ""
                                            << "false" << false
                                            << "GET /api answered 200 in 12 ms, the JSON field data.ok is \"false\", "
                                               "expected \"true\"";
        QTest::newRow("json field missing") << ""
                                            << ""
                                            << "data.ok"
                                            << "true" << 200 << "<html>"
                                            << "-" << false
                                            << "GET /api answered 200 in 12 ms, the body has no JSON field data.ok: "
                                               "<html>";
        // The app shapes its own answer: markup stays as written, escapes are shown, not obeyed, and only
        // the first lines are shown.
        QTest::newRow("markup and escapes")
            << ""
            << ""
            << ""
            << "" << 500 << "<img src=\"file:///etc/passwd\">\x1b[2J\x1b]8;;http://x\x07"
            << "-" << false
            << "GET /api answered 500 in 12 ms, expected a 2xx status: "
               "<img src=\"file:///etc/passwd\">\\x1b[2J\\x1b]8;;http://x\\x07";
        QTest::newRow("first lines") << ""
                                     << ""
                                     << ""
                                     << "" << 502 << "one\ntwo\nthree\nfour\nfive"
                                     << "-" << false
                                     << "GET /api answered 502 in 12 ms, expected a 2xx status: one\ntwo\nthree …";
    }

    void judging()
    {
        QFETCH(QString, expect);
        QFETCH(QString, contains);
        QFETCH(QString, field);
        QFETCH(QString, equals);
        QFETCH(int, status);
        QFETCH(QString, body);
        QFETCH(QString, jsonField);
        QFETCH(bool, passed);
        QFETCH(QString, sentence);
        model::SmokeRequest request;
        request.path = "/api";
        if (!expect.isEmpty())
            request.expectStatus = expect.toInt();
        request.expectBodyContains = contains.toStdString();
        request.expectJsonField = field.toStdString();
        request.expectJsonEquals = equals.toStdString();
        model::SmokeAnswer answer;
        answer.status = status;
        answer.body = body.toStdString();
        answer.milliseconds = 12;
        if (jsonField != QStringLiteral("-"))
            answer.jsonField = jsonField.toStdString();
        const model::SmokeJudgement j = model::judgeSmokeAnswer(request, answer);
        QCOMPARE(j.passed, passed);
        QCOMPARE(QString::fromStdString(j.sentence), sentence);
    }

    void noAnswer()
    {
        model::SmokeRequest request;
        request.path = "/api";
        model::SmokeAnswer answer;
        answer.failure = "did not answer within 5 s";
        const auto j = model::judgeSmokeAnswer(request, answer);
        QVERIFY(!j.passed);
        QCOMPARE(j.sentence, std::string("GET /api did not answer within 5 s"));
    }

    void hugeBodyIsBounded()
    {
        model::SmokeRequest request;
        request.path = "/";
        model::SmokeAnswer answer;
        answer.status = 500;
        answer.body = std::string(1 << 20, '\x9b') + "\n";
        const auto j = model::judgeSmokeAnswer(request, answer);
        QVERIFY(!j.passed);
        QVERIFY2(j.sentence.size() < 2000, std::to_string(j.sentence.size()).c_str());
        QVERIFY(j.sentence.find('\x9b') == std::string::npos);
    }

    void headers_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("ok");
        QTest::newRow("plain") << "Accept"
                               << "application/json" << true;
        QTest::newRow("space in name") << "X Y"
                                       << "1" << false;
        QTest::newRow("colon in name") << "X:"
                                       << "1" << false;
        QTest::newRow("line break in value") << "X-A"
                                             << "1\r\nHost: evil" << false;
        QTest::newRow("empty name") << ""
                                    << "1" << false;
    }

    void headers()
    {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(bool, ok);
        QCOMPARE(model::smokeHeaderProblem(name.toStdString(), value.toStdString()).empty(), ok);
    }

    // The file's requests win; the annotation fills in when the file lists none; a bad annotation is a problem.
    void fromAnnotations()
    {
        model::ServiceSpec spec;
        spec.name = "uro";
        spec.ns = "uro";
        spec.applyDefaults();
        spec.smoke.repeat = 10;
        kube::Service live;
        live.meta.annotations = {{model::smokeAnnotation, "GET /api/v1/shards 200"}};
        std::vector<std::string> problems;
        const model::SmokeSpec s = model::smokeSpecFor(spec, &live, &problems);
        QCOMPARE(s.requests.size(), std::size_t(1));
        QCOMPARE(s.repeat, 10);
        model::SmokeRequest own;
        own.path = "/health";
        spec.smoke.requests = {own};
        QCOMPARE(model::smokeSpecFor(spec, &live, &problems).requests, std::vector<model::SmokeRequest>{own});
        QVERIFY(problems.empty());
        spec.smoke.requests.clear();
        live.meta.annotations = {{model::smokeAnnotation, "GET /../x"}};
        QVERIFY(model::smokeSpecFor(spec, &live, &problems).requests.empty());
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems[0].find(model::smokeAnnotation) != std::string::npos, problems[0].c_str());
    }
};

QTEST_GUILESS_MAIN(TestSmokeRules)
#include "tst_smokerules.moc"
