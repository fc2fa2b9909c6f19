// The pure part of prom/: Prometheus's answers to /api/v1/query and /api/v1/query_range, recorded
// from Prometheus 3 (scripts/prometheus) and mutated per row, decoded into typed results or refused
// with one sentence that names the field. No server runs.
#include "prom/client.h"
#include "prom/decode.h"

#include <QTest>
#include <cmath>

namespace {

const std::string where = "Prometheus at http://127.0.0.1:9090";

// Recorded: up{job="tests"} at one time, two targets.
const char* const vectorAnswer = R"({"status":"success","data":{"resultType":"vector","result":[
 {"metric":{"__name__":"up","instance":"127.0.0.1:41235","job":"tests","run":"a"},"value":[1780000000.123,"1"]},
 {"metric":{"__name__":"up","instance":"127.0.0.1:41236","job":"tests","run":"b"},"value":[1780000000.123,"0"]}]}})";

// Recorded: rate(http_requests_total[1m]) over 3 steps of 15 s, one series.
const char* const matrixAnswer = R"({"status":"success","data":{"resultType":"matrix","result":[
 {"metric":{"status":"500"},"values":[[1780000000,"0.25"],[1780000015,"NaN"],[1780000030,"+Inf"]]},
 {"metric":{"status":"200"},"values":[[1780000000,"1e-3"],[1780000015,"-Inf"],[1780000030,"12"]]}]}})";

std::string decodeMessage(const std::string& body, long status = 200)
{
    const auto r = prom::decodeResponse(body, status, where);
    return r ? std::string("(decoded)") : r.error().message;
}

} // namespace

// The cases are free functions: moc reads the class, and its tokenizer trips on some raw strings.
namespace {

void readsAnInstantVector()
{
    const auto r = prom::decodeResponse(vectorAnswer, 200, where);
    QVERIFY2(r, r ? "" : r.error().message.c_str());
    QCOMPARE(r->type, prom::QueryResult::Type::Vector);
    QCOMPARE(r->vector.size(), std::size_t{2});
    QCOMPARE(r->vector[0].labels.at("instance"), std::string("127.0.0.1:41235"));
    QCOMPARE(r->vector[0].labels.at("__name__"), std::string("up"));
    QCOMPARE(r->vector[0].value, 1.0);
    QCOMPARE(r->vector[1].value, 0.0);
    QCOMPARE(r->vector[0].time, 1780000000.123);
    QVERIFY(!r->empty());
    QVERIFY(r->warnings.empty());
}

void readsARangeMatrixWithNaNAndInfinities()
{
    const auto r = prom::decodeResponse(matrixAnswer, 200, where);
    QVERIFY2(r, r ? "" : r.error().message.c_str());
    QCOMPARE(r->type, prom::QueryResult::Type::Matrix);
    QCOMPARE(r->matrix.size(), std::size_t{2});
    const auto& failed = r->matrix[0].points;
    QCOMPARE(failed.size(), std::size_t{3});
    QCOMPARE(failed[0].value, 0.25);
    QVERIFY(std::isnan(failed[1].value));
    QVERIFY(std::isinf(failed[2].value) && failed[2].value > 0);
    QCOMPARE(failed[2].time, 1780000030.0);
    QCOMPARE(r->matrix[1].points[0].value, 0.001);
    QVERIFY(std::isinf(r->matrix[1].points[1].value) && r->matrix[1].points[1].value < 0);
}

void readsScalarsAndStrings()
{
    auto r = prom::decodeResponse(R"({"status":"success","data":{"resultType":"scalar","result":[1780000000,"0.5"]}})",
                                  200, where);
    QVERIFY(r);
    QCOMPARE(r->type, prom::QueryResult::Type::Scalar);
    QCOMPARE(r->scalar.value, 0.5);
    QVERIFY(!r->empty());
    r = prom::decodeResponse(R"({"status":"success","data":{"resultType":"scalar","result":[1780000000,"NaN"]}})", 200,
                             where);
    QVERIFY(r && std::isnan(r->scalar.value));
    r = prom::decodeResponse(
        R"({"status":"success","data":{"resultType":"string","result":[1780000000,"<b>hello</b>"]}})", 200, where);
    QVERIFY(r);
    QCOMPARE(r->type, prom::QueryResult::Type::String);
    QCOMPARE(r->text, std::string("<b>hello</b>")); // plain text, kept as written
}

// A query that matches nothing is an empty vector, "no data", never an error or a zero.
void anEmptyVectorIsNoData()
{
    const auto r =
        prom::decodeResponse(R"({"status":"success","data":{"resultType":"vector","result":[]}})", 200, where);
    QVERIFY(r);
    QVERIFY(r->empty());
    QVERIFY(r->vector.empty());
}

void keepsWarningsAndInfos()
{
    const auto r = prom::decodeResponse(
        R"({"status":"success","warnings":["query hit the limit"],"infos":["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"up\""],
            "data":{"resultType":"vector","result":[]}})",
        200, where);
    QVERIFY(r);
    QCOMPARE(r->warnings.size(), std::size_t{2});
    QCOMPARE(r->warnings[0], std::string("query hit the limit"));
    QVERIFY(r->warnings[1].find("might not be a counter") != std::string::npos);
}

