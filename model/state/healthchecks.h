#pragma once

#include "model/observe/healthmonitor.h"
#include "model/state/servicecache.h"
#include "model/state/servicestate.h"

#include <QObject>
#include <QString>
#include <map>
#include <string>
#include <vector>

namespace model {

class Connection;

// The monitor's last answers in the state of one service: each pod of A, B and sandbox, and the
// live and staging Services, summarised as the tiles and the overview read them. The contexts are
// those the targets were made with (production, sandbox).
void fillHealth(const HealthMonitor& monitor, ServiceState& state, const std::string& context,
                const std::string& sandboxContext);

// The health of the services shown: asks each one's pods and Services its check, at the check's
// interval, through one prober per client (at most 8 checks in flight each). The watch cache hands
// it each service it derives; its answers come back through the monitor's resultsChanged.
class HealthChecks : public QObject {
    Q_OBJECT

public:
    explicit HealthChecks(Connection* connection, QObject* parent = nullptr);

    HealthMonitor* monitor() const { return m_monitor; }
    // Health checks the user may not ask (no get on pods/proxy or services/proxy), one sentence
    // per namespace and kind.
    std::vector<QString> notices() const;
    // The most health checks one client had on the wire at once (the probers' limit is 8).
    int peakInFlight() const;

    // A service just derived from these snapshots: its check, its targets, and what is known of them.
    void derived(ServiceState& state, const Snapshot& production, const Snapshot& sandbox);
    // The monitor's answers filled in again; true when what the overview reads of them changed.
    bool refill(ServiceState& state) const;
    // Asks the targets of these services from now on, and forgets those of the others.
    void keepTargets(const std::vector<ServiceSpec>& shown);

private:
    void ask(const HealthTarget& target, std::function<void(HealthResult)> done);

    Connection* m_connection;
    HealthMonitor* m_monitor;
    std::map<std::string, std::vector<HealthTarget>> m_targets; // by service key
    std::map<std::string, HealthProber*> m_probers;             // by context
};

} // namespace model
