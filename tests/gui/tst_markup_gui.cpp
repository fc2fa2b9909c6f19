// Cluster text is text. Markup is written, as CI, an app, a registry and a pod would write it, into
// every place the console shows: the staging slot's pod template (deployed-at, tag, image string),
// the live Service's annotations and history, a Warning event, the app's answers to the health
// check (a Status message and the X-Pod header, and a watch's verdict that quotes that message),
// a registry's error and a log line. The real console, on the local control plane, shows each as the
// characters that were written: every label is plain text or HTML built from escaped values, no
// tooltip carries markup, nothing opens the file an <img> names, and an <img src="/dev/zero">
// (which Qt reads on the GUI thread when it renders it) does not stop the window from answering.
#include "guisupport.h"
#include "support/httpserver.h"
#include "ui/deploydialog.h"
#include "ui/logview.h"
#include "ui/slottile.h"
#include "ui/style.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QTimer>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <sys/inotify.h>
#include <thread>
#include <unistd.h>

using testsupport::kubectl;

namespace {

const QString admin = QStringLiteral("admin");
// What an adversary writes: rendered, it is a giant green READY.
const QString font = QStringLiteral("<b>BOLD</b> <font size=7 color=green>READY</font>");
// Rendered, Qt reads /dev/zero on the GUI thread for ever.
const QString zero = QStringLiteral("<img src=\"/dev/zero\">");

// Notices any open of one file (inotify), so the test can say no <img> read it.
class OpenWatch {
public:
    explicit OpenWatch(const QString& path)
    {
        m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (m_fd >= 0)
            m_watch = inotify_add_watch(m_fd, QFile::encodeName(path).constData(), IN_OPEN | IN_ACCESS);
    }
    ~OpenWatch()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ready() const { return m_fd >= 0 && m_watch >= 0; }
    // Whether the file was opened or read since the watch began.
    bool touched() const
    {
        alignas(inotify_event) char buffer[4096];
        return ::read(m_fd, buffer, sizeof buffer) > 0;
    }

private:
    int m_fd = -1;
    int m_watch = -1;
};

// Ends the process if the GUI thread stops answering for `seconds`: an <img src="/dev/zero"> that
// got rendered never returns, and no QTRY can notice that from the blocked thread. The GUI thread
// beats every 100 ms; a thread of its own wakes when the newest beat is `seconds` old (or when the
// test ends) and looks.
class Watchdog {
public:
    explicit Watchdog(int seconds)
        : m_thread([this, seconds] {
              std::unique_lock lock(m_mutex);
              while (!m_done) {
                  const auto stale = std::chrono::steady_clock::time_point(std::chrono::milliseconds(m_beat.load())) +
                                     std::chrono::seconds(seconds);
                  if (m_ended.wait_until(lock, stale, [this] { return m_done; }))
                      return;
                  if (now() - m_beat > seconds * 1000LL) {
                      std::fprintf(stderr, "FAIL: the console's thread stopped answering for %d s (markup rendered?)\n",
                                   seconds);
                      std::_Exit(3);
                  }
              }
          })
    {
        QObject::connect(&m_timer, &QTimer::timeout, [this] { m_beat = now(); });
        m_timer.start(100);
    }
    ~Watchdog()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_ended.notify_one();
        m_thread.join();
    }

private:
    static long long now()
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

    std::mutex m_mutex;
    std::condition_variable m_ended;
    bool m_done = false;
    std::atomic<long long> m_beat{now()};
    QTimer m_timer;
    std::thread m_thread;
};

// A strategic merge patch: a Deployment's containers merge by name.
bool patchJson(const QString& kind, const QString& name, const QString& patch)
{
    const auto r = kubectl(admin, {QStringLiteral("patch"), kind, name, QStringLiteral("-n"), QStringLiteral("uro"),
                                   QStringLiteral("--type=strategic"), QStringLiteral("-p"), patch});
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return r.exitCode == 0;
}

// `text` as a JSON string literal, quotes included.
QString jsonString(const QString& text)
{
    const QByteArray doc = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(doc.mid(1, doc.size() - 2));
}

