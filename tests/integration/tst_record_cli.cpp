// The namespace's record (ConfigMap signalbox-record) on the real API server: swaps beyond the live
// Service's cap of 20 are all in `signalbox timeline`, which says from when the record reaches; a full
// record drops its oldest entries and moves "record-from"; an operator who may not update the record
// still swaps and is told once; two writers at once (a 409 for one) both keep their entry.
#include "kube/record.h"
#include "support/cluster.h"
#include "support/kubetest.h"
#include "support/testsupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

namespace {

const QString admin = QStringLiteral("admin");

testsupport::ProcessResult signalbox(const QString& user, const QStringList& args)
{
    return testsupport::signalbox(user, args, 180000);
}

// What uro's record holds now, as the API server has it.
kube::NamespaceRecord storedRecord()
{
    const auto r = testsupport::kubectl(admin, {QStringLiteral("get"), QStringLiteral("configmap"),
                                                QStringLiteral("signalbox-record"), QStringLiteral("-n"),
                                                QStringLiteral("uro"), QStringLiteral("-o"), QStringLiteral("json")});
    const QJsonObject data = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("data")).toObject();
    kube::Labels labels;
    for (auto it = data.begin(); it != data.end(); ++it)
        labels[it.key().toStdString()] = it.value().toString().toStdString();
    return kube::recordFromData(labels);
}

std::string minutesAgo(int minutes)
{
    return QDateTime::currentDateTimeUtc().addSecs(-60LL * minutes).toString(Qt::ISODate).toStdString();
}

int countOf(const QString& text, const QString& what)
{
    return int(text.count(what));
}

} // namespace

class TestRecordCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        testsupport::resetExample();
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void swapsBeyondTheAnnotationCap()
    {
        const int swaps = 21;
        for (int i = 0; i < swaps; ++i) {
            const auto swap = signalbox(QStringLiteral("operator"),
                                        {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
            QVERIFY2(swap.exitCode == 0, qPrintable(swap.describe()));
            QVERIFY2(!(swap.outText() + swap.errText()).contains(QStringLiteral("could not be extended")),
                     qPrintable(swap.describe()));
        }
        QCOMPARE(testsupport::historyLength(QStringLiteral("uro")), 20);
        const auto timeline =
            signalbox(QStringLiteral("viewer"), {QStringLiteral("timeline"), QStringLiteral("--service"),
                                                 QStringLiteral("uro"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(timeline.exitCode == 0, qPrintable(timeline.describe()));
        const QJsonObject all = QJsonDocument::fromJson(timeline.out).object();
        const QJsonArray entries = all.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), swaps); // each once, though the annotation and the record both hold the newest 20
        int fromRecord = 0;
        for (const auto& v : entries) {
            QCOMPARE(v.toObject().value(QStringLiteral("action")).toString(), QStringLiteral("swap"));
            if (v.toObject().value(QStringLiteral("source")).toString() == QLatin1String("record uro")) {
                ++fromRecord;
                QCOMPARE(v.toObject().value(QStringLiteral("author")).toObject().value(QStringLiteral("check")),
                         QJsonValue(QStringLiteral("recordOnly")));
            }
        }
        QCOMPARE(fromRecord, 1);
        QVERIFY2(all.value(QStringLiteral("recordFrom")).isString(), qPrintable(timeline.describe()));
        const auto text = signalbox(QStringLiteral("viewer"), {QStringLiteral("timeline")});
        QVERIFY2(text.outText().startsWith(QStringLiteral("record from ") +
                                           QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM"))),
                 qPrintable(text.describe()));
        const auto stats = signalbox(QStringLiteral("viewer"),
                                     {QStringLiteral("stats"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(QJsonDocument::fromJson(stats.out).object().value(QStringLiteral("recordFrom")).isString(),
                 qPrintable(stats.describe()));
        // The record holds both members of every group swap.
        QCOMPARE(kube::decodeRecord(storedRecord()).entries.size(), std::size_t(2 * swaps));
    }

    void aFullRecordDropsTheOldest()
    {
        // A full record (the entry cap) of older swaps, as Signalbox would have written it.
        kube::NamespaceRecord full;
        full.record.history = "[";
        for (int i = 0; i < int(kube::recordEntryLimit); ++i) {
            kube::HistoryEntry e;
            e.at = minutesAgo(3000 - i);
            e.user = "operator";
            e.action = "swap";
            e.service = "uro";
            const std::string text = e.toJson().dump();
            full.record.history += (i ? "," : "") + text;
            full.record.authors += (i ? "\n" : "") + std::to_string(text.size()) + " operator";
            if (i == 0)
                full.from = e.at;
        }
        full.record.history += "]";
        const QJsonObject cm{
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
            {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("signalbox-record")},
                                                     {QStringLiteral("namespace"), QStringLiteral("uro")}}},
            {QStringLiteral("data"),
             QJsonObject{{QStringLiteral("history"), QString::fromStdString(full.record.history)},
                         {QStringLiteral("authors"), QString::fromStdString(full.record.authors)},
                         {QStringLiteral("record-from"), QString::fromStdString(full.from)}}}};
        const auto replaced =
            testsupport::kubectl(admin, {QStringLiteral("replace"), QStringLiteral("-f"), QStringLiteral("-")},
                                 QJsonDocument(cm).toJson(QJsonDocument::Compact));
        QVERIFY2(replaced.exitCode == 0, qPrintable(replaced.describe()));
        const auto before = kube::decodeRecord(storedRecord());
        QCOMPARE(before.entries.size(), kube::recordEntryLimit);

        const auto swap = signalbox(QStringLiteral("operator"),
                                    {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        QVERIFY2(swap.exitCode == 0, qPrintable(swap.describe()));
        const auto after = kube::decodeRecord(storedRecord());
        // Two new (uro and uro-frontend), the oldest gone (by the entry cap, and the byte cap for the larger new
        // entries); it reaches from the oldest kept.
        QVERIFY(after.entries.size() <= kube::recordEntryLimit);
        QVERIFY(after.entries.size() >= kube::recordEntryLimit - 100);
        QCOMPARE(after.entries.back().action, std::string("swap"));
        QCOMPARE(after.entries.back().user, std::string("operator"));
        QVERIFY(after.entries.back().at > before.entries.back().at);
        QVERIFY(after.entries.front().at > before.entries.front().at);
        QCOMPARE(after.from, after.entries.front().at);
        QVERIFY(after.from > before.from);
        const auto stored = storedRecord();
        QVERIFY(stored.record.history.size() + stored.record.authors.size() <= kube::recordByteLimit);
        const auto timeline =
            signalbox(QStringLiteral("viewer"), {QStringLiteral("timeline"), QStringLiteral("--since"),
                                                 QStringLiteral("30d"), QStringLiteral("-o"), QStringLiteral("json")});
        const QJsonObject all = QJsonDocument::fromJson(timeline.out).object();
        const QDateTime from = QDateTime::fromString(QString::fromStdString(after.from), Qt::ISODate);
        QCOMPARE(all.value(QStringLiteral("recordFrom")).toString(),
                 from.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + u'Z');
        QVERIFY(all.value(QStringLiteral("entries")).toArray().size() >= int(kube::recordEntryLimit) - 100);
    }

    void anOperatorWithoutTheRecordStillSwaps()
    {
        const std::size_t held = kube::decodeRecord(storedRecord()).entries.size();
        QVERIFY(testsupport::kubectl(admin, {QStringLiteral("delete"), QStringLiteral("rolebinding"),
                                             QStringLiteral("signalbox-record-writer"), QStringLiteral("-n"),
                                             QStringLiteral("uro")})
                    .exitCode == 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            testsupport::kubectl(QStringLiteral("operator"),
                                 {QStringLiteral("auth"), QStringLiteral("can-i"), QStringLiteral("update"),
                                  QStringLiteral("configmaps/signalbox-record"), QStringLiteral("-n"),
                                  QStringLiteral("uro")})
                    .outText()
                    .trimmed() == QLatin1String("no"),
            10000);
        const QString live = testsupport::selectorOf(QStringLiteral("uro"));
        // The swap is done and says once (uro and uro-frontend share the namespace) what it could not record.
        const auto swap = signalbox(QStringLiteral("operator"),
                                    {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")});
        const QString swapped = testsupport::selectorOf(QStringLiteral("uro"));
        const bool restored = testsupport::applyExample();
        QVERIFY2(swap.exitCode == 0, qPrintable(swap.describe()));
        QVERIFY(restored);
        QVERIFY(swapped != live);
        QCOMPARE(countOf(swap.outText() + swap.errText(), QStringLiteral("could not be extended")), 1);
        QVERIFY2(swap.outText().contains(QStringLiteral("signalbox-record")), qPrintable(swap.describe()));
        QCOMPARE(kube::decodeRecord(storedRecord()).entries.size(), held);
    }

    void twoWritersAtOnceKeepBoth()
    {
        kube::Transport transport;
        auto operatorConfig = kubetest::restConfigFor(QStringLiteral("operator"));
        auto deployerConfig = kubetest::restConfigFor(QStringLiteral("deployer"));
        QVERIFY(operatorConfig.ok() && deployerConfig.ok());
        kube::Client first(operatorConfig.value(), &transport);
        kube::Client second(deployerConfig.value(), &transport);
        // Both read the same version and write it; one gets a 409, reads again and appends to what the other wrote.
        // Tried until a conflict is seen (both start in the same turn of the event loop, so nearly always at once).
        bool conflicted = false;
        for (int round = 0; round < 5 && !conflicted; ++round) {
            kube::HistoryEntry a, b;
            a.at = b.at = minutesAgo(0);
            a.action = b.action = "deploy";
            a.service = b.service = "uro";
            a.user = "operator";
            b.user = "deployer";
            a.target = "round " + std::to_string(round) + " a";
            b.target = "round " + std::to_string(round) + " b";
            std::optional<kube::RecordWritten> wa, wb;
            kube::appendToRecord(&first, "uro", {a}, "operator", [&](kube::RecordWritten w) { wa = w; });
            kube::appendToRecord(&second, "uro", {b}, "deployer", [&](kube::RecordWritten w) { wb = w; });
            QTRY_VERIFY_WITH_TIMEOUT(wa && wb, 20000);
            QVERIFY2(wa->extended && wb->extended, (wa->problem + wb->problem).c_str());
            const auto read = kube::decodeRecord(storedRecord());
            int found = 0;
            for (const auto& e : read.entries)
                found += e.target == a.target || e.target == b.target;
            QCOMPARE(found, 2);
            conflicted = wa->requests + wb->requests > 4;
        }
        QVERIFY2(conflicted, "no round had the two writers conflict");
    }
};

QTEST_GUILESS_MAIN(TestRecordCli)
#include "tst_record_cli.moc"
