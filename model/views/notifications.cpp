#include "model/views/notifications.h"

#include "model/actions/actionrunner.h"
#include "model/state/connection.h"
#include "model/state/watchedservices.h"

namespace model {

Notifications::Notifications(ActionRunner* runner, QObject* parent) : QObject(parent), m_runner(runner)
{
    if (runner)
        connect(runner, &ActionRunner::finished, this, &Notifications::ended);
}

void Notifications::setSource(WatchedServices* watched, Connection* connection)
{
    if (m_watched)
        m_watched->disconnect(this);
    m_watched = watched;
    m_connection = connection;
    m_memory = {};
    m_previous.clear();
    m_havePrevious = false;
    if (watched)
        connect(watched, &WatchedServices::servicesChanged, this, &Notifications::derived);
}

void Notifications::derived()
{
    // Until every informer has listed once, a service may lack its slots or Services for a moment.
    if (!m_watched || !m_watched->complete())
        return;
    NoticeFacts facts;
    facts.previous = m_havePrevious ? &m_previous : nullptr;
    facts.current = &m_watched->services();
    facts.activities = m_runner ? &m_runner->activities() : nullptr;
    facts.user = m_connection ? m_connection->userName().toStdString() : std::string();
    facts.now = QDateTime::currentDateTimeUtc();
    const std::vector<Notice> notices = decideNotices(facts, m_choices, m_memory);
    m_previous = m_watched->services();
    m_havePrevious = true;
    for (const Notice& n : notices)
        Q_EMIT noticed(n);
}

void Notifications::ended(int id)
{
    const Activity* a = m_runner ? m_runner->activity(id) : nullptr;
    if (!a)
        return;
    const bool active = m_windowActive ? m_windowActive() : true;
    if (auto n = longActionNotice(*a, active, m_choices))
        Q_EMIT noticed(*n);
}

} // namespace model
