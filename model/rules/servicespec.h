#pragma once

#include "kube/net.h"
#include "model/rules/analysis.h"
#include "model/rules/keys.h"
#include "model/rules/settings.h"
#include "model/rules/slot.h"
#include "model/rules/smoke.h"

#include <optional>
#include <string>
#include <vector>

namespace model {

// The configuration's `health:` of one service: each field set here overrides the annotation of
// the live Service (model/keys.h) for that field.
struct HealthConfig {
    std::optional<std::string> port; // a number or a port name
    std::optional<std::string> path;
    std::optional<int> expectStatus;
    std::optional<int> timeoutSeconds;
    std::optional<int> intervalSeconds;

    bool any() const { return port || path || expectStatus || timeoutSeconds || intervalSeconds; }
    bool operator==(const HealthConfig&) const = default;
};

// Where one service's slots and Services are. Every name defaults to the convention of the
// brief (S-a, S-b, S, S-staging, namespace S-sandbox with Deployment S) and can be overridden.
struct ServiceSpec {
    std::string name;
    std::string group;        // services that swap together share it
    std::string context;      // kubeconfig context of production; empty: the current one
    std::string ns;           // production namespace
    std::string slotA, slotB; // Deployments
    std::string liveService, stagingService;
    std::string slotLabel = slotLabelKey;
    std::string sandboxContext; // empty: same as production
    std::string sandboxNamespace;
    std::string sandboxDeployment;
    std::string imageRepository; // where the tag picker looks; empty: from the running image
    bool runsMigrationsAtStart = false;
    bool stagingSharesLiveDatabase = false;
    HealthConfig health; // from the configuration; the live Service's annotations fill the rest
    // `smoke:`, `analysis:` and `prometheus:` from the configuration; smokeSpecFor, analysisSpecFor and
    // prometheusTargetFor add the live Service's annotations.
    SmokeSpec smoke;
    AnalysisSpec analysis;
    PrometheusTarget prometheus;
    bool fromConfig = false;
    bool discovered = false;

    // Fills every empty name from the convention.
    void applyDefaults();
    std::string slotDeployment(Slot slot) const
    {
        return slot == Slot::A ? slotA : slot == Slot::B ? slotB : sandboxDeployment;
    }
    bool operator==(const ServiceSpec&) const = default;
};

struct ServiceConfig {
    std::string file; // where it was read from; empty when there is none
    std::vector<ServiceSpec> services;
    std::vector<std::string> namespaces;    // extra namespaces to look in
    std::optional<int> pollIntervalSeconds; // 0: watch; otherwise poll at this interval; unset: not in the file
    std::string webhook;                    // chat webhook told of deploys, swaps and failures
    std::optional<int>
        watchAfterSwapSeconds; // how long a swap's new live slot is watched; 0: not; unset: not in the file
    // `notifications:` each kind of desktop notification turned on or off; unset: not in the file.
    NotificationSettings notifications;
    PrometheusTarget prometheus; // `prometheus:` at the top level: every service's, unless it names its own
};

// Reads the YAML service configuration. A missing default file is an empty configuration; an
// explicitly named missing file is an error. Errors name the file, the line and the key.
kube::Result<ServiceConfig> loadServiceConfig(const std::string& path, bool explicitPath);
kube::Result<ServiceConfig> parseServiceConfig(const std::string& text, const std::string& file);

// The default location: $XDG_CONFIG_HOME/signalbox/services.yaml, else ~/.config/signalbox/services.yaml.
std::string defaultServiceConfigPath();

// Merges discovered services into configured ones: a service found both ways is one service,
// the configuration's names winning.
std::vector<ServiceSpec> mergeServices(const std::vector<ServiceSpec>& configured,
                                       const std::vector<ServiceSpec>& discovered);

} // namespace model
