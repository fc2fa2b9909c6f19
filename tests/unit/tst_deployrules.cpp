// The preconditions of a deploy, as a table: facts read from the cluster and the registry
// (recorded objects, changed per case) -> the plan's checks and what it would write. No cluster.
#include "rulefacts.h"

#include <QTest>
#include <functional>

using namespace rulefacts;
using Target = model::DeployTarget;
using Change = std::function<void(model::DeployFacts&)>;

Q_DECLARE_METATYPE(Change)

namespace {
const std::string image = "ghcr.io/v-sekai/uro:8d3c2f41";
}

class TestDeployRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void preconditions_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("image");
        QTest::addColumn<Change>("change");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("failure");
        QTest::addColumn<bool>("permission");
        QTest::addColumn<bool>("badInput");
        const QString img = QString::fromStdString(image);
        auto row = [&](const char* name, Target t, Change c, bool allowed, const char* failure,
                       bool permission = false) {
            QTest::newRow(name) << int(t) << img << c << allowed << QString::fromUtf8(failure) << permission << false;
        };
        row("staging as recorded", Target::Staging, {}, true, "");
        row("sandbox as recorded", Target::Sandbox, {}, true, "");
        row("live is never a target", Target::Live, {}, false,
            "Live is never a deploy target: deploy to staging, then swap");
        QTest::newRow("not an image reference") << int(Target::Staging) << QStringLiteral("UPPER CASE:tag") << Change()
                                                << false << QStringLiteral("is an image reference") << false << true;
        row(
            "live Service missing", Target::Staging, [](auto& f) { f.live.reset(); }, false,
            "The live and staging Services uro and uro-staging exist in uro");
        row(
            "staging Service missing", Target::Staging, [](auto& f) { f.staging.reset(); }, false,
            "The live and staging Services uro and uro-staging exist in uro");
        row(
            "staging on the live slot", Target::Staging, [](auto& f) { selectSlot(*f.staging, "a"); }, false,
            "The staging slot (slot A) is not live (live and staging point at the same slot: repair it first)");
        row(
            "staging selects both", Target::Staging,
            [](auto& f) { f.staging->selector.erase("signalbox.v-sekai.org/slot"); }, false,
            "The staging Service selects exactly one slot");
        row(
            "staging selects neither", Target::Staging, [](auto& f) { selectSlot(*f.staging, "x"); }, false,
            "The staging Service selects exactly one slot");
        row(
            "staging slot's Deployment missing", Target::Staging, [](auto& f) { f.b.reset(); }, false,
            "The staging Service selects exactly one slot");
        row(
            "live selects both, staging B", Target::Staging,
            [](auto& f) { f.live->selector.erase("signalbox.v-sekai.org/slot"); }, false,
            "The staging slot (slot B) is not live (live and staging point at the same slot");
        row(
            "live on B, staging on A", Target::Staging,
            [](auto& f) {
                selectSlot(*f.live, "b");
                selectSlot(*f.staging, "a");
            },
            true, "");
        row(
            "sandbox Deployment missing", Target::Sandbox, [](auto& f) { f.sandbox.reset(); }, false,
            "The sandbox Deployment uro-sandbox/uro exists");
        row(
            "may not patch", Target::Staging, [](auto& f) { f.mayPatch = false; }, false,
            "You may patch the Deployment uro/uro-b", true);
        row(
            "may not patch sandbox", Target::Sandbox, [](auto& f) { f.mayPatch = false; }, false,
            "You may patch the Deployment uro-sandbox/uro", true);
        row(
            "read forbidden", Target::Staging,
            [](auto& f) { f.error = apiError(403, "Forbidden", "You (deployer) may not get services in uro."); }, false,
            "You (deployer) may not get services in uro.", true);
        row(
            "read failed", Target::Staging, [](auto& f) { f.error = apiError(500, "InternalError", "It broke."); },
            false, "It broke.");
        row(
            "tag unknown to the registry", Target::Staging,
            [](auto& f) {
                f.manifest.reset();
                f.registryError = apiError(404, "", "The tag 8d3c2f41 does not exist in ghcr.io/v-sekai/uro.");
            },
            false, "The tag 8d3c2f41 resolves to a digest: The tag 8d3c2f41 does not exist");
    }

    void preconditions()
    {
        QFETCH(int, target);
        QFETCH(QString, image);
        QFETCH(Change, change);
        QFETCH(bool, allowed);
        QFETCH(QString, failure);
        QFETCH(bool, permission);
        QFETCH(bool, badInput);
        auto facts = deployFacts("uro");
        if (change)
            change(facts);
        const auto plan = model::planDeploy(Target(target), spec("uro"), image.toStdString(), facts);
        QCOMPARE(plan.allowed(), allowed);
        QCOMPARE(plan.badInput, badInput);
        const model::Check* f = plan.firstFailure();
        if (allowed) {
            QVERIFY(!f);
            return;
        }
        QVERIFY(f);
        QVERIFY2(QString::fromStdString(f->text).contains(failure), f->text.c_str());
        QCOMPARE(f->permission, permission);
    }

    void stagingPlanPinsTheDigest()
    {
        const auto plan = model::planDeploy(Target::Staging, spec("uro"), image, deployFacts("uro"));
        QCOMPARE(plan.slot, std::optional(model::Slot::B));
        QCOMPARE(plan.deployment, std::string("uro-b"));
        QCOMPARE(plan.ns, std::string("uro"));
        QCOMPARE(plan.pinned, "ghcr.io/v-sekai/uro@sha256:" + std::string(64, 'c'));
        QCOMPARE(plan.tag, std::string("8d3c2f41"));
        QCOMPARE(plan.revision, std::string("8d3c2f41aa"));
        QCOMPARE(plan.user, std::string("operator"));
        QVERIFY(plan.current.exists);
        QVERIFY(!plan.resourceVersion.empty());
        QVERIFY(!plan.container.empty());
        QVERIFY(plan.warning.empty());
    }

    void aDigestNeedsNoRegistry()
    {
        auto facts = deployFacts("uro");
        facts.manifest.reset();
        const std::string digest = "sha256:" + std::string(64, 'd');
        const auto plan = model::planDeploy(Target::Staging, spec("uro"), "ghcr.io/v-sekai/uro@" + digest, facts);
        QVERIFY(plan.allowed());
        QCOMPARE(plan.pinned, "ghcr.io/v-sekai/uro@" + digest);
    }

    void migrationsOnTheLiveDatabaseWarn()
    {
        auto s = spec("uro");
        s.runsMigrationsAtStart = s.stagingSharesLiveDatabase = true;
        QVERIFY(model::planDeploy(Target::Staging, s, image, deployFacts("uro")).warning.find("live schema") !=
                std::string::npos);
        QVERIFY(model::planDeploy(Target::Sandbox, s, image, deployFacts("uro")).warning.empty());
        s.stagingSharesLiveDatabase = false;
        QVERIFY(model::planDeploy(Target::Staging, s, image, deployFacts("uro")).warning.empty());
    }
};

QTEST_GUILESS_MAIN(TestDeployRules)
#include "tst_deployrules.moc"