// Every problem with how `root`'s widgets show text: a label left to guess (Qt::AutoText) that holds
// markup, rich text not built here or holding raw markup, a tooltip that holds markup.
QStringList unsafeText(QWidget* root)
{
    QStringList found;
    auto raw = [](const QString& s) {
        return s.contains(QStringLiteral("<font")) || s.contains(QStringLiteral("<b>BOLD")) ||
               s.contains(QStringLiteral("<img src=\"/"));
    };
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets << root;
    for (QWidget* w : widgets) {
        const QString name =
            w->objectName().isEmpty() ? QString::fromLatin1(w->metaObject()->className()) : w->objectName();
        if (auto* label = qobject_cast<QLabel*>(w)) {
            const QString text = label->text();
            if (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(text))
                found << QStringLiteral("label %1 is left to guess and holds markup: %2").arg(name, text);
            if (label->textFormat() == Qt::RichText && !label->property("builtHtml").toBool())
                found << QStringLiteral("label %1 is rich text not built by ui::richLabel").arg(name);
            if (label->textFormat() == Qt::RichText && raw(text))
                found << QStringLiteral("label %1 holds raw markup: %2").arg(name, text);
        }
        if (raw(w->toolTip()))
            found << QStringLiteral("tooltip of %1 holds markup: %2").arg(name, w->toolTip());
        if (auto* view = qobject_cast<QAbstractItemView*>(w); view && view->model()) {
            const QAbstractItemModel* m = view->model();
            for (int r = 0; r < m->rowCount(); ++r)
                for (int c = 0; c < m->columnCount(); ++c) {
                    const QString tip = m->data(m->index(r, c), Qt::ToolTipRole).toString();
                    if (raw(tip))
                        found << QStringLiteral("tooltip of %1 row %2 column %3 holds markup: %4")
                                     .arg(name)
                                     .arg(r)
                                     .arg(c)
                                     .arg(tip);
                }
        }
    }
    return found;
}

} // namespace

