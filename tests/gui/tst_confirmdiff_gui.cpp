// The confirm dialogs show what differs (issue 24), on the rig: staging gets another environment variable
// value and another ConfigMap reference (uro-config -> uro-config-v2), and Swap's dialog shows both, read after
// it opened, for each member of uro's group; the deploy dialog's Check shows the image change of what it would
// deploy. With SIGNALBOX_SCREENSHOT_DIR set, it saves confirm-diff.png (a swap with a diff and a failing
// check) and confirm-deploy-diff.png. The example is restored.
#include "gui/guisupport.h"
#include "support/cluster.h"
#include "support/testsupport.h"
#include "ui/confirmdialog.h"
#include "ui/deploydialog.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using Console = guisupport::Console;

namespace {

// The confirm dialog the page opened.
ui::ConfirmDialog* openConfirm(ui::ServicePage* page)
{
    QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
    QPushButton* b = page->button(model::SwapPlan::Kind::Swap);
    if (!QTest::qWaitFor([b] { return b->isEnabled(); }, 30000))
        return nullptr;
    QTest::mouseClick(b, Qt::LeftButton);
    if (!QTest::qWaitFor([&opened] { return opened.count() == 1; }, 20000))
        return nullptr;
    return qobject_cast<ui::ConfirmDialog*>(opened.first().first().value<QDialog*>());
}

} // namespace

class TestConfirmDiffGui : public QObject {
    Q_OBJECT

    // Deploy: Check shows what the staging slot runs against what it would run.
    void deployShowsTheImageChange(ui::ServicePage* page, const QString& registry)
    {
        ui::DeployDialog* deploy = guisupport::openDeployDialog(page);
        QVERIFY(deploy);
        QTRY_VERIFY_WITH_TIMEOUT(deploy->targetBox()->itemText(0).startsWith(QStringLiteral("Staging (slot B")), 20000);
        // The tag picked from the registry's list, as a person does (and as the picture shows).
        auto* repo = deploy->findChild<QLineEdit*>(QStringLiteral("repositoryField"));
        repo->setText(registry + QStringLiteral("/v-sekai/uro"));
        deploy->loadTags();
        QTRY_VERIFY_WITH_TIMEOUT(deploy->tagsLoaded(), 20000);
        QTest::keyClicks(deploy->filterField(), QStringLiteral("3f2c"));
        deploy->tagTable()->selectRow(0);
        QCOMPARE(deploy->referenceField()->text(), registry + QStringLiteral("/v-sekai/uro:3f2c1a9"));
        QTest::mouseClick(deploy->checkButton(), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(deploy->deployButton()->isEnabled(), qPrintable(deploy->statusText()), 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(!deploy->diffReading(), qPrintable(deploy->diffText()), 20000);
        const QString deployDiff = deploy->diffText();
        QVERIFY2(deployDiff.contains(QStringLiteral("slot B after the deploy")), qPrintable(deployDiff));
        QVERIFY2(deployDiff.contains(QStringLiteral("container uro: image tag")) &&
                     deployDiff.contains(QStringLiteral("3f2c1a9")),
                 qPrintable(deployDiff));
        QVERIFY2(deploy->verdictText().startsWith(QStringLiteral("Allowed: deploys ")),
                 qPrintable(deploy->verdictText()));
        QTest::qWait(50);
        guisupport::saveShot(deploy, QStringLiteral("confirm-deploy-diff.png"));
        deploy->reject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        QVERIFY(testsupport::undoSlotChanges());
    }

    void cleanupTestCase()
    {
        QVERIFY(testsupport::undoSlotChanges());
        QVERIFY(testsupport::exampleRolledOut());
    }

    void swapAndDeployShowWhatDiffers()
    {
        const QString registry = qEnvironmentVariable("SIGNALBOX_REGISTRY_ANON");
        if (registry.isEmpty())
            QFAIL("The test registries are not running: run scripts/test, or scripts/registry up and eval its env.");
        // Live (A) on uro-config and the old database, staging (B) on uro-config-v2 and the new one; both read
        // the password from Secret uro-db, whose value shows nowhere.
        QVERIFY(testsupport::arrangeSlotChanges("confirm-secret-value-7f3e"));
        QVERIFY(testsupport::exampleRolledOut());

        Console c(QStringLiteral("operator"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();

        ui::ConfirmDialog* swap = openConfirm(page);
        QVERIFY(swap);
        QVERIFY(swap->diffShown());
        QTRY_VERIFY2_WITH_TIMEOUT(!swap->diffReading(), qPrintable(swap->diffText()), 20000);
        const QString shown = swap->diffText();
        for (const QString& s :
             {QStringLiteral("uro: live (slot A, uro-a) → staging (slot B, uro-b)"),
              QStringLiteral("container uro: env DATABASE_URL\necto://db-v1/uro\necto://db-v2/uro"),
              QStringLiteral("container uro: envFrom 1\nConfigMap uro-config\nConfigMap uro-config-v2"),
              // The operator may not read ConfigMaps: the reference shows, the content is a note.
              QStringLiteral("ConfigMap uro-config-v2 was not compared: not readable (forbidden)."),
              // The group's other member moves too, and has its own part.
              QStringLiteral("uro-frontend: live (slot A, uro-frontend-a) → staging (slot B, uro-frontend-b)"),
              QStringLiteral("Commits in between: https://github.com/v-sekai/uro/compare/")})
            QVERIFY2(shown.contains(s), qPrintable(s + QStringLiteral(" in:\n") + shown));
        QVERIFY(!shown.contains(QStringLiteral("confirm-secret-value")));
        QVERIFY2(swap->verdictText().startsWith(QStringLiteral("Allowed: ")), qPrintable(swap->verdictText()));
        QVERIFY(!swap->checksUnfolded());
        const model::SwapPlan plan = swap->plan();
        swap->reject();

        // The picture: the same swap with a failing check on top (evidence the person may skip).
        model::SwapPlan failing = plan;
        model::Check smoke;
        smoke.text = "Smoke requests to staging pass (1 of 5 failed; the first: GET /api/v1/shards answered 500 in "
                     "12 ms, expected 200)";
        smoke.evidence = model::Evidence::Smoke;
        failing.checks.insert(failing.checks.begin(), smoke);
        auto* pictured = new ui::ConfirmDialog(failing, c.window);
        pictured->setAttribute(Qt::WA_DeleteOnClose);
        pictured->open();
        QVERIFY(QTest::qWaitForWindowExposed(pictured));
        page->actions()->readSwapDiffs(failing, pictured, [pictured](std::size_t i, model::SlotDiffAnswer answer) {
            pictured->setDiff(i, answer);
        });
        QTRY_VERIFY_WITH_TIMEOUT(!pictured->diffReading(), 20000);
        QVERIFY(pictured->verdictText().startsWith(QStringLiteral("Not allowed: 1 check fails.\n✘ Smoke requests")));
        QVERIFY(pictured->diffText().contains(QStringLiteral("ecto://db-v2/uro")));
        QTest::qWait(50); // the layout takes in the answer before the picture
        guisupport::saveShot(pictured, QStringLiteral("confirm-diff.png"));
        pictured->reject();

        deployShowsTheImageChange(page, registry);
    }
};

QTEST_MAIN(TestConfirmDiffGui)
#include "tst_confirmdiff_gui.moc"
