#include "model/rules/chatline.h"

namespace model {

std::string chatText(const ChatLine& line)
{
    std::string text = std::string(line.ok ? "✅ " : "❌ ") + (line.user.empty() ? "someone" : line.user);
    if (line.service.empty() && line.verb.empty())
        return text + " · " + line.message;
    for (const std::string* part : {&line.service, &line.verb})
        if (!part->empty())
            text += " · " + *part;
    return text + ": " + line.message;
}

} // namespace model
