#include "app/cli.h"
#include "options.h"
#include "output.h"
#include "session.h"

#include <QCoreApplication>
#include <QTimer>
#include <cstring>

namespace cli {

namespace {

const char* const commands[] = {"status", "deploy", "swap", "rollback", "repair",   "history",
                                "check",  "smoke",  "logs", "analyze",  "timeline", "stats"};

} // namespace

bool isCommand(const char* word)
{
    for (const char* c : commands)
        if (std::strcmp(word, c) == 0)
            return true;
    return false;
}

std::string commandList()
{
    std::string list;
    for (const char* c : commands)
        list += (list.empty() ? "" : ", ") + std::string(c);
    return list;
}

int run(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("signalbox"));
    Options o;
    if (const auto code = parseOptions(app.arguments(), o))
        return *code;
    auto rest = kube::loadRestConfig(o.kubeconfig);
    if (!rest) {
        complain(rest.error().message);
        return 1;
    }
    if (o.kubeconfig.namespaceOverride.empty() && !rest->inCluster)
        o.kubeconfig.namespaceOverride = rest->namespaceName;
    Session session(o, rest.value());
    QTimer::singleShot(0, &session, [&session] { session.start(); });
    return QCoreApplication::exec();
}

} // namespace cli