void labelValuesStayPlainText()
{
    const auto r = prom::decodeResponse(
        R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"<img src=/dev/zero>"},"value":[1,"2"]},{"value":[1,"3"]}]}})",
        200, where);
    QVERIFY(r);
    QCOMPARE(r->vector[0].labels.at("pod"), std::string("<img src=/dev/zero>"));
    QVERIFY(r->vector[1].labels.empty()); // an expression's result may carry no labels
}

// Prometheus's own refusal, its words quoted in a sentence that says what to do.
void prometheusErrorsAreSentences_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("words");
    // Recorded: the answer to `sum(`.
    QTest::newRow("bad query")
        << R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"})"
        << 400 << "bad_data"
        << "Prometheus at http://127.0.0.1:9090 refused the query: \"invalid parameter \"query\": 1:5: parse "
           "error: unclosed left parenthesis\". Correct the query and try again.";
    QTest::newRow("timeout")
        << R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})" << 503
        << "timeout"
        << "gave up on the query";
    QTest::newRow("execution")
        << R"({"status":"error","errorType":"execution","error":"found duplicate series for the match group"})" << 422
        << "execution"
        << "could not evaluate the query";
    QTest::newRow("unknown type") << R"({"status":"error","errorType":"weird","error":"x"})" << 500 << "weird"
                                  << "answered with an error (weird): \"x\".";
    QTest::newRow("no words") << R"({"status":"error"})" << 500 << ""
                              << "no reason given";
}

void prometheusErrorsAreSentences()
{
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, reason);
    QFETCH(QString, words);
    const auto r = prom::decodeResponse(body.toStdString(), status, where);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, net::Error::Kind::Api);
    QCOMPARE(QString::fromStdString(r.error().reason), reason);
    QCOMPARE(r.error().httpStatus, status);
    QVERIFY2(QString::fromStdString(r.error().message).contains(words), r.error().message.c_str());
}

void prometheusErrorTextIsBoundedAndPlain()
{
    const std::string longText(5000, 'x');
    const auto r = prom::decodeResponse(
        R"({"status":"error","errorType":"bad_data","error":"\u001b[31m)" + longText + "\"}", 400, where);
    QVERIFY(!r);
    QVERIFY(r.error().message.size() < prom::maxErrorTextBytes + 200);
    QVERIFY(r.error().message.find("…") != std::string::npos);
    QVERIFY(r.error().message.find('\x1b') == std::string::npos);
}

