// The release timeline and the delivery figures as tables over hand-made histories whose answers are
// known: the order across services, the filters, and each of the four figures, with a rollback, a
// failed watch, a watch that rolled back by itself, a repair and a group swap counted once.
#include "model/rules/delivery.h"
#include "model/rules/timeline.h"

#include <QTest>
#include <QTimeZone>

namespace {

// 2026-12-01T10:00:00Z, and `minutes` after it.
const std::int64_t t0 = 1796119200;
std::string at(int minutes)
{
    return QDateTime::fromSecsSinceEpoch(t0 + minutes * 60LL, QTimeZone::utc()).toString(Qt::ISODate).toStdString();
}

kube::HistoryEntry entry(const std::string& action, int minutes, const std::string& user = "ana",
                         const std::string& result = {}, int startedMinutes = -1)
{
    kube::HistoryEntry e;
    e.at = at(minutes);
    if (startedMinutes >= 0)
        e.started = at(startedMinutes);
    e.action = action;
    e.user = user;
    e.result = result;
    return e;
}

kube::HistoryEntry swapBuilt(int minutes, int builtMinutes, const std::string& user = "ana")
{
    auto e = entry("swap", minutes, user);
    e.to.created = at(builtMinutes);
    return e;
}

model::RecordedHistory history(const std::string& service, std::vector<kube::HistoryEntry> entries,
                               const std::string& group = {})
{
    for (auto& e : entries)
        e.service = service;
    return {service, group.empty() ? service : group, "service " + service, std::move(entries)};
}

kube::Event kubeEvent(const std::string& kind, const std::string& name, const std::string& reason, int minutes,
                      const std::string& ns = "uro", const std::string& type = "Normal")
{
    kube::Event e;
    e.meta.name = name + ".1";
    e.type = type;
    e.reason = reason;
    e.message = reason + " of " + name;
    e.involvedKind = kind;
    e.involvedName = name;
    e.involvedNamespace = ns;
    e.lastTimestamp = at(minutes);
    return e;
}

model::ServiceEvents eventsOf(const std::string& service, std::vector<kube::Event> events)
{
    return {service, service, "uro", {service + "-a", service + "-b"}, std::move(events)};
}

// The week of figuresOfOneService.
std::vector<model::TimelineEntry> aWeek()
{
    const int day = 24 * 60;
    return model::timelineOf({history("uro", {
                                                 entry("deploy", 0),
                                                 swapBuilt(60, 0),
                                                 entry("watch", 65, "signalbox", "held", 60),
                                                 swapBuilt(2 * day, 2 * day - 30),
                                                 entry("watch", 2 * day + 5, "signalbox", "failed: restarted", 2 * day),
                                                 entry("rollback", 2 * day + 25, "ana", {}, 2 * day + 24),
                                                 entry("repair", 3 * day),
                                                 swapBuilt(4 * day, 4 * day - 240),
                                                 entry("watch", 4 * day + 5, "signalbox", "held", 4 * day),
                                                 swapBuilt(6 * day, 6 * day - 10),
                                                 entry("rollback", 6 * day + 3, "signalbox", {}, 6 * day + 2),
                                                 entry("watch", 6 * day + 3, "signalbox", "rolled back: x", 6 * day),
                                             })});
}

} // namespace

