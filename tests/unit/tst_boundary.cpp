// Untyped JSON stops at the kube/ boundary: no source above it (model/, ui/, app/) reads JSON the
// server sent. A scan for the ways nlohmann/json is read (indexing by key, value/at/contains with
// a key, parsing, type tests, items and get<>), with string literals blanked first. Building JSON
// to send is done with initializer lists and push_back, which the scan does not match.
#include "support/testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

namespace {

// Files that may read with these patterns, and why.
struct Allowed {
    const char* file;
    const char* why;
};
const Allowed allowlist[] = {
    // yaml-cpp, not JSON: the decoder of the service configuration file, itself fuzzed and table-tested.
    {"model/rules/servicespec.cpp", "reads the YAML service configuration with yaml-cpp"},
};

// The line with the contents of string and character literals removed, so that "a[\"b\"]" in a
// message does not count; comments are dropped.
QString code(const QString& line, bool* inBlockComment)
{
    QString out;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (*inBlockComment) {
            if (c == QLatin1Char('*') && i + 1 < line.size() && line[i + 1] == QLatin1Char('/')) {
                *inBlockComment = false;
                ++i;
            }
            continue;
        }
        if (c == QLatin1Char('/') && i + 1 < line.size() && line[i + 1] == QLatin1Char('/'))
            break;
        if (c == QLatin1Char('/') && i + 1 < line.size() && line[i + 1] == QLatin1Char('*')) {
            *inBlockComment = true;
            ++i;
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            // A raw string R"(...)" ends at )"; others at the next unescaped quote.
            const bool raw = c == QLatin1Char('"') && i > 0 && line[i - 1] == QLatin1Char('R') && i + 1 < line.size() &&
                             line[i + 1] == QLatin1Char('(');
            out += c;
            int j = i + 1;
            if (raw) {
                const int end = line.indexOf(QStringLiteral(")\""), i + 2);
                j = end < 0 ? line.size() : end + 1;
            } else {
                while (j < line.size() && line[j] != c)
                    j += line[j] == QLatin1Char('\\') ? 2 : 1;
            }
            out += c;
            i = j;
            continue;
        }
        out += c;
    }
    return out;
}

struct Pattern {
    QRegularExpression re;
    const char* what;
};

const std::vector<Pattern>& patterns()
{
    static const std::vector<Pattern> p = {
        {QRegularExpression(QStringLiteral(R"([\w\)\]]\s*\[\s*"")")), "indexes by key"},
        {QRegularExpression(QStringLiteral(R"(\.(value|at|contains|find|count)\(\s*"")")), "looks a key up"},
        {QRegularExpression(QStringLiteral(R"(\b[Jj]son::parse\b)")), "parses JSON"},
        {QRegularExpression(QStringLiteral(R"(\.is_(object|array|string|number\w*|boolean|null|discarded)\()")),
         "tests a JSON type"},
        {QRegularExpression(QStringLiteral(R"(\.items\(\))")), "walks a JSON object"},
        {QRegularExpression(QStringLiteral(R"(\.get<)")), "converts a JSON value"},
    };
    return p;
}

// Lines the scan must and must not match (kept out of the class: moc's tokenizer trips on some
// raw strings).
void addScanRows()
{
    auto row = [](const char* name, const char* line, bool found) {
        QTest::newRow(name) << QString::fromUtf8(line) << found;
    };
    row("index", "const auto& m = obj[\"metadata\"];", true);
    row("nested index", "x = r.value()[\"items\"][\"a\"];", true);
    row("value with default", "e.value(\"at\", \"\")", true);
    row("at", "j.at(\"status\")", true);
    row("contains", "if (j.contains(\"items\"))", true);
    row("parse", "auto j = json::parse(text, nullptr, false);", true);
    row("type test", "if (v.is_string())", true);
    row("get", "v.get<std::string>()", true);
    row("items", "for (auto& [k, v] : j.items())", true);
    row("in a message", "say(\"use j[\\\"x\\\"] or e.value(\\\"at\\\")\");", false);
    row("in a raw string", "auto s = R\"(obj[\"a\"])\";", false);
    row("in a comment", "x = 1; // obj[\"a\"]", false);
    row("building a patch", "patch.push_back({{\"op\", \"test\"}, {\"path\", p}});", false);
    row("QString contains", "tag.contains(filter, Qt::CaseInsensitive)", false);
}

// The statements of a source file (string literals blanked, comments dropped), each with the line
// it starts on; a statement ends at ';', '{' or '}'.
std::vector<std::pair<int, QString>> statements(const QString& path)
{
    std::vector<std::pair<int, QString>> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    bool comment = false;
    int number = 0;
    QString current;
    int startLine = 1;
    for (const QString& line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
        ++number;
        const QString c = code(line, &comment);
        for (QChar ch : c) {
            if (current.trimmed().isEmpty())
                startLine = number;
            current += ch;
            if (ch == QLatin1Char(';') || ch == QLatin1Char('{') || ch == QLatin1Char('}')) {
                out.emplace_back(startLine, current.simplified());
                current.clear();
            }
        }
        current += QLatin1Char(' ');
    }
    return out;
}

