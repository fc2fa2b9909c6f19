// Pod logs against the local control plane, whose kwok serves pods/log from files the rig writes:
// a slot's pods merged in time order, following (appended lines, a pod that starts, a pod that
// goes), the previous container, a user without pods/log told before anything is read, the
// client's own stream (a pod that is gone, cancel), and `signalbox logs` printing "POD | line";
// a pod that prints megabytes without a newline (cut at 64 KiB, in bounded memory) and a followed
// log that falls silent (reopened from its last line).
#include "model/observe/logstream.h"
#include "model/state/servicelookup.h"
#include "support/cluster.h"
#include "support/kubetest.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using kube::Json;
using kubetest::await;
using testsupport::appendLog;
using testsupport::kubectl;
using testsupport::rolledOut;
using testsupport::runningPods;

namespace {

bool scale(const QString& deployment, int replicas)
{
    return kubectl(QStringLiteral("admin"),
                   {QStringLiteral("scale"), QStringLiteral("deployment"), deployment, QStringLiteral("-n"),
                    QStringLiteral("uro"), QStringLiteral("--replicas=") + QString::number(replicas)})
               .exitCode == 0;
}

int countText(const std::deque<model::LogLine>& lines, const std::string& needle, const std::string& pod = {})
{
    int n = 0;
    for (const auto& l : lines)
        if (l.text.find(needle) != std::string::npos && (pod.empty() || l.pod == pod))
            ++n;
    return n;
}

// The peak resident size of this process in KiB (VmHWM); `reset` starts it again from now.
qint64 peakKiB(bool reset = false)
{
    if (reset) {
        QFile clear(QStringLiteral("/proc/self/clear_refs"));
        if (clear.open(QIODevice::WriteOnly))
            clear.write("5");
    }
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Appends CRI records to a pod's log file as a container runtime writes them: `partialBytes`
// bytes of 'x' without a newline as partial records ("P") of 16 KiB (the kubelet's split), then
// `lines` as complete ones. Written record by record, so the test holds none of it.
bool appendRecords(const QString& pod, qint64 partialBytes, const QStringList& lines)
{
    QString why;
    QFile f(testsupport::clusterDir(&why) + QStringLiteral("/pod-logs/uro/") + pod + QStringLiteral("/current.log"));
    if (!f.exists() || !f.open(QIODevice::Append)) {
        qWarning("cannot append to %s: %s", qPrintable(f.fileName()), qPrintable(why + f.errorString()));
        return false;
    }
    const auto stamp = [] { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8(); };
    const QByteArray piece(16 * 1024, 'x');
    bool ok = true;
    for (qint64 at = 0; at < partialBytes; at += piece.size())
        ok = ok && f.write(stamp() + " stdout P " +
                           piece.left(qsizetype(std::min<qint64>(piece.size(), partialBytes - at))) + "\n") > 0;
    for (const QString& line : lines)
        ok = ok && f.write(stamp() + " stdout F " +
                           QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss.zzz ")).toUtf8() +
                           line.toUtf8() + "\n") > 0;
    return ok && f.flush();
}

} // namespace

class TestLogs : public QObject {
    Q_OBJECT

private:
    kube::Transport m_transport;
    std::vector<model::ServiceSpec> m_services;
    QString m_run; // marks this run's lines

    std::unique_ptr<kube::Client> client(const QString& user)
    {
        auto rc = kubetest::restConfigFor(user);
        if (!rc)
            qFatal("%s", rc.error().message.c_str());
        return std::make_unique<kube::Client>(rc.value(), &m_transport);
    }

    model::LogSource slot(kube::Client* c, const std::string& name)
    {
        auto s = await<model::LogSource>([&](auto cb) { model::findSlotPods(c, m_services.front(), name, cb); });
        if (!s || !*s)
            qFatal("no log source for slot %s: %s", name.c_str(), s ? s->error().message.c_str() : "timeout");
        return s->value();
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        m_run = QString::number(QRandomGenerator::global()->generate(), 16);
        QVERIFY(testsupport::applyExample());
        QVERIFY(rolledOut(QStringLiteral("uro-a")));
        QVERIFY(rolledOut(QStringLiteral("uro-b")));
        auto c = client(QStringLiteral("viewer"));
        auto found = await<std::vector<model::ServiceSpec>>([&](auto cb) {
            model::lookupServices(c.get(), {}, "uro", [cb](auto r) {
                if (r) {
                    auto all = r.value();
                    all.erase(std::remove_if(all.begin(), all.end(), [](const auto& s) { return s.name != "uro"; }),
                              all.end());
                    cb(all);
                } else {
                    cb(r.error());
                }
            });
        });
        QVERIFY(found && *found);
        m_services = found->value();
        QCOMPARE(m_services.size(), std::size_t(1));
        // Every pod of both slots has its log (the rig writes it once it sees the pod).
        QVERIFY(QTest::qWaitFor(
            [] {
                for (const QString& slot : {QStringLiteral("a"), QStringLiteral("b")})
                    for (const QString& pod : runningPods(slot))
                        if (kubectl(QStringLiteral("admin"),
                                    {QStringLiteral("logs"), QStringLiteral("-n"), QStringLiteral("uro"), pod})
                                .exitCode != 0)
                            return false;
                return true;
            },
            30000));
    }

