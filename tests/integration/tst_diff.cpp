// `signalbox diff` on the rig: the staging slot's Deployment gets an environment variable change and a
// ConfigMap reference change (uro-config -> uro-config-v2, whose content differs), and the diff shows
// both, the ConfigMaps' content and the commits in between; a Secret both slots reference changes its
// value, which appears in no output (human, JSON, either direction); a user who may not read ConfigMaps
// gets the diff with the content "not readable"; a wrong side is a usage error. The example is restored.
#include "support/cluster.h"
#include "support/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using testsupport::kubectl;
using testsupport::signalbox;

namespace {

const QString ns = QStringLiteral("uro");
const QByteArray firstSecret = "first-secret-value-5d1e";
const QByteArray secondSecret = "second-secret-value-9c2a";

bool admin(const QStringList& args, const QByteArray& input = {})
{
    const auto r = kubectl(QStringLiteral("admin"), args, input);
    if (r.exitCode != 0)
        qWarning("%s", qPrintable(r.describe()));
    return r.exitCode == 0;
}

QString everything(const testsupport::ProcessResult& r)
{
    return r.outText() + r.errText();
}

} // namespace

class TestDiff : public QObject {
    Q_OBJECT

    void restore() { QVERIFY(testsupport::undoSlotChanges()); }

    void arrange() { QVERIFY(testsupport::arrangeSlotChanges(firstSecret)); }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        restore();
    }

    void init() { arrange(); }

    void cleanupTestCase()
    {
        restore();
        QVERIFY(testsupport::exampleRolledOut());
    }

    void showsTheEnvAndConfigMapChanges()
    {
        const auto r = signalbox(QStringLiteral("admin"), {QStringLiteral("diff"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QString out = r.outText();
        QVERIFY2(out.startsWith(QStringLiteral("live (slot A, uro-a) -> staging (slot B, uro-b)\n")), qPrintable(out));
        for (const char* line :
             {"  container uro: env DATABASE_URL: ecto://db-v1/uro -> ecto://db-v2/uro\n",
              "  container uro: envFrom 1: ConfigMap uro-config -> ConfigMap uro-config-v2\n",
              "  ConfigMap uro-config and uro-config-v2: content: uro-config -> uro-config-v2 (content differs)\n",
              "  commit: 8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3 -> c41e7a90d2f35b6e8a1c4d7f0b2e5a8c1d4f7a0b\n",
              "Commits in between: https://github.com/v-sekai/uro/compare/"
              "8d3c2f41a9b07e5d6c1f2a3b4c5d6e7f8091a2b3...c41e7a90d2f35b6e8a1c4d7f0b2e5a8c1d4f7a0b\n"})
            QVERIFY2(out.contains(QLatin1String(line)), qPrintable(line + QStringLiteral(" in:\n") + out));
        // The Secret reference is the same on both sides: counted among the equal fields, not shown.
        QVERIFY2(!out.contains(QStringLiteral("DATABASE_PASSWORD")), qPrintable(out));
        // Differences first, then the count of the others.
        QVERIFY(out.indexOf(QStringLiteral("env DATABASE_URL")) < out.indexOf(QStringLiteral(" other fields equal.")));

        // The same as JSON, the other way round.
        const auto j =
            signalbox(QStringLiteral("admin"),
                      {QStringLiteral("diff"), QStringLiteral("uro"), QStringLiteral("--from"), QStringLiteral("b"),
                       QStringLiteral("--to"), QStringLiteral("live"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(j.exitCode == 0, qPrintable(j.describe()));
        const QJsonObject o = QJsonDocument::fromJson(j.out).object();
        QCOMPARE(o.value(QStringLiteral("from")).toString(), QStringLiteral("slot B, uro-b"));
        QCOMPARE(o.value(QStringLiteral("to")).toString(), QStringLiteral("live (slot A, uro-a)"));
        QStringList fields;
        for (const QJsonValue& d : o.value(QStringLiteral("differences")).toArray())
            fields << d.toObject().value(QStringLiteral("field")).toString();
        QVERIFY2(fields.contains(QStringLiteral("container uro: env DATABASE_URL")), qPrintable(fields.join(u'|')));
        QVERIFY2(fields.contains(QStringLiteral("ConfigMap uro-config-v2 and uro-config: content")),
                 qPrintable(fields.join(u'|')));
        QVERIFY(o.value(QStringLiteral("equalFields")).toInt() > 5);
    }

    void aSecretsValueNeverShows()
    {
        QVERIFY(testsupport::setUroSecret(secondSecret));
        // The staging slot now reads another key: the reference changes, never a value.
        QVERIFY(admin({QStringLiteral("patch"), QStringLiteral("deployment"), QStringLiteral("uro-b"),
                       QStringLiteral("-n"), ns, QStringLiteral("--type"), QStringLiteral("json"), QStringLiteral("-p"),
                       QStringLiteral(R"([{"op":"replace","path":"/spec/template/spec/containers/0/env/1/valueFrom/)"
                                      R"(secretKeyRef/key","value":"password-v2"}])")}));
        bool referenceShown = false;
        for (const QStringList& sides : {QStringList{}, QStringList{QStringLiteral("--from"), QStringLiteral("b"),
                                                                    QStringLiteral("--to"), QStringLiteral("a")}})
            for (const QStringList& format :
                 {QStringList{}, QStringList{QStringLiteral("-o"), QStringLiteral("json")}}) {
                const auto r = signalbox(QStringLiteral("admin"),
                                         QStringList{QStringLiteral("diff"), QStringLiteral("uro")} + sides + format);
                QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
                for (const QByteArray& value : {firstSecret, secondSecret})
                    QVERIFY2(!everything(r).contains(QString::fromLatin1(value)), qPrintable(r.describe()));
                referenceShown =
                    referenceShown || r.outText().contains(QStringLiteral("Secret uro-db key password-v2"));
            }
        QVERIFY(referenceShown);
    }

    void configMapsNotReadableAreSaid()
    {
        // The operator's roles grant no ConfigMaps: the diff still shows, and says what it could not compare.
        const auto r = signalbox(QStringLiteral("operator"), {QStringLiteral("diff"), QStringLiteral("uro")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("envFrom 1: ConfigMap uro-config -> ConfigMap uro-config-v2")),
                 qPrintable(r.describe()));
        QVERIFY2(
            r.outText().contains(QStringLiteral("ConfigMap uro-config was not compared: not readable (forbidden).")),
            qPrintable(r.describe()));
        QVERIFY(!r.outText().contains(QStringLiteral("content differs")));
    }

    void sameSlotHasNoDifferences()
    {
        const auto r = signalbox(QStringLiteral("viewer"),
                                 {QStringLiteral("diff"), QStringLiteral("uro"), QStringLiteral("--from"),
                                  QStringLiteral("a"), QStringLiteral("--to"), QStringLiteral("live")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.outText().contains(QStringLiteral("No differences.\n")), qPrintable(r.describe()));
    }

    void wrongSideIsUsage()
    {
        const auto r = signalbox(QStringLiteral("viewer"), {QStringLiteral("diff"), QStringLiteral("uro"),
                                                            QStringLiteral("--from"), QStringLiteral("prod")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("--from and --to take live, staging, sandbox, a or b")),
                 qPrintable(r.describe()));
        const auto s = signalbox(QStringLiteral("viewer"),
                                 {QStringLiteral("status"), QStringLiteral("--from"), QStringLiteral("a")});
        QCOMPARE(s.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
