// The pure parts of pod logs: timestamps as the kubelet writes them (RFC 3339 with up to nine
// fraction digits, trailing zeros trimmed), a line split into time and text, a label selector,
// and the log buffer's bound.
#include "model/observe/logstream.h"

#include <QSignalSpy>
#include <QTest>

class TestLogStream : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void timestamps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("nanos");
        QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << true << qint64(0);
        QTest::newRow("nanoseconds") << "2026-11-28T05:04:09.577153447Z" << true << qint64(1795842249577153447);
        QTest::newRow("trimmed fraction") << "2026-11-28T05:04:09.5771534Z" << true << qint64(1795842249577153400);
        QTest::newRow("no fraction") << "2026-11-28T05:04:09Z" << true << qint64(1795842249000000000);
        QTest::newRow("offset") << "2026-11-28T06:04:09.5+01:00" << true << qint64(1795842249500000000);
        QTest::newRow("leap year") << "2024-02-29T00:00:00Z" << true << qint64(1709164800000000000);
        QTest::newRow("no zone") << "2026-11-28T05:04:09" << false << qint64(0);
        QTest::newRow("empty fraction") << "2026-11-28T05:04:09.Z" << false << qint64(0);
        QTest::newRow("month 13") << "2026-13-28T05:04:09Z" << false << qint64(0);
        QTest::newRow("text") << "12:00:01.123" << false << qint64(0);
        QTest::newRow("trailing") << "2026-11-28T05:04:09Zx" << false << qint64(0);
    }

    void timestamps()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(qint64, nanos);
        const auto r = model::parseRfc3339Nanos(text.toStdString());
        QCOMPARE(r.has_value(), valid);
        if (valid)
            QCOMPARE(qint64(*r), nanos);
    }

    void fractionsOfDifferentLengthOrderByValue()
    {
        // As text "...09.57715Z" sorts after "...09.5771534Z"; as times it comes before.
        const auto a = model::parseRfc3339Nanos("2026-11-28T05:04:09.57715Z");
        const auto b = model::parseRfc3339Nanos("2026-11-28T05:04:09.5771534Z");
        QVERIFY(a && b && *a < *b);
    }

    void lines()
    {
        auto l = model::parseLogLine("2026-11-28T05:04:09.5Z 05:04:09.500 [info] GET /health");
        QCOMPARE(l.time, std::string("2026-11-28T05:04:09.5Z"));
        QCOMPARE(l.text, std::string("05:04:09.500 [info] GET /health"));
        QVERIFY(l.timeNs > 0);
        l = model::parseLogLine("no timestamp here");
        QCOMPARE(l.timeNs, std::int64_t(0));
        QCOMPARE(l.text, std::string("no timestamp here"));
        l = model::parseLogLine("");
        QVERIFY(l.text.empty());
    }

    void selector()
    {
        QCOMPARE(model::labelSelectorString({{"signalbox.v-sekai.org/slot", "a"}, {"app.kubernetes.io/name", "uro"}}),
                 std::string("app.kubernetes.io/name=uro,signalbox.v-sekai.org/slot=a"));
        QCOMPARE(model::labelSelectorString({}), std::string());
    }

    void theBufferKeepsTheNewestLines()
    {
        model::LogStream stream(nullptr, {}, {});
        QSignalSpy added(&stream, &model::LogStream::linesAdded);
        const std::size_t total = model::LogStream::maxLines + 1234;
        for (std::size_t i = 0; i < total; i += 1000) {
            std::vector<model::LogLine> batch;
            for (std::size_t j = i; j < std::min(total, i + 1000); ++j)
                batch.push_back({static_cast<std::int64_t>(j), {}, "p", std::to_string(j), false});
            stream.append(std::move(batch));
        }
        QCOMPARE(stream.lines().size(), model::LogStream::maxLines);
        QCOMPARE(stream.lines().front().text, std::to_string(total - model::LogStream::maxLines));
        QCOMPARE(stream.lines().back().text, std::to_string(total - 1));
        QCOMPARE(added.count(), int((total + 999) / 1000));
        stream.append({});
        QCOMPARE(added.count(), int((total + 999) / 1000));
    }
};

QTEST_GUILESS_MAIN(TestLogStream)
#include "tst_logstream.moc"
