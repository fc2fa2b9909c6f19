#include "model/views/servicelistmodel.h"

#include "model/rules/displaytext.h"
#include "model/views/attention.h"

#include <algorithm>

namespace model {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString slotSummary(const SlotState* s)
{
    if (!s)
        return QStringLiteral("—");
    QString text = QStringLiteral("%1: %2").arg(q(s->label()), q(s->imageDisplay()));
    if (!s->commit.empty() && s->commit.substr(0, 8) != s->imageDisplay().substr(0, 8))
        text += QStringLiteral(" (%1)").arg(q(s->shortCommit()));
    return text;
}

QString readiness(const SlotState* s)
{
    return s ? QStringLiteral("%1/%2").arg(s->ready).arg(s->desired) : QStringLiteral("—");
}

// How bad a slot's health summary is, for picking the one that colours the row.
int rank(HealthSummary::State s)
{
    switch (s) {
    case HealthSummary::State::Failing:
        return 5;
    case HealthSummary::State::NotAllowed:
        return 4;
    case HealthSummary::State::Waiting:
        return 3;
    case HealthSummary::State::Passing:
        return 2;
    case HealthSummary::State::NoPods:
        return 1;
    case HealthSummary::State::NoCheck:
        return 0;
    }
    return 0;
}

} // namespace

QString ServiceListModel::healthText(const ServiceState& s)
{
    if (!s.healthSpec.configured())
        return tr("no check");
    const SlotState* live = s.liveSlot();
    const SlotState* staging = s.live && s.staging == s.live ? nullptr : s.stagingSlot();
    if ((!live || live->healthCheck.state == HealthSummary::State::NotAllowed) &&
        (!staging || staging->healthCheck.state == HealthSummary::State::NotAllowed) && (live || staging))
        return tr("not allowed");
    if (!staging)
        return live ? q(live->healthCheck.compact) : QStringLiteral("—");
    if (!live)
        return QStringLiteral("staging %1").arg(q(staging->healthCheck.compact));
    return QStringLiteral("live %1 · staging %2").arg(q(live->healthCheck.compact), q(staging->healthCheck.compact));
}

QString ServiceListModel::healthDetail(const ServiceState& s)
{
    QStringList lines;
    for (const SlotState* slot : {s.liveSlot(), s.stagingSlot()})
        if (slot && slot->healthCheck.state == HealthSummary::State::NotAllowed)
            return q(slot->healthCheck.refusal);
    for (const SlotState* slot : {s.liveSlot(), s.stagingSlot()})
        if (slot)
            for (const auto& p : slot->podHealth)
                if (p.result.kind == HealthResult::Kind::Fail)
                    lines << q(podHealthLine(p));
    for (const auto& [service, health] : {std::pair{&s.spec.liveService, &s.liveServiceHealth},
                                          std::pair{&s.spec.stagingService, &s.stagingServiceHealth}})
        if (health->state == HealthSummary::State::Failing)
            lines << QStringLiteral("Service %1  %2").arg(q(*service), q(health->text));
    return lines.isEmpty() ? q(s.badgeText) : lines.join(QLatin1Char('\n'));
}

QString ServiceListModel::searchText(const ServiceState& s)
{
    QStringList words{q(s.spec.name),
                      q(s.spec.group),
                      q(s.spec.ns),
                      QString::fromUtf8(badgeName(s.badge)),
                      q(s.badgeText),
                      healthText(s),
                      QString::fromUtf8(healthName(s.liveSlot() ? s.liveSlot()->health : Health::Missing))};
    for (const SlotState* slot : {s.liveSlot(), s.stagingSlot()})
        if (slot)
            words << q(slot->image) << q(slot->tag) << q(slot->commit);
    switch (healthState(s)) {
    case HealthSummary::State::Failing:
        words << QStringLiteral("failing");
        break;
    case HealthSummary::State::Passing:
        words << QStringLiteral("passing");
        break;
    default:
        break;
    }
    return words.join(QLatin1Char(' ')).toLower();
}

