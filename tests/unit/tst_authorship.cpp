// Who wrote a history entry. The authors annotation as Signalbox appends to it (cap, alignment,
// foreign and hostile values), checked against a transcription of the admission policy's rule
// (deploy/policy/history-authors.yaml; tst_history runs the policy itself on the API server); the
// alignment of author lines with elements on hostile values; the verdict rule; what the reads of
// the policy and its binding mean.
#include "kube/history.h"
#include "model/actions/swap.h"
#include "model/rules/authorship.h"

#include <QTest>

using kube::AuthorCheck;
using kube::HistoryRecord;
using nlohmann::json;

namespace {

kube::HistoryEntry entry(const std::string& at, const std::string& user, const std::string& action = "deploy")
{
    kube::HistoryEntry e;
    e.at = at;
    e.user = user;
    e.action = action;
    e.service = "uro";
    e.target = "staging";
    e.to.slot = "b";
    e.to.image = "ghcr.io/v-sekai/uro@sha256:bb";
    return e;
}

// --- The policy's rule, transcribed from deploy/policy/history-authors.yaml (CEL counts code points).

// moc does not read U'' and U"" literals: char32_t by hand.
constexpr char32_t c32(char c)
{
    return static_cast<char32_t>(c);
}

std::u32string u32(const std::string& s)
{
    const QList<uint> v = QString::fromStdString(s).toUcs4();
    return std::u32string(v.begin(), v.end());
}

struct Line {
    long length = 0;
    std::u32string user, text;
};

// The lines, or nullopt when one does not match ^[1-9][0-9]{0,6} .+$.
std::optional<std::vector<Line>> policyLines(const std::u32string& authors)
{
    std::vector<Line> out;
    if (authors.empty())
        return out;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = authors.find(c32('\n'), start);
        const std::u32string l = authors.substr(start, end == std::u32string::npos ? end : end - start);
        std::size_t d = 0;
        while (d < l.size() && l[d] >= c32('0') && l[d] <= c32('9'))
            ++d;
        if (d == 0 || d > 7 || l[0] == c32('0') || d + 1 >= l.size() || l[d] != c32(' '))
            return std::nullopt;
        Line line;
        for (std::size_t i = 0; i < d; ++i)
            line.length = line.length * 10 + (l[i] - c32('0'));
        line.user = l.substr(d + 1);
        line.text = l;
        out.push_back(line);
        if (end == std::u32string::npos)
            return out;
        start = end + 1;
    }
}

