// "When all of these have answered" (model/rules/join.h): done once, after the last part, whether
// parts answer in order, out of order or at once; a part dropped without answering is named as
// missing instead of hanging the join; a part called twice counts once.
#include "model/rules/join.h"

#include <QTest>
#include <optional>

class TestJoin : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void doneAfterTheLastPartInAnyOrder()
    {
        int done = 0;
        model::Join::Result result;
        auto join = model::Join::make([&](const model::Join::Result& r) {
            ++done;
            result = r;
        });
        auto a = join->part("a"), b = join->part("b"), c = join->part("c");
        join->seal();
        b();
        a();
        QCOMPARE(done, 0);
        c();
        QCOMPARE(done, 1);
        QVERIFY(result.complete());
        a(); // a second call counts for nothing
        QCOMPARE(done, 1);
    }

    void partsThatAnswerAtOnceWaitForTheSeal()
    {
        int done = 0;
        auto join = model::Join::make([&] { ++done; });
        join->part()();
        join->part()();
        QCOMPARE(done, 0); // more parts may still come
        join->seal();
        QCOMPARE(done, 1);
    }

    void noPartsIsDoneAtTheSeal()
    {
        int done = 0;
        model::Join::make([&] { ++done; })->seal();
        QCOMPARE(done, 1);
    }

    // A request cancelled with its callback, an owner that went away: the answer can no longer
    // come, and the join says which instead of waiting for ever.
    void aDroppedPartIsNamedMissing()
    {
        int done = 0;
        model::Join::Result result;
        auto join = model::Join::make([&](const model::Join::Result& r) {
            ++done;
            result = r;
        });
        auto live = join->part("the live Service");
        {
            auto staging = join->part("the staging Service");
            Q_UNUSED(staging);
        }
        join->seal();
        QCOMPARE(done, 0);
        live();
        QCOMPARE(done, 1);
        QVERIFY(!result.complete());
        QCOMPARE(result.missing, std::vector<std::string>{"the staging Service"});
    }

    // Parts dropped in any order are said in the order they were handed out, so a sentence made
    // of them reads the same each time; `lacks` finds one by the name it was given.
    void droppedPartsAreSaidInTheOrderHandedOut()
    {
        model::Join::Result result;
        auto join = model::Join::make([&](const model::Join::Result& r) { result = r; });
        auto a = std::make_optional(join->part("the staging Service uro-staging"));
        auto b = join->part("the live Service uro");
        auto c = std::make_optional(join->part("the Deployment uro-a"));
        auto d = std::make_optional(join->part("the Deployment uro-b"));
        join->seal();
        d.reset();
        b();
        c.reset();
        a.reset();
        QCOMPARE(result.missing, (std::vector<std::string>{"the staging Service uro-staging", "the Deployment uro-a",
                                                           "the Deployment uro-b"}));
        QVERIFY(result.lacks("the Deployment uro-a"));
        QVERIFY(!result.lacks("the live Service uro"));
        QCOMPARE(result.list(),
                 std::string("the staging Service uro-staging, the Deployment uro-a and the Deployment uro-b"));
    }

    // What did not answer, as the error a failed read would be: a sentence naming it, and what to do.
    void theMissingAreOneSentence()
    {
        model::Join::Result one{{"the live Service uro"}};
        QCOMPARE(one.list(), std::string("the live Service uro"));
        const net::Error e = one.error();
        QCOMPARE(e.message, std::string("No answer came for the live Service uro (the request was dropped before it "
                                        "was answered). Try again."));
        QCOMPARE(e.kind, net::Error::Kind::Transport);
        QCOMPARE(e.cause, net::Error::Cause::Cancelled);
        QCOMPARE(e.httpStatus, 0); // not a permission: no "ask for access" advice follows it
        QCOMPARE((model::Join::Result{{"a", "b"}}.list()), std::string("a and b"));
        QVERIFY(model::Join::Result{}.complete());
    }

    // A join whose parts are all dropped still ends, once, naming every one.
    void everyPartDroppedStillEndsOnce()
    {
        int done = 0;
        model::Join::Result result;
        {
            auto join = model::Join::make([&](const model::Join::Result& r) {
                ++done;
                result = r;
            });
            std::function<void()> kept = join->part("x");
            auto copy = kept; // copies share one answer
            join->part("y");  // handed out and dropped at once
            join->seal();
            QCOMPARE(done, 0);
            kept = nullptr;
            QCOMPARE(done, 0); // `copy` may still answer
        }
        QCOMPARE(done, 1);
        QCOMPARE(result.missing, (std::vector<std::string>{"x", "y"}));
    }

    // The parts keep the join alive: the code that made it may return before they answer.
    void thePartsKeepTheJoinAlive()
    {
        int done = 0;
        std::function<void()> later;
        {
            auto join = model::Join::make([&] { ++done; });
            later = join->part("x");
            join->seal();
        }
        QCOMPARE(done, 0);
        later();
        QCOMPARE(done, 1);
    }
};

QTEST_APPLESS_MAIN(TestJoin)
#include "tst_join.moc"
