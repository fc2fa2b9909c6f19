#pragma once

#include <QString>
#include <QStringList>

// Which way `signalbox ARGS` goes, decided before any application object exists, so that help,
// the version and a mistyped command never need a display.
namespace entry {

enum class Route {
    Console,        // open the window
    Command,        // the command-line tool (cli::run)
    Help,           // --help for the console
    Version,        // --version
    UnknownCommand, // a first bare word that is not a command
    UnknownOption,  // an option neither the console nor Qt knows
    NoDisplay,      // the console, where there is no display to open it on
};

struct Decision {
    Route route = Route::Console;
    QString word; // the unknown command or option
};

// `args` as in argv, the program first.
Decision route(const QStringList& args);

// Whether Qt can open a window: a platform chosen (QT_QPA_PLATFORM, -platform) or, on Linux, an
// X11 or Wayland display. Without one Qt aborts with its platform-plugin message.
bool displayAvailable(const QStringList& args);

} // namespace entry
