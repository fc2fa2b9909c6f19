// Compare slots in the console, on the rig: uro's staging slot reads another database and another
// ConfigMap than live. The page's Compare slots button opens the window with both changes, the
// ConfigMaps' content and the commits in between, and never a Secret's value; another pair of sides is
// read on choice; Esc closes it. A viewer (read-only, no ConfigMaps) opens it from the Service menu's
// key on the overview and is told what could not be compared.
#include "gui/guisupport.h"
#include "support/cluster.h"
#include "ui/compareview.h"
#include "ui/help.h"

#include <QComboBox>
#include <QPointer>
#include <QTableView>

using guisupport::Console;

namespace {

const QByteArray secret = "compare-secret-value-41f7";

// Every cell, tooltip and header of the view, and its sentences.
QString everything(ui::CompareView* v)
{
    QString all = v->statusText() + v->summaryText() + v->compareText();
    const QAbstractItemModel* m = v->model();
    for (int column = 0; column < m->columnCount(); ++column)
        all += m->headerData(column, Qt::Horizontal).toString();
    for (int row = 0; row < m->rowCount(); ++row)
        for (int column = 0; column < m->columnCount(); ++column)
            all += m->index(row, column).data().toString() + m->index(row, column).data(Qt::ToolTipRole).toString();
    return all;
}

QStringList fields(ui::CompareView* v)
{
    QStringList out;
    for (int row = 0; row < v->model()->rowCount(); ++row)
        out << v->model()->index(row, model::SlotDiffModel::FieldColumn).data().toString();
    return out;
}

} // namespace

class TestCompareGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        guisupport::startOnTheExample();
        QVERIFY(testsupport::arrangeSlotChanges(secret));
    }

    void cleanupTestCase()
    {
        QVERIFY(testsupport::undoSlotChanges());
        testsupport::resetExample();
    }

    void thePageComparesLiveWithStaging()
    {
        Console c(QStringLiteral("admin"));
        guisupport::openService(c.window, QStringLiteral("uro"));
        auto* button = c.window->servicePage()->findChild<QPushButton*>(QStringLiteral("compareButton"));
        QVERIFY(button && button->isVisible());
        QTest::mouseClick(button, Qt::LeftButton);
        ui::CompareView* view = nullptr;
        QTRY_VERIFY((view = c.window->findChild<ui::CompareView*>()) != nullptr);
        QCOMPARE(view->service(), QStringLiteral("uro"));
        QTRY_VERIFY_WITH_TIMEOUT(view->answered(), 20000);
        QVERIFY2(view->statusText().isEmpty(), qPrintable(view->statusText()));
        const QStringList f = fields(view);
        for (const QString& expected :
             {QStringLiteral("container uro: env DATABASE_URL"), QStringLiteral("container uro: envFrom 1"),
              QStringLiteral("ConfigMap uro-config and uro-config-v2: content")})
            QVERIFY2(f.contains(expected), qPrintable(expected + QStringLiteral(" not in ") + f.join(u'|')));
        const int row = f.indexOf(QStringLiteral("container uro: env DATABASE_URL"));
        QCOMPARE(view->model()->index(row, model::SlotDiffModel::FromColumn).data().toString(),
                 QStringLiteral("ecto://db-v1/uro"));
        QCOMPARE(view->model()->index(row, model::SlotDiffModel::ToColumn).data().toString(),
                 QStringLiteral("ecto://db-v2/uro"));
        QCOMPARE(view->model()->headerData(model::SlotDiffModel::FromColumn, Qt::Horizontal).toString(),
                 QStringLiteral("live (slot A, uro-a)"));
        QVERIFY2(view->summaryText().contains(QStringLiteral(" other fields equal.")), qPrintable(view->summaryText()));
        QVERIFY2(view->compareText().contains(QStringLiteral("https://github.com/v-sekai/uro/compare/")),
                 qPrintable(view->compareText()));
        QVERIFY2(!everything(view).contains(QString::fromLatin1(secret)), qPrintable(everything(view)));
        view->resize(1000, 420);
        guisupport::saveShot(view, QStringLiteral("compare-slots.png"));

        // Another pair: the sandbox against live.
        view->toBox()->setCurrentIndex(view->toBox()->findData(QStringLiteral("sandbox")));
        QCOMPARE(view->statusText(), QStringLiteral("Reading what differs…"));
        QTRY_VERIFY_WITH_TIMEOUT(view->answered(), 20000);
        QVERIFY2(view->model()
                     ->headerData(model::SlotDiffModel::ToColumn, Qt::Horizontal)
                     .toString()
                     .startsWith(QStringLiteral("sandbox (")),
                 qPrintable(everything(view)));
        QVERIFY(!everything(view).contains(QString::fromLatin1(secret)));

        // Esc closes the window, and the page stays.
        QPointer<ui::CompareView> gone(view);
        view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(view));
        QTest::keyClick(view->table(), Qt::Key_Escape);
        QTRY_VERIFY(gone.isNull());
        QCOMPARE(c.window->currentService(), QStringLiteral("uro"));
    }

    void aViewerComparesFromTheOverview()
    {
        Console c(QStringLiteral("viewer"));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(c.window, QStringLiteral("uro")) >= 0, 30000);
        QVERIFY(QTest::qWaitForWindowActive(c.window));
        c.window->overview()->setFocus();
        c.window->overview()->setCurrentIndex(
            c.window->overview()->model()->index(guisupport::overviewRow(c.window, QStringLiteral("uro")), 0));
        QTest::keyClick(c.window, ui::keys::compare.key(), ui::keys::compare.keyboardModifiers());
        ui::CompareView* view = nullptr;
        QTRY_VERIFY((view = c.window->findChild<ui::CompareView*>()) != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(view->answered(), 20000);
        QVERIFY2(fields(view).contains(QStringLiteral("container uro: env DATABASE_URL")),
                 qPrintable(everything(view)));
        // The viewer may not read ConfigMaps: the reference shows, the content is said to be unread.
        QVERIFY2(view->summaryText().contains(QStringLiteral("ConfigMap uro-config was not compared: not readable")),
                 qPrintable(view->summaryText()));
        QVERIFY(!fields(view).contains(QStringLiteral("ConfigMap uro-config and uro-config-v2: content")));
    }
};

QTEST_MAIN(TestCompareGui)
#include "tst_compare_gui.moc"
