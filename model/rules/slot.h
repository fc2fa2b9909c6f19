#pragma once

// The three places a release runs: the two slots live and staging trade, and the sandbox. Where
// "no slot" is a value (a Service that selects neither or both), it is std::optional<Slot>.

#include <optional>
#include <string>
#include <string_view>

namespace model {

enum class Slot { A, B, Sandbox };

// How the cluster writes a slot, in lower case: "a" and "b" as the slot label's values; the
// sandbox as "s", which is what history records (kube::HistorySlot) have always said for it.
std::string name(Slot s);
// The slot a slot label's value names: "a" or "b"; nothing for any other text (the sandbox is no
// value of the label).
std::optional<Slot> parseSlot(std::string_view text);
// "A", "B", and "S" for the sandbox: the letter of sentences like "live slot A -> B".
std::string letter(Slot s);
// "slot A", "slot B", "sandbox": the one spelling of a slot in every text a person reads.
std::string displayName(Slot s);
// A slot as history records write it ("a", "b", "s" for the sandbox), in that spelling; other text
// as "slot <text>", none as "slot ?".
std::string displayNameOfRecorded(std::string_view recorded);
// A <-> B. The sandbox has no partner: other(Sandbox) is Sandbox, so a caller never gets a slot it
// did not ask about.
Slot other(Slot s);

// The value kept for `s` among one for slot A and one for slot B (the sandbox has its own, so
// callers never pass it; it picks B's). For facts read per slot: `bySlot(s, facts.a, facts.b)`.
template <class T> T& bySlot(Slot s, T& a, T& b)
{
    return s == Slot::A ? a : b;
}

} // namespace model