HealthSummary::State ServiceListModel::healthState(const ServiceState& s)
{
    HealthSummary::State worst = HealthSummary::State::NoCheck;
    for (const SlotState* slot : {s.liveSlot(), s.stagingSlot()})
        if (slot && rank(slot->healthCheck.state) > rank(worst))
            worst = slot->healthCheck.state;
    // A check through a Service that fails puts the row first (attentionOf), so it colours the row too.
    if (s.liveServiceHealth.state == HealthSummary::State::Failing ||
        s.stagingServiceHealth.state == HealthSummary::State::Failing)
        return HealthSummary::State::Failing;
    return worst;
}

ServiceListModel::ServiceListModel(QObject* parent) : QAbstractTableModel(parent) {}

QString ServiceListModel::keyOf(const ServiceSpec& spec)
{
    return q(spec.context + "/" + spec.ns + "/" + spec.name);
}

int ServiceListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ServiceListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ServiceListModel::text(const ServiceState& s, int column) const
{
    switch (column) {
    case ServiceColumn:
        return s.spec.group != s.spec.name ? QStringLiteral("%1  (group %2)").arg(q(s.spec.name), q(s.spec.group))
                                           : q(s.spec.name);
    case NamespaceColumn:
        return q(s.spec.ns);
    case LiveColumn:
        return slotSummary(s.liveSlot());
    case StagingColumn:
        return s.live && s.staging == s.live ? QStringLiteral("— (same slot as live)") : slotSummary(s.stagingSlot());
    case ReadyColumn:
        return QStringLiteral("live %1 · staging %2").arg(readiness(s.liveSlot()), readiness(s.stagingSlot()));
    case HealthColumn:
        return healthText(s);
    case StatusColumn:
        return QString::fromUtf8(badgeName(s.badge));
    case SummaryColumn:
        return q(s.badgeText);
    case AttentionColumn:
        return QString::number(static_cast<int>(attentionOf(s)));
    }
    return {};
}

QVariant ServiceListModel::sortKey(const ServiceState& s, int column) const
{
    switch (column) {
    case ServiceColumn:
        return q(s.spec.name);
    case ReadyColumn: {
        // Live's ready pods, then staging's; a slot that is not there counts below none.
        const qlonglong live = s.liveSlot() ? s.liveSlot()->ready : -1;
        const qlonglong staging = s.stagingSlot() ? s.stagingSlot()->ready : -1;
        return (live + 1) * 1000000 + staging + 1;
    }
    case HealthColumn:
        return rank(healthState(s));
    case StatusColumn:
        return static_cast<int>(s.attention) * -1; // the more urgent first when sorted descending
    case AttentionColumn:
        return static_cast<int>(attentionOf(s));
    default:
        return text(s, column);
    }
}

QVariant ServiceListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount)
        return {};
    const ServiceState& s = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return text(s, index.column());
    case Qt::ToolTipRole:
        return plainTooltip(index.column() == HealthColumn ? healthDetail(s) : q(s.badgeText));
    case Qt::AccessibleDescriptionRole:
        if (index.column() == HealthColumn)
            return healthDetail(s);
        return q(s.badgeText);
    case HealthRole:
        return static_cast<int>(healthState(s));
    case SortRole:
        return sortKey(s, index.column());
    case SearchRole:
        return searchText(s);
    case BadgeRole:
        return static_cast<int>(s.badge);
    case KeyRole:
        return keyOf(s.spec);
    case SeverityRole: {
        int worst = -1;
        for (const auto& a : s.anomalies)
            worst = std::max(worst, static_cast<int>(a.severity));
        return worst;
    }
    default:
        return {};
    }
}

