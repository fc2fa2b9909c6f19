// The numbers on screen, in the real console against the rig's Prometheus: with traffic to both
// Services and staging's pods failing a fifth of their requests (the pod annotation), the staging
// tile shows an error ratio near 20 %, the live tile near 0 %, and the service page's charts have
// points for both slots; a user without services/proxy on Prometheus's namespace sees one sentence
// and no numbers. With SIGNALBOX_SCREENSHOT_DIR set, it saves the tiles and the charts there.
#include "guisupport.h"
#include "model/rules/servicespec.h"
#include "ui/metricchart.h"
#include "ui/slottile.h"

#include <QLabel>
#include <QRegularExpression>
#include <QTest>

namespace {

const QString errorRatioKey = QStringLiteral("test.signalbox.v-sekai.org/error-ratio");

// Uro with the default metrics over a short window, from the rig's Prometheus through the API server.
model::ServiceConfig config()
{
    const auto c = model::parseServiceConfig("prometheus: monitoring/prometheus:9090\n"
                                             "services:\n"
                                             "- name: uro\n"
                                             "  namespace: uro\n"
                                             "  group: uro\n"
                                             "  analysis:\n"
                                             "    defaults: true\n"
                                             "    window: 20s\n",
                                             "services.yaml");
    return c ? c.value() : model::ServiceConfig{};
}

// The error ratio a tile shows, in percent; -1 when it shows none.
double errorPercent(const ui::SlotTile* tile)
{
    static const QRegularExpression re(QStringLiteral("error ratio ([0-9.]+) %"));
    const auto m = re.match(tile->metricsText());
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

} // namespace

class TestMetricsGui : public QObject {
    Q_OBJECT

    testsupport::Traffic m_traffic;

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        QVERIFY(config().prometheus.configured());
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("a"));
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + QStringLiteral("=0.2")));
        // Users on both Services, 20 requests a second each, stopping by themselves.
        QVERIFY(m_traffic.start(240, QStringLiteral("/x")));
    }

    void cleanupTestCase()
    {
        m_traffic.stop();
        testsupport::annotatePods(QStringLiteral("b"), errorRatioKey + u'-');
    }

    void tilesAndChartsShowBothSlots()
    {
        guisupport::Console c(QStringLiteral("operator"), config());
        model::MetricFeed* feed = c.console->metricFeed();
        QVERIFY(feed);
        feed->setIntervals(std::chrono::seconds(2), std::chrono::seconds(5));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        ui::SlotTile* live = page->tile(model::Slot::A);
        ui::SlotTile* staging = page->tile(model::Slot::B);
        // Until Prometheus has scraped this traffic and the window holds only it (about a fifth: the
        // window's ends move the rate a little).
        QTRY_VERIFY2_WITH_TIMEOUT(errorPercent(staging) >= 12 && errorPercent(staging) <= 28,
                                  qPrintable(staging->metricsText()), 120000);
        QTRY_VERIFY2_WITH_TIMEOUT(errorPercent(live) >= 0 && errorPercent(live) < 2, qPrintable(live->metricsText()),
                                  30000);
        QVERIFY2(staging->metricsText().contains(QStringLiteral("p99 latency ")), qPrintable(staging->metricsText()));
        QCOMPARE(page->tile(model::Slot::Sandbox)->metricsText(), QString());
        QCOMPARE(page->metricProblemText(), QString());
        // The status reads staging's values: never "Ready to swap" beside a metric that fails, on the page
        // or in the overview's row.
        QTRY_COMPARE_WITH_TIMEOUT(page->badgeText(), QStringLiteral("Staging fails its check"), 10000);
        auto* badge = page->findChild<QLabel*>(QStringLiteral("badge"));
        QVERIFY(badge);
        QVERIFY2(badge->toolTip().contains(QStringLiteral("Staging (slot B) is worse than live: error ratio ")),
                 qPrintable(badge->toolTip()));
        QVERIFY2(page->anomalyText().contains(QStringLiteral("Staging (slot B) is worse than live: error ratio ")),
                 qPrintable(page->anomalyText()));
        QCOMPARE(guisupport::overviewStatus(c.window, QStringLiteral("uro")),
                 QStringLiteral("Staging fails its check"));

        // One chart per metric, each with points of live and staging.
        QCOMPARE(page->charts().size(), std::size_t(2));
        ui::MetricChart* errors = page->charts().front();
        QTRY_VERIFY_WITH_TIMEOUT(errors->pointCount(0) > 0 && errors->pointCount(1) > 0, 30000);
        QVERIFY(page->charts().back()->pointCount(0) > 0);
        const QString said = errors->accessibleDescription();
        QVERIFY2(said.startsWith(QStringLiteral("error ratio over the last ")) &&
                     said.contains(QStringLiteral(": live (slot A) ")),
                 qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("staging (slot B) ")) && !said.contains(QStringLiteral("no data")),
                 qPrintable(said));
        // Shown and laid out at its full height (the layout follows the feed's answer on the event loop).
        QTRY_VERIFY_WITH_TIMEOUT(errors->isVisible() && errors->height() >= errors->minimumSizeHint().height(), 10000);
        // A bounded rate: one round at a time, every interval, not one per repaint.
        const long long rounds = feed->roundsStarted();
        QVERIFY(rounds > 0);
        auto* box = page->findChild<QWidget*>(QStringLiteral("metricsBox"));
        QVERIFY(box);
        guisupport::saveShot(c.window, QStringLiteral("metrics-tiles.png"));
        guisupport::saveShot(box, QStringLiteral("metrics-charts.png"));

        // Off the page, nothing is asked any more.
        c.window->showOverview();
        QTRY_VERIFY(!feed->metrics("uro"));
        const long long sent = feed->queriesSent();
        QVERIFY(!QTest::qWaitFor([&] { return feed->queriesSent() != sent; }, 5000));
    }

    void aViewerWithoutTheProxySeesOneSentence()
    {
        guisupport::Console c(QStringLiteral("viewer"), config());
        c.console->metricFeed()->setIntervals(std::chrono::seconds(2), std::chrono::seconds(5));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        QTRY_VERIFY_WITH_TIMEOUT(!page->metricProblemText().isEmpty(), 30000);
        const QString problem = page->metricProblemText();
        QVERIFY2(problem.contains(QStringLiteral("services/proxy")) && !problem.contains(u'\n'), qPrintable(problem));
        for (model::Slot slot : {model::Slot::A, model::Slot::B})
            QCOMPARE(page->tile(slot)->metricsText(), QString());
        for (ui::MetricChart* chart : page->charts())
            QVERIFY(chart->pointCount(0) == 0 && chart->pointCount(1) == 0);
    }
};

QTEST_MAIN(TestMetricsGui)
#include "tst_metrics_gui.moc"
