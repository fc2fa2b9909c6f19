// The health monitor's schedule on a clock of the test's own: each target is asked once per its
// interval and never twice at once, targets that go away are forgotten (and their late answers
// dropped), a refused proxy is one sentence rather than a request per pod per interval, and the
// answers reach the slot states as per-pod results and a summary. The summaries' words are
// table-tested. The health column of the overview changes only the row it touches. Wired to a
// real HealthProber against a local server on 127.0.0.1, at most 8 questions are on the wire.
#include "kube/client.h"
#include "model/observe/healthmonitor.h"
#include "model/state/healthchecks.h"
#include "model/state/servicestate.h"
#include "model/views/servicelistmodel.h"
#include "support/httpserver.h"
#include "support/kubetest.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>
#include <algorithm>
#include <curl/curl.h>
#include <deque>
#include <optional>

using model::HealthResult;
using model::HealthSummary;
using model::HealthTarget;

namespace {

HealthResult pass(const std::string& target)
{
    HealthResult r;
    r.kind = HealthResult::Kind::Pass;
    r.target = target;
    r.status = 200;
    r.sentence = "answered 200 in 3 ms";
    return r;
}

HealthResult fail(const std::string& target)
{
    HealthResult r;
    r.kind = HealthResult::Kind::Fail;
    r.target = target;
    r.status = 500;
    r.sentence = "answered 500, expected 200";
    return r;
}

HealthResult refused(const std::string& target)
{
    HealthResult r;
    r.kind = HealthResult::Kind::Unknown;
    r.forbidden = true;
    r.target = target;
    r.sentence = "you may not ask pods through the API server's proxy in namespace uro (get on pods/proxy)";
    return r;
}

model::HealthSpec check(int interval)
{
    model::HealthSpec spec;
    spec.port = "4000";
    spec.intervalSeconds = interval;
    return spec;
}

HealthTarget pod(const std::string& name, int interval = 15, const std::string& ns = "uro")
{
    HealthTarget t;
    t.context = "ctx";
    t.ns = ns;
    t.name = name;
    t.pod.meta.name = name;
    t.pod.meta.ns = ns;
    kube::ContainerPort http;
    http.container = "uro";
    http.name = "http";
    http.port = 4000; // the check asks only a port the pod declares
    t.pod.ports.push_back(http);
    t.spec = check(interval);
    return t;
}

HealthTarget service(const std::string& name, int interval)
{
    HealthTarget t = pod(name, interval);
    t.service = true;
    t.pod = {};
    return t;
}

// Records every question and keeps its callback until the test answers it.
struct FakeAsker {
    struct Question {
        HealthTarget target;
        std::function<void(HealthResult)> done;
    };
    std::vector<Question> open;
    int asked = 0;
    int peak = 0;

    model::HealthMonitor::Ask ask()
    {
        return [this](const HealthTarget& t, std::function<void(HealthResult)> done) {
            open.push_back({t, std::move(done)});
            ++asked;
            peak = std::max(peak, static_cast<int>(open.size()));
        };
    }
    int count(const std::string& name) const
    {
        return static_cast<int>(
            std::count_if(open.begin(), open.end(), [&](const Question& q) { return q.target.name == name; }));
    }
    // Answers every open question with `answer(name)`.
    void answerAll(const std::function<HealthResult(const std::string&)>& answer)
    {
        auto questions = std::move(open);
        open.clear();
        for (auto& q : questions)
            q.done(answer(q.target.name));
    }
};

struct Fixture {
    FakeAsker asker;
    QDateTime now = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
    model::HealthMonitor monitor{asker.ask()};

    Fixture()
    {
        monitor.setAutomatic(false);
        monitor.setClock([this] { return now; });
    }
    void advance(int seconds) { now = now.addSecs(seconds); }
};

model::PodHealth podHealth(const std::string& name, std::optional<HealthResult> r)
{
    model::PodHealth p;
    p.pod = name;
    if (r)
        p.result = *r;
    return p;
}

} // namespace