QVariant ServiceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    // The first click on these headers puts the worst first.
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole)
        return static_cast<int>(section == HealthColumn || section == StatusColumn ? Qt::DescendingOrder
                                                                                   : Qt::AscendingOrder);
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ServiceColumn:
        return tr("Service");
    case NamespaceColumn:
        return tr("Namespace");
    case LiveColumn:
        return tr("Live");
    case StagingColumn:
        return tr("Staging");
    case ReadyColumn:
        return tr("Ready pods");
    case HealthColumn:
        return tr("Health");
    case StatusColumn:
        return tr("Status");
    case SummaryColumn:
        return tr("What it means");
    case AttentionColumn:
        return tr("Attention");
    }
    return {};
}

const ServiceState* ServiceListModel::service(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[static_cast<std::size_t>(row)] : nullptr;
}

int ServiceListModel::rowOf(const QString& key) const
{
    auto it = m_rowOf.find(key);
    return it == m_rowOf.end() ? -1 : it.value();
}

void ServiceListModel::reindex(int from)
{
    for (int row = std::max(from, 0); row < rowCount(); ++row)
        m_rowOf.insert(keyOf(m_rows[static_cast<std::size_t>(row)].spec), row);
}

void ServiceListModel::setServices(const std::vector<ServiceState>& services)
{
    if (m_rows.empty() && !services.empty()) {
        // The first picture: one reset, not a thousand insertions each sorted and laid out.
        beginResetModel();
        m_rows = services;
        m_rowOf.clear();
        reindex(0);
        endResetModel();
        return;
    }
    QSet<QString> keys;
    keys.reserve(static_cast<qsizetype>(services.size()));
    for (const ServiceState& s : services)
        keys.insert(keyOf(s.spec));
    // Remove rows that are gone, from the bottom so indexes stay valid.
    int lowest = rowCount();
    for (int row = rowCount() - 1; row >= 0; --row) {
        const QString key = keyOf(m_rows[static_cast<std::size_t>(row)].spec);
        if (!keys.contains(key)) {
            beginRemoveRows({}, row, row);
            m_rows.erase(m_rows.begin() + row);
            m_rowOf.remove(key);
            endRemoveRows();
            lowest = row;
        }
    }
    reindex(lowest);
    // Update or insert in the given order.
    for (std::size_t i = 0; i < services.size(); ++i) {
        const ServiceState& s = services[i];
        const int row = static_cast<int>(i);
        const int at = rowOf(keyOf(s.spec));
        if (at == row) {
            ServiceState& old = m_rows[i];
            // The same revision is the same derivation: nothing to compare.
            if (s.revision != 0 && old.revision == s.revision)
                continue;
            int first = -1, last = -1;
            // The hidden rank is a change of its own, so a visible range stays what it is.
            const bool rankChanged = text(old, AttentionColumn) != text(s, AttentionColumn);
            for (int c = 0; c < AttentionColumn; ++c)
                if (text(old, c) != text(s, c)) {
                    if (first < 0)
                        first = c;
                    last = c;
                }
            const bool badgeChanged = old.badgeText != s.badgeText || old.anomalies.size() != s.anomalies.size();
            if (healthDetail(old) != healthDetail(s)) {
                first = first < 0 ? int(HealthColumn) : std::min(first, int(HealthColumn));
                last = std::max(last, int(HealthColumn));
            }
            old = s;
            if (badgeChanged) {
                first = 0;
                last = AttentionColumn - 1;
            }
            if (first >= 0)
                Q_EMIT dataChanged(index(row, first), index(row, last));
            if (rankChanged || badgeChanged)
                Q_EMIT dataChanged(index(row, AttentionColumn), index(row, AttentionColumn));
        } else if (at < 0) {
            beginInsertRows({}, row, row);
            m_rows.insert(m_rows.begin() + row, s);
            endInsertRows();
            reindex(row);
        } else {
            // The order changed: move the row up to its place.
            beginMoveRows({}, at, at, {}, row);
            ServiceState moved = std::move(m_rows[static_cast<std::size_t>(at)]);
            m_rows.erase(m_rows.begin() + at);
            m_rows.insert(m_rows.begin() + row, std::move(moved));
            endMoveRows();
            reindex(row);
            m_rows[i] = s;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
}

} // namespace model
