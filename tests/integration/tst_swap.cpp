// Swaps against the local control plane: both Services flip and the live endpoints follow;
// a swap cut off half way is reported and repaired (racing operators: tst_swaprace);
// rollback is offered only while the previous release runs untouched; viewers are refused.
#include "model/actions/deploy.h"
#include "model/actions/swap.h"
#include "model/state/servicelookup.h"
#include "support/cluster.h"
#include "support/kubetest.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using kube::Json;
using kubetest::await;
using testsupport::historyLength;
using testsupport::kubectl;
using testsupport::selectorOf;
using testsupport::setFrontendGroup;

class TestSwap : public QObject {
    Q_OBJECT

private:
    kube::Transport m_transport;
    std::vector<model::ServiceSpec> m_services;

    std::unique_ptr<kube::Client> client(const QString& user)
    {
        auto rc = kubetest::restConfigFor(user);
        if (!rc)
            qFatal("%s", rc.error().message.c_str());
        return std::make_unique<kube::Client>(rc.value(), &m_transport);
    }

    model::SwapPlan plan(kube::Client* c, model::SwapPlan::Kind kind, const std::string& service,
                         std::optional<model::Slot> expect = std::nullopt)
    {
        model::Swapper swapper(c, model::groupOf(m_services, service));
        std::optional<model::SwapPlan> out;
        swapper.plan({kind, service, expect}, [&out](model::SwapPlan p) { out = std::move(p); });
        if (!QTest::qWaitFor([&out] { return out.has_value(); }, 20000))
            qFatal("no plan within 20 s");
        return *out;
    }

    model::SwapOutcome execute(kube::Client* c, const model::SwapPlan& p,
                               std::function<void(const std::string&)> progress = {})
    {
        model::Swapper swapper(c, model::groupOf(m_services, p.service));
        std::optional<model::SwapOutcome> out;
        swapper.execute(
            p,
            [progress](const std::string& step) {
                if (progress)
                    progress(step);
            },
            [&out](model::SwapOutcome o) { out = std::move(o); });
        if (!QTest::qWaitFor([&out] { return out.has_value(); }, 60000))
            qFatal("no outcome within 60 s");
        return *out;
    }

