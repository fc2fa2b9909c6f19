// Watches by what exists, on the real control plane: a service whose sandbox namespace does not
// exist is shown without a watch there; when the namespace and its Deployment are created later,
// the sandbox slot appears.
#include "app/console.h"
#include "kube/kubeconfig.h"
#include "model/state/dashboard.h"
#include "support/testsupport.h"
#include "ui/mainwindow.h"

#include <QStandardPaths>
#include <QTest>

using testsupport::kubectl;

namespace {

const QString service = QStringLiteral("latecomer");
const QString prodNs = QStringLiteral("latecomer");
const QString sandboxNs = QStringLiteral("latecomer-sandbox");

QByteArray deploymentYaml(const QString& ns, const QString& name, const QString& slot)
{
    const QString slotLabel =
        slot.isEmpty() ? QString() : QStringLiteral("\n        signalbox.v-sekai.org/slot: ") + slot;
    const QString slotSelector =
        slot.isEmpty() ? QString() : QStringLiteral("\n      signalbox.v-sekai.org/slot: ") + slot;
    return QStringLiteral(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: %2
  namespace: %1%5
spec:
  replicas: 1
  selector:
    matchLabels:
      app: %2%4
  template:
    metadata:
      labels:
        app: %2%3
    spec:
      containers:
      - name: app
        image: registry.example/latecomer:1
---
)")
        .arg(ns, name, slotLabel, slotSelector,
             // A sandbox Deployment need not carry any label: only a watch of its namespace sees it.
             slot.isEmpty() ? QString() : QStringLiteral("\n  labels:\n    signalbox.v-sekai.org/service: latecomer"))
        .toUtf8();
}

QByteArray serviceYaml(const QString& name, const QString& role, const QString& slot)
{
    return QStringLiteral(R"(apiVersion: v1
kind: Service
metadata:
  name: %1
  namespace: latecomer
  labels:
    signalbox.v-sekai.org/service: latecomer
    signalbox.v-sekai.org/role: %2
spec:
  selector:
    signalbox.v-sekai.org/slot: %3
  ports:
  - port: 80
---
)")
        .arg(name, role, slot)
        .toUtf8();
}

bool watchedIn(const model::WatchedServices* services, const QString& ns)
{
    for (const auto& key : services->watches())
        if (key.ns == ns.toStdString())
            return true;
    return false;
}

} // namespace

class TestLateSandbox : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        REQUIRE_CLUSTER();
        kubectl(QStringLiteral("admin"), {QStringLiteral("delete"), QStringLiteral("namespace"), sandboxNs,
                                          QStringLiteral("--ignore-not-found"), QStringLiteral("--wait=true")});
        const auto ns = kubectl(QStringLiteral("admin"),
                                {QStringLiteral("create"), QStringLiteral("namespace"), prodNs,
                                 QStringLiteral("--dry-run=client"), QStringLiteral("-o"), QStringLiteral("yaml")});
        QVERIFY2(ns.exitCode == 0, qPrintable(ns.describe()));
        const QByteArray objects = ns.out + "---\n" + deploymentYaml(prodNs, service + "-a", "a") +
                                   deploymentYaml(prodNs, service + "-b", "b") +
                                   serviceYaml(service, QStringLiteral("live"), QStringLiteral("a")) +
                                   serviceYaml(service + "-staging", QStringLiteral("staging"), QStringLiteral("b"));
        const auto apply = kubectl(QStringLiteral("admin"),
                                   {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, objects);
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.describe()));
    }

    void cleanupTestCase()
    {
        kubectl(QStringLiteral("admin"), {QStringLiteral("delete"), QStringLiteral("namespace"), sandboxNs,
                                          QStringLiteral("--ignore-not-found"), QStringLiteral("--wait=false")});
    }

    void aSandboxCreatedLaterAppears()
    {
        kube::KubeconfigOptions options;
        options.explicitPath = testsupport::kubeconfigFor(QStringLiteral("admin")).toStdString();
        options.namespaceOverride = prodNs.toStdString();
        app::Console console(options, {});
        console.connectTo({});
        QVERIFY(console.dashboard());
        model::WatchedServices* services = console.dashboard()->watched();
        model::Connection* connection = console.dashboard()->connection();
        QTRY_VERIFY_WITH_TIMEOUT(services->complete() && services->service(service.toStdString()), 20000);
        const model::ServiceState* st = services->service(service.toStdString());
        QVERIFY(st->a.exists && st->b.exists);
        QVERIFY(!st->sandbox.exists);
        // The admin may list everything: a few cluster-wide watches, none for the missing sandbox,
        // and no notice about it.
        QVERIFY2(!watchedIn(services, sandboxNs), "an informer exists for a namespace that does not exist");
        QVERIFY(watchedIn(services, QString())); // cluster-wide
        QVERIFY(!connection->namespaceNotices().count(sandboxNs));

        const auto ns =
            kubectl(QStringLiteral("admin"), {QStringLiteral("create"), QStringLiteral("namespace"), sandboxNs});
        QVERIFY2(ns.exitCode == 0, qPrintable(ns.describe()));
        const auto apply =
            kubectl(QStringLiteral("admin"), {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                    deploymentYaml(sandboxNs, service, {}));
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.describe()));
        QTRY_VERIFY_WITH_TIMEOUT(services->service(service.toStdString()) &&
                                     services->service(service.toStdString())->sandbox.exists,
                                 20000);
        QVERIFY(watchedIn(services, sandboxNs));
        QCOMPARE(services->service(service.toStdString())->sandbox.deployment, service.toStdString());
    }
};

QTEST_MAIN(TestLateSandbox)
#include "tst_latesandbox_gui.moc"
