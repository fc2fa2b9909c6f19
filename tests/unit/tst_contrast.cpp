// The state colours, pills, palettes and state icons keep WCAG 2.x AA contrast: 4.5:1 for text
// (coloured words, white words on pills and banners, the palettes' own text roles), 3:1 for
// graphics (the state icons against the window and the fields, their white glyphs against their
// disc). Relative luminance and the ratio as WCAG 2.x defines them.
#include "support/testsupport.h"
#include "ui/style.h"

#include <QColor>
#include <QDir>
#include <QFile>
#include <QPalette>
#include <QRegularExpression>
#include <QTest>
#include <cmath>

namespace {

double channel(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor& c)
{
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double ratio(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

const std::pair<ui::style::Tone, const char*> tones[] = {
    {ui::style::Tone::Live, "live"},       {ui::style::Tone::Staging, "staging"},
    {ui::style::Tone::Healthy, "healthy"}, {ui::style::Tone::Attention, "attention"},
    {ui::style::Tone::Rolling, "rolling"}, {ui::style::Tone::Neutral, "neutral"},
};

const std::pair<QPalette (*)(), const char*> palettes[] = {
    {&ui::style::lightPalette, "light"},
    {&ui::style::darkPalette, "dark"},
};

} // namespace

class TestContrast : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formula()
    {
        // The extremes and a published pair: WCAG's own examples give 21:1 and 4.5:1 for #767676 on white.
        QCOMPARE(std::round(ratio(Qt::black, Qt::white) * 100) / 100, 21.0);
        QCOMPARE(ratio(Qt::white, Qt::white), 1.0);
        QVERIFY(std::abs(ratio(QColor(0x76, 0x76, 0x76), Qt::white) - 4.54) < 0.01);
    }

    void pairs_data()
    {
        QTest::addColumn<QColor>("fore");
        QTest::addColumn<QColor>("back");
        QTest::addColumn<double>("minimum");
        for (const auto& [make, pname] : palettes) {
            const QPalette p = make();
            for (const auto& [tone, tname] : tones) {
                const QColor ink(ui::style::colorOf(tone, p));
                QTest::addRow("%s %s text on window", pname, tname) << ink << p.color(QPalette::Window) << 4.5;
                QTest::addRow("%s %s text on base", pname, tname) << ink << p.color(QPalette::Base) << 4.5;
            }
            const std::tuple<QPalette::ColorRole, QPalette::ColorRole, const char*> roles[] = {
                {QPalette::WindowText, QPalette::Window, "window text"},
                {QPalette::Text, QPalette::Base, "text"},
                {QPalette::ButtonText, QPalette::Button, "button text"},
                {QPalette::HighlightedText, QPalette::Highlight, "highlighted text"},
                {QPalette::ToolTipText, QPalette::ToolTipBase, "tooltip text"},
                {QPalette::PlaceholderText, QPalette::Base, "placeholder text"},
                {QPalette::Link, QPalette::Base, "link"},
            };
            for (const auto& [fore, back, what] : roles)
                QTest::addRow("%s palette: %s", pname, what) << p.color(fore) << p.color(back) << 4.5;
        }
        for (const auto& [tone, tname] : tones)
            QTest::addRow("white on the %s pill", tname) << QColor(Qt::white) << QColor(ui::style::fillOf(tone)) << 4.5;
    }

    void pairs()
    {
        QFETCH(QColor, fore);
        QFETCH(QColor, back);
        QFETCH(double, minimum);
        const double r = ratio(fore, back);
        QVERIFY2(r >= minimum, qPrintable(QStringLiteral("%1 on %2: %3:1, below %4:1")
                                              .arg(fore.name(), back.name())
                                              .arg(r, 0, 'f', 2)
                                              .arg(minimum)));
    }

    // The state icons are graphics: each colour they draw with stands out 3:1 from the window and
    // the fields of both palettes, and a white glyph on it stands out 3:1 from it.
    void stateIcons_data()
    {
        QTest::addColumn<QString>("file");
        const QDir dir(testsupport::sourceDir() + QStringLiteral("/resources/states"));
        const QStringList files = dir.entryList({QStringLiteral("*.svg")});
        QVERIFY2(files.size() >= 8, qPrintable(dir.path()));
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << dir.filePath(f);
    }

    void stateIcons()
    {
        QFETCH(QString, file);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString svg = QString::fromUtf8(f.readAll());
        static const QRegularExpression paint(QStringLiteral(R"re((?:fill|stroke)="(#[0-9a-fA-F]{6})")re"));
        QStringList colours;
        bool whiteGlyph = false;
        for (auto it = paint.globalMatch(svg); it.hasNext();) {
            const QString c = it.next().captured(1).toLower();
            if (c == QLatin1String("#ffffff"))
                whiteGlyph = true;
            else if (!colours.contains(c))
                colours << c;
        }
        QVERIFY2(!colours.isEmpty(), "the icon draws in no colour");
        for (const QString& c : colours) {
            for (const auto& [make, pname] : palettes) {
                const QPalette p = make();
                for (auto role : {QPalette::Window, QPalette::Base}) {
                    const double r = ratio(QColor(c), p.color(role));
                    QVERIFY2(r >= 3.0, qPrintable(QStringLiteral("%1 on the %2 palette's %3: %4:1, below 3:1")
                                                      .arg(c, QString::fromLatin1(pname),
                                                           role == QPalette::Window ? QStringLiteral("window")
                                                                                    : QStringLiteral("base"))
                                                      .arg(r, 0, 'f', 2)));
                }
            }
            if (whiteGlyph)
                QVERIFY2(ratio(Qt::white, QColor(c)) >= 3.0, qPrintable(QStringLiteral("white on %1").arg(c)));
        }
    }
};

QTEST_MAIN(TestContrast)
#include "tst_contrast.moc"