bool endsWith(const std::u32string& s, const std::u32string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Whether the API server admits the change from `before` to `after` sent by `user`.
bool admitted(const HistoryRecord& before, const HistoryRecord& after, const std::string& user)
{
    const std::u32string nh = u32(after.history), oh = u32(before.history);
    const std::u32string na = u32(after.authors), oa = u32(before.authors), me = u32(user);
    if (nh == oh && na == oa)
        return true;
    const auto n = policyLines(na);
    const auto o = policyLines(oa);
    // Withdrawing one's own newest entry.
    if (o && !o->empty() && o->back().user == me) {
        const long len = o->back().length;
        const std::u32string rest = o->size() == 1 ? std::u32string() : oa.substr(0, oa.rfind(c32('\n')));
        if (na == rest && static_cast<long>(oh.size()) >= len + 2 && endsWith(oh, u32("]"))) {
            const char32_t mark = oh[oh.size() - len - 2];
            if (mark == c32(',') && nh == oh.substr(0, oh.size() - len - 2) + u32("]"))
                return true;
            if (mark != c32(',') && static_cast<long>(oh.size()) == len + 2 && oh[0] == c32('[') &&
                (nh.empty() || nh == u32("[]")))
                return true;
        }
    }
    // Appending one entry by the requester, the kept lines and their text unchanged.
    if (!n || n->empty() || n->back().user != me)
        return false;
    const long kept = static_cast<long>(n->size()) - 1;
    const long newest = n->back().length;
    if (kept > 0) {
        const std::u32string keptText = na.substr(0, na.rfind(c32('\n')));
        if (!o || !(oa == keptText || endsWith(oa, u32("\n") + keptText)))
            return false;
    }
    long keptSize = 0;
    for (long i = 0; i < kept; ++i)
        keptSize += (*n)[static_cast<std::size_t>(i)].length;
    keptSize += kept > 0 ? kept - 1 : 0;
    const long tail = (kept > 0 ? keptSize + 1 : 0) + newest + 1;
    const long size = static_cast<long>(nh.size());
    if (size < tail + 1 || !endsWith(nh, u32("]")))
        return false;
    const char32_t mark = nh[static_cast<std::size_t>(size - tail - 1)];
    if (mark != c32('[') && mark != c32(','))
        return false;
    if (kept == 0)
        return true;
    const long oldSize = static_cast<long>(oh.size());
    return oldSize >= keptSize + 1 && endsWith(oh, u32("]")) &&
           nh.substr(static_cast<std::size_t>(size - tail), static_cast<std::size_t>(keptSize + 1)) ==
               oh.substr(static_cast<std::size_t>(oldSize - 1 - keptSize), static_cast<std::size_t>(keptSize)) +
                   u32(",");
}

QStringList writers(const std::vector<kube::HistoryEntry>& entries)
{
    QStringList out;
    for (const auto& e : entries)
        out << QString::fromStdString(e.writtenBy);
    return out;
}

std::string authorsOf(std::initializer_list<std::pair<std::string, std::string>> elementAndUser)
{
    std::string out;
    for (const auto& [element, user] : elementAndUser)
        out += (out.empty() ? "" : "\n") + std::to_string(u32(element).size()) + " " + user;
    return out;
}

model::AuthorPolicy installed(const char* since = "2026-01-01T00:00:00Z")
{
    model::AuthorPolicy p;
    p.state = model::AuthorPolicy::State::Installed;
    p.since = QDateTime::fromString(QString::fromUtf8(since), Qt::ISODate);
    return p;
}

model::AuthorPolicy policyIn(model::AuthorPolicy::State state)
{
    model::AuthorPolicy p;
    p.state = state;
    return p;
}

kube::Error apiError(int status)
{
    kube::Error e;
    e.kind = kube::Error::Kind::Api;
    e.httpStatus = status;
    e.message = "the API server said " + std::to_string(status) + ".";
    return e;
}

} // namespace

Q_DECLARE_METATYPE(HistoryRecord)
Q_DECLARE_METATYPE(model::AuthorPolicy)
Q_DECLARE_METATYPE(kube::HistoryEntry)
Q_DECLARE_METATYPE(kube::AuthorCheck)

