#pragma once

#include "oci/imageref.h"

#include <cstddef>
#include <string>

namespace model {

// Image references are parsed in oci/; the domain names them as its own.
using oci::ImageRef;
using oci::parseImageRef;

// Longer text is not a tag (the OCI distribution rule), whatever an annotation says.
inline constexpr std::size_t maxTagLength = 128;

// A commit named by a tag: a 40-hex or 7..12-hex tag, or the part after a last '_' or '-' of
// tags like docker-uro_8d3c2f41.5 (the GoCD scheme). Empty when the tag names none.
std::string commitFromTag(const std::string& tag);

} // namespace model
