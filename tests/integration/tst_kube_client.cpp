// kube::Client against the local control plane: every way of authenticating, the sentences for
// each kind of failure, JSON Patch tests, and watches that stay fresh across a server restart.
#include "kube/client.h"
#include "kube/informer.h"
#include "support/kubetest.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <optional>
#include <yaml-cpp/yaml.h>

using kube::Json;
using kubetest::await;

namespace {

QString tokenOf(const QString& user)
{
    const YAML::Node n = YAML::LoadFile(testsupport::kubeconfigFor(user).toStdString());
    return QString::fromStdString(n["users"][0]["user"]["token"].as<std::string>());
}

kube::Result<kube::UserInfo> whoAmI(kube::Client& c)
{
    auto r = await<kube::UserInfo>([&](auto cb) { c.whoAmI(cb); });
    if (!r)
        return kube::Error{kube::Error::Kind::Transport, 0, {}, "no answer within the test's time", {}};
    return *r;
}

QString message(const kube::Result<kube::UserInfo>& r)
{
    return r ? QString() : QString::fromStdString(r.error().message);
}

void writeFile(const QString& path, const QByteArray& content, bool executable = false)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();
    if (executable)
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
}

// An HTTP proxy on loopback that opens CONNECT tunnels, or answers 403 when told to refuse.
class ConnectProxy : public QObject {
public:
    QStringList targets; // host:port of every CONNECT it was asked for
    bool refuse = false;

    ConnectProxy()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, &ConnectProxy::accept);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_server.serverPort()); }

private:
    QTcpServer m_server;

    void accept()
    {
        while (QTcpSocket* in = m_server.nextPendingConnection()) {
            connect(in, &QTcpSocket::disconnected, in, &QObject::deleteLater);
            auto head = std::make_shared<QByteArray>();
            connect(in, &QTcpSocket::readyRead, this, [this, in, head] {
                if (in->property("tunnel").toBool())
                    return;
                head->append(in->readAll());
                const qsizetype end = head->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QList<QByteArray> request = head->left(head->indexOf("\r\n")).split(' ');
                if (request.size() < 2 || request[0] != "CONNECT") {
                    in->write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
                    in->disconnectFromHost();
                    return;
                }
                targets << QString::fromUtf8(request[1]);
                if (refuse) {
                    in->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                    in->disconnectFromHost();
                    return;
                }
                in->setProperty("tunnel", true);
                const QByteArray early = head->mid(end + 4);
                const qsizetype colon = request[1].lastIndexOf(':');
                auto* out = new QTcpSocket(in);
                connect(out, &QTcpSocket::connected, in, [in, out, early] {
                    in->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    out->write(early + in->readAll());
                    connect(in, &QTcpSocket::readyRead, out, [in, out] { out->write(in->readAll()); });
                    connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                });
                connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
                connect(in, &QTcpSocket::disconnected, out, &QTcpSocket::disconnectFromHost);
                out->connectToHost(QString::fromUtf8(request[1].left(colon)), request[1].mid(colon + 1).toUShort());
            });
        }
    }
};

} // namespace

class TestKubeClient : public QObject {
    Q_OBJECT

private:
    kube::Transport m_transport;
    QTemporaryDir m_tmp;

    kube::RestConfig config(const QString& user)
    {
        auto c = kubetest::restConfigFor(user);
        if (!c)
            qFatal("no kubeconfig for %s: %s", qPrintable(user), c.error().message.c_str());
        return c.value();
    }

    // An exec plugin that prints the token in token.txt, then, if next-token.txt exists,
    // makes that the token for its next run. It counts its runs in runs.txt.
    kube::RestConfig execConfig(int lifetimeSeconds)
    {
        const QString dir = m_tmp.path();
        writeFile(dir + QStringLiteral("/plugin.sh"),
                  QStringLiteral(R"(#!/bin/sh
d=%1
echo run >> "$d/runs.txt"
[ -n "$KUBERNETES_EXEC_INFO" ] || { echo "no exec info" >&2; exit 1; }
tok=$(cat "$d/token.txt")
[ -f "$d/next-token.txt" ] && mv "$d/next-token.txt" "$d/token.txt"
exp=$(date -u -d "+%2 seconds" +%Y-%m-%dT%H:%M:%SZ)
printf '%s' "$exp" > "$d/expiry.txt"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\n' "$tok" "$exp"
)")
                      .arg(dir)
                      .arg(lifetimeSeconds)
                      .toUtf8(),
                  true);
        kube::RestConfig c = config(QStringLiteral("operator"));
        c.user.token.clear();
        c.user.name = "exec-user";
        kube::ExecConfig exec;
        exec.apiVersion = "client.authentication.k8s.io/v1";
        exec.command = (dir + QStringLiteral("/plugin.sh")).toStdString();
        exec.interactiveMode = "Never";
        c.user.exec = exec;
        return c;
    }

