// The service page's history table on typed entries: an entry nobody can read is a row that
// says why, between the readable ones, newest first. Its tiles' health checks: a line per pod with
// its mark, the slot's summary, the Service that selects the slot, and a refusal said once.
#include "gui/shown.h"
#include "kube/history.h"
#include "ui/servicepage.h"
#include "ui/slottile.h"
#include "ui/style.h"

#include <QLabel>
#include <QTableWidget>
#include <QTest>

class TestServicePage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void unreadableEntriesAreRowsThatSayWhy()
    {
        model::ServiceState st;
        st.spec.name = "uro";
        st.history = kube::decodeHistory(
            "[{\"at\":\"2026-01-01T00:00:00Z\",\"user\":\"operator\",\"action\":\"swap\","
            "\"from\":{\"slot\":\"a\",\"tag\":\"1111\"},\"to\":{\"slot\":\"b\",\"tag\":\"2222\",\"image\":\"r:2222\"}},"
            "{\"at\":\"2026-01-02T00:00:00Z\",\"user\":5},\"note\"]");
        ui::ServicePage page;
        page.setService(st);
        QTableWidget* table = page.history();
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("unreadable entry: a string, not an object: \"note\""));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("2026-01-02T00:00:00Z"));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("unreadable entry: \"user\" is a number, not a string"));
        QCOMPARE(table->item(1, 1)->text(), QString());
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("operator"));
        QCOMPARE(table->item(2, 2)->text(), QStringLiteral("swap"));
        QCOMPARE(table->item(2, 3)->text(), QStringLiteral("slot a · 1111"));
        QCOMPARE(guisupport::shownTip(table->item(2, 4)->toolTip()), QStringLiteral("r:2222"));
    }

    // Who wrote each entry: a mark and the sentence in the Author column, the sentence in the
    // tooltips of Who and Author, as plain text.
    void historyRowsSayWhoWroteThem()
    {
        auto entry = [](const char* at, const std::string& user, kube::AuthorCheck check, const char* writtenBy) {
            kube::HistoryEntry e;
            e.at = at;
            e.user = user;
            e.action = "deploy";
            e.target = "staging";
            e.writtenBy = writtenBy;
            e.authorCheck = check;
            return e;
        };
        model::ServiceState st;
        st.spec.name = "uro";
        st.history = {entry("2026-01-01T00:00:00Z", "operator", kube::AuthorCheck::PolicyMissing, "operator"),
                      entry("2026-01-02T00:00:00Z", "<b>alice</b>", kube::AuthorCheck::WrittenByOther, "deployer"),
                      entry("2026-01-03T00:00:00Z", "deployer", kube::AuthorCheck::Vouched, "deployer")};
        ui::ServicePage page;
        page.setService(st);
        QTableWidget* table = page.history();
        QCOMPARE(table->columnCount(), 6);
        QCOMPARE(table->horizontalHeaderItem(5)->text(), QStringLiteral("Author"));
        QCOMPARE(table->item(0, 5)->text(), QStringLiteral("✓ checked by the API server: deployer wrote it"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("<b>alice</b>"));
        QCOMPARE(table->item(1, 5)->text(), QStringLiteral("⚠ recorded as <b>alice</b>, written by deployer"));
        // Shown as the characters written, never as markup.
        QCOMPARE(guisupport::shownTip(table->item(1, 1)->toolTip()),
                 QStringLiteral("recorded as <b>alice</b>, written by deployer"));
        QCOMPARE(guisupport::shownTip(table->item(1, 5)->toolTip()),
                 QStringLiteral("recorded as <b>alice</b>, written by deployer"));
        QCOMPARE(table->item(2, 5)->text(), QStringLiteral("? author not checked: the policy is not installed"));
    }

    void tilesShowEachPodsAnswer()
    {
        auto result = [](model::HealthResult::Kind kind, const std::string& sentence) {
            model::HealthResult r;
            r.kind = kind;
            r.sentence = sentence;
            r.at = QDateTime::currentDateTimeUtc().addSecs(-3);
            return r;
        };
        model::ServiceState st;
        st.spec.name = "uro";
        st.spec.ns = "uro";
        st.spec.applyDefaults();
        st.healthSpec.port = "4000";
        for (model::SlotState* s : {&st.a, &st.b, &st.sandbox}) {
            s->exists = true;
            s->desired = s->ready = 2;
            s->health = model::Health::Healthy;
        }
        st.a.slot = model::Slot::A;
        st.b.slot = model::Slot::B;
        st.sandbox.slot = model::Slot::Sandbox;
        st.live = model::Slot::A;
        st.staging = model::Slot::B;
        st.liveServiceExists = st.stagingServiceExists = true;
        st.a.podHealth = {{"uro-a-7d9f", result(model::HealthResult::Kind::Fail, "answered 500, expected 200")},
                          {"uro-a-8e0a", result(model::HealthResult::Kind::Pass, "answered 200 in 12 ms")}};
        st.b.podHealth = {{"uro-b-1", result(model::HealthResult::Kind::Pass, "answered 200 in 4 ms")},
                          {"uro-b-2", result(model::HealthResult::Kind::Pass, "answered 200 in 5 ms")}};
        st.sandbox.podHealth = {
            {"uro-s-1", result(model::HealthResult::Kind::Unknown,
                               "you may not ask pods through the API server's proxy in namespace uro-sandbox "
                               "(get on pods/proxy)")}};
        st.sandbox.podHealth[0].result.forbidden = true;
        for (model::SlotState* s : {&st.a, &st.b, &st.sandbox})
            s->healthCheck = model::summarizeHealth(true, s->podHealth);
        model::HealthResult live = result(model::HealthResult::Kind::Pass, "answered 200 in 9 ms");
        st.liveServiceHealth = model::summarizeServiceHealth(true, true, live);
        st.stagingServiceHealth = model::summarizeServiceHealth(true, true, live);

        ui::ServicePage page;
        page.resize(1180, 640);
        page.setService(st);
        page.show();
        ui::SlotTile* a = page.tile(model::Slot::A);
        QCOMPARE(a->healthSummaryText(), QStringLiteral("✖ Health check: 1 of 2 fail"));
        QCOMPARE(a->healthLines(), (QStringList{QStringLiteral("uro-a-7d9f  500, expected 200  · 3 s ago"),
                                                QStringLiteral("uro-a-8e0a  200 in 12 ms  · 3 s ago"),
                                                QStringLiteral("Service uro: answered 200 in 9 ms")}));
        // Ready by Kubernetes, failing by its own check: the tile asks for attention.
        QVERIFY(a->styleSheet().contains(ui::style::colorOf(ui::style::Tone::Attention)));
        ui::SlotTile* b = page.tile(model::Slot::B);
        QCOMPARE(b->healthSummaryText(), QStringLiteral("● Health check: 2 of 2 answer"));
        QCOMPARE(b->healthLines().last(), QStringLiteral("Service uro-staging: answered 200 in 9 ms"));
        QVERIFY(b->styleSheet().contains(ui::style::colorOf(ui::style::Tone::Healthy)));
        // Not allowed: one line for the slot, no line per pod.
        ui::SlotTile* sandbox = page.tile(model::Slot::Sandbox);
        QCOMPARE(sandbox->healthSummaryText(),
                 QStringLiteral("⊘ Health check: not allowed to ask (get on pods/proxy)"));
        QVERIFY(sandbox->healthLines().isEmpty());
        QVERIFY(sandbox->findChild<QLabel*>(QStringLiteral("healthCheck"))
                    ->toolTip()
                    .contains(QStringLiteral("in namespace uro-sandbox")));
        // No check configured: said so, nothing asked.
        st.healthSpec = {};
        for (model::SlotState* s : {&st.a, &st.b, &st.sandbox})
            s->healthCheck = model::summarizeHealth(false, s->podHealth);
        page.setService(st);
        QCOMPARE(page.tile(model::Slot::A)->healthSummaryText(), QStringLiteral("○ No health check configured"));
        QVERIFY(page.tile(model::Slot::A)->healthLines().isEmpty());
    }
};

QTEST_MAIN(TestServicePage)
#include "tst_servicepage.moc"
