#include "cli.h"
#include "console.h"
#include "kube/kubeconfig.h"
#include "model/connectioninfo.h"
#include "model/servicespec.h"
#include "ui/mainwindow.h"
#include "ui/style.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <QPointer>
#include <QSettings>
#include <QTimer>
#include <cstdio>
#include <curl/curl.h>
#include <memory>

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (argc > 1 && cli::isCommand(argv[1])) {
        const int rc = cli::run(argc, argv);
        curl_global_cleanup();
        return rc;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("signalbox"));
    QApplication::setOrganizationName(QStringLiteral("signalbox"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Deploy and swap A/B services on Kubernetes, safely."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"), QStringLiteral("Kubeconfig file to use alone."),
                                        QStringLiteral("file"));
    const QCommandLineOption context(QStringLiteral("context"), QStringLiteral("Kubeconfig context to use."),
                                     QStringLiteral("name"));
    const QCommandLineOption ns({QStringLiteral("n"), QStringLiteral("namespace")},
                                QStringLiteral("Namespace to look in besides the discovered ones."),
                                QStringLiteral("name"));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Service configuration file (default: %1).")
                                        .arg(QString::fromStdString(model::defaultServiceConfigPath())),
                                    QStringLiteral("file"));
    const QCommandLineOption readOnly(QStringLiteral("read-only"),
                                      QStringLiteral("Show no control that changes anything."));
    const QCommandLineOption poll(QStringLiteral("poll"), QStringLiteral("Poll every N seconds instead of watching."),
                                  QStringLiteral("seconds"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Wait until the data is complete, save the window as a PNG "
                                                       "and exit."),
                                        QStringLiteral("file"));
    const QCommandLineOption service(QStringLiteral("service"), QStringLiteral("With --screenshot: show this service."),
                                     QStringLiteral("name"));
    const QCommandLineOption palette(QStringLiteral("palette"),
                                     QStringLiteral("light or dark: use this palette instead of the desktop's."),
                                     QStringLiteral("light|dark"));
    parser.addOptions({kubeconfig, context, ns, config, readOnly, poll, screenshot, service, palette});
    parser.process(app);
    const QString paletteName =
        parser.isSet(palette) ? parser.value(palette) : QSettings().value(QStringLiteral("palette")).toString();
    if (paletteName == QLatin1String("dark") || paletteName == QLatin1String("light")) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(paletteName == QLatin1String("dark") ? ui::style::darkPalette()
                                                                      : ui::style::lightPalette());
    } else if (parser.isSet(palette)) {
        std::fprintf(stderr, "signalbox: --palette takes light or dark, not %s\n", qPrintable(paletteName));
        return 2;
    }

    const bool explicitConfig = parser.isSet(config);
    const std::string configPath =
        explicitConfig ? parser.value(config).toStdString() : model::defaultServiceConfigPath();
    auto loaded = model::loadServiceConfig(configPath, explicitConfig);
    kube::KubeconfigOptions options = kube::KubeconfigOptions::fromEnvironment();
    options.explicitPath = parser.value(kubeconfig).toStdString();
    options.namespaceOverride = parser.value(ns).toStdString();

    auto console = std::make_unique<app::Console>(options, loaded ? loaded.value() : model::ServiceConfig{});
    ui::MainWindow& window = *console->window();
    if (parser.isSet(poll))
        QSettings().setValue(QStringLiteral("pollIntervalSeconds"), parser.value(poll).toInt());
    window.setReadOnly(parser.isSet(readOnly) || QSettings().value(QStringLiteral("readOnly")).toBool());
    console->connectTo(parser.value(context).toStdString());
    if (!loaded) {
        window.setConnection(model::describeConnection(kube::Result<kube::RestConfig>(loaded.error())));
    }
    window.show();

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const QString name = parser.value(service);
        auto save = [&window, file, name](bool complete) {
            if (!name.isEmpty() && !window.showService(name)) {
                std::fprintf(stderr, "signalbox: there is no service named %s\n", qPrintable(name));
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
                QApplication::exit(saved && complete ? 0 : 1);
            });
        };
        if (!console->dashboard()) {
            save(false);
        } else {
            QObject::connect(
                console->dashboard(), &model::Dashboard::completed, &window, [save] { save(true); },
                Qt::SingleShotConnection);
            QTimer::singleShot(30000, &window, [save] { save(false); });
        }
    }
    const int rc = QApplication::exec();
    console.reset(); // its transport's handles go before libcurl does
    curl_global_cleanup();
    return rc;
}