class TestMarkupGui : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_probe; // a file an <img> names

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        REQUIRE_CLUSTER();
        QVERIFY(m_tmp.isValid());
        m_probe = m_tmp.filePath(QStringLiteral("probe.png"));
        QFile f(m_probe);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        testsupport::resetExample();
    }

    void cleanupTestCase() { testsupport::resetExample(); }

    void whatOthersWroteShowsAsTheCharactersTheyWrote()
    {
        auto restore = qScopeGuard([] {
            kubectl(admin, {QStringLiteral("delete"), QStringLiteral("event"), QStringLiteral("markup-warning"),
                            QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--ignore-not-found")});
            testsupport::resetExample();
        });
        const QString probeImg = QStringLiteral("<img src=\"%1\">").arg(m_probe);
        const QString hostile = font + QLatin1Char(' ') + probeImg;
        OpenWatch opened(m_probe);
        QVERIFY(opened.ready());

        // CI's half: the staging slot's pod template (uro-b), its tag and its image string.
        QVERIFY(patchJson(QStringLiteral("deployment"), QStringLiteral("uro-b"),
                          QStringLiteral(R"({"spec":{"template":{"metadata":{"annotations":{
                              "signalbox.v-sekai.org/deployed-at":%1,
                              "signalbox.v-sekai.org/image-tag":%2}},
                              "spec":{"containers":[{"name":"uro","image":%3}]}}}})")
                              .arg(jsonString(font + QLatin1Char(' ') + zero + QLatin1Char(' ') + probeImg),
                                   jsonString(hostile), jsonString(QStringLiteral("ghcr.io/v-sekai/uro:") + hostile))));
        QCOMPARE(
            kubectl(admin, {QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/uro-b"),
                            QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--timeout=90s")})
                .exitCode,
            0);
        // An operator's annotations on the live Service: a history and a value the check cannot read.
        const QString entry = QStringLiteral(R"([{"at":%1,"user":%2,"action":"swap","service":"uro",
            "from":{"slot":"a","image":%2,"tag":%1},"to":{"slot":"b","image":%2,"tag":%1}}])")
                                  .arg(jsonString(font), jsonString(hostile));
        QVERIFY(patchJson(QStringLiteral("service"), QStringLiteral("uro"),
                          QStringLiteral(R"({"metadata":{"annotations":{"signalbox.v-sekai.org/history":%1,
                              "signalbox.v-sekai.org/health-timeout-seconds":%2}}})")
                              .arg(jsonString(entry), jsonString(hostile))));
        // The app's answers: a failing check whose message and X-Pod header the app shaped.
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"),
                                          QStringLiteral("test.signalbox.v-sekai.org/health-message=") + hostile));
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"),
                                          QStringLiteral("test.signalbox.v-sekai.org/served-by=") + font));
        // A Warning event about the staging Deployment.
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        QCOMPARE(kubectl(admin, {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                         QStringLiteral(R"({"apiVersion":"v1","kind":"Event","type":"Warning",
                             "metadata":{"name":"markup-warning","namespace":"uro"},
                             "reason":%1,"message":%2,"count":2,"firstTimestamp":"%3","lastTimestamp":"%3",
                             "involvedObject":{"kind":"Deployment","name":"uro-b","namespace":"uro",
                                               "apiVersion":"apps/v1"},"source":{"component":"ci"}})")
                             .arg(jsonString(QStringLiteral("<i>Reason</i>")), jsonString(hostile), now)
                             .toUtf8())
                     .exitCode,
                 0);
        // A line in a staging pod's log.
        const QStringList stagingPods = testsupport::podsOf(QStringLiteral("b"));
        QVERIFY(!stagingPods.isEmpty());
        const QString logLine = QStringLiteral("[info] ") + hostile;
        const auto appended =
            testsupport::run(testsupport::sourceDir() + QStringLiteral("/scripts/cluster"),
                             {QStringLiteral("logs-append"), QStringLiteral("uro"), stagingPods.first(), logLine});
        QVERIFY2(appended.exitCode == 0, qPrintable(appended.describe()));
        // A registry whose every answer is a refusal with a message.
        testsupport::HttpServer registry;
        registry.answer(
            {}, {403,
                 {"Content-Type: application/json"},
                 QStringLiteral(R"({"errors":[{"code":"DENIED","message":%1}]})").arg(jsonString(hostile)).toUtf8()});
        QVERIFY(registry.isListening());

        Watchdog watchdog(20);
        guisupport::Console c(QStringLiteral("operator"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        ui::SlotTile* b = page->tile(model::Slot::B);
        // The tile's lines, as typed.
        auto* commit = b->findChild<QLabel*>(QStringLiteral("commit"));
        QVERIFY(commit);
        QTRY_VERIFY2_WITH_TIMEOUT(commit->text().contains(font + QLatin1Char(' ') + zero), qPrintable(commit->text()),
                                  20000);
        QCOMPARE(commit->textFormat(), Qt::PlainText);
        QTRY_VERIFY2_WITH_TIMEOUT(ui::style::plainText(b->imageText()).contains(hostile), qPrintable(b->imageText()),
                                  20000);
        // The app's answers, in the tile and in the pods' lines.
        QTRY_VERIFY2_WITH_TIMEOUT(b->healthLines().join(u'\n').contains(hostile),
                                  qPrintable(b->healthLines().join(u'\n')), 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(b->podLines().join(u'\n').contains(hostile), qPrintable(b->podLines().join(u'\n')),
                                  30000);
        // The event.
        QTRY_VERIFY2_WITH_TIMEOUT(b->eventLines().join(u'\n').contains(hostile),
                                  qPrintable(b->eventLines().join(u'\n')), 20000);
        QVERIFY2(ui::style::plainText(b->findChild<QLabel*>(QStringLiteral("events"))->text()).contains(hostile),
                 qPrintable(b->findChild<QLabel*>(QStringLiteral("events"))->text()));
        // The history, in the table and its tooltips.
        QTableWidget* history = page->history();
        QTRY_VERIFY_WITH_TIMEOUT(history->rowCount() == 1, 20000);
        QCOMPARE(history->item(0, 0)->text(), font);
        QCOMPARE(history->item(0, 1)->text(), hostile);
        QCOMPARE(guisupport::shownTip(history->item(0, 3)->toolTip()), hostile);
        guisupport::saveShot(c.window, QStringLiteral("markup-as-text.png"));

        // The registry's refusal, in the deploy dialog's status line.
        auto* deploy = guisupport::openDeployDialog(page);
        QVERIFY(deploy);
        auto* repo = deploy->findChild<QLineEdit*>(QStringLiteral("repositoryField"));
        repo->setText(registry.hostPort() + QStringLiteral("/markup"));
        deploy->loadTags();
        QTRY_VERIFY2_WITH_TIMEOUT(deploy->statusText().contains(hostile), qPrintable(deploy->statusText()), 20000);
        QCOMPARE(deploy->findChild<QLabel*>(QStringLiteral("deployStatus"))->textFormat(), Qt::PlainText);
        QStringList problems = unsafeText(deploy);

        // The log line, in the slot's log window.
        QSignalSpy logOpened(c.window, &ui::MainWindow::logViewOpened);
        deploy->close();
        QTest::mouseClick(b->logsButton(), Qt::LeftButton);
        QCOMPARE(logOpened.count(), 1);
        auto* view = logOpened.first().first().value<ui::LogView*>();
        QTRY_VERIFY2_WITH_TIMEOUT(view->shownText().contains(logLine), qPrintable(view->shownText().right(500)), 20000);
        problems << unsafeText(view);

        // Every widget of the window: labels plain or built, no tooltip with markup.
        problems << unsafeText(c.window);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        // The overview's rows too (their tooltips come from the item model).
        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("backButton")), Qt::LeftButton);
        QTRY_VERIFY(c.window->overview()->isVisible());
        problems = unsafeText(c.window);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        view->close();
        QVERIFY2(!opened.touched(), "a file that an <img> in cluster text names was opened");
    }

    // A watch after a swap says in its verdict what the app answered: an app that fails its check
    // with a Status whose message is markup puts that markup into the banner on the service's page
    // and in the main window (and into the history). Both show the characters as written, and the
    // <img> opens nothing.
    void aWatchVerdictShowsAsTheCharactersWritten()
    {
        auto restore = qScopeGuard([] {
            testsupport::clearPodHealth();
            testsupport::resetExample();
        });
        const QString hostile =
            font + QLatin1Char(' ') + zero + QLatin1Char(' ') + QStringLiteral("<img src=\"%1\">").arg(m_probe);
        OpenWatch opened(m_probe);
        QVERIFY(opened.ready());
        Watchdog watchdog(20);
        guisupport::Console c(QStringLiteral("operator"));
        c.console->runner()->setWatchSeconds(30);
        ui::MainWindow* w = c.window;
        guisupport::openService(w, QStringLiteral("uro"));
        ui::ServicePage* page = w->servicePage();
        guisupport::confirmThrough(page, model::SwapPlan::Kind::Swap);
        // The swap is done once the watch of the new live slot begins.
        auto latest = [&c] { return c.console->runner()->latestFor("uro", "uro"); };
        QTRY_VERIFY_WITH_TIMEOUT(latest() && latest()->watches() && latest()->running(), 60000);
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        // The new live slot's app now fails every check with a message of its own making.
        QVERIFY(testsupport::annotatePods(QStringLiteral("b"),
                                          QStringLiteral("test.signalbox.v-sekai.org/health-message=") + hostile));

        // The page's banner: the verdict, with the app's words as they were written.
        QTRY_VERIFY2_WITH_TIMEOUT(page->watchBannerText().contains(hostile), qPrintable(page->watchBannerText()),
                                  45000);
        auto* text = page->findChild<QLabel*>(QStringLiteral("watchBannerText"));
        QVERIFY(text);
        QCOMPARE(text->textFormat(), Qt::PlainText);
        QVERIFY2(page->watchBannerText().contains(QStringLiteral("the health check 3 times in a row")),
                 qPrintable(page->watchBannerText()));
        guisupport::saveShot(w, QStringLiteral("markup-watch-banner.png"));
        QStringList problems = unsafeText(w);

        // The main window's banner, from the overview.
        w->showOverview();
        QTRY_VERIFY2(w->watchBannerText().contains(hostile), qPrintable(w->watchBannerText()));
        auto* mainText = w->findChild<QLabel*>(QStringLiteral("mainWatchBannerText"));
        QVERIFY(mainText);
        QCOMPARE(mainText->textFormat(), Qt::PlainText);
        problems << unsafeText(w);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        QVERIFY2(!opened.touched(), "a file that an <img> in a watch's verdict names was opened");
    }
};

QTEST_MAIN(TestMarkupGui)
#include "tst_markup_gui.moc"
