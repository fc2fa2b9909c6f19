#pragma once

// What the GUI tests share: the console as the program assembles it, and the steps a person
// takes in it (open a service, confirm a swap by typing its name). The cluster helpers they use
// are support/cluster.h's.
#include "app/console.h"
#include "gui/shown.h"
#include "support/cluster.h"
#include "support/testsupport.h"
#include "ui/confirmdialog.h"
#include "ui/deploydialog.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <memory>

// A step done by a helper: the test stops at its first failure.
#define STEP(call)                                                                                                     \
    do {                                                                                                               \
        call;                                                                                                          \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

namespace guisupport {

// Uro's check as the example has it (or that of each of `names`, all in group uro), but asked
// every second, so a change shows without waiting.
inline model::ServiceConfig everySecond(const QStringList& names = {QStringLiteral("uro")})
{
    model::ServiceConfig config;
    for (const QString& name : names) {
        model::ServiceSpec s;
        s.name = name.toStdString();
        s.ns = "uro";
        s.group = "uro";
        s.fromConfig = true;
        s.health.intervalSeconds = 1;
        s.applyDefaults();
        config.services.push_back(s);
    }
    return config;
}

// A GUI test on the local control plane begins here: settings of its own (Qt's test mode), a
// control plane to fail on when there is none, the example as the tests expect it.
inline void startOnTheExample()
{
    QStandardPaths::setTestModeEnabled(true);
    REQUIRE_CLUSTER();
    testsupport::resetExample();
}

// What the timeline and the delivery figures read: uro swapped (its watch held for 3 s), then
// rolled back, both from the command line as the operator. Empty when both went through, else what
// the one that did not said.
inline QString swapWatchedThenRolledBack()
{
    const auto swap = testsupport::signalbox(QStringLiteral("operator"),
                                             {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes"),
                                              QStringLiteral("--watch"), QStringLiteral("3s")},
                                             180000);
    if (swap.exitCode != 0)
        return swap.describe();
    const auto rollback = testsupport::signalbox(
        QStringLiteral("operator"), {QStringLiteral("rollback"), QStringLiteral("uro"), QStringLiteral("--yes")});
    return rollback.exitCode == 0 ? QString() : rollback.describe();
}

inline void saveShot(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("SIGNALBOX_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    // What the window shows once the layouts asked for so far have run, as a person sees it: a
    // widget shown or hidden in the same turn as the grab has not moved the others yet. Each
    // layout that runs can ask its parent's to run, so a few rounds.
    for (int round = 0; round < 4; ++round)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QVERIFY(w->grab().save(dir + QLatin1Char('/') + name, "PNG"));
}

// The console signed in as `user`, looking at namespace uro.
struct Console {
    std::unique_ptr<app::Console> console;
    ui::MainWindow* window = nullptr;

    // `seams`: where the console's actions are held (nullptr: nowhere); they outlive it.
    explicit Console(const QString& user, model::ServiceConfig config = {}, model::ActionSeams* seams = nullptr)
    {
        kube::KubeconfigOptions options;
        options.explicitPath = testsupport::kubeconfigFor(user).toStdString();
        options.namespaceOverride = "uro";
        console = std::make_unique<app::Console>(options, std::move(config), seams);
        window = console->window();
        console->connectTo({});
        window->resize(1180, 760);
        window->show();
    }
};

// The name of the service in the overview table's `row` (as the table shows it: filtered and
// ordered), empty when there is none.
inline QString serviceInRow(ui::MainWindow* w, int row)
{
    const model::ServiceState* s = w->overviewModel()->service(row);
    return s ? QString::fromStdString(s->spec.name) : QString();
}

// The overview table's row of the service `name`, -1 when it is not shown.
inline int overviewRow(ui::MainWindow* w, const QString& name)
{
    for (int row = 0; row < w->overview()->model()->rowCount(); ++row)
        if (serviceInRow(w, row) == name)
            return row;
    return -1;
}

// The status chip of the service `name` in the overview (the Status column), empty when it is not shown.
inline QString overviewStatus(ui::MainWindow* w, const QString& name)
{
    const int row = overviewRow(w, name);
    const QAbstractItemModel* m = w->overview()->model();
    return row < 0 ? QString() : m->data(m->index(row, model::ServiceListModel::StatusColumn)).toString();
}

inline void openService(ui::MainWindow* w, const QString& name)
{
    QTRY_VERIFY_WITH_TIMEOUT(w->showService(name), 20000);
}

// Whether each of the page's buttons (swap, rollback, repair, deploy) has been decided.
inline bool decided(const model::ServiceActions* actions)
{
    using Kind = model::SwapPlan::Kind;
    return actions->availability(Kind::Swap).planned && actions->availability(Kind::Rollback).planned &&
           actions->availability(Kind::Repair).planned && actions->deployAvailability().planned;
}

// Clicks the action's button, types the service name in the confirm dialog and confirms.
inline void confirmThrough(ui::ServicePage* page, model::SwapPlan::Kind kind, const QString& shot = {})
{
    QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
    QPushButton* b = page->button(kind);
    QTRY_VERIFY_WITH_TIMEOUT(b->isEnabled(), 20000);
    QTest::mouseClick(b, Qt::LeftButton);
    QTRY_COMPARE(opened.count(), 1);
    auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.first().first().value<QDialog*>());
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->confirmButton()->isEnabled());
    const QString name = QString::fromStdString(dialog->plan().service);
    QTest::keyClicks(dialog->nameField(), name.left(name.size() - 1));
    QVERIFY(!dialog->confirmButton()->isEnabled()); // the whole name, nothing less
    QTest::keyClicks(dialog->nameField(), name.right(1));
    QVERIFY(dialog->confirmButton()->isEnabled());
    if (!shot.isEmpty()) {
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->diffReading(), 10000); // the picture shows what differs
        QTest::qWait(50);                                        // laid out
        saveShot(dialog, shot);
    }
    QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
}

// Clicks Deploy… on the page once it is enabled; the dialog it opens, or nullptr after 20 s.
inline ui::DeployDialog* openDeployDialog(ui::ServicePage* page)
{
    QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
    if (!QTest::qWaitFor([page] { return page->deployButton()->isEnabled(); }, 20000))
        return nullptr;
    QTest::mouseClick(page->deployButton(), Qt::LeftButton);
    if (!QTest::qWaitFor([&opened] { return opened.count() == 1; }, 5000))
        return nullptr;
    return qobject_cast<ui::DeployDialog*>(opened.first().first().value<QDialog*>());
}

// Types `ns` into the header's namespace field and presses Enter, as a person switches namespace.
inline void switchNamespace(ui::MainWindow* w, const QString& ns)
{
    auto* field = w->findChild<QLineEdit*>(QStringLiteral("namespaceField"));
    QVERIFY(field);
    field->clear();
    QTest::keyClicks(field, ns);
    QTest::keyClick(field, Qt::Key_Return);
}

} // namespace guisupport
