#include "kube/kubeconfig.h"
#include "model/connectioninfo.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>

#include <curl/curl.h>

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
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
                                QStringLiteral("Namespace to use."), QStringLiteral("name"));
    parser.addOptions({kubeconfig, context, ns});
    parser.process(app);

    auto options = kube::KubeconfigOptions::fromEnvironment();
    options.explicitPath = parser.value(kubeconfig).toStdString();
    options.context = parser.value(context).toStdString();
    options.namespaceOverride = parser.value(ns).toStdString();

    ui::MainWindow window;
    window.setConnection(model::describeConnection(kube::loadRestConfig(options)));
    window.show();
    const int rc = QApplication::exec();
    curl_global_cleanup();
    return rc;
}
