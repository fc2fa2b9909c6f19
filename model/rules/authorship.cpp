#include "model/rules/authorship.h"

#include "kube/resource.h"
#include "model/rules/keys.h"

#include <algorithm>

namespace model {

namespace {

QDateTime timeOf(const std::string& rfc3339)
{
    return QDateTime::fromString(QString::fromStdString(rfc3339), Qt::ISODateWithMs);
}

} // namespace

AuthorPolicy authorPolicyFrom(const kube::Result<kube::ObjectMeta>& policy,
                              const kube::Result<kube::AdmissionPolicyBinding>& binding)
{
    AuthorPolicy p;
    auto status = [](const auto& r) { return r ? 200 : r.error().httpStatus; };
    const std::string named = "the admission policy " + authorPolicyName;
    if (status(policy) == 404 || status(binding) == 404) {
        p.state = AuthorPolicy::State::Missing;
        p.why = status(policy) == 404
                    ? named + " is not installed (kubectl apply -f deploy/policy/history-authors.yaml)."
                    : "the binding " + authorPolicyName + " of " + named +
                          " is not installed (kubectl apply -f deploy/policy/history-authors.yaml).";
        return p;
    }
    if (status(policy) == 403 || status(binding) == 403) {
        p.state = AuthorPolicy::State::Unreadable;
        p.why = "you may not read " + named +
                " or its binding (get on validatingadmissionpolicies and validatingadmissionpolicybindings), so "
                "whether authors are checked cannot be told.";
        return p;
    }
    if (!policy || !binding) {
        p.state = AuthorPolicy::State::Unknown;
        p.why = (!policy ? policy.error() : binding.error()).message;
        return p;
    }
    const auto& actions = binding->validationActions;
    if (binding->policyName != authorPolicyName || std::find(actions.begin(), actions.end(), "Deny") == actions.end()) {
        p.state = AuthorPolicy::State::Missing;
        p.why = "the binding " + authorPolicyName + " does not deny with " + named +
                ", so authors are not checked; apply deploy/policy/history-authors.yaml as it is.";
        return p;
    }
    p.state = AuthorPolicy::State::Installed;
    p.since = std::max(timeOf(policy->creationTimestamp), timeOf(binding->meta.creationTimestamp));
    return p;
}

kube::AuthorCheck judgeAuthor(const kube::HistoryEntry& e, const AuthorPolicy& policy)
{
    using Check = kube::AuthorCheck;
    if (!e.readable())
        return Check::NotJudged;
    switch (policy.state) {
    case AuthorPolicy::State::Unknown:
    case AuthorPolicy::State::Unreadable:
        return Check::PolicyUnknown;
    case AuthorPolicy::State::Missing:
        return Check::PolicyMissing;
    case AuthorPolicy::State::Installed:
        break;
    }
    // Author lines written before the policy were nobody's check; an entry that does not say when
    // it was written may be one of them.
    const QDateTime at = timeOf(e.at);
    if (!at.isValid() || (policy.since.isValid() && at < policy.since))
        return Check::BeforePolicy;
    if (e.writtenBy.empty())
        return Check::NoAuthor;
    return e.writtenBy == e.user ? Check::Vouched : Check::WrittenByOther;
}

void judgeAuthors(std::vector<kube::HistoryEntry>& entries, const AuthorPolicy& policy)
{
    for (kube::HistoryEntry& e : entries)
        e.authorCheck = judgeAuthor(e, policy);
}

std::vector<kube::HistoryEntry> judgedHistory(const kube::ObjectMeta& meta, const AuthorPolicy& policy)
{
    auto entries = kube::decodeHistory(
        kube::HistoryRecord{meta.annotation(historyAnnotation), meta.annotation(historyAuthorsAnnotation)});
    judgeAuthors(entries, policy);
    return entries;
}

std::string authorCheckName(kube::AuthorCheck check)
{
    switch (check) {
    case kube::AuthorCheck::NotJudged:
        return "notJudged";
    case kube::AuthorCheck::Vouched:
        return "vouched";
    case kube::AuthorCheck::WrittenByOther:
        return "writtenByOther";
    case kube::AuthorCheck::NoAuthor:
        return "noAuthor";
    case kube::AuthorCheck::BeforePolicy:
        return "beforePolicy";
    case kube::AuthorCheck::PolicyMissing:
        return "policyMissing";
    case kube::AuthorCheck::PolicyUnknown:
        return "policyUnknown";
    case kube::AuthorCheck::RecordOnly:
        return "recordOnly";
    }
    return "notJudged";
}

std::string authorSentence(const kube::HistoryEntry& e)
{
    const std::string user = e.user.empty() ? std::string("nobody") : e.user;
    switch (e.authorCheck) {
    case kube::AuthorCheck::NotJudged:
        return {};
    case kube::AuthorCheck::Vouched:
        return "checked by the API server: " + e.user + " wrote it";
    case kube::AuthorCheck::WrittenByOther:
        return "recorded as " + user + ", written by " + e.writtenBy;
    case kube::AuthorCheck::NoAuthor:
        return "recorded as " + user + ", written by someone else's tool (no author is recorded for it)";
    case kube::AuthorCheck::BeforePolicy:
        return timeOf(e.at).isValid() ? "author not checked: written before the policy was installed"
                                      : "author not checked: the entry does not say when it was written";
    case kube::AuthorCheck::PolicyMissing:
        return "author not checked: the policy is not installed";
    case kube::AuthorCheck::PolicyUnknown:
        return "author not checked: cannot tell whether the policy is installed";
    case kube::AuthorCheck::RecordOnly:
        return "author not checked: only the namespace's record holds this entry, and the policy does not cover it";
    }
    return {};
}

std::string recordedAs(const kube::HistoryEntry& e)
{
    if (e.user.empty())
        return {};
    return vouched(e) ? e.user : "recorded as " + e.user + ", not vouched";
}

} // namespace model
