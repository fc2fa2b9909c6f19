#include "status.h"

#include <limits>

namespace kube {

namespace {

using nlohmann::json;

std::optional<std::string> text(const json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    return it->get<std::string>();
}

std::optional<long> whole(const json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end())
        return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<long>::max()))
            return std::nullopt;
        return static_cast<long>(v);
    }
    if (it->is_number_integer())
        return static_cast<long>(it->get<std::int64_t>());
    return std::nullopt;
}

Error notStatus(std::string why)
{
    return Error{Error::Kind::Decode, 0, {}, "The API server's answer is not a Status: " + why + ".", {}};
}

} // namespace

Result<Status> decodeStatusObject(const json& j)
{
    if (!j.is_object())
        return notStatus(std::string("it is ") + j.type_name() + ", not an object");
    if (auto it = j.find("kind"); it != j.end() && !(it->is_string() && it->get<std::string>() == "Status"))
        return notStatus("its kind is not Status");
    Status s;
    s.status = text(j, "status");
    s.message = text(j, "message");
    s.reason = text(j, "reason");
    s.code = whole(j, "code");
    if (auto it = j.find("details"); it != j.end() && it->is_object()) {
        StatusDetails d;
        d.name = text(*it, "name").value_or("");
        d.group = text(*it, "group").value_or("");
        d.kind = text(*it, "kind").value_or("");
        d.retryAfterSeconds = whole(*it, "retryAfterSeconds");
        if (auto c = it->find("causes"); c != it->end() && c->is_array())
            for (const json& cause : *c)
                if (cause.is_object())
                    d.causes.push_back({text(cause, "reason").value_or(text(cause, "type").value_or("")),
                                        text(cause, "message").value_or(""), text(cause, "field").value_or("")});
        s.details = std::move(d);
    }
    return s;
}

Result<Status> decodeStatus(std::string_view body)
{
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded())
        return notStatus("it is not JSON");
    return decodeStatusObject(j);
}

} // namespace kube