class TestHealthMonitor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    void cleanupTestCase() { curl_global_cleanup(); }

    void throughAProberAtMostEightAreOnTheWire()
    {
        // Every request is held until the test answers it (200, as the pod app of the rig does).
        testsupport::HttpServer server(testsupport::HttpServer::Mode::Hold);
        QVERIFY(server.isListening());
        kube::Transport transport;
        kube::Client client(kubetest::serverConfig(server.origin(), "ctx", "uro"), &transport);
        model::HealthProber prober(&client);
        // Wired as the dashboard wires it: every question goes through the one prober of the client.
        model::HealthMonitor monitor([&prober](const HealthTarget& t, std::function<void(HealthResult)> done) {
            prober.checkPod(t.pod, t.spec, std::move(done));
        });
        monitor.setAutomatic(false);
        QDateTime now = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
        monitor.setClock([&now] { return now; });
        constexpr int kPods = 20;
        std::vector<HealthTarget> targets;
        for (int i = 0; i < kPods; ++i)
            targets.push_back(pod("uro-a-" + std::to_string(i)));
        monitor.setTargets(targets);
        QCOMPARE(monitor.tick(), kPods);
        QCOMPARE(monitor.inFlight(), kPods);
        QCOMPARE(transport.activeCount(), std::size_t(8));
        for (int answered = 0; answered < kPods; ++answered) {
            QTRY_VERIFY(server.held() >= 1);
            QVERIFY(static_cast<int>(transport.activeCount()) <= 8);
            QVERIFY(server.held() <= 8);
            server.answerOldest({200, {}, "ok"});
        }
        QTRY_COMPARE(monitor.inFlight(), 0);
        QCOMPARE(prober.peakInFlight(), 8);
        QCOMPARE(server.requests().size(), kPods);
        for (const auto& t : targets) {
            const HealthResult* r = monitor.result(t.key());
            QVERIFY(r);
            QVERIFY2(r->passed(), r->sentence.c_str());
        }
        // Within the interval nothing more goes out.
        now = now.addSecs(14);
        QCOMPARE(monitor.tick(), 0);
        QCOMPARE(transport.activeCount(), std::size_t(0));
    }

    void eachTargetOncePerInterval()
    {
        Fixture f;
        f.monitor.setTargets({pod("uro-a-1"), pod("uro-a-2"), service("uro", 10)});
        QCOMPARE(f.monitor.tick(), 3);
        QCOMPARE(f.asker.open.size(), std::size_t(3));
        // Still waiting for the answers, even long past the interval: not asked twice.
        f.advance(40);
        QCOMPARE(f.monitor.tick(), 0);
        QCOMPARE(f.monitor.inFlight(), 3);
        f.asker.answerAll(pass);
        QCOMPARE(f.monitor.inFlight(), 0);
        // Asked at t=0, so due again at t=10 (the Service) and t=15 (the pods): both already passed.
        QCOMPARE(f.monitor.tick(), 3);
        f.asker.answerAll(pass);
        // Now asked at t=40: nothing before t=50, the Service at 50, the pods at 55.
        f.advance(9);
        QCOMPARE(f.monitor.tick(), 0);
        f.advance(1);
        QCOMPARE(f.monitor.tick(), 1);
        QCOMPARE(f.asker.count("uro"), 1);
        f.asker.answerAll(pass);
        f.advance(4);
        QCOMPARE(f.monitor.tick(), 0);
        f.advance(1);
        QCOMPARE(f.monitor.tick(), 2);
        QCOMPARE(f.asker.count("uro-a-1"), 1);
        QCOMPARE(f.asker.count("uro-a-2"), 1);
        QCOMPARE(f.asker.asked, 3 + 3 + 1 + 2);
    }

    void perMinuteIsSixtyOverTheInterval()
    {
        // 50 pods at 15 s for one simulated minute, answering at once: exactly 4 questions each.
        Fixture f;
        std::vector<HealthTarget> targets;
        for (int i = 0; i < 50; ++i)
            targets.push_back(pod("p" + std::to_string(i)));
        f.monitor.setTargets(targets);
        for (int second = 0; second < 60; ++second) {
            f.monitor.tick();
            f.asker.answerAll(pass);
            f.advance(1);
        }
        QCOMPARE(f.asker.asked, 50 * 4);
    }

    void targetsThatGoAwayAreForgotten()
    {
        Fixture f;
        f.monitor.setTargets({pod("uro-a-1"), pod("uro-a-2")});
        QCOMPARE(f.monitor.tick(), 2);
        // uro-a-2 went away (scaled down, replaced) while its question was out.
        f.monitor.setTargets({pod("uro-a-1")});
        QCOMPARE(f.monitor.targetCount(), std::size_t(1));
        f.asker.answerAll(fail);
        QCOMPARE(f.monitor.inFlight(), 0);
        QVERIFY(f.monitor.result(pod("uro-a-1").key()));
        QVERIFY(!f.monitor.result(pod("uro-a-2").key()));
        // A pod of the same name coming back starts afresh: its old answer was not kept.
        f.monitor.setTargets({pod("uro-a-1"), pod("uro-a-2")});
        QVERIFY(!f.monitor.result(pod("uro-a-2").key()));
        QCOMPARE(f.monitor.tick(), 1);
        QCOMPARE(f.asker.count("uro-a-2"), 1);
        // An empty set: nothing is asked any more.
        f.asker.answerAll(pass);
        f.monitor.setTargets({});
        f.advance(3600);
        QCOMPARE(f.monitor.tick(), 0);
        QCOMPARE(f.monitor.targetCount(), std::size_t(0));
    }

    void targetsWithoutACheckAreNotAsked()
    {
        Fixture f;
        HealthTarget none = pod("uro-a-1");
        none.spec = {};
        f.monitor.setTargets({none});
        QCOMPARE(f.monitor.tick(), 0);
        QCOMPARE(f.monitor.targetCount(), std::size_t(0));
    }

    void aChangedCheckIsAskedAfresh()
    {
        Fixture f;
        f.monitor.setTargets({pod("uro-a-1", 60)});
        QCOMPARE(f.monitor.tick(), 1);
        f.asker.answerAll(pass);
        f.advance(5);
        QCOMPARE(f.monitor.tick(), 0);
        HealthTarget changed = pod("uro-a-1", 60);
        changed.spec.path = "/ready";
        f.monitor.setTargets({changed});
        QCOMPARE(f.monitor.tick(), 1);
        QCOMPARE(f.asker.open.front().target.spec.path, std::string("/ready"));
    }

    void aRefusalIsOneSentenceNotAStorm()
    {
        Fixture f;
        f.monitor.setTargets({pod("uro-a-1"), pod("uro-a-2"), pod("web-a-1", 15, "web")});
        QCOMPARE(f.monitor.tick(), 3);
        f.asker.answerAll([](const std::string& name) { return name == "web-a-1" ? pass(name) : refused(name); });
        QCOMPARE(f.monitor.refusals().size(), std::size_t(1));
        QVERIFY(f.monitor.refusals().begin()->second.find("pods/proxy") != std::string::npos);
        // For the pause, namespace uro is not asked; the other namespace is.
        for (int minute = 0; minute < 4; ++minute) {
            f.advance(60);
            QCOMPARE(f.monitor.tick(), 1);
            QCOMPARE(f.asker.count("web-a-1"), 1);
            f.asker.answerAll(pass);
        }
        const HealthResult* r = f.monitor.result(pod("uro-a-2").key());
        QVERIFY(r);
        QVERIFY(model::healthNotAllowed(*r));
        // A new pod in the refused namespace gets the sentence without a question.
        f.monitor.setTargets({pod("uro-a-1"), pod("uro-a-2"), pod("uro-a-3"), pod("web-a-1", 15, "web")});
        f.advance(15);
        QCOMPARE(f.monitor.tick(), 1);
        f.asker.answerAll(pass);
        QVERIFY(model::healthNotAllowed(*f.monitor.result(pod("uro-a-3").key())));
        // After the pause the namespace is asked again; a grant given meanwhile ends the refusal.
        f.advance(model::HealthMonitor::refusalPauseSeconds);
        QCOMPARE(f.monitor.tick(), 4);
        f.asker.answerAll(pass);
        QVERIFY(f.monitor.refusals().empty());
        QVERIFY(f.monitor.result(pod("uro-a-3").key())->passed());
    }

    void resultsAreToldOncePerBurst()
    {
        Fixture f;
        QSignalSpy told(&f.monitor, &model::HealthMonitor::resultsChanged);
        f.monitor.setTargets({pod("a"), pod("b"), pod("c")});
        f.monitor.tick();
        f.asker.answerAll(pass);
        QVERIFY(told.wait(2000));
        QCOMPARE(told.count(), 1);
        // The same answers again are no news.
        f.advance(15);
        f.monitor.tick();
        f.asker.answerAll(pass);
        QVERIFY(!told.wait(300));
        f.advance(15);
        f.monitor.tick();
        f.asker.answerAll([](const std::string& n) { return n == "b" ? fail(n) : pass(n); });
        QVERIFY(told.wait(2000));
        QCOMPARE(told.count(), 2);
    }

    void automaticAsksWhenDue()
    {
        // The monitor's own timer on the real clock: a new target is asked at once.
        FakeAsker asker;
        model::HealthMonitor monitor(asker.ask());
        monitor.setTargets({pod("uro-a-1")});
        QTRY_COMPARE(asker.asked, 1);
    }

    void answersReachTheSlots()
    {
        Fixture f;
        model::ServiceState st;
        st.spec.name = "uro";
        st.spec.ns = "uro";
        st.spec.applyDefaults();
        st.healthSpec = check(15);
        st.a.slot = model::Slot::A;
        st.a.ns = "uro";
        st.a.exists = true;
        st.a.pods = {"uro-a-1", "uro-a-2"};
        st.b.slot = model::Slot::B;
        st.b.ns = "uro";
        st.b.exists = true;
        st.b.pods = {"uro-b-1"};
        st.live = model::Slot::A;
        st.staging = model::Slot::B;
        st.liveServiceExists = st.stagingServiceExists = true;
        f.monitor.setTargets(
            {pod("uro-a-1"), pod("uro-a-2"), pod("uro-b-1"), service("uro", 15), service("uro-staging", 15)});
        model::fillHealth(f.monitor, st, "ctx", "ctx");
        QCOMPARE(st.a.healthCheck.state, HealthSummary::State::Waiting);
        QCOMPARE(st.a.podHealth.size(), std::size_t(2));
        QVERIFY(model::healthPending(st.a.podHealth[0].result));
        f.monitor.tick();
        f.asker.answerAll([](const std::string& n) { return n == "uro-a-2" || n == "uro" ? fail(n) : pass(n); });
        model::fillHealth(f.monitor, st, "ctx", "ctx");
        QCOMPARE(st.a.healthCheck.text, std::string("1 of 2 fail"));
        QCOMPARE(model::podHealthLine(st.a.podHealth[1]), std::string("uro-a-2  500, expected 200"));
        QCOMPARE(st.b.healthCheck.text, std::string("1 of 1 answer"));
        QCOMPARE(st.liveServiceHealth.state, HealthSummary::State::Failing);
        QCOMPARE(st.stagingServiceHealth.state, HealthSummary::State::Passing);
        QCOMPARE(st.sandbox.healthCheck.state, HealthSummary::State::NoPods);
        // Another context's pods of the same name are other pods.
        model::fillHealth(f.monitor, st, "other", "other");
        QCOMPARE(st.a.healthCheck.state, HealthSummary::State::Waiting);
    }

    void summaries_data()
    {
        QTest::addColumn<bool>("configured");
        QTest::addColumn<QStringList>("answers"); // per pod: pass, fail, refused, pending
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("compact");
        using S = HealthSummary::State;
        QTest::newRow("no check") << false << QStringList{"pass"} << int(S::NoCheck) << "no check"
                                  << "no check";
        QTest::newRow("no pods") << true << QStringList{} << int(S::NoPods) << "no pods to ask"
                                 << "no pods";
        QTest::newRow("all answer") << true << QStringList{"pass", "pass"} << int(S::Passing) << "2 of 2 answer"
                                    << "2/2 answer";
        QTest::newRow("one fails") << true << QStringList{"pass", "fail"} << int(S::Failing) << "1 of 2 fail"
                                   << "1 of 2 fail";
        QTest::newRow("failing beats waiting")
            << true << QStringList{"pending", "fail", "pass"} << int(S::Failing) << "1 of 3 fail"
            << "1 of 3 fail";
        QTest::newRow("refused beats the rest")
            << true << QStringList{"fail", "refused"} << int(S::NotAllowed) << "not allowed to ask (get on pods/proxy)"
            << "not allowed";
        QTest::newRow("waiting") << true << QStringList{"pending", "pending"} << int(S::Waiting)
                                 << "waiting for the first answer"
                                 << "asking";
        QTest::newRow("not through") << true << QStringList{"pass", "unasked"} << int(S::Waiting)
                                     << "1 of 2 could not be asked"
                                     << "1 of 2 could not be asked";
        QTest::newRow("partly asked") << true << QStringList{"pass", "pending"} << int(S::Waiting)
                                      << "1 of 2 answer, 1 not asked yet"
                                      << "1/2 answer";
    }

    void summaries()
    {
        QFETCH(bool, configured);
        QFETCH(QStringList, answers);
        QFETCH(int, state);
        QFETCH(QString, text);
        QFETCH(QString, compact);
        std::vector<model::PodHealth> pods;
        int i = 0;
        for (const QString& a : answers) {
            const std::string name = "p" + std::to_string(i++);
            std::optional<HealthResult> r;
            if (a == "pass")
                r = pass(name);
            else if (a == "fail")
                r = fail(name);
            else if (a == "refused")
                r = refused(name);
            else if (a == "unasked") {
                r = HealthResult{};
                r->sentence = "could not be asked: the API server did not answer";
            }
            pods.push_back(podHealth(name, r));
        }
        const HealthSummary s = model::summarizeHealth(configured, pods);
        QCOMPARE(int(s.state), state);
        QCOMPARE(QString::fromStdString(s.text), text);
        QCOMPARE(QString::fromStdString(s.compact), compact);
        if (s.state == HealthSummary::State::NotAllowed)
            QVERIFY(s.refusal.find("pods/proxy") != std::string::npos);
    }

    void healthColumnChangesOnlyItsRow()
    {
        auto make = [](const std::string& name, const std::vector<std::string>& answers) {
            model::ServiceState s;
            s.spec.name = name;
            s.spec.ns = "prod";
            s.spec.applyDefaults();
            s.healthSpec = check(15);
            s.a.slot = model::Slot::A;
            s.a.exists = true;
            s.b.slot = model::Slot::B;
            s.b.exists = true;
            s.live = model::Slot::A;
            s.staging = model::Slot::B;
            std::vector<model::PodHealth> pods;
            for (std::size_t i = 0; i < answers.size(); ++i) {
                const std::string pod = name + "-a-" + std::to_string(i);
                pods.push_back(podHealth(pod, answers[i] == "fail" ? fail(pod) : pass(pod)));
            }
            s.a.podHealth = pods;
            s.a.healthCheck = model::summarizeHealth(true, pods);
            s.b.podHealth = {podHealth(name + "-b-0", pass(name + "-b-0"))};
            s.b.healthCheck = model::summarizeHealth(true, s.b.podHealth);
            model::applyStatus(s);
            return s;
        };
        model::ServiceListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        const int col = model::ServiceListModel::HealthColumn;
        m.setServices({make("api", {"pass", "pass"}), make("uro", {"pass", "pass"})});
        QCOMPARE(m.headerData(col, Qt::Horizontal).toString(), QStringLiteral("Health"));
        QCOMPARE(m.data(m.index(1, col)).toString(), QStringLiteral("live 2/2 answer · staging 1/1 answer"));
        QCOMPARE(m.data(m.index(1, col), model::ServiceListModel::HealthRole).toInt(),
                 int(HealthSummary::State::Passing));
        m.setServices({make("api", {"pass", "pass"}), make("uro", {"pass", "fail"})});
        // Its row only: the visible cells (the failing check decided a new status, whose sentence
        // is every cell's tooltip), and the hidden attention rank the failing pod raised (its own signal).
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.first().at(0).value<QModelIndex>(), m.index(1, 0));
        QCOMPARE(changed.first().at(1).value<QModelIndex>(), m.index(1, model::ServiceListModel::SummaryColumn));
        QCOMPARE(m.data(m.index(1, model::ServiceListModel::StatusColumn)).toString(),
                 QStringLiteral("Live fails its check"));
        QCOMPARE(changed.last().at(0).value<QModelIndex>(), m.index(1, model::ServiceListModel::AttentionColumn));
        QCOMPARE(changed.last().at(1).value<QModelIndex>(), m.index(1, model::ServiceListModel::AttentionColumn));
        QCOMPARE(m.data(m.index(1, col)).toString(), QStringLiteral("live 1 of 2 fail · staging 1/1 answer"));
        QCOMPARE(m.data(m.index(1, col), model::ServiceListModel::HealthRole).toInt(),
                 int(HealthSummary::State::Failing));
        QVERIFY(m.data(m.index(1, col), Qt::ToolTipRole).toString().contains(QStringLiteral("uro-a-1  500")));

        // Staging on the live slot: one summary; no check configured: said so.
        auto same = make("uro", {"pass"});
        same.staging = model::Slot::A;
        auto none = make("api", {"pass"});
        none.healthSpec = {};
        m.setServices({none, same});
        QCOMPARE(m.data(m.index(0, col)).toString(), QStringLiteral("no check"));
        QCOMPARE(m.data(m.index(1, col)).toString(), QStringLiteral("1/1 answer"));
        auto refusedRow = make("uro", {"pass"});
        refusedRow.a.healthCheck = model::summarizeHealth(true, {podHealth("x", refused("x"))});
        refusedRow.b.healthCheck = refusedRow.a.healthCheck;
        m.setServices({none, refusedRow});
        QCOMPARE(m.data(m.index(1, col)).toString(), QStringLiteral("not allowed"));
        QVERIFY(m.data(m.index(1, col), Qt::ToolTipRole).toString().contains(QStringLiteral("get on pods/proxy")));
    }
};

QTEST_GUILESS_MAIN(TestHealthMonitor)
#include "tst_healthmonitor.moc"
