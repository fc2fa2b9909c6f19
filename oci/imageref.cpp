#include "imageref.h"

#include <cctype>
#include <regex>

namespace oci {

namespace {

bool isHex(const std::string& s)
{
    return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

bool isDockerHub(std::string_view host)
{
    std::string h(host);
    for (char& c : h)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return h.empty() || h == "docker.io" || h == "index.docker.io" || h == "registry-1.docker.io";
}

RegistryName normalizeRegistryName(std::string_view host, std::string_view repository)
{
    RegistryName out{std::string(host), std::string(repository), isDockerHub(host)};
    if (!out.dockerHub)
        return out;
    out.host = "docker.io";
    if (!out.repository.empty() && out.repository.find('/') == std::string::npos)
        out.repository = "library/" + out.repository;
    return out;
}

std::string ImageRef::name() const
{
    return registry + "/" + repository;
}

std::string ImageRef::shortDigest() const
{
    return digest.size() > 19 ? digest.substr(0, 19) : digest;
}

std::string ImageRef::display() const
{
    return !tag.empty() ? tag : shortDigest();
}

std::optional<ImageRef> parseImageRef(const std::string& text, std::string* why)
{
    auto fail = [why](std::string reason) -> std::optional<ImageRef> {
        if (why)
            *why = std::move(reason);
        return std::nullopt;
    };
    if (text.empty())
        return fail("the image reference is empty");
    if (text.size() > 512)
        return fail("the image reference is longer than 512 characters");
    if (text.find_first_of(" \t\r\n") != std::string::npos)
        return fail("an image reference cannot contain spaces");

    ImageRef ref;
    std::string rest = text;
    if (const auto at = rest.find('@'); at != std::string::npos) {
        ref.digest = rest.substr(at + 1);
        rest = rest.substr(0, at);
        static const std::regex digestPattern("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$");
        if (!std::regex_match(ref.digest, digestPattern))
            return fail("\"" + ref.digest + "\" is not a digest (expected sha256: followed by 64 hex digits)");
        if (ref.digest.rfind("sha256:", 0) == 0 && !(ref.digest.size() == 71 && isHex(ref.digest.substr(7))))
            return fail("a sha256 digest has exactly 64 lowercase hex digits");
    }
    // A tag is after the last ':' that comes after the last '/' (a ':' before it is a port).
    const auto slash = rest.rfind('/');
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        ref.tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        static const std::regex tagPattern("^[\\w][\\w.-]{0,127}$");
        if (!std::regex_match(ref.tag, tagPattern))
            return fail("\"" + ref.tag +
                        "\" is not a valid tag (letters, digits, '_', '.', '-'; at most 128; "
                        "not starting with '.' or '-')");
    }
    // The first component is a registry when it has a '.' or ':' or is localhost.
    const auto first = rest.find('/');
    if (first != std::string::npos) {
        const std::string head = rest.substr(0, first);
        if (head.find('.') != std::string::npos || head.find(':') != std::string::npos || head == "localhost") {
            ref.registry = head;
            rest = rest.substr(first + 1);
        }
    }
    if (isDockerHub(ref.registry)) {
        const RegistryName hub = normalizeRegistryName(ref.registry, rest);
        ref.registry = hub.host;
        rest = hub.repository;
    } else {
        static const std::regex hostPattern("^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*"
                                            "[a-zA-Z0-9])?)*(:[0-9]+)?$|^\\[[0-9a-fA-F:]+\\](:[0-9]+)?$");
        if (!std::regex_match(ref.registry, hostPattern))
            return fail("\"" + ref.registry + "\" is not a valid registry host");
    }
    static const std::regex pathPattern("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)"
                                        "[a-z0-9]+)*)*$");
    if (!std::regex_match(rest, pathPattern)) {
        for (char c : rest)
            if (c >= 'A' && c <= 'Z')
                return fail("repository names must be lowercase (\"" + rest + "\")");
        return fail("\"" + rest + "\" is not a valid repository name");
    }
    ref.repository = rest;
    if (ref.name().size() > 255)
        return fail("the repository name is longer than 255 characters");
    return ref;
}

} // namespace oci
