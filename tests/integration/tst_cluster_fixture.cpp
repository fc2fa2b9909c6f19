// The local control plane and the example services, checked from outside with kubectl:
// the manifests apply, slots become ready, the live Service's endpoints are slot a's pods,
// and RBAC gives each test user exactly the rights deploy/examples/uro/30-rbac.yaml states.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using testsupport::kubectl;

namespace {

QJsonObject getJson(const QString& user, const QStringList& args)
{
    const auto r = kubectl(user, args + QStringList{QStringLiteral("-o"), QStringLiteral("json")});
    if (r.exitCode != 0)
        return {};
    return QJsonDocument::fromJson(r.out).object();
}

bool deploymentReady(const QString& ns, const QString& name)
{
    const QJsonObject d = getJson(
        QStringLiteral("admin"), {QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("-n"), ns, name});
    const int desired = d[QStringLiteral("spec")][QStringLiteral("replicas")].toInt(-1);
    const QJsonObject status = d[QStringLiteral("status")].toObject();
    return desired > 0 && status[QStringLiteral("readyReplicas")].toInt() == desired &&
           status[QStringLiteral("updatedReplicas")].toInt() == desired;
}

QSet<QString> podIps(const QString& selector)
{
    QSet<QString> ips;
    const QJsonObject list =
        getJson(QStringLiteral("admin"), {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"),
                                          QStringLiteral("uro"), QStringLiteral("-l"), selector});
    for (const auto& item : list[QStringLiteral("items")].toArray()) {
        const QString ip = item[QStringLiteral("status")][QStringLiteral("podIP")].toString();
        if (!ip.isEmpty())
            ips.insert(ip);
    }
    return ips;
}

QSet<QString> endpointAddresses(const QString& service)
{
    QSet<QString> ips;
    const QJsonObject list =
        getJson(QStringLiteral("admin"),
                {QStringLiteral("get"), QStringLiteral("endpointslices"), QStringLiteral("-n"), QStringLiteral("uro"),
                 QStringLiteral("-l"), QStringLiteral("kubernetes.io/service-name=") + service});
    for (const auto& slice : list[QStringLiteral("items")].toArray())
        for (const auto& ep : slice[QStringLiteral("endpoints")].toArray())
            if (ep[QStringLiteral("conditions")][QStringLiteral("ready")].toBool(true))
                for (const auto& a : ep[QStringLiteral("addresses")].toArray())
                    ips.insert(a.toString());
    return ips;
}

// A harmless change: an annotation that says who touched the object in this test.
QStringList annotatePatch(const QString& kind, const QString& name)
{
    return {QStringLiteral("patch"),
            kind,
            name,
            QStringLiteral("-n"),
            QStringLiteral("uro"),
            QStringLiteral("--type=merge"),
            QStringLiteral("-p"),
            QStringLiteral(R"({"metadata":{"annotations":{"signalbox.test/touched":"yes"}}})")};
}

} // namespace

