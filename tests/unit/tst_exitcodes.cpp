// The command line's exit codes come from one table in app/: every outcome and refusal, as the
// README lists them (0 done, 1 other, 2 usage, 3 refused, 4 forbidden, 5 changed since read,
// 6 unhealthy).
#include "app/exitcodes.h"

#include <QTest>

class TestExitCodes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void swapOutcomes()
    {
        using S = model::SwapOutcome::Status;
        auto code = [](S s, bool verified) {
            model::SwapOutcome o;
            o.status = s;
            o.verified = verified;
            return app::exitCode(o);
        };
        QCOMPARE(code(S::Done, true), 0);
        QCOMPARE(code(S::Done, false), 1); // swapped, but the endpoints were not seen to follow
        QCOMPARE(code(S::Refused, false), 3);
        QCOMPARE(code(S::Forbidden, false), 4);
        QCOMPARE(code(S::Conflict, false), 5);
        QCOMPARE(code(S::SplitState, false), 1);
        QCOMPARE(code(S::Failed, false), 1);
    }

    void deployOutcomes()
    {
        using S = model::DeployOutcome::Status;
        auto code = [](S s) { return app::exitCode(model::DeployOutcome{s, {}}); };
        QCOMPARE(code(S::Done), 0);
        QCOMPARE(code(S::Started), 0);
        QCOMPARE(code(S::Refused), 3);
        QCOMPARE(code(S::Forbidden), 4);
        QCOMPARE(code(S::Conflict), 5);
        QCOMPARE(code(S::Failed), 1);
    }

    void refusedPlans()
    {
        model::SwapPlan swap;
        swap.checks = {{"Staging is rolled out", false}};
        QCOMPARE(app::refusalExitCode(swap), 3);
        swap.checks = {{"You may patch the Service uro", false, true}};
        QCOMPARE(app::refusalExitCode(swap), 4);
        swap.checks = {{"Live is on slot A as expected", false, false, true}};
        QCOMPARE(app::refusalExitCode(swap), 5);
        // The first failing check decides.
        swap.checks = {{"ok", true}, {"Staging is rolled out", false}, {"You may patch", false, true}};
        QCOMPARE(app::refusalExitCode(swap), 3);

        model::DeployPlan deploy;
        deploy.checks = {{"The staging slot is not live", false}};
        QCOMPARE(app::refusalExitCode(deploy), 3);
        deploy.checks = {{"You may patch the Deployment", false, true}};
        QCOMPARE(app::refusalExitCode(deploy), 4);
        deploy.badInput = true;
        QCOMPARE(app::refusalExitCode(deploy), 2);

        model::GroupDeployPlan group;
        model::DeployPlan refused, forbidden, typo, fine;
        refused.checks = {{"The staging slot is not live", false}};
        forbidden.checks = {{"You may patch the Deployment", false, true}};
        typo.badInput = true;
        typo.checks = {{"\"x\" is an image reference", false}};
        group.members = {fine, refused};
        QCOMPARE(app::refusalExitCode(group), 3);
        group.members = {refused, forbidden, fine};
        QCOMPARE(app::refusalExitCode(group), 4);
        group.members = {forbidden, typo, refused};
        QCOMPARE(app::refusalExitCode(group), 2);
    }

    // The watch after a swap: its exit code, the result its history entry records, and the
    // failure the chat line and stderr say.
    void watchOutcomes()
    {
        using V = model::WatchOutcome::Verdict;
        auto outcome = [](V verdict, std::string rollback = {}) {
            model::WatchOutcome o;
            o.verdict = verdict;
            o.why = verdict == V::Ended ? "ended when the window closed" : "uro: 2 of 2 pods of slot B fail";
            o.held = "uro: slot B held for 5 min after the swap";
            o.rollback = std::move(rollback);
            return o;
        };
        struct Row {
            model::WatchOutcome outcome;
            int code;
            const char* result;
            const char* failure;
        };
        const Row rows[] = {
            {outcome(V::Held), 0, "held", ""},
            {outcome(V::Ended), 0, "ended when the window closed", ""},
            {outcome(V::Worse), 6, "failed: uro: 2 of 2 pods of slot B fail", "uro: 2 of 2 pods of slot B fail"},
            {outcome(V::RolledBack, "Rolled back: uro now live on slot A."), 6,
             "rolled back: uro: 2 of 2 pods of slot B fail",
             "uro: 2 of 2 pods of slot B fail. Rolled back: uro now live on slot A."},
            {outcome(V::RollbackRefused, "The rollback was refused: slot A is rolled out."), 1,
             "failed: uro: 2 of 2 pods of slot B fail",
             "uro: 2 of 2 pods of slot B fail. The rollback was refused: slot A is rolled out."},
            {outcome(V::RollbackFailed, "The rollback failed: the API server did not answer"), 1,
             "failed: uro: 2 of 2 pods of slot B fail",
             "uro: 2 of 2 pods of slot B fail. The rollback failed: the API server did not answer"},
        };
        for (const Row& r : rows) {
            QCOMPARE(app::exitCode(r.outcome), r.code);
            QCOMPARE(r.outcome.ok(), r.code == 0);
            QCOMPARE(r.outcome.result(), std::string(r.result));
            QCOMPARE(r.outcome.failure(), std::string(r.failure));
        }
    }

    void apiErrors()
    {
        kube::Error e;
        e.kind = kube::Error::Kind::Api;
        e.httpStatus = 403;
        QCOMPARE(app::exitCode(e), 4);
        e.httpStatus = 409;
        e.setReason(kube::Error::Reason::Conflict);
        QCOMPARE(app::exitCode(e), 5);
        e.httpStatus = 500;
        e.setReason(kube::Error::Reason::None);
        QCOMPARE(app::exitCode(e), 1);
    }

    void healthChecks()
    {
        using K = model::HealthResult::Kind;
        auto result = [](K kind, bool forbidden = false) {
            model::HealthResult r;
            r.kind = kind;
            r.forbidden = forbidden;
            return r;
        };
        const auto pass = result(K::Pass), fail = result(K::Fail), forbidden = result(K::Unknown, true),
                   unknown = result(K::Unknown);
        QCOMPARE(app::exitCode(std::vector<model::HealthResult>{pass, pass}), 0);
        QCOMPARE(app::exitCode(std::vector<model::HealthResult>{pass, fail}), 6);
        QCOMPARE(app::Unhealthy, 6);
        // A failure decides over a check that could not be asked.
        QCOMPARE(app::exitCode(std::vector<model::HealthResult>{forbidden, fail, unknown}), 6);
        QCOMPARE(app::exitCode(std::vector<model::HealthResult>{pass, forbidden, unknown}), 4);
        QCOMPARE(app::exitCode(std::vector<model::HealthResult>{pass, unknown}), 1);
    }
};

QTEST_GUILESS_MAIN(TestExitCodes)
#include "tst_exitcodes.moc"
