#pragma once

#include <string>

// The command-line tool: `signalbox status|swap|rollback|repair|history|deploy ...`.
// It shares every plan and interlock with the console (model/).
namespace cli {

bool isCommand(const char* word);
// The commands, as a sentence's list: "status, deploy, …, history".
std::string commandList();
int run(int argc, char** argv);

} // namespace cli
