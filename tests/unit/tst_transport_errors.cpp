// The transport reports why a request failed as a typed cause, and says nothing about clusters or
// kubeconfigs; each client writes its own sentence. Here: the causes, and the chat webhook's
// sentences, which name its host and never the path that holds its secret. Loopback only.
#include "net/transport.h"
#include "net/webhook.h"

#include <QTest>
#include <optional>

using net::Error;
using Cause = net::Error::Cause;

Q_DECLARE_METATYPE(Cause)

namespace {

// What the webhook answered, once its callback ran.
std::optional<net::Result<net::HttpResponse>> sendAndWait(net::ChatWebhook& webhook)
{
    std::optional<net::Result<net::HttpResponse>> out;
    webhook.send("deployed uro", [&out](net::Result<net::HttpResponse> r) { out.emplace(std::move(r)); });
    return QTest::qWaitFor([&out] { return out.has_value(); }, 10000) ? out : std::nullopt;
}

void verifyNeutral(const std::string& message)
{
    const QString m = QString::fromStdString(message);
    QVERIFY2(!m.contains("cluster") && !m.contains("kubeconfig") && !m.contains("API server"), qPrintable(m));
}

} // namespace

class TestTransportErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    void cleanupTestCase() { curl_global_cleanup(); }

    void causeFromCurlCode_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<Cause>("cause");
        QTest::newRow("dns") << int(CURLE_COULDNT_RESOLVE_HOST) << Cause::Dns;
        QTest::newRow("connect") << int(CURLE_COULDNT_CONNECT) << Cause::Connect;
        QTest::newRow("timeout") << int(CURLE_OPERATION_TIMEDOUT) << Cause::Timeout;
        QTest::newRow("untrusted") << int(CURLE_PEER_FAILED_VERIFICATION) << Cause::Tls;
        QTest::newRow("CA file") << int(CURLE_SSL_CACERT_BADFILE) << Cause::TlsFiles;
        QTest::newRow("client cert") << int(CURLE_SSL_CERTPROBLEM) << Cause::TlsFiles;
        QTest::newRow("handshake") << int(CURLE_SSL_CONNECT_ERROR) << Cause::Broken;
        QTest::newRow("empty reply") << int(CURLE_GOT_NOTHING) << Cause::Broken;
        QTest::newRow("proxy name") << int(CURLE_COULDNT_RESOLVE_PROXY) << Cause::ProxyDns;
        QTest::newRow("too large") << int(CURLE_FILESIZE_EXCEEDED) << Cause::TooLarge;
        QTest::newRow("weird reply") << int(CURLE_WEIRD_SERVER_REPLY) << Cause::Protocol;
        QTest::newRow("cancelled") << int(CURLE_ABORTED_BY_CALLBACK) << Cause::Cancelled;
        QTest::newRow("other") << int(CURLE_UNSUPPORTED_PROTOCOL) << Cause::Other;
    }

    void causeFromCurlCode()
    {
        QFETCH(int, code);
        QFETCH(Cause, cause);
        const Error e = net::Transport::transportError(CURLcode(code), "detail", "https://host.example:443");
        QCOMPARE(e.kind, Error::Kind::Transport);
        QCOMPARE(e.cause, cause);
        QVERIFY(e.message.find("https://host.example:443") != std::string::npos);
        verifyNeutral(e.message);
    }

    void proxyCausesNeedAProxy()
    {
        const Error refused = net::Transport::transportError(CURLE_COULDNT_CONNECT, {}, "https://h", true, 403);
        QCOMPARE(refused.cause, Cause::ProxyRefused);
        QCOMPARE(refused.proxyStatus, 403);
        QCOMPARE(net::Transport::transportError(CURLE_COULDNT_CONNECT, {}, "https://h", true).cause,
                 Cause::ProxyConnect);
        QCOMPARE(net::Transport::transportError(CURLE_COULDNT_CONNECT, {}, "https://h", false).cause, Cause::Connect);
        // A successful CONNECT through the proxy: the failure is the server's.
        QCOMPARE(net::Transport::transportError(CURLE_GOT_NOTHING, {}, "https://h", true, 200).cause, Cause::Broken);
    }

    void webhookFailureNamesItsHostOnly()
    {
        net::Transport transport;
        // Port 1 on loopback: nothing listens there.
        net::ChatWebhook webhook(&transport, "http://127.0.0.1:1/api/webhooks/123/SECRET-PART");
        const auto r = sendAndWait(webhook);
        QVERIFY2(r, "the webhook's callback never ran");
        QVERIFY(!r->ok());
        const Error& e = r->error();
        QCOMPARE(e.cause, Cause::Connect);
        const QString m = QString::fromStdString(e.message);
        QVERIFY2(m.startsWith("The notification webhook at 127.0.0.1 cannot be reached"), qPrintable(m));
        QVERIFY2(!m.contains("SECRET") && !QString::fromStdString(e.detail).contains("SECRET"), qPrintable(m));
        verifyNeutral(e.message);
    }

    void webhookSentencePerCause()
    {
        for (Cause cause :
             {Cause::Dns, Cause::Connect, Cause::Timeout, Cause::Tls, Cause::ProxyConnect, Cause::Other}) {
            Error e;
            e.kind = Error::Kind::Transport;
            e.cause = cause;
            e.detail = "Couldn't connect: https://hooks.example/services/SECRET";
            const Error out = net::ChatWebhook::transportError(e, "hooks.example", std::chrono::seconds(10));
            const QString m = QString::fromStdString(out.message);
            QVERIFY2(m.contains("hooks.example") && !m.contains("SECRET"), qPrintable(m));
            QVERIFY2(!QString::fromStdString(out.detail).contains("SECRET"), qPrintable(m));
            verifyNeutral(out.message);
        }
    }

    void invalidWebhookUrlKeepsItsPathSecret()
    {
        net::Transport transport;
        net::ChatWebhook webhook(&transport, "ftp://hooks.example/services/SECRET-PART");
        const auto r = sendAndWait(webhook);
        QVERIFY(r && !r->ok());
        const QString m = QString::fromStdString(r->error().message);
        QVERIFY2(m.contains("not an http(s) URL") && m.contains("hooks.example") && !m.contains("SECRET"),
                 qPrintable(m));
    }
};

QTEST_GUILESS_MAIN(TestTransportErrors)
#include "tst_transport_errors.moc"
