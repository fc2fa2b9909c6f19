// A configuration that names one member of a group swaps the whole group from the console: services.yaml
// lists only uro (group uro) while the cluster labels uro-frontend into group uro too. The confirm
// dialog names both, and the swap goes through (the check at execute, which reads the group again, finds
// the same members), moving both live Services.
#include "gui/guisupport.h"
#include "model/rules/servicespec.h"
#include "support/cluster.h"
#include "ui/confirmdialog.h"

#include <QSignalSpy>

class TestGroupSwapGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }
    void cleanupTestCase() { testsupport::resetExample(); }

    void oneConfiguredMemberSwapsTheGroup()
    {
        const auto config =
            model::parseServiceConfig("services:\n- {name: uro, namespace: uro, group: uro}\n", "services.yaml");
        QVERIFY(config);
        guisupport::Console c(QStringLiteral("operator"), config.value());
        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QPushButton* swap = page->button(model::SwapPlan::Kind::Swap);
        QTRY_VERIFY_WITH_TIMEOUT(swap->isEnabled(), 30000);
        QTest::mouseClick(swap, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.takeFirst().first().value<QDialog*>());
        QVERIFY(dialog);
        QCOMPARE(int(dialog->plan().members.size()), 2);
        QTest::keyClicks(dialog->nameField(), QStringLiteral("uro"));
        QTRY_VERIFY(dialog->confirmButton()->isEnabled());
        QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
        const model::ActionRunner* runner = c.console->runner();
        QTRY_VERIFY_WITH_TIMEOUT(runner->latestFor("uro", "uro") && !runner->latestFor("uro", "uro")->running(), 90000);
        const model::Activity* a = runner->latestFor("uro", "uro");
        QVERIFY2(a->state == model::Activity::State::Succeeded, a->message.c_str());
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(testsupport::selectorOf(QStringLiteral("uro-frontend")), QStringLiteral("b"));
    }
};

QTEST_MAIN(TestGroupSwapGui)
#include "tst_groupswap_gui.moc"
