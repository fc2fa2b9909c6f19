// The preconditions of a swap, a rollback and a repair, as tables: facts read from the cluster
// (recorded objects, changed per case) -> the plan's checks. No cluster.
#include "rulefacts.h"

#include <QTest>
#include <functional>

using namespace rulefacts;
using Kind = model::SwapPlan::Kind;
using Change = std::function<void(std::vector<model::SwapFacts>&)>;

Q_DECLARE_METATYPE(Change)

namespace {

// A swap entry as the history records it: live went from slot `from` (running `image`) to the other.
std::string historyWith(model::Slot from, const std::string& image)
{
    kube::HistoryEntry e;
    e.at = "2026-11-01T10:00:00Z";
    e.user = "operator";
    e.action = "swap";
    e.service = "uro";
    e.from.slot = model::name(from);
    e.from.image = image;
    e.to.slot = model::name(model::other(from));
    return kube::appendHistory("", e, model::historyCap);
}

// The staging pods' health check as asked: each pod passes, or fails with `sentence`.
model::HealthFacts healthFacts(const std::vector<std::pair<std::string, std::string>>& pods)
{
    model::HealthFacts h;
    h.spec.port = "4000";
    h.spec.source = "annotations on Service uro";
    for (const auto& [name, failure] : pods) {
        model::HealthResult r;
        r.target = name;
        r.kind = failure.empty() ? model::HealthResult::Kind::Pass : model::HealthResult::Kind::Fail;
        r.sentence = failure.empty() ? "answered 200 in 3 ms" : failure;
        h.pods.push_back(r);
    }
    return h;
}

// Smoke requests to staging as sent: `failures` of `total` answers failed (the first with `first`).
model::SmokeFacts smokeFacts(int total, int failures,
                             const std::string& first = "GET /api answered 500 in 3 ms, "
                                                        "expected a 2xx status")
{
    model::SmokeFacts s;
    s.spec.requests.push_back({});
    s.spec.requests.back().path = "/api";
    s.spec.repeat = total;
    s.report.service = "uro-staging";
    for (int i = 0; i < total; ++i) {
        const bool fails = i >= total - failures;
        s.report.answers.push_back({0, fails ? 500 : 200, 3, !fails, fails ? first : "GET /api answered 200 in 3 ms"});
    }
    model::summarizeSmoke(s.spec, s.report);
    return s;
}

// The gate's metric analysis as looked: the default error ratio of staging against live (a negative
// value: no data), or, with `lookProblem`, Prometheus that could not be asked.
model::AnalysisFacts analysisFacts(double staging, double live, const std::string& lookProblem = {})
{
    model::AnalysisFacts a;
    a.spec.metrics = {model::defaultMetrics().front()};
    a.spec.windowSeconds = 20;
    a.target.url = "http://prometheus.example:9090";
    const auto measured = [&lookProblem](double v) {
        model::MeasuredValue m;
        if (v >= 0 && lookProblem.empty())
            m.value = v;
        m.problem = !lookProblem.empty() ? lookProblem : v < 0 ? "no data" : "";
        m.asked = lookProblem.empty();
        return m;
    };
    model::AnalysisLook look;
    look.metrics.push_back(model::readMetric(a.spec.metrics.front(), measured(staging), measured(live)));
    look.problem = lookProblem;
    a.look = look;
    return a;
}

std::string imageOf(const std::string& deploymentName)
{
    return model::slotFacts(model::Slot::A, deploymentName, deployment(deploymentName)).image;
}

} // namespace

class TestSwapRules : public QObject {
    Q_OBJECT

    // Columns: the kind, the members, a change to their facts, expectLive; then whether the plan is
    // allowed, the first failing check (a part of its text), and whether that is a permission or a
    // "changed since" failure.
    void columns()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("members");
        QTest::addColumn<Change>("change");
        QTest::addColumn<QChar>("expectLive");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("failure");
        QTest::addColumn<bool>("permission");
        QTest::addColumn<bool>("changed");
    }

    void check()
    {
        QFETCH(int, kind);
        QFETCH(QStringList, members);
        QFETCH(Change, change);
        QFETCH(QChar, expectLive);
        QFETCH(bool, allowed);
        QFETCH(QString, failure);
        QFETCH(bool, permission);
        QFETCH(bool, changed);
        std::vector<model::ServiceSpec> specs;
        std::vector<model::SwapFacts> facts;
        for (const auto& m : members) {
            specs.push_back(spec(m.toStdString()));
            facts.push_back(swapFacts(m.toStdString()));
        }
        if (change)
            change(facts);
        const std::optional<model::Slot> expect =
            expectLive.isNull() ? std::nullopt : model::parseSlot(QString(expectLive).toStdString());
        const auto plan = model::planSwap(Kind(kind), "uro", specs, facts, expect);
        QCOMPARE(plan.allowed(), allowed);
        const model::Check* f = plan.firstFailure();
        if (allowed) {
            QVERIFY(!f);
            QCOMPARE(plan.members.size(), std::size_t(members.size()));
            return;
        }
        QVERIFY(f);
        QVERIFY2(QString::fromStdString(f->text).contains(failure), f->text.c_str());
        QCOMPARE(f->permission, permission);
        QCOMPARE(f->changed, changed);
    }

