// Every read has a size limit, and hitting it is one sentence naming the source: answers that
// expand past their limit when decompressed (the transport, the registry's manifests, tag pages
// and tokens, the chat webhook), error bodies, lines of a stream without a newline, exec
// credential plugins and Docker credential helpers that print without end, token files. The
// memory checks read the process's peak resident size (VmHWM, reset through clear_refs) around
// each read. Servers are on loopback.
#include "kube/credentials.h"
#include "kube/linesplitter.h"
#include "net/transport.h"
#include "net/webhook.h"
#include "oci/dockerconfig.h"
#include "oci/registry.h"
#include "support/httpserver.h"
#include "support/testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <optional>
#include <zlib.h>

using net::Error;
using testsupport::HttpServer;

namespace {

constexpr quint64 MiB = 1024 * 1024;
constexpr quint64 GiB = 1024 * MiB;

// A gzip stream of `size` zero bytes (a multiple of 1 MiB) in about size / 1000 bytes. After a
// full flush deflate starts afresh, so every further MiB of zeros compresses to the same bytes:
// one MiB is compressed twice and the second block repeated, then an empty final block and the
// trailer (the CRC of all of it by crc32_combine, the length modulo 2^32).
QByteArray gzipOfZeros(quint64 size)
{
    const QByteArray zeros(MiB, '\0');
    z_stream z{};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    const auto compress = [&z, &zeros] {
        QByteArray out(qsizetype(deflateBound(&z, uLong(zeros.size())) + 64), '\0');
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.constData()));
        z.avail_in = uInt(zeros.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = uInt(out.size());
        deflate(&z, Z_FULL_FLUSH);
        out.resize(out.size() - qsizetype(z.avail_out));
        return out;
    };
    const QByteArray first = compress(); // the gzip header and the first MiB
    const QByteArray next = compress();
    deflateEnd(&z);
    if (!first.endsWith(next))
        return {};
    QByteArray gz = first;
    for (quint64 done = 2 * MiB; done <= size; done += MiB)
        gz += next;
    gz += QByteArray("\x03\x00", 2); // the final block: fixed codes, only the end-of-block code
    const uLong oneCrc = crc32(0, reinterpret_cast<const Bytef*>(zeros.constData()), uInt(zeros.size()));
    uLong crc = oneCrc;
    for (quint64 done = MiB; done < size; done += MiB)
        crc = crc32_combine(crc, oneCrc, z_off_t(MiB));
    for (quint64 v : {quint64(crc), size & 0xffffffffu})
        for (int i = 0; i < 4; ++i)
            gz += char((v >> (8 * i)) & 0xff);
    return gz;
}

qint64 statusKiB(const char* field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').first().toLongLong();
    return -1;
}

// The growth of the peak resident size while `work` runs, in MiB.
qint64 peakGrowthMiB(const std::function<void()>& work)
{
    QFile reset(QStringLiteral("/proc/self/clear_refs"));
    if (reset.open(QIODevice::WriteOnly))
        reset.write("5"); // the peak starts again from what is resident now
    reset.close();
    const qint64 before = statusKiB("VmHWM:");
    work();
    const qint64 grown = (statusKiB("VmHWM:") - before) / 1024;
    qInfo("the peak resident size grew by %lld MiB", grown);
    return grown;
}

template <typename T> std::optional<net::Result<T>> waitFor(std::optional<net::Result<T>>& slot, int timeoutMs)
{
    return QTest::qWaitFor([&slot] { return slot.has_value(); }, timeoutMs) ? slot : std::nullopt;
}

HttpServer::Answer gzipAnswer(const QByteArray& body, const QByteArray& type = "application/json")
{
    return HttpServer::Answer{200, {"Content-Type: " + type, "Content-Encoding: gzip"}, body};
}

bool writeScript(const QString& path, const QByteArray& body)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write("#!/bin/sh\n" + body);
    f.close();
    return f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

bool contains(const std::string& text, const QString& part)
{
    return QString::fromStdString(text).contains(part);
}

} // namespace

class TestLimits : public QObject {
    Q_OBJECT

private:
    QByteArray m_bomb; // 1 GiB of zeros, gzipped

private Q_SLOTS:
    void initTestCase()
    {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        m_bomb = gzipOfZeros(GiB);
        QVERIFY(!m_bomb.isEmpty());
        QVERIFY2(m_bomb.size() < qsizetype(2 * MiB), qPrintable(QString::number(m_bomb.size())));
    }
    void cleanupTestCase() { curl_global_cleanup(); }