class TestTimeline : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recordedTimes()
    {
        QCOMPARE(model::recordedSeconds(at(0)), std::optional<std::int64_t>(t0));
        QCOMPARE(model::recordedSeconds("2026-12-01T10:00:00.5+01:00"), std::optional<std::int64_t>(t0 - 3600));
        QVERIFY(!model::recordedSeconds("yesterday"));
        QVERIFY(!model::recordedSeconds(""));
    }

    void outcomes_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("result");
        QTest::addColumn<QString>("outcome");
        QTest::newRow("swap") << "swap"
                              << ""
                              << "done";
        QTest::newRow("deploy") << "deploy"
                                << ""
                                << "done";
        QTest::newRow("repair") << "repair"
                                << ""
                                << "done";
        QTest::newRow("held") << "watch"
                              << "held"
                              << "held";
        QTest::newRow("held with values") << "watch"
                                          << "held (live-before 0 %; live-after 0 %)"
                                          << "held";
        QTest::newRow("failed") << "watch"
                                << "failed: slot B restarted"
                                << "failed";
        QTest::newRow("rolled back") << "watch"
                                     << "rolled back: error ratio 20 %"
                                     << "rolled back";
        QTest::newRow("a result from elsewhere") << "watch"
                                                 << "ok?"
                                                 << "unknown";
        QTest::newRow("older watch without result") << "watch"
                                                    << ""
                                                    << "unknown";
    }

    void outcomes()
    {
        QFETCH(QString, action);
        QFETCH(QString, result);
        QFETCH(QString, outcome);
        const auto e = entry(action.toStdString(), 0, "ana", result.toStdString());
        QCOMPARE(QString::fromUtf8(model::outcomeName(model::outcomeOf(e))), outcome);
        QCOMPARE(model::outcomeNamed(outcome.toStdString()), std::optional(model::outcomeOf(e)));
        kube::HistoryEntry unreadable;
        unreadable.unreadable = "the history is not JSON";
        QCOMPARE(model::outcomeOf(unreadable), model::EntryOutcome::Unreadable);
    }

    void newestFirstAcrossServices()
    {
        auto bad = entry("swap", 5);
        bad.unreadable = "not an object";
        bad.at.clear();
        const auto timeline = model::timelineOf({
            history("uro", {entry("swap", 10), entry("watch", 15, "signalbox", "held", 10), bad}),
            history("uro-frontend", {entry("deploy", 2), entry("swap", 12, "bo", {}, 11)}),
        });
        QCOMPARE(timeline.size(), std::size_t(5));
        QStringList order;
        for (const auto& e : timeline)
            order << QString::fromStdString(e.service + " " + e.entry.action);
        QCOMPARE(order, QStringList({"uro watch", "uro-frontend swap", "uro swap", "uro-frontend deploy", "uro swap"}));
        QCOMPARE(timeline.front().seconds(), std::optional<std::int64_t>(300));
        QCOMPARE(timeline.at(1).seconds(), std::optional<std::int64_t>(60));
        QVERIFY(!timeline.at(2).seconds()); // older entries do not say when they began
        QVERIFY(!timeline.back().at);       // the unreadable one last
        QCOMPARE(timeline.back().outcome, model::EntryOutcome::Unreadable);
        // A start after the end says nothing of how long it took.
        model::TimelineEntry odd;
        odd.at = t0;
        odd.started = t0 + 1;
        QVERIFY(!odd.seconds());
    }

    void sameTimeKeepsTheRecordsOrder()
    {
        // A group swap: both members recorded at the same second; newest of one annotation first.
        const auto timeline = model::timelineOf({history("uro", {entry("swap", 1, "ana"), entry("repair", 1, "bo")})});
        QCOMPARE(timeline.at(0).entry.action, std::string("repair"));
        QCOMPARE(timeline.at(1).entry.action, std::string("swap"));
        // Within one second the milliseconds order them.
        auto early = entry("rollback", 0), late = entry("watch", 0);
        early.at = "2026-12-01T10:00:00.930Z";
        late.at = "2026-12-01T10:00:00.804Z";
        const auto ms = model::timelineOf({history("uro", {early, late})});
        QCOMPARE(ms.at(0).entry.action, std::string("rollback"));
        QCOMPARE(ms.at(0).at, ms.at(1).at);
    }

    void filters_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("kept");
        QTest::newRow("none") << ""
                              << "" << 5;
        QTest::newRow("service") << "service"
                                 << "uro" << 3;
        QTest::newRow("person") << "user"
                                << "bo" << 1;
        QTest::newRow("action") << "action"
                                << "swap" << 2;
        QTest::newRow("outcome") << "outcome"
                                 << "rolled back" << 1;
        QTest::newRow("since") << "since"
                               << "12" << 3;
        QTest::newRow("until") << "until"
                               << "10" << 2;
        QTest::newRow("a service nobody has") << "service"
                                              << "uro-admin" << 0;
    }

    void filters()
    {
        QFETCH(QString, kind);
        QFETCH(QString, value);
        QFETCH(int, kept);
        const auto timeline = model::timelineOf({
            history("uro", {entry("swap", 10), entry("watch", 15, "signalbox", "rolled back: worse", 10),
                            entry("rollback", 14)}),
            history("uro-frontend", {entry("deploy", 2), entry("swap", 12, "bo")}),
        });
        model::TimelineFilter f;
        const std::string v = value.toStdString();
        if (kind == "service")
            f.services = {v};
        else if (kind == "user")
            f.users = {v};
        else if (kind == "action")
            f.actions = {v};
        else if (kind == "outcome")
            f.outcomes = {*model::outcomeNamed(v)};
        else if (kind == "since")
            f.since = t0 + value.toInt() * 60;
        else if (kind == "until")
            f.until = t0 + value.toInt() * 60;
        const auto shown = model::filtered(timeline, f);
        QCOMPARE(int(shown.size()), kept);
        for (const auto& e : shown)
            QVERIFY(f.matches(e));
    }

    void spans_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("none") << qint64(0) << "0 s";
        QTest::newRow("seconds") << qint64(12) << "12 s";
        QTest::newRow("minutes") << qint64(245) << "4 min 5 s";
        QTest::newRow("whole hours") << qint64(7200) << "2 h";
        QTest::newRow("hours") << qint64(7800) << "2 h 10 min";
        QTest::newRow("days") << qint64(3 * 86400 + 4 * 3600 + 59) << "3 d 4 h";
        QTest::newRow("negative") << qint64(-5) << "0 s";
    }

    void spans()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(model::spanText(seconds)), text);
    }

    void sinceSpans_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::newRow("minutes") << "30m" << qint64(1800);
        QTest::newRow("hours") << "12h" << qint64(43200);
        QTest::newRow("days") << "7d" << qint64(7 * 86400);
        QTest::newRow("weeks") << "2w" << qint64(14 * 86400);
        QTest::newRow("the longest") << "400d" << qint64(400 * 86400);
        QTest::newRow("longer") << "401d" << qint64(-1);
        QTest::newRow("zero") << "0d" << qint64(-1);
        QTest::newRow("no unit") << "7" << qint64(-1);
        QTest::newRow("seconds") << "30s" << qint64(-1);
        QTest::newRow("negative") << "-7d" << qint64(-1);
        QTest::newRow("a word") << "week" << qint64(-1);
        QTest::newRow("huge") << "99999999d" << qint64(-1);
    }

    void sinceSpans()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const auto parsed = model::parseSinceSeconds(text.toStdString());
        QCOMPARE(parsed ? qint64(*parsed) : qint64(-1), seconds);
    }

    void slotTexts_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("image");
        QTest::addColumn<QString>("commit");
        QTest::addColumn<QString>("text");
        QTest::newRow("tag and commit") << "3f2c1a9"
                                        << "r/uro@sha256:e0af"
                                        << "3f2c1a9d3376aa"
                                        << "slot B 3f2c1a9d3376";
        QTest::newRow("tag and another commit") << "v1.2"
                                                << "r/uro:v1.2"
                                                << "3f2c1a9d3376aa"
                                                << "slot B v1.2 (commit 3f2c1a9d3376)";
        QTest::newRow("image only") << ""
                                    << "ghcr.io/v-sekai/uro:c41e7a9"
                                    << ""
                                    << "slot B c41e7a9";
        QTest::newRow("image by digest") << ""
                                         << "127.0.0.1:5000/uro@sha256:0123456789abcdef0123"
                                         << ""
                                         << "slot B sha256:0123456789ab";
        QTest::newRow("registry port, no tag") << ""
                                               << "127.0.0.1:5000/uro"
                                               << ""
                                               << "slot B 127.0.0.1:5000/uro";
        QTest::newRow("nothing") << ""
                                 << ""
                                 << ""
                                 << "slot B";
    }

    void slotTexts()
    {
        QFETCH(QString, tag);
        QFETCH(QString, image);
        QFETCH(QString, commit);
        QFETCH(QString, text);
        kube::HistorySlot s;
        s.slot = "b";
        s.tag = tag.toStdString();
        s.image = image.toStdString();
        s.commit = commit.toStdString();
        QCOMPARE(QString::fromStdString(model::recordedSlotText(s)), text);
    }

    void medians()
    {
        QVERIFY(!model::median({}));
        QCOMPARE(model::median({7}), std::optional<std::int64_t>(7));
        QCOMPARE(model::median({9, 1, 5}), std::optional<std::int64_t>(5));
        QCOMPARE(model::median({4, 1, 3, 2}), std::optional<std::int64_t>(2));
    }

    // One service over a week: four swaps (one every other day), the second rolled back by hand
    // within the hour, the fourth rolled back by its own watch; a repair and deploys, which are not
    // changes to live.
    void figuresOfOneService()
    {
        const int day = 24 * 60;
        const auto timeline = model::timelineOf(
            {history("uro", {
                                entry("deploy", 0),
                                swapBuilt(60, 0),                            // lead 60 min
                                entry("watch", 65, "signalbox", "held", 60), //
                                swapBuilt(2 * day, 2 * day - 30),            // lead 30 min
                                entry("watch", 2 * day + 5, "signalbox", "failed: restarted", 2 * day),
                                entry("rollback", 2 * day + 25, "ana", {}, 2 * day + 24),  // restored after 20 min
                                entry("repair", 3 * day),                                  //
                                swapBuilt(4 * day, 4 * day - 240),                         // lead 240 min
                                entry("watch", 4 * day + 5, "signalbox", "held", 4 * day), //
                                swapBuilt(6 * day, 6 * day - 10),                          // lead 10 min
                                entry("rollback", 6 * day + 3, "signalbox", {}, 6 * day + 2),
                                entry("watch", 6 * day + 3, "signalbox", "rolled back: error ratio", 6 * day),
                            })});
        model::DeliveryPeriod period;
        period.from = t0;
        period.to = t0 + 7 * 24 * 3600 - 1;
        const auto f = model::deliveryFigures(timeline, period);
        QCOMPARE(f.swaps, 4);
        QVERIFY(qAbs(f.perDay - 4.0 / (period.to - period.from) * 86400) < 1e-9);
        QVERIFY(qAbs(f.perWeek - 4.0) < 0.001);
        QCOMPARE(f.leadTimeSamples, 4);
        QCOMPARE(f.leadTimeMedian, std::optional<std::int64_t>(30 * 60)); // of 10, 30, 60, 240 min
        QCOMPARE(f.failedSwaps, 2);
        QCOMPARE(f.changeFailureRate, std::optional<double>(0.5));
        QCOMPARE(f.restores, 2);
        // 20 min (the failing watch to the rollback by hand) and 1 min (the rollback the watch began).
        QCOMPARE(f.restoreMedian, std::optional<std::int64_t>(60));
        QCOMPARE(f.unrestored, 0);
        QCOMPARE(f.recordFrom, std::optional<std::int64_t>(t0));

        // A narrower period counts only what ended inside it.
        period.from = t0 + 3 * day * 60;
        const auto late = model::deliveryFigures(timeline, period);
        QCOMPARE(late.swaps, 2);
        QCOMPARE(late.failedSwaps, 1);
        QCOMPARE(late.restoreMedian, std::optional<std::int64_t>(60));
    }

    void aFailureOutsideTheWindowIsNotTheSwaps()
    {
        const auto timeline = model::timelineOf(
            {history("uro", {swapBuilt(0, 0), entry("watch", 90, "signalbox", "failed: restarted", 85)})});
        model::DeliveryPeriod period;
        period.from = t0;
        period.to = t0 + 86400;
        const auto f = model::deliveryFigures(timeline, period);
        QCOMPARE(f.swaps, 1);
        QCOMPARE(f.failedSwaps, 0); // 90 min later, outside the hour
        QCOMPARE(f.unrestored, 1);  // and nothing restored live after it
        QCOMPARE(f.restores, 0);
        QVERIFY(!f.restoreMedian);
    }

    void aGroupSwapCountsOnce()
    {
        // uro and uro-frontend swap together (one time, one person), then roll back together.
        const auto group = model::timelineOf({
            history("uro",
                    {swapBuilt(0, -20), entry("watch", 4, "signalbox", "failed: worse", 0),
                     entry("rollback", 9, "ana", {}, 8)},
                    "uro"),
            history("uro-frontend",
                    {swapBuilt(0, -10), entry("watch", 4, "signalbox", "failed: stopped", 0),
                     entry("rollback", 9, "ana", {}, 8)},
                    "uro"),
        });
        model::DeliveryPeriod period;
        period.from = t0 - 3600;
        period.to = t0 + 3600;
        const auto f = model::deliveryFigures(group, period);
        QCOMPARE(f.swaps, 1);
        QCOMPARE(f.failedSwaps, 1);
        QCOMPARE(f.restores, 1);
        QCOMPARE(f.restoreMedian, std::optional<std::int64_t>(5 * 60));
        // Each member's image has its own build time: 20 and 10 min before the swap.
        QCOMPARE(f.leadTimeSamples, 2);
        QCOMPARE(f.leadTimeMedian, std::optional<std::int64_t>(10 * 60));
        // Each member alone counts its own swap.
        std::vector<model::TimelineEntry> uroOnly;
        for (const auto& e : group)
            if (e.service == "uro")
                uroOnly.push_back(e);
        QCOMPARE(model::deliveryFigures(uroOnly, period).swaps, 1);
        QCOMPARE(model::deliveryFigures(uroOnly, period).leadTimeMedian, std::optional<std::int64_t>(20 * 60));
    }

    void nothingRecorded()
    {
        model::DeliveryPeriod period;
        period.from = t0;
        period.to = t0 + 30 * 86400;
        const auto f = model::deliveryFigures({}, period);
        QCOMPARE(f.swaps, 0);
        QCOMPARE(f.perWeek, 0.0);
        QVERIFY(!f.changeFailureRate); // not 0 %: there was nothing to fail
        QVERIFY(!f.leadTimeMedian);
        QVERIFY(!f.recordFrom);
    }

    // The week by day: each day's swaps, failures, lead time and restore, as the whole week's rows say.
    void bucketsByDay()
    {
        model::DeliveryPeriod period;
        period.from = t0;
        period.to = t0 + 7 * 86400 - 1;
        const auto buckets = model::deliveryBuckets(aWeek(), period, model::bucketSecondsFor(7 * 86400));
        QCOMPARE(buckets.size(), std::size_t(7));
        const int swaps[] = {1, 0, 1, 0, 1, 0, 1};
        const int failed[] = {0, 0, 1, 0, 0, 0, 1};
        const std::optional<std::int64_t> lead[] = {3600, {}, 1800, {}, 14400, {}, 600};
        const std::optional<std::int64_t> restore[] = {{}, {}, 1200, {}, {}, {}, 60};
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            const auto& b = buckets[i];
            QCOMPARE(b.from, period.from + std::int64_t(i) * 86400);
            QCOMPARE(b.to, b.from + 86400 - 1);
            QVERIFY(b.measured);
            QCOMPARE(b.figures.swaps, swaps[i]);
            QCOMPARE(b.figures.failedSwaps, failed[i]);
            QCOMPARE(b.figures.leadTimeMedian, lead[i]);
            QCOMPARE(b.figures.restoreMedian, restore[i]);
            // A day without a swap has no failure rate (not 0 %).
            QCOMPARE(b.figures.changeFailureRate.has_value(), swaps[i] > 0);
        }
        QCOMPARE(buckets[2].figures.changeFailureRate, std::optional<double>(1.0));
        QCOMPARE(buckets[4].figures.changeFailureRate, std::optional<double>(0.0));
    }

    void bucketCuts_data()
    {
        QTest::addColumn<int>("periodDays");
        QTest::addColumn<int>("beforeRecordDays"); // how much of the period lies before the record
        QTest::addColumn<int>("buckets");
        QTest::addColumn<int>("firstBucketDays"); // the oldest may be shorter
        QTest::addColumn<int>("unmeasured");
        QTest::addColumn<int>("bucketDays"); // asked for; 0: what the console uses
        QTest::newRow("7 d by day") << 7 << 0 << 7 << 1 << 0 << 0;
        QTest::newRow("10 d by week, 3 before the record") << 10 << 3 << 2 << 3 << 1 << 0;
        QTest::newRow("30 d by week") << 30 << 0 << 5 << 2 << 0 << 0;
        QTest::newRow("90 d by week, 83 before") << 90 << 83 << 13 << 6 << 12 << 0;
        QTest::newRow("400 d by day: widened to 4 d") << 400 << 393 << 100 << 4 << 98 << 1;
    }

    void bucketCuts()
    {
        QFETCH(int, periodDays);
        QFETCH(int, beforeRecordDays);
        QFETCH(int, buckets);
        QFETCH(int, firstBucketDays);
        QFETCH(int, unmeasured);
        QFETCH(int, bucketDays);
        model::DeliveryPeriod period;
        period.from = t0 - beforeRecordDays * 86400LL;
        period.to = period.from + periodDays * 86400LL - 1;
        const std::int64_t bucket = bucketDays ? bucketDays * 86400LL : model::bucketSecondsFor(periodDays * 86400LL);
        const auto cut = model::deliveryBuckets(aWeek(), period, bucket);
        QCOMPARE(int(cut.size()), buckets);
        QVERIFY(cut.size() <= model::maxBuckets);
        QCOMPARE(cut.front().from, period.from);
        QCOMPARE(cut.front().to - cut.front().from + 1, firstBucketDays * 86400LL);
        QCOMPARE(cut.back().to, period.to);
        int notMeasured = 0, swaps = 0;
        for (std::size_t i = 0; i < cut.size(); ++i) {
            notMeasured += cut[i].measured ? 0 : 1;
            swaps += cut[i].figures.swaps;
            if (i > 0)
                QCOMPARE(cut[i].from, cut[i - 1].to + 1); // no second counted twice, none left out
        }
        QCOMPARE(notMeasured, unmeasured);
        QCOMPARE(swaps, model::deliveryFigures(aWeek(), period).swaps);
    }

    void noRecordMeasuresNothing()
    {
        model::DeliveryPeriod period;
        period.from = t0;
        period.to = t0 + 7 * 86400 - 1;
        const auto cut = model::deliveryBuckets({}, period, 86400);
        QCOMPARE(cut.size(), std::size_t(7));
        for (const auto& b : cut)
            QVERIFY(!b.measured);
        QVERIFY(model::deliveryBuckets({}, period, 0).empty());
    }

    void eventsThatSayWhatHappened_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("shown");
        for (const char* r : {"ScalingReplicaSet", "BackOff", "Killing", "Failed", "FailedScheduling", "Unhealthy"})
            QTest::newRow(r) << r << true;
        for (const char* r : {"Pulled", "Created", "Started", "Scheduled", "SuccessfulCreate", "Swapped", "Deployed"})
            QTest::newRow(r) << r << false;
    }

    void eventsThatSayWhatHappened()
    {
        QFETCH(QString, reason);
        QFETCH(bool, shown);
        QCOMPARE(model::tellsWhatHappened(kubeEvent("Pod", "uro-a-1-x", reason.toStdString(), 0)), shown);
    }

    // uro swapped at 10 and rolled back at 30; its events between them interleave by time, newest first,
    // below its entries of the same time; events of other objects, older than the record or of a
    // service without a record are left out.
    void eventsInterleave()
    {
        const auto timeline = model::timelineOf(
            {history("uro", {swapBuilt(10, 0), entry("rollback", 30)}), history("uro-frontend", {swapBuilt(20, 0)})});
        const auto all = model::withEvents(
            timeline, {eventsOf("uro",
                                {
                                    kubeEvent("Deployment", "uro-b", "ScalingReplicaSet", 10),
                                    kubeEvent("Pod", "uro-b-5f6d-x2kq", "BackOff", 25, "uro", "Warning"),
                                    kubeEvent("ReplicaSet", "uro-b-5f6d", "FailedCreate", 40, "uro", "Warning"),
                                    kubeEvent("Pod", "uro-b-5f6d-x2kq", "Killing", 5),           // before the record
                                    kubeEvent("Pod", "uro-c-5f6d-x2kq", "Killing", 15),          // not a slot's
                                    kubeEvent("Pod", "uro-b-5f6d-x2kq", "Killing", 15, "other"), // elsewhere
                                    kubeEvent("Pod", "uro-b-5f6d-x2kq", "Pulled", 15),           // says nothing
                                }),
                       eventsOf("uro-admin", {kubeEvent("Deployment", "uro-admin-a", "ScalingReplicaSet", 12)})});
        QStringList rows;
        for (const auto& t : all)
            rows << QString::fromStdString(t.service + " " + (t.event ? "event " + t.event->reason : t.entry.action));
        QCOMPARE(rows, QStringList({"uro event FailedCreate", "uro rollback", "uro event BackOff", "uro-frontend swap",
                                    "uro swap", "uro event ScalingReplicaSet"}));
        const auto& backOff = all[2];
        QCOMPARE(backOff.entry.action, model::eventAction);
        QCOMPARE(backOff.event->object, std::string("pod uro-b-5f6d-x2kq"));
        QCOMPARE(backOff.event->type, std::string("Warning"));
        QCOMPARE(backOff.outcome, model::EntryOutcome::Unknown);

        // Off unless asked; then only the service and time filters keep them.
        model::TimelineFilter f;
        QCOMPARE(model::filtered(all, f).size(), std::size_t(3));
        f.events = true;
        QCOMPARE(model::filtered(all, f).size(), std::size_t(6));
        f.services = {"uro"};
        QCOMPARE(model::filtered(all, f).size(), std::size_t(5));
        f.since = t0 + 20 * 60;
        QCOMPARE(model::filtered(all, f).size(), std::size_t(3));
        f.actions = {"rollback"};
        QCOMPARE(model::filtered(all, f).size(), std::size_t(1));
    }

    // Cluster text is bounded: a long message is cut on a character boundary, and a flood of events keeps
    // the newest few.
    void eventsAreBounded()
    {
        const auto timeline = model::timelineOf({history("uro", {swapBuilt(0, 0)})});
        std::vector<kube::Event> flood;
        for (int i = 1; i <= 200; ++i)
            flood.push_back(kubeEvent("Pod", "uro-a-1-x", "BackOff", i));
        flood.back().message = std::string(model::maxEventMessageBytes - 4, 'x') + "éééé"; // é: two bytes
        const auto all = model::withEvents(timeline, {eventsOf("uro", flood)});
        QCOMPARE(all.size(), model::maxEventsPerService + 1);
        // 296 bytes and the mark: the first é would not fit whole before it.
        QCOMPARE(all.front().event->message, std::string(model::maxEventMessageBytes - 4, 'x') + "…");
        QCOMPARE(all[model::maxEventsPerService - 1].atMs, model::recordedMillis(at(151)));
    }
};

QTEST_GUILESS_MAIN(TestTimeline)
#include "tst_timeline.moc"
