#pragma once

#include <string>
#include <string_view>

// What an annotation or the configuration may name as a health check's path and port: pure rules,
// so a value someone else wrote cannot steer the API server's proxy elsewhere.
namespace model {

// Why `path` cannot be a health check's path, empty when it can. A path is a path: it starts with
// '/', and holds no '.' or '..' segment (percent-encoded or not), no '?', '#', backslash, encoded
// '/', control character or stray '%', and is at most 1,024 bytes. The API server's proxy appends it
// to the pod's address; a '..' would climb out of `pods/NAME:PORT/proxy` to any API path.
std::string healthPathProblem(std::string_view path);

// A path healthPathProblem accepts, as sent: every byte outside RFC 3986's unreserved characters,
// sub-delimiters, ':', '@', '/' and existing %XX escapes is percent-encoded.
std::string encodeHealthPath(std::string_view path);

// Whether `s` is a port name as Kubernetes allows it (IANA_SVC_NAME): 1 to 15 lowercase letters,
// digits and '-', with at least one letter, not starting or ending with '-'.
bool isPortName(std::string_view s);

} // namespace model
