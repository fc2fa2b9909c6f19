// The namespace's record (kube/record.h) as tables: what appending makes of it under its caps (entries
// and bytes), from when it then reaches, how it is read back (bounded, authors kept), and how the
// timeline merges it with the annotations (an entry both hold listed once; only the record's: not vouched).
#include "kube/record.h"
#include "model/rules/authorship.h"
#include "model/rules/timeline.h"
#include "model/views/timelinemodel.h"

#include <QTest>
#include <QTimeZone>

namespace {

// 2026-12-01T10:00:00Z, and `minutes` after it.
const std::int64_t t0 = 1796119200;
std::string at(int minutes)
{
    return QDateTime::fromSecsSinceEpoch(t0 + minutes * 60LL, QTimeZone::utc()).toString(Qt::ISODate).toStdString();
}

kube::HistoryEntry entry(int minutes, const std::string& service = "uro", const std::string& action = "swap")
{
    kube::HistoryEntry e;
    e.at = at(minutes);
    e.user = "ana";
    e.action = action;
    e.service = service;
    e.to.slot = "b";
    return e;
}

// A record of `count` entries, one a minute from minute 0, each appended by "ana" under `entryCap`/`byteCap`.
kube::NamespaceRecord recordOf(int count, std::size_t entryCap = kube::recordEntryLimit,
                               std::size_t byteCap = kube::recordByteLimit)
{
    kube::NamespaceRecord r;
    for (int i = 0; i < count; ++i)
        r = kube::appendRecord(r, entry(i), "ana", entryCap, byteCap);
    return r;
}

std::vector<std::string> times(const std::vector<kube::HistoryEntry>& entries)
{
    std::vector<std::string> out;
    for (const auto& e : entries)
        out.push_back(e.at);
    return out;
}

} // namespace

