// The service page's history table on typed entries: an entry nobody can read is a row that
// says why, between the readable ones, newest first. Its tiles' health checks: a line per pod with
// its mark, the slot's summary, the Service that selects the slot, and a refusal said once.
#include "gui/shown.h"
#include "kube/history.h"
#include "ui/icons.h"
#include "ui/servicepage.h"
#include "ui/slottile.h"
#include "ui/style.h"

#include <QLabel>
#include <QPixmapCache>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

namespace {

// Counts the events of one type that the widgets it filters receive.
class EventCounter : public QObject {
public:
    EventCounter(QEvent::Type type, int* count) : m_type(type), m_count(count) {}
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == m_type)
            ++*m_count;
        return QObject::eventFilter(watched, event);
    }

private:
    QEvent::Type m_type;
    int* m_count;
};

} // namespace

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
        // Local time, as every view writes it; the recorded text on hover.
        const QDateTime at = QDateTime(QDate(2026, 1, 2), QTime(0, 0), Qt::UTC).toLocalTime();
        QCOMPARE(table->item(1, 0)->text(), at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        QVERIFY2(guisupport::shownTip(table->item(1, 0)->toolTip()).endsWith(QStringLiteral("\n2026-01-02T00:00:00Z")),
                 qPrintable(table->item(1, 0)->toolTip()));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("unreadable entry: \"user\" is a number, not a string"));
        QCOMPARE(table->item(1, 1)->text(), QString());
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("operator"));
        QCOMPARE(table->item(2, 2)->text(), QStringLiteral("swap"));
        QCOMPARE(table->item(2, 3)->text(), QStringLiteral("slot A · 1111"));
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
        // Ready by Kubernetes, failing by its own check: the tile asks for attention, and its
        // readiness bar is in the failure colour, not the blue of a healthy one.
        QVERIFY(a->styleSheet().contains(ui::style::colorOf(ui::style::Tone::Attention)));
        QCOMPARE(a->findChild<QProgressBar*>(QStringLiteral("ready"))->styleSheet(),
                 ui::style::readinessBar(ui::style::Tone::Attention));
        QCOMPARE(page.tile(model::Slot::B)->findChild<QProgressBar*>(QStringLiteral("ready"))->styleSheet(),
                 ui::style::readinessBar(ui::style::Tone::Healthy));
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

    // An icon is rendered from its SVG once per size and pixel ratio, then taken from the cache.
    void iconsAreRenderedOnce()
    {
        QPixmapCache::clear();
        const QString path = ui::style::iconPath(model::HealthSummary::State::Passing);
        const int before = ui::style::iconRenders();
        const QPixmap first = ui::style::iconPixmap(path, 14, 1.0);
        QCOMPARE(ui::style::iconRenders(), before + 1);
        QCOMPARE(first.size(), QSize(14, 14));
        for (int i = 0; i < 10; ++i)
            ui::style::iconPixmap(path, 14, 1.0);
        QCOMPARE(ui::style::iconRenders(), before + 1);
        // Another size or pixel ratio is another picture, rendered once too.
        const QPixmap sharp = ui::style::iconPixmap(path, 14, 2.0);
        QCOMPARE(sharp.size(), QSize(28, 28));
        QCOMPARE(sharp.devicePixelRatio(), 2.0);
        ui::style::iconPixmap(path, 14, 2.0);
        ui::style::iconPixmap(path, 16, 1.0);
        QCOMPARE(ui::style::iconRenders(), before + 3);
        // The cache keeps what was rendered: the same pixels every time.
        QCOMPARE(ui::style::iconPixmap(path, 14, 1.0).toImage(), first.toImage());
    }

    // The tiles' pod rows carry icons of their state and check: showing the page again and again
    // renders none anew.
    void podIconsAreNotRenderedOnEachUpdate()
    {
        model::ServiceState st;
        st.spec.name = "uro";
        st.spec.ns = "uro";
        st.spec.applyDefaults();
        st.healthSpec.port = "4000";
        st.a.slot = model::Slot::A;
        st.a.exists = true;
        st.a.desired = st.a.ready = 2;
        for (const char* name : {"uro-a-1", "uro-a-2"}) {
            model::PodRow pod;
            pod.name = name;
            pod.phase = "Running";
            pod.ready = true;
            pod.readyContainers = pod.containers = 1;
            st.a.podRows.push_back(pod);
            model::HealthResult r;
            r.kind = model::HealthResult::Kind::Pass;
            r.sentence = "answered 200 in 3 ms";
            st.a.podHealth.push_back({name, r});
        }
        st.a.healthCheck = model::summarizeHealth(true, st.a.podHealth);
        QPixmapCache::clear();
        const int before = ui::style::iconRenders();
        ui::ServicePage page;
        page.resize(1180, 640);
        page.setService(st);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.grab();
        const int rendered = ui::style::iconRenders();
        QCOMPARE(rendered, before + 2); // a ready pod's dot, a passing check's mark
        for (int i = 0; i < 5; ++i) {
            page.setService(st);
            page.grab();
        }
        QCOMPARE(ui::style::iconRenders(), rendered);
    }

    // An update that brings what the page shows already writes no cell and sets no style sheet; a
    // new entry is a row inserted on top, and a changed entry changes its own row only.
    void anUnchangedUpdateRebuildsNothing()
    {
        auto entry = [](const char* at, const char* user, const char* tag) {
            kube::HistoryEntry e;
            e.at = at;
            e.user = user;
            e.action = "swap";
            e.from.slot = "a";
            e.to.slot = "b";
            e.from.tag = e.to.tag = tag;
            e.from.image = e.to.image = "r:" + std::string(tag);
            return e;
        };
        model::ServiceState st;
        st.spec.name = "uro";
        st.spec.ns = "uro";
        st.badge = model::Badge::ReadyToSwap;
        st.badgeText = "ready";
        st.a.slot = model::Slot::A;
        st.a.exists = true;
        st.a.desired = st.a.ready = 1;
        st.history = {entry("2026-01-01T00:00:00Z", "alice", "1111"), entry("2026-01-02T00:00:00Z", "bob", "2222")};
        ui::ServicePage page;
        page.resize(1180, 640);
        page.setService(st);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTableWidget* table = page.history();
        QCOMPARE(table->rowCount(), 2);
        auto items = [table] {
            QList<QTableWidgetItem*> out;
            for (int r = 0; r < table->rowCount(); ++r)
                for (int c = 0; c < table->columnCount(); ++c)
                    out << table->item(r, c);
            return out;
        };
        const QList<QTableWidgetItem*> before = items();
        // Re-styling a widget sends it a StyleChange: counted on the badge and the tiles.
        int restyled = 0;
        EventCounter counter(QEvent::StyleChange, &restyled);
        for (QWidget* w :
             {static_cast<QWidget*>(page.findChild<QLabel*>(QStringLiteral("badge"))),
              static_cast<QWidget*>(page.tile(model::Slot::A)), static_cast<QWidget*>(page.tile(model::Slot::B))})
            w->installEventFilter(&counter);
        QSignalSpy changed(table->model(), &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(table->model(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(table->model(), &QAbstractItemModel::rowsRemoved);
        for (int i = 0; i < 3; ++i)
            page.setService(st);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(inserted.count() + removed.count(), 0);
        QCOMPARE(items(), before);
        QCOMPARE(restyled, 0);

        // A new entry: one row on top, the others keep their items.
        st.history.push_back(entry("2026-01-03T00:00:00Z", "carol", "3333"));
        page.setService(st);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("carol"));
        QCOMPARE(items().mid(table->columnCount()), before);
        QCOMPARE(removed.count(), 0);

        // The oldest entry changes: only its row (the last) is written.
        changed.clear();
        st.history.front().user = "mallory";
        page.setService(st);
        QVERIFY(changed.count() > 0);
        for (const auto& args : changed)
            QCOMPARE(args.at(0).value<QModelIndex>().row(), 2);
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("mallory"));
        QCOMPARE(items().mid(table->columnCount()), before);

        // Another badge is another style sheet.
        st.badge = model::Badge::Attention;
        page.setService(st);
        QVERIFY(restyled > 0);
    }
};

QTEST_MAIN(TestServicePage)
#include "tst_servicepage.moc"
