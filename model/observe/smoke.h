#pragma once

// Smoke requests to staging: a service's requests sent to its staging Service through the API
// server's service proxy (services/NAME:PORT/proxy/PATH), `repeat` times at a bounded rate, each
// answer judged by model::judgeSmokeAnswer and summed up in one SmokeReport.

#include "kube/client.h"
#include "kube/objects.h"
#include "model/rules/healthcheck.h"
#include "model/rules/servicespec.h"
#include "model/rules/smokereport.h"

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>
#include <string>

namespace model {

// How one proxied answer reads as a smoke answer (pure): the app's status, headers, body and time,
// with the JSON field the request expects decoded at kube/'s boundary, or why there was none.
SmokeAnswer smokeAnswerFrom(const kube::ProxyAnswer& answer, const SmokeRequest& request, int timeoutSeconds,
                            const std::string& port);

// The staging Service's port smoke requests go to: the one the health check picks
// (resolveServicePort), else the Service's first port. Empty when it has none.
std::string smokePort(const kube::Service& staging, const HealthSpec& health);

// The sentence for a refused proxy: "you may not send POST requests through the API server's
// proxy to Services in namespace uro (create on services/proxy)".
std::string smokeRefusal(const std::string& method, const std::string& verb, const std::string& ns);

// Sends smoke requests; every call answers on the owning thread, once. Destroying the runner (or
// cancel()) cancels what is on the wire and what waits for its turn, without calling back.
class SmokeRunner : public QObject {
    Q_OBJECT

public:
    explicit SmokeRunner(kube::Client* client, QObject* parent = nullptr);
    ~SmokeRunner() override;

    // Sends every request of `spec` `repeat` times, in turn, at most `ratePerSecond` a second,
    // each with its timeout, to `service` in `ns` on `port`. A refusal by the API server stops
    // the run: the report says so once.
    void run(const std::string& ns, const std::string& service, const std::string& port, const SmokeSpec& spec,
             std::function<void(SmokeReport)> done);
    void cancel();

private:
    struct Run;
    void sendNext(std::shared_ptr<Run> run);

    QPointer<kube::Client> m_client;
    std::vector<std::shared_ptr<Run>> m_runs;
};

// `signalbox smoke`: reads the live and staging Services afresh, works out the requests
// (smokeSpecFor) and the port, and sends them through `runner`. Answers once.
struct ServiceSmokeReport {
    SmokeSpec spec;                    // no requests: nothing was sent
    std::vector<std::string> problems; // annotations that could not be read
    SmokeReport report;
    std::optional<kube::Error> error; // the Services could not be read
};
void smokeService(kube::Client* client, SmokeRunner* runner, const ServiceSpec& spec,
                  std::function<void(ServiceSmokeReport)> done);

} // namespace model
