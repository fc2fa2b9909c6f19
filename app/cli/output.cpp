#include "output.h"

#include "net/text.h"

#include <iostream>
#include <unistd.h>

namespace cli {

void write(std::FILE* to, const std::string& text)
{
    std::fputs(net::text::forTerminal(text).c_str(), to);
    std::fflush(to);
}

void say(const std::string& text)
{
    write(stdout, text + "\n");
}

void sayJson(const nlohmann::json& j)
{
    std::fprintf(stdout, "%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
}

void complain(const std::string& text)
{
    write(stderr, "signalbox: " + text + "\n");
}

bool confirmOnTerminal(const std::string& verb, const std::string& service)
{
    if (!isatty(STDIN_FILENO)) {
        complain("there is no terminal to confirm on: pass --yes to " + verb + " without asking.");
        return false;
    }
    write(stdout, "Type the service name (" + service + ") to " + verb + ": ");
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != service) {
        complain("not confirmed; nothing was changed.");
        return false;
    }
    return true;
}

} // namespace cli
