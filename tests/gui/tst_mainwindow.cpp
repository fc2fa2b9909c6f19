// The main window says which connection it would use, or why there is none.
#include "model/rules/settingskeys.h"
#include "ui/mainwindow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void showsTheConnection()
    {
        kube::RestConfig config;
        config.contextName = "operator@prod";
        config.cluster.server = "https://k8s.example.org:6443";
        config.user.name = "operator";
        config.user.token = "secret-token-value";
        config.namespaceName = "uro";
        config.files = {"/home/me/.kube/config"};
        ui::MainWindow w;
        w.setConnection(model::describeConnection(config));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QString text = w.findChild<QLabel*>(QStringLiteral("connectionLabel"))->text();
        QCOMPARE(w.findChild<QComboBox*>(QStringLiteral("contextCombo"))->currentText(),
                 QStringLiteral("operator@prod"));
        QVERIFY(text.contains(QStringLiteral("https://k8s.example.org:6443")));
        QVERIFY(text.contains(QStringLiteral("bearer token")));
        QVERIFY(text.contains(QStringLiteral("/home/me/.kube/config")));
        QVERIFY(!text.contains(QStringLiteral("secret-token-value")));
        QVERIFY(!w.findChild<QLabel*>(QStringLiteral("problemLabel"))->isVisible());
    }

    void showsWhyThereIsNone()
    {
        ui::MainWindow w;
        w.setConnection(model::describeConnection(kube::Error::config("No kubeconfig found: pass --kubeconfig.")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* problem = w.findChild<QLabel*>(QStringLiteral("problemLabel"));
        QVERIFY(problem->isVisible());
        QCOMPARE(problem->text(), QStringLiteral("No kubeconfig found: pass --kubeconfig."));
    }

    void namespaceAndReadOnlyFromTheHeader()
    {
        ui::MainWindow w;
        QSignalSpy requested(&w, &ui::MainWindow::namespaceRequested);
        auto* field = w.findChild<QLineEdit*>(QStringLiteral("namespaceField"));
        field->clear();
        QTest::keyClicks(field, QStringLiteral("uro"));
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().first().toString(), QStringLiteral("uro"));
        auto* box = w.findChild<QCheckBox*>(QStringLiteral("readOnlyBox"));
        QVERIFY(!w.readOnly());
        box->click();
        QVERIFY(w.readOnly());
        QVERIFY(QSettings().value(model::settingskeys::readOnly).toBool());
        w.setReadOnly(false);
        QVERIFY(!box->isChecked());
        box->click();
        box->click();
        QVERIFY(!QSettings().value(model::settingskeys::readOnly).toBool());
    }

    // The interval resolved at the start is shown and not saved; a choice in the menu is saved.
    void pollIntervalFromTheStartIsNotSaved()
    {
        QSettings().remove(model::settingskeys::pollInterval);
        ui::MainWindow w;
        auto* combo = w.findChild<QComboBox*>(QStringLiteral("refreshCombo"));
        w.setPollInterval(30); // not one the menu offers
        QCOMPARE(w.pollInterval(), 30);
        QCOMPARE(combo->currentText(), QStringLiteral("Poll every 30 s"));
        QVERIFY(!QSettings().contains(model::settingskeys::pollInterval));
        w.setPollInterval(0);
        QCOMPARE(combo->currentText(), QStringLiteral("Live (watch)"));
        QSignalSpy requested(&w, &ui::MainWindow::pollIntervalRequested);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Down);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(w.pollInterval(), 5);
        QCOMPARE(QSettings().value(model::settingskeys::pollInterval).toInt(), 5);
        // A new window does not read the saved value itself: the start resolves it (app/main.cpp).
        ui::MainWindow other;
        QCOMPARE(other.pollInterval(), 0);
    }

    void warnsWhenTlsIsNotVerified()
    {
        kube::RestConfig config;
        config.contextName = "dev";
        config.cluster.server = "https://10.0.0.1:6443";
        config.cluster.insecureSkipTlsVerify = true;
        ui::MainWindow w;
        w.setConnection(model::describeConnection(config));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* problem = w.findChild<QLabel*>(QStringLiteral("problemLabel"));
        QVERIFY(problem->isVisible());
        QVERIFY(problem->text().contains(QStringLiteral("insecure-skip-tls-verify")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
