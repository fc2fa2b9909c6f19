// Racing operators against the local control plane: eight `signalbox swap` processes at once, round
// after round. With --expect-live exactly one wins each round and the Services flip once; without it
// the winners' reports agree with the selectors and the history. Apart from tst_swap so the long race
// runs beside the other swap tests rather than after them.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QProcess>
#include <QTest>
#include <memory>
#include <vector>

using testsupport::historyLength;
using testsupport::selectorOf;

class TestSwapRace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::exampleRolledOut());
        QVERIFY(testsupport::setExampleSlots());
    }

    void init()
    {
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro")));
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro-frontend")));
    }

    void racersWithExpectLiveSwapOncePerRound()
    {
        QVERIFY(testsupport::setExampleSlots());
        const int rounds = qEnvironmentVariableIntValue("SIGNALBOX_RACE_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("SIGNALBOX_RACE_ROUNDS")
                               : 200;
        QString live = QStringLiteral("a");
        for (int round = 0; round < rounds; ++round) {
            std::vector<std::unique_ptr<QProcess>> racers;
            for (int i = 0; i < 8; ++i) {
                racers.push_back(std::make_unique<QProcess>());
                racers.back()->start(testsupport::signalboxBinary(),
                                     QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                                                 QStringLiteral("--expect-live"), live} +
                                         testsupport::as(QStringLiteral("operator")));
            }
            int won = 0, lost = 0;
            QStringList other;
            for (auto& r : racers) {
                QVERIFY(r->waitForFinished(60000));
                if (r->exitCode() == 0)
                    ++won;
                else if (r->exitCode() == 5)
                    ++lost;
                else
                    other << QStringLiteral("exit %1: %2")
                                 .arg(r->exitCode())
                                 .arg(QString::fromUtf8(r->readAllStandardError()));
            }
            QVERIFY2(won == 1 && lost == 7, qPrintable(QStringLiteral("round %1: %2 won, %3 lost; %4")
                                                           .arg(round)
                                                           .arg(won)
                                                           .arg(lost)
                                                           .arg(other.join(u'|'))));
            live = live == QLatin1String("a") ? QStringLiteral("b") : QStringLiteral("a");
            QCOMPARE(selectorOf(QStringLiteral("uro")), live);
            QCOMPARE(selectorOf(QStringLiteral("uro-staging")),
                     live == QLatin1String("a") ? QStringLiteral("b") : QStringLiteral("a"));
        }
        qInfo("%d rounds of 8 racers: one winner each", rounds);
    }

    void racersWithoutExpectLiveAgreeWithTheirReports()
    {
        for (int round = 0; round < 5; ++round) {
            QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro")));
            const QString before = selectorOf(QStringLiteral("uro"));
            std::vector<std::unique_ptr<QProcess>> racers;
            for (int i = 0; i < 8; ++i) {
                racers.push_back(std::make_unique<QProcess>());
                racers.back()->start(
                    testsupport::signalboxBinary(),
                    QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")} +
                        testsupport::as(QStringLiteral("operator")));
            }
            int won = 0;
            for (auto& r : racers) {
                QVERIFY(r->waitForFinished(60000));
                QVERIFY2(r->exitCode() == 0 || r->exitCode() == 5 || r->exitCode() == 3,
                         r->readAllStandardError().constData());
                won += r->exitCode() == 0;
            }
            const QString after = selectorOf(QStringLiteral("uro"));
            QVERIFY(won >= 1);
            QCOMPARE(after == before, won % 2 == 0);
            QVERIFY(selectorOf(QStringLiteral("uro-staging")) != after);
            QCOMPARE(historyLength(QStringLiteral("uro")), won);
        }
    }
};

QTEST_GUILESS_MAIN(TestSwapRace)
#include "tst_swaprace.moc"
