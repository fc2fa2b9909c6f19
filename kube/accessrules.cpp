#include "kube/accessrules.h"

#include <algorithm>

namespace kube {
namespace {

bool listed(const std::vector<std::string>& values, const std::string& value)
{
    return std::find(values.begin(), values.end(), value) != values.end();
}

bool anyOrListed(const std::vector<std::string>& values, const std::string& value)
{
    return listed(values, "*") || listed(values, value);
}

bool resourceMatches(const std::vector<std::string>& resources, const std::string& resource,
                     const std::string& subresource)
{
    if (listed(resources, "*"))
        return true;
    if (subresource.empty())
        return listed(resources, resource);
    return listed(resources, resource + "/" + subresource) || listed(resources, "*/" + subresource);
}

// A list of strings, or nothing when the field is there but not a list of strings.
bool strings(const Json& object, const char* field, std::vector<std::string>& out)
{
    const auto it = object.find(field);
    if (it == object.end() || it->is_null())
        return true;
    if (!it->is_array())
        return false;
    for (const Json& v : *it) {
        if (!v.is_string())
            return false;
        out.push_back(v.get<std::string>());
    }
    return true;
}

} // namespace

bool AccessRules::grants(const std::string& verb, const std::string& group, const std::string& resource,
                         const std::string& subresource, const std::string& name) const
{
    return std::any_of(rules.begin(), rules.end(), [&](const ResourceRule& r) {
        return anyOrListed(r.verbs, verb) && anyOrListed(r.apiGroups, group) &&
               resourceMatches(r.resources, resource, subresource) &&
               (r.resourceNames.empty() || (!name.empty() && listed(r.resourceNames, name)));
    });
}

AccessRules parseAccessRules(const Json& review)
{
    AccessRules out;
    if (!review.is_object() || !review.contains("status") || !review["status"].is_object())
        return out;
    const Json& status = review["status"];
    const auto rules = status.find("resourceRules");
    if (rules == status.end() || !rules->is_array())
        return out;
    bool everyRuleRead = true;
    for (const Json& r : *rules) {
        ResourceRule rule;
        if (r.is_object() && strings(r, "verbs", rule.verbs) && strings(r, "apiGroups", rule.apiGroups) &&
            strings(r, "resources", rule.resources) && strings(r, "resourceNames", rule.resourceNames))
            out.rules.push_back(std::move(rule));
        else
            everyRuleRead = false;
    }
    const auto incomplete = status.find("incomplete");
    const auto error = status.find("evaluationError");
    const bool saysWhole = incomplete != status.end() && incomplete->is_boolean() && !incomplete->get<bool>();
    const bool noError = error == status.end() || error->is_null() ||
                         (error->is_string() && error->get_ref<const std::string&>().empty());
    out.complete = saysWhole && noError && everyRuleRead;
    return out;
}

} // namespace kube