    int runSwap(const QStringList& extra)
    {
        return testsupport::signalbox(
                   QStringLiteral("operator"),
                   QStringList{QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")} + extra, 60000)
            .exitCode;
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_CLUSTER();
        QVERIFY(testsupport::applyExample());
        QVERIFY(testsupport::exampleRolledOut());
        QVERIFY(testsupport::setExampleSlots());
        auto c = client(QStringLiteral("operator"));
        auto found =
            await<std::vector<model::ServiceSpec>>([&](auto cb) { model::lookupServices(c.get(), {}, "uro", cb); });
        QVERIFY(found && *found);
        m_services = found->value();
        QCOMPARE(model::groupOf(m_services, "uro").size(), std::size_t(2));
    }

    void init()
    {
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro")));
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro-frontend")));
    }

    void swapFlipsTheGroupAndTheEndpointsFollow()
    {
        auto c = client(QStringLiteral("operator"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QVERIFY2(p.allowed(), p.describe().c_str());
        QCOMPARE(p.members.size(), std::size_t(2));
        QCOMPARE(p.user, std::string("operator"));
        const auto o = execute(c.get(), p);
        QVERIFY2(o.status == model::SwapOutcome::Status::Done && o.verified, o.message.c_str());
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(selectorOf(s), QStringLiteral("b"));
            QCOMPARE(selectorOf(s + QStringLiteral("-staging")), QStringLiteral("a"));
        }
        // The endpoints of the live Service are exactly slot b's pods.
        const auto pods =
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-n"), QStringLiteral("uro"),
                     QStringLiteral("-l"), QStringLiteral("app.kubernetes.io/name=uro,signalbox.v-sekai.org/slot=b"),
                     QStringLiteral("-o"), QStringLiteral("jsonpath={.items[*].status.podIP}")});
        const auto slices =
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("get"), QStringLiteral("endpointslices"), QStringLiteral("-n"),
                     QStringLiteral("uro"), QStringLiteral("-l"), QStringLiteral("kubernetes.io/service-name=uro"),
                     QStringLiteral("-o"), QStringLiteral("jsonpath={.items[*].endpoints[*].addresses[*]}")});
        QStringList want = QString::fromUtf8(pods.out).split(u' ', Qt::SkipEmptyParts);
        QStringList have = QString::fromUtf8(slices.out).split(u' ', Qt::SkipEmptyParts);
        want.sort();
        have.sort();
        QCOMPARE(have, want);
        QCOMPARE(want.size(), 2);
        // The record carries the API server's name for the user.
        const auto entries =
            kube::decodeHistory(testsupport::historyOf(QStringLiteral("service"), QStringLiteral("uro")).toStdString());
        QCOMPARE(entries.size(), std::size_t(1));
        QCOMPARE(entries[0].user, std::string("operator"));
        QCOMPARE(entries[0].to.slot, std::string("b"));
        const auto events =
            kubectl(QStringLiteral("admin"),
                    {QStringLiteral("get"), QStringLiteral("events"), QStringLiteral("-n"), QStringLiteral("uro"),
                     QStringLiteral("--field-selector"), QStringLiteral("reason=Swapped,involvedObject.name=uro"),
                     QStringLiteral("-o"), QStringLiteral("jsonpath={.items[*].message}")});
        QVERIFY2(events.out.contains("operator swapped uro: live slot A"), events.out.constData());
    }

    void rollbackOnlyWhileThePreviousReleaseIsUntouched()
    {
        auto c = client(QStringLiteral("operator"));
        QVERIFY(execute(c.get(), plan(c.get(), model::SwapPlan::Kind::Swap, "uro")).verified);
        auto back = plan(c.get(), model::SwapPlan::Kind::Rollback, "uro");
        QVERIFY2(back.allowed(), back.describe().c_str());
        QVERIFY(execute(c.get(), back).verified);
        QCOMPARE(selectorOf(QStringLiteral("uro")), selectorOf(QStringLiteral("uro-frontend")));

        // Swap again, then redeploy the old live slot (now staging): nothing left to roll back to.
        QVERIFY(execute(c.get(), plan(c.get(), model::SwapPlan::Kind::Swap, "uro")).verified);
        const QString staging = selectorOf(QStringLiteral("uro-staging"));
        const QString deployment = QStringLiteral("uro-") + staging;
        const QString old = testsupport::field(QStringLiteral("deployment"), deployment,
                                               QStringLiteral("{.spec.template.spec.containers[0].image}"));
        QVERIFY(kubectl(QStringLiteral("admin"),
                        {QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/") + deployment,
                         QStringLiteral("uro=ghcr.io/v-sekai/uro:0000000000000000000000000000000000000001"),
                         QStringLiteral("-n"), QStringLiteral("uro")})
                    .exitCode == 0);
        const auto refused = plan(c.get(), model::SwapPlan::Kind::Rollback, "uro");
        QVERIFY(!refused.allowed());
        QVERIFY2(QString::fromStdString(refused.firstFailure()->text)
                     .contains(QStringLiteral("staging was redeployed since")),
                 refused.describe().c_str());
        QVERIFY(kubectl(QStringLiteral("admin"),
                        {QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/") + deployment,
                         QStringLiteral("uro=") + old, QStringLiteral("-n"), QStringLiteral("uro")})
                    .exitCode == 0);
        QVERIFY(testsupport::rolledOut(deployment));
    }

    void viewerIsRefusedWithExitCode4()
    {
        auto c = client(QStringLiteral("viewer"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QVERIFY(!p.allowed());
        QVERIFY(p.refusedForPermission());
        const auto cli = testsupport::signalbox(
            QStringLiteral("viewer"), {QStringLiteral("swap"), QStringLiteral("uro"), QStringLiteral("--yes")}, 30000);
        QCOMPARE(cli.exitCode, 4);
        QVERIFY(cli.err.contains("You may patch the Service uro"));
    }

    void aServiceThatJoinsTheGroupAfterConfirmIsRefused()
    {
        QVERIFY(testsupport::setExampleSlots());
        auto rejoin = qScopeGuard([] { setFrontendGroup(QStringLiteral("uro")); });
        auto c = client(QStringLiteral("operator"));
        QVERIFY(setFrontendGroup(QStringLiteral("uro-frontend-alone")));
        auto alone =
            await<std::vector<model::ServiceSpec>>([&](auto cb) { model::lookupServices(c.get(), {}, "uro", cb); });
        QVERIFY(alone && *alone);
        QCOMPARE(model::groupOf(alone->value(), "uro").size(), std::size_t(1));
        model::Swapper planner(c.get(), model::groupOf(alone->value(), "uro"));
        std::optional<model::SwapPlan> confirmed;
        planner.plan({model::SwapPlan::Kind::Swap, "uro"}, [&](model::SwapPlan p) { confirmed = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(confirmed.has_value(), 20000);
        QVERIFY2(confirmed->allowed(), confirmed->describe().c_str());
        QCOMPARE(confirmed->members.size(), std::size_t(1)); // what the confirm dialog showed

        // Between confirm and execute, uro-frontend joins uro's group.
        QVERIFY(setFrontendGroup(QStringLiteral("uro")));
        model::Swapper executor(c.get(), model::groupOf(alone->value(), "uro"));
        executor.setFreshGroup({});
        std::optional<model::SwapOutcome> o;
        executor.execute(
            *confirmed, [](const std::string&) {}, [&](model::SwapOutcome out) { o = std::move(out); });
        QTRY_VERIFY_WITH_TIMEOUT(o.has_value(), 30000);
        QCOMPARE(o->status, model::SwapOutcome::Status::Conflict);
        QVERIFY2(QString::fromStdString(o->message)
                     .contains(QStringLiteral("uro-frontend (namespace uro) is now part of the group")),
                 o->message.c_str());
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")})
            QCOMPARE(selectorOf(s), QStringLiteral("a"));

        // And one that leaves after confirm: the confirmed pair is not shrunk to one.
        const auto pair = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QCOMPARE(pair.members.size(), std::size_t(2));
        QVERIFY(setFrontendGroup(QStringLiteral("uro-frontend-alone")));
        model::Swapper executor2(c.get(), model::groupOf(m_services, "uro"));
        executor2.setFreshGroup({});
        o.reset();
        executor2.execute(
            pair, [](const std::string&) {}, [&](model::SwapOutcome out) { o = std::move(out); });
        QTRY_VERIFY_WITH_TIMEOUT(o.has_value(), 30000);
        QVERIFY(setFrontendGroup(QStringLiteral("uro")));
        QCOMPARE(o->status, model::SwapOutcome::Status::Conflict);
        QVERIFY2(QString::fromStdString(o->message)
                     .contains(QStringLiteral("uro-frontend (namespace uro) is no longer part")),
                 o->message.c_str());
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")})
            QCOMPARE(selectorOf(s), QStringLiteral("a"));
    }

    void withoutATerminalSwapRefusesToAsk()
    {
        // No input: the command's standard input is closed at once.
        const auto cli =
            testsupport::signalbox(QStringLiteral("operator"), {QStringLiteral("swap"), QStringLiteral("uro")}, 30000);
        QCOMPARE(cli.exitCode, 2);
        QVERIFY(cli.err.contains("pass --yes"));
    }

    void aPlanWhoseReadsStraddleASwapSeesItChanged()
    {
        // A plan that read staging before someone's swap and live after it must report that
        // live moved, not a staging that shares live's slot.
        QVERIFY(testsupport::setExampleSlots());
        auto c = client(QStringLiteral("operator"));
        // Holds the plan between uro's two Service reads.
        struct HeldReads : model::ActionSeams {
            std::function<void()> resume;
            void betweenSwapReads(const std::string& service, std::function<void()> go) override
            {
                if (service == "uro")
                    resume = std::move(go);
                else
                    go();
            }
        } held;
        model::Swapper reader(c.get(), model::groupOf(m_services, "uro"), &held);
        std::function<void()>& resume = held.resume;
        std::optional<model::SwapPlan> out;
        reader.plan({model::SwapPlan::Kind::Swap, "uro", model::Slot::A},
                    [&out](model::SwapPlan p) { out = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(bool(resume), 20000);
        QCOMPARE(runSwap({}), 0);
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(selectorOf(QStringLiteral("uro-staging")), QStringLiteral("a"));
        resume();
        QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), 20000);
        QVERIFY(!out->allowed());
        QVERIFY2(out->refusedAsChanged(), out->describe().c_str());
        QVERIFY2(QString::fromStdString(out->firstFailure()->text).contains(QStringLiteral("it is on slot B")),
                 out->describe().c_str());
    }

    void aDeployOvertakenByASwapIsUndone_data()
    {
        QTest::addColumn<bool>("authorsChecked");
        QTest::newRow("plain") << false;
        // The undo withdraws the deploy's own entry, which is all the history-authors policy
        // lets it take back.
        QTest::newRow("with the history-authors policy") << true;
    }

    void aDeployOvertakenByASwapIsUndone()
    {
        // The deploy checked that slot B is staging; before its patch goes out, an operator swaps
        // and B becomes live. The deploy must not leave a new release running in live.
        QFETCH(bool, authorsChecked);
        QString why;
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(false, &why), qPrintable(why));
        QVERIFY(testsupport::clearHistory(QStringLiteral("deployment"), QStringLiteral("uro-b")));
        QVERIFY2(testsupport::setHistoryAuthorsPolicy(authorsChecked, &why), qPrintable(why));
        const auto removePolicy = qScopeGuard([] { testsupport::setHistoryAuthorsPolicy(false); });
        QVERIFY(testsupport::setExampleSlots());
        const auto image = [] {
            return testsupport::field(QStringLiteral("deployment"), QStringLiteral("uro-b"),
                                      QStringLiteral("{.spec.template.spec.containers[0].image}"));
        };
        const QString before = image();
        const auto history = [] {
            return testsupport::historyOf(QStringLiteral("deployment"), QStringLiteral("uro-b"));
        };
        // The author lines as written, untrimmed: they must come back character for character.
        const auto authors = [] {
            return kubectl(
                       QStringLiteral("admin"),
                       {QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("uro-b"),
                        QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("-o"),
                        QStringLiteral("jsonpath={.metadata.annotations.signalbox\\.v-sekai\\.org/history-authors}")})
                .out;
        };
        const QString annotationsBefore = history();
        const QByteArray authorsBefore = authors();
        auto c = client(QStringLiteral("deployer"));
        const auto spec = model::groupOf(m_services, "uro").front();
        QCOMPARE(QString::fromStdString(spec.name), QStringLiteral("uro"));
        model::Deployer deployer(c.get(), nullptr, spec);
        const std::string wanted = "ghcr.io/v-sekai/uro@sha256:" + std::string(64, 'e');
        std::optional<model::DeployPlan> planned;
        deployer.plan(model::DeployTarget::Staging, wanted, [&](model::DeployPlan p) { planned = std::move(p); });
        QTRY_VERIFY_WITH_TIMEOUT(planned.has_value(), 20000);
        QVERIFY2(planned->allowed(), planned->describe().c_str());
        QCOMPARE(planned->slot, std::optional(model::Slot::B));

        std::function<void()> send;
        deployer.setBeforePatchHook([&send](std::function<void()> go) { send = std::move(go); });
        std::optional<model::DeployOutcome> outcome;
        deployer.execute(
            *planned, false, [](const std::string&) {}, [&](model::DeployOutcome o) { outcome = std::move(o); });
        QTRY_VERIFY_WITH_TIMEOUT(bool(send), 20000);
        QCOMPARE(runSwap({}), 0);
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        send();
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 20000);
        QVERIFY2(outcome->status == model::DeployOutcome::Status::Conflict, outcome->message.c_str());
        QVERIFY2(QString::fromStdString(outcome->message).contains(QStringLiteral("undone")), outcome->message.c_str());
        QCOMPARE(image(), before);
        QCOMPARE(history(), annotationsBefore);
        QCOMPARE(authors(), authorsBefore);
        QVERIFY(testsupport::rolledOut(QStringLiteral("uro-b")));
    }

    // The viewer's kubeconfig with its token replaced by an exec plugin: `body` is the plugin's
    // shell script up to the point where it prints the ExecCredential for the viewer's token.
    // Returns the kubeconfig's path, or empty; `token` gets the token.
    QString execKubeconfig(const QTemporaryDir& dir, const QString& body, const QString& mode, QString* token)
    {
        QFile kubeconfig(testsupport::kubeconfigFor(QStringLiteral("viewer")));
        if (!kubeconfig.open(QIODevice::ReadOnly))
            return {};
        QString text = QString::fromUtf8(kubeconfig.readAll());
        const auto m = QRegularExpression(QStringLiteral("\n    token: (\\S+)")).match(text);
        if (!m.hasMatch())
            return {};
        *token = m.captured(1);
        QFile tokenFile(dir.filePath(QStringLiteral("token")));
        const QString plugin = dir.filePath(QStringLiteral("login"));
        QFile out(dir.filePath(QStringLiteral("kubeconfig")));
        if (!tokenFile.open(QIODevice::WriteOnly) || !out.open(QIODevice::WriteOnly))
            return {};
        tokenFile.write(token->toUtf8());
        tokenFile.close();
        if (!testsupport::writeCredentialPlugin(plugin, body, tokenFile.fileName()))
            return {};
        text.replace(m.capturedStart(), m.capturedLength(),
                     QStringLiteral("\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                    "      command: %1\n      interactiveMode: %2")
                         .arg(plugin, mode));
        out.write(text.toUtf8());
        return out.fileName();
    }

    void commandLinePrintsWhatACredentialPluginSays()
    {
        // A device-code login run from a terminal or CI log must be seen to be answered.
        QTemporaryDir dir;
        QString token;
        const QString kubeconfig = execKubeconfig(dir,
                                                  QStringLiteral("echo 'Sign in at %1 with the code ABCD-EFGH' >&2")
                                                      .arg(QStringLiteral("https://login.example/device")),
                                                  QStringLiteral("IfAvailable"), &token);
        QVERIFY(!kubeconfig.isEmpty());
        const auto cli =
            testsupport::run(testsupport::signalboxBinary(),
                             {QStringLiteral("status"), QStringLiteral("uro"), QStringLiteral("--kubeconfig"),
                              kubeconfig, QStringLiteral("-n"), QStringLiteral("uro")},
                             {}, 30000);
        const QString err = cli.errText();
        QVERIFY2(cli.exitCode == 0, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("signalbox: login says: Sign in at https://login.example/device "
                                             "with the code ABCD-EFGH")),
                 qPrintable(err));
        QVERIFY(!err.contains(token)); // the token itself is never printed
    }

    void inATerminalAPluginMayAsk()
    {
        // interactiveMode Always: run from a terminal, the plugin asks on it and gets the answer,
        // as under kubectl. The terminal is a pseudo-terminal made by Python's pty module.
        QTemporaryDir dir;
        QString token;
        const QString kubeconfig =
            execKubeconfig(dir,
                           QStringLiteral("case \"$KUBERNETES_EXEC_INFO\" in *'\"interactive\":true'*) ;; *) echo 'not "
                                          "interactive' >&2; exit 1;; esac\n"
                                          "printf 'One-time code: ' >&2\nread code\n"
                                          "[ \"$code\" = CODE-123 ] || { echo \"wrong code: $code\" >&2; exit 1; }"),
                           QStringLiteral("Always"), &token);
        QVERIFY(!kubeconfig.isEmpty());
        QProcess terminal;
        terminal.start(
            QStringLiteral("python3"),
            {QStringLiteral("-c"),
             QStringLiteral("import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))"),
             testsupport::signalboxBinary(), QStringLiteral("status"), QStringLiteral("uro"),
             QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("-n"), QStringLiteral("uro")});
        QVERIFY(terminal.waitForStarted());
        terminal.write("CODE-123\n");
        QVERIFY(terminal.waitForFinished(30000));
        const QString seen = QString::fromUtf8(terminal.readAll());
        QVERIFY2(terminal.exitCode() == 0, qPrintable(seen + QString::fromUtf8(terminal.readAllStandardError())));
        QVERIFY2(seen.contains(QStringLiteral("One-time code: ")), qPrintable(seen));
        QVERIFY2(seen.contains(QStringLiteral("uro: live slot ")), qPrintable(seen));

        // Without a terminal the same plugin is not run, and the sentence says why.
        const auto cli =
            testsupport::run(testsupport::signalboxBinary(),
                             {QStringLiteral("status"), QStringLiteral("uro"), QStringLiteral("--kubeconfig"),
                              kubeconfig, QStringLiteral("-n"), QStringLiteral("uro")},
                             {}, 30000);
        QVERIFY(cli.exitCode != 0);
        QVERIFY2(cli.err.contains("interactiveMode: Always"), "no sentence about the terminal");
    }

    void aSwapAwayAndBackSinceTheReadKeepsTheirHistory()
    {
        // uro has no history when read. Before the patch goes out, someone swaps away and back:
        // the selector is as read again, but their history is on the Service now. The swap must
        // be refused rather than write its one entry over theirs.
        QVERIFY(testsupport::setExampleSlots());
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro")));
        auto c = client(QStringLiteral("operator"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QVERIFY2(p.allowed(), p.describe().c_str());
        kube::HistoryEntry theirs;
        theirs.at = "2026-01-01T00:00:00Z";
        theirs.user = "someone";
        theirs.action = "swap";
        theirs.service = "uro";
        const std::string twoEntries = kube::appendHistory(kube::appendHistory("", theirs, 20), theirs, 20);
        const auto o = execute(c.get(), p, [&](const std::string& step) {
            if (step == "Pointing uro at slot B")
                QCOMPARE(
                    kubectl(QStringLiteral("admin"),
                            {QStringLiteral("annotate"), QStringLiteral("service"), QStringLiteral("uro"),
                             QStringLiteral("-n"), QStringLiteral("uro"),
                             QStringLiteral("signalbox.v-sekai.org/history=") + QString::fromStdString(twoEntries)})
                        .exitCode,
                    0);
        });
        QVERIFY2(o.status == model::SwapOutcome::Status::Conflict, o.message.c_str());
        QVERIFY2(QString::fromStdString(o.message).contains(QStringLiteral("Nothing was changed")), o.message.c_str());
        QCOMPARE(historyLength(QStringLiteral("uro")), 2);
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(selectorOf(s), QStringLiteral("a"));
            QCOMPARE(selectorOf(s + QStringLiteral("-staging")), QStringLiteral("b"));
        }
        QVERIFY(testsupport::clearHistory(QStringLiteral("service"), QStringLiteral("uro")));
    }

    // The API server carried the live patch out and its answer was lost on the way back: the swap
    // reads the Service again, finds its own slot and record there, and goes on to the end.
    void aLostAnswerToACarriedOutLivePatchIsReadAgain()
    {
        QVERIFY(testsupport::setExampleSlots());
        auto c = client(QStringLiteral("operator"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QVERIFY2(p.allowed(), p.describe().c_str());
        int lost = 0;
        c->setAnswerLoss([&lost](const kube::Client::Target& t, const kube::HttpRequest& r) {
            const bool first = r.method == "PATCH" && t.resource.plural == "services" && t.name == "uro" && lost == 0;
            lost += first ? 1 : 0;
            return first;
        });
        const auto o = execute(c.get(), p);
        QCOMPARE(lost, 1);
        QVERIFY2(o.succeeded(), o.message.c_str());
        QCOMPARE(historyLength(QStringLiteral("uro")), 1);
        for (const QString& s : {QStringLiteral("uro"), QStringLiteral("uro-frontend")}) {
            QCOMPARE(selectorOf(s), QStringLiteral("b"));
            QCOMPARE(selectorOf(s + QStringLiteral("-staging")), QStringLiteral("a"));
        }
        QVERIFY(testsupport::setExampleSlots());
    }

    // The answer was lost and the Service does not hold the swap: the outcome says so, as found, and
    // never "nothing was changed" (the API server may still carry the patch out). The patch here is
    // refused on purpose (someone changed live first) so that what the read finds is known.
    void aLostAnswerThatCannotBeConfirmedIsUnknownNotNothingChanged()
    {
        QVERIFY(testsupport::setExampleSlots());
        auto c = client(QStringLiteral("operator"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro-frontend");
        QVERIFY2(p.allowed(), p.describe().c_str());
        c->setAnswerLoss([](const kube::Client::Target& t, const kube::HttpRequest& r) {
            return r.method == "PATCH" && t.resource.plural == "services" && t.name == "uro";
        });
        // Between the plan and the patch, someone points live elsewhere: the patch's test fails and
        // its answer (a conflict) is lost.
        const auto o = execute(c.get(), p, [](const std::string& step) {
            if (step == "Pointing uro at slot B")
                QVERIFY(testsupport::setSlots(QStringLiteral("uro"), QStringLiteral("b"), QStringLiteral("b")));
        });
        QCOMPARE(o.status, model::SwapOutcome::Status::Unknown);
        const QString message = QString::fromStdString(o.message);
        QVERIFY2(message.contains(QStringLiteral("The answer to the patch of Service uro was lost")),
                 o.message.c_str());
        QVERIFY2(message.contains(QStringLiteral("uro selects slot B without this swap's record")), o.message.c_str());
        QVERIFY2(!message.contains(QStringLiteral("Nothing was changed")), o.message.c_str());
        QCOMPARE(historyLength(QStringLiteral("uro")), 0);
        // The member switched before it was put back.
        QCOMPARE(selectorOf(QStringLiteral("uro-frontend")), QStringLiteral("a"));
        QVERIFY(testsupport::setSlots(QStringLiteral("uro"), QStringLiteral("a"), QStringLiteral("b")));
    }

    void secondStepRefusedMidSwapIsReportedAndRepaired()
    {
        QVERIFY(testsupport::setExampleSlots());
        auto c = client(QStringLiteral("operator"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QVERIFY(p.allowed());
        const QString withoutStaging = QStringLiteral(
            R"([{"op":"replace","path":"/rules/0/resourceNames","value":["uro","uro-frontend","uro-frontend-staging"]}])");
        const auto o = execute(c.get(), p, [&](const std::string& step) {
            if (step == "Pointing uro-staging at slot A") {
                // Between the two steps, the operator loses the right to patch uro-staging.
                QVERIFY(kubectl(QStringLiteral("admin"),
                                {QStringLiteral("patch"), QStringLiteral("role"), QStringLiteral("signalbox-operator"),
                                 QStringLiteral("-n"), QStringLiteral("uro"), QStringLiteral("--type=json"),
                                 QStringLiteral("-p"), withoutStaging})
                            .exitCode == 0);
                // Until the authorizer's cache has the change, the operator would still be let through.
                QVERIFY(QTest::qWaitFor(
                    [] {
                        return kubectl(QStringLiteral("operator"),
                                       {QStringLiteral("auth"), QStringLiteral("can-i"), QStringLiteral("patch"),
                                        QStringLiteral("services/uro-staging"), QStringLiteral("-n"),
                                        QStringLiteral("uro")})
                                   .out.trimmed() == "no";
                    },
                    10000));
            }
        });
        QCOMPARE(o.status, model::SwapOutcome::Status::SplitState);
        QVERIFY2(QString::fromStdString(o.message).contains(
                     QStringLiteral("uro now points at slot B, but uro-staging still points at slot B")),
                 o.message.c_str());
        QCOMPARE(o.status, model::SwapOutcome::Status::SplitState);
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(selectorOf(QStringLiteral("uro-staging")), QStringLiteral("b"));

        // The console and status say so; the repair needs the right back.
        const auto refused = plan(c.get(), model::SwapPlan::Kind::Repair, "uro");
        QVERIFY(!refused.allowed());
        QVERIFY(refused.refusedForPermission());
        const auto restore = kubectl(QStringLiteral("admin"),
                                     {QStringLiteral("apply"), QStringLiteral("-f"),
                                      testsupport::sourceDir() + QStringLiteral("/deploy/examples/uro/30-rbac.yaml")});
        QVERIFY(restore.exitCode == 0);
        QVERIFY(QTest::qWaitFor([&] { return plan(c.get(), model::SwapPlan::Kind::Repair, "uro").allowed(); }, 10000));
        const auto repaired = execute(c.get(), plan(c.get(), model::SwapPlan::Kind::Repair, "uro"));
        QVERIFY2(repaired.status == model::SwapOutcome::Status::Done, repaired.message.c_str());
        QCOMPARE(selectorOf(QStringLiteral("uro")), QStringLiteral("b"));
        QCOMPARE(selectorOf(QStringLiteral("uro-staging")), QStringLiteral("a"));
        QVERIFY(testsupport::setSlots(QStringLiteral("uro-frontend"), QStringLiteral("b"), QStringLiteral("a")));
    }

    void apiServerStoppedBetweenTheStepsIsReportedAndRepaired()
    {
        auto c = client(QStringLiteral("operator"));
        const auto p = plan(c.get(), model::SwapPlan::Kind::Swap, "uro");
        QVERIFY2(p.allowed(), p.describe().c_str());
        const QString cluster = testsupport::sourceDir() + QStringLiteral("/scripts/cluster");
        const auto o = execute(c.get(), p, [&](const std::string& step) {
            if (step.rfind("Pointing uro-staging", 0) == 0)
                QCOMPARE(testsupport::run(cluster, {QStringLiteral("stop"), QStringLiteral("kube-apiserver")}).exitCode,
                         0);
        });
        const auto started =
            testsupport::run(cluster, {QStringLiteral("start"), QStringLiteral("kube-apiserver")}, {}, 120000);
        QVERIFY2(started.exitCode == 0, qPrintable(started.describe()));
        QCOMPARE(o.status, model::SwapOutcome::Status::SplitState);
        QVERIFY2(QString::fromStdString(o.message).contains(QStringLiteral("signalbox repair uro")), o.message.c_str());
        QVERIFY(QTest::qWaitFor([&] { return plan(c.get(), model::SwapPlan::Kind::Repair, "uro").allowed(); }, 30000));
        const auto repaired = execute(c.get(), plan(c.get(), model::SwapPlan::Kind::Repair, "uro"));
        QVERIFY2(repaired.status == model::SwapOutcome::Status::Done, repaired.message.c_str());
        QVERIFY(selectorOf(QStringLiteral("uro")) != selectorOf(QStringLiteral("uro-staging")));
        // Leave the example as it began.
        QVERIFY(testsupport::setExampleSlots());
    }
};

QTEST_GUILESS_MAIN(TestSwap)
#include "tst_swap.moc"