// Every answer that is not Prometheus's JSON, or has a field of the wrong type, is refused with a
// sentence naming the field's path (never a crash, never a zero).
void badAnswersNameTheirPath_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("words");
    QTest::newRow("html login page") << "\n<!DOCTYPE html><html><title>Sign in</title>"
                                     << "is an HTML page (\"<!DOCTYPE html><html><title>Sign in";
    QTest::newRow("empty") << "  \n"
                           << "is empty";
    QTest::newRow("truncated") << QString::fromLatin1(vectorAnswer).left(120) << "is cut short";
    QTest::newRow("not json") << "ok"
                              << "is not JSON: \"ok\"";
    QTest::newRow("no status") << R"({"data":{}})"
                               << "is not Prometheus's JSON (no status)";
    QTest::newRow("json list") << "[1,2]"
                               << "no status";
    QTest::newRow("status text") << R"({"status":"fine"})"
                                 << "status is \"fine\", not";
    QTest::newRow("status number") << R"({"status":1})"
                                   << "status is a number, not \"success\" or \"error\"";
    QTest::newRow("no data") << R"({"status":"success"})"
                             << "data is missing";
    QTest::newRow("no result type") << R"({"status":"success","data":{"result":[]}})"
                                    << "data.resultType is missing";
    QTest::newRow("unknown result type") << R"({"status":"success","data":{"resultType":"table","result":[]}})"
                                         << "data.resultType is \"table\", not vector, matrix, scalar or string";
    QTest::newRow("no result") << R"({"status":"success","data":{"resultType":"vector"}})"
                               << "data.result is missing";
    QTest::newRow("result object") << R"({"status":"success","data":{"resultType":"vector","result":{}}})"
                                   << "data.result is an object, not a list of series";
    QTest::newRow("value as number")
        << R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})"
        << "data.result[0].value[1] is a number, not a value as text";
    QTest::newRow("value not a number")
        << R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"]},{"value":[1,"lots"]}]}})"
        << "data.result[1].value[1] is \"lots\", not a number";
    QTest::newRow("time as text")
        << R"({"status":"success","data":{"resultType":"vector","result":[{"value":["1","1"]}]}})"
        << "data.result[0].value[0] is text, not a time in seconds";
    QTest::newRow("value of three")
        << R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1",2]}]}})"
        << "data.result[0].value is a list of 3, not a pair of a time and a value";
    QTest::newRow("no value") << R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})"
                              << "data.result[0] has no value";
    QTest::newRow("label number")
        << R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":3},"value":[1,"1"]}]}})"
        << "data.result[0].metric.pod is a number, not text";
    QTest::newRow("matrix point")
        << R"({"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"1"],[2,null]]}]}})"
        << "data.result[0].values[1][1] is null, not a value as text";
    QTest::newRow("native histogram")
        << R"({"status":"success","data":{"resultType":"vector","result":[{"histogram":[1,{}]}]}})"
        << "data.result[0].histogram is a native histogram";
    QTest::newRow("warnings object")
        << R"({"status":"success","warnings":{},"data":{"resultType":"vector","result":[]}})"
        << "warnings is an object, not a list";
    QTest::newRow("scalar") << R"({"status":"success","data":{"resultType":"scalar","result":[1,"x"]}})"
                            << "data.result[1] is \"x\", not a number";
    QTest::newRow("deep") << QString(R"({"status":"success","data":)") + QString(100, QLatin1Char('[')) +
                                 QString(100, QLatin1Char(']')) + "}"
                          << "nested more than 32 levels deep";
}

void badAnswersNameTheirPath()
{
    QFETCH(QString, body);
    QFETCH(QString, words);
    const auto r = prom::decodeResponse(body.toStdString(), 200, where);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, net::Error::Kind::Decode);
    const QString message = QString::fromStdString(r.error().message);
    QVERIFY2(message.contains(words), qPrintable(message));
    QVERIFY2(message.startsWith(QStringLiteral("The answer of Prometheus at http://127.0.0.1:9090")),
             qPrintable(message));
    QVERIFY2(message.endsWith(QStringLiteral("Check that the address is Prometheus's HTTP API.")), qPrintable(message));
}

void anErrorStatusIsNamed()
{
    QVERIFY2(decodeMessage("<html>502 Bad Gateway</html>", 502).find("(HTTP 502) is an HTML page") != std::string::npos,
             decodeMessage("<html>", 502).c_str());
}

// Over the limits: a sentence saying to ask for less, never a crash or an unbounded wait.
void oversizedAnswersAreRefused()
{
    prom::Limits limits;
    limits.maxSeries = 3;
    std::string many = R"({"status":"success","data":{"resultType":"vector","result":[)";
    for (int i = 0; i < 4; ++i)
        many += std::string(i ? "," : "") + R"({"metric":{"i":")" + std::to_string(i) + R"("},"value":[1,"1"]})";
    many += "]}}";
    auto r = prom::decodeResponse(many, 200, where, limits);
    QVERIFY(!r);
    QCOMPARE(r.error().cause, net::Error::Cause::TooLarge);
    QVERIFY2(r.error().message.find("answered with 4 series, more than Signalbox reads. Ask for less") !=
                 std::string::npos,
             r.error().message.c_str());

    limits = {};
    limits.maxPoints = 5;
    r = prom::decodeResponse(matrixAnswer, 200, where, limits);
    QVERIFY(!r);
    QCOMPARE(r.error().cause, net::Error::Cause::TooLarge);
    QVERIFY(r.error().message.find("more than 5 points") != std::string::npos);

    limits = {};
    limits.maxBytes = 100;
    r = prom::decodeResponse(vectorAnswer, 200, where, limits);
    QVERIFY(!r);
    QCOMPARE(r.error().cause, net::Error::Cause::TooLarge);
    QVERIFY2(r.error().message.find("more than 100 bytes") != std::string::npos, r.error().message.c_str());

    limits = {};
    limits.maxLabels = 2;
    r = prom::decodeResponse(vectorAnswer, 200, where, limits);
    QVERIFY(!r);
    QVERIFY(r.error().message.find("data.result[0].metric has 4 labels, more than 2") != std::string::npos);
}

