// Text others wrote, on its way to a person: UTF-8-safe cuts, valid UTF-8, terminal escaping
// (net/text.h); what a health check's path may be and how it is sent (model/rules/healthpath.h); a
// tooltip that shows its characters (model/rules/displaytext.h).
#include "model/rules/displaytext.h"
#include "model/rules/healthpath.h"
#include "net/text.h"

#include <QTest>
#include <QTextDocumentFragment>

namespace {

QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

std::string str(const QByteArray& b)
{
    return std::string(b.constData(), static_cast<std::size_t>(b.size()));
}

} // namespace

class TestText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validUtf8_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("ascii") << QByteArray("uro") << QByteArray("uro");
        QTest::newRow("two-byte") << QByteArray("\xc3\xa9") << QByteArray("\xc3\xa9");
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x9a\xa6") << QByteArray("\xf0\x9f\x9a\xa6");
        QTest::newRow("cut two-byte") << QByteArray("x\xc3") << QByteArray("x\xef\xbf\xbd");
        QTest::newRow("stray continuation") << QByteArray("\x80z") << QByteArray("\xef\xbf\xbdz");
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QByteArray("\xef\xbf\xbd\xef\xbf\xbd");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << QByteArray("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
        QTest::newRow("past U+10FFFF") << QByteArray("\xf4\x90\x80\x80")
                                       << QByteArray("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
        QTest::newRow("ff") << QByteArray("\xff") << QByteArray("\xef\xbf\xbd");
    }

    void validUtf8()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QCOMPARE(bytes(net::text::validUtf8(str(in))), out);
    }

    void cut_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<int>("max");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("fits") << QByteArray("uro") << 3 << QByteArray("uro");
        QTest::newRow("ascii") << QByteArray("uro-frontend") << 7 << QByteArray("uro-\xe2\x80\xa6");
        // 299 bytes, then é (2 bytes) would end at byte 301: it goes whole or not at all.
        QTest::newRow("after a character")
            << QByteArray(299, 'x') + "\xc3\xa9yyyy" << 304 << QByteArray(299, 'x') + "\xc3\xa9\xe2\x80\xa6";
        QTest::newRow("inside a character")
            << QByteArray(299, 'x') + "\xc3\xa9yyy" << 302 << QByteArray(299, 'x') + "\xe2\x80\xa6";
        QTest::newRow("no room for the mark") << QByteArray("abcdef") << 2 << QByteArray();
    }

    void cut()
    {
        QFETCH(QByteArray, in);
        QFETCH(int, max);
        QFETCH(QByteArray, out);
        const std::string cut = net::text::cut(str(in), static_cast<std::size_t>(max), "…");
        QCOMPARE(bytes(cut), out);
        QVERIFY(cut.size() <= static_cast<std::size_t>(max));
        QCOMPARE(net::text::validUtf8(cut), cut);
    }

    void forTerminal_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        QTest::newRow("plain") << QByteArray("uro: live slot A\tok\n") << QByteArray("uro: live slot A\tok\n");
        QTest::newRow("OSC 52 and erase")
            << QByteArray("v1\x1b]52;c;aGk=\x07\x1b[2K") << QByteArray("v1\\x1b]52;c;aGk=\\x07\\x1b[2K");
        QTest::newRow("carriage return") << QByteArray("ok\rFAIL") << QByteArray("ok\\x0dFAIL");
        QTest::newRow("DEL") << QByteArray("a\x7f") << QByteArray("a\\x7f");
        QTest::newRow("C1 CSI") << QByteArray("a\xc2\x9b"
                                              "2K")
                                << QByteArray("a\\x9b2K");
        QTest::newRow("NEL is C1 too") << QByteArray("\xc2\x85") << QByteArray("\\x85");
        QTest::newRow("latin-1 supplement stays") << QByteArray("\xc2\xa0\xc3\xa9") << QByteArray("\xc2\xa0\xc3\xa9");
        QTest::newRow("invalid byte") << QByteArray("a\xff") << QByteArray("a\\xff");
        QTest::newRow("backslash stays") << QByteArray("C:\\x") << QByteArray("C:\\x");
    }

    void forTerminal()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        QCOMPARE(bytes(net::text::forTerminal(str(in))), out);
        QCOMPARE(net::text::needsEscape(str(in)), in != out);
    }

    void healthPath_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("problem"); // empty: accepted
        QTest::addColumn<QString>("sent");
        QTest::newRow("default") << "/health"
                                 << ""
                                 << "/health";
        QTest::newRow("deeper") << "/api/health/ready"
                                << ""
                                << "/api/health/ready";
        QTest::newRow("dots inside names") << "/v1.2/..health/a..b"
                                           << ""
                                           << "/v1.2/..health/a..b";
        QTest::newRow("space and unicode") << "/st\u00e4tus ok"
                                           << ""
                                           << "/st%C3%A4tus%20ok";
        QTest::newRow("an escape kept") << "/a%20b"
                                        << ""
                                        << "/a%20b";
        QTest::newRow("quote and angle") << "/a\"<b>"
                                         << ""
                                         << "/a%22%3Cb%3E";
        QTest::newRow("climbing") << "/../../../../api/v1/namespaces/uro/secrets"
                                  << "\"..\" segment"
                                  << "";
        QTest::newRow("climbing at the end") << "/health/.."
                                             << "\"..\" segment"
                                             << "";
        QTest::newRow("dot") << "/./health"
                             << "\".\" segment"
                             << "";
        QTest::newRow("encoded dots") << "/%2e%2E/secrets"
                                      << "\"..\" segment"
                                      << "";
        QTest::newRow("half encoded") << "/.%2e/secrets"
                                      << "\"..\" segment"
                                      << "";
        QTest::newRow("encoded slash") << "/a%2F..%2Fb"
                                       << "encoded /"
                                       << "";
        QTest::newRow("query") << "/health?verbose=1"
                               << "query or fragment"
                               << "";
        QTest::newRow("encoded query") << "/health%3Fx"
                                       << "query or fragment"
                                       << "";
        QTest::newRow("fragment") << "/health#x"
                                  << "query or fragment"
                                  << "";
        QTest::newRow("backslash") << "/..\\..\\secrets"
                                   << "backslash"
                                   << "";
        QTest::newRow("newline") << "/health\nHost: x"
                                 << "control character"
                                 << "";
        QTest::newRow("encoded NUL") << "/health%00"
                                     << "control character"
                                     << "";
        QTest::newRow("stray percent") << "/100%"
                                       << "%XX escape"
                                       << "";
        QTest::newRow("relative") << "health"
                                  << "does not start with /"
                                  << "";
        QTest::newRow("long") << "/" + QString(1024, u'a') << "longer than 1,024"
                              << "";
    }

    void healthPath()
    {
        QFETCH(QString, path);
        QFETCH(QString, problem);
        QFETCH(QString, sent);
        const std::string p = path.toStdString();
        const QString why = QString::fromStdString(model::healthPathProblem(p));
        if (problem.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
            QCOMPARE(QString::fromStdString(model::encodeHealthPath(p)), sent);
            QVERIFY(model::healthPathProblem(model::encodeHealthPath(p)).empty());
        } else {
            QVERIFY2(why.contains(problem), qPrintable(why));
        }
    }

    void portNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("http") << "http" << true;
        QTest::newRow("with digits and dash") << "http-2" << true;
        QTest::newRow("digits only") << "4000" << false;
        QTest::newRow("slash") << "../x" << false;
        QTest::newRow("upper case") << "HTTP" << false;
        QTest::newRow("sixteen") << "abcdefghijklmnop" << false;
        QTest::newRow("leading dash") << "-http" << false;
    }

    void portNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(model::isPortName(name.toStdString()), valid);
    }

    // Rendered as a view renders a tooltip, the text comes back as it was: no bold, no image.
    void tooltipsShowTheirCharacters()
    {
        const QString hostile = QStringLiteral("<b>BOLD</b> <img src=\"/dev/zero\"> & \"x\"\nline two");
        const QString tip = model::plainTooltip(hostile);
        QVERIFY(Qt::mightBeRichText(tip));
        QVERIFY(!tip.contains(QStringLiteral("<b>")));
        QVERIFY(!tip.contains(QStringLiteral("<img")));
        QCOMPARE(QTextDocumentFragment::fromHtml(tip).toPlainText(), hostile);
        QVERIFY(model::plainTooltip(QString()).isEmpty());
    }

    // One time convention in every view (model/rules/displaytext.h): local time, the date only when
    // it is not today, the zone on hover.
    void shortTime_data()
    {
        QTest::addColumn<QString>("at");
        QTest::addColumn<QString>("now");
        QTest::addColumn<int>("offset");
        QTest::addColumn<bool>("millis");
        QTest::addColumn<QString>("shown");
        QTest::newRow("today, UTC") << "2026-12-06T05:45:08.233Z"
                                    << "2026-12-06T09:00:00Z" << 0 << false << "05:45:08";
        QTest::newRow("today, an hour east") << "2026-12-06T05:45:08.233Z"
                                             << "2026-12-06T09:00:00Z" << 3600 << false << "06:45:08";
        QTest::newRow("yesterday") << "2026-12-05T05:45:08Z"
                                   << "2026-12-06T09:00:00Z" << 0 << false << "2026-12-05 05:45:08";
        QTest::newRow("today in the zone, not in UTC") << "2026-12-05T23:30:00Z"
                                                       << "2026-12-06T09:00:00Z" << 3600 << false << "00:30:00";
        QTest::newRow("milliseconds") << "2026-12-06T05:45:08.233Z"
                                      << "2026-12-06T09:00:00Z" << 0 << true << "05:45:08.233";
        QTest::newRow("nanoseconds") << "2026-12-06T05:45:08.233456789Z"
                                     << "2026-12-06T09:00:00Z" << 0 << true << "05:45:08.233";
        QTest::newRow("with an offset") << "2026-12-06T07:45:08+02:00"
                                        << "2026-12-06T09:00:00Z" << 0 << false << "05:45:08";
        QTest::newRow("not a time") << "yesterday"
                                    << "2026-12-06T09:00:00Z" << 0 << false << "";
    }
    void shortTime()
    {
        QFETCH(QString, at);
        QFETCH(QString, now);
        QFETCH(int, offset);
        QFETCH(bool, millis);
        QFETCH(QString, shown);
        const QTimeZone zone(offset);
        QCOMPARE(model::shortTime(model::parseTime(at), model::parseTime(now), zone,
                                  millis ? model::TimePrecision::Milliseconds : model::TimePrecision::Seconds),
                 shown);
    }
    void fullTime()
    {
        const QDateTime at = model::parseTime(QStringLiteral("2026-12-06T05:45:08.233Z"));
        QCOMPARE(model::fullTime(at, QTimeZone(3600)), QStringLiteral("2026-12-06 06:45:08.233 UTC+01:00"));
        QCOMPARE(model::fullTime(at, QTimeZone::utc()).left(24), QStringLiteral("2026-12-06 05:45:08.233 "));
        QVERIFY(model::fullTime(at, QTimeZone::utc()).contains(QStringLiteral("UTC")));
        const QTimeZone berlin("Europe/Berlin");
        if (berlin.isValid()) // named zones come from the system's time zone data
            QCOMPARE(model::fullTime(at, berlin), QStringLiteral("2026-12-06 06:45:08.233 CET (UTC+01:00)"));
        QCOMPARE(model::fullTime(QDateTime()), QString());
    }
    void listText()
    {
        QCOMPARE(model::listText({}), QString());
        QCOMPARE(model::listText({QStringLiteral("uro")}), QStringLiteral("uro"));
        QCOMPARE(model::listText({QStringLiteral("uro"), QStringLiteral("uro-frontend")}),
                 QStringLiteral("uro and uro-frontend"));
        QCOMPARE(model::listText({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}),
                 QStringLiteral("a, b and c"));
    }
    void stillRunningText_data()
    {
        QTest::addColumn<QStringList>("verbs");
        QTest::addColumn<QStringList>("services");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("one watch") << QStringList{"watch"} << QStringList{"uro"} << "The watch of uro is still running";
        QTest::newRow("two watches") << QStringList{"watch", "watch"} << QStringList{"uro", "uro-frontend"}
                                     << "Watches of uro and uro-frontend are still running";
        QTest::newRow("one swap") << QStringList{"swap"} << QStringList{"uro"} << "The swap of uro is still running";
        QTest::newRow("two deploys") << QStringList{"deploy", "deploy"} << QStringList{"uro", "uro-frontend"}
                                     << "Deploys of uro and uro-frontend are still running";
        QTest::newRow("three rollbacks") << QStringList{"roll back", "roll back", "roll back"}
                                         << QStringList{"a", "b", "c"} << "Rollbacks of a, b and c are still running";
        QTest::newRow("mixed") << QStringList{"swap", "watch"} << QStringList{"uro", "uro-frontend"}
                               << "The swap of uro and the watch of uro-frontend are still running";
        QTest::newRow("none") << QStringList{} << QStringList{} << "";
    }
    void stillRunningText()
    {
        QFETCH(QStringList, verbs);
        QFETCH(QStringList, services);
        QFETCH(QString, sentence);
        QCOMPARE(model::stillRunningText(verbs, services), sentence);
    }
};

QTEST_MAIN(TestText)
#include "tst_text.moc"