class TestRecord : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void appendUnderCaps_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("entryCap");
        QTest::addColumn<int>("byteCap");
        QTest::addColumn<int>("kept");
        QTest::addColumn<int>("fromMinute"); // the record reaches from this entry's time

        const auto oneEntry = static_cast<int>(kube::appendRecord({}, entry(0), "ana").record.history.size() +
                                               kube::appendRecord({}, entry(0), "ana").record.authors.size());
        const int big = int(kube::recordByteLimit);
        QTest::newRow("first entry: from it") << 1 << 1000 << big << 1 << 0;
        QTest::newRow("under the caps: from the first") << 5 << 1000 << big << 5 << 0;
        QTest::newRow("at the entry cap: nothing dropped") << 5 << 5 << big << 5 << 0;
        QTest::newRow("past the entry cap: the oldest dropped") << 7 << 5 << big << 5 << 2;
        QTest::newRow("entry cap of one: the newest alone") << 3 << 1 << big << 1 << 2;
        // Each entry with its comma and author line takes a little more than one alone: three fit in 3.5.
        QTest::newRow("past the byte cap: the oldest dropped") << 6 << 1000 << oneEntry * 7 / 2 << 3 << 3;
        QTest::newRow("a byte cap below one entry: the newest kept") << 4 << 1000 << 10 << 1 << 3;
    }
    void appendUnderCaps()
    {
        QFETCH(int, count);
        QFETCH(int, entryCap);
        QFETCH(int, byteCap);
        QFETCH(int, kept);
        QFETCH(int, fromMinute);
        const auto r = recordOf(count, std::size_t(entryCap), std::size_t(byteCap));
        const auto read = kube::decodeRecord(r);
        QCOMPARE(int(read.entries.size()), kept);
        QCOMPARE(read.from, at(fromMinute));
        // The newest entries, oldest first, each with its author line.
        QCOMPARE(read.entries.back().at, at(count - 1));
        QCOMPARE(read.entries.front().at, at(count - kept));
        for (const auto& e : read.entries)
            QCOMPARE(e.writtenBy, std::string("ana"));
        if (kept > 1) // the newest alone is kept whatever its size
            QVERIFY(r.record.history.size() + r.record.authors.size() <= std::size_t(byteCap));
    }

    void fullRecordStaysUnderTheLimit()
    {
        // Entries larger than a swap's with its analysis: a full record stays under the byte cap and says
        // from when it reaches.
        kube::NamespaceRecord r;
        // (Under historyElementLimit: a larger element is kept only as a marker saying so.)
        for (int i = 0; i < 200; ++i) {
            auto e = entry(i);
            e.result = std::string(1500, 'x');
            r = kube::appendRecord(r, e, "operator");
        }
        QVERIFY(r.record.history.size() + r.record.authors.size() <= kube::recordByteLimit);
        const auto read = kube::decodeRecord(r);
        QVERIFY(read.entries.size() < 200);
        QVERIFY(read.entries.size() > 100);
        QCOMPARE(read.entries.back().at, at(199));
        QCOMPARE(read.from, read.entries.front().at);
    }

    void entryCapAppliesWhateverTheBytes()
    {
        // A record at the entry cap, as Signalbox writes it; the byte cap out of the way (a thousand entries
        // take about as much as it allows).
        kube::NamespaceRecord r;
        r.from = at(0);
        r.record.history = "[";
        for (int i = 0; i < int(kube::recordEntryLimit); ++i) {
            const std::string text = entry(i).toJson().dump();
            r.record.history += (i ? "," : "") + text;
            r.record.authors += (i ? "\n" : "") + std::to_string(text.size()) + " ana";
        }
        r.record.history += "]";
        const auto read = kube::decodeRecord(
            kube::appendRecord(r, entry(5000), "ana", kube::recordEntryLimit, 4 * kube::recordByteLimit));
        QCOMPARE(read.entries.size(), kube::recordEntryLimit);
        QCOMPARE(read.from, at(1));
        QCOMPARE(read.entries.front().writtenBy, std::string("ana"));
        QCOMPARE(read.entries.back().at, at(5000));
    }

    void decodeIsBounded()
    {
        // Too large to be Signalbox's: one unreadable entry, not parsed.
        kube::NamespaceRecord huge;
        huge.record.history = "[" + std::string(kube::recordReadLimit, ' ') + "]";
        huge.from = std::string(500, '2');
        const auto read = kube::decodeRecord(huge);
        QCOMPARE(read.entries.size(), std::size_t(1));
        QVERIFY(!read.entries.front().readable());
        QCOMPARE(read.from.size(), std::size_t(64));
        // Many tiny elements someone else wrote: only the newest recordEntryLimit are decoded.
        kube::NamespaceRecord many;
        many.record.history = "[";
        for (std::size_t i = 0; i < kube::recordEntryLimit + 500; ++i)
            many.record.history += (i ? ",{\"at\":\"" : "{\"at\":\"") + std::to_string(i) + "\"}";
        many.record.history += "]";
        const auto manyRead = kube::decodeRecord(many);
        QCOMPARE(manyRead.entries.size(), kube::recordEntryLimit);
        QCOMPARE(manyRead.entries.back().at, std::to_string(kube::recordEntryLimit + 499));
        // What is not a list at all, and a record from data without keys.
        QCOMPARE(kube::decodeRecord(kube::recordFromData({{"history", "{}"}})).entries.size(), std::size_t(1));
        QVERIFY(kube::decodeRecord(kube::recordFromData({})).entries.empty());
    }

    void appendKeepsWhatOthersWrote()
    {
        // A record someone else began without "record-from": it then reaches from its oldest entry kept.
        kube::NamespaceRecord theirs;
        theirs.record.history = "[" + entry(0).toJson().dump() + "]";
        const auto r = kube::appendRecord(theirs, entry(5), "ana");
        const auto read = kube::decodeRecord(r);
        QCOMPARE(times(read.entries), (std::vector<std::string>{at(0), at(5)}));
        QCOMPARE(read.from, at(0));
        QCOMPARE(read.entries.front().writtenBy, std::string()); // nobody's line covers it
        QCOMPARE(read.entries.back().writtenBy, std::string("ana"));
        // Its reach stays as said while nothing is dropped.
        theirs.from = at(-60);
        QCOMPARE(kube::appendRecord(theirs, entry(5), "ana").from, at(-60));
    }

    void timelineMergesRecordOnce()
    {
        // uro's live Service keeps the two newest; the record holds all four and an entry of a service
        // this lookup does not know.
        std::vector<kube::HistoryEntry> annotation{entry(2), entry(3)};
        for (auto& e : annotation)
            e.authorCheck = kube::AuthorCheck::Vouched;
        const auto record = kube::decodeRecord([] {
            kube::NamespaceRecord r;
            for (int i = 0; i < 4; ++i)
                r = kube::appendRecord(r, entry(i), "ana");
            r = kube::appendRecord(r, entry(9, "someone-elses"), "ana");
            return r;
        }());
        std::vector<model::RecordedHistory> read{{"uro", "uro", "service uro", annotation}};
        for (auto& h : model::recordedHistories("uro", record.entries, {{"uro", "uro"}}))
            read.push_back(std::move(h));
        const auto timeline = model::timelineOf(read);
        QCOMPARE(timeline.size(), std::size_t(4));
        std::vector<std::string> sources, checks;
        for (const auto& t : timeline) {
            sources.push_back(t.source);
            checks.push_back(model::authorCheckName(t.entry.authorCheck));
        }
        QCOMPARE(sources, (std::vector<std::string>{"service uro", "service uro", "record uro", "record uro"}));
        QCOMPARE(checks, (std::vector<std::string>{"vouched", "vouched", "recordOnly", "recordOnly"}));
        QCOMPARE(timeline.back().entry.at, at(0));
        QVERIFY(!model::vouched(timeline.back().entry));
    }

    void timelineModelShowsTheRecord()
    {
        model::TimelineModel m;
        QCOMPARE(m.reachText(), QStringLiteral("record: the history annotations only"));
        model::ServiceState uro;
        uro.spec.name = "uro";
        uro.history = {entry(3)};
        m.setServices({uro});
        QCOMPARE(m.rowCount(), 1);
        m.setRecords(model::recordedHistories("uro", {entry(1), entry(3)}, {{"uro", "uro"}}), t0);
        QCOMPARE(m.rowCount(), 2); // minute 3 once
        QCOMPARE(m.reachText(), QStringLiteral("record from 2026-12-01"));
        QCOMPARE(m.entry(1)->entry.authorCheck, kube::AuthorCheck::RecordOnly);
    }

    void reach()
    {
        QCOMPARE(model::recordReach({}), std::optional<std::int64_t>());
        QCOMPARE(model::recordReach({"", "not a time"}), std::optional<std::int64_t>());
        // Every entry since the latest of them: the other namespace's record starts later.
        QCOMPARE(model::recordReach({at(0), at(60), ""}), std::optional<std::int64_t>(t0 + 3600));
        QCOMPARE(model::recordReachText(t0), std::string("record from 2026-12-01"));
        QCOMPARE(model::recordReachText(std::nullopt), std::string("record: the history annotations only"));
    }
};

QTEST_GUILESS_MAIN(TestRecord)
#include "tst_record.moc"
