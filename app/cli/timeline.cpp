#include "model/rules/timeline.h"

#include "app/exitcodes.h"
#include "commands.h"
#include "kube/history.h"
#include "kube/record.h"
#include "model/observe/authorpolicy.h"
#include "model/rules/authorship.h"
#include "model/rules/counted.h"
#include "model/rules/delivery.h"
#include "model/rules/displaytext.h"
#include "model/rules/join.h"
#include "model/rules/plan.h"
#include "model/state/servicestate.h"
#include "session.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTimeZone>
#include <map>
#include <memory>
#include <set>

namespace cli {

namespace {

using nlohmann::json;

constexpr std::int64_t timelineDefaultSeconds = 7 * 86400;
constexpr std::int64_t statsDefaultSeconds = 30 * 86400;
constexpr std::size_t maxEventsListed = 500; // per namespace: the API server keeps an hour of them by default

// Each service's record as the lookup listed it: the live Service's history (swaps, rollbacks,
// repairs, watch verdicts) and the slot and sandbox Deployments' (deploys). How many entries each
// holds at most says how far back it can reach.
// Each namespace's record (kube/record.h) adds what the annotations no longer keep, and says from when
// it holds every entry.
struct Record {
    std::vector<model::RecordedHistory> read;
    std::map<std::string, std::size_t> atCap; // service -> entries on its live Service, when at the cap
    std::optional<std::int64_t> reach;        // the namespaces' records hold every entry since
    std::vector<std::string> problems;        // records that could not be read, one sentence each
};

Record recordOf(const Session& s, const model::AuthorPolicy& policy,
                const std::map<std::string, kube::Result<kube::ReadRecord>>& records)
{
    Record r;
    const model::Snapshot* listed = s.listed().get();
    if (!listed)
        return r;
    std::map<std::string, std::string> groupOf;
    for (const model::ServiceSpec& spec : s.services())
        groupOf[spec.name] = spec.group.empty() ? spec.name : spec.group;
    for (const model::ServiceSpec& spec : s.services()) {
        const std::string group = spec.group.empty() ? spec.name : spec.group;
        if (const kube::Service* live = listed->service(spec.ns, spec.liveService)) {
            auto entries = model::judgedHistory(live->meta, policy);
            if (entries.size() >= model::historyCap)
                r.atCap[spec.name] = entries.size();
            r.read.push_back({spec.name, group, "service " + spec.liveService, std::move(entries)});
        }
        const std::pair<std::string, std::string> deployments[] = {
            {spec.ns, spec.slotA}, {spec.ns, spec.slotB}, {spec.sandboxNamespace, spec.sandboxDeployment}};
        for (const auto& [ns, name] : deployments)
            if (const kube::Deployment* d = listed->deployment(ns, name))
                r.read.push_back({spec.name, group, "deployment " + name, model::judgedHistory(d->meta, policy)});
    }
    // After the annotations: an entry both hold is listed once, as its annotation (whose author is checked) has it.
    std::vector<std::string> froms;
    for (const auto& [ns, read] : records) {
        if (!read) {
            r.problems.push_back("The record of namespace " + ns + " could not be read: " + read.error().message);
            continue;
        }
        froms.push_back(read->from);
        for (auto& h : model::recordedHistories(ns, read->entries, groupOf))
            r.read.push_back(std::move(h));
    }
    r.reach = model::recordReach(froms);
    return r;
}

std::string timeText(std::optional<std::int64_t> at)
{
    if (!at)
        return "(time unreadable)";
    return QDateTime::fromSecsSinceEpoch(*at, QTimeZone::utc())
               .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
               .toStdString() +
           "Z";
}

// "2026-12-06 14:05:02Z  uro  event BackOff  pod uro-b-5f6d-x2kq: Back-off restarting failed container (×4)"
std::string eventLine(const model::TimelineEntry& t)
{
    const model::TimelineEvent& ev = *t.event;
    return timeText(t.at) + "  " + t.service + "  event " + ev.reason + "  " + ev.object + ": " + ev.message +
           (ev.count > 1 ? " (×" + std::to_string(ev.count) + ")" : std::string());
}

json eventJson(const model::TimelineEntry& t)
{
    const model::TimelineEvent& ev = *t.event;
    return {{"at", t.entry.at},
            {"action", model::eventAction},
            {"service", t.service},
            {"group", t.group},
            {"event",
             {{"type", ev.type},
              {"reason", ev.reason},
              {"object", ev.object},
              {"message", ev.message},
              {"count", ev.count}}}};
}

// "2026-12-06 14:02:11Z  uro  swap  ana  slot A 1a2b (commit ..) -> slot B 4d5e  done  took 4 s"
std::string timelineLine(const model::TimelineEntry& t)
{
    if (t.event)
        return eventLine(t);
    const kube::HistoryEntry& e = t.entry;
    std::string line = timeText(t.at) + "  " + t.service + "  ";
    if (!e.readable())
        return line + "unreadable entry: " + e.unreadable;
    const std::string who = model::recordedAs(e);
    line += (e.target.empty() ? e.action : e.action + " to " + e.target) + "  " + (who.empty() ? "?" : who) + "  ";
    if (e.action == "watch")
        line += model::recordedSlotText(e.to) + ": " + (e.result.empty() ? std::string("no result") : e.result);
    else
        line += model::recordedSlotText(e.from) + " -> " + model::recordedSlotText(e.to) + "  " +
                model::outcomeName(t.outcome);
    if (const auto took = t.seconds())
        line += "  took " + model::spanText(*took);
    return line;
}

json timelineJson(const model::TimelineEntry& t)
{
    if (t.event)
        return eventJson(t);
    json j = t.entry.toJson();
    j.update(json{{"service", t.service},
                  {"group", t.group},
                  {"source", t.source},
                  {"outcome", model::outcomeName(t.outcome)},
                  {"seconds", t.seconds() ? json(*t.seconds()) : json(nullptr)}});
    if (t.entry.readable())
        j.update(json{{"author", json{{"check", model::authorCheckName(t.entry.authorCheck)},
                                      {"vouched", model::vouched(t.entry)},
                                      {"sentence", model::authorSentence(t.entry)}}}});
    return j;
}

json figuresJson(const model::DeliveryFigures& f)
{
    auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
    return {{"swaps", f.swaps},
            {"swapsPerDay", f.perDay},
            {"swapsPerWeek", f.perWeek},
            {"leadTimeMedianSeconds", opt(f.leadTimeMedian)},
            {"leadTimeSamples", f.leadTimeSamples},
            {"failedSwaps", f.failedSwaps},
            {"changeFailureRate", opt(f.changeFailureRate)},
            {"restoreMedianSeconds", opt(f.restoreMedian)},
            {"restores", f.restores},
            {"unrestored", f.unrestored},
            {"recordFrom", f.recordFrom ? json(timeText(f.recordFrom)) : json(nullptr)}};
}

void sayFigures(const std::string& indent, const model::DeliveryFigures& f)
{
    char perWeek[32];
    std::snprintf(perWeek, sizeof perWeek, "%.1f", f.perWeek);
    say(indent + "deployment frequency  " + model::counted(f.swaps, "swap", "swaps") + " to live, " + perWeek +
        " a week");
    say(indent + "lead time             " +
        (f.leadTimeMedian ? "median " + model::spanText(*f.leadTimeMedian) + " from the image's build to live (" +
                                model::counted(f.leadTimeSamples, "swap", "swaps") + ")"
                          : std::string("not known (no swap recorded a build time)")));
    say(indent + "change failure rate   " +
        (f.changeFailureRate
             ? std::to_string(int(*f.changeFailureRate * 100 + 0.5)) + " % (" + std::to_string(f.failedSwaps) + " of " +
                   model::counted(f.swaps, "swap", "swaps") + " followed by a rollback or a failed watch)"
             : std::string("not known (no swap)")));
    say(indent + "time to restore       " +
        (f.restoreMedian ? "median " + model::spanText(*f.restoreMedian) + " (" +
                               model::counted(f.restores, "restore", "restores") + ")"
                         : std::string("no failure restored")) +
        (f.unrestored ? ", " + model::counted(f.unrestored, "failure", "failures") + " not restored yet"
                      : std::string()));
}

// Runs `then` with the record once the author policy (whether the API server vouches for names) is read.
void withRecord(Session& s, std::function<void(const Record&)> then)
{
    model::readAuthorPolicy(s.client(), [&s, then](model::AuthorPolicy policy) {
        std::set<std::string> namespaces;
        for (const model::ServiceSpec& spec : s.services()) {
            namespaces.insert(spec.ns);
            if (!spec.sandboxNamespace.empty())
                namespaces.insert(spec.sandboxNamespace);
        }
        kube::readRecords(s.client(), namespaces, [&s, then, policy](auto records) {
            const Record record = recordOf(s, policy, records);
            for (const std::string& problem : record.problems)
                complain(problem);
            then(record);
        });
    });
}

// The Events of the services' namespaces (one bounded list each), as each service's slots see them. A
// namespace whose Events may not be listed, or could not be, is said once on stderr: the timeline then
// shows the record alone there, and that is not an error.
void readEvents(Session& s, std::function<void(std::vector<model::ServiceEvents>)> then)
{
    struct Reads {
        std::map<std::string, std::vector<kube::Event>> byNamespace;
        QStringList forbidden, failed;
    };
    auto reads = std::make_shared<Reads>();
    std::vector<model::ServiceSpec> specs;
    for (const model::ServiceSpec& spec : s.services())
        if (s.options().service.empty() || spec.name == s.options().service) {
            specs.push_back(spec);
            reads->byNamespace[spec.ns];
        }
    auto join = model::Join::make([reads, specs, then] {
        auto sayOnce = [](const QStringList& namespaces, const char* what) {
            if (!namespaces.isEmpty())
                complain(what + model::listText(namespaces).toStdString() +
                         ": the timeline shows the record alone there.");
        };
        sayOnce(reads->forbidden, "not allowed to list Events in ");
        sayOnce(reads->failed, "could not read the Events of ");
        std::vector<model::ServiceEvents> events;
        for (const model::ServiceSpec& spec : specs)
            events.push_back({spec.name,
                              spec.group.empty() ? spec.name : spec.group,
                              spec.ns,
                              {spec.slotA, spec.slotB},
                              reads->byNamespace[spec.ns]});
        then(std::move(events));
    });
    kube::ListOptions options;
    options.limit = int(maxEventsListed);
    for (const auto& [ns, unused] : reads->byNamespace)
        s.client()->listEvents(ns, options,
                               [reads, ns, part = join->part(ns)](kube::Result<std::vector<kube::Event>> r) {
                                   if (r)
                                       reads->byNamespace[ns] = std::move(r.value());
                                   else if (r.error().apiReason == net::Error::Reason::Forbidden)
                                       reads->forbidden << QString::fromStdString(ns);
                                   else
                                       reads->failed << QString::fromStdString(ns);
                                   part();
                               });
    join->seal();
}

void printTimeline(Session& s, const Record& record, const std::vector<model::ServiceEvents>& events)
{
    model::TimelineFilter filter;
    const std::int64_t now = QDateTime::currentSecsSinceEpoch();
    filter.since = now - (s.options().sinceSeconds ? s.options().sinceSeconds : timelineDefaultSeconds);
    if (!s.options().service.empty())
        filter.services = {s.options().service};
    filter.events = s.options().events;
    const auto shown = model::filtered(model::withEvents(model::timelineOf(record.read), events), filter);
    if (s.options().json) {
        json all = json::array();
        for (const auto& t : shown)
            all.push_back(timelineJson(t));
        sayJson(
            {{"recordFrom", record.reach ? json(timeText(record.reach)) : json(nullptr)}, {"entries", std::move(all)}});
    } else {
        say(model::recordReachText(record.reach));
        if (shown.empty())
            say("nothing recorded since " + timeText(filter.since));
        for (const auto& t : shown)
            say(timelineLine(t));
    }
    QCoreApplication::exit(app::Done);
}

} // namespace

void timeline(Session& s)
{
    if (!s.options().service.empty() && !s.find(s.options().service)) {
        complain("no service named " + s.options().service + " here; `signalbox status` lists them.");
        QCoreApplication::exit(app::Usage);
        return;
    }
    withRecord(s, [&s](const Record& record) {
        if (!s.options().events)
            return printTimeline(s, record, {});
        readEvents(s, [&s, record](std::vector<model::ServiceEvents> events) { printTimeline(s, record, events); });
    });
}

void stats(Session& s)
{
    withRecord(s, [&s](const Record& record) {
        const auto all = model::timelineOf(record.read);
        model::DeliveryPeriod period;
        period.to = QDateTime::currentSecsSinceEpoch();
        period.from = period.to - (s.options().sinceSeconds ? s.options().sinceSeconds : statsDefaultSeconds);
        std::map<std::string, std::vector<std::string>> groups; // group -> its services, in the lookup's order
        for (const model::ServiceSpec& spec : s.services())
            groups[spec.group.empty() ? spec.name : spec.group].push_back(spec.name);
        auto entriesOf = [&all](auto keep) {
            std::vector<model::TimelineEntry> kept;
            for (const auto& t : all)
                if (keep(t))
                    kept.push_back(t);
            return kept;
        };
        json groupsJson = json::array();
        if (!s.options().json)
            say("Delivery from " + timeText(period.from) + " to " + timeText(period.to) +
                ", from the history each live Service and slot Deployment records");
        for (const auto& [group, members] : groups) {
            const auto figures =
                model::deliveryFigures(entriesOf([&](const auto& t) { return t.group == group; }), period);
            json servicesJson = json::array();
            if (!s.options().json) {
                say("");
                say("group " + group + (members.size() > 1 ? " (swapped together)" : ""));
                sayFigures("  ", figures);
            }
            for (const std::string& service : members) {
                const auto own =
                    model::deliveryFigures(entriesOf([&](const auto& t) { return t.service == service; }), period);
                const auto cap = record.atCap.find(service);
                const bool shortRecord =
                    !record.reach && cap != record.atCap.end() && own.recordFrom && *own.recordFrom > period.from;
                servicesJson.push_back(
                    {{"service", service}, {"figures", figuresJson(own)}, {"recordShorterThanPeriod", shortRecord}});
                if (s.options().json || members.size() < 2) {
                    if (shortRecord && !s.options().json)
                        say("  (the record of " + service + " reaches back only to " + timeText(own.recordFrom) +
                            ": its live Service keeps the newest " + std::to_string(cap->second) + " entries)");
                    continue;
                }
                say("  " + service);
                sayFigures("    ", own);
                if (shortRecord)
                    say("    (the record reaches back only to " + timeText(own.recordFrom) +
                        ": the live Service keeps the newest " + std::to_string(cap->second) + " entries)");
            }
            groupsJson.push_back(
                {{"group", group}, {"figures", figuresJson(figures)}, {"services", std::move(servicesJson)}});
        }
        if (s.options().json)
            sayJson({{"from", timeText(period.from)},
                     {"to", timeText(period.to)},
                     {"recordFrom", record.reach ? json(timeText(record.reach)) : json(nullptr)},
                     {"groups", std::move(groupsJson)}});
        else
            say("\n" + model::recordReachText(record.reach) + " (each namespace's ConfigMap " + kube::recordName +
                "; before it, what the history annotations keep)");
        QCoreApplication::exit(app::Done);
    });
}

} // namespace cli
