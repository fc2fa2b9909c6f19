#pragma once

#include <string>

// Every label and annotation key Signalbox reads or writes, in one place. The `signalbox.v-sekai.org/`
// keys are this project's conventions (README: "The layout it manages"); the OCI keys are the
// image-spec's, as CI systems put them on pod templates.
namespace model {

// Labels on Services, slot Deployments and their pods.
inline const std::string serviceLabelKey = "signalbox.v-sekai.org/service"; // the service a Service or slot belongs to
inline const std::string groupLabelKey = "signalbox.v-sekai.org/group";     // services that swap together
inline const std::string roleLabelKey = "signalbox.v-sekai.org/role";       // live | staging, on Services
inline const std::string slotLabelKey = "signalbox.v-sekai.org/slot";       // a | b, on pods; Services select it
inline const std::string commitLabel = "signalbox.v-sekai.org/commit";      // a pod template's commit

// Annotations.
inline const std::string historyAnnotation = "signalbox.v-sekai.org/history"; // live Service, slot Deployments
// Beside each history: who wrote each entry, "<length> <user>" per line (kube::HistoryRecord).
inline const std::string historyAuthorsAnnotation = "signalbox.v-sekai.org/history-authors";
inline const std::string tagAnnotation = "signalbox.v-sekai.org/image-tag"; // pod template: the tag behind a digest
inline const std::string deployedAtAnnotation = "signalbox.v-sekai.org/deployed-at";
inline const std::string revisionAnnotation = "org.opencontainers.image.revision";
inline const std::string createdAnnotation = "org.opencontainers.image.created";

// The app's own health check, on the live Service (every field can be overridden per service in
// the configuration file's `health:`). Port: a number or a port name.
inline const std::string healthPortAnnotation = "signalbox.v-sekai.org/health-port";
inline const std::string healthPathAnnotation = "signalbox.v-sekai.org/health-path";
inline const std::string healthExpectStatusAnnotation = "signalbox.v-sekai.org/health-expect-status";
inline const std::string healthTimeoutAnnotation = "signalbox.v-sekai.org/health-timeout-seconds";
inline const std::string healthIntervalAnnotation = "signalbox.v-sekai.org/health-interval-seconds";

// Smoke requests and metric analysis, on the live Service (the configuration file's `smoke:`,
// `analysis:` and `prometheus:` win). Smoke: one request a line, "METHOD PATH [EXPECTED-STATUS]".
// Prometheus: NAMESPACE/SERVICE:PORT (the API server's service proxy) or an http(s):// URL.
// Analysis: "default" turns on the default metrics (error ratio, p99 latency).
inline const std::string smokeAnnotation = "signalbox.v-sekai.org/smoke";
inline const std::string prometheusAnnotation = "signalbox.v-sekai.org/prometheus";
inline const std::string analysisAnnotation = "signalbox.v-sekai.org/analysis";

} // namespace model
