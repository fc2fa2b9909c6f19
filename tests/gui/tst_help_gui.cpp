// The Help menu: the About dialog shows the version the build declares, the Qt and libcurl this
// process runs with, the licence and the project's address; Troubleshooting (and F1) opens the
// README's troubleshooting section; the keyboard shortcuts are listed, the same as in the README.
// The window and its state marks use the compiled-in icons. With SIGNALBOX_SCREENSHOT_DIR set, it
// saves the About dialog there.
#include "support/testsupport.h"
#include "ui/help.h"
#include "ui/mainwindow.h"
#include "ui/style.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTableWidget>
#include <QTest>
#include <curl/curl.h>

namespace {

QString readme()
{
    QFile f(testsupport::sourceDir() + QStringLiteral("/README.md"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestHelpGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void aboutShowsTheBuildsVersion()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &ui::MainWindow::dialogOpened);
        auto* about = w.findChild<QAction*>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        QVERIFY(!about->icon().isNull());
        about->trigger();
        QCOMPARE(opened.size(), 1);
        auto* dialog = qobject_cast<ui::AboutDialog*>(opened.at(0).at(0).value<QDialog*>());
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        const QString text = dialog->text();
        QVERIFY2(text.contains(QStringLiteral("Signalbox " DECLARED_VERSION)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion()))), qPrintable(text));
        const QString curl = QString::fromLatin1(curl_version_info(CURLVERSION_NOW)->version);
        QVERIFY2(text.contains(QStringLiteral("libcurl %1").arg(curl)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Licence: MIT")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(DECLARED_HOMEPAGE)), qPrintable(text));
        if (const QString shots = qEnvironmentVariable("SIGNALBOX_SCREENSHOT_DIR"); !shots.isEmpty())
            QVERIFY(dialog->grab().save(shots + QStringLiteral("/about.png"), "PNG"));
        dialog->reject();
    }

    void troubleshootingOpensTheReadmesSection()
    {
        QList<QUrl> urls;
        ui::setOpenUrlHook([&urls](const QUrl& url) {
            urls << url;
            return true;
        });
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* action = w.findChild<QAction*>(QStringLiteral("troubleshootingAction"));
        QVERIFY(action);
        QVERIFY(!action->icon().isNull());
        action->trigger();
        QCOMPARE(urls, QList<QUrl>{QUrl(QStringLiteral(DECLARED_HOMEPAGE "#troubleshooting"))});
        // F1 does the same.
        w.activateWindow();
        QTest::keyClick(&w, Qt::Key_F1);
        QCOMPARE(urls.size(), 2);
        QVERIFY(w.noticeText().isEmpty());
        // No browser: F1 says so, with the address to copy.
        ui::setOpenUrlHook([](const QUrl&) { return false; });
        QTest::keyClick(&w, Qt::Key_F1);
        QVERIFY2(w.noticeText().contains(QStringLiteral(DECLARED_HOMEPAGE "#troubleshooting")),
                 qPrintable(w.noticeText()));
        ui::setOpenUrlHook({});
        // The anchor exists: GitHub names it after the README's heading.
        QVERIFY(readme().contains(QStringLiteral("\n## Troubleshooting\n")));
    }

    void shortcutsAreListedHereAndInTheReadme()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &ui::MainWindow::dialogOpened);
        w.findChild<QAction*>(QStringLiteral("shortcutsAction"))->trigger();
        QCOMPARE(opened.size(), 1);
        auto* dialog = opened.at(0).at(0).value<QDialog*>();
        auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        const auto shortcuts = ui::keyboardShortcuts();
        QCOMPARE(table->rowCount(), static_cast<int>(shortcuts.size()));
        const QString text = readme();
        const qsizetype section = text.indexOf(QStringLiteral("\n## Keyboard shortcuts\n"));
        QVERIFY2(section >= 0, "the README has no Keyboard shortcuts section");
        const QString listed = text.mid(section, text.indexOf(QStringLiteral("\n## "), section + 1) - section);
        for (const auto& [keys, what] : shortcuts)
            QVERIFY2(listed.contains(QStringLiteral("| %1 | %2 |").arg(keys, what)), qPrintable(keys));
        // A list to read: nothing in it looks or acts editable.
        QCOMPARE(table->editTriggers(), QAbstractItemView::NoEditTriggers);
        QVERIFY(!table->showGrid());
        for (int row = 0; row < table->rowCount(); ++row)
            for (int column = 0; column < table->columnCount(); ++column)
                QVERIFY(!(table->item(row, column)->flags() & Qt::ItemIsEditable));
        dialog->reject();
    }

    // The keyboard's focus is drawn by the application's style, whichever style that is.
    void focusIsDrawnPlainly()
    {
        ui::style::installFocusStyle();
        QVERIFY(dynamic_cast<ui::style::FocusStyle*>(QApplication::style()));
        QStyle* installed = QApplication::style();
        ui::style::installFocusStyle(); // once: a second call wraps nothing again
        QCOMPARE(QApplication::style(), installed);
    }

    void iconsAreCompiledIn()
    {
        ui::MainWindow w;
        QVERIFY(!w.windowIcon().isNull());
        QVERIFY(!ui::appIcon().pixmap(16, 16).isNull());
        for (const char* name :
             {"passing", "failing", "not-allowed", "unknown", "warning", "pod-ready", "pod-pending", "pod-failing"}) {
            QSvgRenderer svg(QStringLiteral(":/states/%1.svg").arg(QLatin1String(name)));
            QVERIFY2(svg.isValid(), name);
        }
        QVERIFY(!w.findChild<QAction*>(QStringLiteral("quitAction"))->icon().isNull());
    }
};

QTEST_MAIN(TestHelpGui)
#include "tst_help_gui.moc"
