#include "dockerconfig.h"

#include "imageref.h"
#include "net/text.h"
#include "net/transport.h"

#include <QByteArray>
#include <QPointer>
#include <QProcess>
#include <QTimer>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace oci {

using Json = nlohmann::json;
using net::Error;

namespace {

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(std::string s)
{
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

// The host part of a key in `auths` or `credHelpers`: they are written as hosts or as URLs.
std::string keyHost(std::string key)
{
    key = lower(trim(key));
    if (const auto p = key.find("://"); p != std::string::npos)
        key = key.substr(p + 3);
    return key.substr(0, key.find('/'));
}

std::string str(const Json& object, const char* key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A helper's name becomes part of a program name: keep it to what helpers are called.
bool validHelperName(const std::string& name)
{
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
    }) && name.find("..") == std::string::npos;
}

} // namespace

std::string dockerConfigPath(const std::string& explicitPath)
{
    if (!explicitPath.empty())
        return explicitPath;
    if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
        return std::string(dir) + "/config.json";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.docker/config.json";
    return {};
}

net::Result<DockerCredentials> readDockerConfig(const std::string& path, const std::string& host, bool dockerHub)
{
    DockerCredentials creds;
    creds.source = path;
    std::ifstream in(path, std::ios::binary);
    if (path.empty() || !in)
        return creds; // no Docker config: anonymous, as docker does
    std::stringstream buffer;
    buffer << in.rdbuf();
    const Json config = Json::parse(buffer.str(), nullptr, false);
    if (!config.is_object())
        return Error::config("The Docker config " + path +
                             " is not valid JSON, so its registry credentials cannot be read. Fix the file (or log "
                             "in again with docker login), or name another file in the settings.");
    const auto matches = [&](const std::string& key) {
        const std::string h = keyHost(key);
        return dockerHub ? !h.empty() && isDockerHub(h) : h == lower(host);
    };

    // Docker's rule (cli/config/configfile GetCredentialsStore): a helper named for this host,
    // else the default store, else the file's own auths.
    if (const auto helpers = config.find("credHelpers"); helpers != config.end() && helpers->is_object())
        for (const auto& [key, helper] : helpers->items())
            if (matches(key) && helper.is_string())
                creds.helper = helper.get<std::string>();
    if (creds.helper.empty())
        creds.helper = str(config, "credsStore");
    if (!creds.helper.empty()) {
        if (!validHelperName(creds.helper))
            return Error::config("The Docker config " + path + " names a credential helper \"" +
                                 creds.helper.substr(0, 64) +
                                 "\" that is not a helper's name (letters, digits, '-', '_', '.'). Fix the file.");
        creds.helperServer = dockerHub ? "https://index.docker.io/v1/" : host;
        return creds;
    }

    if (const auto auths = config.find("auths"); auths != config.end() && auths->is_object()) {
        for (const auto& [key, entry] : auths->items()) {
            if (!matches(key) || !entry.is_object())
                continue;
            const std::string auth = str(entry, "auth");
            if (!auth.empty()) {
                const QByteArray decoded = QByteArray::fromBase64(QByteArray::fromStdString(auth));
                const auto colon = decoded.indexOf(':');
                if (colon > 0) {
                    creds.username = decoded.left(colon).toStdString();
                    creds.password = decoded.mid(colon + 1).toStdString();
                }
            }
            if (creds.username.empty()) {
                creds.username = str(entry, "username");
                creds.password = str(entry, "password");
            }
            creds.identityToken = str(entry, "identitytoken");
            if (creds.any())
                break;
        }
    }
    return creds;
}

