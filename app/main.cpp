#include "cli.h"
#include "console.h"
#include "entry.h"
#include "kube/kubeconfig.h"
#include "model/rules/connectioninfo.h"
#include "model/rules/servicespec.h"
#include "model/rules/settings.h"
#include "model/rules/settingskeys.h"
#include "model/rules/watchrules.h"
#include "ui/help.h"
#include "ui/mainwindow.h"
#include "ui/style.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QPixmap>
#include <QPointer>
#include <QSettings>
#include <QTimer>
#include <cstdio>
#include <curl/curl.h>
#include <memory>
#include <optional>

namespace {

// The console's options; the help text is made from the same list without a display.
struct ConsoleOptions {
    const QCommandLineOption kubeconfig{QStringLiteral("kubeconfig"), QStringLiteral("Kubeconfig file to use alone."),
                                        QStringLiteral("file")};
    const QCommandLineOption context{QStringLiteral("context"), QStringLiteral("Kubeconfig context to use."),
                                     QStringLiteral("name")};
    const QCommandLineOption ns{{QStringLiteral("n"), QStringLiteral("namespace")},
                                QStringLiteral("Namespace to look in besides the discovered ones."),
                                QStringLiteral("name")};
    const QCommandLineOption config{QStringLiteral("config"),
                                    QStringLiteral("Service configuration file (default: %1).")
                                        .arg(QString::fromStdString(model::defaultServiceConfigPath())),
                                    QStringLiteral("file")};
    const QCommandLineOption readOnly{QStringLiteral("read-only"),
                                      QStringLiteral("Show no control that changes anything.")};
    const QCommandLineOption poll{QStringLiteral("poll"),
                                  QStringLiteral("Poll every N seconds instead of watching (0: watch), for this start "
                                                 "only."),
                                  QStringLiteral("seconds")};
    const QCommandLineOption watchAfterSwap{QStringLiteral("watch-after-swap"),
                                            QStringLiteral("Watch the new live slot this long after a swap (30s, 5m, "
                                                           "1h; 0s: not at all), for this start only."),
                                            QStringLiteral("duration")};
    const QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                        QStringLiteral("Wait until the data is complete, save the window as a PNG "
                                                       "and exit."),
                                        QStringLiteral("file")};
    const QCommandLineOption service{QStringLiteral("service"), QStringLiteral("With --screenshot: show this service."),
                                     QStringLiteral("name")};
    const QCommandLineOption palette{QStringLiteral("palette"),
                                     QStringLiteral("light or dark: use this palette instead of the desktop's."),
                                     QStringLiteral("light|dark")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QStringLiteral("Deploy and swap A/B services on Kubernetes, safely.\n"
                                                        "Without a command it opens the console; the commands are "
                                                        "%1 (signalbox COMMAND --help).")
                                             .arg(QString::fromStdString(cli::commandList())));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions(
            {kubeconfig, context, ns, config, readOnly, poll, watchAfterSwap, screenshot, service, palette});
    }
};

void nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("signalbox"));
    QCoreApplication::setOrganizationName(QStringLiteral("signalbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SIGNALBOX_VERSION));
}

// Help, the version and usage errors: answered without a display, so they work over SSH and in CI.
int answerWithoutDisplay(int argc, char** argv, const entry::Decision& decision)
{
    QCoreApplication app(argc, argv);
    nameApplication();
    switch (decision.route) {
    case entry::Route::Help: {
        QCommandLineParser parser;
        ConsoleOptions().addTo(parser);
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    case entry::Route::Version:
        std::printf("signalbox %s\n", SIGNALBOX_VERSION);
        return 0;
    case entry::Route::UnknownCommand:
        std::fprintf(stderr,
                     "signalbox: there is no command \"%s\"; the commands are %s (signalbox COMMAND --help), or "
                     "none to open the console (signalbox --help).\n",
                     qPrintable(decision.word), cli::commandList().c_str());
        return 2;
    case entry::Route::NoDisplay:
        std::fprintf(stderr,
                     "signalbox: there is no display to open the console on (neither DISPLAY nor WAYLAND_DISPLAY "
                     "is set). Run it in a desktop session, or use a command here: %s (signalbox COMMAND "
                     "--help).\n",
                     cli::commandList().c_str());
        return 1;
    default:
        std::fprintf(stderr, "signalbox: unknown option %s; see signalbox --help.\n", qPrintable(decision.word));
        return 2;
    }
}

std::optional<int> savedInt(const QSettings& settings, const QString& key)
{
    bool ok = false;
    const int value = settings.value(key).toInt(&ok);
    return settings.contains(key) && ok ? std::optional<int>(value) : std::nullopt;
}

std::optional<bool> savedBool(const QSettings& settings, const QString& key)
{
    return settings.contains(key) ? std::optional<bool>(settings.value(key).toBool()) : std::nullopt;
}

// The flags that choose for this start only, over the file and the saved settings.
struct StartFlags {
    std::optional<int> poll;
    std::optional<int> watchAfterSwap;
    std::optional<QString> palette;
    std::optional<bool> readOnly;
};

bool validPalette(const QString& p)
{
    return p == QLatin1String("dark") || p == QLatin1String("light");
}

// The flags as typed, or nullopt once it said which one is wrong.
std::optional<StartFlags> readStartFlags(const QCommandLineParser& parser, const ConsoleOptions& o)
{
    StartFlags flags;
    if (parser.isSet(o.poll)) {
        bool ok = false;
        flags.poll = parser.value(o.poll).toInt(&ok);
        if (!ok || *flags.poll < 0 || *flags.poll > model::maxPollIntervalSeconds) {
            std::fprintf(stderr, "signalbox: --poll takes a number of seconds from 0 (watch) to %d, not %s\n",
                         model::maxPollIntervalSeconds, qPrintable(parser.value(o.poll)));
            return std::nullopt;
        }
    }
    if (parser.isSet(o.watchAfterSwap)) {
        flags.watchAfterSwap = model::parseDurationSeconds(parser.value(o.watchAfterSwap).toStdString());
        if (!flags.watchAfterSwap) {
            std::fprintf(stderr,
                         "signalbox: --watch-after-swap takes a duration such as 30s, 5m or 1h (0s: no watch), "
                         "not %s\n",
                         qPrintable(parser.value(o.watchAfterSwap)));
            return std::nullopt;
        }
    }
    if (parser.isSet(o.palette) && !validPalette(parser.value(o.palette))) {
        std::fprintf(stderr, "signalbox: --palette takes light or dark, not %s\n", qPrintable(parser.value(o.palette)));
        return std::nullopt;
    }
    if (parser.isSet(o.palette))
        flags.palette = parser.value(o.palette);
    if (parser.isSet(o.readOnly))
        flags.readOnly = true;
    return flags;
}

void applyPalette(const StartFlags& flags, const QSettings& settings)
{
    const QString savedPalette = settings.value(model::settingskeys::palette).toString();
    const QString paletteName = model::resolveSetting<QString>(
                                    flags.palette, std::nullopt,
                                    validPalette(savedPalette) ? std::optional(savedPalette) : std::nullopt, QString())
                                    .value;
    if (!paletteName.isEmpty()) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(paletteName == QLatin1String("dark") ? ui::style::darkPalette()
                                                                      : ui::style::lightPalette());
    }
    ui::style::installFocusStyle(); // whichever style it is, the keyboard's focus shows
}

model::NotificationSettings savedNotifications(const QSettings& settings)
{
    model::NotificationSettings saved;
    saved.liveUnhealthy = savedBool(settings, model::settingskeys::notification(model::NoticeKind::LiveUnhealthy));
    saved.changedByOthers = savedBool(settings, model::settingskeys::notification(model::NoticeKind::ChangedByOthers));
    saved.longActions = savedBool(settings, model::settingskeys::notification(model::NoticeKind::LongAction));
    return saved;
}

// Each setting by the flag, then the file, then the choice saved from the window.
void applySettings(app::Console& console, const StartFlags& flags, const model::ServiceConfig& config,
                   const QSettings& settings)
{
    ui::MainWindow& window = *console.window();
    // The file has no read-only or palette key: for them the rule reduces to flag, then saved.
    window.setPollInterval(model::resolvePollInterval(flags.poll, config.pollIntervalSeconds,
                                                      savedInt(settings, model::settingskeys::pollInterval))
                               .value);
    console.runner()->setWatchSeconds(
        model::resolveWatchAfterSwap(flags.watchAfterSwap, config.watchAfterSwapSeconds,
                                     savedInt(settings, model::settingskeys::watchAfterSwap))
            .value);
    window.setReadOnly(model::resolveSetting<bool>(flags.readOnly, std::nullopt,
                                                   savedBool(settings, model::settingskeys::readOnly), false)
                           .value);
    console.setNotificationChoices(
        model::resolveNotificationChoices(config.notifications, savedNotifications(settings)));
}

// Saves the window as a PNG (showing `service` first, when named) and exits: 0 when it was saved
// with the data complete.
void saveWindow(ui::MainWindow& window, const QString& file, const QString& service, bool complete)
{
    if (!service.isEmpty() && !window.showService(service)) {
        std::fprintf(stderr, "signalbox: there is no service named %s\n", qPrintable(service));
        QApplication::exit(1);
        return;
    }
    // One more turn of the event loop so the page is laid out before it is grabbed.
    QTimer::singleShot(300, &window, [&window, file, complete] {
        const bool saved = window.grab().save(file, "PNG");
        if (!saved)
            std::fprintf(stderr, "signalbox: cannot write %s\n", qPrintable(file));
        else if (!complete)
            std::fprintf(stderr, "signalbox: saved %s, but the data was not complete: %s\n", qPrintable(file),
                         qPrintable(window.freshnessText()));
        else
            std::printf("signalbox: saved %s: %s\n", qPrintable(file), qPrintable(window.freshnessText()));
        QApplication::exit(saved && complete ? 0 : 1);
    });
}

// --screenshot: once the data is complete and the health checks answered once (or 5 s passed), so
// the marks are in the picture; after 30 s whatever is there.
void screenshotWhenComplete(app::Console& console, const QString& file, const QString& service)
{
    ui::MainWindow& window = *console.window();
    auto save = [&window, file, service](bool complete) { saveWindow(window, file, service, complete); };
    model::Dashboard* dashboard = console.dashboard();
    if (!dashboard) {
        save(false);
        return;
    }
    QObject::connect(
        dashboard->watched(), &model::WatchedServices::completed, &window,
        [save, dashboard] {
            auto* wait = new QTimer(dashboard);
            auto since = std::make_shared<QElapsedTimer>();
            since->start();
            QObject::connect(wait, &QTimer::timeout, dashboard, [save, dashboard, wait, since] {
                if (!dashboard->health()->monitor()->allAnswered() && since->elapsed() < 5000)
                    return;
                wait->stop();
                save(true);
            });
            wait->start(100);
        },
        Qt::SingleShotConnection);
    QTimer::singleShot(30000, &window, [save] { save(false); });
}

int runConsole(int argc, char** argv)
{
    QApplication app(argc, argv);
    nameApplication();
    // Wayland compositors and docks find the desktop entry, and with it the icon, by this name.
    QGuiApplication::setDesktopFileName(QStringLiteral(SIGNALBOX_APP_ID));
    QApplication::setWindowIcon(ui::appIcon());

    QCommandLineParser parser;
    const ConsoleOptions o;
    o.addTo(parser);
    parser.process(app);
    const QSettings settings;
    const std::optional<StartFlags> flags = readStartFlags(parser, o);
    if (!flags)
        return 2;
    applyPalette(*flags, settings);

    kube::KubeconfigOptions options = kube::KubeconfigOptions::fromEnvironment();
    options.explicitPath = parser.value(o.kubeconfig).toStdString();
    options.namespaceOverride = parser.value(o.ns).toStdString();
    const bool explicitConfig = parser.isSet(o.config);
    const std::string configPath =
        explicitConfig ? parser.value(o.config).toStdString() : model::defaultServiceConfigPath();
    auto loaded = model::loadServiceConfig(configPath, explicitConfig);
    const model::ServiceConfig config = loaded ? loaded.value() : model::ServiceConfig{};

    auto console = std::make_unique<app::Console>(options, config);
    applySettings(*console, *flags, config, settings);
    console->connectTo(parser.value(o.context).toStdString());
    if (!loaded)
        console->window()->setConnection(model::describeConnection(kube::Result<kube::RestConfig>(loaded.error())));
    console->window()->show();
    if (parser.isSet(o.screenshot))
        screenshotWhenComplete(*console, parser.value(o.screenshot), parser.value(o.service));
    const int rc = QApplication::exec();
    console.reset(); // its transport's handles go before libcurl does
    return rc;
}

} // namespace

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const entry::Decision decision = entry::route(args);
    int rc = 0;
    if (decision.route == entry::Route::Command)
        rc = cli::run(argc, argv);
    else if (decision.route == entry::Route::Console && !entry::displayAvailable(args))
        rc = answerWithoutDisplay(argc, argv, {entry::Route::NoDisplay, {}});
    else if (decision.route == entry::Route::Console)
        rc = runConsole(argc, argv);
    else
        rc = answerWithoutDisplay(argc, argv, decision);
    curl_global_cleanup();
    return rc;
}
