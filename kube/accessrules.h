#pragma once
// What a SelfSubjectRulesReview says the user may do in one namespace, and whether that grants a
// given request. The server's list may be incomplete (an authorizer that cannot list its rules,
// such as the Node authorizer for a node or a webhook, or a role it could not read): what it
// grants is granted, and what it does not grant is refused only when the list is complete.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kube {

using Json = nlohmann::json;

struct ResourceRule {
    std::vector<std::string> verbs, apiGroups, resources, resourceNames;
};

struct AccessRules {
    std::vector<ResourceRule> rules;
    // The server calls the list whole (status.incomplete false, no evaluationError) and every rule
    // in it was read: what it does not grant, RBAC refuses.
    bool complete = false;

    // Whether one of the rules grants the check (RBAC's matching: "*" matches any verb, group
    // or resource; "*/sub" any resource's subresource sub; resource names, when listed, only
    // those names, and never a request without a name).
    bool grants(const std::string& verb, const std::string& group, const std::string& resource,
                const std::string& subresource, const std::string& name) const;
};

// The review's status, read tolerantly: a rule with a field of the wrong type is dropped, and the
// list is then not complete.
AccessRules parseAccessRules(const Json& review);

} // namespace kube
