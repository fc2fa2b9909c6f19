// The console's refresh mode follows one precedence: --poll, then pollIntervalSeconds in the
// configuration file, then the choice saved from the window. The binary runs offscreen against the
// local control plane with a settings folder of this test's own, and says what it showed when it
// saves a screenshot.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

class TestConsoleSettings : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;

    QString configDir() const { return m_home.path() + QStringLiteral("/config/signalbox"); }

    void writeSaved(std::optional<int> seconds)
    {
        QSettings saved(configDir() + QStringLiteral("/signalbox.conf"), QSettings::IniFormat);
        if (seconds)
            saved.setValue(QStringLiteral("pollIntervalSeconds"), *seconds);
        else
            saved.remove(QStringLiteral("pollIntervalSeconds"));
    }

    std::optional<int> saved() const
    {
        QSettings saved(configDir() + QStringLiteral("/signalbox.conf"), QSettings::IniFormat);
        if (!saved.contains(QStringLiteral("pollIntervalSeconds")))
            return std::nullopt;
        return saved.value(QStringLiteral("pollIntervalSeconds")).toInt();
    }

    void writeFile(std::optional<int> seconds)
    {
        QFile file(configDir() + QStringLiteral("/services.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("namespaces: [uro]\n");
        if (seconds)
            file.write(QByteArray("pollIntervalSeconds: ") + QByteArray::number(*seconds) + "\n");
    }

    // What the header said when the console had the complete picture.
    QString freshnessShown(const QStringList& extra)
    {
        testsupport::RunOptions options;
        options.environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        options.environment.insert(QStringLiteral("HOME"), m_home.path());
        options.environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        options.environment.remove(QStringLiteral("KUBECONFIG"));
        const auto r = testsupport::signalbox(
            QStringLiteral("viewer"),
            QStringList{QStringLiteral("--screenshot"), m_home.path() + QStringLiteral("/shot.png")} + extra, options);
        if (r.exitCode != 0)
            return QStringLiteral("(%1)").arg(r.describe());
        return r.outText().section(QStringLiteral(".png: "), 1).trimmed();
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(m_home.isValid());
        QVERIFY(QDir().mkpath(configDir()));
        QVERIFY(testsupport::applyExample());
    }

    void savedChoiceWhenNothingElseSaysSo()
    {
        writeSaved(60);
        writeFile(std::nullopt);
        const QString shown = freshnessShown({});
        QVERIFY2(shown.startsWith(QStringLiteral("Polling every 60 s, updated ")), qPrintable(shown));
    }

    void theFileBeatsTheSavedChoice()
    {
        writeSaved(60);
        writeFile(15);
        const QString shown = freshnessShown({});
        QVERIFY2(shown.startsWith(QStringLiteral("Polling every 15 s, updated ")), qPrintable(shown));
        writeFile(0); // the file's "watch" too
        const QString live = freshnessShown({});
        QVERIFY2(live.startsWith(QStringLiteral("Live, updated ")), qPrintable(live));
        QCOMPARE(saved(), std::optional<int>(60));
    }

    void theFlagBeatsTheFileAndIsNotSaved()
    {
        writeSaved(60);
        writeFile(15);
        const QString shown = freshnessShown({QStringLiteral("--poll"), QStringLiteral("5")});
        QVERIFY2(shown.startsWith(QStringLiteral("Polling every 5 s, updated ")), qPrintable(shown));
        QCOMPARE(saved(), std::optional<int>(60));
        writeSaved(std::nullopt);
        writeFile(std::nullopt);
        const QString again = freshnessShown({QStringLiteral("--poll"), QStringLiteral("5")});
        QVERIFY2(again.startsWith(QStringLiteral("Polling every 5 s, updated ")), qPrintable(again));
        QVERIFY(!saved());
        const QString next = freshnessShown({});
        QVERIFY2(next.startsWith(QStringLiteral("Live, updated ")), qPrintable(next));
    }
};

QTEST_GUILESS_MAIN(TestConsoleSettings)
#include "tst_console_settings.moc"
