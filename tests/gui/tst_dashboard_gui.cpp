// The real main window against the local control plane: it shows the example services as the
// cluster has them, follows a selector flip made by someone else within 2 s, and shows a slot
// whose pods turned unready as needing attention, with the reason.
#include "app/console.h"
#include "kube/kubeconfig.h"
#include "support/cluster.h"
#include "support/testsupport.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"
#include "ui/slottile.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using testsupport::kubectl;

namespace {

// The viewer's kubeconfig, in namespace uro.
kube::KubeconfigOptions viewerOptions()
{
    kube::KubeconfigOptions options;
    options.explicitPath = testsupport::kubeconfigFor(QStringLiteral("viewer")).toStdString();
    options.namespaceOverride = "uro";
    return options;
}

} // namespace

class TestDashboardGui : public QObject {
    Q_OBJECT

private:
    app::Console* m_console = nullptr;
    ui::MainWindow* m_window = nullptr;
    model::Dashboard* m_dashboard = nullptr;

    QString cell(int row, int column) const
    {
        auto* m = m_window->serviceModel();
        return m->data(m->index(row, column)).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        REQUIRE_CLUSTER();
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b")));

        m_console = new app::Console(viewerOptions(), {});
        m_console->connectTo({});
        m_window = m_console->window();
        m_dashboard = m_console->dashboard();
        QVERIFY(m_dashboard);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->watched()->complete() && m_window->serviceModel()->rowCount() == 2,
                                 20000);
    }

    void overviewShowsTheCluster()
    {
        const int row = m_window->serviceModel()->rowOf(QStringLiteral("viewer@signalbox-local/uro/uro"));
        QVERIFY(row >= 0);
        QCOMPARE(cell(row, model::ServiceListModel::LiveColumn), QStringLiteral("A: 8d3c2f41a9b0"));
        QCOMPARE(cell(row, model::ServiceListModel::StagingColumn), QStringLiteral("B: c41e7a90d2f3"));
        // The example was applied just before: its pods may still be becoming ready.
        QTRY_COMPARE_WITH_TIMEOUT(cell(row, model::ServiceListModel::ReadyColumn),
                                  QStringLiteral("live 2/2 · staging 2/2"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(row, model::ServiceListModel::StatusColumn), QStringLiteral("Ready to swap"),
                                  30000);
        QVERIFY2(m_window->freshnessText().startsWith(QStringLiteral("Live, updated ")),
                 qPrintable(m_window->freshnessText()));
        QCOMPARE(m_window->findChild<QLabel*>(QStringLiteral("userLabel"))->text(), QStringLiteral("as <b>viewer</b>"));
    }

    void aNamespaceYouMayNotReadIsANoteNotADisconnection()
    {
        // The viewer's context namespace is default, where it may not list anything; its services
        // are in uro (named in the configuration). That is a note about default, not a lost server.
        kube::KubeconfigOptions options;
        options.explicitPath = testsupport::kubeconfigFor(QStringLiteral("viewer")).toStdString();
        auto merged = kube::loadKubeconfig(options);
        auto rest = kube::loadRestConfig(options);
        QVERIFY(merged && rest);
        QCOMPARE(rest->namespaceName, std::string("default"));
        model::ServiceConfig config;
        config.namespaces = {"uro"};
        app::Console console(options, config);
        console.connectWith(merged.value(), rest.value());
        ui::MainWindow& window = *console.window();
        model::Dashboard* dashboard = console.dashboard();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->watched()->complete() && window.serviceModel()->rowCount() == 2 &&
                                     !window.namespaceNoteText().isEmpty(),
                                 20000);
        QVERIFY(window.serviceModel()->rowOf(QStringLiteral("viewer@signalbox-local/uro/uro")) >= 0);
        QVERIFY(window.serviceModel()->rowOf(QStringLiteral("viewer@signalbox-local/uro/uro-frontend")) >= 0);
        QVERIFY2(window.namespaceNoteText().startsWith(QStringLiteral("Namespace default: you may not read it")),
                 qPrintable(window.namespaceNoteText()));
        QCOMPARE(dashboard->connection()->namespaceNotices().size(), std::size_t(1));
        QCOMPARE(dashboard->connection()->namespaceNotices().begin()->first, QStringLiteral("default"));
        // Absence, so a bounded wait: 1.5 s (past the first retry, after 250 ms, and a tick of the
        // clock, every second), in which a 403 taken for a lost server would show as one.
        QVERIFY2(!QTest::qWaitFor([dashboard] { return dashboard->connection()->disconnectedSince().isValid(); }, 1500),
                 qPrintable(window.freshnessText()));
        QVERIFY2(!dashboard->connection()->disconnectedSince().isValid(), qPrintable(window.freshnessText()));
        QVERIFY2(window.freshnessText().startsWith(QStringLiteral("Live, updated ")) ||
                     window.freshnessText().startsWith(QStringLiteral("Polling every ")),
                 qPrintable(window.freshnessText()));
        QVERIFY(dashboard->connection()->problem().isEmpty());
        QVERIFY(!window.findChild<QLabel*>(QStringLiteral("problemLabel"))->isVisible());
    }

    void keyboardOpensTheServicePage()
    {
        QTableView* table = m_window->overview();
        table->setFocus();
        const int row = m_window->overviewModel()->rowOf(QStringLiteral("viewer@signalbox-local/uro/uro"));
        QVERIFY(row >= 0);
        table->setCurrentIndex(table->model()->index(row, 0));
        QTest::keyClick(table, Qt::Key_Return);
        QTRY_COMPARE(m_window->currentService(), QStringLiteral("uro"));
        ui::ServicePage* page = m_window->servicePage();
        QCOMPARE(page->tile(model::Slot::A)->roleText(), QStringLiteral("LIVE"));
        QCOMPARE(page->tile(model::Slot::B)->roleText(), QStringLiteral("STAGING"));
        QVERIFY(page->tile(model::Slot::A)->imageText().contains(QStringLiteral("8d3c2f41a9b0")));
        QVERIFY(page->tile(model::Slot::Sandbox)->imageText().contains(QStringLiteral("uro-sandbox")));
        QCOMPARE(page->tile(model::Slot::B)->health(), model::Health::Healthy);
    }

    void aSelectorFlipShowsWithinTwoSeconds()
    {
        QVERIFY(testsupport::setSlots(QStringLiteral("uro"), QStringLiteral("b"), QStringLiteral("a")));
        QElapsedTimer t;
        t.start();
        ui::ServicePage* page = m_window->servicePage();
        QTRY_VERIFY_WITH_TIMEOUT(page->tile(model::Slot::B)->roleText() == QStringLiteral("LIVE") &&
                                     page->tile(model::Slot::A)->roleText() == QStringLiteral("STAGING"),
                                 2000);
        qInfo("new live slot shown %lld ms after the second patch returned", static_cast<long long>(t.elapsed()));
    }

    void unreadyPodsTurnTheTileToAttention()
    {
        const QStringList pods = testsupport::podsOf(QStringLiteral("b"));
        QCOMPARE(pods.size(), 2);
        for (const QString& pod : pods) {
            const auto r =
                kubectl(QStringLiteral("admin"),
                        {QStringLiteral("patch"), QStringLiteral("pod"), pod, QStringLiteral("-n"),
                         QStringLiteral("uro"), QStringLiteral("--subresource=status"), QStringLiteral("-p"),
                         QStringLiteral(R"({"status":{"conditions":[{"type":"Ready","status":"False"}]}})")});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        }
        ui::ServicePage* page = m_window->servicePage();
        QTRY_VERIFY_WITH_TIMEOUT(page->tile(model::Slot::B)->health() == model::Health::Down, 10000);
        QVERIFY2(page->tile(model::Slot::B)->problemText().contains(QStringLiteral("2 pods run but are not ready")),
                 qPrintable(page->tile(model::Slot::B)->problemText()));
        QVERIFY2(page->anomalyText().contains(QStringLiteral("Live (slot B) has 0 of 2 pods ready: users get errors.")),
                 qPrintable(page->anomalyText()));
        auto* m = m_window->serviceModel();
        const int row = m->rowOf(QStringLiteral("viewer@signalbox-local/uro/uro"));
        QCOMPARE(m->data(m->index(row, model::ServiceListModel::StatusColumn)).toString(), QStringLiteral("Attention"));
    }

    void aCredentialPluginsLoginMessageIsShownWithItsLink()
    {
        // A kubeconfig whose plugin runs a device-code login: the window shows what it says, with
        // the address as a link, until the person has signed in; then the services load.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString approved = dir.filePath(QStringLiteral("approved"));
        const QString script = dir.filePath(QStringLiteral("device-login"));
        QVERIFY(testsupport::writeCredentialPlugin(
            script,
            QStringLiteral("echo 'To sign in, open %1 and enter the code WXYZ-1234' >&2\n"
                           "while [ ! -f '%2' ]; do sleep 0.05; done")
                .arg(QStringLiteral("https://login.example/device"), approved),
            approved));

        auto merged = kube::loadKubeconfig(viewerOptions());
        auto rest = kube::loadRestConfig(viewerOptions());
        QVERIFY(merged && rest);
        const std::string token = rest->user.token;
        rest->user.token.clear();
        kube::ExecConfig exec;
        exec.apiVersion = "client.authentication.k8s.io/v1";
        exec.command = script.toStdString();
        exec.interactiveMode = "IfAvailable";
        rest->user.exec = exec;

        app::Console console(viewerOptions(), {});
        console.connectWith(merged.value(), rest.value());
        ui::MainWindow& window = *console.window();
        model::Dashboard* dashboard = console.dashboard();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.pluginNoteText().contains(QStringLiteral("WXYZ-1234")), 10000);
        QCOMPARE(window.pluginNoteText(), QStringLiteral("The credential plugin device-login says: To sign in, open "
                                                         "https://login.example/device and enter the code WXYZ-1234"));
        auto* note = window.findChild<QLabel*>(QStringLiteral("pluginNoteLabel"));
        QVERIFY(note->text().contains(QStringLiteral("<a href=\"https://login.example/device\">")));
        QVERIFY(note->openExternalLinks());
        QVERIFY(!dashboard->watched()->complete());
        const QString shots = qEnvironmentVariable("SIGNALBOX_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(window.grab().save(shots + QStringLiteral("/device-login.png"), "PNG"));

        QFile approval(approved);
        QVERIFY(approval.open(QIODevice::WriteOnly));
        approval.write(QByteArray::fromStdString(token));
        approval.close();
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->watched()->complete() && window.serviceModel()->rowCount() == 2, 20000);
        QCOMPARE(window.pluginNoteText(), QString());
    }

    void cleanupTestCase()
    {
        // Leave the example as it was: slot a live, and fresh (ready) pods for slot b.
        testsupport::setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b"));
        kubectl(QStringLiteral("admin"),
                {QStringLiteral("delete"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("uro"),
                 QStringLiteral("-l"), QStringLiteral("signalbox.v-sekai.org/slot=b,app.kubernetes.io/name=uro"),
                 QStringLiteral("--wait=false")});
        delete m_console;
    }
};

QTEST_MAIN(TestDashboardGui)
#include "tst_dashboard_gui.moc"
