// signalbox-cli: the command-line tool alone, for CI runners and containers. It links Qt Core and
// the libraries below model/, never Qt Widgets or Gui, so it needs no display and no GUI packages.
#include "cli.h"
#include "version.h"

#include <QCoreApplication>
#include <cstdio>
#include <cstring>
#include <curl/curl.h>

namespace {

void usage(FILE* to)
{
    std::fprintf(to,
                 "Usage: signalbox-cli COMMAND [options]\n"
                 "Deploy and swap A/B services on Kubernetes, safely; the same commands as `signalbox COMMAND`.\n"
                 "Commands: %s (signalbox-cli COMMAND --help for the options).\n",
                 cli::commandList().c_str());
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1 && cli::isCommand(argv[1])) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        const int rc = cli::run(argc, argv);
        curl_global_cleanup();
        return rc;
    }
    const char* word = argc > 1 ? argv[1] : "";
    if (std::strcmp(word, "--version") == 0 || std::strcmp(word, "-v") == 0) {
        std::printf("signalbox-cli %s\n", SIGNALBOX_VERSION);
        return 0;
    }
    if (std::strcmp(word, "--help") == 0 || std::strcmp(word, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (!*word) {
        usage(stderr);
        return 2;
    }
    std::fprintf(stderr, "signalbox-cli: there is no command \"%s\"; the commands are %s (signalbox-cli --help).\n",
                 word, cli::commandList().c_str());
    return 2;
}
