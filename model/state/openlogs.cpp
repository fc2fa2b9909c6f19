#include "model/state/openlogs.h"

#include "model/state/connection.h"
#include "model/state/watchedservices.h"

namespace model {

LogStream* openLogs(const WatchedServices& watched, Connection& connection, const std::string& service, Slot slot,
                    const std::string& pod, const LogOptions& options, QObject* parent)
{
    const ServiceState* st = watched.service(service);
    if (!st)
        return nullptr;
    const SlotState& s = st->slot(slot);
    if (!s.exists || s.podSelector.empty())
        return nullptr;
    const std::string& context =
        slot == Slot::Sandbox && !st->spec.sandboxContext.empty() ? st->spec.sandboxContext : st->spec.context;
    LogSource source{s.ns, s.podSelector, pod,
                     service + " " + (slot == Slot::Sandbox ? std::string("sandbox") : "slot " + name(slot)) +
                         " (Deployment " + s.deployment + " in " + s.ns + ")"};
    return new LogStream(connection.client(context), std::move(source), options, parent);
}

} // namespace model
