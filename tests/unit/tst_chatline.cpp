// The chat line an action's end is told as, from one formatter the console's runner and the
// command line share: "✅ user · service · verb: message".
#include "model/rules/chatline.h"

#include <QTest>

Q_DECLARE_METATYPE(model::ChatLine)

class TestChatLine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void text_data()
    {
        QTest::addColumn<model::ChatLine>("line");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, model::ChatLine line, const char* expected) {
            QTest::newRow(name) << line << QString::fromUtf8(expected);
        };
        const model::ChatLine swapped{true, "operator", "uro", "swap", "Swapped: uro now live on slot A."};
        row("a swap that succeeded", swapped, "✅ operator · uro · swap: Swapped: uro now live on slot A.");
        auto failed = swapped;
        failed.ok = false;
        failed.message = "The swap was refused: staging is not rolled out.";
        row("a swap that failed", failed, "❌ operator · uro · swap: The swap was refused: staging is not rolled out.");
        row("a deploy, its target in the verb",
            {true, "ci", "uro", "deploy to staging", "Deployed ghcr.io/v-sekai/uro:v2."},
            "✅ ci · uro · deploy to staging: Deployed ghcr.io/v-sekai/uro:v2.");
        row("a watch that got worse, with the rollback",
            {false, "operator", "uro", "watch",
             "uro: 2 of 2 pods of slot B fail. Rolled back: uro now live on slot A."},
            "❌ operator · uro · watch: uro: 2 of 2 pods of slot B fail. Rolled back: uro now live on slot A.");
        row("no user known", {true, "", "uro", "swap", "Swapped."}, "✅ someone · uro · swap: Swapped.");
        row("a group deploy names no one service", {true, "ci", "", "", "deployed group uro to staging with tag v2"},
            "✅ ci · deployed group uro to staging with tag v2");
        row("a group deploy, no user known", {false, "", "", "", "nothing was deployed"},
            "❌ someone · nothing was deployed");
        row("a service without a verb", {true, "ci", "uro", "", "done"}, "✅ ci · uro: done");
        row("a verb without a service", {true, "ci", "", "swap", "done"}, "✅ ci · swap: done");
        row("an empty message", {false, "ci", "uro", "swap", ""}, "❌ ci · uro · swap: ");
        // What others wrote passes as is: the webhook's JSON escapes it, the chat renders it.
        row("text as written", {false, "ci", "uro", "watch", "<b>x</b> · y: z"}, "❌ ci · uro · watch: <b>x</b> · y: z");
    }

    void text()
    {
        QFETCH(model::ChatLine, line);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(model::chatText(line)), expected);
    }
};

QTEST_GUILESS_MAIN(TestChatLine)
#include "tst_chatline.moc"
