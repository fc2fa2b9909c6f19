#include "model/rules/slot.h"

namespace model {

std::string name(Slot s)
{
    switch (s) {
    case Slot::A:
        return "a";
    case Slot::B:
        return "b";
    case Slot::Sandbox:
        return "s";
    }
    return {};
}

std::optional<Slot> parseSlot(std::string_view text)
{
    if (text == "a")
        return Slot::A;
    if (text == "b")
        return Slot::B;
    return std::nullopt;
}

std::string letter(Slot s)
{
    switch (s) {
    case Slot::A:
        return "A";
    case Slot::B:
        return "B";
    case Slot::Sandbox:
        return "S";
    }
    return {};
}

std::string displayName(Slot s)
{
    return s == Slot::Sandbox ? std::string("sandbox") : "slot " + letter(s);
}

std::string displayNameOfRecorded(std::string_view recorded)
{
    if (recorded == "s")
        return displayName(Slot::Sandbox);
    if (const auto slot = parseSlot(recorded))
        return displayName(*slot);
    return "slot " + (recorded.empty() ? std::string("?") : std::string(recorded));
}

Slot other(Slot s)
{
    switch (s) {
    case Slot::A:
        return Slot::B;
    case Slot::B:
        return Slot::A;
    case Slot::Sandbox:
        return Slot::Sandbox;
    }
    return s;
}

} // namespace model
