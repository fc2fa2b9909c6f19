#pragma once

#include <string>

namespace kube {

// One kind of API object and where it lives in the REST tree.
struct Resource {
    std::string group; // "" for the core group
    std::string version;
    std::string plural;
    bool namespaced = true;

    // /api/v1/namespaces/NS/services/NAME, /apis/apps/v1/deployments, ...
    std::string path(const std::string& ns = {}, const std::string& name = {}) const;
    // "services", "deployments.apps": how RBAC and error messages name it
    std::string qualifiedName() const;
};

namespace resources {
inline const Resource namespaces{"", "v1", "namespaces", false};
inline const Resource pods{"", "v1", "pods"};
inline const Resource services{"", "v1", "services"};
inline const Resource events{"", "v1", "events"};
inline const Resource deployments{"apps", "v1", "deployments"};
inline const Resource replicaSets{"apps", "v1", "replicasets"};
inline const Resource configMaps{"", "v1", "configmaps"};
inline const Resource endpointSlices{"discovery.k8s.io", "v1", "endpointslices"};
inline const Resource selfSubjectAccessReviews{"authorization.k8s.io", "v1", "selfsubjectaccessreviews", false};
inline const Resource selfSubjectRulesReviews{"authorization.k8s.io", "v1", "selfsubjectrulesreviews", false};
inline const Resource selfSubjectReviews{"authentication.k8s.io", "v1", "selfsubjectreviews", false};
inline const Resource validatingAdmissionPolicies{"admissionregistration.k8s.io", "v1", "validatingadmissionpolicies",
                                                  false};
inline const Resource validatingAdmissionPolicyBindings{"admissionregistration.k8s.io", "v1",
                                                        "validatingadmissionpolicybindings", false};
} // namespace resources

// Percent-encodes a query parameter value.
std::string urlEncode(const std::string& value);

} // namespace kube
