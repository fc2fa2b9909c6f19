#include "model/observe/authorpolicy.h"

#include "kube/client.h"
#include "kube/resource.h"

#include <memory>
#include <optional>

namespace model {

void readAuthorPolicy(kube::Client* client, std::function<void(AuthorPolicy)> done)
{
    struct Reads {
        std::optional<kube::Result<kube::ObjectMeta>> policy;
        std::optional<kube::Result<kube::AdmissionPolicyBinding>> binding;
    };
    auto reads = std::make_shared<Reads>();
    auto finish = [reads, done] {
        if (reads->policy && reads->binding)
            done(authorPolicyFrom(*reads->policy, *reads->binding));
    };
    client->get(kube::resources::validatingAdmissionPolicies, {}, authorPolicyName,
                [reads, finish](kube::Result<kube::Json> r) {
                    reads->policy = r ? kube::parseMeta(r.value()) : kube::Result<kube::ObjectMeta>(r.error());
                    finish();
                });
    client->get(kube::resources::validatingAdmissionPolicyBindings, {}, authorPolicyName,
                [reads, finish](kube::Result<kube::Json> r) {
                    reads->binding = r ? kube::parseAdmissionPolicyBinding(r.value())
                                       : kube::Result<kube::AdmissionPolicyBinding>(r.error());
                    finish();
                });
}

} // namespace model
