// Every window fits a small screen: on a 1024×640 screen and on a 1366×768 one (two offscreen
// screens side by side, configured before the application starts), the main window, a service's
// page, the deploy, swap and rollback dialogs, the shortcuts list, the About box and the log window
// each lie inside the screen's available geometry, and no two visible widgets a layout placed
// side by side overlap or stick out of their parent. Screenshots of both sizes when
// SIGNALBOX_SCREENSHOT_DIR is set.
#include "gui/guisupport.h"
#include "ui/activitypanel.h"
#include "ui/help.h"
#include "ui/logview.h"
#include "ui/overviewtable.h"
#include "ui/slottile.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLayout>
#include <QListWidget>
#include <QScreen>
#include <QTemporaryDir>
#include <QVBoxLayout>
#include <QWindow>

using guisupport::Console;

namespace {

using Kind = model::SwapPlan::Kind;

struct ScreenSize {
    const char* name;
    int width, height;
};
constexpr ScreenSize sizes[] = {{"small", 1024, 640}, {"laptop", 1366, 768}};

QString sizeName(const QScreen* s)
{
    return QStringLiteral("%1x%2").arg(s->geometry().width()).arg(s->geometry().height());
}

QScreen* screenNamed(const char* name)
{
    for (QScreen* s : QGuiApplication::screens())
        if (s->name() == QLatin1String(name))
            return s;
    return nullptr;
}

// The widgets `layout` places, through its nested layouts.
void placedBy(const QLayout* layout, QList<QWidget*>& out)
{
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem* item = layout->itemAt(i);
        if (QWidget* w = item->widget())
            out << w;
        else if (const QLayout* inner = item->layout())
            placedBy(inner, out);
    }
}

QString describe(const QWidget* w)
{
    return QStringLiteral("%1 \"%2\" at %3,%4 %5×%6")
        .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())
        .arg(w->x())
        .arg(w->y())
        .arg(w->width())
        .arg(w->height());
}

// Every visible widget a layout placed lies inside its parent and overlaps none of its siblings.
// Only what layouts place is compared: a scroll area's viewport and bars, a line edit's buttons and
// a stack's pages are placed by their owners, one over another by design.
void collectOverlaps(const QWidget* parent, QStringList& found)
{
    if (const QLayout* layout = parent->layout()) {
        QList<QWidget*> placed;
        placedBy(layout, placed);
        QList<QWidget*> shown;
        for (QWidget* w : placed)
            if (w->isVisible() && !w->isWindow() && !w->size().isEmpty())
                shown << w;
        for (int i = 0; i < shown.size(); ++i) {
            if (!parent->rect().contains(shown[i]->geometry()))
                found << QStringLiteral("%1 sticks out of %2").arg(describe(shown[i]), describe(parent));
            for (int j = i + 1; j < shown.size(); ++j)
                if (shown[i]->geometry().intersects(shown[j]->geometry()))
                    found << QStringLiteral("%1 overlaps %2").arg(describe(shown[i]), describe(shown[j]));
        }
    }
    for (const QObject* child : parent->children())
        if (child->isWidgetType() && static_cast<const QWidget*>(child)->isVisible() &&
            !static_cast<const QWidget*>(child)->isWindow())
            collectOverlaps(static_cast<const QWidget*>(child), found);
}

// The top-level `w` is on `screen`, inside its available geometry, and nothing in it overlaps.
void verifyFits(QWidget* w, QScreen* screen)
{
    QTRY_VERIFY(w->isVisible());
    QTest::qWait(50); // layouts settle (a wrapped label's height follows its width)
    QApplication::processEvents();
    const QString what = QStringLiteral("%1 on %2").arg(describe(w), sizeName(screen));
    QVERIFY2(w->screen() == screen, qPrintable(what + QStringLiteral(" is on ") + w->screen()->name()));
    const QRect room = screen->availableGeometry();
    QVERIFY2(room.contains(w->frameGeometry()),
             qPrintable(QStringLiteral("%1: frame %2,%3 %4×%5 is not inside the screen")
                            .arg(what)
                            .arg(w->frameGeometry().x())
                            .arg(w->frameGeometry().y())
                            .arg(w->frameGeometry().width())
                            .arg(w->frameGeometry().height())));
    QStringList overlaps;
    collectOverlaps(w, overlaps);
    QVERIFY2(overlaps.isEmpty(), qPrintable(what + QStringLiteral(":\n") + overlaps.join(QLatin1Char('\n'))));
}

// The console's window on `screen`, filling its available geometry as a person would size it.
void placeOn(QWidget* window, QScreen* screen)
{
    window->setScreen(screen);
    const QRect room = screen->availableGeometry();
    const QMargins frame = window->windowHandle() ? window->windowHandle()->frameMargins() : QMargins();
    window->move(room.topLeft());
    window->resize(room.size().shrunkBy(frame));
    QTRY_COMPARE(window->screen(), screen);
    QTRY_COMPARE(window->size(), room.size().shrunkBy(frame));
}

