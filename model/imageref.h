#pragma once

#include <optional>
#include <string>

namespace model {

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

// A commit named by a tag: a 40-hex or 7..12-hex tag, or the part after a last '_' or '-' of
// tags like docker-uro_8d3c2f41.5 (the GoCD scheme). Empty when the tag names none.
std::string commitFromTag(const std::string& tag);

} // namespace model
