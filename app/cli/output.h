#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

// What the command line writes. Human-readable output quotes what others wrote (images,
// annotations, an app's answers), so control characters are escaped on the way to the terminal
// (net::text::forTerminal); -o json goes out exact through sayJson, and `logs` raw, as kubectl logs does.
namespace cli {

void write(std::FILE* to, const std::string& text);
// A line on stdout.
void say(const std::string& text);
void sayJson(const nlohmann::json& j);
// A line on stderr: "signalbox: text".
void complain(const std::string& text);
// Asks for the service name on the terminal; false without a terminal or on a wrong answer.
bool confirmOnTerminal(const std::string& verb, const std::string& service);

} // namespace cli
