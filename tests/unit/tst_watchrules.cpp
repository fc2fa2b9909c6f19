// The watch after a swap as tables: a sequence of looks at the new live slot goes in, and the
// verdict (worse or not, and the sentence) after the last look comes out.
#include "model/rules/watchrules.h"

#include <QTest>

using Looks = std::vector<model::WatchLook>;
Q_DECLARE_METATYPE(Looks)

namespace {

model::WatchPod pod(const std::string& name, bool ready = true, int restarts = 0)
{
    return {name, ready, restarts};
}

model::HealthResult check(const std::string& target, int status, bool service = false)
{
    model::HealthResult r;
    r.target = target;
    r.service = service;
    r.status = std::max(status, 0); // -1: no answer
    r.kind = status == 200 ? model::HealthResult::Kind::Pass : model::HealthResult::Kind::Fail;
    r.sentence = status > 0 ? "answered " + std::to_string(status) : "did not answer within 2 s";
    return r;
}

model::HealthResult unknown(const std::string& target)
{
    model::HealthResult r;
    r.target = target;
    r.kind = model::HealthResult::Kind::Unknown;
    return r;
}

// Two ready pods of slot B, each answering `a` and `b` (0: no check this time).
model::WatchLook look(int a = 200, int b = 200, int restartsA = 0)
{
    model::WatchLook l;
    l.desired = 2;
    l.pods = {pod("uro-b-7d9", true, restartsA), pod("uro-b-x2k")};
    if (a)
        l.podChecks.push_back(check("uro-b-7d9", a));
    if (b)
        l.podChecks.push_back(check("uro-b-x2k", b));
    return l;
}

model::WatchLook withService(model::WatchLook l, int status)
{
    l.serviceCheck = check("uro", status, true);
    return l;
}

model::WatchJudgement run(const Looks& looks)
{
    const model::WatchSubject subject{"uro", "uro", model::Slot::B, 200};
    model::WatchJudgement j;
    for (const auto& l : looks) {
        j = model::judgeWatch(subject, j.memory, l);
        if (j.worse)
            break;
    }
    return j;
}

} // namespace

class TestWatchRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void verdict_data()
    {
        QTest::addColumn<Looks>("looks");
        QTest::addColumn<bool>("worse");
        QTest::addColumn<QString>("sentence");
        auto row = [](const char* name, Looks looks, bool worse, const char* sentence) {
            QTest::newRow(name) << looks << worse << QString::fromUtf8(sentence);
        };
        row("all well", {look(), look(), look(), look()}, false,
            "uro: slot B holds: 2 of 2 pods ready, no restarts since the swap, health checks pass");
        row("both pods fail three times in a row", {look(500, 500), look(500, 500), look(500, 500)}, true,
            "uro: 2 of 2 pods of slot B fail the health check 3 times in a row: uro-b-7d9 answered 500, expected 200");
        row("one failure is noise", {look(500, 200), look(), look()}, false, "health checks pass");
        row("two failures are not yet three", {look(), look(500), look(500)}, false, "1 health check failing (noted)");
        row("a pass in between breaks the streak", {look(500), look(500), look(), look(500), look(500)}, false,
            "failing (noted)");
        row("one pod of two failing", {look(), look(200, 503), look(200, 503), look(200, 503)}, true,
            "uro: 1 of 2 pods of slot B fail the health check 3 times in a row: uro-b-x2k answered 503, expected 200");
        row("no answer counts as a failure", {look(200, -1), look(200, -1), look(200, -1)}, true,
            "uro-b-x2k did not answer within 2 s");
        row("a look without checks keeps the streak", {look(500), look(0, 0), look(500), look(500)}, true,
            "3 times in a row: uro-b-7d9");
        row("unknown answers keep the streak", {look(500), look(500)}, false, "failing (noted)");
        row("the live Service fails three times",
            {withService(look(), 502), withService(look(), 502), withService(look(), 502)}, true,
            "uro: the live Service uro fails the health check 3 times in a row: answered 502, expected 200");
        row("the live Service fails twice",
            {withService(look(), 502), withService(look(), 502), withService(look(), 200)}, false,
            "health checks pass");
        row("restarts rise above the swap's", {look(200, 200, 1), look(200, 200, 1), look(200, 200, 3)}, true,
            "uro: pod uro-b-7d9 of slot B restarted 2 times since the swap");
        row("restarts before the swap are the baseline", {look(200, 200, 4), look(200, 200, 4)}, false,
            "no restarts since the swap");
        {
            model::WatchLook l = look();
            l.pods[1].ready = false;
            row("a pod not ready", {look(), l}, true,
                "uro: only 1 of 2 pods of slot B are ready (not ready: uro-b-x2k)");
        }
        {
            model::WatchLook l = look();
            l.pods.pop_back();
            l.podChecks.pop_back();
            row("a pod gone", {look(), l}, true, "uro: only 1 of 2 pods of slot B are ready (pods are missing)");
        }
        {
            model::WatchLook start = look();
            start.pods[1].ready = false;
            row("not ready already when the swap finished is no worse", {start, start}, false,
                "uro: slot B holds: 1 of 2 pods ready");
        }
        {
            model::WatchLook scaled = look();
            scaled.desired = 1;
            scaled.pods.pop_back();
            scaled.podChecks.pop_back();
            row("scaled down on purpose", {look(), scaled}, false, "uro: slot B holds: 1 of 1 pods ready");
        }
        {
            model::WatchLook replaced = look();
            replaced.pods[0] = pod("uro-b-new", true, 1);
            replaced.podChecks[0] = check("uro-b-new", 200);
            row("a new pod that restarted", {look(), replaced}, true,
                "uro: pod uro-b-new of slot B restarted 1 time since the swap");
        }
        {
            model::WatchLook failed = look(500, 500);
            model::WatchLook unread;
            unread.readFailure = "the API server did not answer";
            row("an unread look is not worse and keeps the streak", {failed, failed, unread}, false,
                "uro: the pods of slot B could not be read this time (the API server did not answer)");
            row("an unread look does not break the streak", {failed, unread, failed, failed}, true,
                "2 of 2 pods of slot B fail the health check 3 times in a row");
        }
    }

    void verdict()
    {
        QFETCH(Looks, looks);
        QFETCH(bool, worse);
        QFETCH(QString, sentence);
        // The unknown-answers row: two failures, then a look whose answers are unknown.
        if (QByteArray(QTest::currentDataTag()) == "unknown answers keep the streak") {
            model::WatchLook l = look(0, 0);
            l.podChecks = {unknown("uro-b-7d9"), unknown("uro-b-x2k")};
            looks.push_back(l);
        }
        const model::WatchJudgement j = run(looks);
        QCOMPARE(j.worse, worse);
        QVERIFY2(QString::fromStdString(j.sentence).contains(sentence), j.sentence.c_str());
    }

    void streakOfAGonePodIsDropped()
    {
        const model::WatchSubject subject{"uro", "uro", model::Slot::B, 200};
        model::WatchJudgement j = model::judgeWatch(subject, {}, look(500, 200));
        QCOMPARE(j.memory.failing["uro-b-7d9"], 1);
        model::WatchLook l = look(0, 200);
        l.desired = 1;
        l.pods.erase(l.pods.begin());
        j = model::judgeWatch(subject, j.memory, l);
        QVERIFY(!j.memory.failing.count("uro-b-7d9"));
    }

    void lookInterval_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("health");
        QTest::addColumn<int>("seconds");
        QTest::newRow("five minutes") << 300 << 15 << 5;
        QTest::newRow("twenty seconds") << 20 << 15 << 3;
        QTest::newRow("six seconds") << 6 << 15 << 1;
        QTest::newRow("two seconds") << 2 << 15 << 1;
        QTest::newRow("health asked more often") << 300 << 2 << 2;
        QTest::newRow("no health check") << 300 << 0 << 5;
    }

    void lookInterval()
    {
        QFETCH(int, window);
        QFETCH(int, health);
        QFETCH(int, seconds);
        QCOMPARE(model::watchLookSeconds(window, health), seconds);
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("seconds"); // -1: refused
        QTest::newRow("seconds") << "30s" << 30;
        QTest::newRow("minutes") << "5m" << 300;
        QTest::newRow("an hour") << "1h" << 3600;
        QTest::newRow("combined") << "1m30s" << 90;
        QTest::newRow("hours and minutes") << "1h5m" << 3900;
        QTest::newRow("zero") << "0s" << 0;
        QTest::newRow("a day") << "24h" << 86400;
        QTest::newRow("more than a day") << "25h" << -1;
        QTest::newRow("no unit") << "300" << -1;
        QTest::newRow("unknown unit") << "5x" << -1;
        QTest::newRow("typo") << "5mn" << -1;
        QTest::newRow("unit first") << "m5" << -1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("negative") << "-5m" << -1;
        QTest::newRow("spaces") << "5 m" << -1;
        QTest::newRow("units out of order") << "30s1m" << -1;
        QTest::newRow("a unit twice") << "5m5m" << -1;
        QTest::newRow("huge number") << "99999999999999999999s" << -1;
        QTest::newRow("upper case") << "5M" << -1;
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(int, seconds);
        const auto parsed = model::parseDurationSeconds(text.toStdString());
        if (seconds < 0)
            QVERIFY2(!parsed, qPrintable(text));
        else
            QCOMPARE(parsed.value_or(-1), seconds);
    }

    void durationSentences()
    {
        QCOMPARE(model::durationText(300), std::string("5 min"));
        QCOMPARE(model::durationText(20), std::string("20 s"));
        QCOMPARE(model::durationText(3690), std::string("1 h 1 min 30 s"));
        QCOMPARE(model::durationText(0), std::string("0 s"));
    }
};

QTEST_GUILESS_MAIN(TestWatchRules)
#include "tst_watchrules.moc"