    void aSlotsPodsAreMergedInTimeOrder()
    {
        const QStringList pods = runningPods(QStringLiteral("a"));
        QCOMPARE(pods.size(), 2);
        // Lines written alternately to the two pods: merged by time they alternate again.
        for (int i = 1; i <= 6; ++i)
            QVERIFY(appendLog(pods[(i - 1) % 2], QStringLiteral("[info] merge %1 step %2").arg(m_run).arg(i)));
        auto c = client(QStringLiteral("viewer"));
        model::LogStream stream(c.get(), slot(c.get(), "a"), {});
        QSignalSpy finished(&stream, &model::LogStream::finished);
        QSignalSpy failed(&stream, &model::LogStream::failed);
        stream.start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(failed.count(), 0);
        std::vector<model::LogLine> steps;
        std::int64_t last = 0;
        for (const auto& l : stream.lines()) {
            QVERIFY2(l.timeNs >= last, l.text.c_str());
            last = l.timeNs;
            if (l.text.find("merge " + m_run.toStdString()) != std::string::npos)
                steps.push_back(l);
        }
        QCOMPARE(steps.size(), std::size_t(6));
        for (int i = 0; i < 6; ++i) {
            QVERIFY2(steps[i].text.find("step " + std::to_string(i + 1)) != std::string::npos, steps[i].text.c_str());
            QCOMPARE(QString::fromStdString(steps[i].pod), pods[i % 2]);
        }
        // Both pods' own start lines are there, each marked with its pod.
        for (const QString& p : pods)
            QCOMPARE(countText(stream.lines(), "Running UroWeb.Endpoint", p.toStdString()), 1);
    }

    void tailAndOnePod()
    {
        const QStringList pods = runningPods(QStringLiteral("a"));
        auto c = client(QStringLiteral("viewer"));
        model::LogSource source = slot(c.get(), "a");
        source.pod = pods.first().toStdString();
        model::LogOptions options;
        options.tailLines = 2;
        model::LogStream stream(c.get(), source, options);
        QSignalSpy finished(&stream, &model::LogStream::finished);
        stream.start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(stream.lines().size(), std::size_t(2));
        for (const auto& l : stream.lines())
            QCOMPARE(QString::fromStdString(l.pod), pods.first());
    }

    void followPicksUpLinesAndPodsThatComeAndGo()
    {
        auto restore = qScopeGuard([] {
            scale(QStringLiteral("uro-b"), 2);
            rolledOut(QStringLiteral("uro-b"));
        });
        const QStringList before = runningPods(QStringLiteral("b"));
        QCOMPARE(before.size(), 2);
        auto c = client(QStringLiteral("viewer"));
        model::LogOptions options;
        options.follow = true;
        model::LogStream stream(c.get(), slot(c.get(), "b"), options);
        QSignalSpy failed(&stream, &model::LogStream::failed);
        stream.start();
        QTRY_COMPARE_WITH_TIMEOUT(stream.pods().size(), std::size_t(2), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), "Running UroWeb.Endpoint"), 2, 20000);

