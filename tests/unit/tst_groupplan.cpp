// Group deploy planning, as a table: every member is planned with the same tag from its own
// repository, and the group passes only if every member does ("every member passes before the
// first is changed"). No cluster.
#include "rulefacts.h"

#include <QTest>
#include <functional>

using namespace rulefacts;
using Target = model::DeployTarget;
using Change = std::function<void(std::vector<model::DeployFacts>&)>;

Q_DECLARE_METATYPE(Change)

namespace {

std::vector<model::DeployPlan> memberPlans(const Change& change, const std::string& tag = "8d3c2f41")
{
    const std::vector<std::string> names{"uro", "uro-frontend"};
    std::vector<model::DeployFacts> facts{deployFacts("uro"), deployFacts("uro-frontend")};
    facts[1].sandbox.reset();
    if (change)
        change(facts);
    std::vector<model::DeployPlan> plans;
    for (std::size_t i = 0; i < names.size(); ++i)
        plans.push_back(
            model::planDeploy(Target::Staging, spec(names[i]), "ghcr.io/v-sekai/" + names[i] + ":" + tag, facts[i]));
    return plans;
}

} // namespace

class TestGroupPlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plan_data()
    {
        QTest::addColumn<Change>("change");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("refused"); // the first member refused
        QTest::addColumn<QString>("failure");
        QTest::newRow("both pass") << Change() << true << QString() << QString();
        QTest::newRow("the second is on a half state")
            << Change([](auto& f) { selectSlot(*f[1].staging, "a"); }) << false << QStringLiteral("uro-frontend")
            << QStringLiteral("The staging slot (slot A) is not live");
        QTest::newRow("the first may not be patched")
            << Change([](auto& f) { f[0].mayPatch = false; }) << false << QStringLiteral("uro")
            << QStringLiteral("You may patch the Deployment uro/uro-b");
        QTest::newRow("the second's tag is missing") << Change([](auto& f) {
            f[1].manifest.reset();
            f[1].registryError = apiError(404, "", "No such tag.");
        }) << false << QStringLiteral("uro-frontend") << QStringLiteral("resolves to a digest: No such tag.");
        QTest::newRow("the second's slots missing") << Change([](auto& f) {
            f[1].a.reset();
            f[1].b.reset();
        }) << false << QStringLiteral("uro-frontend")
                                                    << QStringLiteral("The staging Service selects exactly one slot");
        QTest::newRow("forbidden read of one")
            << Change([](auto& f) { f[1].error = apiError(403, "Forbidden", "You may not get services in uro."); })
            << false << QStringLiteral("uro-frontend") << QStringLiteral("You may not get services in uro.");
    }

    void plan()
    {
        QFETCH(Change, change);
        QFETCH(bool, allowed);
        QFETCH(QString, refused);
        QFETCH(QString, failure);
        const auto g = model::planGroupDeploy("uro", Target::Staging, "8d3c2f41", memberPlans(change));
        QCOMPARE(g.allowed(), allowed);
        QCOMPARE(g.members.size(), std::size_t(2));
        QCOMPARE(g.group, std::string("uro"));
        const model::DeployPlan* r = g.firstRefused();
        if (allowed) {
            QVERIFY(!r);
            return;
        }
        QVERIFY(r);
        QCOMPARE(QString::fromStdString(r->service), refused);
        QVERIFY2(QString::fromStdString(r->firstFailure()->text).contains(failure), r->firstFailure()->text.c_str());
    }

    void eachMemberFromItsOwnRepository()
    {
        const auto g = model::planGroupDeploy("uro", Target::Staging, "8d3c2f41", memberPlans({}));
        QCOMPARE(g.members[0].pinned.rfind("ghcr.io/v-sekai/uro@sha256:", 0), std::size_t(0));
        QCOMPARE(g.members[1].pinned.rfind("ghcr.io/v-sekai/uro-frontend@sha256:", 0), std::size_t(0));
        QCOMPARE(g.members[0].tag, std::string("8d3c2f41"));
        QCOMPARE(g.members[1].tag, std::string("8d3c2f41"));
    }

    void noMembersOrNoTag()
    {
        QVERIFY(!model::planGroupDeploy("uro", Target::Staging, "8d3c2f41", {}).allowed());
        QVERIFY(!model::planGroupDeploy("uro", Target::Staging, "", memberPlans({})).allowed());
    }

    void aMemberWithoutRepositoryRefusesTheGroup()
    {
        auto plans = memberPlans({});
        plans[1] = model::noRepositoryPlan(Target::Staging, spec("uro-frontend"));
        const auto g = model::planGroupDeploy("uro", Target::Staging, "8d3c2f41", plans);
        QVERIFY(!g.allowed());
        QVERIFY(g.firstRefused()->badInput);
        QCOMPARE(g.firstRefused()->firstFailure()->text,
                 std::string("uro-frontend has no image repository: set `image:` for it in the configuration"));
    }

    void repository_data()
    {
        QTest::addColumn<QString>("configured");
        QTest::addColumn<QString>("running"); // the image the slot runs now; "-" for no Deployment
        QTest::addColumn<QString>("repository");
        QTest::newRow("configured wins") << "ghcr.io/v-sekai/uro"
                                         << "docker.io/groupsinfra/uro:old"
                                         << "ghcr.io/v-sekai/uro";
        QTest::newRow("from the running tag") << ""
                                              << "docker.io/groupsinfra/uro:docker-uro_1234abcd.1"
                                              << "docker.io/groupsinfra/uro";
        QTest::newRow("from the running digest")
            << "" << QString::fromStdString("ghcr.io/v-sekai/uro@sha256:" + std::string(64, 'e'))
            << "ghcr.io/v-sekai/uro";
        QTest::newRow("registry with a port") << ""
                                              << "127.0.0.1:5000/v-sekai/uro-frontend:1"
                                              << "127.0.0.1:5000/v-sekai/uro-frontend";
        QTest::newRow("no Deployment") << ""
                                       << "-"
                                       << "";
        QTest::newRow("not an image reference") << ""
                                                << "NOT AN IMAGE"
                                                << "";
    }

    void repository()
    {
        QFETCH(QString, configured);
        QFETCH(QString, running);
        QFETCH(QString, repository);
        auto s = spec("uro");
        s.imageRepository = configured.toStdString();
        std::optional<kube::Deployment> current;
        if (running != QLatin1String("-")) {
            current = deployment("uro-a");
            current->podTemplate.containers.front().image = running.toStdString();
        }
        QCOMPARE(QString::fromStdString(model::groupRepository(s, current)), repository);
    }

    void stopMessage()
    {
        QCOMPARE(model::groupStopMessage("It failed.", {}), std::string("It failed. Nothing else was deployed."));
        QCOMPARE(model::groupStopMessage("It failed.", {"uro"}), std::string("It failed. Already deployed: uro."));
        QCOMPARE(model::groupStopMessage("It failed.", {"uro", "uro-api"}),
                 std::string("It failed. Already deployed: uro, uro-api."));
    }
};

QTEST_GUILESS_MAIN(TestGroupPlan)
#include "tst_groupplan.moc"