private Q_SLOTS:
    void swap_data()
    {
        columns();
        const QStringList uro{QStringLiteral("uro")};
        const QChar any;
        auto row = [&](const char* name, Change c, bool allowed, const char* failure, bool permission = false,
                       QChar expect = QChar()) {
            QTest::newRow(name) << int(Kind::Swap) << uro << c << expect << allowed << QString::fromUtf8(failure)
                                << permission << false;
        };
        row("as recorded", {}, true, "");
        row(
            "live Service missing", [](auto& f) { f[0].live.reset(); }, false, "The live Service uro exists in uro");
        row(
            "staging Service missing", [](auto& f) { f[0].staging.reset(); }, false,
            "The staging Service uro-staging exists in uro");
        row(
            "slot B Deployment missing", [](auto& f) { f[0].b.reset(); }, false,
            "Both slot Deployments (uro-a, uro-b) exist");
        row(
            "live selects both slots", [](auto& f) { f[0].live->selector.erase("signalbox.v-sekai.org/slot"); }, false,
            "Live selects exactly one slot (it selects both)");
        row(
            "live selects neither slot", [](auto& f) { selectSlot(*f[0].live, "c"); }, false,
            "Live selects exactly one slot (it selects neither)");
        row(
            "staging on the live slot", [](auto& f) { selectSlot(*f[0].staging, "a"); }, false,
            "Staging points at the other slot (it points at slot A too: repair it first)");
        row(
            "staging selects neither", [](auto& f) { selectSlot(*f[0].staging, "x"); }, false,
            "Staging points at the other slot (it selects neither)");
        row(
            "staging selects both", [](auto& f) { f[0].staging->selector.erase("signalbox.v-sekai.org/slot"); }, false,
            "Staging points at the other slot (it selects both)");
        row(
            "live on B, staging on A",
            [](auto& f) {
                selectSlot(*f[0].live, "b");
                selectSlot(*f[0].staging, "a");
            },
            true, "");
        row(
            "staging not ready", [](auto& f) { f[0].b->readyReplicas = 1; }, false,
            "Staging (slot B, uro-b) is fully rolled out and ready (1 of 2 ready)");
        row(
            "staging scaled to zero",
            [](auto& f) {
                f[0].b->replicas = 0;
                f[0].b->readyReplicas = f[0].b->availableReplicas = f[0].b->updatedReplicas = f[0].b->statusReplicas =
                    0;
            },
            false, "Staging (slot B, uro-b) is fully rolled out and ready (0 of 0 ready)");
        row(
            "staging spec not yet seen", [](auto& f) { f[0].b->meta.generation = f[0].b->observedGeneration + 1; },
            false, "is fully rolled out and ready");
        row(
            "may not patch live", [](auto& f) { f[0].mayPatchLive = false; }, false, "You may patch the Service uro",
            true);
        row(
            "may not patch staging", [](auto& f) { f[0].mayPatchStaging = false; }, false,
            "You may patch the Service uro-staging", true);
        row(
            "may not record events", [](auto& f) { f[0].mayRecord = false; }, false, "You may record events in uro",
            true);
        row(
            "read forbidden",
            [](auto& f) { f[0].error = apiError(403, "Forbidden", "You (viewer) may not get services in uro."); },
            false, "You (viewer) may not get services in uro.", true);
        row(
            "read failed", [](auto& f) { f[0].error = transportError("Nothing answers at 127.0.0.1:1."); }, false,
            "Nothing answers at 127.0.0.1:1.");
        row("live as expected", {}, true, "", false, QChar('a'));
        QTest::newRow("live moved since")
            << int(Kind::Swap) << uro << Change() << QChar('b') << false
            << QStringLiteral("Live is on slot B as expected (it is on slot A)") << false << true;
        QTest::newRow("group: both pass") << int(Kind::Swap) << QStringList{"uro", "uro-frontend"} << Change() << any
                                          << true << QString() << false << false;
        QTest::newRow("group: one member on a half state")
            << int(Kind::Swap) << QStringList{"uro", "uro-frontend"}
            << Change([](auto& f) { selectSlot(*f[1].staging, "a"); }) << any << false
            << QStringLiteral("uro-frontend: Staging points at the other slot") << false << false;
        QTest::newRow("group: one member's slots missing")
            << int(Kind::Swap) << QStringList{"uro", "uro-frontend"} << Change([](auto& f) {
                   f[1].a.reset();
                   f[1].b.reset();
               })
            << any << false << QStringLiteral("uro-frontend: Both slot Deployments") << false << false;
    }
    void swap() { check(); }

    // A failing check that only the person can set right says how, in the plan's text too.
    void failingChecksSayWhatToDo()
    {
        auto firstFix = [](Kind kind, const Change& change) {
            std::vector<model::SwapFacts> facts{swapFacts("uro")};
            change(facts);
            const auto plan = model::planSwap(kind, "uro", {spec("uro")}, facts, std::nullopt);
            const model::Check* f = plan.firstFailure();
            return std::make_pair(f ? QString::fromStdString(f->fix) : QString(),
                                  QString::fromStdString(plan.describe()));
        };
        auto [fix, text] = firstFix(Kind::Swap, [](auto& f) { f[0].b->readyReplicas = 1; });
        QVERIFY2(fix.startsWith(QStringLiteral("Wait for the rollout to finish")), qPrintable(fix));
        QVERIFY2(text.contains(QStringLiteral("(1 of 2 ready)\n       Wait for the rollout to finish")), qPrintable(text));
        std::tie(fix, text) = firstFix(Kind::Swap, [](auto& f) { selectSlot(*f[0].staging, "a"); });
        QVERIFY2(fix.contains(QStringLiteral("signalbox repair uro")), qPrintable(fix));
        std::tie(fix, text) = firstFix(Kind::Swap, [](auto& f) { selectSlot(*f[0].staging, "x"); });
        QVERIFY2(fix.contains(QStringLiteral("Service uro-staging to slot B")), qPrintable(fix));
        std::tie(fix, text) = firstFix(Kind::Swap, [](auto& f) { selectSlot(*f[0].live, "c"); });
        QVERIFY2(fix.contains(QStringLiteral("Service uro to the slot that should be live")), qPrintable(fix));
        std::tie(fix, text) = firstFix(Kind::Rollback, [](auto&) {});
        QVERIFY2(fix.startsWith(QStringLiteral("Nothing is recorded to roll back")), qPrintable(fix));
        // A permission says nothing of its own: the kind of check says what to do.
        std::tie(fix, text) = firstFix(Kind::Swap, [](auto& f) { f[0].mayPatchLive = false; });
        QVERIFY(fix.isEmpty());
        QVERIFY2(text.endsWith(QStringLiteral("FAIL You may patch the Service uro\n  ok   You may patch the Service "
                                              "uro-staging\n  ok   You may record events in uro\n")),
                 qPrintable(text));
    }

    void rollback_data()
    {
        columns();
        const QStringList uro{QStringLiteral("uro")};
        auto row = [&](const char* name, Change c, bool allowed, const char* failure) {
            QTest::newRow(name) << int(Kind::Rollback) << uro << c << QChar() << allowed << QString::fromUtf8(failure)
                                << false << false;
        };
        row("no swap recorded", {}, false, "There is a swap to roll back (no swap is recorded)");
        row(
            "previous release untouched in staging",
            [](auto& f) {
                f[0].live->meta.annotations[model::historyAnnotation] = historyWith(model::Slot::B, imageOf("uro-b"));
            },
            true, "");
        row(
            "staging redeployed since",
            [](auto& f) {
                f[0].live->meta.annotations[model::historyAnnotation] =
                    historyWith(model::Slot::B, "ghcr.io/v-sekai/uro:older");
            },
            false, "still runs untouched in slot B (staging was redeployed since)");
        row(
            "last swap went the other way",
            [](auto& f) {
                f[0].live->meta.annotations[model::historyAnnotation] = historyWith(model::Slot::A, imageOf("uro-b"));
            },
            false, "(staging was redeployed since)");
        row(
            "an unreadable newest entry is passed over",
            [](auto& f) {
                std::string h = historyWith(model::Slot::B, imageOf("uro-b"));
                h.insert(h.size() - 1, ",\"written by someone else\"");
                f[0].live->meta.annotations[model::historyAnnotation] = h;
            },
            true, "");
        row(
            "a watch's entry after the swap is passed over",
            [](auto& f) {
                kube::HistoryEntry watch;
                watch.at = "2026-11-01T10:05:00Z";
                watch.action = "watch";
                watch.service = "uro";
                watch.result = "failed: uro-b-1 answered 500, expected 200";
                f[0].live->meta.annotations[model::historyAnnotation] =
                    kube::appendHistory(historyWith(model::Slot::B, imageOf("uro-b")), watch, model::historyCap);
            },
            true, "");
        row(
            "history is not a list", [](auto& f) { f[0].live->meta.annotations[model::historyAnnotation] = "{}"; },
            false, "There is a swap to roll back");
        row(
            "previous release not ready",
            [](auto& f) {
                f[0].live->meta.annotations[model::historyAnnotation] = historyWith(model::Slot::B, imageOf("uro-b"));
                f[0].b->readyReplicas = 0;
            },
            false, "is fully rolled out and ready (0 of 2 ready)");
    }
    void rollback() { check(); }

    void repair_data()
    {
        columns();
        const QStringList uro{QStringLiteral("uro")};
        auto row = [&](const char* name, Change c, bool allowed, const char* failure, bool permission = false) {
            QTest::newRow(name) << int(Kind::Repair) << uro << c << QChar() << allowed << QString::fromUtf8(failure)
                                << permission << false;
        };
        row("nothing to repair", {}, false, "Live and staging both point at slot A, so there is something to repair");
        row(
            "staging on live's slot", [](auto& f) { selectSlot(*f[0].staging, "a"); }, true, "");
        row(
            "staging on live's slot, staging not ready still repairs",
            [](auto& f) {
                selectSlot(*f[0].staging, "a");
                f[0].b->readyReplicas = 0;
            },
            true, "");
        row(
            "may not patch staging",
            [](auto& f) {
                selectSlot(*f[0].staging, "a");
                f[0].mayPatchStaging = false;
            },
            false, "You may patch the Service uro-staging", true);
        row(
            "live selects neither",
            [](auto& f) {
                selectSlot(*f[0].live, "x");
                selectSlot(*f[0].staging, "x");
            },
            false, "Live selects exactly one slot (it selects neither)");
        row(
            "slot A missing", [](auto& f) { f[0].a.reset(); }, false, "Both slot Deployments");
        row(
            "read forbidden", [](auto& f) { f[0].error = apiError(403, "Forbidden", "You may not."); }, false,
            "You may not.", true);
    }
    void repair() { check(); }

    // The gate before the swap: the staging pods' health check, per member that has one. Columns:
    // the kind, the members, a change to their facts, skip; whether allowed, a part of the health
    // check's text ("" when there must be none), whether that is a permission failure, and what
    // the history records for the first member.
    void health_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("members");
        QTest::addColumn<Change>("change");
        QTest::addColumn<bool>("skip");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("permission");
        QTest::addColumn<QString>("recorded");

        const QStringList uro{QStringLiteral("uro")};
        const QStringList group{QStringLiteral("uro"), QStringLiteral("uro-frontend")};
        const Change twoPass = [](auto& f) { f[0].health = healthFacts({{"uro-b-1", ""}, {"uro-b-2", ""}}); };
        const Change oneFails = [](auto& f) {
            f[0].health = healthFacts({{"uro-b-1", ""}, {"uro-b-2", "answered 500, expected 200"}});
        };
        QTest::newRow("all pass") << int(Kind::Swap) << uro << twoPass << false << true
                                  << "Every staging pod of uro answers the health check (GET /health on port 4000: 2 "
                                     "of 2 answered 200)"
                                  << false << "passed";
        QTest::newRow("one fails: refused, naming the pod")
            << int(Kind::Swap) << uro << oneFails << false << false
            << "Every staging pod of uro answers the health check (uro-b-2 answered 500, expected 200)" << false
            << "failed";
        QTest::newRow("one fails, skipped: allowed and recorded")
            << int(Kind::Swap) << uro << oneFails << true << true
            << "skipped, as you chose (uro-b-2 answered 500, expected 200)" << false << "skipped";
        QTest::newRow("all pass, skip asked: passed is recorded")
            << int(Kind::Swap) << uro << twoPass << true << true << "2 of 2 answered 200" << false << "passed";
        QTest::newRow("slow and closed: the first is named, the rest counted")
            << int(Kind::Swap) << uro << Change([](auto& f) {
                   f[0].health = healthFacts({{"uro-b-1", "did not answer within 2 s"},
                                              {"uro-b-2", "closed the connection without answering"}});
               })
            << false << false << "(uro-b-1 did not answer within 2 s, and 1 more)" << false << "failed";
        QTest::newRow("no check configured: no check added") << int(Kind::Swap) << uro << Change([](auto& f) {
            f[0].health = model::HealthFacts{};
            f[0].health->pods = healthFacts({{"uro-b-1", "answered 500, expected 200"}}).pods;
        }) << false << true << "" << false << "none";
        QTest::newRow("not asked: no check added")
            << int(Kind::Swap) << uro << Change() << false << true << "" << false << "none";
        QTest::newRow("no staging pods") << int(Kind::Swap) << uro
                                         << Change([](auto& f) { f[0].health = healthFacts({}); }) << false << false
                                         << "(there are no staging pods to ask)" << false << "failed";
        QTest::newRow("pods cannot be listed") << int(Kind::Swap) << uro << Change([](auto& f) {
            f[0].health = healthFacts({});
            f[0].health->error = "the staging pods cannot be listed: Nothing answers.";
        }) << false << false << "cannot be listed"
                                               << false << "failed";
        QTest::newRow("may not use the proxy: a permission failure") << int(Kind::Swap) << uro << Change([](auto& f) {
            f[0].health = healthFacts({{"uro-b-1", "you may not ask pods through the API server's proxy in "
                                                   "namespace uro (get on pods/proxy)"}});
            f[0].health->pods[0].kind = model::HealthResult::Kind::Unknown;
            f[0].health->pods[0].forbidden = true;
        }) << false << false << "(get on pods/proxy)" << true << "failed";
        QTest::newRow("rollback: no gate") << int(Kind::Rollback) << uro << Change([](auto& f) {
            f[0].live->meta.annotations[model::historyAnnotation] = historyWith(model::Slot::B, imageOf("uro-b"));
            f[0].health = healthFacts({{"uro-b-1", "answered 500, expected 200"}});
        }) << false << true << "" << false << "";
        QTest::newRow("group: the failing member is named")
            << int(Kind::Swap) << group << Change([](auto& f) {
                   f[0].health = healthFacts({{"uro-b-1", ""}});
                   f[1].health = healthFacts({{"uro-frontend-b-1", "nothing listens on port 3000"}});
               })
            << false << false
            << "uro-frontend: Every staging pod of uro-frontend answers the health check (uro-frontend-b-1 "
               "nothing listens on port 3000)"
            << false << "passed";
    }

    void health()
    {
        QFETCH(int, kind);
        QFETCH(QStringList, members);
        QFETCH(Change, change);
        QFETCH(bool, skip);
        QFETCH(bool, allowed);
        QFETCH(QString, text);
        QFETCH(bool, permission);
        QFETCH(QString, recorded);
        std::vector<model::ServiceSpec> specs;
        std::vector<model::SwapFacts> facts;
        for (const auto& m : members) {
            specs.push_back(spec(m.toStdString()));
            facts.push_back(swapFacts(m.toStdString()));
        }
        if (change)
            change(facts);
        const auto plan = model::planSwap(Kind(kind), "uro", specs, facts, std::nullopt,
                                          skip ? std::set{model::Evidence::Health} : std::set<model::Evidence>{});
        QCOMPARE(plan.allowed(), allowed);
        std::vector<const model::Check*> healthChecks;
        for (const auto& c : plan.checks)
            if (c.evidence == model::Evidence::Health)
                healthChecks.push_back(&c);
        if (text.isEmpty()) {
            QVERIFY(healthChecks.empty());
        } else {
            const auto named = std::find_if(healthChecks.begin(), healthChecks.end(), [&](const model::Check* c) {
                return QString::fromStdString(c->text).contains(text);
            });
            QVERIFY2(named != healthChecks.end(), plan.describe().c_str());
            if (!allowed) {
                QCOMPARE(plan.firstFailure(), *named); // the health check is what refuses it
                QCOMPARE((*named)->permission, permission);
                QVERIFY(plan.onlyEvidenceFails());
            }
        }
        QCOMPARE(plan.evidenceFails(model::Evidence::Health), !allowed);
        QCOMPARE(QString::fromStdString(plan.members.at(0).healthCheck),
                 recorded.isEmpty() ? QStringLiteral("none") : recorded);
        const kube::HistoryEntry entry = model::swapHistoryEntry(plan, plan.members.at(0), "2026-11-28T04:00:00Z");
        QCOMPARE(QString::fromStdString(entry.healthCheck), kind == int(Kind::Swap) ? recorded : QString());
    }

    // One skip model for every kind of evidence about staging: the person may swap without what fails
    // only when everything that fails is evidence they chose to skip. Columns: the health check's and
    // the smoke requests' failures, whether a permission fails too, what is skipped; then whether the plan
    // is allowed with the skips, whether only evidence fails in the plan as made, and what the history
    // records as skipped.
    void skipRules_data()
    {
        QTest::addColumn<bool>("healthFails");
        QTest::addColumn<bool>("smokeFails");
        QTest::addColumn<bool>("forbidden");
        QTest::addColumn<QStringList>("skip");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<bool>("onlyEvidence");
        QTest::addColumn<QStringList>("recorded");
        const QStringList none, health{QStringLiteral("health")}, smoke{QStringLiteral("smoke")};
        const QStringList both{QStringLiteral("health"), QStringLiteral("smoke")};
        QTest::newRow("all pass") << false << false << false << none << true << false << none;
        QTest::newRow("all pass, skips asked: nothing recorded")
            << false << false << false << both << true << false << none;
        QTest::newRow("smoke fails: refused") << false << true << false << none << false << true << none;
        QTest::newRow("smoke fails, smoke skipped") << false << true << false << smoke << true << true << smoke;
        QTest::newRow("smoke fails, health skipped: refused")
            << false << true << false << health << false << true << none;
        QTest::newRow("both fail, one skipped: refused") << true << true << false << smoke << false << true << smoke;
        QTest::newRow("both fail, both skipped") << true << true << false << both << true << true << both;
        QTest::newRow("a permission fails too: skipping cannot help")
            << false << true << true << smoke << false << false << smoke;
    }

    void skipRules()
    {
        QFETCH(bool, healthFails);
        QFETCH(bool, smokeFails);
        QFETCH(bool, forbidden);
        QFETCH(QStringList, skip);
        QFETCH(bool, allowed);
        QFETCH(bool, onlyEvidence);
        QFETCH(QStringList, recorded);
        auto f = swapFacts("uro");
        f.health = healthFacts({{"uro-b-1", healthFails ? "answered 500, expected 200" : ""}});
        f.smoke = smokeFacts(10, smokeFails ? 2 : 0);
        f.mayRecord = !forbidden;
        std::set<model::Evidence> skipped;
        for (const auto& name : skip)
            skipped.insert(*model::evidenceNamed(name.toStdString()));
        const auto asMade = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
        QCOMPARE(asMade.onlyEvidenceFails(), onlyEvidence);
        QCOMPARE(asMade.evidenceFails(model::Evidence::Smoke), smokeFails);
        QCOMPARE(asMade.evidenceFails(model::Evidence::Health), healthFails);
        // What the confirm dialog decides on the plan as made, and what the fresh plan with the skips says.
        QCOMPARE(asMade.allowedSkipping(skipped), allowed);
        const auto withSkips = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt, skipped);
        QCOMPARE(withSkips.allowed(), allowed);
        QCOMPARE(withSkips.onlyEvidenceFails(), !allowed && onlyEvidence);
        const kube::HistoryEntry entry =
            model::swapHistoryEntry(withSkips, withSkips.members.at(0), "2026-11-28T04:00:00Z");
        QStringList got;
        for (const auto& s : entry.skipped)
            got << QString::fromStdString(s);
        QCOMPARE(got, recorded);
        QCOMPARE(QString::fromStdString(entry.smokeCheck), !smokeFails ? QStringLiteral("passed")
                                                           : skipped.count(model::Evidence::Smoke)
                                                               ? QStringLiteral("skipped")
                                                               : QStringLiteral("failed"));
        // An older reader keeps reading it, and the skip comes back from the annotation.
        const auto read = kube::decodeHistory(kube::appendHistory("", entry, model::historyCap));
        QCOMPARE(read.size(), std::size_t(1));
        QCOMPARE(read.front().skipped, entry.skipped);
    }

    // The smoke check's text says how many failed and the first failure; no requests, no check.
    void smokeCheck()
    {
        auto f = swapFacts("uro");
        f.smoke = smokeFacts(10, 2);
        auto plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
        QVERIFY(!plan.allowed());
        QCOMPARE(plan.firstFailure()->evidence, std::optional(model::Evidence::Smoke));
        QCOMPARE(plan.firstFailure()->text,
                 std::string("Smoke requests to staging pass (2 of 10 failed; the first: GET /api answered 500 in 3 "
                             "ms, expected a 2xx status)"));
        f.smoke = smokeFacts(10, 0);
        plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
        QVERIFY(plan.allowed());
        QVERIFY(std::any_of(plan.checks.begin(), plan.checks.end(), [](const model::Check& c) {
            return c.text == "Smoke requests to staging pass (10 of 10 to uro-staging answered as expected)";
        }));
        f.smoke = model::SmokeFacts{};
        plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
        QVERIFY(std::none_of(plan.checks.begin(), plan.checks.end(),
                             [](const model::Check& c) { return c.evidence == model::Evidence::Smoke; }));
        // A refused proxy is a permission failure; a rollback has no smoke gate.
        f.smoke = smokeFacts(0, 0);
        f.smoke->report.error = "you may not send GET requests through the API server's proxy to Services in "
                                "namespace uro (get on services/proxy)";
        f.smoke->report.forbidden = true;
        plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
        QVERIFY(plan.refusedForPermission());
        QVERIFY(QString::fromStdString(plan.firstFailure()->text).contains(QStringLiteral("(get on services/proxy)")));
    }

    // The analysis check: staging's values against live's, each metric by its condition; no data or no
    // Prometheus is inconclusive, never a pass; both kinds of not passing are skipped the same way. Columns:
    // staging's and live's error ratio (negative: no data), Prometheus's problem, a configuration problem,
    // whether it is skipped; then whether the check holds, what the history records, and the check's text.
    void analysisCheck_data()
    {
        QTest::addColumn<double>("staging");
        QTest::addColumn<double>("live");
        QTest::addColumn<QString>("promProblem");
        QTest::addColumn<QString>("configProblem");
        QTest::addColumn<bool>("skip");
        QTest::addColumn<bool>("holds");
        QTest::addColumn<QString>("recorded");
        QTest::addColumn<QString>("text");
        const QString what = QStringLiteral("Metrics of uro's staging are no worse than live");
        const QString failing =
            QStringLiteral("error ratio: staging 20 % against live 0 %, fails candidate <= baseline * 1.2 + 0.005");
        const QString unreachable = QStringLiteral("Prometheus at http://prometheus.example:9090 did not answer");
        QTest::newRow("passed") << 0.001 << 0.001 << QString() << QString() << false << true << "passed"
                                << what + " (error ratio 0.1 % against 0.1 % over 20s)";
        QTest::newRow("passed, skip asked: nothing skipped")
            << 0.001 << 0.001 << QString() << QString() << true << true << "passed"
            << what + " (error ratio 0.1 % against 0.1 % over 20s)";
        QTest::newRow("failed") << 0.2 << 0.0 << QString() << QString() << false << false << "failed"
                                << what + " (" + failing + ")";
        QTest::newRow("failed, skipped") << 0.2 << 0.0 << QString() << QString() << true << true << "skipped"
                                         << what + ": skipped, as you chose (" + failing + ")";
        QTest::newRow("no data: inconclusive")
            << -1.0 << 0.0 << QString() << QString() << false << false << "inconclusive"
            << what + " (inconclusive, never a pass: error ratio: staging no data against live 0 % (candidate: no "
                      "data))";
        QTest::newRow("Prometheus unreachable: inconclusive")
            << 0.0 << 0.0 << unreachable << QString() << false << false << "inconclusive"
            << what + " (inconclusive, never a pass: " + unreachable + ")";
        QTest::newRow("Prometheus unreachable, skipped")
            << 0.0 << 0.0 << unreachable << QString() << true << true << "skipped"
            << what + ": skipped, as you chose (inconclusive, never a pass: " + unreachable + ")";
        QTest::newRow("no Prometheus configured: inconclusive")
            << 0.0 << 0.0 << QString() << QStringLiteral("no Prometheus is configured for uro") << false << false
            << "inconclusive" << what + " (no Prometheus is configured for uro)";
    }

    void analysisCheck()
    {
        QFETCH(double, staging);
        QFETCH(double, live);
        QFETCH(QString, promProblem);
        QFETCH(QString, configProblem);
        QFETCH(bool, skip);
        QFETCH(bool, holds);
        QFETCH(QString, recorded);
        QFETCH(QString, text);
        auto f = swapFacts("uro");
        f.analysis = analysisFacts(staging, live, promProblem.toStdString());
        if (!configProblem.isEmpty()) {
            f.analysis->look.reset();
            f.analysis->problem = configProblem.toStdString();
        }
        const std::set<model::Evidence> skipped =
            skip ? std::set{model::Evidence::Analysis} : std::set<model::Evidence>{};
        const auto plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt, skipped);
        const auto check = std::find_if(plan.checks.begin(), plan.checks.end(),
                                        [](const model::Check& c) { return c.evidence == model::Evidence::Analysis; });
        QVERIFY(check != plan.checks.end());
        QCOMPARE(QString::fromStdString(check->text), text);
        QCOMPARE(check->holds, holds);
        QCOMPARE(plan.allowed(), holds);
        QCOMPARE(plan.onlyEvidenceFails(), !holds);
        QCOMPARE(QString::fromStdString(plan.members.at(0).analysisCheck), recorded);
        // The history records the verdict, the skip, and the values measured; an older reader reads on.
        const kube::HistoryEntry entry = model::swapHistoryEntry(plan, plan.members.at(0), "2026-11-28T04:00:00Z");
        const auto read = kube::decodeHistory(kube::appendHistory("", entry, model::historyCap));
        QCOMPARE(read.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(read.front().analysisCheck), recorded);
        QCOMPARE(read.front().skipped, recorded == QStringLiteral("skipped") ? std::vector<std::string>{"analysis"}
                                                                             : std::vector<std::string>{});
        QCOMPARE(read.front().analysis.size(), configProblem.isEmpty() ? std::size_t(1) : std::size_t(0));
        if (configProblem.isEmpty()) {
            QCOMPARE(read.front().analysis.front().name, std::string("error ratio"));
            const auto value = [&promProblem](double v) {
                return v >= 0 && promProblem.isEmpty() ? std::optional(v) : std::nullopt;
            };
            QCOMPARE(read.front().analysis.front().staging, value(staging));
            QCOMPARE(read.front().analysis.front().live, value(live));
        }
    }

    // No analysis configured: no check, "none", and nothing in the history; a rollback has no analysis gate;
    // a refused proxy is a permission failure.
    void analysisCheckAbsent()
    {
        auto f = swapFacts("uro");
        const auto noCheck = [](const model::SwapPlan& plan) {
            return std::none_of(plan.checks.begin(), plan.checks.end(),
                                [](const model::Check& c) { return c.evidence == model::Evidence::Analysis; });
        };
        for (const std::optional<model::AnalysisFacts>& none :
             {std::optional<model::AnalysisFacts>{}, std::optional(model::AnalysisFacts{})}) {
            f.analysis = none;
            const auto plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
            QVERIFY(noCheck(plan));
            QVERIFY(plan.allowed());
            QCOMPARE(plan.members.at(0).analysisCheck, std::string("none"));
            const auto entry = model::swapHistoryEntry(plan, plan.members.at(0), "2026-11-28T04:00:00Z");
            QVERIFY(entry.analysisCheck.empty());
            QVERIFY(!entry.toJson().contains("analysis"));
        }
        f.analysis = analysisFacts(0.2, 0.0);
        QVERIFY(noCheck(model::planSwap(Kind::Rollback, "uro", {spec("uro")}, {f}, std::nullopt)));
        f.analysis = analysisFacts(0.0, 0.0, "you may not get services/proxy on prometheus in namespace monitoring");
        f.analysis->look->forbidden = true;
        const auto plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {f}, std::nullopt);
        QVERIFY(plan.refusedForPermission());
    }

    // An older entry has no analysis; one whose analysis is of the wrong shape keeps what can be read.
    void analysisHistoryTolerant()
    {
        const auto read = kube::decodeHistory(
            R"([{"at":"t","user":"u","action":"swap","service":"uro","from":{},"to":{}},)"
            R"({"at":"t","user":"u","action":"swap","service":"uro","from":{},"to":{},"analysisCheck":7,)"
            R"("analysis":[1,{"name":"error ratio","staging":"high","live":0.5},{"name":["x"]}]}])");
        QCOMPARE(read.size(), std::size_t(2));
        QVERIFY(read[0].readable() && read[0].analysis.empty() && read[0].analysisCheck.empty());
        QVERIFY(read[1].readable());
        QVERIFY(read[1].analysisCheck.empty());
        QCOMPARE(read[1].analysis.size(), std::size_t(2));
        QCOMPARE(read[1].analysis[0].name, std::string("error ratio"));
        QCOMPARE(read[1].analysis[0].staging, std::optional<double>());
        QCOMPARE(read[1].analysis[0].live, std::optional(0.5));
        QVERIFY(read[1].analysis[1].name.empty());
        std::string many = R"([{"at":"t","user":"u","action":"swap","service":"uro","from":{},"to":{},"analysis":[)";
        for (int i = 0; i < 50; ++i)
            many += std::string(i ? "," : "") + R"({"name":"m","staging":1,"live":1})";
        QCOMPARE(kube::decodeHistory(many + "]}]").front().analysis.size(), kube::historyMetricsLimit);
    }

    // Per request: passes, failures, the first failure, p50 and max time.
    void smokeSummary()
    {
        model::SmokeSpec spec;
        spec.requests.resize(2);
        spec.requests[0].path = "/a";
        spec.requests[1].method = "POST";
        spec.requests[1].path = "/b";
        model::SmokeReport r;
        r.answers = {{0, 200, 10, true, "ok"}, {1, 500, 40, false, "first b"}, {0, 200, 30, true, "ok"},
                     {1, 200, 20, true, "ok"}, {0, 0, 5000, false, "first a"}, {1, 500, 1, false, "second b"}};
        model::summarizeSmoke(spec, r);
        QCOMPARE(r.requests.size(), std::size_t(2));
        QCOMPARE(r.requests[0].what, std::string("GET /a"));
        QCOMPARE(r.requests[0].passes, 2);
        QCOMPARE(r.requests[0].failures, 1);
        QCOMPARE(r.requests[0].firstFailure, std::string("first a"));
        QCOMPARE(r.requests[0].p50Milliseconds, 30LL);
        QCOMPARE(r.requests[0].maxMilliseconds, 5000LL);
        QCOMPARE(r.requests[1].what, std::string("POST /b"));
        QCOMPARE(r.requests[1].failures, 2);
        QCOMPARE(r.requests[1].firstFailure, std::string("first b"));
        QCOMPARE(r.requests[1].p50Milliseconds, 20LL);
        QCOMPARE(r.failures(), 3);
        QCOMPARE(r.firstFailure(), std::string("first b"));
        QVERIFY(!r.passed());
    }

    void repairPointsStagingAtTheFreeSlot()
    {
        auto f = swapFacts("uro");
        selectSlot(*f.staging, "a");
        const auto plan = model::planSwap(Kind::Repair, "uro", {spec("uro")}, {f}, std::nullopt);
        QCOMPARE(plan.members.at(0).liveFrom, model::Slot::A);
        QCOMPARE(plan.members.at(0).liveTo, model::Slot::B);
    }

    void swapMovesLiveToStaging()
    {
        const auto plan = model::planSwap(Kind::Swap, "uro", {spec("uro")}, {swapFacts("uro")}, std::nullopt);
        QCOMPARE(plan.members.at(0).liveFrom, model::Slot::A);
        QCOMPARE(plan.members.at(0).liveTo, model::Slot::B);
        QCOMPARE(plan.members.at(0).to.deployment, std::string("uro-b"));
        QCOMPARE(plan.memberKeys, std::vector<std::string>{"uro/uro"});
        QCOMPARE(plan.group, std::string("uro"));
    }

    // Which services a plan covers: a swap its group, a repair the one service.
    void members()
    {
        auto other = spec("other");
        other.group = "other";
        const std::vector<model::ServiceSpec> known{spec("uro"), spec("uro-frontend"), other};
        QCOMPARE(model::swapMembers(Kind::Swap, "uro", known).size(), std::size_t(2));
        QCOMPARE(model::swapMembers(Kind::Rollback, "uro-frontend", known).size(), std::size_t(2));
        QCOMPARE(model::swapMembers(Kind::Repair, "uro", known).size(), std::size_t(1));
        QCOMPARE(model::swapMembers(Kind::Swap, "other", known).size(), std::size_t(1));
        QVERIFY(model::swapMembers(Kind::Swap, "nope", known).empty());
        const auto plan = model::planSwap(Kind::Swap, "nope", {}, {}, std::nullopt);
        QVERIFY(!plan.allowed());
        QCOMPARE(plan.firstFailure()->text,
                 std::string("There is a service named nope (check its name and the namespace)"));
    }

    // Each slot's names: as the cluster writes it, its letter and how a sentence names it.
    void slotNames_data()
    {
        QTest::addColumn<int>("slot");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("letter");
        QTest::addColumn<QString>("display");
        QTest::addColumn<int>("other");
        QTest::newRow("A") << int(model::Slot::A) << "a"
                           << "A"
                           << "slot A" << int(model::Slot::B);
        QTest::newRow("B") << int(model::Slot::B) << "b"
                           << "B"
                           << "slot B" << int(model::Slot::A);
        QTest::newRow("sandbox") << int(model::Slot::Sandbox) << "s"
                                 << "S"
                                 << "sandbox" << int(model::Slot::Sandbox);
    }

    void slotNames()
    {
        QFETCH(int, slot);
        QFETCH(QString, name);
        QFETCH(QString, letter);
        QFETCH(QString, display);
        QFETCH(int, other);
        const auto s = model::Slot(slot);
        QCOMPARE(QString::fromStdString(model::name(s)), name);
        QCOMPARE(QString::fromStdString(model::letter(s)), letter);
        QCOMPARE(QString::fromStdString(model::displayName(s)), display);
        QCOMPARE(model::other(s), model::Slot(other));
    }

    // Only the slot label's own values name a slot; the sandbox is no value of it.
    void parseSlot_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("slot"); // -1: none
        QTest::newRow("a") << "a" << int(model::Slot::A);
        QTest::newRow("b") << "b" << int(model::Slot::B);
        for (const char* text : {"", "A", "B", "s", "sandbox", "c", "a ", "ab", "live"})
            QTest::newRow(qPrintable(QStringLiteral("'%1'").arg(QLatin1String(text)))) << text << -1;
    }

    void parseSlot()
    {
        QFETCH(QString, text);
        QFETCH(int, slot);
        const std::optional<model::Slot> parsed = model::parseSlot(text.toStdString());
        QCOMPARE(parsed, slot < 0 ? std::nullopt : std::optional(model::Slot(slot)));
        if (parsed)
            QCOMPARE(QString::fromStdString(model::name(*parsed)), text);
    }

    // One definition of "rolled out": the tile's rollout text and the swap's check read the same rule.
    void rollout_data()
    {
        QTest::addColumn<QList<int>>("counts"); // replicas, status, updated, available, ready
        QTest::addColumn<bool>("seen");         // the controller saw the newest generation
        QTest::addColumn<bool>("stalled");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("text");
        using R = model::Rollout;
        QTest::newRow("rolled out") << QList<int>{2, 2, 2, 2, 2} << true << false << int(R::Complete) << "rolled out";
        QTest::newRow("not seen") << QList<int>{2, 2, 2, 2, 2} << false << false << int(R::Progressing)
                                  << "waiting for the controller to see the new version";
        QTest::newRow("stalled") << QList<int>{2, 3, 1, 2, 2} << true << true << int(R::Stalled)
                                 << "stalled: no progress for 600 s";
        QTest::newRow("scaled to zero") << QList<int>{0, 0, 0, 0, 0} << true << false << int(R::ScaledDown)
                                        << "scaled to zero";
        QTest::newRow("updating") << QList<int>{2, 3, 1, 2, 2} << true << false << int(R::Progressing)
                                  << "1 of 2 pods updated";
        QTest::newRow("old pod left") << QList<int>{2, 3, 2, 2, 2} << true << false << int(R::Progressing)
                                      << "1 old pod still terminating";
        QTest::newRow("not available") << QList<int>{2, 2, 2, 1, 1} << true << false << int(R::Progressing)
                                       << "1 of 2 updated pods available";
        QTest::newRow("not ready") << QList<int>{2, 2, 2, 2, 1} << true << false << int(R::Progressing)
                                   << "1 of 2 pods ready";
        QTest::newRow("scaling down") << QList<int>{2, 3, 3, 3, 3} << true << false << int(R::Progressing)
                                      << "scaling to 2 pods (3 now)";
    }

    void rollout()
    {
        QFETCH(QList<int>, counts);
        QFETCH(bool, seen);
        QFETCH(bool, stalled);
        QFETCH(int, state);
        QFETCH(QString, text);
        kube::Deployment d;
        d.meta.generation = 4;
        d.observedGeneration = seen ? 4 : 3;
        d.replicas = counts[0];
        d.statusReplicas = counts[1];
        d.updatedReplicas = counts[2];
        d.availableReplicas = counts[3];
        d.readyReplicas = counts[4];
        if (stalled)
            d.conditions.push_back({"Progressing", "False", "ProgressDeadlineExceeded", "", "", ""});
        const model::RolloutStatus r = model::rolloutOf(d);
        QCOMPARE(int(r.state), state);
        QCOMPARE(QString::fromStdString(r.text), text);
        QCOMPARE(model::rolledOut(d), r.state == model::Rollout::Complete);
        QCOMPARE(model::slotFacts(model::Slot::B, "uro-b", d).rolledOut, model::rolledOut(d));
    }

    // The slot a Service selects, over the Deployments that exist.
    void selected()
    {
        const std::optional<kube::Deployment> a = deployment("uro-a"), b = deployment("uro-b");
        kube::Service svc = service("uro");
        bool both = true;
        QCOMPARE(model::selectedSlot(svc, a, b, &both), std::optional(model::Slot::A));
        QVERIFY(!both);
        QCOMPARE(model::selectedSlot(svc, std::nullopt, b, &both), std::optional<model::Slot>());
        QVERIFY(!both);
        svc.selector.erase("signalbox.v-sekai.org/slot");
        QCOMPARE(model::selectedSlot(svc, a, b, &both), std::optional<model::Slot>());
        QVERIFY(both);
        QCOMPARE(model::selectedSlot(svc, &*a, nullptr, &both), std::optional(model::Slot::A));
        QVERIFY(!both);
    }

    void bySlot()
    {
        int a = 1, b = 2;
        QCOMPARE(&model::bySlot(model::Slot::A, a, b), &a);
        QCOMPARE(&model::bySlot(model::Slot::B, a, b), &b);
    }
};

QTEST_GUILESS_MAIN(TestSwapRules)
#include "tst_swaprules.moc"