namespace {

// What a credential helper's `get` printed, as credentials or a sentence.
net::Result<DockerCredentials> helperAnswer(const DockerCredentials& credentials, const std::string& named,
                                            bool crashed, int code, const std::string& out, const std::string& err)
{
    if (crashed || code != 0) {
        // As Docker: a helper that has nothing for this server says so; that is no credentials.
        if (out.find("credentials not found") != std::string::npos)
            return credentials;
        // What it said, first line only; never anything that looks like its JSON answer.
        std::string said = trim(err.empty() ? out : err);
        said = net::text::cut(said.substr(0, said.find('\n')), 200, "…");
        if (said.find('{') != std::string::npos || said.find("Secret") != std::string::npos)
            said.clear();
        return Error::config("Registry credentials cannot be read: " + named +
                             (crashed ? " crashed" : " failed (exit code " + std::to_string(code) + ")") +
                             (said.empty() ? std::string() : ": " + said) + ". Run docker login " +
                             credentials.helperServer + " to store credentials again, or check the helper's setup.");
    }
    const Json answer = Json::parse(out, nullptr, false);
    if (!answer.is_object())
        return Error::config("Registry credentials cannot be read: " + named +
                             " answered something that is not its JSON. Check the helper's version and setup.");
    DockerCredentials filled = credentials;
    const std::string user = str(answer, "Username");
    const std::string secret = str(answer, "Secret");
    // Docker's convention: Username <token> means the Secret is an identity (refresh) token.
    if (user == "<token>") {
        filled.identityToken = secret;
    } else {
        filled.username = user;
        filled.password = secret;
    }
    return filled;
}

} // namespace

void runCredentialHelper(DockerCredentials credentials, std::chrono::milliseconds timeout, QObject* context,
                         std::function<void(net::Result<DockerCredentials>)> done)
{
    const std::string program = "docker-credential-" + credentials.helper;
    const std::string named = "the credential helper " + program + " (named in " + credentials.source + ")";
    auto* process = new QProcess(context);
    auto* timer = new QTimer(process);
    timer->setSingleShot(true);
    auto finished = std::make_shared<bool>(false);
    QPointer<QObject> guard(context);
    // Every path ends here exactly once; the process object goes with it.
    auto end = [process, finished, guard, done](net::Result<DockerCredentials> result) {
        if (*finished)
            return;
        *finished = true;
        process->disconnect();
        if (process->state() != QProcess::NotRunning) {
            // Deleted once reaped, so its destructor does not wait for it.
            QObject::connect(process, &QProcess::finished, process, &QObject::deleteLater);
            process->kill();
        } else {
            process->deleteLater();
        }
        if (guard)
            done(std::move(result));
    };
    QObject::connect(timer, &QTimer::timeout, process, [end, named, timeout] {
        end(Error::config("The credential helper did not answer within " +
                          std::to_string(std::max<long long>(1, timeout.count() / 1000)) + " s: " + named +
                          ". If it waits for a password or an unlocked keychain, unlock it and try again."));
    });
    QObject::connect(process, &QProcess::errorOccurred, process, [end, named, process](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            end(Error::config("Registry credentials cannot be read: " + named + " is not installed or not on PATH (" +
                              process->errorString().toStdString() +
                              "). Install it, or remove it from the Docker config and log in with docker login."));
    });
    // What it prints is kept as it comes, so a helper that prints without end is stopped at the cap.
    auto outBytes = std::make_shared<QByteArray>();
    auto errBytes = std::make_shared<QByteArray>();
    const auto tooMuch = [end, named] {
        end(Error::config("Registry credentials cannot be read: " + named + " printed more than " +
                          net::sizeText(maxHelperOutputBytes) +
                          ", more than any credential takes, so it was stopped. Check the helper's setup."));
    };
    QObject::connect(process, &QProcess::readyReadStandardOutput, process, [process, outBytes, tooMuch] {
        outBytes->append(process->readAllStandardOutput());
        if (outBytes->size() > maxHelperOutputBytes)
            tooMuch();
    });
    QObject::connect(process, &QProcess::readyReadStandardError, process, [process, errBytes, tooMuch] {
        errBytes->append(process->readAllStandardError());
        if (errBytes->size() > maxHelperOutputBytes)
            tooMuch();
    });
    QObject::connect(
        process, &QProcess::finished, process,
        [end, named, process, credentials, outBytes, errBytes, tooMuch](int code, QProcess::ExitStatus status) {
            outBytes->append(process->readAllStandardOutput());
            errBytes->append(process->readAllStandardError());
            if (outBytes->size() > maxHelperOutputBytes || errBytes->size() > maxHelperOutputBytes)
                tooMuch();
            else
                end(helperAnswer(credentials, named, status != QProcess::NormalExit, code, outBytes->toStdString(),
                                 errBytes->toStdString()));
        });
    timer->start(timeout);
    process->start(QString::fromStdString(program), {QStringLiteral("get")});
    process->write(QByteArray::fromStdString(credentials.helperServer + "\n"));
    process->closeWriteChannel();
}

} // namespace oci
