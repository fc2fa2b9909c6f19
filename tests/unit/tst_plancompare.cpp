// A confirmed swap is carried out only if the fresh plan is the same swap: the same members by
// namespace and name, the same slots, images and digests. Compared by identity, never by position.
#include "model/actions/swap.h"

#include <QTest>

namespace {

model::SwapMember member(const std::string& name, model::Slot liveFrom, const std::string& liveImage,
                         const std::string& stagingImage)
{
    model::SwapMember m;
    m.spec.name = name;
    m.spec.ns = "uro";
    m.spec.group = "uro";
    m.liveFrom = liveFrom;
    m.liveTo = model::other(liveFrom);
    m.from.slot = m.liveFrom;
    m.from.image = liveImage;
    m.from.digest = "sha256:" + std::string(64, liveImage.empty() ? '0' : liveImage.back());
    m.to.slot = m.liveTo;
    m.to.image = stagingImage;
    m.to.digest = "sha256:" + std::string(64, stagingImage.empty() ? '0' : stagingImage.back());
    return m;
}

model::SwapPlan plan(std::vector<model::SwapMember> members)
{
    model::SwapPlan p;
    p.service = "uro";
    p.group = "uro";
    for (auto& m : members) {
        p.memberKeys.push_back(m.spec.ns + "/" + m.spec.name);
        p.members.push_back(std::move(m));
    }
    return p;
}

model::SwapPlan confirmedPair()
{
    return plan(
        {member("uro", model::Slot::A, "ghcr.io/v-sekai/uro:1", "ghcr.io/v-sekai/uro:2"),
         member("uro-frontend", model::Slot::A, "ghcr.io/v-sekai/uro-frontend:1", "ghcr.io/v-sekai/uro-frontend:2")});
}

} // namespace

Q_DECLARE_METATYPE(model::SwapPlan)

class TestPlanCompare : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void differences_data()
    {
        QTest::addColumn<model::SwapPlan>("fresh");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("says");
        using K = model::PlanDifference::Kind;

        QTest::newRow("same") << confirmedPair() << int(K::None) << QString();
        {
            // The same members listed in another order are the same swap.
            auto p = confirmedPair();
            std::swap(p.members[0], p.members[1]);
            std::swap(p.memberKeys[0], p.memberKeys[1]);
            QTest::newRow("same, other order") << p << int(K::None) << QString();
        }
        {
            auto p = confirmedPair();
            auto extra = member("uro-extra", model::Slot::A, "x:1", "x:2");
            p.memberKeys.push_back("uro/uro-extra");
            p.members.push_back(extra);
            QTest::newRow("a service joined")
                << p << int(K::Members) << QStringLiteral("uro-extra (namespace uro) is now part of the group");
        }
        {
            // A newcomer whose own checks failed is still a newcomer.
            auto p = confirmedPair();
            p.memberKeys.push_back("uro/uro-extra");
            QTest::newRow("a service joined, not plannable")
                << p << int(K::Members) << QStringLiteral("uro-extra (namespace uro) is now part of the group");
        }
        {
            auto p = confirmedPair();
            p.members.pop_back();
            p.memberKeys.pop_back();
            QTest::newRow("a service left")
                << p << int(K::Members) << QStringLiteral("uro-frontend (namespace uro) is no longer part");
        }
        {
            // Left and another joined: same count, same position, different service.
            auto p = confirmedPair();
            p.members[1] =
                member("uro-admin", model::Slot::A, "ghcr.io/v-sekai/uro-frontend:1", "ghcr.io/v-sekai/uro-frontend:2");
            p.memberKeys[1] = "uro/uro-admin";
            QTest::newRow("one replaced by another")
                << p << int(K::Members) << QStringLiteral("uro-admin (namespace uro) is now part of the group");
        }
        {
            auto p = confirmedPair();
            p.members[1].spec.ns = "uro-2";
            p.memberKeys[1] = "uro-2/uro-frontend";
            QTest::newRow("same name, other namespace")
                << p << int(K::Members) << QStringLiteral("uro-frontend (namespace uro-2) is now part");
        }
        {
            auto p = confirmedPair();
            p.members[1] = member("uro-frontend", model::Slot::B, "ghcr.io/v-sekai/uro-frontend:2",
                                  "ghcr.io/v-sekai/uro-frontend:1");
            QTest::newRow("live moved") << p << int(K::Contents)
                                        << QStringLiteral("uro-frontend's live slot is now B, not A");
        }
        {
            auto p = confirmedPair();
            p.members[0].to.image = "ghcr.io/v-sekai/uro:3";
            QTest::newRow("staging redeployed")
                << p << int(K::Contents) << QStringLiteral("uro's staging now runs ghcr.io/v-sekai/uro:3");
        }
        {
            // Same tag, other digest: a tag moved under the same name.
            auto p = confirmedPair();
            p.members[0].to.digest = "sha256:" + std::string(64, 'f');
            QTest::newRow("staging digest changed")
                << p << int(K::Contents) << QStringLiteral("uro's staging now runs");
        }
        {
            auto p = confirmedPair();
            p.members[1].from.digest = "sha256:" + std::string(64, 'e');
            QTest::newRow("live digest changed")
                << p << int(K::Contents) << QStringLiteral("uro-frontend's live slot now runs");
        }
        {
            auto p = confirmedPair();
            p.kind = model::SwapPlan::Kind::Rollback;
            QTest::newRow("another action") << p << int(K::Contents) << QStringLiteral("not the one confirmed");
        }
    }

    void differences()
    {
        QFETCH(model::SwapPlan, fresh);
        QFETCH(int, kind);
        QFETCH(QString, says);
        const auto d = model::differenceFromConfirmed(confirmedPair(), fresh);
        QCOMPARE(int(d.kind), kind);
        QCOMPARE(bool(d), kind != int(model::PlanDifference::Kind::None));
        QVERIFY2(QString::fromStdString(d.why).contains(says), d.why.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPlanCompare)
#include "tst_plancompare.moc"
