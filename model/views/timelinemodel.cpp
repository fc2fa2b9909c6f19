#include "timelinemodel.h"

#include "model/rules/authorship.h"
#include "model/rules/delivery.h"
#include "model/rules/displaytext.h"
#include "model/rules/slot.h"

#include <QDateTime>
#include <map>
#include <set>

namespace model {

namespace {

// What of one service's history and Events the timeline shows, as one string: equal strings, equal rows.
std::string rowsKey(const ServiceState& s)
{
    std::string key;
    for (const SlotState* slot : {&s.a, &s.b})
        for (const kube::Event& e : slot->warnings)
            key += e.meta.uid + '|' + e.lastTimestamp + '|' + std::to_string(e.count) + '\n';
    for (const kube::HistoryEntry& e : s.history)
        key += e.at + '|' + e.started + '|' + e.action + '|' + e.user + '|' + e.result + '|' + e.unreadable + '|' +
               e.from.image + '|' + e.to.image + '|' + std::to_string(int(e.authorCheck)) + '\n';
    return key;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

std::vector<RecordedHistory> historiesOf(const std::vector<ServiceState>& services)
{
    std::vector<RecordedHistory> read;
    read.reserve(services.size());
    for (const ServiceState& s : services)
        read.push_back({s.spec.name, s.spec.group.empty() ? s.spec.name : s.spec.group, {}, s.history});
    return read;
}

std::vector<ServiceEvents> eventsOf(const std::vector<ServiceState>& services)
{
    std::vector<ServiceEvents> out;
    for (const ServiceState& s : services) {
        ServiceEvents e{s.spec.name,
                        s.spec.group.empty() ? s.spec.name : s.spec.group,
                        s.spec.ns,
                        {s.a.deployment, s.b.deployment},
                        s.a.warnings};
        e.events.insert(e.events.end(), s.b.warnings.begin(), s.b.warnings.end());
        out.push_back(std::move(e));
    }
    return out;
}

TimelineModel::TimelineModel(QObject* parent) : QAbstractTableModel(parent) {}

int TimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TimelineModel::slotText(const kube::HistorySlot& slot)
{
    return q(recordedSlotText(slot));
}

QVariant TimelineModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const TimelineEntry& t = m_rows[static_cast<std::size_t>(index.row())];
    const kube::HistoryEntry& e = t.entry;
    if (role == KeyRole)
        return q(t.service);
    if (t.event)
        return eventData(t, index.column(), role);
    if (role == Qt::ToolTipRole) {
        if (index.column() == WhoColumn && e.readable())
            return plainTooltip(q(authorSentence(e)));
        if (index.column() == WhenColumn && t.atMs)
            return plainTooltip(fullTime(QDateTime::fromMSecsSinceEpoch(*t.atMs)));
        if (index.column() == OutcomeColumn && !e.result.empty())
            return plainTooltip(q(e.result));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case WhenColumn:
        return t.atMs ? shortTime(QDateTime::fromMSecsSinceEpoch(*t.atMs)) : QStringLiteral("?");
    case ServiceColumn:
        return q(t.service);
    case ActionColumn:
        return e.readable() ? q(e.target.empty() ? e.action : e.action + " to " + e.target)
                            : QStringLiteral("unreadable");
    case WhoColumn:
        return e.readable() ? q(recordedAs(e)) : QString();
    case ChangeColumn:
        if (!e.readable())
            return q(e.unreadable);
        if (e.action == "watch")
            return slotText(e.to);
        return slotText(e.from) + QStringLiteral(" → ") + slotText(e.to);
    case TookColumn:
        return t.seconds() ? q(spanText(*t.seconds())) : QString();
    case OutcomeColumn:
        return q(outcomeName(t.outcome));
    default:
        return {};
    }
}

// An Event between entries, marked as one: "event BackOff", the object and its message, its type.
QVariant TimelineModel::eventData(const TimelineEntry& t, int column, int role) const
{
    const TimelineEvent& ev = *t.event;
    if (role == Qt::ToolTipRole) {
        if (column == WhenColumn && t.atMs)
            return plainTooltip(fullTime(QDateTime::fromMSecsSinceEpoch(*t.atMs)));
        if (column == ChangeColumn)
            return plainTooltip(q(ev.object + ": " + ev.message));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case WhenColumn:
        return t.atMs ? shortTime(QDateTime::fromMSecsSinceEpoch(*t.atMs)) : QStringLiteral("?");
    case ServiceColumn:
        return q(t.service);
    case ActionColumn:
        return q("event " + ev.reason);
    case ChangeColumn:
        return q(ev.object + ": " + ev.message) + (ev.count > 1 ? QStringLiteral(" (×%1)").arg(ev.count) : QString());
    case OutcomeColumn:
        return q(ev.type).toLower();
    default:
        return QString();
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"When", "Service", "Action", "Who", "Change", "Took", "Outcome"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void TimelineModel::setServices(const std::vector<ServiceState>& services)
{
    // Only a service derived again can have a new history; only a new history changes the rows.
    std::map<std::string, Known> known;
    bool changed = services.size() != m_known.size();
    for (const ServiceState& s : services) {
        Known k{s.revision, {}};
        const auto before = m_known.find(s.spec.name);
        if (before != m_known.end() && before->second.revision == s.revision && s.revision != 0) {
            k.key = before->second.key;
        } else {
            k.key = rowsKey(s);
            changed = changed || before == m_known.end() || before->second.key != k.key;
        }
        known.emplace(s.spec.name, std::move(k));
    }
    m_known = std::move(known);
    if (!changed)
        return;
    m_annotations = historiesOf(services);
    m_events = eventsOf(services);
    rebuild();
}

void TimelineModel::setRecords(std::vector<RecordedHistory> records, std::optional<std::int64_t> reach)
{
    m_records = std::move(records);
    m_reach = reach;
    rebuild();
}

QString TimelineModel::reachText() const
{
    return q(recordReachText(m_reach));
}

void TimelineModel::rebuild()
{
    m_all = withEvents(timelineOf(m_annotations, m_records), m_events);
    refilter();
}

void TimelineModel::setFilter(const TimelineFilter& filter)
{
    m_filter = filter;
    refilter();
}

void TimelineModel::refilter()
{
    beginResetModel();
    m_rows = filtered(m_all, m_filter);
    endResetModel();
}

const TimelineEntry* TimelineModel::entry(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<std::size_t>(row)] : nullptr;
}

namespace {

template <typename Field> QStringList distinct(const std::vector<TimelineEntry>& all, Field field)
{
    std::set<QString> seen;
    for (const TimelineEntry& t : all)
        if (t.entry.readable() && !t.event)
            if (const QString v = q(field(t)); !v.isEmpty())
                seen.insert(v);
    return QStringList(seen.begin(), seen.end());
}

} // namespace

QStringList TimelineModel::services() const
{
    return distinct(m_all, [](const TimelineEntry& t) { return t.service; });
}

QStringList TimelineModel::users() const
{
    return distinct(m_all, [](const TimelineEntry& t) { return t.entry.user; });
}

QStringList TimelineModel::actions() const
{
    return distinct(m_all, [](const TimelineEntry& t) { return t.entry.action; });
}

} // namespace model
