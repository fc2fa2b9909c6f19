#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace oci {

// An OCI image reference split into its parts: [registry/]repository[:tag][@digest].
struct ImageRef {
    std::string registry;   // docker.io when the reference names none
    std::string repository; // v-sekai/uro
    std::string tag;
    std::string digest; // sha256:...

    std::string name() const;        // registry/repository
    std::string shortDigest() const; // sha256:1234567890ab
    std::string display() const;     // tag, else short digest
};

// Docker Hub's naming, the one rule for every name of a registry: docker.io, index.docker.io and
// registry-1.docker.io (in any case) and no registry at all are Docker Hub, named docker.io, and a
// repository of one component lives under library/ there. Other registries are left as given.
struct RegistryName {
    std::string host; // docker.io for Docker Hub
    std::string repository;
    bool dockerHub = false;
};
bool isDockerHub(std::string_view host);
RegistryName normalizeRegistryName(std::string_view host, std::string_view repository);

// Parses with the grammar of distribution/reference; nullopt with `why` set when it is not one.
std::optional<ImageRef> parseImageRef(const std::string& text, std::string* why = nullptr);

} // namespace oci
