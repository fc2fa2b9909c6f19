#include "model/state/records.h"

#include "kube/record.h"
#include "model/state/connection.h"
#include "model/state/watchedservices.h"

#include <QPointer>
#include <QTimer>
#include <map>
#include <set>

namespace model {

void readRecordHistories(const WatchedServices& watched, Connection& connection, QObject* owner,
                         std::function<void(RecordHistories)> done)
{
    kube::Client* client = connection.client({});
    std::set<std::string> namespaces;
    std::map<std::string, std::string> groupOf;
    for (const ServiceState& s : watched.services()) {
        groupOf[s.spec.name] = s.spec.group.empty() ? s.spec.name : s.spec.group;
        if (!s.spec.context.empty() && client && s.spec.context != client->config().contextName)
            continue; // another context's record is read there
        namespaces.insert(s.spec.ns);
        if (!s.spec.sandboxNamespace.empty() && s.spec.sandboxContext.empty())
            namespaces.insert(s.spec.sandboxNamespace);
    }
    QPointer<QObject> guard(owner);
    if (!client || namespaces.empty()) {
        QTimer::singleShot(0, owner, [done] { done({}); });
        return;
    }
    kube::readRecords(client, namespaces,
                      [guard, done, groupOf](std::map<std::string, kube::Result<kube::ReadRecord>> read) {
                          if (!guard)
                              return;
                          RecordHistories out;
                          std::vector<std::string> froms;
                          for (const auto& [ns, r] : read) {
                              if (!r) {
                                  out.problems.push_back("The record of namespace " + ns +
                                                         " could not be read: " + r.error().message);
                                  continue;
                              }
                              froms.push_back(r->from);
                              for (auto& h : recordedHistories(ns, r->entries, groupOf))
                                  out.histories.push_back(std::move(h));
                          }
                          out.reach = recordReach(froms);
                          done(std::move(out));
                      });
}

} // namespace model
