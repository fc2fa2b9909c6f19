#include "resource.h"

#include <cstdio>

namespace kube {

std::string Resource::path(const std::string& ns, const std::string& name) const
{
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && !ns.empty())
        p += "/namespaces/" + ns;
    p += "/" + plural;
    if (!name.empty())
        p += "/" + name;
    return p;
}

std::string Resource::qualifiedName() const
{
    return group.empty() ? plural : plural + "." + group;
}

std::string urlEncode(const std::string& value)
{
    std::string out;
    for (unsigned char c : value) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

} // namespace kube
