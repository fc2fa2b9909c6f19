#pragma once

#include "dashboard.h"
#include "swap.h"

#include <QObject>
#include <QPointer>
#include <optional>

class QTimer;

namespace model {

// What the operator may do with one service right now: swap, roll back, repair. Each is
// planned on fresh reads (with access reviews for every step) whenever the service changes, so
// a button is enabled only when the whole action would pass, and says why when it would not.
class ServiceActions : public QObject {
    Q_OBJECT

public:
    struct Availability {
        bool planned = false; // a plan has come back
        bool visible = false; // worth showing at all (rollback: a swap is recorded; repair: a split)
        bool enabled = false;
        std::string reason; // why not, in plain words
        std::optional<SwapPlan> plan;
    };

    explicit ServiceActions(Dashboard* dashboard, QObject* parent = nullptr);

    void setService(const std::string& name);
    const std::string& service() const { return m_service; }
    const Availability& availability(SwapPlan::Kind kind) const;
    // Deploying: whether the user may patch the staging slot's or the sandbox's Deployment.
    const Availability& deployAvailability() const { return m_deploy; }
    bool busy() const { return m_busy; }

    // Carries out a plan the user confirmed; progress and the outcome arrive as signals.
    void run(const SwapPlan& confirmed);

Q_SIGNALS:
    void changed();
    void progress(const QString& step);
    void finished(const model::SwapOutcome& outcome);

private:
    void replan();
    Swapper* swapper();
    std::string fingerprint() const;

    QPointer<Dashboard> m_dashboard;
    std::string m_service;
    Availability m_swap, m_rollback, m_repair, m_deploy;
    QTimer* m_debounce;
    QPointer<Swapper> m_swapper;
    bool m_busy = false;
    int m_generation = 0;
    std::string m_fingerprint;
};

} // namespace model