void valuesAsPrometheusWritesThem_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<double>("value");
    QTest::newRow("integer") << "12" << true << 12.0;
    QTest::newRow("fraction") << "0.25" << true << 0.25;
    QTest::newRow("negative") << "-3.5" << true << -3.5;
    QTest::newRow("exponent") << "1.5e-07" << true << 1.5e-07;
    QTest::newRow("big exponent") << "1e+300" << true << 1e300;
    QTest::newRow("plus inf") << "+Inf" << true << qInf();
    QTest::newRow("inf") << "Inf" << true << qInf();
    QTest::newRow("minus inf") << "-Inf" << true << -qInf();
    QTest::newRow("empty") << "" << false << 0.0;
    QTest::newRow("lower nan") << "nan" << false << 0.0;
    QTest::newRow("lower inf") << "inf" << false << 0.0;
    QTest::newRow("hex") << "0x10" << false << 0.0;
    QTest::newRow("trailing") << "1 " << false << 0.0;
    QTest::newRow("two numbers") << "1-2" << false << 0.0;
}

void valuesAsPrometheusWritesThem()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(double, value);
    double v = 0;
    QCOMPARE(prom::parseValue(text.toStdString(), v), ok);
    if (ok)
        QCOMPARE(v, value);
    QVERIFY(prom::parseValue("NaN", v) && std::isnan(v));
}

// What the client sends: the expression percent-encoded, times in seconds with milliseconds.
void queryStringsAreEncoded()
{
    QCOMPARE(prom::Client::queryString(
                 {{"query", "sum(rate(http_requests_total{status=~\"5..\"}[2m]))"}, {"time", "1780000000.250"}}),
             std::string("query=sum%28rate%28http_requests_total%7Bstatus%3D~%225..%22%7D%5B2m%5D%29%29&"
                         "time=1780000000.250"));
    QCOMPARE(prom::Client::queryString({{"query", "a b&c=d/e#f?"}}), std::string("query=a%20b%26c%3Dd%2Fe%23f%3F"));
}

} // namespace

class TestPromDecode : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsAnInstantVector() { ::readsAnInstantVector(); }
    void readsARangeMatrixWithNaNAndInfinities() { ::readsARangeMatrixWithNaNAndInfinities(); }
    void readsScalarsAndStrings() { ::readsScalarsAndStrings(); }
    void anEmptyVectorIsNoData() { ::anEmptyVectorIsNoData(); }
    void keepsWarningsAndInfos() { ::keepsWarningsAndInfos(); }
    void labelValuesStayPlainText() { ::labelValuesStayPlainText(); }
    void prometheusErrorsAreSentences_data() { ::prometheusErrorsAreSentences_data(); }
    void prometheusErrorsAreSentences() { ::prometheusErrorsAreSentences(); }
    void prometheusErrorTextIsBoundedAndPlain() { ::prometheusErrorTextIsBoundedAndPlain(); }
    void badAnswersNameTheirPath_data() { ::badAnswersNameTheirPath_data(); }
    void badAnswersNameTheirPath() { ::badAnswersNameTheirPath(); }
    void anErrorStatusIsNamed() { ::anErrorStatusIsNamed(); }
    void oversizedAnswersAreRefused() { ::oversizedAnswersAreRefused(); }
    void valuesAsPrometheusWritesThem_data() { ::valuesAsPrometheusWritesThem_data(); }
    void valuesAsPrometheusWritesThem() { ::valuesAsPrometheusWritesThem(); }
    void queryStringsAreEncoded() { ::queryStringsAreEncoded(); }
};

QTEST_GUILESS_MAIN(TestPromDecode)
#include "tst_prom_decode.moc"
