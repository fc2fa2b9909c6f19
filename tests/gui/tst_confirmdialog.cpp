// The swap's confirm dialog from the keyboard: Enter confirms only when the typed name is right
// (and the plan allows it), and otherwise leaves the dialog open; Escape cancels.
#include "model/rules/rules.h"
#include "model/rules/slotdiff.h"
#include "ui/confirmdialog.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocument>
#include <QToolButton>

namespace {

model::SwapPlan planFor(const std::string& service, bool allowed)
{
    model::SwapPlan plan;
    plan.service = service;
    plan.user = "operator";
    model::SwapMember m;
    m.spec.name = service;
    m.spec.ns = service;
    m.spec.applyDefaults();
    m.liveFrom = model::Slot::A;
    m.liveTo = model::Slot::B;
    m.from.slot = model::Slot::A;
    m.to.slot = model::Slot::B;
    plan.members.push_back(m);
    plan.checks.push_back({"staging is rolled out and ready", true});
    plan.checks.push_back({"you may patch the Services", allowed, !allowed});
    return plan;
}

// A swap whose staging pod fails the app's health check; `alsoForbidden`: a permission fails too.
model::SwapPlan unhealthyPlan(bool alsoForbidden)
{
    model::SwapPlan plan = planFor("uro", !alsoForbidden);
    model::Check health;
    health.text = "Every staging pod of uro answers the health check (uro-b-2 answered 500, expected 200)";
    health.evidence = model::Evidence::Health;
    plan.checks.push_back(health);
    return plan;
}

// A swap whose smoke requests to staging fail (and, with `alsoHealth`, whose health check fails too).
model::SwapPlan smokeFailingPlan(bool alsoHealth)
{
    model::SwapPlan plan = alsoHealth ? unhealthyPlan(false) : planFor("uro", true);
    model::Check smoke;
    smoke.text = "Smoke requests to staging pass (2 of 10 failed; the first: GET /api/v1/shards answered 500 in 4 "
                 "ms, expected 200: {\"error\":\"injected failure\"})";
    smoke.evidence = model::Evidence::Smoke;
    plan.checks.push_back(smoke);
    return plan;
}

// A swap whose metric analysis fails: staging's error ratio against live's, and a latency that passes.
// `metricName` names the first metric (cluster text: an annotation may name it).
model::SwapPlan analysisFailingPlan(const std::string& metricName = "error ratio")
{
    model::SwapPlan plan = planFor("uro", true);
    model::AnalysisFacts a;
    a.spec.metrics = model::defaultMetrics();
    a.spec.metrics.front().name = metricName;
    a.spec.windowSeconds = 60;
    const auto value = [](double v) {
        model::MeasuredValue m;
        m.value = v;
        return m;
    };
    a.look = model::AnalysisLook{};
    a.look->metrics.push_back(model::readMetric(a.spec.metrics[0], value(0.2), value(0.0)));
    a.look->metrics.push_back(model::readMetric(a.spec.metrics[1], value(0.012), value(0.011)));
    plan.members.front().analysis = a;
    plan.members.front().analysisCheck = "failed";
    plan.checks.push_back(model::analysisCheckOf("uro", a, false));
    return plan;
}

// One side of a diff: container uro with the image, a literal DATABASE_URL and a password from a Secret.
model::SlotSide side(const std::string& label, const std::string& tag, const std::string& databaseUrl,
                     const std::string& secret)
{
    model::SlotSide s;
    s.label = label;
    kube::ContainerSpec c;
    c.name = "uro";
    c.image = "ghcr.io/v-sekai/uro:" + tag;
    c.env.push_back({.name = "DATABASE_URL",
                     .from = kube::EnvVarSpec::From::Value,
                     .value = databaseUrl,
                     .refName = {},
                     .refKey = {}});
    // A value where a Secret reference has none: what a careless decoder might carry; it never shows.
    c.env.push_back({.name = "DATABASE_PASSWORD",
                     .from = kube::EnvVarSpec::From::Secret,
                     .value = "hunter2-secret-value",
                     .refName = secret,
                     .refKey = "password"});
    s.spec.containers.push_back(c);
    return s;
}

// Staging's DATABASE_URL carries markup; its password comes from another Secret.
model::SlotDiffAnswer diffAnswer()
{
    const model::SlotDiff d =
        model::diffSlots(side("live (slot a, uro-a)", "1.0", "postgres://db/uro", "uro-db"),
                         side("staging (slot b, uro-b)", "1.1", "<img src=\"/dev/zero\"><b>BOLD</b>", "uro-db-v2"));
    return {.diff = d, .problem = {}, .error = std::nullopt};
}

// Where `w` sits in the dialog, top to bottom.
int top(const QWidget* w, const QWidget* dialog)
{
    return w->mapTo(dialog, QPoint(0, 0)).y();
}

// The widgets Tab reaches from `first`, in order, once round.
QList<QWidget*> focusChain(QWidget* dialog)
{
    QList<QWidget*> out;
    QWidget* w = dialog;
    do {
        w = w->nextInFocusChain();
        if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus) && !out.contains(w))
            out << w;
    } while (w != dialog);
    return out;
}

} // namespace

class TestConfirmDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void enterWithAWrongNameKeepsTheDialogOpen()
    {
        ui::ConfirmDialog dialog(planFor("uro", true));
        QSignalSpy finished(&dialog, &QDialog::finished);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("urx"));
        QTest::keyClick(dialog.nameField(), Qt::Key_Return);
        QTest::keyClick(dialog.nameField(), Qt::Key_Enter, Qt::KeypadModifier);
        QVERIFY(dialog.isVisible());
        QCOMPARE(finished.count(), 0);
        QCOMPARE(dialog.result(), int(QDialog::Rejected)); // not accepted either
    }

    void enterWithTheRightNameConfirms()
    {
        ui::ConfirmDialog dialog(planFor("uro", true));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("ur"));
        QTest::keyClick(dialog.nameField(), Qt::Key_Return);
        QVERIFY(dialog.isVisible()); // a prefix is not the name
        QTest::keyClicks(dialog.nameField(), QStringLiteral("o"));
        QTest::keyClick(dialog.nameField(), Qt::Key_Return);
        QCOMPARE(accepted.count(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(!dialog.isVisible());
    }

    void enterDoesNothingWhenThePlanIsRefused()
    {
        ui::ConfirmDialog dialog(planFor("uro", false));
        QSignalSpy finished(&dialog, &QDialog::finished);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QVERIFY(!dialog.confirmButton()->isEnabled());
        QTest::keyClick(dialog.nameField(), Qt::Key_Return);
        QVERIFY(dialog.isVisible());
        QCOMPARE(finished.count(), 0);
    }

    // The gate before the swap: only the explicit checkbox lets a swap past a failing health check.
    void failingHealthCheckNeedsTheCheckbox()
    {
        ui::ConfirmDialog dialog(unhealthyPlan(false));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCheckBox* skip = dialog.skipHealthCheckBox();
        QVERIFY(skip);
        QCOMPARE(skip->objectName(), QStringLiteral("skipHealthCheck"));
        QCOMPARE(skip->text(), QStringLiteral("Swap without the health check"));
        QVERIFY(skip->isVisible());
        QVERIFY(!skip->isChecked());
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QVERIFY(!dialog.confirmButton()->isEnabled());
        QTest::keyClick(dialog.nameField(), Qt::Key_Return);
        QCOMPARE(accepted.count(), 0);
        skip->click();
        QVERIFY(dialog.confirmButton()->isEnabled());
        QVERIFY(dialog.plan().skips(model::Evidence::Health));
        skip->click(); // and unticked again
        QVERIFY(!dialog.confirmButton()->isEnabled());
        QVERIFY(!dialog.plan().skips(model::Evidence::Health));
        skip->click();
        QTest::keyClick(dialog.nameField(), Qt::Key_Return);
        QCOMPARE(accepted.count(), 1);
        QVERIFY(dialog.plan().skips(model::Evidence::Health));
    }

    // A failing check that says what to do is told that way; one that does not, by its kind.
    void aCheckSaysWhatToDo()
    {
        model::SwapPlan plan = planFor("uro", true);
        model::Check notReady{"Staging (slot B, uro-b) is fully rolled out and ready (1 of 2 ready)", false};
        notReady.fix = "Wait for the rollout to finish; if it does not, the slot's tile shows its pods.";
        plan.checks.push_back(notReady);
        plan.checks.push_back({"Some other fact holds", false});
        ui::ConfirmDialog dialog(plan);
        QCOMPARE(dialog.verdictText(),
                 QStringLiteral("Not allowed: 2 checks fail.\n"
                                "✘ Staging (slot B, uro-b) is fully rolled out and ready (1 of 2 ready)\n"
                                "Wait for the rollout to finish; if it does not, the slot's tile shows its pods.\n"
                                "✘ Some other fact holds\n"
                                "This has to hold first: set it right as the check says, then try again."));
    }

    void checkboxCannotSkipOtherFailures()
    {
        ui::ConfirmDialog dialog(unhealthyPlan(true));
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.skipHealthCheckBox());
        QVERIFY(!dialog.skipHealthCheckBox()->isEnabled());
        dialog.skipHealthCheckBox()->setChecked(true);
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QVERIFY(!dialog.confirmButton()->isEnabled());
    }

    // The smoke check shows with its own checkbox, skippable as the health check is; with both failing,
    // both boxes must be ticked, and the plan handed on names both.
    void failingSmokeRequestsNeedTheirCheckbox()
    {
        {
            ui::ConfirmDialog dialog(smokeFailingPlan(false));
            dialog.open();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            // A failing check is part of the verdict, on top.
            auto* checks = dialog.findChild<QLabel*>(QStringLiteral("verdict"));
            QTextDocument shown;
            shown.setHtml(checks->text());
            QVERIFY2(shown.toPlainText().contains(QStringLiteral("✘ Smoke requests to staging pass (2 of 10 failed")),
                     qPrintable(shown.toPlainText()));
            QVERIFY(!dialog.skipHealthCheckBox());
            QCheckBox* skip = dialog.skipBox(model::Evidence::Smoke);
            QVERIFY(skip);
            QCOMPARE(skip->objectName(), QStringLiteral("skipSmoke"));
            QCOMPARE(skip->text(), QStringLiteral("Swap without the smoke requests"));
            QVERIFY(skip->isVisible() && skip->isEnabled());
            QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
            QVERIFY(!dialog.confirmButton()->isEnabled());
            skip->click();
            QVERIFY(dialog.confirmButton()->isEnabled());
            QCOMPARE(dialog.plan().skipped, std::set{model::Evidence::Smoke});
        }
        ui::ConfirmDialog dialog(smokeFailingPlan(true));
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCheckBox* health = dialog.skipHealthCheckBox();
        QCheckBox* smoke = dialog.skipBox(model::Evidence::Smoke);
        QVERIFY(health && smoke && health->isEnabled() && smoke->isEnabled());
        QVERIFY(!dialog.skipBox(model::Evidence::Analysis));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Not allowed: 2 checks fail.")),
                 qPrintable(dialog.verdictText()));
        smoke->click();
        QVERIFY(!dialog.confirmButton()->isEnabled()); // the health check still fails, not skipped
        // The verdict follows the ticks: one check still stops the swap, the other is marked skipped.
        QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Not allowed: 1 check fails.\n✘ Every staging pod")),
                 qPrintable(dialog.verdictText()));
        QVERIFY2(dialog.verdictText().endsWith(QStringLiteral("\"injected failure\"}) (skipped)")),
                 qPrintable(dialog.verdictText()));
        health->click();
        QVERIFY(dialog.confirmButton()->isEnabled());
        QCOMPARE(dialog.plan().skipped, (std::set{model::Evidence::Health, model::Evidence::Smoke}));
        QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Allowed by skipping the health check and the smoke "
                                                                "requests: the history records that it was skipped.")),
                 qPrintable(dialog.verdictText()));
        QVERIFY(!dialog.verdictText().contains(QStringLiteral("tick the box below")));
        auto* verdict = dialog.findChild<QLabel*>(QStringLiteral("verdict"));
        QCOMPARE(verdict->accessibleDescription(), dialog.verdictText());
        QTextDocument shown;
        shown.setHtml(verdict->text());
        QVERIFY2(shown.toPlainText().startsWith(QStringLiteral("Allowed by skipping")), qPrintable(shown.toPlainText()));
        smoke->click();
        QVERIFY(!dialog.confirmButton()->isEnabled());
        QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Not allowed: 1 check fails.\n✘ Smoke requests")),
                 qPrintable(dialog.verdictText()));
    }

    // The metric analysis shows per metric staging's value, live's and the verdict, as text; its checkbox
    // skips it as the others do, and the keyboard order (name field, then the buttons) is unchanged.
    void analysisShowsBothValues()
    {
        ui::ConfirmDialog dialog(analysisFailingPlan());
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.analysisText(), QStringLiteral("uro: error ratio — staging 20 % — live 0 % — fails\n"
                                                       "uro: p99 latency — staging 12 ms — live 11 ms — passes"));
        auto* table = dialog.findChild<QLabel*>(QStringLiteral("analysis"));
        QVERIFY(table && table->isVisible());
        QCOMPARE(table->focusPolicy(), Qt::NoFocus);
        QTextDocument shown;
        shown.setHtml(table->text());
        for (const QString& cell : {QStringLiteral("Metric"), QStringLiteral("uro: error ratio"),
                                    QStringLiteral("20 %"), QStringLiteral("fails"), QStringLiteral("passes")})
            QVERIFY2(shown.toPlainText().contains(cell), qPrintable(shown.toPlainText()));
        auto* checks = dialog.findChild<QLabel*>(QStringLiteral("verdict"));
        shown.setHtml(checks->text());
        QVERIFY2(shown.toPlainText().contains(
                     QStringLiteral("✘ Metrics of uro's staging are no worse than live (error ratio: staging 20 % "
                                    "against live 0 %, fails candidate <= baseline * 1.2 + 0.005)")),
                 qPrintable(shown.toPlainText()));
        QCheckBox* skip = dialog.skipBox(model::Evidence::Analysis);
        QVERIFY(skip && skip->isEnabled());
        QCOMPARE(skip->objectName(), QStringLiteral("skipAnalysis"));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QVERIFY(!dialog.confirmButton()->isEnabled());
        skip->click();
        QVERIFY(dialog.confirmButton()->isEnabled());
        QCOMPARE(dialog.plan().skipped, std::set{model::Evidence::Analysis});

        // A metric's name is cluster text: escaped in the table.
        ui::ConfirmDialog marked(analysisFailingPlan("<img src=\"/dev/zero\"><b>BOLD</b>"));
        auto* markedTable = marked.findChild<QLabel*>(QStringLiteral("analysis"));
        QVERIFY(markedTable);
        QVERIFY2(!markedTable->text().contains(QStringLiteral("<img")) &&
                     !markedTable->text().contains(QStringLiteral("<b>BOLD")),
                 qPrintable(markedTable->text()));
        QVERIFY(marked.analysisText().contains(QStringLiteral("<img src=\"/dev/zero\"><b>BOLD</b> — staging 20 %")));
        // No analysis: no table.
        ui::ConfirmDialog plain(planFor("uro", true));
        QVERIFY(!plain.findChild<QLabel*>(QStringLiteral("analysis")));
        QVERIFY(plain.analysisText().isEmpty());
    }

    void noCheckboxWhenTheHealthCheckPasses()
    {
        ui::ConfirmDialog dialog(planFor("uro", true));
        QVERIFY(!dialog.skipHealthCheckBox());
        QVERIFY(!dialog.findChild<QCheckBox*>(QStringLiteral("skipHealthCheck")));
    }

    // A reference longer than the screen is wide is cut in the middle: the dialog stays on the
    // screen, and the whole reference is in its tooltip and copy action.
    void longReferencesKeepTheDialogOnTheScreen()
    {
        model::SwapPlan plan = planFor("uro", true);
        const std::string image = "registry.example.com/team/" + std::string(400, 'x') + "/uro:0123456789abcdef";
        plan.members.front().to.image = image;
        for (int i = 0; i < 60; ++i) // more checks than the screen has lines: they scroll
            plan.checks.push_back({"check " + std::to_string(i) + " holds", true});
        ui::ConfirmDialog dialog(plan);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QRect room = dialog.screen()->availableGeometry();
        QVERIFY2(room.contains(dialog.frameGeometry()),
                 qPrintable(
                     QStringLiteral("%1×%2").arg(dialog.frameGeometry().width()).arg(dialog.frameGeometry().height())));
        QVERIFY(dialog.referencesText().contains(QString::fromStdString(image)));
        auto* members = dialog.findChild<QLabel*>(QStringLiteral("members"));
        QVERIFY(members && members->toolTip().contains(QString::fromStdString(image).left(60)));
        QVERIFY(!members->text().contains(QString::fromStdString(image)));
    }

    // What the cluster and the app wrote (a check's words, the watch's verdict in a rollback's
    // reason, an image reference) shows as the characters written: the rich labels hold it escaped,
    // the reason is a plain label, and no tag of it reaches a widget as markup.
    void clusterTextInTheDialogIsText()
    {
        const std::string markup = "<b>BOLD</b> <font color=green>READY</font> <img src=\"/dev/zero\">";
        model::SwapPlan plan = unhealthyPlan(false);
        plan.kind = model::SwapPlan::Kind::Rollback;
        plan.checks.back().text = "uro-b-2 answered 500: " + markup;
        plan.checks.push_back({"uro-b-1 answered 200: " + markup, true});
        plan.why = "the watch of uro failed: " + markup;
        plan.members.front().to.image = "ghcr.io/v-sekai/uro:" + markup;
        ui::ConfirmDialog dialog(plan);
        const QString written = QString::fromStdString(markup);

        auto* reason = dialog.findChild<QLabel*>(QStringLiteral("rollbackReason"));
        QVERIFY(reason);
        QCOMPARE(reason->textFormat(), Qt::PlainText);
        QVERIFY2(reason->text().contains(QStringLiteral("the watch of uro failed: ") + written),
                 qPrintable(reason->text()));
        QVERIFY(dialog.reasonText().contains(QStringLiteral("ghcr.io/v-sekai/uro:") + written));

        for (const char* name : {"verdict", "checks", "members"}) {
            auto* label = dialog.findChild<QLabel*>(QString::fromLatin1(name));
            QVERIFY(label);
            QCOMPARE(label->textFormat(), Qt::RichText);
            QVERIFY2(!label->text().contains(QStringLiteral("<font")) &&
                         !label->text().contains(QStringLiteral("<img")) &&
                         !label->text().contains(QStringLiteral("<b>BOLD")),
                     qPrintable(label->text()));
        }
        // The failing check in the verdict, the passing one in the folded list.
        auto* verdict = dialog.findChild<QLabel*>(QStringLiteral("verdict"));
        QTextDocument shown;
        shown.setHtml(verdict->text());
        QVERIFY2(shown.toPlainText().contains(QStringLiteral("uro-b-2 answered 500: ") + written),
                 qPrintable(shown.toPlainText()));
        auto* checks = dialog.findChild<QLabel*>(QStringLiteral("checks"));
        shown.setHtml(checks->text());
        QVERIFY(shown.toPlainText().contains(QStringLiteral("uro-b-1 answered 200: ") + written));
    }

    // Issue 24's reading order: the failing check and what to do first, then what changes (the diff, read
    // later), then the passing checks folded, then the name. Tab and the screen reader follow it.
    void verdictThenDiffThenFoldedChecks()
    {
        ui::ConfirmDialog dialog(smokeFailingPlan(false));
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* verdict = dialog.findChild<QLabel*>(QStringLiteral("verdict"));
        auto* diff = dialog.findChild<QLabel*>(QStringLiteral("diff"));
        auto* checks = dialog.findChild<QLabel*>(QStringLiteral("checks"));
        QToolButton* fold = dialog.checksFoldButton();
        QVERIFY(verdict && diff && checks && fold);
        QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Not allowed: 1 check fails.\n✘ Smoke requests")),
                 qPrintable(dialog.verdictText()));
        QVERIFY(dialog.verdictText().contains(QStringLiteral("tick the box below to go ahead without the smoke")));
        QVERIFY(!dialog.verdictText().contains(QStringLiteral("rolled out"))); // passing checks are not the verdict
        QVERIFY2(dialog.diffText().contains(QStringLiteral("reading what differs")), qPrintable(dialog.diffText()));

        dialog.setDiff(0, diffAnswer());
        const QString shown = dialog.diffText();
        for (const QString& s : {QStringLiteral("DATABASE_URL"), QStringLiteral("postgres://db/uro"),
                                 QStringLiteral("<img src=\"/dev/zero\"><b>BOLD</b>"), QStringLiteral("uro-db-v2"),
                                 QStringLiteral("image tag"), QStringLiteral("other fields are equal")})
            QVERIFY2(shown.contains(s), qPrintable(s + QStringLiteral(" in ") + shown));
        QVERIFY2(!shown.contains(QStringLiteral("hunter2")), qPrintable(shown));
        QVERIFY(!diff->toolTip().contains(QStringLiteral("hunter2")));
        QCOMPARE(diff->textFormat(), Qt::RichText);
        QVERIFY2(!diff->text().contains(QStringLiteral("<img")) && !diff->text().contains(QStringLiteral("<b>BOLD")),
                 qPrintable(diff->text()));

        // Top to bottom: verdict, the skip box, the diff, the fold, the name.
        QCheckBox* skip = dialog.skipBox(model::Evidence::Smoke);
        QVERIFY(top(verdict, &dialog) < top(skip, &dialog));
        QVERIFY(top(skip, &dialog) < top(diff, &dialog));
        QVERIFY(top(diff, &dialog) < top(fold, &dialog));
        QVERIFY(top(fold, &dialog) < top(dialog.nameField(), &dialog));
        // Tab in the same order (the confirm button, disabled, is passed over).
        const QList<QWidget*> chain = focusChain(&dialog);
        const QList<QWidget*> order{verdict, skip, diff, fold, dialog.nameField()};
        for (int i = 1; i < order.size(); ++i)
            QVERIFY2(chain.indexOf(order[i - 1]) >= 0 && chain.indexOf(order[i - 1]) < chain.indexOf(order[i]),
                     qPrintable(QStringLiteral("%1 before %2 in %3").arg(i - 1).arg(i).arg([&chain] {
                         QStringList names;
                         for (QWidget* w : chain)
                             names << w->objectName();
                         return names.join(QLatin1Char(' '));
                     }())));
        QVERIFY(!verdict->accessibleName().isEmpty() && !diff->accessibleName().isEmpty());
        QVERIFY(diff->accessibleDescription().contains(QStringLiteral("DATABASE_URL")));

        // The passing checks hide until the fold is opened by keyboard; Enter there does not confirm.
        QCOMPARE(fold->text(), QStringLiteral("2 checks pass"));
        QVERIFY(!checks->isVisible());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        fold->setFocus(Qt::TabFocusReason);
        QTest::keyClick(fold, Qt::Key_Space);
        QVERIFY(dialog.checksUnfolded());
        QVERIFY(checks->isVisible());
        QTest::keyClick(fold, Qt::Key_Return);
        QCOMPARE(accepted.count(), 0);
        QTest::keyClick(fold, Qt::Key_Space);
        QVERIFY(!checks->isVisible());
    }

    // A diff that cannot be read is one sentence, and blocks nothing: the checks decide.
    void anUnreadableDiffBlocksNothing()
    {
        ui::ConfirmDialog dialog(planFor("uro", true));
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY2(dialog.verdictText().startsWith(QStringLiteral("Allowed: ")), qPrintable(dialog.verdictText()));
        dialog.setDiff(0, {.diff = std::nullopt, .problem = "you may not get deployments in uro", .error = {}});
        QVERIFY2(dialog.diffText().contains(QStringLiteral("could not be read (you may not get deployments in uro)")),
                 qPrintable(dialog.diffText()));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QVERIFY(dialog.confirmButton()->isEnabled());
        // A repair moves no release: no diff.
        model::SwapPlan repair = planFor("uro", true);
        repair.kind = model::SwapPlan::Kind::Repair;
        ui::ConfirmDialog repairDialog(repair);
        QVERIFY(!repairDialog.diffShown());
        QVERIFY(!repairDialog.findChild<QLabel*>(QStringLiteral("diff")));
    }

    void escapeCancels()
    {
        ui::ConfirmDialog dialog(planFor("uro", true));
        QSignalSpy rejected(&dialog, &QDialog::rejected);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTest::keyClicks(dialog.nameField(), QStringLiteral("uro"));
        QTest::keyClick(dialog.nameField(), Qt::Key_Escape);
        QCOMPARE(rejected.count(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(!dialog.isVisible());
    }
};

QTEST_MAIN(TestConfirmDialog)
#include "tst_confirmdialog.moc"