        // A line written now arrives on the open stream.
        const std::string appended = "[info] GET /api/v1/avatars follow " + m_run.toStdString();
        QVERIFY(appendLog(before.last(), QString::fromStdString(appended)));
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), appended, before.last().toStdString()), 1, 20000);
        // Following resumed at each pod's last line without reading it twice.
        for (const QString& p : before)
            QCOMPARE(countText(stream.lines(), "Sent 200 in 412µs", p.toStdString()), 1);

        // A third pod joins with its whole log.
        QVERIFY(scale(QStringLiteral("uro-b"), 3));
        QTRY_COMPARE_WITH_TIMEOUT(stream.pods().size(), std::size_t(3), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), "Running UroWeb.Endpoint"), 3, 20000);
        QStringList now = runningPods(QStringLiteral("b"));
        QString added;
        for (const QString& p : now)
            if (!before.contains(p))
                added = p;
        QVERIFY(!added.isEmpty());
        QCOMPARE(countText(stream.lines(), "Running UroWeb.Endpoint", added.toStdString()), 1);

        // Scaling back removes a pod: the stream says so and keeps following the others.
        QVERIFY(scale(QStringLiteral("uro-b"), 2));
        QTRY_COMPARE_WITH_TIMEOUT(stream.pods().size(), std::size_t(2), 30000);
        int notes = 0;
        std::string gone;
        for (const auto& l : stream.lines())
            if (l.note && l.text == l.pod + " went away") {
                ++notes;
                gone = l.pod;
            }
        QCOMPARE(notes, 1);
        QVERIFY(now.contains(QString::fromStdString(gone)));
        QTRY_VERIFY_WITH_TIMEOUT(!runningPods(QStringLiteral("b")).contains(QString::fromStdString(gone)), 20000);
        const QString remaining = runningPods(QStringLiteral("b")).first();
        const std::string later = "[info] after the scale-down " + m_run.toStdString();
        QVERIFY(appendLog(remaining, QString::fromStdString(later)));
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), later), 1, 20000);
        QCOMPARE(failed.count(), 0);
    }

    void previousContainer()
    {
        // A Deployment whose pods report one restart; the rig gives them the crashed container's log.
        const QByteArray manifest = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: logs-restarted, namespace: uro}