QDialog* dialogFrom(QSignalSpy& opened)
{
    if (!QTest::qWaitFor([&opened] { return opened.count() > 0; }, 20000))
        return nullptr;
    return opened.takeFirst().first().value<QDialog*>();
}

} // namespace

class TestFitGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        for (const ScreenSize& s : sizes)
            QVERIFY2(screenNamed(s.name), "the offscreen screens are not configured");
    }

    // The walk finds what it looks for: a window squeezed below what its layout needs.
    void theWalkFindsOverlaps()
    {
        QWidget w;
        auto* layout = new QVBoxLayout(&w);
        for (int i = 0; i < 2; ++i) {
            auto* child = new QWidget(&w);
            child->setMinimumSize(200, 200);
            layout->addWidget(child);
        }
        layout->setSizeConstraint(QLayout::SetNoConstraint); // as a window larger than its screen is cut
        w.resize(100, 100);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QStringList found;
        collectOverlaps(&w, found);
        QVERIFY2(!found.isEmpty(), "a squeezed layout went unnoticed");
        w.resize(300, 500);
        QTRY_COMPARE(w.size(), QSize(300, 500));
        found.clear();
        collectOverlaps(&w, found);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

    void everyWindowFitsBothScreens_data()
    {
        QTest::addColumn<QString>("screen");
        for (const ScreenSize& s : sizes)
            QTest::newRow(s.name) << QString::fromLatin1(s.name);
    }

    void everyWindowFitsBothScreens()
    {
        QFETCH(QString, screen);
        guisupport::startOnTheExample();
        QScreen* s = screenNamed(qPrintable(screen));
        const QString size = sizeName(s);
        Console c(QStringLiteral("operator"));
        ui::MainWindow* w = c.window;
        STEP(placeOn(w, s));
        QTRY_VERIFY_WITH_TIMEOUT(guisupport::overviewRow(w, QStringLiteral("uro")) >= 0, 20000);
        STEP(verifyFits(w, s));
        STEP(sentenceHasRoom(w, s));
        guisupport::saveShot(w, QStringLiteral("fit-overview-%1.png").arg(size));
        STEP(filterLeavesWordsAndWidths(w));

        // Activity appearing takes its room from the window, not from the screen.
        auto* activity = w->findChild<ui::ActivityPanel*>(QStringLiteral("activityPanel"));
        QVERIFY(activity);
        const QSize before = w->size();
        activity->show();
        QTest::qWait(50);
        QCOMPARE(w->size(), before);
        STEP(verifyFits(w, s));
        activity->hide();

        STEP(guisupport::openService(w, QStringLiteral("uro")));
        ui::ServicePage* page = w->servicePage();
        // A pod chosen, so its detail and its Logs button show under the pod list.
        ui::SlotTile* a = page->tile(model::Slot::A);
        QTRY_VERIFY_WITH_TIMEOUT(a->podList()->count() > 0, 20000);
        a->podList()->item(0)->setSelected(true);
        QTRY_VERIFY(!a->podDetailText().isEmpty());
        STEP(verifyFits(w, s));
        guisupport::saveShot(w, QStringLiteral("fit-service-%1.png").arg(size));

        STEP(dialogsFit(w, page, s));
        STEP(helpFits(w, s));

        QSignalSpy logs(w, &ui::MainWindow::logViewOpened);
        QTest::mouseClick(a->logsButton(), Qt::LeftButton);
        QTRY_COMPARE(logs.count(), 1);
        ui::LogView* view = logs.first().first().value<ui::LogView*>();
        STEP(verifyFits(view, s));
        view->close();
    }

private:
    // The sentence's column keeps a readable width. Every row here is in uro, so on the small screen
    // the Namespace column gives its room to the sentence; on the laptop there is room for both.
    void sentenceHasRoom(ui::MainWindow* w, QScreen* s)
    {
        QTableView* table = w->overview();
        const int ns = model::ServiceListModel::NamespaceColumn;
        const bool small = s->size().width() < 1100;
        QTRY_COMPARE(table->isColumnHidden(ns), small);
        // The widths are measured again after the column hides, from the event loop.
        QTRY_VERIFY(table->columnWidth(model::ServiceListModel::SummaryColumn) >=
                    table->fontMetrics().averageCharWidth() * ui::OverviewTable::readableChars);
    }

    // Filtering to nothing says what is empty and why; clearing the filter gives the columns their
    // widths back (none stays collapsed to the empty table's).
    void filterLeavesWordsAndWidths(ui::MainWindow* w)
    {
        auto* filter = w->findChild<QLineEdit*>(QStringLiteral("overviewFilter"));
        auto* noMatch = w->findChild<QLabel*>(QStringLiteral("noMatchLabel"));
        QVERIFY(filter && noMatch);
        QVERIFY(!noMatch->isVisible());
        QTableView* table = w->overview();
        QList<int> widths;
        for (int col = 0; col < table->model()->columnCount(); ++col)
            widths << table->columnWidth(col);
        filter->setText(QStringLiteral("no-such-service-xyz"));
        QTRY_VERIFY(noMatch->isVisible());
        const int total = w->overviewModel()->sourceModel()->rowCount();
        QCOMPARE(noMatch->text(), QStringLiteral("No service matches “no-such-service-xyz”. Clear the filter (Esc) to "
                                                 "see all %1.")
                                      .arg(total));
        filter->clear();
        QTRY_VERIFY(!noMatch->isVisible());
        QTRY_VERIFY(table->model()->rowCount() > 0);
        QTest::qWait(50);
        for (int col = 0; col < table->model()->columnCount(); ++col) {
            if (table->isColumnHidden(col) || col == model::ServiceListModel::SummaryColumn)
                continue;
            QVERIFY2(table->columnWidth(col) >= widths.value(col),
                     qPrintable(QStringLiteral("column %1 is %2 wide after the filter, was %3")
                                    .arg(col)
                                    .arg(table->columnWidth(col))
                                    .arg(widths.value(col))));
        }
    }

    // Deploy, swap and rollback: each on the screen whole. The rollback is the swap's plan turned
    // round, with references long enough to have widened the dialog past any screen.
    void dialogsFit(ui::MainWindow* w, ui::ServicePage* page, QScreen* s)
    {
        ui::DeployDialog* deploy = guisupport::openDeployDialog(page);
        QVERIFY(deploy);
        STEP(verifyFits(deploy, s));
        deploy->reject();

        QSignalSpy opened(page, &ui::ServicePage::dialogOpened);
        QPushButton* swap = page->button(Kind::Swap);
        QTRY_VERIFY_WITH_TIMEOUT(swap->isEnabled(), 20000);
        QTest::mouseClick(swap, Qt::LeftButton);
        auto* confirm = qobject_cast<ui::ConfirmDialog*>(dialogFrom(opened));
        QVERIFY(confirm);
        STEP(verifyFits(confirm, s));
        model::SwapPlan plan = confirm->plan();
        confirm->reject();

        plan.kind = Kind::Rollback;
        const std::string longImage = "registry.example.com:5000/a-team/" + std::string(180, 'x') +
                                      "/uro:" + "0123456789abcdef0123456789abcdef01234567";
        for (auto& m : plan.members) {
            std::swap(m.from, m.to);
            m.to.image = longImage;
        }
        for (int i = 0; i < 30; ++i) // more checks than the screen has lines
            plan.checks.push_back({"check " + std::to_string(i) + " holds", true});
        auto* rollback = new ui::ConfirmDialog(plan, w);
        rollback->setAttribute(Qt::WA_DeleteOnClose);
        rollback->open();
        STEP(verifyFits(rollback, s));
        QVERIFY2(rollback->referencesText().contains(QString::fromStdString(longImage)),
                 "the whole reference is in the tooltip and the copy action");
        QVERIFY(guisupport::shownTip(rollback->findChild<QLabel*>(QStringLiteral("members"))->toolTip())
                    .contains(QString::fromStdString(longImage)));
        rollback->reject();
    }

    // The shortcuts list and the About box, as the Help menu opens them.
    void helpFits(ui::MainWindow* w, QScreen* s)
    {
        for (const char* action : {"shortcutsAction", "aboutAction"}) {
            QSignalSpy opened(w, &ui::MainWindow::dialogOpened);
            auto* a = w->findChild<QAction*>(QString::fromLatin1(action));
            QVERIFY(a);
            a->trigger();
            QDialog* dialog = dialogFrom(opened);
            QVERIFY2(dialog, action);
            STEP(verifyFits(dialog, s));
            dialog->reject();
        }
    }
};

// Two screens side by side, 1024×640 and 1366×768, given to the offscreen platform before the
// application starts (its configfile option); each row of the test puts the window on one.
int main(int argc, char** argv)
{
    QTemporaryDir dir;
    QJsonArray screens;
    int x = 0;
    for (const ScreenSize& s : sizes) {
        screens.append(QJsonObject{{"name", QString::fromLatin1(s.name)},
                                   {"x", x},
                                   {"y", 0},
                                   {"width", s.width},
                                   {"height", s.height},
                                   {"logicalDpi", 96},
                                   {"logicalBaseDpi", 96},
                                   {"dpr", 1.0}});
        x += s.width;
    }
    const QString config = dir.filePath(QStringLiteral("screens.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(QJsonObject{{"screens", screens}}).toJson()) < 0 ||
        !file.flush())
        return 2;
    file.close();
    qputenv("QT_QPA_PLATFORM", QByteArrayLiteral("offscreen:configfile=") + QFile::encodeName(config));
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    TestFitGui test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_fit_gui.moc"
