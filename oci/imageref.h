#pragma once

#include <optional>
#include <string>

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

// Parses with the grammar of distribution/reference; nullopt with `why` set when it is not one.
std::optional<ImageRef> parseImageRef(const std::string& text, std::string* why = nullptr);

} // namespace oci
