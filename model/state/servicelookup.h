#pragma once

#include "kube/client.h"
#include "model/rules/servicespec.h"
#include "model/state/servicestate.h"

#include <functional>
#include <memory>

namespace model {

// Finds the services one command works on, without watching: the configured ones plus those
// labelled in `ns` (or in every namespace the user may list when `ns` is empty).
void lookupServices(kube::Client* client, const ServiceConfig& config, const std::string& ns,
                    std::function<void(kube::Result<std::vector<ServiceSpec>>)> done);
// The same, also handing over the labelled Services and Deployments it listed (nullptr when a list
// failed), so a caller that needs them fresh reads them no second time.
void lookupServices(kube::Client* client, const ServiceConfig& config, const std::string& ns,
                    std::function<void(kube::Result<std::vector<ServiceSpec>>, std::shared_ptr<const Snapshot>)> done);

// The members of `name`'s group (itself included), or empty when there is no such service.
std::vector<ServiceSpec> groupOf(const std::vector<ServiceSpec>& all, const std::string& name);

} // namespace model
