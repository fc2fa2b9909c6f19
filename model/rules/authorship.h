#pragma once

#include "kube/history.h"
#include "kube/net.h"
#include "kube/objects.h"

#include <QDateTime>
#include <functional>
#include <string>
#include <vector>

namespace kube {
class Client;
}

// Who wrote a history entry, and whether the API server checked it. Each history carries an authors
// annotation (kube::HistoryRecord) that anyone who may write the history may write too; only the
// admission policy of deploy/policy/history-authors.yaml makes it true, by refusing a change whose
// newest author is not the requester or that rewrites older entries. So an entry is vouched for
// only where that policy is installed (read by name, once per context), it was written after the
// policy was, and its user is the writer its author line names.
namespace model {

inline const std::string authorPolicyName = "signalbox-history-authors";

// What is known of the policy in one context.
struct AuthorPolicy {
    enum class State {
        Unknown,    // not read yet, or the read failed
        Installed,  // the policy and a binding of it that denies
        Missing,    // one of them is not there (or the binding only warns or audits)
        Unreadable, // the user may not read them
    };
    State state = State::Unknown;
    QDateTime since; // Installed: when both existed (the later creationTimestamp)
    std::string why; // not Installed: one sentence, for logs and the command line
};

// What the two reads by name said: the policy's metadata and its binding (each an answer or an error).
AuthorPolicy authorPolicyFrom(const kube::Result<kube::ObjectMeta>& policy,
                              const kube::Result<kube::AdmissionPolicyBinding>& binding);

// The verdict on one entry (a pure rule): not checked unless the policy is installed; not checked
// for an entry written before it was (or that does not say when); then vouched when the entry's
// user is its writtenBy, written by someone else when not, and someone else's tool without one.
// Unreadable entries are not judged.
kube::AuthorCheck judgeAuthor(const kube::HistoryEntry& entry, const AuthorPolicy& policy);
void judgeAuthors(std::vector<kube::HistoryEntry>& entries, const AuthorPolicy& policy);

// The history of one object (its history and authors annotations), each entry judged by `policy`.
std::vector<kube::HistoryEntry> judgedHistory(const kube::ObjectMeta& meta, const AuthorPolicy& policy);

// The verdict's name in JSON output: "vouched", "writtenByOther", "noAuthor", "beforePolicy",
// "policyMissing", "policyUnknown", "recordOnly" or "notJudged".
std::string authorCheckName(kube::AuthorCheck check);

inline bool vouched(const kube::HistoryEntry& entry)
{
    return entry.authorCheck == kube::AuthorCheck::Vouched;
}

// One sentence on who wrote a judged entry: "checked by the API server: alice wrote it",
// "recorded as alice, written by ci", "author not checked: the policy is not installed", ...
// Empty for an entry that was not judged.
std::string authorSentence(const kube::HistoryEntry& entry);

// The entry's user as may be said of it: the name alone when vouched, else "recorded as NAME, not
// vouched" (empty when the entry names nobody).
std::string recordedAs(const kube::HistoryEntry& entry);

} // namespace model
