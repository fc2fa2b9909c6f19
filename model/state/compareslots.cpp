#include "model/state/compareslots.h"

#include "model/state/connection.h"
#include "model/state/watchedservices.h"

#include <QTimer>

namespace model {

void compareSlots(const WatchedServices& watched, Connection& connection, const std::string& service,
                  const std::string& from, const std::string& to, QObject* owner,
                  std::function<void(SlotDiffAnswer)> done)
{
    auto answer = [owner, &done](std::string problem) {
        QTimer::singleShot(0, owner, [done = std::move(done), problem = std::move(problem)] {
            done(SlotDiffAnswer{.diff = std::nullopt, .problem = problem, .error = std::nullopt});
        });
    };
    const ServiceState* st = watched.service(service);
    if (!st) {
        answer("the console does not show " + service + " now.");
        return;
    }
    const ServiceSpec& spec = st->spec;
    kube::Client* client = connection.client(spec.context);
    if (!client) {
        answer("there is no client for context " + spec.context + ": see the connection line.");
        return;
    }
    readSlotDiff(client, spec, from, to, owner, std::move(done));
}

} // namespace model