// The sources under `folder` (relative to the source tree), its subfolders included, sorted.
QStringList sourcesIn(const QString& folder)
{
    const QDir root(testsupport::sourceDir());
    QStringList out;
    QDirIterator it(root.filePath(folder), {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        out << root.relativeFilePath(it.next());
    out.sort();
    return out;
}

} // namespace

class TestBoundary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theScanFindsWhatItLooksFor_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("found");
        addScanRows();
    }

    void theScanFindsWhatItLooksFor()
    {
        QFETCH(QString, line);
        QFETCH(bool, found);
        bool comment = false;
        const QString c = code(line, &comment);
        bool hit = false;
        for (const auto& p : patterns())
            hit = hit || p.re.match(c).hasMatch();
        QCOMPARE(hit, found);
    }

    void noJsonIsReadAboveKube()
    {
        const QDir root(testsupport::sourceDir());
        QStringList found;
        int files = 0;
        for (const char* folder : {"model", "ui", "app"}) {
            QVERIFY2(QDir(root.filePath(QString::fromLatin1(folder))).exists(), folder);
            for (const QString& relative : sourcesIn(QString::fromLatin1(folder))) {
                bool allowed = false;
                for (const Allowed& a : allowlist)
                    allowed = allowed || relative == QLatin1String(a.file);
                if (allowed)
                    continue;
                QFile f(root.filePath(relative));
                QVERIFY(f.open(QIODevice::ReadOnly));
                ++files;
                bool comment = false;
                int number = 0;
                for (const QString& line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
                    ++number;
                    const QString c = code(line, &comment);
                    for (const auto& p : patterns())
                        if (p.re.match(c).hasMatch())
                            found << QStringLiteral("%1:%2: %3: %4")
                                         .arg(relative)
                                         .arg(number)
                                         .arg(QString::fromLatin1(p.what), line.trimmed());
                }
            }
        }
        QVERIFY(files > 20);
        QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("JSON read outside the kube/ decoders (decode it in kube/ "
                                                            "into a typed value instead):\n") +
                                             found.join(QLatin1Char('\n'))));
    }

    // Cluster text is text (STYLE.md): every label of the console is made by ui/text.h, plain unless
    // it holds HTML built there; every tooltip goes through tip() (the item models' through
    // plainTooltip); JSON written for others never throws on bad UTF-8; std::regex runs only where
    // its input is capped first (libstdc++ recurses once per character).
    void textOnScreenIsPlain()
    {
        const QDir root(testsupport::sourceDir());
        QStringList found;
        int files = 0;
        for (const QString& file : sourcesIn(QStringLiteral("ui"))) {
            if (file.startsWith(QLatin1String("ui/text.")))
                continue;
            ++files;
            for (const auto& [line, st] : statements(root.filePath(file))) {
                if (st.contains(QStringLiteral("new QLabel")))
                    found << QStringLiteral("%1:%2: a QLabel not made by plainLabel or richLabel").arg(file).arg(line);
                if (st.contains(QStringLiteral("setTextFormat(")))
                    found << QStringLiteral("%1:%2: a text format set by hand").arg(file).arg(line);
                if (st.contains(QStringLiteral("setToolTip(")) && !st.contains(QStringLiteral("tip(")) &&
                    !st.contains(QStringLiteral("setToolTip(QString())")) &&
                    !st.contains(QStringLiteral("setToolTip({})")))
                    found << QStringLiteral("%1:%2: a tooltip not made by tip(): %3").arg(file).arg(line).arg(st);
            }
        }
        for (const QString& folder : {QStringLiteral("model"), QStringLiteral("ui")})
            for (const QString& file : sourcesIn(folder)) {
                const auto all = statements(root.filePath(file));
                const bool tips = std::any_of(all.begin(), all.end(), [](const auto& s) {
                    return s.second.contains(QStringLiteral("Qt::ToolTipRole:"));
                });
                const bool plain = std::any_of(all.begin(), all.end(), [](const auto& s) {
                    return s.second.contains(QStringLiteral("plainTooltip("));
                });
                if (tips && !plain)
                    found << QStringLiteral("%1: answers Qt::ToolTipRole without plainTooltip()").arg(file);
            }
        const std::vector<std::pair<QString, const char*>> regexAllowed = {
            {QStringLiteral("kube/client.cpp"), "searches the first 1,024 bytes of an API server's message"},
            {QStringLiteral("oci/imageref.cpp"), "image references are refused past 512 characters first"},
        };
        for (const QString& folder :
             {QStringLiteral("net"), QStringLiteral("kube"), QStringLiteral("oci"), QStringLiteral("prom"),
              QStringLiteral("model"), QStringLiteral("app"), QStringLiteral("desktop")})
            for (const QString& file : sourcesIn(folder)) {
                ++files;
                const bool regexOk = std::any_of(regexAllowed.begin(), regexAllowed.end(),
                                                 [&](const auto& a) { return a.first == file; });
                for (const auto& [line, st] : statements(root.filePath(file))) {
                    if (st.contains(QStringLiteral(".dump(")) &&
                        !st.contains(QStringLiteral("error_handler_t::replace")))
                        found << QStringLiteral("%1:%2: JSON dumped without error_handler_t::replace")
                                     .arg(file)
                                     .arg(line);
                    if (st.contains(QStringLiteral("std::regex")) && !regexOk)
                        found << QStringLiteral("%1:%2: std::regex over text of unbounded length").arg(file).arg(line);
                }
            }
        QVERIFY(files > 60);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

    // The scan above finds what it looks for.
    void theTextScanFindsStatements()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("x.cpp")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "a->setToolTip(q(\n    text)); // setToolTip(tip(x))\nb->setToolTip(tip(y));\nauto s = \"setToolTip(\";\n");
        f.close();
        const auto all = statements(f.fileName());
        QCOMPARE(all.size(), std::size_t{3});
        QCOMPARE(all[0].first, 1);
        QVERIFY(all[0].second.contains(QStringLiteral("setToolTip(q( text))")));
        QVERIFY(!all[0].second.contains(QStringLiteral("tip(x)")));
        QCOMPARE(all[1].first, 3);
        QVERIFY(!all[2].second.contains(QStringLiteral("setToolTip")));
    }

    // Includes point down the layers: net knows none of the others, kube and oci not each other (prom
    // stands beside them and may use kube's proxy, not oci),
    // desktop (D-Bus) none of them, and ui gets what it needs of the transport through the
    // libraries above net, never net/, and of the desktop through app's wiring, never desktop/.
    // Inside model/ the rooms stand on each other in one order (rules, observe, state, actions,
    // views), and the rules room reads no client, informer or registry client: only typed objects.
    void includesPointDownwards()
    {
        const QDir root(testsupport::sourceDir());
        const QStringList aboveModel{QStringLiteral("ui/"), QStringLiteral("app/"), QStringLiteral("desktop/")};
        const std::vector<std::pair<const char*, QStringList>> forbidden = {
            {"net", {"kube/", "oci/", "prom/", "desktop/", "model/", "ui/", "app/"}},
            {"kube", {"oci/", "prom/", "desktop/", "model/", "ui/", "app/"}},
            {"oci", {"kube/", "prom/", "desktop/", "model/", "ui/", "app/"}},
            // Prometheus's client stands beside kube/ and oci/ and reaches the API server's proxy through kube/.
            {"prom", {"oci/", "desktop/", "model/", "ui/", "app/"}},
            {"desktop", {"net/", "kube/", "oci/", "prom/", "model/", "ui/", "app/"}},
            {"model/rules", aboveModel + QStringList{"model/observe/", "model/state/", "model/actions/", "model/views/",
                                                     "kube/client.h", "kube/informer.h", "kube/clientpool.h",
                                                     "net/transport.h", "prom/client.h"}},
            {"model/observe", aboveModel + QStringList{"model/state/", "model/actions/", "model/views/"}},
            {"model/state", aboveModel + QStringList{"model/actions/", "model/views/"}},
            {"model/actions", aboveModel + QStringList{"model/views/"}},
            {"model/views", aboveModel},
            {"ui", {"net/", "desktop/", "app/"}},
        };
        const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s*\"([^\"]+)\""));
        QStringList found;
        int files = 0;
        for (const auto& [folder, banned] : forbidden) {
            QVERIFY2(QDir(root.filePath(QString::fromLatin1(folder))).exists(), folder);
            for (const QString& relative : sourcesIn(QString::fromLatin1(folder))) {
                QFile f(root.filePath(relative));
                QVERIFY(f.open(QIODevice::ReadOnly));
                ++files;
                int number = 0;
                for (const QString& line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
                    ++number;
                    const auto m = include.match(line);
                    if (!m.hasMatch())
                        continue;
                    for (const QString& b : banned)
                        if (m.captured(1).startsWith(b))
                            found << QStringLiteral("%1:%2: %3").arg(relative).arg(number).arg(line.trimmed());
                }
            }
        }
        // No model/ source lies outside a room, and the rules room holds no QObject.
        for (const QString& file : sourcesIn(QStringLiteral("model")))
            if (file.count(QLatin1Char('/')) < 2)
                found << file + QStringLiteral(": outside the rooms of model/");
        for (const QString& file : sourcesIn(QStringLiteral("model/rules"))) {
            QFile f(root.filePath(file));
            QVERIFY(f.open(QIODevice::ReadOnly));
            if (f.readAll().contains("Q_OBJECT"))
                found << file + QStringLiteral(": a QObject in the rules room");
        }
        QVERIFY(files > 40);
        QVERIFY2(found.isEmpty(),
                 qPrintable(QStringLiteral("includes against the layers:\n") + found.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestBoundary)
#include "tst_boundary.moc"
