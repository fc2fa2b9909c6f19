// "When all of these have answered" (model/rules/join.h): done once, after the last part, whether
// parts answer in order, out of order or at once; a part dropped without answering is named as
// missing instead of hanging the join; a part called twice counts once.
#include "model/rules/join.h"

#include <QTest>

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
