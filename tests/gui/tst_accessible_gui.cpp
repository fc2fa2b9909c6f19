// Every control a person can reach has a name a screen reader can say: the main window, the
// service page (before a swap and after, with History and Activity), every dialog (deploy, swap,
// roll back, shortcuts, about) and the log window, on the rig's example. The offenders are listed
// by class and object name.
#include "gui/guisupport.h"
#include "ui/activitypanel.h"
#include "ui/help.h"
#include "ui/logview.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTextEdit>

using guisupport::Console;

namespace {

// What a person can operate: buttons, fields, choosers, lists and tables, text they can select. The
// parts of another control (a spin box's or a combo box's field, a line edit's clear button, a
// table's headers and corner button) are named through that control.
bool interactive(const QWidget* w)
{
    if (w->objectName().startsWith(QLatin1String("qt_")) || w->objectName().startsWith(QLatin1String("_q_")))
        return false;
    const QWidget* parent = w->parentWidget();
    if (parent && (qobject_cast<const QAbstractSpinBox*>(parent) || qobject_cast<const QComboBox*>(parent) ||
                   qobject_cast<const QLineEdit*>(parent) || qobject_cast<const QAbstractItemView*>(parent)))
        return false;
    return qobject_cast<const QAbstractButton*>(w) || qobject_cast<const QLineEdit*>(w) ||
           qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w) ||
           qobject_cast<const QAbstractItemView*>(w) || qobject_cast<const QPlainTextEdit*>(w) ||
           qobject_cast<const QTextEdit*>(w);
}

// The name assistive technology reads: the widget's accessible name, else what Qt derives (a
// button's text, a buddy label's text).
QString spokenName(QWidget* w)
{
    if (!w->accessibleName().trimmed().isEmpty())
        return w->accessibleName();
    QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
    return iface ? iface->text(QAccessible::Name).trimmed() : QString();
}

// The visible controls of `top` without a name, as "QPushButton#save"; `checked` counts them all.
// SIGNALBOX_LIST_NAMES=1 lists every control with the name it has.
QStringList unnamed(QWidget* top, int* checked)
{
    QStringList out;
    QList<QWidget*> all = top->findChildren<QWidget*>();
    all.prepend(top);
    for (QWidget* w : all) {
        if (!w->isVisible() || !interactive(w))
            continue;
        ++*checked;
        const QString name = spokenName(w);
        if (qEnvironmentVariableIsSet("SIGNALBOX_LIST_NAMES"))
            qInfo("%s#%s: %s", w->metaObject()->className(), qPrintable(w->objectName()), qPrintable(name));
        if (name.isEmpty())
            out << QStringLiteral("%1#%2").arg(QString::fromLatin1(w->metaObject()->className()), w->objectName());
    }
    return out;
}

// Every visible control of `top` is named, and there are controls to look at.
#define VERIFY_NAMED(where, top)                                                                                       \
    do {                                                                                                               \
        int checked = 0;                                                                                               \
        const QStringList offenders = unnamed(top, &checked);                                                          \
        QVERIFY2(checked > 0, qPrintable(QStringLiteral("%1: no control shown").arg(where)));                          \
        QVERIFY2(offenders.isEmpty(),                                                                                  \
                 qPrintable(QStringLiteral("%1: no accessible name: %2").arg(where, offenders.join(", "))));           \
    } while (false)

// The confirm dialog of `kind`, opened by its button once it is enabled; nullptr when it does not come.
ui::ConfirmDialog* openConfirm(ui::ServicePage* page, model::SwapPlan::Kind kind)
{
    QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
    QPushButton* b = page->button(kind);
    if (!QTest::qWaitFor([b] { return b->isEnabled(); }, 20000))
        return nullptr;
    QTest::mouseClick(b, Qt::LeftButton);
    if (!QTest::qWaitFor([&opened] { return opened.count() == 1; }, 20000))
        return nullptr;
    auto* dialog = qobject_cast<ui::ConfirmDialog*>(opened.first().first().value<QDialog*>());
    return dialog && QTest::qWaitForWindowExposed(dialog) ? dialog : nullptr;
}

} // namespace

class TestAccessible : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { guisupport::startOnTheExample(); }

    void everyControlHasAName()
    {
        Console c(QStringLiteral("operator"));
        QVERIFY(QTest::qWaitForWindowExposed(c.window));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(c.window, QStringLiteral("uro")) >= 0, 20000);
        VERIFY_NAMED(QStringLiteral("main window"), c.window);

        guisupport::openService(c.window, QStringLiteral("uro"));
        ui::ServicePage* page = c.window->servicePage();
        QTRY_VERIFY_WITH_TIMEOUT(page->actions() && guisupport::decided(page->actions()), 20000);
        VERIFY_NAMED(QStringLiteral("service page"), c.window);

        ui::DeployDialog* deploy = guisupport::openDeployDialog(page);
        QVERIFY(deploy);
        QVERIFY(QTest::qWaitForWindowExposed(deploy));
        VERIFY_NAMED(QStringLiteral("deploy dialog"), deploy);
        deploy->reject();

        // Swap: the dialog, then confirmed, so History and Activity have rows; then the rollback's dialog.
        ui::ConfirmDialog* swap = openConfirm(page, model::SwapPlan::Kind::Swap);
        QVERIFY(swap);
        VERIFY_NAMED(QStringLiteral("swap dialog"), swap);
        QTest::keyClicks(swap->nameField(), QStringLiteral("uro"));
        QTest::mouseClick(swap->confirmButton(), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(page->outcomeText().startsWith(QStringLiteral("Swapped")),
                                  qPrintable(page->outcomeText()), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page->history()->isVisible() && page->history()->rowCount() > 0, 10000);
        QTRY_VERIFY(c.window->activityPanel()->table()->isVisible());
        VERIFY_NAMED(QStringLiteral("service page after a swap"), c.window);

        ui::ConfirmDialog* rollback = openConfirm(page, model::SwapPlan::Kind::Rollback);
        QVERIFY(rollback);
        VERIFY_NAMED(QStringLiteral("rollback dialog"), rollback);
        rollback->reject();

        ui::ShortcutsDialog shortcuts(c.window);
        shortcuts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&shortcuts));
        VERIFY_NAMED(QStringLiteral("shortcuts dialog"), &shortcuts);

        ui::AboutDialog about(c.window);
        about.show();
        QVERIFY(QTest::qWaitForWindowExposed(&about));
        VERIFY_NAMED(QStringLiteral("about dialog"), &about);

        ui::LogView* logs = c.window->openLogs(QStringLiteral("uro"), model::Slot::A, {});
        QVERIFY(logs);
        QVERIFY(QTest::qWaitForWindowExposed(logs));
        VERIFY_NAMED(QStringLiteral("log window"), logs);
        logs->close();
    }
};

QTEST_MAIN(TestAccessible)
#include "tst_accessible_gui.moc"
