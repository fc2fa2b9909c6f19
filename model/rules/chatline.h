#pragma once

#include <string>

namespace model {

// How an action ended, as a chat webhook is told it; the console's runner and the command line
// say it the same way.
struct ChatLine {
    bool ok = false;
    std::string user;    // as the API server knows them; empty: "someone"
    std::string service; // the service named; empty, with the verb, for an action on no one service
    std::string verb;    // "swap", "deploy to staging", "watch"
    std::string message; // the outcome's sentence
};

// "✅ user · service · verb: message" (❌ when it failed). Without a service and a verb (a group
// deploy) the message follows the user: "✅ user · deployed group uro to staging with tag v2".
std::string chatText(const ChatLine& line);

} // namespace model
