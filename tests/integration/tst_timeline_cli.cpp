// The release timeline and the delivery figures on the real API server: a deploy to staging, a group
// swap watched for a few seconds and a rollback of uro and uro-frontend are listed by `signalbox
// timeline` newest first, with who did each and how long the watch took; `signalbox stats` on that
// record counts one swap for the group, failed by the rollback, with the deployed image's build time as
// its lead time.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

testsupport::ProcessResult signalbox(const QString& user, const QStringList& args)
{
    return testsupport::signalbox(user, args, 180000);
}

QJsonDocument jsonOf(const testsupport::ProcessResult& r)
{
    return QJsonDocument::fromJson(r.out);
}

} // namespace

class TestTimelineCli : public QObject {
    Q_OBJECT

    QString m_registry;

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        m_registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (m_registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/registry up and eval \"$(scripts/registry env)\", "
                  "or run scripts/test.");
        testsupport::resetExample();
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void aDeploySwapWatchAndRollbackInOrder()
    {
        const auto deploy = signalbox(QStringLiteral("deployer"),
                                      {QStringLiteral("deploy"), QStringLiteral("uro"), QStringLiteral("--to"),
                                       QStringLiteral("staging"), QStringLiteral("--image"),
                                       m_registry + QStringLiteral("/v-sekai/uro:3f2c1a9"), QStringLiteral("--wait")});
        QVERIFY2(deploy.exitCode == 0, qPrintable(deploy.describe()));
        const auto swap = signalbox(QStringLiteral("operator"),
                                    {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                                     QStringLiteral("--watch"), QStringLiteral("4s")});
        QVERIFY2(swap.exitCode == 0, qPrintable(swap.describe()));
        const auto rollback = signalbox(QStringLiteral("operator"),
                                        {QStringLiteral("rollback"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(rollback.exitCode == 0, qPrintable(rollback.describe()));

        // Newest first: each service's rollback, watch and swap, then the deploy.
        const auto timeline = signalbox(QStringLiteral("viewer"),
                                        {QStringLiteral("timeline"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(timeline.exitCode == 0, qPrintable(timeline.describe()));
        const QJsonArray entries = jsonOf(timeline).object().value(QStringLiteral("entries")).toArray();
        // The namespace's record began with the deploy: it reaches from today.
        QVERIFY2(jsonOf(timeline)
                     .object()
                     .value(QStringLiteral("recordFrom"))
                     .toString()
                     .startsWith(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd"))),
                 qPrintable(timeline.describe()));
        QStringList order;
        for (const auto& v : entries) {
            const QJsonObject e = v.toObject();
            order << e.value(QStringLiteral("service")).toString() + u' ' +
                         e.value(QStringLiteral("action")).toString();
        }
        QCOMPARE(order.size(), 7);
        // Within one action the two members share a time; the services' order there is not the point.
        auto actionsOf = [&order](int from, int to) {
            QStringList a;
            for (int i = from; i < to; ++i)
                a << order.at(i).section(u' ', 1);
            return a;
        };
        QCOMPARE(actionsOf(0, 2), QStringList({"rollback", "rollback"}));
        QCOMPARE(actionsOf(2, 4), QStringList({"watch", "watch"}));
        QCOMPARE(actionsOf(4, 6), QStringList({"swap", "swap"}));
        QCOMPARE(order.at(6), QStringLiteral("uro deploy"));
        for (const auto& v : entries) {
            const QJsonObject e = v.toObject();
            const QString action = e.value(QStringLiteral("action")).toString();
            QCOMPARE(e.value(QStringLiteral("user")).toString(),
                     action == QLatin1String("deploy") ? QStringLiteral("deployer") : QStringLiteral("operator"));
            if (action == QLatin1String("watch")) {
                QCOMPARE(e.value(QStringLiteral("outcome")).toString(), QStringLiteral("held"));
                const double took = e.value(QStringLiteral("seconds")).toDouble(-1);
                QVERIFY2(took >= 3 && took <= 60, qPrintable(timeline.describe()));
            }
        }
        // As text, one line each, and only one service's when asked.
        const auto text = signalbox(QStringLiteral("viewer"), {QStringLiteral("timeline"), QStringLiteral("--service"),
                                                               QStringLiteral("uro-frontend")});
        QVERIFY2(text.exitCode == 0, qPrintable(text.describe()));
        QStringList lines = text.outText().split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(!lines.isEmpty() && lines.takeFirst().startsWith(QStringLiteral("record from ")),
                 qPrintable(text.describe()));
        QCOMPARE(lines.size(), 3);
        for (const QString& line : lines)
            QVERIFY2(line.contains(QStringLiteral("  uro-frontend  ")), qPrintable(line));
        QVERIFY2(lines.at(1).contains(QStringLiteral("watch")) && lines.at(1).contains(QStringLiteral("held  took ")),
                 qPrintable(lines.at(1)));
        // Typos are usage errors.
        QCOMPARE(signalbox(QStringLiteral("viewer"),
                           {QStringLiteral("timeline"), QStringLiteral("--since"), QStringLiteral("a week")})
                     .exitCode,
                 2);
        QCOMPARE(signalbox(QStringLiteral("viewer"),
                           {QStringLiteral("timeline"), QStringLiteral("--service"), QStringLiteral("uro-nothing")})
                     .exitCode,
                 2);

        // The figures: one swap of the group, followed within the hour by a rollback.
        const auto stats =
            signalbox(QStringLiteral("viewer"), {QStringLiteral("stats"), QStringLiteral("--since"),
                                                 QStringLiteral("7d"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(stats.exitCode == 0, qPrintable(stats.describe()));
        const QJsonArray groups = jsonOf(stats).object().value(QStringLiteral("groups")).toArray();
        QJsonObject uro;
        for (const auto& g : groups)
            if (g.toObject().value(QStringLiteral("group")).toString() == QLatin1String("uro"))
                uro = g.toObject();
        QVERIFY2(!uro.isEmpty(), qPrintable(stats.describe()));
        const QJsonObject f = uro.value(QStringLiteral("figures")).toObject();
        QCOMPARE(f.value(QStringLiteral("swaps")).toInt(), 1);
        QCOMPARE(f.value(QStringLiteral("failedSwaps")).toInt(), 1);
        QCOMPARE(f.value(QStringLiteral("changeFailureRate")).toDouble(), 1.0);
        QCOMPARE(f.value(QStringLiteral("restores")).toInt(), 0); // no watch failed: nothing to restore
        // The lead time: from the deployed image's build time (uro's; the frontend's example image says none).
        QCOMPARE(f.value(QStringLiteral("leadTimeSamples")).toInt(), 1);
        const QDateTime built = QDateTime::fromString(QStringLiteral("2024-03-05T10:00:00Z"), Qt::ISODate);
        const double expected = double(built.secsTo(QDateTime::currentDateTimeUtc()));
        const double lead = f.value(QStringLiteral("leadTimeMedianSeconds")).toDouble();
        QVERIFY2(qAbs(lead - expected) < 600, qPrintable(stats.describe()));
        QCOMPARE(uro.value(QStringLiteral("services")).toArray().size(), 2);
    }

    // A Kubernetes Event about a slot after those entries: listed with --events only, marked as an event,
    // its control characters escaped; --events goes with timeline alone.
    void eventsBetweenEntriesWhenAsked()
    {
        QVERIFY(testsupport::addDeploymentEvent(QStringLiteral("uro-a"), QStringLiteral("Normal"),
                                                QStringLiteral("ScalingReplicaSet"),
                                                QStringLiteral("Scaled up replica set uro-a-5f6d to 2\x1b[31m")));
        const QStringList uro = {QStringLiteral("timeline"), QStringLiteral("--service"), QStringLiteral("uro")};
        const auto plain = signalbox(QStringLiteral("viewer"), uro);
        QVERIFY2(plain.exitCode == 0 && !plain.outText().contains(QStringLiteral("event ")),
                 qPrintable(plain.describe()));
        const auto withEvents = signalbox(QStringLiteral("viewer"), uro + QStringList{QStringLiteral("--events")});
        QVERIFY2(withEvents.exitCode == 0, qPrintable(withEvents.describe()));
        // The first line says from when the record reaches; the newest entry follows.
        QVERIFY2(withEvents.outText().startsWith(QStringLiteral("record from ")), qPrintable(withEvents.describe()));
        const QString first = withEvents.outText().section(u'\n', 1, 1);
        QVERIFY2(
            first.contains(QStringLiteral("  uro  event ScalingReplicaSet  deployment uro-a: Scaled up replica set "
                                          "uro-a-5f6d to 2\\x1b[31m")),
            qPrintable(withEvents.describe()));
        // The entries are those without --events; what it adds are events only (the rig's own rollouts
        // write some too).
        QStringList entries;
        for (const QString& line : withEvents.outText().split(u'\n'))
            if (!line.contains(QStringLiteral("  uro  event ")))
                entries << line;
        QCOMPARE(entries.join(u'\n'), plain.outText());
        const auto json =
            signalbox(QStringLiteral("viewer"),
                      uro + QStringList{QStringLiteral("--events"), QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonObject newest = jsonOf(json).object().value(QStringLiteral("entries")).toArray().first().toObject();
        QCOMPARE(newest.value(QStringLiteral("action")).toString(), QStringLiteral("event"));
        QCOMPARE(newest.value(QStringLiteral("event")).toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("ScalingReplicaSet"));
        QCOMPARE(signalbox(QStringLiteral("viewer"), {QStringLiteral("stats"), QStringLiteral("--events")}).exitCode,
                 2);
    }
};

QTEST_GUILESS_MAIN(TestTimelineCli)
#include "tst_timeline_cli.moc"
