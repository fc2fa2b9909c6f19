#pragma once

// What the GUI tests share: the console as the program assembles it, and the steps a person
// takes in it (open a service, confirm a swap by typing its name).
#include "app/console.h"
#include "support/testsupport.h"
#include "ui/confirmdialog.h"
#include "ui/servicepage.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <memory>

namespace guisupport {

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
