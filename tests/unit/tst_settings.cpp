// One precedence for the console's settings: flag, then the configuration file, then the choice
// saved from the window, then the default.
#include "model/rules/settings.h"
#include "model/rules/settingskeys.h"

#include <QSet>
#include <QTest>

using Opt = std::optional<int>;
Q_DECLARE_METATYPE(Opt)
Q_DECLARE_METATYPE(model::SettingSource)
using OptB = std::optional<bool>;
Q_DECLARE_METATYPE(OptB)

class TestSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pollInterval_data()
    {
        QTest::addColumn<Opt>("flag");
        QTest::addColumn<Opt>("file");
        QTest::addColumn<Opt>("saved");
        QTest::addColumn<int>("value");
        QTest::addColumn<model::SettingSource>("source");
        using S = model::SettingSource;
        const Opt none;
        QTest::newRow("nothing: watch") << none << none << none << 0 << S::Default;
        QTest::newRow("saved only") << none << none << Opt(15) << 15 << S::Saved;
        QTest::newRow("file beats saved") << none << Opt(5) << Opt(15) << 5 << S::File;
        QTest::newRow("file's 0 (watch) beats saved") << none << Opt(0) << Opt(60) << 0 << S::File;
        QTest::newRow("flag beats file and saved") << Opt(60) << Opt(5) << Opt(15) << 60 << S::Flag;
        QTest::newRow("flag's 0 (watch) beats file") << Opt(0) << Opt(5) << none << 0 << S::Flag;
        QTest::newRow("flag without file or saved") << Opt(30) << none << none << 30 << S::Flag;
        QTest::newRow("saved out of range is ignored") << none << none << Opt(99999) << 0 << S::Default;
        QTest::newRow("saved negative is ignored") << none << none << Opt(-5) << 0 << S::Default;
        QTest::newRow("saved out of range under a file") << none << Opt(15) << Opt(-1) << 15 << S::File;
    }

    void pollInterval()
    {
        QFETCH(Opt, flag);
        QFETCH(Opt, file);
        QFETCH(Opt, saved);
        QFETCH(int, value);
        QFETCH(model::SettingSource, source);
        const auto resolved = model::resolvePollInterval(flag, file, saved);
        QCOMPARE(resolved.value, value);
        QCOMPARE(resolved.source, source);
    }

    void watchAfterSwap_data()
    {
        QTest::addColumn<Opt>("flag");
        QTest::addColumn<Opt>("file");
        QTest::addColumn<Opt>("saved");
        QTest::addColumn<int>("value");
        QTest::addColumn<model::SettingSource>("source");
        using S = model::SettingSource;
        const Opt none;
        QTest::newRow("nothing: five minutes") << none << none << none << 300 << S::Default;
        QTest::newRow("saved only") << none << none << Opt(60) << 60 << S::Saved;
        QTest::newRow("file beats saved") << none << Opt(120) << Opt(60) << 120 << S::File;
        QTest::newRow("file's 0 (off) beats saved") << none << Opt(0) << Opt(60) << 0 << S::File;
        QTest::newRow("flag beats file and saved") << Opt(20) << Opt(120) << Opt(60) << 20 << S::Flag;
        QTest::newRow("flag's 0 (off) beats file") << Opt(0) << Opt(120) << none << 0 << S::Flag;
        QTest::newRow("saved out of range is ignored") << none << none << Opt(100000) << 300 << S::Default;
        QTest::newRow("saved negative is ignored") << none << none << Opt(-1) << 300 << S::Default;
    }

    void watchAfterSwap()
    {
        QFETCH(Opt, flag);
        QFETCH(Opt, file);
        QFETCH(Opt, saved);
        QFETCH(int, value);
        QFETCH(model::SettingSource, source);
        const auto resolved = model::resolveWatchAfterSwap(flag, file, saved);
        QCOMPARE(resolved.value, value);
        QCOMPARE(resolved.source, source);
    }

    // The same rule for the flags that have no file key: read-only and the palette.
    void flagThenSavedForTheRest()
    {
        using S = model::SettingSource;
        QCOMPARE(model::resolveSetting<bool>(std::nullopt, std::nullopt, std::nullopt, false).value, false);
        QCOMPARE(model::resolveSetting<bool>(std::nullopt, std::nullopt, true, false).source, S::Saved);
        QCOMPARE(model::resolveSetting<bool>(true, std::nullopt, false, false).value, true);
        QCOMPARE(model::resolveSetting<bool>(true, std::nullopt, false, false).source, S::Flag);
        const auto palette =
            model::resolveSetting<QString>(std::nullopt, QStringLiteral("dark"), QStringLiteral("light"), QString());
        QCOMPARE(palette.value, QStringLiteral("dark"));
        QCOMPARE(palette.source, S::File);
    }

    // Each kind of notification by itself: the file, then the saved choice, then on.
    void notificationChoices_data()
    {
        QTest::addColumn<OptB>("file");
        QTest::addColumn<OptB>("saved");
        QTest::addColumn<bool>("on");
        const OptB none;
        QTest::newRow("nothing: on") << none << none << true;
        QTest::newRow("saved off") << none << OptB(false) << false;
        QTest::newRow("file on beats saved off") << OptB(true) << OptB(false) << true;
        QTest::newRow("file off beats saved on") << OptB(false) << OptB(true) << false;
        QTest::newRow("file off alone") << OptB(false) << none << false;
    }

    void notificationChoices()
    {
        QFETCH(OptB, file);
        QFETCH(OptB, saved);
        QFETCH(bool, on);
        for (auto kind :
             {model::NoticeKind::LiveUnhealthy, model::NoticeKind::ChangedByOthers, model::NoticeKind::LongAction}) {
            model::NotificationSettings f, s;
            auto slot = [kind](model::NotificationSettings& n) -> OptB& {
                return kind == model::NoticeKind::LiveUnhealthy     ? n.liveUnhealthy
                       : kind == model::NoticeKind::ChangedByOthers ? n.changedByOthers
                                                                    : n.longActions;
            };
            slot(f) = file;
            slot(s) = saved;
            const model::NotificationChoices c = model::resolveNotificationChoices(f, s);
            QCOMPARE(c.on(kind), on);
            // The other kinds stay on.
            for (auto other :
                 {model::NoticeKind::LiveUnhealthy, model::NoticeKind::ChangedByOthers, model::NoticeKind::LongAction})
                if (other != kind)
                    QVERIFY(c.on(other));
        }
    }

    // Each choice is saved under a key of its own: two choices sharing one would overwrite each other.
    void settingsKeysAreDistinct()
    {
        const QStringList keys = model::settingskeys::all();
        QCOMPARE(keys.size(), 8);
        QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), keys.size());
        for (const QString& key : keys) {
            QVERIFY(!key.isEmpty());
            // No key is the group of another (QSettings::remove of a group takes its keys with it).
            for (const QString& other : keys)
                QVERIFY2(key == other || !other.startsWith(key + QLatin1Char('/')), qPrintable(key + " / " + other));
        }
        // The notification kinds all live in their group, which the window removes as one.
        for (auto kind :
             {model::NoticeKind::LiveUnhealthy, model::NoticeKind::ChangedByOthers, model::NoticeKind::LongAction})
            QVERIFY(model::settingskeys::notification(kind).startsWith(model::settingskeys::notifications +
                                                                       QLatin1Char('/')));
    }

    // The names users' settings files already hold: a renamed key forgets what was saved under it.
    void settingsKeysKeepTheirNames()
    {
        QCOMPARE(
            model::settingskeys::all(),
            QStringList({QStringLiteral("mainWindow/geometry"), QStringLiteral("pollIntervalSeconds"),
                         QStringLiteral("watchAfterSwapSeconds"), QStringLiteral("readOnly"), QStringLiteral("palette"),
                         QStringLiteral("notifications/liveUnhealthy"), QStringLiteral("notifications/changedByOthers"),
                         QStringLiteral("notifications/longActions")}));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