class TestClusterFixture : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(testsupport::applyExample());
        // A Service outside the operator's list, to show the operator cannot touch it.
        const auto other = kubectl(QStringLiteral("admin"),
                                   {QStringLiteral("create"), QStringLiteral("service"), QStringLiteral("clusterip"),
                                    QStringLiteral("unrelated"), QStringLiteral("--tcp=80:80"), QStringLiteral("-n"),
                                    QStringLiteral("uro")});
        QVERIFY2(other.exitCode == 0 || other.err.contains("already exists"), qPrintable(other.describe()));
    }

    void serverReportsItsRealVersion()
    {
        const auto r =
            kubectl(QStringLiteral("admin"), {QStringLiteral("version"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject server = QJsonDocument::fromJson(r.out).object()[QStringLiteral("serverVersion")].toObject();
        QVERIFY2(server[QStringLiteral("gitVersion")].toString().startsWith(QStringLiteral("v1.34.")),
                 qPrintable(QString::fromUtf8(r.out)));
        QCOMPARE(server[QStringLiteral("minor")].toString(), QStringLiteral("34"));
    }

    void manifestsCreateTheSlots()
    {
        const QJsonObject list = getJson(QStringLiteral("admin"), {QStringLiteral("get"), QStringLiteral("deployments"),
                                                                   QStringLiteral("-n"), QStringLiteral("uro")});
        QStringList names;
        for (const auto& d : list[QStringLiteral("items")].toArray())
            names << d[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("uro-a"), QStringLiteral("uro-b"), QStringLiteral("uro-frontend-a"),
                                     QStringLiteral("uro-frontend-b")}));
    }

    void slotsBecomeReady_data()
    {
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("name");
        QTest::newRow("uro-a") << QStringLiteral("uro") << QStringLiteral("uro-a");
        QTest::newRow("uro-b") << QStringLiteral("uro") << QStringLiteral("uro-b");
        QTest::newRow("uro-frontend-a") << QStringLiteral("uro") << QStringLiteral("uro-frontend-a");
        QTest::newRow("sandbox uro") << QStringLiteral("uro-sandbox") << QStringLiteral("uro");
    }

    void slotsBecomeReady()
    {
        QFETCH(QString, ns);
        QFETCH(QString, name);
        QVERIFY2(QTest::qWaitFor([&] { return deploymentReady(ns, name); }, 90000),
                 qPrintable(QStringLiteral("%1/%2 did not reach ready replicas = desired").arg(ns, name)));
    }

    void liveServiceEndpointsAreSlotA()
    {
        QSet<QString> slotA;
        QVERIFY(QTest::qWaitFor(
            [&] {
                slotA = podIps(QStringLiteral("app.kubernetes.io/name=uro,signalbox.v-sekai.org/slot=a"));
                return slotA.size() == 2;
            },
            60000));
        const QSet<QString> slotB = podIps(QStringLiteral("app.kubernetes.io/name=uro,signalbox.v-sekai.org/slot=b"));
        QCOMPARE(slotB.size(), 2);
        QVERIFY(!slotA.intersects(slotB));
        QSet<QString> live;
        const bool settled = QTest::qWaitFor(
            [&] {
                live = endpointAddresses(QStringLiteral("uro"));
                return live == slotA;
            },
            60000);
        QVERIFY2(settled,
                 qPrintable(QStringLiteral("uro endpoints %1, slot a pods %2")
                                .arg(QStringList(live.values()).join(u','), QStringList(slotA.values()).join(u','))));
        QVERIFY(QTest::qWaitFor([&] { return endpointAddresses(QStringLiteral("uro-staging")) == slotB; }, 60000));
    }

    void permissions_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("viewer may not patch the live Service") << "viewer"
                                                               << "service"
                                                               << "uro" << false;
        QTest::newRow("viewer may not patch a slot") << "viewer"
                                                     << "deployment"
                                                     << "uro-b" << false;
        QTest::newRow("operator patches live") << "operator"
                                               << "service"
                                               << "uro" << true;
        QTest::newRow("operator patches staging") << "operator"
                                                  << "service"
                                                  << "uro-staging" << true;
        QTest::newRow("operator patches frontend live") << "operator"
                                                        << "service"
                                                        << "uro-frontend" << true;
        QTest::newRow("operator may not patch another Service") << "operator"
                                                                << "service"
                                                                << "unrelated" << false;
        QTest::newRow("operator patches a slot") << "operator"
                                                 << "deployment"
                                                 << "uro-b" << true;
        QTest::newRow("deployer patches slot a") << "deployer"
                                                 << "deployment"
                                                 << "uro-a" << true;
        QTest::newRow("deployer patches slot b") << "deployer"
                                                 << "deployment"
                                                 << "uro-frontend-b" << true;
        QTest::newRow("deployer may not patch live") << "deployer"
                                                     << "service"
                                                     << "uro" << false;
        QTest::newRow("deployer may not patch staging") << "deployer"
                                                        << "service"
                                                        << "uro-staging" << false;
        QTest::newRow("deployer may not patch another Service") << "deployer"
                                                                << "service"
                                                                << "unrelated" << false;
        QTest::newRow("certificate viewer may not patch") << "cert-viewer"
                                                          << "service"
                                                          << "uro" << false;
    }

    void permissions()
    {
        QFETCH(QString, user);
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(bool, allowed);
        const auto r = kubectl(user, annotatePatch(kind, name));
        if (allowed) {
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        } else {
            QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
            QVERIFY2(r.err.contains("Forbidden") || r.err.contains("forbidden"), qPrintable(r.describe()));
            QVERIFY2(r.err.contains(user.toUtf8()), qPrintable(r.describe()));
        }
    }

    void viewersCanRead()
    {
        for (const QString& user : {QStringLiteral("viewer"), QStringLiteral("cert-viewer")}) {
            const auto r = kubectl(user, {QStringLiteral("get"), QStringLiteral("services"), QStringLiteral("-n"),
                                          QStringLiteral("uro"), QStringLiteral("-o"), QStringLiteral("name")});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            QVERIFY(r.out.contains("service/uro-staging"));
        }
    }

    void clientCertificateUserAuthenticates()
    {
        const auto r = kubectl(QStringLiteral("cert-viewer"), {QStringLiteral("auth"), QStringLiteral("whoami"),
                                                               QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject info =
            QJsonDocument::fromJson(r.out).object()[QStringLiteral("status")][QStringLiteral("userInfo")].toObject();
        QCOMPARE(info[QStringLiteral("username")].toString(), QStringLiteral("cert-viewer"));
        QVERIFY(info[QStringLiteral("groups")].toArray().contains(QStringLiteral("signalbox:viewers")));
    }

    void anInvalidTokenIsRejected()
    {
        const QString kc = testsupport::kubeconfigFor(QStringLiteral("viewer"));
        const auto r = testsupport::run(testsupport::sourceDir() + QStringLiteral("/scripts/cluster"),
                                        {QStringLiteral("kubectl"), QStringLiteral("viewer"),
                                         QStringLiteral("--token=not-a-real-token"), QStringLiteral("get"),
                                         QStringLiteral("services"), QStringLiteral("-n"), QStringLiteral("uro")});
        QVERIFY(!kc.isEmpty());
        QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("Unauthorized") || r.err.contains("credentials"), qPrintable(r.describe()));
    }
};

QTEST_GUILESS_MAIN(TestClusterFixture)
#include "tst_cluster_fixture.moc"
