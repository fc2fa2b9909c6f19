// `signalbox --version`, `--help` and a mistyped command answer without a display (over SSH, in
// CI): the binary runs here with no QT_QPA_PLATFORM, DISPLAY or WAYLAND_DISPLAY. Options of the
// console still open the console.
#include "support/testsupport.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

testsupport::ProcessResult runIn(const QProcessEnvironment& env, const QString& program, const QStringList& args)
{
    testsupport::RunOptions options;
    options.environment = env;
    return testsupport::run(program, args, options);
}

testsupport::ProcessResult runSignalbox(const QStringList& args, const QProcessEnvironment& env)
{
    return runIn(env, testsupport::signalboxBinary(), args);
}

testsupport::ProcessResult runCli(const QStringList& args, const QProcessEnvironment& env)
{
    return runIn(env, testsupport::cliBinary(), args);
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
        const auto r = runSignalbox({QStringLiteral("--version")}, m_headless);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.outText().trimmed(), QStringLiteral("signalbox " DECLARED_VERSION));
        QVERIFY2(!r.errText().contains(QStringLiteral("platform plugin")), qPrintable(r.describe()));
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
        const auto r = runSignalbox(args, m_headless);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("--kubeconfig")), qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("--poll")), qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(commandSentence), qPrintable(r.describe()));
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
        const auto r = runSignalbox(args, m_headless);
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("\"%1\"").arg(word)), qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(commandSentence), qPrintable(r.describe()));
    }

    void unknownOptionWithoutADisplay()
    {
        const auto r = runSignalbox({QStringLiteral("--colour")}, m_headless);
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("--colour")), qPrintable(r.describe()));
    }

    void commandHelpWithoutADisplay()
    {
        const auto r = runSignalbox({QStringLiteral("status"), QStringLiteral("--help")}, m_headless);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("Exit codes")), qPrintable(r.describe()));
    }

    // A command after the console's options is still the command.
    void commandAfterOptions()
    {
        const auto r = runSignalbox({QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("status"),
                                     QStringLiteral("--kubeconfig"), m_home.path() + QStringLiteral("/missing.yaml")},
                                    m_headless);
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("missing.yaml")), qPrintable(r.describe()));
    }

    // Options of the console open the console (here offscreen, saving a screenshot at once, as
    // there is no kubeconfig to connect with).
    void consoleOptionsOpenTheConsole()
    {
        QProcessEnvironment env = m_headless;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const QString shot = m_home.path() + QStringLiteral("/console.png");
        const auto r = runSignalbox({QStringLiteral("--context"), QStringLiteral("prod"), QStringLiteral("-n"),
                                     QStringLiteral("uro"), QStringLiteral("--read-only"), QStringLiteral("--poll"),
                                     QStringLiteral("5"), QStringLiteral("--watch-after-swap"), QStringLiteral("30s"),
                                     QStringLiteral("--screenshot"), shot},
                                    env);
        // 1: saved, but without a connection the data is not complete.
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        QVERIFY2(QFileInfo(shot).size() > 0, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("not complete")), qPrintable(r.describe()));
    }

    // The console without a display: a sentence instead of Qt's abort (and still the console, not
    // an unknown command).
    void theConsoleWithoutADisplaySaysSo()
    {
        const auto r = runSignalbox({QStringLiteral("--context"), QStringLiteral("prod")}, m_headless);
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("no display to open the console on")), qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(commandSentence), qPrintable(r.describe()));
    }

    void badPollIsAUsageError()
    {
        QProcessEnvironment env = m_headless;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const auto r = runSignalbox({QStringLiteral("--poll"), QStringLiteral("soon")}, env);
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("--poll")), qPrintable(r.describe()));
    }

    void badWatchAfterSwapIsAUsageError()
    {
        QProcessEnvironment env = m_headless;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const auto r = runSignalbox({QStringLiteral("--watch-after-swap"), QStringLiteral("5 minutes")}, env);
        QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
        QVERIFY2(r.errText().contains(QStringLiteral("--watch-after-swap takes a duration such as 30s, 5m or 1h")),
                 qPrintable(r.describe()));
    }

    // signalbox-cli, for CI runners and containers: no Qt Widgets or Gui among its libraries.
    void cliLinksNoWidgetsOrGui()
    {
        const auto r = testsupport::run(QStringLiteral("ldd"), {testsupport::cliBinary()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("libQt6Core.so")), r.out.constData()); // the list was read
        QVERIFY2(!r.outText().contains(QStringLiteral("libQt6Widgets")), r.out.constData());
        QVERIFY2(!r.outText().contains(QStringLiteral("libQt6Gui")), r.out.constData());
        QVERIFY2(!r.outText().contains(QStringLiteral("libGL")), r.out.constData());
        // The console binary does link them: the check above can tell the difference.
        const auto console = testsupport::run(QStringLiteral("ldd"), {testsupport::signalboxBinary()});
        QVERIFY2(console.outText().contains(QStringLiteral("libQt6Widgets")), console.out.constData());
    }

    void cliAnswersWithoutADisplay()
    {
        auto r = runCli({QStringLiteral("--version")}, m_headless);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.outText().trimmed(), QStringLiteral("signalbox-cli " DECLARED_VERSION));
        r = runCli({QStringLiteral("--help")}, m_headless);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.outText().contains(commandSentence), qPrintable(r.describe()));
        r = runCli({QStringLiteral("stauts")}, m_headless);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("no command \"stauts\"")) && r.errText().contains(commandSentence),
                 qPrintable(r.describe()));
        r = runCli({}, m_headless);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.errText().contains(commandSentence), qPrintable(r.describe()));
        r = runCli({QStringLiteral("deploy"), QStringLiteral("--help")}, m_headless);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.outText().contains(QStringLiteral("--image")), qPrintable(r.describe()));
        // A command runs and fails with a sentence, not with a missing display.
        r = runCli({QStringLiteral("status"), QStringLiteral("--kubeconfig"), m_home.filePath(QStringLiteral("none"))},
                   m_headless);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().startsWith(QStringLiteral("signalbox: ")) && r.errText().contains(QStringLiteral("none")),
                 qPrintable(r.describe()));
    }
};

QTEST_GUILESS_MAIN(TestEntry)
#include "tst_entry.moc"
