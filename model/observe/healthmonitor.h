#pragma once

#include "model/observe/health.h"
#include "model/rules/healthsummary.h"

#include <QDateTime>
#include <QObject>
#include <functional>
#include <map>
#include <string>
#include <vector>

class QTimer;

namespace model {

// One thing to ask: a pod of a slot, or the live or staging Service.
struct HealthTarget {
    std::string context; // the kubeconfig context of the client that asks
    std::string ns;
    std::string name;
    bool service = false;
    kube::Pod pod;        // the pod itself (its named ports), when not a Service
    kube::Service object; // the Service itself (its ports), when a Service
    HealthSpec spec;

    std::string key() const; // context/ns/pods|services/name
    static std::string keyOf(const std::string& context, const std::string& ns, bool service, const std::string& name);
};

// Asks the services the dashboard shows whether their release answers: each target once per
// its interval (HealthSpec::intervalSeconds), never twice at once; targets that go away are
// forgotten. A namespace whose proxy the user may not use is asked again only after
// `refusalPauseSeconds`, so a missing grant is one sentence, not a request per pod per interval.
// The asking itself (at most 8 in flight per client) is the HealthProber's, behind `Ask`.
class HealthMonitor : public QObject {
    Q_OBJECT

public:
    using Ask = std::function<void(const HealthTarget&, std::function<void(HealthResult)>)>;
    using Clock = std::function<QDateTime()>;

    explicit HealthMonitor(Ask ask, QObject* parent = nullptr);
    ~HealthMonitor() override;

    // Tests drive time themselves; the default is the wall clock (UTC).
    void setClock(Clock clock);
    // Keeps asking on its own timer (the default); off, only tick() asks.
    void setAutomatic(bool automatic);

    // What to ask from now on (replaces the previous set; the rest is forgotten).
    void setTargets(std::vector<HealthTarget> targets);
    // Asks every target that is due now; returns how many were asked.
    int tick();

    // The latest result for a target's key; nullptr when none arrived yet.
    const HealthResult* result(const std::string& key) const;
    std::size_t targetCount() const { return m_entries.size(); }
    // Every target has had an answer (or a refusal) at least once.
    bool allAnswered() const;
    int inFlight() const { return m_inFlight; }
    long long asked() const { return m_asked; }
    // Scopes (context/ns/kind) whose proxy the user may not use, each with the server's sentence.
    std::map<std::string, std::string> refusals() const;

    static constexpr int refusalPauseSeconds = 300;

Q_SIGNALS:
    // Some result changed (coalesced: once per burst of answers).
    void resultsChanged();

private:
    struct Entry {
        HealthTarget target;
        QDateTime lastAsked;
        bool inFlight = false;
        bool hasResult = false;
        HealthResult result;
        unsigned generation = 0; // answers to an older incarnation of the key are dropped
    };
    struct Refusal {
        std::string sentence;
        QDateTime until;
    };
    static std::string scopeOf(const HealthTarget& t);
    void answered(const std::string& key, unsigned generation, HealthResult r);
    void scheduleNext();

    Ask m_ask;
    Clock m_clock;
    bool m_automatic = true;
    std::map<std::string, Entry> m_entries;
    std::map<std::string, Refusal> m_refusals;
    unsigned m_generation = 0;
    int m_inFlight = 0;
    long long m_asked = 0;
    QTimer* m_timer;
    QTimer* m_notify;
};

} // namespace model
