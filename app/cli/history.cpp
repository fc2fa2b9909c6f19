#include "kube/history.h"

#include "app/exitcodes.h"
#include "commands.h"
#include "kube/objects.h"
#include "kube/resource.h"
#include "model/observe/authorpolicy.h"
#include "model/rules/analysis.h"
#include "model/rules/authorship.h"
#include "model/rules/keys.h"
#include "model/rules/slot.h"
#include "model/rules/watchrules.h"
#include "session.h"

#include <QCoreApplication>
#include <algorithm>
#include <memory>
#include <optional>

namespace cli {

namespace {

using nlohmann::json;

// "  analysis failed (error ratio staging 20 % against live 0 %)": what the gate's analysis measured.
std::string analysisText(const kube::HistoryEntry& e)
{
    if (e.analysisCheck.empty())
        return {};
    std::string values;
    for (const kube::HistoryMetric& m : e.analysis) {
        auto value = [&m](const std::optional<double>& v) { return v ? model::formatValue(*v, m.unit) : "no data"; };
        values +=
            (values.empty() ? "" : ", ") + m.name + " staging " + value(m.staging) + " against live " + value(m.live);
    }
    return "  analysis " + e.analysisCheck + (values.empty() ? std::string() : " (" + values + ")");
}

// One entry as a line: "AT  USER  ACTION  slot A IMAGE -> slot B IMAGE  health check passed", a
// watch's "AT  USER  watch  slot B IMAGE: held", then what can be said of who wrote it (a name is a
// fact only when the API server vouches for it).
std::string historyLine(const kube::HistoryEntry& e)
{
    auto slot = [](const std::string& s) { return model::displayNameOfRecorded(s); };
    if (!e.readable())
        return (e.at.empty() ? "" : e.at + "  ") + "unreadable entry: " + e.unreadable;
    const std::string author = model::authorSentence(e);
    const std::string by = author.empty() ? "" : "  · " + author;
    if (e.action == model::watchAction)
        return e.at + "  " + e.user + "  " + e.action + "  " + slot(e.to.slot) + " " + e.to.image + ": " +
               (e.result.empty() ? std::string("no result") : e.result) + by;
    const std::string what = e.target.empty() ? e.action : e.action + " to " + e.target;
    return e.at + "  " + e.user + "  " + what + "  " + slot(e.from.slot) + " " + e.from.image + " -> " +
           slot(e.to.slot) + " " + e.to.image + (e.healthCheck.empty() ? "" : "  health check " + e.healthCheck) +
           (e.smokeCheck.empty() ? "" : "  smoke " + e.smokeCheck) + analysisText(e) + by;
}

void sayHistory(const std::vector<kube::HistoryEntry>& entries, bool asJson, bool deploys)
{
    if (asJson) {
        json all = json::array();
        for (const auto& e : entries) {
            json j = e.toJson();
            if (e.readable())
                j.emplace("author", json{{"check", model::authorCheckName(e.authorCheck)},
                                         {"vouched", model::vouched(e)},
                                         {"writtenBy", e.writtenBy},
                                         {"sentence", model::authorSentence(e)}});
            all.push_back(std::move(j));
        }
        sayJson(all);
    } else if (entries.empty()) {
        say(deploys ? "no swaps or deploys recorded" : "no swaps recorded");
    } else {
        for (const auto& e : entries)
            say(historyLine(e));
    }
}

// What the history is read from: the live Service, and with --deploys the slot and sandbox
// Deployments (the sandbox only when it is in this context).
struct Source {
    kube::Resource resource;
    std::string ns, name;
};

std::vector<Source> historySources(Session& s, const model::ServiceSpec& spec)
{
    std::vector<Source> sources{{kube::resources::services, spec.ns, spec.liveService}};
    if (s.options().deploys) {
        sources.push_back({kube::resources::deployments, spec.ns, spec.slotA});
        sources.push_back({kube::resources::deployments, spec.ns, spec.slotB});
        if (spec.sandboxContext.empty() || spec.sandboxContext == s.client()->config().contextName)
            sources.push_back({kube::resources::deployments, spec.sandboxNamespace, spec.sandboxDeployment});
    }
    return sources;
}

} // namespace

// signalbox history SERVICE [--deploys]: the swaps recorded on the live Service (with --deploys
// also the deploys on the slot and sandbox Deployments, merged in time order), each with what can
// be said of who wrote it (model/rules/authorship.h).
void history(Session& s)
{
    const model::ServiceSpec* spec = s.requireService();
    if (!spec)
        return;
    const std::vector<Source> sources = historySources(s, *spec);
    struct Reads {
        std::vector<std::optional<kube::ObjectMeta>> metas;
        model::AuthorPolicy policy;
        std::optional<kube::Error> error;
        std::size_t left = 0;
    };
    auto reads = std::make_shared<Reads>();
    reads->metas.resize(sources.size());
    reads->left = sources.size() + 1;
    auto finish = [&s, reads] {
        if (--reads->left > 0)
            return;
        if (reads->error) {
            s.fail(*reads->error);
            return;
        }
        std::vector<kube::HistoryEntry> entries;
        for (const auto& meta : reads->metas)
            if (meta)
                for (auto& e : model::judgedHistory(*meta, reads->policy))
                    entries.push_back(std::move(e));
        if (s.options().deploys)
            std::stable_sort(entries.begin(), entries.end(),
                             [](const kube::HistoryEntry& x, const kube::HistoryEntry& y) { return x.at < y.at; });
        sayHistory(entries, s.options().json, s.options().deploys);
        QCoreApplication::exit(app::Done);
    };
    for (std::size_t i = 0; i < sources.size(); ++i)
        s.client()->get(sources[i].resource, sources[i].ns, sources[i].name, [reads, finish, i](kube::Result<json> r) {
            if (r) {
                if (auto meta = kube::parseMeta(r.value()))
                    reads->metas[i] = meta.value();
            } else if ((i == 0 || r.error().httpStatus != 404) && !reads->error) {
                // A slot or sandbox Deployment that does not exist has no history;
                // the live Service must be there.
                reads->error = r.error();
            }
            finish();
        });
    model::readAuthorPolicy(s.client(), [reads, finish](model::AuthorPolicy policy) {
        reads->policy = std::move(policy);
        finish();
    });
}

} // namespace cli
