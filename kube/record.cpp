#include "record.h"

namespace kube {

namespace {

// At most `n` bytes of `s`, cut before a byte that continues a UTF-8 sequence.
std::string cut(const std::string& s, std::size_t n)
{
    if (s.size() <= n)
        return s;
    std::size_t end = n;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    return s.substr(0, end);
}

} // namespace

NamespaceRecord appendRecord(const NamespaceRecord& before, const HistoryEntry& entry, const std::string& writer,
                             std::size_t entryCap, std::size_t byteCap)
{
    Trimmed trimmed;
    NamespaceRecord after;
    after.record = appendHistory(before.record, entry, writer, entryCap, byteCap, &trimmed);
    if (trimmed.dropped > 0 || before.from.empty())
        // Dropped: the record is whole from its oldest entry on (or, when that says no time, from this one).
        // New: from its first entry; a record someone else began without saying reaches as far as it holds.
        after.from = !trimmed.oldestAt.empty() ? trimmed.oldestAt : entry.at;
    else
        after.from = before.from;
    return after;
}

NamespaceRecord recordFromData(const Labels& data)
{
    NamespaceRecord r;
    auto value = [&data](const std::string& key) {
        const auto it = data.find(key);
        return it == data.end() ? std::string() : it->second;
    };
    r.record.history = value(recordHistoryKey);
    r.record.authors = value(recordAuthorsKey);
    r.from = value(recordFromKey);
    return r;
}

ReadRecord decodeRecord(const NamespaceRecord& stored)
{
    ReadRecord out;
    out.from = cut(stored.from, 64);
    if (stored.record.history.size() + stored.record.authors.size() > recordReadLimit) {
        HistoryEntry e;
        e.unreadable = "the namespace's record is " +
                       std::to_string(stored.record.history.size() + stored.record.authors.size()) +
                       " bytes, more than Signalbox writes (" + std::to_string(recordByteLimit) + "): not read";
        out.entries.push_back(std::move(e));
        return out;
    }
    out.entries = decodeHistory(stored.record, recordEntryLimit);
    return out;
}

} // namespace kube
