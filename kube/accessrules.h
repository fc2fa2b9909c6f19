#pragma once
// What a SelfSubjectRulesReview says the user may do in one namespace, and whether that grants a
// given request. The server's list may be incomplete (an authorizer that cannot list its rules,
// such as the Node authorizer or a webhook): what it grants is granted, what it does not grant is
// not known to be refused and must be asked by a SelfSubjectAccessReview.
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

    // Whether one of the rules grants the check (RBAC's matching: "*" matches any verb, group
    // or resource; "*/sub" any resource's subresource sub; resource names, when listed, only
    // those names, and never a request without a name).
    bool grants(const std::string& verb, const std::string& group, const std::string& resource,
                const std::string& subresource, const std::string& name) const;
};

// The review's status, read tolerantly: a rule with a field of the wrong type is dropped. Whether
// the server calls its list incomplete is not kept: a grant stands either way, and what is not
// granted is asked.
AccessRules parseAccessRules(const Json& review);

} // namespace kube