class TestAuthorship : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Appending to what is there: the elements the lines cover keep their text and lines, the rest
    // has none; each result is one the policy admits from what was there, by the writer.
    void appendKeepsAuthorsAligned_data()
    {
        QTest::addColumn<HistoryRecord>("before");
        QTest::addColumn<int>("cap");
        QTest::addColumn<QStringList>("writers"); // writtenBy of each entry after the append, oldest first

        const std::string a = entry("2026-03-01T10:00:00Z", "deployer").toJson().dump();
        const std::string b = entry("2026-03-02T10:00:00Z", "operator").toJson().dump();
        const std::string both = "[" + a + "," + b + "]";
        QTest::newRow("nothing yet") << HistoryRecord{} << 10 << QStringList{QStringLiteral("operator")};
        QTest::newRow("two authored entries")
            << HistoryRecord{both, authorsOf({{a, "deployer"}, {b, "operator"}})} << 10
            << QStringList{QStringLiteral("deployer"), QStringLiteral("operator"), QStringLiteral("operator")};
        QTest::newRow("the cap drops the oldest entry and its line")
            << HistoryRecord{both, authorsOf({{a, "deployer"}, {b, "operator"}})} << 2
            << QStringList{QStringLiteral("operator"), QStringLiteral("operator")};
        QTest::newRow("a cap of one keeps no one else")
            << HistoryRecord{both, authorsOf({{a, "deployer"}, {b, "operator"}})} << 1
            << QStringList{QStringLiteral("operator")};
        QTest::newRow("entries written before authors were recorded")
            << HistoryRecord{both, {}} << 10 << QStringList{QString(), QString(), QStringLiteral("operator")};
        QTest::newRow("only the newest is authored")
            << HistoryRecord{both, authorsOf({{b, "deployer"}})} << 10
            << QStringList{QString(), QStringLiteral("deployer"), QStringLiteral("operator")};
        QTest::newRow("more lines than entries")
            << HistoryRecord{"[" + a + "]", authorsOf({{b, "ghost"}, {a, "deployer"}})} << 10
            << QStringList{QStringLiteral("deployer"), QStringLiteral("operator")};
        QTest::newRow("a malformed line: no line covers anything")
            << HistoryRecord{both, authorsOf({{a, "deployer"}}) + "\n0" + std::to_string(b.size()) + " operator"} << 10
            << QStringList{QString(), QString(), QStringLiteral("operator")};
        QTest::newRow("a trailing line break is a malformed line")
            << HistoryRecord{both, authorsOf({{a, "deployer"}, {b, "operator"}}) + "\n"} << 10
            << QStringList{QString(), QString(), QStringLiteral("operator")};
        QTest::newRow("a length that does not frame the newest element")
            << HistoryRecord{both, authorsOf({{a, "deployer"}}) + "\n" + std::to_string(b.size() - 1) + " operator"}
            << 10 << QStringList{QString(), QString(), QStringLiteral("operator")};
        QTest::newRow("foreign elements with other spacing are rewritten, without a line")
            << HistoryRecord{"[ {\"at\": \"t\"} ," + b + "]", authorsOf({{b, "operator"}})} << 10
            << QStringList{QString(), QStringLiteral("operator"), QStringLiteral("operator")};
        const std::string umlauts = entry("2026-03-03T10:00:00Z", "Jürgen ✓").toJson().dump();
        QTest::newRow("lengths count characters, not bytes")
            << HistoryRecord{"[" + a + "," + umlauts + "]", authorsOf({{a, "deployer"}, {umlauts, "Jürgen ✓"}})} << 10
            << QStringList{QStringLiteral("deployer"), QStringLiteral("Jürgen ✓"), QStringLiteral("operator")};
        const std::string huge =
            json{{"at", "2026-03-01T11:00:00Z"}, {"user", "ci"}, {"note", std::string(3000, 'x')}}.dump();
        QTest::newRow("an authored element too large to keep loses its line, and so do older ones")
            << HistoryRecord{"[" + a + "," + huge + "," + b + "]",
                             authorsOf({{a, "deployer"}, {huge, "ci"}, {b, "operator"}})}
            << 10 << QStringList{QString(), QString(), QStringLiteral("operator"), QStringLiteral("operator")};
        QTest::newRow("not a list") << HistoryRecord{"{{{ not JSON", "7 deployer"} << 10
                                    << QStringList{QString(), QStringLiteral("operator")};
    }

    void appendKeepsAuthorsAligned()
    {
        QFETCH(HistoryRecord, before);
        QFETCH(int, cap);
        QFETCH(QStringList, writers);
        const HistoryRecord after =
            kube::appendHistory(before, entry("2026-04-01T00:00:00Z", "operator"), "operator", std::size_t(cap));
        const auto entries = kube::decodeHistory(after);
        QCOMPARE(::writers(entries), writers);
        QCOMPARE(entries.back().at, std::string("2026-04-01T00:00:00Z"));
        // The API server would admit it from what was there, and refuse the same sent by another.
        QVERIFY2(admitted(before, after, "operator"), (after.history + "\n" + after.authors).c_str());
        QVERIFY(!admitted(before, after, "deployer"));
        // The history alone reads as before: the lines are beside it, not in it.
        QCOMPARE(kube::decodeHistory(after.history).size(), entries.size());
    }

    // Many appends by several writers, with the cap: every step admitted, every entry its writer's.
    void appendsStayAdmittedUpToTheCap()
    {
        HistoryRecord record;
        const char* users[] = {"operator", "system:serviceaccount:uro:signalbox-deployer", "Jürgen ✓"};
        for (int i = 0; i < 3 * int(model::deployHistoryCap); ++i) {
            const std::string user = users[i % 3];
            const HistoryRecord next = kube::appendHistory(
                record, entry("2026-04-01T00:00:" + std::to_string(10 + i) + "Z", user), user, model::deployHistoryCap);
            QVERIFY2(admitted(record, next, user), next.authors.c_str());
            record = next;
        }
        const auto entries = kube::decodeHistory(record);
        QCOMPARE(entries.size(), model::deployHistoryCap);
        for (const auto& e : entries)
            QCOMPARE(e.writtenBy, e.user);
        QCOMPARE(std::count(record.authors.begin(), record.authors.end(), '\n') + 1,
                 std::ptrdiff_t(model::deployHistoryCap));
    }

    // What the policy refuses, by the same transcription: the forgeries of the issue.
    void forgeriesAreRefused()
    {
        const HistoryRecord alice = kube::appendHistory({}, entry("2026-04-01T00:00:00Z", "alice"), "alice", 10);
        auto by = [](const std::string& user) { return entry("2026-04-02T00:00:00Z", user); };
        // CI names alice as the author of an entry it writes.
        QVERIFY(!admitted(alice, kube::appendHistory(alice, by("alice"), "alice", 10), "deployer"));
        // Naming itself is admitted, and then the entry reads as written by someone else.
        const HistoryRecord honest = kube::appendHistory(alice, by("alice"), "deployer", 10);
        QVERIFY(admitted(alice, honest, "deployer"));
        QCOMPARE(kube::decodeHistory(honest).back().writtenBy, std::string("deployer"));
        // Rewriting alice's older entry while appending its own.
        HistoryRecord rewritten = honest;
        const std::size_t at = rewritten.history.find("uro@sha256:bb");
        rewritten.history.replace(at, 13, "uro@sha256:ee");
        QVERIFY(!admitted(alice, rewritten, "deployer"));
        // Rewriting alice's author line.
        HistoryRecord reattributed = honest;
        reattributed.authors.replace(reattributed.authors.find("alice"), 5, "mallo");
        QVERIFY(!admitted(alice, reattributed, "deployer"));
        // Withdrawing someone else's entry.
        QVERIFY(!admitted(honest, alice, "operator"));
        QVERIFY(admitted(honest, alice, "deployer"));
    }

    void withdrawTakesBackOnlyOnesOwn()
    {
        const HistoryRecord one = kube::appendHistory({}, entry("2026-04-01T00:00:00Z", "alice"), "alice", 10);
        const HistoryRecord two = kube::appendHistory(one, entry("2026-04-02T00:00:00Z", "bob"), "bob", 10);
        const auto back = kube::withdrawNewest(two, "bob");
        QVERIFY(back);
        QCOMPARE(back->history, one.history);
        QCOMPARE(back->authors, one.authors);
        QVERIFY(admitted(two, *back, "bob"));
        QVERIFY(!kube::withdrawNewest(two, "alice"));
        const auto none = kube::withdrawNewest(one, "alice");
        QVERIFY(none);
        QVERIFY(none->history.empty() && none->authors.empty());
        QVERIFY(admitted(one, *none, "alice"));
        QVERIFY(!kube::withdrawNewest({one.history, {}}, "alice"));
        QVERIFY(!kube::withdrawNewest({"{}", one.authors}, "alice"));
    }

    // Which elements the lines cover, on values nobody checked.
    void alignment_data()
    {
        QTest::addColumn<QByteArray>("history");
        QTest::addColumn<QByteArray>("authors");
        QTest::addColumn<QStringList>("writers");
        auto row = [](const char* name, const char* history, const char* authors, QStringList writers) {
            QTest::newRow(name) << QByteArray(history) << QByteArray(authors) << writers;
        };
        const QString ci = QStringLiteral("ci"), al = QStringLiteral("alice"), none;
        row("no authors", "[{\"a\":1},{\"b\":2}]", "", {none, none});
        row("each its line", "[{\"a\":1},{\"b\":2}]", "7 alice\n7 ci", {al, ci});
        row("one line frames two elements", "[{\"a\":1},{\"b\":2}]", "15 ci", {none, none});
        row("a frame after a comma inside a string", "[{\"a\":1},{\"b\":\"x,{\"}]", "3 ci", {none, none});
        row("a comma inside a string", "[{\"a\":1},{\"b\":\"x,{\"}]", "7 alice\n11 ci", {al, ci});
        row("a line for an element inside an element", "[{\"a\":[{\"b\":2}]}]", "7 ci", {none});
        row("a leading zero", "[{\"a\":1}]", "07 ci", {none});
        row("no name", "[{\"a\":1}]", "7 ", {none});
        row("no space", "[{\"a\":1}]", "7ci", {none});
        row("eight digits", "[{\"a\":1}]", "10000007 ci", {none});
        row("a name with spaces", "[{\"a\":1}]", "7 Jane Doe", {QStringLiteral("Jane Doe")});
        row("characters, not bytes", "[{\"u\":\"ü\"}]", "9 ci", {ci});
        row("bytes do not frame", "[{\"u\":\"ü\"}]", "10 ci", {none});
        row("whitespace after the list", "[{\"a\":1}] ", "7 ci", {none});
        row("unreadable elements can be covered", "[\"x\",{\"a\":1}]", "3 alice\n7 ci", {al, ci});
    }

    void alignment()
    {
        QFETCH(QByteArray, history);
        QFETCH(QByteArray, authors);
        QFETCH(QStringList, writers);
        QCOMPARE(::writers(kube::decodeHistory(HistoryRecord{history.toStdString(), authors.toStdString()})), writers);
    }

    void verdicts_data()
    {
        QTest::addColumn<kube::HistoryEntry>("entry");
        QTest::addColumn<model::AuthorPolicy>("policy");
        QTest::addColumn<kube::AuthorCheck>("check");
        QTest::addColumn<QString>("sentence");
        QTest::addColumn<QString>("recordedAs");
        auto e = [](const char* user, const char* writtenBy, const char* at = "2026-04-01T00:00:00.123Z") {
            kube::HistoryEntry x = entry(at, user);
            x.writtenBy = writtenBy;
            return x;
        };
        using State = model::AuthorPolicy::State;
        QTest::newRow("vouched") << e("alice", "alice") << installed() << AuthorCheck::Vouched
                                 << QStringLiteral("checked by the API server: alice wrote it")
                                 << QStringLiteral("alice");
        QTest::newRow("recorded as alice, written by CI")
            << e("alice", "system:serviceaccount:uro:signalbox-deployer") << installed() << AuthorCheck::WrittenByOther
            << QStringLiteral("recorded as alice, written by system:serviceaccount:uro:signalbox-deployer")
            << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("no author line") << e("alice", "") << installed() << AuthorCheck::NoAuthor
                                        << QStringLiteral("recorded as alice, written by someone else's tool (no "
                                                          "author is recorded for it)")
                                        << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("written before the policy")
            << e("alice", "alice", "2025-12-31T23:59:59Z") << installed() << AuthorCheck::BeforePolicy
            << QStringLiteral("author not checked: written before the policy was installed")
            << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("in the second the policy came")
            << e("alice", "alice", "2026-01-01T00:00:00.500Z") << installed() << AuthorCheck::Vouched
            << QStringLiteral("checked by the API server: alice wrote it") << QStringLiteral("alice");
        QTest::newRow("no time") << e("alice", "alice", "") << installed() << AuthorCheck::BeforePolicy
                                 << QStringLiteral("author not checked: the entry does not say when it was written")
                                 << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("a time that is not one")
            << e("alice", "alice", "tomorrow") << installed() << AuthorCheck::BeforePolicy
            << QStringLiteral("author not checked: the entry does not say when it was written")
            << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("policy missing: even a matching line is not checked")
            << e("alice", "alice") << policyIn(State::Missing) << AuthorCheck::PolicyMissing
            << QStringLiteral("author not checked: the policy is not installed")
            << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("policy missing: a mismatch is not told as fact either")
            << e("alice", "ci") << policyIn(State::Missing) << AuthorCheck::PolicyMissing
            << QStringLiteral("author not checked: the policy is not installed")
            << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("policy not readable")
            << e("alice", "alice") << policyIn(State::Unreadable) << AuthorCheck::PolicyUnknown
            << QStringLiteral("author not checked: cannot tell whether the policy is installed")
            << QStringLiteral("recorded as alice, not vouched");
        QTest::newRow("policy not read yet")
            << e("alice", "alice") << policyIn(State::Unknown) << AuthorCheck::PolicyUnknown
            << QStringLiteral("author not checked: cannot tell whether the policy is installed")
            << QStringLiteral("recorded as alice, not vouched");
        kube::HistoryEntry unreadable;
        unreadable.unreadable = "a string, not an object";
        unreadable.writtenBy = "alice";
        QTest::newRow("unreadable entries are not judged")
            << unreadable << installed() << AuthorCheck::NotJudged << QString() << QString();
        QTest::newRow("nobody named") << e("", "ci") << installed() << AuthorCheck::WrittenByOther
                                      << QStringLiteral("recorded as nobody, written by ci") << QString();
    }

    void verdicts()
    {
        QFETCH(kube::HistoryEntry, entry);
        QFETCH(model::AuthorPolicy, policy);
        QFETCH(kube::AuthorCheck, check);
        QFETCH(QString, sentence);
        QFETCH(QString, recordedAs);
        std::vector<kube::HistoryEntry> entries{entry};
        model::judgeAuthors(entries, policy);
        QCOMPARE(int(entries[0].authorCheck), int(check));
        QCOMPARE(QString::fromStdString(model::authorSentence(entries[0])), sentence);
        QCOMPARE(QString::fromStdString(model::recordedAs(entries[0])), recordedAs);
        QCOMPARE(model::vouched(entries[0]), check == AuthorCheck::Vouched);
    }

    void policyReads_data()
    {
        QTest::addColumn<int>("policyStatus");  // 200, or the error's status
        QTest::addColumn<int>("bindingStatus"); // 200, or the error's status
        QTest::addColumn<QStringList>("actions");
        QTest::addColumn<QString>("policyName");
        QTest::addColumn<int>("state");
        using State = model::AuthorPolicy::State;
        const QStringList deny{QStringLiteral("Deny")};
        const QString ours = QString::fromStdString(model::authorPolicyName);
        QTest::newRow("installed") << 200 << 200 << deny << ours << int(State::Installed);
        QTest::newRow("deny and audit") << 200 << 200 << QStringList{QStringLiteral("Audit"), QStringLiteral("Deny")}
                                        << ours << int(State::Installed);
        QTest::newRow("binding only warns")
            << 200 << 200 << QStringList{QStringLiteral("Warn")} << ours << int(State::Missing);
        QTest::newRow("binding of another policy")
            << 200 << 200 << deny << QStringLiteral("other") << int(State::Missing);
        QTest::newRow("no policy") << 404 << 200 << deny << ours << int(State::Missing);
        QTest::newRow("no binding") << 200 << 404 << deny << ours << int(State::Missing);
        QTest::newRow("no policy, binding not readable") << 404 << 403 << deny << ours << int(State::Missing);
        QTest::newRow("not readable") << 403 << 403 << deny << ours << int(State::Unreadable);
        QTest::newRow("binding not readable") << 200 << 403 << deny << ours << int(State::Unreadable);
        QTest::newRow("server error") << 500 << 200 << deny << ours << int(State::Unknown);
    }

    void policyReads()
    {
        QFETCH(int, policyStatus);
        QFETCH(int, bindingStatus);
        QFETCH(QStringList, actions);
        QFETCH(QString, policyName);
        QFETCH(int, state);
        kube::ObjectMeta meta;
        meta.name = model::authorPolicyName;
        meta.creationTimestamp = "2026-01-01T00:00:00Z";
        kube::AdmissionPolicyBinding binding;
        binding.meta.name = model::authorPolicyName;
        binding.meta.creationTimestamp = "2026-01-02T00:00:00Z";
        binding.policyName = policyName.toStdString();
        for (const QString& a : actions)
            binding.validationActions.push_back(a.toStdString());
        const model::AuthorPolicy p = model::authorPolicyFrom(
            policyStatus == 200 ? kube::Result<kube::ObjectMeta>(meta)
                                : kube::Result<kube::ObjectMeta>(apiError(policyStatus)),
            bindingStatus == 200 ? kube::Result<kube::AdmissionPolicyBinding>(binding)
                                 : kube::Result<kube::AdmissionPolicyBinding>(apiError(bindingStatus)));
        QCOMPARE(int(p.state), state);
        if (p.state == model::AuthorPolicy::State::Installed)
            QCOMPARE(p.since, QDateTime(QDate(2026, 1, 2), QTime(0, 0), Qt::UTC)); // the later of the two
        else
            QVERIFY(!p.why.empty());
    }

    void bindingIsDecodedTolerantly()
    {
        const auto ok = kube::parseAdmissionPolicyBinding(
            json::parse(R"({"metadata":{"name":"b","creationTimestamp":"2026-01-01T00:00:00Z"},)"
                        R"("spec":{"policyName":"p","validationActions":["Deny"]}})"));
        QVERIFY(ok);
        QCOMPARE(ok->policyName, std::string("p"));
        QVERIFY(ok->validationActions == std::vector<std::string>{"Deny"});
        const auto wrong = kube::parseAdmissionPolicyBinding(json::parse(R"({"spec":{"validationActions":"Deny"}})"));
        QVERIFY(!wrong);
        QVERIFY2(QString::fromStdString(wrong.error().message).contains(QStringLiteral("validationActions")),
                 wrong.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestAuthorship)
#include "tst_authorship.moc"
