#pragma once

// What the GUI tests share: the console as the program assembles it, and the steps a person
// takes in it (open a service, confirm a swap by typing its name).
#include "app/console.h"
#include "gui/shown.h"
#include "support/testsupport.h"
#include "ui/confirmdialog.h"
#include "ui/deploydialog.h"
#include "ui/mainwindow.h"
#include "ui/servicepage.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <memory>

namespace guisupport {

// The pods of slot `slot` of `app` in namespace uro, by name.
inline QStringList podsOf(const QString& slot, const QString& app = QStringLiteral("uro"))
{
    const auto r = testsupport::kubectl(
        QStringLiteral("admin"),
        {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("uro"),
         QStringLiteral("-l"), QStringLiteral("app.kubernetes.io/name=%1,signalbox.v-sekai.org/slot=%2").arg(app, slot),
         QStringLiteral("-o"), QStringLiteral("name")});
    QStringList names;
    for (const QString& line : QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts))
        names << line.section(u'/', 1);
    return names;
}

// Sets (or with an empty value removes) the rig's health annotation on a pod of namespace uro.
inline bool annotate(const QString& pod, const QString& value)
{
    const QString key = QStringLiteral("test.signalbox.v-sekai.org/health");
    return testsupport::kubectl(QStringLiteral("admin"),
                                {QStringLiteral("annotate"), QStringLiteral("--overwrite"), QStringLiteral("pod"), pod,
                                 QStringLiteral("-n"), QStringLiteral("uro"),
                                 value.isEmpty() ? key + QStringLiteral("-") : key + QStringLiteral("=") + value})
               .exitCode == 0;
}

// Removes the rig's health annotation from every pod of slots A and B of `apps`.
inline void clearAnnotations(const QStringList& apps = {QStringLiteral("uro")})
{
    for (const QString& app : apps)
        for (const QString& slot : {QStringLiteral("a"), QStringLiteral("b")})
            for (const QString& pod : podsOf(slot, app))
                annotate(pod, {});
}

inline void saveShot(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("SIGNALBOX_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(w->grab().save(dir + QLatin1Char('/') + name, "PNG"));
}

// The console signed in as `user`, looking at namespace uro.
struct Console {
    std::unique_ptr<app::Console> console;
    ui::MainWindow* window = nullptr;

    explicit Console(const QString& user, model::ServiceConfig config = {})
    {
        kube::KubeconfigOptions options;
        options.explicitPath = testsupport::kubeconfigFor(user).toStdString();
        options.namespaceOverride = "uro";
        console = std::make_unique<app::Console>(options, std::move(config));
        window = console->window();
        console->connectTo({});
        window->resize(1180, 760);
        window->show();
    }
};

// The slot the Service `service` of namespace uro selects now ("a", "b"), read as admin.
inline QString selectedSlot(const QString& service)
{
    return QString::fromUtf8(
               testsupport::kubectl(QStringLiteral("admin"),
                                    {QStringLiteral("get"), QStringLiteral("service"), service, QStringLiteral("-n"),
                                     QStringLiteral("uro"), QStringLiteral("-o"),
                                     QStringLiteral("jsonpath={.spec.selector.signalbox\\.v-sekai\\.org/slot}")})
                   .out)
        .trimmed();
}

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

inline void openService(ui::MainWindow* w, const QString& name)
{
    QTRY_VERIFY_WITH_TIMEOUT(w->showService(name), 20000);
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
    if (!shot.isEmpty())
        saveShot(dialog, shot);
    QTest::mouseClick(dialog->confirmButton(), Qt::LeftButton);
}

// The example as the tests expect it: applied afresh, no history recorded, live on slot a and
// staging on slot b for both services, every slot rolled out.
inline void resetExample()
{
    using testsupport::kubectl;
    const QString admin = QStringLiteral("admin");
    const auto apply = kubectl(admin, {QStringLiteral("apply"), QStringLiteral("-f"),
                                       testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro")});
    QVERIFY2(apply.exitCode == 0, qPrintable(apply.describe()));
    const QString forget = QStringLiteral("signalbox.v-sekai.org/history-");
    const QString patch = QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"%1"}}})");
    for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
        kubectl(admin, {QStringLiteral("annotate"), QStringLiteral("service"), s, QStringLiteral("-n"),
                        QStringLiteral("uro"), forget});
        for (const auto& [svc, slot] :
             {std::pair{s, QStringLiteral("a")}, std::pair{s + QStringLiteral("-staging"), QStringLiteral("b")}})
            QCOMPARE(kubectl(admin, {QStringLiteral("patch"), QStringLiteral("service"), svc, QStringLiteral("-n"),
                                     QStringLiteral("uro"), QStringLiteral("-p"), patch.arg(slot)})
                         .exitCode,
                     0);
    }
    kubectl(admin, {QStringLiteral("annotate"), QStringLiteral("deployment"), QStringLiteral("uro"),
                    QStringLiteral("-n"), QStringLiteral("uro-sandbox"), forget});
    for (const char* d : {"uro-a", "uro-b", "uro-frontend-a", "uro-frontend-b"}) {
        kubectl(admin, {QStringLiteral("annotate"), QStringLiteral("deployment"), QLatin1String(d),
                        QStringLiteral("-n"), QStringLiteral("uro"), forget});
        QCOMPARE(kubectl(admin, {QStringLiteral("rollout"), QStringLiteral("status"),
                                 QStringLiteral("deployment/") + QLatin1String(d), QStringLiteral("-n"),
                                 QStringLiteral("uro"), QStringLiteral("--timeout=90s")})
                     .exitCode,
                 0);
    }
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