    void theGzipBombIsWhatItSays()
    {
        // The test's own stream is valid gzip that expands to 1 GiB (zlib checks CRC and length).
        z_stream z{};
        QCOMPARE(inflateInit2(&z, 15 + 16), Z_OK);
        QByteArray out(qsizetype(MiB), '\0');
        z.next_in = reinterpret_cast<Bytef*>(m_bomb.data());
        z.avail_in = uInt(m_bomb.size());
        quint64 total = 0;
        int rc = Z_OK;
        while (rc == Z_OK) {
            z.next_out = reinterpret_cast<Bytef*>(out.data());
            z.avail_out = uInt(out.size());
            rc = inflate(&z, Z_NO_FLUSH);
            total += quint64(out.size()) - z.avail_out;
        }
        inflateEnd(&z);
        QCOMPARE(rc, Z_STREAM_END);
        QCOMPARE(total, GiB);
    }

    void aCompressedAnswerIsLimitedAfterDecompression()
    {
        HttpServer server;
        server.answer("/bomb", gzipAnswer(m_bomb));
        net::Transport transport;
        net::Endpoint endpoint;
        endpoint.server = server.origin().toStdString();
        net::HttpRequest request;
        request.path = "/bomb";
        request.bodyLimit = 4 * MiB;
        std::optional<net::Result<net::HttpResponse>> got;
        const qint64 grown = peakGrowthMiB([&] {
            transport.start(endpoint, request, [&](net::Result<net::HttpResponse> r) { got.emplace(std::move(r)); });
            waitFor(got, 120000);
        });
        QVERIFY(got);
        QVERIFY2(!*got, "a 1 GiB answer came through a 4 MiB limit");
        const Error& e = got->error();
        QCOMPARE(e.cause, Error::Cause::TooLarge);
        QCOMPARE(e.limit, std::uint64_t(4 * MiB));
        QVERIFY2(contains(e.message, server.origin()) && contains(e.message, QStringLiteral("4 MiB")),
                 e.message.c_str());
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grown < 64,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grown)));
    }

    void aDeclaredLengthPastTheLimitFails()
    {
        HttpServer server;
        server.answer("/big", {200, {"Content-Type: application/json"}, QByteArray(qsizetype(MiB), 'x')});
        net::Transport transport;
        net::Endpoint endpoint;
        endpoint.server = server.origin().toStdString();
        net::HttpRequest request;
        request.path = "/big";
        request.bodyLimit = 64 * 1024;
        std::optional<net::Result<net::HttpResponse>> got;
        transport.start(endpoint, request, [&](net::Result<net::HttpResponse> r) { got.emplace(std::move(r)); });
        QVERIFY(waitFor(got, 30000));
        QVERIFY(!*got);
        QCOMPARE(got->error().cause, Error::Cause::TooLarge);
        QVERIFY2(contains(got->error().message, QStringLiteral("64 KiB")), got->error().message.c_str());
    }

    void anErrorBodyIsCut()
    {
        // Only its start says what went wrong; the status must still arrive.
        HttpServer server;
        server.answer("/fail", {500, {"Content-Type: text/plain", "Content-Encoding: gzip"}, m_bomb});
        net::Transport transport;
        net::Endpoint endpoint;
        endpoint.server = server.origin().toStdString();
        net::HttpRequest request;
        request.path = "/fail";
        std::optional<net::Result<net::HttpResponse>> got;
        const qint64 grown = peakGrowthMiB([&] {
            transport.start(endpoint, request, [&](net::Result<net::HttpResponse> r) { got.emplace(std::move(r)); });
            waitFor(got, 120000);
        });
        QVERIFY(got && *got);
        QCOMPARE(got->value().status, 500L);
        QVERIFY(got->value().truncated);
        QCOMPARE(got->value().body.size(), request.errorBodyLimit);
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grown < 64,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grown)));
    }

    void theRegistryNamesItselfWhenAnAnswerIsTooLarge_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("limit");
        QTest::newRow("manifest") << QByteArray("/v2/team/app/manifests/") << "a manifest of team/app"
                                  << "4 MiB";
        QTest::newRow("tag page") << QByteArray("/v2/team/app/tags/list") << "a page of tags of team/app"
                                  << "1 MiB";
        QTest::newRow("token") << QByteArray("/token") << "The token server"
                               << "64 KiB";
    }

    void theRegistryNamesItselfWhenAnAnswerIsTooLarge()
    {
        QFETCH(QByteArray, path);
        QFETCH(QString, what);
        QFETCH(QString, limit);
        HttpServer server;
        server.answer(path, gzipAnswer(m_bomb));
        if (path == "/token") // the registry asks for a token first
            server.answer("/v2/", {401,
                                   {"Content-Type: application/json", "WWW-Authenticate: Bearer realm=\"" +
                                                                          server.origin().toUtf8() +
                                                                          "/token\",service=\"canned\""},
                                   R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"});
        net::Transport transport;
        oci::RegistryClient::Options options;
        options.dockerConfigPath = "/nonexistent/signalbox-test/config.json";
        oci::RegistryClient registry(&transport, options);
        std::optional<net::Result<std::string>> got;
        const qint64 grown = peakGrowthMiB([&] {
            if (path.contains("tags"))
                registry.listTags(server.hostPort().toStdString(), "team/app", [&](net::Result<oci::TagList> r) {
                    got.emplace(r ? net::Result<std::string>(std::string("listed")) : r.error());
                });
            else
                registry.resolve(server.hostPort().toStdString(), "team/app", "v1",
                                 [&](net::Result<oci::ManifestInfo> r) {
                                     got.emplace(r ? net::Result<std::string>(std::string("resolved")) : r.error());
                                 });
            waitFor(got, 120000);
        });
        QVERIFY(got);
        QVERIFY2(!*got, "a 1 GiB answer was taken");
        const std::string& message = got->error().message;
        QCOMPARE(got->error().cause, Error::Cause::TooLarge);
        QVERIFY2(contains(message, server.hostPort()) && contains(message, what) && contains(message, limit),
                 message.c_str());
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grown < 64,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grown)));
    }

    void theWebhooksAnswerIsLimited()
    {
        HttpServer server;
        server.answer("/api/webhooks/", gzipAnswer(m_bomb));
        net::Transport transport;
        net::ChatWebhook webhook(&transport, server.origin().toStdString() + "/api/webhooks/1/secret-part");
        std::optional<net::Result<net::HttpResponse>> got;
        const qint64 grown = peakGrowthMiB([&] {
            webhook.send("deployed uro", [&](net::Result<net::HttpResponse> r) { got.emplace(std::move(r)); });
            waitFor(got, 120000);
        });
        QVERIFY(got && !*got);
        const std::string& message = got->error().message;
        QCOMPARE(got->error().cause, Error::Cause::TooLarge);
        QVERIFY2(contains(message, QStringLiteral("127.0.0.1")) && contains(message, QStringLiteral("64 KiB")) &&
                     !contains(message, QStringLiteral("secret-part")),
                 message.c_str());
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grown < 64,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grown)));
    }

    void aLineWithoutNewlineIsCutAndScannedOnce()
    {
        kube::LineSplitter splitter(64 * 1024);
        std::vector<kube::TextLine> lines;
        splitter.feed("first\r\nsecond\n", lines);
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(lines[0].text, std::string("first"));
        QCOMPARE(lines[1].text, std::string("second"));
        lines.clear();
        // 256 MiB without a newline, in 16 KiB chunks: one cut line of 64 KiB as soon as it passes
        // the limit, nothing kept after it, and in time linear in the bytes.
        const std::string chunk(16 * 1024, 'x');
        QElapsedTimer took;
        took.start();
        std::size_t mostKept = 0;
        for (int i = 0; i < 16 * 1024; ++i) {
            splitter.feed(chunk, lines);
            mostKept = std::max(mostKept, splitter.pending());
        }
        splitter.feed("rest of it\nnext line\npartial", lines);
        QVERIFY2(took.elapsed() < 20000, qPrintable(QString::number(took.elapsed())));
        QCOMPARE(lines.size(), std::size_t(2));
        QVERIFY(lines[0].cut);
        QCOMPARE(lines[0].text, std::string(64 * 1024, 'x'));
        QVERIFY(!lines[1].cut);
        QCOMPARE(lines[1].text, std::string("next line"));
        QVERIFY(mostKept <= 64 * 1024);
        kube::TextLine rest;
        QVERIFY(splitter.takeRest(rest));
        QCOMPARE(rest.text, std::string("partial"));
        QVERIFY(!splitter.takeRest(rest));
    }

    void aCutEndsOnAWholeCharacter()
    {
        // "é" is two bytes; at a limit of 5 the third "é" would be split.
        kube::LineSplitter splitter(5);
        std::vector<kube::TextLine> lines;
        splitter.feed("\xc3\xa9\xc3\xa9\xc3\xa9\n", lines);
        QCOMPARE(lines.size(), std::size_t(1));
        QVERIFY(lines[0].cut);
        QCOMPARE(lines[0].text, std::string("\xc3\xa9\xc3\xa9"));
        lines.clear();
        splitter.feed("abcde\n", lines); // exactly the limit: whole
        QCOMPARE(lines.size(), std::size_t(1));
        QVERIFY(!lines[0].cut);
        QCOMPARE(lines[0].text, std::string("abcde"));
    }

    void anExecPluginThatPrintsWithoutEndIsStopped()
    {
        QTemporaryDir dir;
        const QString plugin = dir.filePath(QStringLiteral("spew-credentials"));
        QVERIFY(writeScript(plugin, "exec yes\n"));
        kube::AuthInfo user;
        user.name = "spew";
        user.exec =
            kube::ExecConfig{"client.authentication.k8s.io/v1", plugin.toStdString(), {}, {}, {}, false, "Never"};
        kube::CredentialProvider provider(user, {});
        std::optional<net::Result<kube::Credential>> got;
        QElapsedTimer took;
        took.start();
        const qint64 grown = peakGrowthMiB([&] {
            provider.get([&](net::Result<kube::Credential> r) { got.emplace(std::move(r)); });
            waitFor(got, 20000); // a plugin that is not stopped fills the memory meanwhile
        });
        QVERIFY2(got, "the plugin was not stopped");
        QVERIFY(!*got);
        const std::string& message = got->error().message;
        QVERIFY2(contains(message, plugin) && contains(message, QStringLiteral("more than 1 MiB")), message.c_str());
        QVERIFY2(took.elapsed() < 20000, qPrintable(QString::number(took.elapsed())));
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grown < 32,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grown)));
    }

    void anExecPluginsLongStderrLineIsCut()
    {
        // 64 MiB on stderr without a newline, then a line for the person, then a credential.
        QTemporaryDir dir;
        const QString tokenFile = dir.filePath(QStringLiteral("token"));
        QFile token(tokenFile);
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("abc123\n");
        token.close();
        const QString plugin = dir.filePath(QStringLiteral("chatty-credentials"));
        QVERIFY(testsupport::writeCredentialPlugin(
            plugin, QStringLiteral("head -c 67108864 /dev/zero | tr '\\0' x >&2\necho >&2\necho 'open the page' >&2\n"),
            tokenFile));
        kube::AuthInfo user;
        user.name = "chatty";
        user.exec =
            kube::ExecConfig{"client.authentication.k8s.io/v1", plugin.toStdString(), {}, {}, {}, false, "Never"};
        kube::CredentialProvider provider(user, {});
        QSignalSpy said(&provider, &kube::CredentialProvider::pluginSaid);
        std::optional<net::Result<kube::Credential>> got;
        const qint64 grown = peakGrowthMiB([&] {
            provider.get([&](net::Result<kube::Credential> r) { got.emplace(std::move(r)); });
            waitFor(got, 60000);
        });
        QVERIFY(got && *got);
        QCOMPARE(got->value().token, std::string("abc123"));
        QStringList lines;
        for (const auto& args : said)
            lines << args.at(1).toString();
        QVERIFY2(lines.size() >= 2 && lines.at(0) == QString(500, u'x') &&
                     lines.at(1) == QStringLiteral("open the page"),
                 qPrintable(lines.join(u'|').left(2000)));
        QVERIFY2(!testsupport::peakMemoryIsMeasured || grown < 32,
                 qPrintable(QStringLiteral("the peak grew by %1 MiB").arg(grown)));
    }

    void aCredentialHelperThatPrintsWithoutEndIsStopped()
    {
        QTemporaryDir dir;
        QVERIFY(writeScript(dir.filePath(QStringLiteral("docker-credential-spew")), "exec yes\n"));
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", dir.path().toUtf8() + ":" + path);
        oci::DockerCredentials credentials;
        credentials.helper = "spew";
        credentials.helperServer = "registry.example";
        credentials.source = "/home/someone/.docker/config.json";
        std::optional<net::Result<oci::DockerCredentials>> got;
        QElapsedTimer took;
        took.start();
        QObject context;
        oci::runCredentialHelper(credentials, std::chrono::seconds(30), &context,
                                 [&](net::Result<oci::DockerCredentials> r) { got.emplace(std::move(r)); });
        waitFor(got, 40000);
        qputenv("PATH", path);
        QVERIFY2(got, "the helper was not stopped");
        QVERIFY(!*got);
        const std::string& message = got->error().message;
        QVERIFY2(contains(message, QStringLiteral("docker-credential-spew")) &&
                     contains(message, QStringLiteral("more than 64 KiB")),
                 message.c_str());
        QVERIFY2(took.elapsed() < 20000, qPrintable(QString::number(took.elapsed())));
        QTRY_VERIFY(context.findChildren<QProcess*>().isEmpty()); // killed and reaped
    }

    void aTokenFileLargerThanATokenIsRefused()
    {
        QTemporaryDir dir;
        const QString tokenFile = dir.filePath(QStringLiteral("token"));
        QFile f(tokenFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(qsizetype(MiB), 'a'));
        f.close();
        kube::AuthInfo user;
        user.name = "tokens";
        user.tokenFile = tokenFile.toStdString();
        kube::CredentialProvider provider(user, {});
        std::optional<net::Result<kube::Credential>> got;
        provider.get([&](net::Result<kube::Credential> r) { got.emplace(std::move(r)); });
        QVERIFY(got);
        QVERIFY2(!*got, "a 1 MiB token was sent");
        QVERIFY2(contains(got->error().message, tokenFile) && contains(got->error().message, QStringLiteral("64 KiB")),
                 got->error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
