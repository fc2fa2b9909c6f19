// Every control a person can reach has a name a screen reader can say: the main window, the
// service page, every dialog (deploy, swap, roll back, shortcuts, about) and the log window, on the
// rig's example. The offenders are listed by class and object name.
#include "gui/guisupport.h"
#include "ui/help.h"
#include "ui/logview.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>

using guisupport::Console;

namespace {

// What a person can operate: buttons, fields, choosers, lists and tables, text they can select. The
// parts of another control (a spin box's or a combo box's field, a line edit's clear button, scroll
// bars, headers) are named through that control.
bool interactive(const QWidget* w)
{
    if (w->objectName().startsWith(QLatin1String("qt_")) || w->objectName().startsWith(QLatin1String("_q_")))
        return false;
    const QWidget* parent = w->parentWidget();
    if (parent && (qobject_cast<const QAbstractSpinBox*>(parent) || qobject_cast<const QComboBox*>(parent) ||
                   qobject_cast<const QLineEdit*>(parent)))
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

// The visible controls of `top` without a name, as "QPushButton#save".
QStringList unnamed(QWidget* top)
{
    QStringList out;
    QList<QWidget*> all = top->findChildren<QWidget*>();
    all.prepend(top);
    for (QWidget* w : all)
        if (w->isVisible() && interactive(w) && spokenName(w).isEmpty())
            out << QStringLiteral("%1#%2").arg(QString::fromLatin1(w->metaObject()->className()), w->objectName());
    return out;
}

#define VERIFY_NAMED(where, top)                                                                                       \
    do {                                                                                                               \
        const QStringList offenders = unnamed(top);                                                                    \
        QVERIFY2(offenders.isEmpty(),                                                                                  \
                 qPrintable(QStringLiteral("%1: no accessible name: %2").arg(where, offenders.join(", "))));           \
    } while (false)

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

        for (const auto kind : {model::SwapPlan::Kind::Swap, model::SwapPlan::Kind::Repair}) {
            QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
            QPushButton* b = page->button(kind);
            if (!b->isEnabled())
                continue; // the example offers swap; repair only when there is something to repair
            QTest::mouseClick(b, Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
            auto* dialog = opened.first().first().value<QDialog*>();
            QVERIFY(QTest::qWaitForWindowExposed(dialog));
            VERIFY_NAMED(QStringLiteral("confirm dialog"), dialog);
            dialog->reject();
        }

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
