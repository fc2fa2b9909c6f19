#include "kube/history.h"

#include "app/exitcodes.h"
#include "commands.h"
#include "kube/objects.h"
#include "model/keys.h"
#include "model/watchrules.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

using nlohmann::json;

// One entry as a line: "AT  USER  ACTION  slot a IMAGE -> slot b IMAGE  health check passed", a
// watch's "AT  USER  watch  slot b IMAGE: held".
std::string historyLine(const kube::HistoryEntry& e)
{
    auto slot = [](const std::string& s) { return s.empty() ? std::string("?") : s; };
    if (!e.readable())
        return (e.at.empty() ? "" : e.at + "  ") + "unreadable entry: " + e.unreadable;
    if (e.action == model::watchAction)
        return e.at + "  " + e.user + "  " + e.action + "  slot " + slot(e.to.slot) + " " + e.to.image + ": " +
               (e.result.empty() ? std::string("no result") : e.result);
    return e.at + "  " + e.user + "  " + e.action + "  slot " + slot(e.from.slot) + " " + e.from.image + " -> slot " +
           slot(e.to.slot) + " " + e.to.image + (e.healthCheck.empty() ? "" : "  health check " + e.healthCheck);
}

void sayHistory(const std::vector<kube::HistoryEntry>& entries, bool asJson)
{
    if (asJson) {
        json all = json::array();
        for (const auto& e : entries)
            all.push_back(e.toJson());
        sayJson(all);
    } else if (entries.empty()) {
        say("no swaps recorded");
    } else {
        for (const auto& e : entries)
            say(historyLine(e));
    }
}

} // namespace

void history(Session& s)
{
    const model::ServiceSpec* spec = s.requireService();
    if (!spec)
        return;
    const bool asJson = s.options().json;
    s.client()->get(kube::resources::services, spec->ns, spec->liveService, [&s, asJson](kube::Result<json> r) {
        if (!r) {
            s.fail(r.error());
            return;
        }
        std::string value;
        if (auto live = kube::parseService(r.value()))
            value = live->meta.annotation(model::historyAnnotation);
        sayHistory(kube::decodeHistory(value), asJson);
        QCoreApplication::exit(app::Done);
    });
}

} // namespace cli
