// What watching costs on the real API server: every request of one transport shares one HTTP/2
// connection, however many start at once; an informer with initial events lists and watches in
// one request and then follows changes as a listing informer does.
#include "kube/client.h"
#include "kube/informer.h"
#include "support/kubetest.h"

#include <QTest>
#include <vector>

using testsupport::kubectl;

class TestWatchCost : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<kube::Client> client(kube::Transport* transport)
    {
        auto rc = kubetest::restConfigFor(QStringLiteral("admin"));
        if (!rc)
            qFatal("%s", rc.error().message.c_str());
        return std::make_unique<kube::Client>(rc.value(), transport);
    }

private Q_SLOTS:
    void initTestCase() { REQUIRE_CLUSTER(); }

    void twentyWatchesAndRequestsAtOnceShareOneConnection()
    {
        kube::Transport transport;
        auto c = client(&transport);
        int open = 0, ended = 0, answered = 0, failed = 0;
        std::string endedWith;
        std::vector<kube::Client::Id> watches;
        // All started before the event loop runs once: no connection exists yet when they are added.
        const kube::Resource kinds[] = {kube::resources::pods, kube::resources::services, kube::resources::events,
                                        kube::resources::deployments, kube::resources::endpointSlices};
        for (int i = 0; i < 10; ++i) {
            kube::WatchOptions o;
            o.labelSelector = "watchcost=" + std::to_string(i);
            o.sendInitialEvents = true; // each stream then starts with a bookmark at once
            watches.push_back(c->watch(
                kinds[i % 5], "kube-system", o,
                [&open](const std::string& type, const kube::Json&) {
                    if (type == "BOOKMARK")
                        ++open;
                },
                [&ended, &endedWith](kube::Result<kube::Unit> r) {
                    ++ended;
                    endedWith = r ? std::string("the server ended it") : r.error().message;
                }));
        }
        for (int i = 0; i < 10; ++i)
            c->list(kinds[i % 5], "kube-system", {},
                    [&answered, &failed](kube::Result<kube::Json> r) { ++(r ? answered : failed); });
        QTRY_COMPARE_WITH_TIMEOUT(answered + failed, 10, 20000);
        QCOMPARE(failed, 0);
        QTRY_VERIFY2_WITH_TIMEOUT(open == 10 || ended > 0, endedWith.c_str(), 20000);
        QVERIFY2(ended == 0, endedWith.c_str());
        QCOMPARE(open, 10);
        QCOMPARE(c->requestCount(), std::uint64_t(20));
        QCOMPARE(c->watchCount(), std::uint64_t(10));
        QCOMPARE(transport.connectionsOpened(), std::uint64_t(1));
        // Later requests while the watches stay open take the same connection.
        int more = 0;
        for (int i = 0; i < 5; ++i)
            c->list(kube::resources::namespaces, {}, {}, [&more](kube::Result<kube::Json> r) { more += r ? 1 : 0; });
        QTRY_COMPARE_WITH_TIMEOUT(more, 5, 20000);
        QCOMPARE(transport.connectionsOpened(), std::uint64_t(1));
        for (auto id : watches)
            c->cancel(id);
    }

    void informerWithInitialEventsListsAndWatchesInOneRequest()
    {
        const QString ns = QStringLiteral("watchcost");
        kubectl(QStringLiteral("admin"), {QStringLiteral("create"), QStringLiteral("namespace"), ns});
        for (const char* name : {"one", "two"})
            kubectl(QStringLiteral("admin"), {QStringLiteral("create"), QStringLiteral("configmap"),
                                              QLatin1String(name), QStringLiteral("-n"), ns});
        kube::Transport transport;
        auto c = client(&transport);
        const kube::Resource configMaps{"", "v1", "configmaps"};
        kube::Informer informer(c.get(), {configMaps, ns.toStdString(), {}});
        informer.setInitialEvents(true);
        int added = 0, modified = 0;
        connect(&informer, &kube::Informer::added, this, [&added] { ++added; });
        connect(&informer, &kube::Informer::modified, this, [&modified] { ++modified; });
        informer.start();
        QTRY_VERIFY_WITH_TIMEOUT(informer.hasSynced(), 20000);
        // kube-root-ca.crt is made in every namespace by the controller manager.
        QVERIFY(informer.objects().count("watchcost/one") && informer.objects().count("watchcost/two"));
        QCOMPARE(static_cast<std::size_t>(added), informer.objects().size());
        QCOMPARE(c->requestCount(), std::uint64_t(1));
        QCOMPARE(c->watchCount(), std::uint64_t(1));
        // The same request then carries the changes.
        QCOMPARE(kubectl(QStringLiteral("admin"),
                         {QStringLiteral("label"), QStringLiteral("configmap"), QStringLiteral("one"),
                          QStringLiteral("-n"), ns, QStringLiteral("changed=yes")})
                     .exitCode,
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(modified, 1, 20000);
        QCOMPARE(kubectl(QStringLiteral("admin"), {QStringLiteral("create"), QStringLiteral("configmap"),
                                                   QStringLiteral("three"), QStringLiteral("-n"), ns})
                     .exitCode,
                 0);
        QTRY_VERIFY_WITH_TIMEOUT(informer.objects().count("watchcost/three"), 20000);
        QCOMPARE(c->requestCount(), std::uint64_t(1));
    }

    void cleanupTestCase()
    {
        kubectl(QStringLiteral("admin"), {QStringLiteral("delete"), QStringLiteral("namespace"),
                                          QStringLiteral("watchcost"), QStringLiteral("--wait=false")});
    }
};

QTEST_GUILESS_MAIN(TestWatchCost)
#include "tst_watchcost.moc"