    int pluginRuns()
    {
        QFile f(m_tmp.path() + QStringLiteral("/runs.txt"));
        return f.open(QIODevice::ReadOnly) ? f.readAll().count('\n') : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(m_tmp.isValid());
        const auto r = testsupport::kubectl(QStringLiteral("admin"),
                                            {QStringLiteral("apply"), QStringLiteral("-f"),
                                             testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    }

    void versionIsTheServers()
    {
        kube::Client c(config(QStringLiteral("admin")), &m_transport);
        auto r = await<Json>([&](auto cb) { c.version(cb); });
        QVERIFY(r && *r);
        QVERIFY(QString::fromStdString(r->value().value("gitVersion", "")).startsWith(QStringLiteral("v1.34.")));
    }

    void bearerTokenAuthenticates()
    {
        kube::Client c(config(QStringLiteral("viewer")), &m_transport);
        const auto who = whoAmI(c);
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(QString::fromStdString(who->username), QStringLiteral("viewer"));
        QVERIFY(std::count(who->groups.begin(), who->groups.end(), "signalbox:viewers") == 1);
    }

    void tokenFileAuthenticates()
    {
        const QString path = m_tmp.path() + QStringLiteral("/deployer.token");
        writeFile(path, tokenOf(QStringLiteral("deployer")).toUtf8() + "\n");
        kube::RestConfig rc = config(QStringLiteral("viewer"));
        rc.user.token.clear();
        rc.user.tokenFile = path.toStdString();
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(QString::fromStdString(who->username), QStringLiteral("deployer"));
    }

    void clientCertificateAuthenticates_data()
    {
        QTest::addColumn<bool>("inlineData");
        QTest::newRow("files") << false;
        QTest::newRow("inline data") << true;
    }

    void clientCertificateAuthenticates()
    {
        QFETCH(bool, inlineData);
        kube::RestConfig rc = config(QStringLiteral("cert-viewer"));
        if (inlineData) {
            QFile cert(QString::fromStdString(rc.user.clientCertificateFile));
            QFile key(QString::fromStdString(rc.user.clientKeyFile));
            QVERIFY(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
            rc.user.clientCertificateData = cert.readAll().toStdString();
            rc.user.clientKeyData = key.readAll().toStdString();
            rc.user.clientCertificateFile.clear();
            rc.user.clientKeyFile.clear();
        }
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(QString::fromStdString(who->username), QStringLiteral("cert-viewer"));
    }

    void execPluginRunsAgainAfterExpiry()
    {
        writeFile(m_tmp.path() + QStringLiteral("/token.txt"), tokenOf(QStringLiteral("operator")).toUtf8());
        QFile::remove(m_tmp.path() + QStringLiteral("/runs.txt"));
        kube::Client c(execConfig(3), &m_transport);
        auto who = whoAmI(c);
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(QString::fromStdString(who->username), QStringLiteral("operator"));
        QCOMPARE(pluginRuns(), 1);
        who = whoAmI(c);
        QVERIFY(who);
        QCOMPARE(pluginRuns(), 1); // cached until its expiry
        // Until the expiry the plugin gave has passed (on the clock the client reads it by).
        QFile expiryFile(m_tmp.path() + QStringLiteral("/expiry.txt"));
        QVERIFY(expiryFile.open(QIODevice::ReadOnly));
        const QDateTime expiry = QDateTime::fromString(QString::fromUtf8(expiryFile.readAll()), Qt::ISODate);
        QVERIFY(expiry.isValid());
        QVERIFY(QTest::qWaitFor([&expiry] { return QDateTime::currentDateTimeUtc() >= expiry; }, 10000));
        who = whoAmI(c);
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(pluginRuns(), 2);
    }

    void execPluginRunsAgainAfter401()
    {
        const QString dir = m_tmp.path();
        writeFile(dir + QStringLiteral("/token.txt"), "revoked-token");
        writeFile(dir + QStringLiteral("/next-token.txt"), tokenOf(QStringLiteral("operator")).toUtf8());
        QFile::remove(dir + QStringLiteral("/runs.txt"));
        kube::Client c(execConfig(3600), &m_transport);
        const auto who = whoAmI(c);
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(QString::fromStdString(who->username), QStringLiteral("operator"));
        QCOMPARE(pluginRuns(), 2);
    }

    void execPluginFailureIsASentence()
    {
        kube::RestConfig rc = execConfig(60);
        rc.user.exec->command = "signalbox-no-such-plugin";
        rc.user.exec->installHint = "Install it with: apt install no-such-plugin";
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY(!who);
        QVERIFY2(message(who).contains(QStringLiteral("signalbox-no-such-plugin")), qPrintable(message(who)));
        QVERIFY(message(who).contains(QStringLiteral("not installed")));
        QVERIFY(message(who).contains(QStringLiteral("apt install no-such-plugin")));
    }

    void aPluginsMessageReachesThePersonWhileItWaits()
    {
        // A device-code login: the plugin tells the person where to go, then waits for them.
        const QString dir = m_tmp.path();
        QFile::remove(dir + QStringLiteral("/approved"));
        QVERIFY(testsupport::writeCredentialPlugin(
            dir + QStringLiteral("/device-login"),
            QStringLiteral("echo 'To sign in, open %1 and enter the code TEST-CODE' >&2\n"
                           "i=0\n"
                           "while [ ! -f '%2' ]; do sleep 0.05; i=$((i+1)); [ $i -lt 600 ] || exit 1; done")
                .arg(QStringLiteral("http://127.0.0.1:9/device"), dir + QStringLiteral("/approved")),
            dir + QStringLiteral("/approved")));
        kube::RestConfig rc = execConfig(60);
        rc.user.exec->command = (dir + QStringLiteral("/device-login")).toStdString();
        kube::Client c(rc, &m_transport);
        QSignalSpy said(c.credentials(), &kube::CredentialProvider::pluginSaid);
        std::optional<kube::Result<kube::UserInfo>> who;
        c.whoAmI([&who](kube::Result<kube::UserInfo> r) { who = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(!said.isEmpty(), 10000);
        QCOMPARE(said.first().at(0).toString(), QStringLiteral("device-login"));
        QCOMPARE(said.first().at(1).toString(),
                 QStringLiteral("To sign in, open http://127.0.0.1:9/device and enter the code TEST-CODE"));
        // Absence, so a bounded wait: 300 ms in which an answer that did not wait for the person
        // would have come (the request above took less).
        QVERIFY(!QTest::qWaitFor([&who] { return who.has_value(); }, 300));
        QVERIFY(!who.has_value()); // still waiting for the person
        writeFile(dir + QStringLiteral("/approved"), tokenOf(QStringLiteral("viewer")).toUtf8());
        QTRY_VERIFY_WITH_TIMEOUT(who.has_value(), 10000);
        QVERIFY2(*who, qPrintable(message(*who)));
        QCOMPARE(QString::fromStdString((*who)->username), QStringLiteral("viewer"));
        QVERIFY(said.last().at(1).toString().isEmpty()); // the message is withdrawn once it is done
    }

    void interactivePluginIsNotRunAndSaysWhy()
    {
        QFile::remove(m_tmp.path() + QStringLiteral("/runs.txt"));
        kube::RestConfig rc = execConfig(60);
        rc.user.exec->interactiveMode = "Always";
        rc.user.exec->installHint = "Log in with: example-login --device";
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY(!who);
        QVERIFY2(message(who).contains(QStringLiteral("interactiveMode: Always")), qPrintable(message(who)));
        QVERIFY(message(who).contains(QStringLiteral("Log in with: example-login --device")));
        QCOMPARE(pluginRuns(), 0);
    }

    void proxyUrlCarriesEveryRequestDespiteNoProxy()
    {
        // kubectl sends everything through a kubeconfig's proxy-url; no_proxy does not apply to it.
        ConnectProxy proxy;
        kube::RestConfig rc = config(QStringLiteral("viewer"));
        rc.cluster.proxyUrl = proxy.url();
        const QUrl server(QString::fromStdString(rc.cluster.server));
        qputenv("no_proxy", "127.0.0.1,localhost");
        qputenv("NO_PROXY", "127.0.0.1,localhost");
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        qunsetenv("no_proxy");
        qunsetenv("NO_PROXY");
        QVERIFY2(who, qPrintable(message(who)));
        QCOMPARE(QString::fromStdString(who->username), QStringLiteral("viewer"));
        QVERIFY2(proxy.targets.contains(QStringLiteral("%1:%2").arg(server.host()).arg(server.port())),
                 qPrintable(proxy.targets.join(u',')));
    }

    void proxyFailuresNameTheProxy()
    {
        ConnectProxy proxy;
        proxy.refuse = true;
        kube::RestConfig rc = config(QStringLiteral("viewer"));
        rc.cluster.proxyUrl = proxy.url();
        {
            kube::Client c(rc, &m_transport);
            const auto who = whoAmI(c);
            QVERIFY(!who);
            QVERIFY2(message(who).startsWith(
                         QStringLiteral("The proxy %1 refused to connect to").arg(QString::fromStdString(proxy.url()))),
                     qPrintable(message(who)));
            QVERIFY(message(who).contains(QStringLiteral("403")));
        }
        rc.cluster.proxyUrl = "http://127.0.0.1:1";
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY(!who);
        QVERIFY2(message(who).startsWith(QStringLiteral("Nothing answers at the proxy http://127.0.0.1:1")),
                 qPrintable(message(who)));
    }

    void wrongCaFailsWithTheTlsSentence()
    {
        const QString ca = m_tmp.path() + QStringLiteral("/other-ca");
        const auto gen = testsupport::run(
            QStringLiteral("openssl"),
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
             QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
             QStringLiteral("/CN=other-ca"), QStringLiteral("-keyout"), ca + QStringLiteral(".key"),
             QStringLiteral("-out"), ca + QStringLiteral(".crt")});
        QVERIFY2(gen.exitCode == 0, qPrintable(gen.describe()));
        kube::RestConfig rc = config(QStringLiteral("viewer"));
        rc.cluster.certificateAuthorityFile = (ca + QStringLiteral(".crt")).toStdString();
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY(!who);
        QCOMPARE(who.error().kind, kube::Error::Kind::Transport);
        QVERIFY2(message(who).contains(QStringLiteral("is not trusted")), qPrintable(message(who)));
        QVERIFY(message(who).contains(QString::fromStdString(rc.cluster.server)));
    }

    void invalidTokenGivesThe401Sentence()
    {
        kube::RestConfig rc = config(QStringLiteral("viewer"));
        rc.user.token = "not-a-valid-token";
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY(!who);
        QCOMPARE(who.error().httpStatus, 401);
        QVERIFY2(message(who).contains(QStringLiteral("rejected the credentials of user \"viewer\"")),
                 qPrintable(message(who)));
        QVERIFY(!message(who).contains(QStringLiteral("not-a-valid-token")));
    }

    void viewerPatchGivesThe403Sentence()
    {
        kube::Client c(config(QStringLiteral("viewer")), &m_transport);
        const Json patch = {{"metadata", {{"annotations", {{"signalbox.test/x", "1"}}}}}};
        auto r = await<Json>(
            [&](auto cb) { c.patch(kube::resources::services, "uro", "uro", kube::PatchType::Merge, patch, cb); });
        QVERIFY(r && !*r);
        QCOMPARE(r->error().reason, std::string("Forbidden"));
        QCOMPARE(QString::fromStdString(r->error().message),
                 QStringLiteral("User \"viewer\" may not patch services \"uro\" in namespace \"uro\". Ask a cluster "
                                "administrator for that permission, or use a kubeconfig user that has it."));
    }

    void failedJsonPatchTestIsChangedSinceYouLooked()
    {
        kube::Client c(config(QStringLiteral("operator")), &m_transport);
        const Json patch = Json::array({
            {{"op", "test"}, {"path", "/spec/selector/signalbox.v-sekai.org~1slot"}, {"value", "a"}},
            {{"op", "replace"}, {"path", "/spec/selector/signalbox.v-sekai.org~1slot"}, {"value", "a"}},
        });
        auto r = await<Json>([&](auto cb) {
            c.patch(kube::resources::services, "uro", "uro-staging", kube::PatchType::Json, patch, cb);
        });
        QVERIFY(r && !*r);
        QCOMPARE(r->error().reason, std::string("Conflict"));
        QVERIFY2(QString::fromStdString(r->error().message).contains(QStringLiteral("changed since you looked")),
                 r->error().message.c_str());
        // and the object is untouched
        auto now = await<Json>([&](auto cb) { c.get(kube::resources::services, "uro", "uro-staging", cb); });
        QVERIFY(now && *now);
        QCOMPARE(now->value()["spec"]["selector"]["signalbox.v-sekai.org/slot"].get<std::string>(), std::string("b"));
    }

    void passingJsonPatchTestApplies()
    {
        kube::Client c(config(QStringLiteral("operator")), &m_transport);
        const Json patch = Json::array({
            {{"op", "test"}, {"path", "/spec/selector/signalbox.v-sekai.org~1slot"}, {"value", "b"}},
            {{"op", "add"}, {"path", "/metadata/annotations"}, {"value", {{"signalbox.test/checked", "yes"}}}},
        });
        auto r = await<Json>([&](auto cb) {
            c.patch(kube::resources::services, "uro", "uro-staging", kube::PatchType::Json, patch, cb);
        });
        QVERIFY2(r && *r, r && !*r ? r->error().message.c_str() : "no answer");
        QCOMPARE(r->value()["metadata"]["annotations"]["signalbox.test/checked"].get<std::string>(),
                 std::string("yes"));
    }

    void unreachableServerIsASentence()
    {
        kube::RestConfig rc = config(QStringLiteral("viewer"));
        rc.cluster.server = "https://127.0.0.1:1";
        kube::Client c(rc, &m_transport);
        const auto who = whoAmI(c);
        QVERIFY(!who);
        QVERIFY2(message(who).startsWith(QStringLiteral("Nothing answers at https://127.0.0.1:1")),
                 qPrintable(message(who)));
        // The Kubernetes client's own sentence: it names the context, and the cause is typed.
        QVERIFY(!rc.contextName.empty());
        QVERIFY2(message(who).contains(QString::fromStdString(" (context \"" + rc.contextName + "\")")) &&
                     message(who).contains("the cluster is down or unreachable"),
                 qPrintable(message(who)));
        QCOMPARE(who.error().cause, kube::Error::Cause::Connect);
    }

    void watchSeesASelectorChangeWithinOneSecond()
    {
        kube::Client c(config(QStringLiteral("viewer")), &m_transport);
        kube::Informer informer(&c, {kube::resources::services, "uro", {}});
        QSignalSpy synced(&informer, &kube::Informer::synced);
        informer.start();
        QVERIFY(synced.wait(10000));
        QVERIFY(informer.objects().count("uro/uro") == 1);
        // The watch is open once a change made now comes through it.
        bool open = false;
        connect(&informer, &kube::Informer::modified, this,
                [&open](const Json& o) { open = open || kube::Informer::objectKey(o) == "uro/uro-staging"; });
        const auto probe = testsupport::kubectl(
            QStringLiteral("admin"),
            {QStringLiteral("annotate"), QStringLiteral("--overwrite"), QStringLiteral("service"),
             QStringLiteral("uro-staging"), QStringLiteral("-n"), QStringLiteral("uro"),
             QStringLiteral("signalbox.test/watch-open=") + QString::number(QDateTime::currentMSecsSinceEpoch())});
        QVERIFY2(probe.exitCode == 0, qPrintable(probe.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(open, 10000);

        QString seenSlot;
        QElapsedTimer timer;
        qint64 seenAfter = -1;
        connect(&informer, &kube::Informer::modified, this, [&](const Json& o) {
            if (kube::Informer::objectKey(o) == "uro/uro-frontend" && seenAfter < 0) {
                seenSlot = QString::fromStdString(o["spec"]["selector"].value("signalbox.v-sekai.org/slot", ""));
                seenAfter = timer.elapsed();
            }
        });
        timer.start();
        const auto flip = testsupport::kubectl(
            QStringLiteral("admin"),
            {QStringLiteral("patch"), QStringLiteral("service"), QStringLiteral("uro-frontend"), QStringLiteral("-n"),
             QStringLiteral("uro"), QStringLiteral("--type=merge"), QStringLiteral("-p"),
             QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"b"}}})")});
        QVERIFY2(flip.exitCode == 0, qPrintable(flip.describe()));
        const qint64 patchedAt = timer.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(seenAfter >= 0, 5000);
        QCOMPARE(seenSlot, QStringLiteral("b"));
        // kubectl's own start-up is most of the wait; what counts is after its patch returned.
        qInfo("selector change seen %lld ms after kubectl returned", static_cast<long long>(seenAfter - patchedAt));
        QVERIFY2(seenAfter - patchedAt < 1000, qPrintable(QString::number(seenAfter - patchedAt)));

        const auto back = testsupport::kubectl(
            QStringLiteral("admin"),
            {QStringLiteral("patch"), QStringLiteral("service"), QStringLiteral("uro-frontend"), QStringLiteral("-n"),
             QStringLiteral("uro"), QStringLiteral("--type=merge"), QStringLiteral("-p"),
             QStringLiteral(R"({"spec":{"selector":{"signalbox.v-sekai.org/slot":"a"}}})")});
        QVERIFY2(back.exitCode == 0, qPrintable(back.describe()));
    }

    void watchRecoversAfterTheApiServerRestarts()
    {
        kube::Client c(config(QStringLiteral("viewer")), &m_transport);
        kube::Informer informer(&c, {kube::resources::services, "uro", {}});
        QSignalSpy synced(&informer, &kube::Informer::synced);
        QSignalSpy states(&informer, &kube::Informer::stateChanged);
        informer.start();
        QVERIFY(synced.wait(10000));
        QCOMPARE(informer.state(), kube::Informer::State::Live);
        states.clear();

        // Restart in the background, so this thread's event loop runs through the outage as the
        // console's would.
        QProcess restart;
        restart.start(testsupport::sourceDir() + QStringLiteral("/scripts/cluster"),
                      {QStringLiteral("restart"), QStringLiteral("kube-apiserver")});
        QTRY_VERIFY_WITH_TIMEOUT(restart.state() == QProcess::NotRunning, 120000);
        QVERIFY2(restart.exitCode() == 0, restart.readAllStandardError().constData());
        // The informer said it was cut off, and is live again without a new client.
        QVERIFY(!states.isEmpty());
        QCOMPARE(states.first().first().value<kube::Informer::State>(), kube::Informer::State::Disconnected);
        QTRY_VERIFY2_WITH_TIMEOUT(informer.state() == kube::Informer::State::Live,
                                  (informer.lastError().message + " / " + informer.lastError().detail).c_str(), 45000);

        // A change made after the restart arrives without a new client.
        const auto annotate = testsupport::kubectl(
            QStringLiteral("admin"), {QStringLiteral("annotate"), QStringLiteral("--overwrite"),
                                      QStringLiteral("service"), QStringLiteral("uro"), QStringLiteral("-n"),
                                      QStringLiteral("uro"), QStringLiteral("signalbox.test/after-restart=yes")});
        QVERIFY2(annotate.exitCode == 0, qPrintable(annotate.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(informer.objects().at("uro/uro")["metadata"]["annotations"].value(
                                     "signalbox.test/after-restart", "") == "yes",
                                 30000);
        QCOMPARE(informer.state(), kube::Informer::State::Live);
    }

    void registrySharesOneInformerPerKey()
    {
        kube::Client c(config(QStringLiteral("viewer")), &m_transport);
        kube::InformerRegistry registry;
        auto* a = registry.informer(&c, {kube::resources::services, "uro", {}});
        auto* b = registry.informer(&c, {kube::resources::services, "uro", {}});
        auto* d = registry.informer(&c, {kube::resources::deployments, "uro", {}});
        QCOMPARE(a, b);
        QVERIFY(a != d);
        QCOMPARE(registry.size(), std::size_t(2));
        QTRY_VERIFY_WITH_TIMEOUT(d->hasSynced(), 10000);
        QCOMPARE(d->objects().size(), std::size_t(4));
    }
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kube_client.moc"