spec:
  replicas: 1
  selector: {matchLabels: {app: logs-restarted}}
  template:
    metadata:
      labels: {app: logs-restarted}
      annotations: {test.signalbox.v-sekai.org/restarted: "true"}
    spec:
      containers: [{name: uro, image: ghcr.io/v-sekai/uro:8d3c2f41}]
)";
        auto cleanup = qScopeGuard([] {
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("delete"), QStringLiteral("deployment"), QStringLiteral("logs-restarted"),
                     QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--wait=false")});
        });
        QCOMPARE(kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                         manifest)
                     .exitCode,
                 0);
        QVERIFY(rolledOut(QStringLiteral("logs-restarted")));
        auto c = client(QStringLiteral("viewer"));
        model::LogOptions options;
        options.previous = true;
        model::LogStream stream(c.get(), {"uro", "app=logs-restarted", {}, "the test Deployment"}, options);
        QSignalSpy finished(&stream, &model::LogStream::finished);
        QSignalSpy failed(&stream, &model::LogStream::failed);
        stream.start();
        QVERIFY(finished.wait(30000) || !failed.isEmpty());
        QCOMPARE(failed.count(), 0);
        QCOMPARE(countText(stream.lines(), "Application uro exited"), 1);
        QCOMPARE(countText(stream.lines(), "Running UroWeb.Endpoint"), 0);

        // A slot none of whose pods restarted has no previous log, and says so.
        model::LogStream none(c.get(), slot(c.get(), "a"), options);
        QSignalSpy noneFailed(&none, &model::LogStream::failed);
        none.start();
        QVERIFY(noneFailed.wait(20000));
        const auto e = noneFailed.first().first().value<kube::Error>();
        QVERIFY2(e.message.find("has restarted") != std::string::npos, e.message.c_str());
        QVERIFY(none.lines().empty());
    }

    void aUserWithoutPodsLogIsToldBeforehand()
    {
        auto c = client(QStringLiteral("deployer"));
        auto viewer = client(QStringLiteral("viewer"));
        model::LogStream stream(c.get(), slot(viewer.get(), "a"), {});
        QSignalSpy failed(&stream, &model::LogStream::failed);
        QSignalSpy added(&stream, &model::LogStream::linesAdded);
        stream.start();
        QVERIFY(failed.wait(20000));
        const auto e = failed.first().first().value<kube::Error>();
        QCOMPARE(e.reason, std::string("Forbidden"));
        // The access review's sentence, not the 403 of a log request that was sent anyway.
        QVERIFY2(e.message.find("may not read pod logs (get on pods/log) in namespace \"uro\"") != std::string::npos,
                 e.message.c_str());
        QVERIFY2(e.message.find("deployer") != std::string::npos, e.message.c_str());
        QCOMPARE(added.count(), 0);
        QVERIFY(stream.pods().empty());
    }

    void theClientsStream()
    {
        const QStringList pods = runningPods(QStringLiteral("a"));
        // A log request refused by RBAC gives the sentence about pods/log.
        auto deployer = client(QStringLiteral("deployer"));
        auto refused = await<kube::Unit>([&](auto cb) {
            deployer->streamLogs(
                "uro", pods.first().toStdString(), {}, [](auto) {}, cb);
        });
        QVERIFY(refused && !*refused);
        QCOMPARE(refused->error().reason, std::string("Forbidden"));
        QVERIFY2(refused->error().message.find("may not get pods/log") != std::string::npos,
                 refused->error().message.c_str());

        auto c = client(QStringLiteral("viewer"));
        auto gone = await<kube::Unit>([&](auto cb) {
            c->streamLogs(
                "uro", "uro-a-gone", {}, [](auto) {}, cb);
        });
        QVERIFY(gone && !*gone);
        QCOMPARE(gone->error().reason, std::string("NotFound"));
        QVERIFY2(gone->error().message.find("is gone") != std::string::npos, gone->error().message.c_str());

        kube::LogOptions previous;
        previous.previous = true;
        auto noPrevious = await<kube::Unit>([&](auto cb) {
            c->streamLogs(
                "uro", pods.first().toStdString(), previous, [](auto) {}, cb);
        });
        QVERIFY(noPrevious && !*noPrevious);
        QCOMPARE(noPrevious->error().reason, std::string("BadRequest"));

        // Complete lines arrive while following; after cancel nothing more does.
        // The last line already written arrives first: then the stream is open, and a line appended
        // after it can only come by following.
        kube::LogOptions follow;
        follow.follow = true;
        follow.tailLines = 1;
        std::vector<std::string> got;
        bool ended = false;
        const auto id = c->streamLogs(
            "uro", pods.first().toStdString(), follow,
            [&](std::vector<kube::TextLine> lines) {
                for (auto& l : lines)
                    got.push_back(std::move(l.text));
            },
            [&](kube::Result<kube::Unit>) { ended = true; });
        QTRY_VERIFY_WITH_TIMEOUT(!got.empty(), 20000);
        const std::string first = "cancel-test one " + m_run.toStdString();
        QVERIFY(appendLog(pods.first(), QString::fromStdString(first)));
        const auto arrived = [&] {
            return std::count_if(got.begin(), got.end(),
                                 [&](const std::string& l) { return l.find(first) != std::string::npos; });
        };
        QTRY_COMPARE_WITH_TIMEOUT(arrived(), std::ptrdiff_t(1), 20000);
        QVERIFY(!ended);
        for (const auto& l : got)
            QVERIFY2(model::parseLogLine(l).timeNs > 0, l.c_str());
        c->cancel(id);
        const std::size_t seen = got.size();
        QVERIFY(appendLog(pods.first(), QStringLiteral("cancel-test two")));
        // Absence, so a bounded wait: an open stream delivers a line within the time the line above
        // took (well under a second); 1.5 s without it shows the cancelled one stays shut.
        QVERIFY(!QTest::qWaitFor([&] { return got.size() != seen || ended; }, 1500));
        QCOMPARE(got.size(), seen);
        QVERIFY(!ended);
    }

    void theCommandLine()
    {
        const QStringList pods = runningPods(QStringLiteral("a"));
        const QStringList logs{QStringLiteral("logs"), QStringLiteral("uro")};
        auto r = testsupport::signalbox(QStringLiteral("viewer"),
                                        logs + QStringList{QStringLiteral("--slot"), QStringLiteral("a"),
                                                           QStringLiteral("--tail"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QStringList seen;
        for (const QString& l : lines) {
            const auto m = QRegularExpression(QStringLiteral("^(\\S+) \\| \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ")).match(l);
            QVERIFY2(m.hasMatch(), qPrintable(l));
            QVERIFY2(pods.contains(m.captured(1)), qPrintable(l));
            seen << m.captured(1);
        }
        seen.removeDuplicates();
        QCOMPARE(seen.size(), 2);

        // Usage errors exit 2; a user without pods/log exits 4 with the sentence.
        r = testsupport::signalbox(QStringLiteral("viewer"),
                                   logs + QStringList{QStringLiteral("--slot"), QStringLiteral("c")});
        QCOMPARE(r.exitCode, 2);
        r = testsupport::signalbox(QStringLiteral("viewer"),
                                   logs + QStringList{QStringLiteral("--slot"), QStringLiteral("a"),
                                                      QStringLiteral("--since"), QStringLiteral("soon")});
        QCOMPARE(r.exitCode, 2);
        r = testsupport::signalbox(QStringLiteral("deployer"),
                                   logs + QStringList{QStringLiteral("--slot"), QStringLiteral("live")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("get on pods/log"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void aLineWithoutNewlineIsCut()
    {
        // A pod prints 32 MiB without a newline. The runtime writes that as partial CRI records of
        // 16 KiB, and the kubelet (kwok here, with the same reader, k8s.io/cri-client) serves the
        // pieces joined: one line that does not end. The stream shows its first 64 KiB and a note,
        // and goes on with the next line; this process's peak memory does not grow by the line.
        const QString pod = runningPods(QStringLiteral("a")).first();
        auto c = client(QStringLiteral("viewer"));
        model::LogSource source = slot(c.get(), "a");
        source.pod = pod.toStdString();
        model::LogOptions options;
        options.follow = true;
        options.tailLines = 1;
        model::LogStream stream(c.get(), source, options);
        QSignalSpy failed(&stream, &model::LogStream::failed);
        stream.start();
        const std::string before = "[info] before the long line " + m_run.toStdString();
        QVERIFY(appendLog(pod, QString::fromStdString(before)));
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), before), 1, 20000);

        const std::size_t cap = kube::Client::maxLogLineBytes;
        const qint64 peakBefore = peakKiB(true);
        const std::string rest = "the long line's end " + m_run.toStdString();
        const std::string after = "[info] after the long line " + m_run.toStdString();
        QVERIFY(appendRecords(pod, 32 * 1024 * 1024, {QString::fromStdString(rest), QString::fromStdString(after)}));
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), after), 1, 60000);
        const qint64 grownMiB = (peakKiB() - peakBefore) / 1024;
        qInfo("32 MiB without a newline: the peak grew by %lld MiB", grownMiB);

        const std::vector<model::LogLine> got(stream.lines().begin(), stream.lines().end());
        const auto cut = std::find_if(got.begin(), got.end(),
                                      [](const model::LogLine& l) { return !l.note && l.text.rfind("xxxx", 0) == 0; });
        QVERIFY2(cut != got.end(), "the long line did not arrive");
        // The first 64 KiB of the line as served (its timestamp, a space, then the pod's bytes).
        QCOMPARE(cut->time.size() + 1 + cut->text.size(), cap);
        QVERIFY(cut->text.find_first_not_of('x') == std::string::npos);
        QVERIFY(cut + 1 != got.end());
        const model::LogLine& note = *(cut + 1);
        QVERIFY2(note.note && note.text.find(pod.toStdString()) != std::string::npos &&
                     note.text.find("64 KiB") != std::string::npos,
                 note.text.c_str());
        QCOMPARE(countText(stream.lines(), rest), 0);
        QCOMPARE(countText(stream.lines(), before), 1);
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grownMiB < 16,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grownMiB)));
        QCOMPARE(failed.count(), 0);
    }

    void aSilentFollowIsReopened()
    {
        // Nothing comes through the API server on a followed log while the pod is quiet, so a
        // connection that died without a word looks the same: after the silence the stream is
        // reopened from its last line, without a note and without reading a line twice. The other
        // pod of slot A: the long line of the test before stays out of this one.
        const QString pod = runningPods(QStringLiteral("a")).last();
        auto c = client(QStringLiteral("viewer"));
        model::LogSource source = slot(c.get(), "a");
        source.pod = pod.toStdString();
        model::LogOptions options;
        options.follow = true;
        options.tailLines = 1;
        model::LogStream stream(c.get(), source, options);
        stream.setSilenceTimeout(std::chrono::seconds(2));
        QSignalSpy failed(&stream, &model::LogStream::failed);
        stream.start();
        const std::string first = "[info] before the silence " + m_run.toStdString();
        QVERIFY(appendLog(pod, QString::fromStdString(first)));
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), first), 1, 20000);
        const long opened = c->requestCounts().of("get pods/log");
        QTRY_VERIFY_WITH_TIMEOUT(stream.silentReopens() >= 2, 20000);
        QVERIFY(c->requestCounts().of("get pods/log") >= opened + 2);
        const std::string later = "[info] after the silence " + m_run.toStdString();
        QVERIFY(appendLog(pod, QString::fromStdString(later)));
        QTRY_COMPARE_WITH_TIMEOUT(countText(stream.lines(), later), 1, 20000);
        QCOMPARE(countText(stream.lines(), first), 1);
        for (const auto& l : stream.lines())
            QVERIFY2(!l.note, l.text.c_str());
        QCOMPARE(failed.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLogs)
#include "tst_logs.moc"
