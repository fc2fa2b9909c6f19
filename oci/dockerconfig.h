#pragma once

#include "net/result.h"

#include <QObject>
#include <chrono>
#include <functional>
#include <string>

namespace oci {

// Registry credentials as Docker finds them for one registry.
struct DockerCredentials {
    std::string username, password;
    std::string identityToken; // Docker's `identitytoken`, or a helper's Secret for Username <token>
    std::string helper;        // NAME of docker-credential-NAME that keeps them (credHelpers, credsStore)
    std::string helperServer;  // what the helper is asked for: the host, https://index.docker.io/v1/ for Hub
    std::string source;        // the Docker config file read

    bool any() const { return !username.empty() || !identityToken.empty(); }
};

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json, unless `explicitPath` names one.
std::string dockerConfigPath(const std::string& explicitPath);

// What the Docker config at `path` says for `host` (docker.io for Docker Hub), by Docker's rule:
// credHelpers[host], else credsStore when set, else auths[host]. With a helper, only `helper` and
// `helperServer` are set; run it with runCredentialHelper. A missing file is no credentials.
net::Result<DockerCredentials> readDockerConfig(const std::string& path, const std::string& host, bool dockerHub);

// The most a credential helper may print (stdout and stderr each); past it, it is stopped.
constexpr qint64 maxHelperOutputBytes = 64 * 1024;

// Runs `docker-credential-NAME get` with `credentials.helperServer` on its standard input, as
// Docker does, without blocking: `done` gets the credentials filled in (none when the helper has
// none for this server), or an error that names the helper and never holds its output's secret.
// The process is killed after `timeout`. `done` is not called when `context` is gone.
void runCredentialHelper(DockerCredentials credentials, std::chrono::milliseconds timeout, QObject* context,
                         std::function<void(net::Result<DockerCredentials>)> done);

} // namespace oci
