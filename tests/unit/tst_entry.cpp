// `signalbox --version`, `--help` and a mistyped command answer without a display (over SSH, in
// CI): the binary runs here with no QT_QPA_PLATFORM, DISPLAY or WAYLAND_DISPLAY. Options of the
// console still open the console.
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Ran {
    int exitCode = -1; // -1: did not exit normally (an abort for want of a display)
    QString out, err;
};

Ran runProgram(const QString& program, const QStringList& args, const QProcessEnvironment& env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Ran r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = QStringLiteral("did not finish");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

Ran runSignalbox(const QStringList& args, const QProcessEnvironment& env)
{
    return runProgram(QStringLiteral(SIGNALBOX_BINARY), args, env);
}

Ran runCli(const QStringList& args, const QProcessEnvironment& env)
{
    return runProgram(QStringLiteral(SIGNALBOX_CLI_BINARY), args, env);
}

QString describe(const Ran& r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(r.exitCode).arg(r.out.left(2000), r.err.left(2000));
}

const QString commandSentence = QStringLiteral("status, deploy, swap, rollback, repair, history");

} // namespace

class TestEntry : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QProcessEnvironment m_headless;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_headless = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "KUBECONFIG"})
            m_headless.remove(QString::fromLatin1(name));
        m_headless.insert(QStringLiteral("HOME"), m_home.path());
        m_headless.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        m_headless.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.path());
    }

    void versionWithoutADisplay()
    {
        const Ran r = runSignalbox({QStringLiteral("--version")}, m_headless);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(r.out.trimmed(), QStringLiteral("signalbox " DECLARED_VERSION));
        QVERIFY2(!r.err.contains(QStringLiteral("platform plugin")), qPrintable(describe(r)));
    }

    void helpWithoutADisplay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")};
        QTest::newRow("-h") << QStringList{QStringLiteral("-h")};
        QTest::newRow("after console options")
            << QStringList{QStringLiteral("--context"), QStringLiteral("prod"), QStringLiteral("--help")};
    }

    void helpWithoutADisplay()
    {
        QFETCH(QStringList, args);
        const Ran r = runSignalbox(args, m_headless);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("--kubeconfig")), qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("--poll")), qPrintable(describe(r)));
        QVERIFY2(r.out.contains(commandSentence), qPrintable(describe(r)));
    }

    void unknownCommandWithoutADisplay_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("word");
        QTest::newRow("stauts") << QStringList{QStringLiteral("stauts")} << QStringLiteral("stauts");
        QTest::newRow("after an option's value") << QStringList{QStringLiteral("--context"), QStringLiteral("prod"),
                                                                QStringLiteral("swpa"), QStringLiteral("uro")}
                                                 << QStringLiteral("swpa");
        QTest::newRow("before --help") << QStringList{QStringLiteral("stauts"), QStringLiteral("--help")}
                                       << QStringLiteral("stauts");
    }

    void unknownCommandWithoutADisplay()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, word);
        const Ran r = runSignalbox(args, m_headless);
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("\"%1\"").arg(word)), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(commandSentence), qPrintable(describe(r)));
    }

    void unknownOptionWithoutADisplay()
    {
        const Ran r = runSignalbox({QStringLiteral("--colour")}, m_headless);
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("--colour")), qPrintable(describe(r)));
    }

    void commandHelpWithoutADisplay()
    {
        const Ran r = runSignalbox({QStringLiteral("status"), QStringLiteral("--help")}, m_headless);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("Exit codes")), qPrintable(describe(r)));
    }

    // A command after the console's options is still the command.
    void commandAfterOptions()
    {
        const Ran r = runSignalbox({QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("status"),
                                    QStringLiteral("--kubeconfig"), m_home.path() + QStringLiteral("/missing.yaml")},
                                   m_headless);
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("missing.yaml")), qPrintable(describe(r)));
    }

    // Options of the console open the console (here offscreen, saving a screenshot at once, as
    // there is no kubeconfig to connect with).
    void consoleOptionsOpenTheConsole()
    {
        QProcessEnvironment env = m_headless;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const QString shot = m_home.path() + QStringLiteral("/console.png");
        const Ran r = runSignalbox({QStringLiteral("--context"), QStringLiteral("prod"), QStringLiteral("-n"),
                                    QStringLiteral("uro"), QStringLiteral("--read-only"), QStringLiteral("--poll"),
                                    QStringLiteral("5"), QStringLiteral("--watch-after-swap"), QStringLiteral("30s"),
                                    QStringLiteral("--screenshot"), shot},
                                   env);
        // 1: saved, but without a connection the data is not complete.
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(QFileInfo(shot).size() > 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("not complete")), qPrintable(describe(r)));
    }

    // The console without a display: a sentence instead of Qt's abort (and still the console, not
    // an unknown command).
    void theConsoleWithoutADisplaySaysSo()
    {
        const Ran r = runSignalbox({QStringLiteral("--context"), QStringLiteral("prod")}, m_headless);
        QVERIFY2(r.exitCode == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("no display to open the console on")), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(commandSentence), qPrintable(describe(r)));
    }

    void badPollIsAUsageError()
    {
        QProcessEnvironment env = m_headless;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const Ran r = runSignalbox({QStringLiteral("--poll"), QStringLiteral("soon")}, env);
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("--poll")), qPrintable(describe(r)));
    }

    void badWatchAfterSwapIsAUsageError()
    {
        QProcessEnvironment env = m_headless;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const Ran r = runSignalbox({QStringLiteral("--watch-after-swap"), QStringLiteral("5 minutes")}, env);
        QVERIFY2(r.exitCode == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("--watch-after-swap takes a duration such as 30s, 5m or 1h")),
                 qPrintable(describe(r)));
    }

    // signalbox-cli, for CI runners and containers: no Qt Widgets or Gui among its libraries.
    void cliLinksNoWidgetsOrGui()
    {
        const Ran r = runProgram(QStringLiteral("ldd"), {QStringLiteral(SIGNALBOX_CLI_BINARY)},
                                 QProcessEnvironment::systemEnvironment());
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("libQt6Core.so")), qPrintable(r.out)); // the list was read
        QVERIFY2(!r.out.contains(QStringLiteral("libQt6Widgets")), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("libQt6Gui")), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("libGL")), qPrintable(r.out));
        // The console binary does link them: the check above can tell the difference.
        const Ran console = runProgram(QStringLiteral("ldd"), {QStringLiteral(SIGNALBOX_BINARY)},
                                       QProcessEnvironment::systemEnvironment());
        QVERIFY2(console.out.contains(QStringLiteral("libQt6Widgets")), qPrintable(console.out));
    }

    void cliAnswersWithoutADisplay()
    {
        Ran r = runCli({QStringLiteral("--version")}, m_headless);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("signalbox-cli " DECLARED_VERSION));
        r = runCli({QStringLiteral("--help")}, m_headless);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(commandSentence), qPrintable(describe(r)));
        r = runCli({QStringLiteral("stauts")}, m_headless);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("no command \"stauts\"")) && r.err.contains(commandSentence),
                 qPrintable(describe(r)));
        r = runCli({}, m_headless);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(commandSentence), qPrintable(describe(r)));
        r = runCli({QStringLiteral("deploy"), QStringLiteral("--help")}, m_headless);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("--image")), qPrintable(describe(r)));
        // A command runs and fails with a sentence, not with a missing display.
        r = runCli({QStringLiteral("status"), QStringLiteral("--kubeconfig"), m_home.filePath(QStringLiteral("none"))},
                   m_headless);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("signalbox: ")) && r.err.contains(QStringLiteral("none")),
                 qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestEntry)
#include "tst_entry.moc"
