// Swap and rollback through the real window, as an operator clicks them: the buttons enable
// only when the whole action would pass, the confirm dialog needs the name typed, the history
// shows what happened; a viewer sees why they cannot; read-only mode has no such controls.
// With SIGNALBOX_SCREENSHOT_DIR set, it saves the confirm dialog and the history there.
#include "gui/guisupport.h"
#include "kube/kubeconfig.h"
#include "model/rules/servicespec.h"
#include "support/testsupport.h"
#include "ui/confirmdialog.h"
#include "ui/deploydialog.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"
#include "ui/slottile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

using testsupport::kubectl;

using guisupport::confirmThrough;
using guisupport::openService;
using guisupport::saveShot;
using Console = guisupport::Console;

class TestActionsGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }

    void operatorDeploysSwapsAndRollsBack()
    {
        const QString registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/test, or scripts/registry up and eval its env.");
        Console c(QStringLiteral("operator"));
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        QVERIFY(!page->button(model::SwapPlan::Kind::Rollback)->isVisible()); // nothing recorded yet

        // Deploy: pick a tag from the registry, check, deploy; staging then runs it.
        auto* deploy = guisupport::openDeployDialog(page);
        QVERIFY(deploy);
        QCOMPARE(deploy->targetBox()->count(), 2); // staging and sandbox; live is not offered
        QVERIFY(deploy->targetBox()->itemText(0).startsWith(QStringLiteral("Staging (slot B")));
        auto* repo = deploy->findChild<QLineEdit*>(QStringLiteral("repositoryField"));
        repo->clear();
        QTest::keyClicks(repo, registry + QStringLiteral("/v-sekai/uro"));
        QTest::mouseClick(deploy->findChild<QPushButton*>(QStringLiteral("loadTagsButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(deploy->tagsLoaded(), 20000);
        QCOMPARE(deploy->tagTable()->model()->rowCount(), 7);
        QCOMPARE(deploy->tagTable()->model()->index(0, 0).data().toString(), QStringLiteral("e91a6c0")); // newest first
        saveShot(deploy, QStringLiteral("tag-picker.png"));
        QTest::keyClicks(deploy->filterField(), QStringLiteral("3f2c"));
        QCOMPARE(deploy->tagTable()->model()->rowCount(), 1);
        deploy->tagTable()->selectRow(0);
        QCOMPARE(deploy->referenceField()->text(), registry + QStringLiteral("/v-sekai/uro:3f2c1a9"));
        QTest::mouseClick(deploy->checkButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(deploy->deployButton()->isEnabled(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!deploy->diffReading(), 10000);
        QTest::qWait(50); // laid out, for the picture
        saveShot(deploy, QStringLiteral("deploy-checked.png"));
        QTest::mouseClick(deploy->deployButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(deploy->statusText().contains(QStringLiteral("rolled out")), 60000);
        deploy->close();
        QTRY_VERIFY_WITH_TIMEOUT(page->tile(model::Slot::B)->imageText().contains(QStringLiteral("3f2c1a9")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(page->tile(model::Slot::B)->health() == model::Health::Healthy, 20000);
        // The swap is planned again on what the cluster now runs; confirm that plan, not an older one.
        QTRY_VERIFY_WITH_TIMEOUT(
            page->actions()->availability(model::SwapPlan::Kind::Swap).plan &&
                page->actions()->availability(model::SwapPlan::Kind::Swap).plan->members.front().to.tag == "3f2c1a9",
            20000);

        confirmThrough(page, model::SwapPlan::Kind::Swap, QStringLiteral("confirm-swap.png"));
        QTRY_VERIFY2_WITH_TIMEOUT(page->outcomeText().startsWith(QStringLiteral("Swapped: uro now live on slot B")),
                                  qPrintable(page->outcomeText()), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(page->tile(model::Slot::B)->roleText(), QStringLiteral("LIVE"), 5000);
        QVERIFY(page->tile(model::Slot::B)->imageText().contains(QStringLiteral("3f2c1a9")));
        // Newest first: the swap, then the deploy before it.
        QTRY_COMPARE_WITH_TIMEOUT(page->history()->rowCount(), 2, 5000);
        QCOMPARE(page->history()->item(0, 1)->text(), QStringLiteral("operator"));
        QCOMPARE(page->history()->item(0, 2)->text(), QStringLiteral("swap"));
        QCOMPARE(page->history()->item(1, 2)->text(), QStringLiteral("deploy to staging"));
        QCOMPARE(page->history()->item(1, 4)->text(), QStringLiteral("slot B · 3f2c1a9"));
        QCOMPARE(page->history()->item(0, 4)->text(), QStringLiteral("slot B · 3f2c1a9"));
        QTRY_VERIFY_WITH_TIMEOUT(page->button(model::SwapPlan::Kind::Rollback)->isEnabled(), 20000);
        saveShot(c.window, QStringLiteral("history.png"));

        confirmThrough(page, model::SwapPlan::Kind::Rollback);
        QTRY_VERIFY_WITH_TIMEOUT(page->outcomeText().startsWith(QStringLiteral("Rolled back: uro now live on slot A")),
                                 30000);
        QTRY_COMPARE_WITH_TIMEOUT(page->tile(model::Slot::A)->roleText(), QStringLiteral("LIVE"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(page->history()->rowCount(), 3, 5000);
        QCOMPARE(page->history()->item(0, 2)->text(), QStringLiteral("rollback"));
    }

    // uro and uro-frontend are one group: the dialog offers both with one tag, checks both, and
    // the runner deploys both; each staging slot then runs the tag, from its own repository.
    void operatorDeploysTheGroupTogether()
    {
        const QString registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/test, or scripts/registry up and eval its env.");
        const auto config = model::parseServiceConfig(
            QStringLiteral("services:\n"
                           "  - {name: uro, namespace: uro, group: uro, image: %1/v-sekai/uro}\n"
                           "  - {name: uro-frontend, namespace: uro, group: uro, image: %1/v-sekai/uro-frontend}\n")
                .arg(registry)
                .toStdString(),
            "group.yaml");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        Console c(QStringLiteral("operator"), config.value());
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        auto* deploy = guisupport::openDeployDialog(page);
        QVERIFY(deploy);
        // The targets come from the page's plans, which may still be on their way.
        QTRY_VERIFY_WITH_TIMEOUT(deploy->targetBox()->itemText(0).startsWith(QStringLiteral("Staging (slot B")), 20000);
        QVERIFY(deploy->groupBox()->isVisibleTo(deploy));
        deploy->referenceField()->setText(registry + QStringLiteral("/v-sekai/uro:0b7d4e2"));
        QVERIFY2(deploy->groupBox()->text().contains(QStringLiteral("group uro (with uro-frontend), tag 0b7d4e2")),
                 qPrintable(deploy->groupBox()->text()));
        deploy->groupBox()->setChecked(true);
        QTest::mouseClick(deploy->checkButton(), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(deploy->deployButton()->isEnabled(), qPrintable(deploy->statusText()), 20000);
        const QString checks = deploy->findChild<QLabel*>(QStringLiteral("deployChecks"))->text();
        // Each member's own checks, each from its own repository.
        QVERIFY2(checks.contains(QStringLiteral("You may patch the Deployment uro/uro-b")), qPrintable(checks));
        QVERIFY2(checks.contains(QStringLiteral("You may patch the Deployment uro/uro-frontend-b")),
                 qPrintable(checks));
        QVERIFY2(checks.contains(registry + QStringLiteral("/v-sekai/uro-frontend@sha256:")), qPrintable(checks));
        QTest::mouseClick(deploy->deployButton(), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(deploy->statusText().contains(QStringLiteral("Deployed group uro to staging")),
                                  qPrintable(deploy->statusText()), 90000);
        deploy->close();
        for (const char* d : {"uro-b", "uro-frontend-b"}) {
            const auto tag =
                kubectl(QStringLiteral("admin"), {QStringLiteral("get"), QStringLiteral("deployment"), QLatin1String(d),
                                                  QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("-o"),
                                                  QStringLiteral("jsonpath={.spec.template.metadata.annotations."
                                                                 "signalbox\\.v-sekai\\.org/image-tag}")});
            QCOMPARE(QString::fromUtf8(tag.out).trimmed(), QStringLiteral("0b7d4e2"));
        }
        const model::Activity* a = c.console->runner()->latestFor("uro", "uro-frontend");
        QVERIFY(a);
        QCOMPARE(a->state, model::Activity::State::Succeeded);
    }

    void viewerSeesWhyNot()
    {
        Console c(QStringLiteral("viewer"));
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        QTRY_VERIFY_WITH_TIMEOUT(page->actionReasonText().contains(QStringLiteral("You may patch the Service uro")),
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            page->deployButton()->toolTip().contains(QStringLiteral("You may patch the Deployment")), 20000);
        QVERIFY(!page->deployButton()->isEnabled());
        QVERIFY(page->button(model::SwapPlan::Kind::Swap)->isVisible());
        QVERIFY(!page->button(model::SwapPlan::Kind::Swap)->isEnabled());
        QVERIFY(page->button(model::SwapPlan::Kind::Swap)->toolTip().contains(QStringLiteral("You may patch")));
    }

    void readOnlyHasNoMutatingControls()
    {
        Console c(QStringLiteral("operator"));
        c.window->setReadOnly(true);
        openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        // Once every button's availability is decided, none of them shows.
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::decided(page->actions()), 20000);
        for (auto kind : {model::SwapPlan::Kind::Swap, model::SwapPlan::Kind::Rollback, model::SwapPlan::Kind::Repair})
            QVERIFY(!page->button(kind)->isVisibleTo(c.window));
        QVERIFY(!page->deployButton()->isVisibleTo(c.window));
        c.window->setReadOnly(false);
        QTRY_VERIFY_WITH_TIMEOUT(page->button(model::SwapPlan::Kind::Swap)->isVisibleTo(c.window), 5000);
    }
};

QTEST_MAIN(TestActionsGui)
#include "tst_actions_gui.moc"
