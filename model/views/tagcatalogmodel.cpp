#include "model/views/tagcatalogmodel.h"

#include "model/rules/imageref.h"

#include <algorithm>

namespace model {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString cell(const oci::TagInfo& t, int column)
{
    const bool known = t.info && t.described && t.error.empty();
    switch (column) {
    case TagCatalogModel::TagColumn:
        return q(t.tag);
    case TagCatalogModel::BuiltColumn:
        return known ? q(t.info->created) : q(t.error);
    case TagCatalogModel::CommitColumn:
        return known ? q(t.info->revision).left(12) : QString();
    case TagCatalogModel::DigestColumn:
        return t.info ? q(t.info->digest).left(19) : QString();
    }
    return {};
}
} // namespace

TagCatalogModel::TagCatalogModel(oci::RegistryClient* registry, QObject* parent)
    : QAbstractTableModel(parent), m_registry(registry)
{
}

int TagCatalogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_shown.size());
}

int TagCatalogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TagCatalogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || role != Qt::DisplayRole)
        return {};
    return cell(m_tags[static_cast<std::size_t>(m_shown[static_cast<std::size_t>(index.row())])], index.column());
}

QVariant TagCatalogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TagColumn:
        return tr("Tag");
    case BuiltColumn:
        return tr("Built");
    case CommitColumn:
        return tr("Commit");
    case DigestColumn:
        return tr("Digest");
    }
    return {};
}

QString TagCatalogModel::tagAt(int row) const
{
    return row >= 0 && row < rowCount()
               ? q(m_tags[static_cast<std::size_t>(m_shown[static_cast<std::size_t>(row)])].tag)
               : QString();
}

void TagCatalogModel::setState(State state, const QString& status)
{
    m_state = state;
    m_status = status;
    Q_EMIT stateChanged();
}

void TagCatalogModel::load(const QString& repository)
{
    std::string why;
    const auto ref = parseImageRef(repository.trimmed().toStdString(), &why);
    if (!ref || !ref->tag.empty() || !ref->digest.empty()) {
        setState(State::Failed, tr("The repository is not valid: %1. Give it without a tag, e.g. ghcr.io/v-sekai/uro.")
                                    .arg(ref ? tr("it has a tag or digest") : q(why)));
        return;
    }
    m_registryHost = ref->registry;
    m_repository = ref->repository;
    m_loaded = false;
    m_firstScreenSorted = false;
    m_describing.clear();
    const int listing = ++m_listing;
    setState(State::Loading, tr("Listing the tags of %1…").arg(q(ref->name())));
    if (!m_registry)
        return;
    QPointer<TagCatalogModel> self(this);
    // Digests by HEAD for every tag; image configs only for the rows shown (describe).
    m_registry->listTagDigests(m_registryHost, m_repository, [self, listing](net::Result<std::vector<oci::TagInfo>> r) {
        if (!self || listing != self->m_listing)
            return;
        if (!r) {
            self->setState(State::Failed, q(r.error().message));
            return;
        }
        self->listed(std::move(r).value());
    });
}

void TagCatalogModel::listed(std::vector<oci::TagInfo> tags)
{
    // A new listing is the one change that replaces every row.
    beginResetModel();
    m_tags = std::move(tags);
    m_shown = filtered();
    endResetModel();
    if (m_tags.empty()) {
        m_loaded = true;
        m_firstScreenSorted = true;
        setState(State::Empty, tr("The repository %1 has no tags.").arg(q(m_registryHost + "/" + m_repository)));
        return;
    }
    setState(State::Listed, tr("%n tag(s), newest first.", nullptr, static_cast<int>(m_tags.size())));
}

bool TagCatalogModel::matches(const oci::TagInfo& t) const
{
    return m_filter.isEmpty() || cell(t, TagColumn).contains(m_filter, Qt::CaseInsensitive) ||
           cell(t, CommitColumn).contains(m_filter, Qt::CaseInsensitive);
}

std::vector<int> TagCatalogModel::filtered() const
{
    std::vector<int> out;
    for (std::size_t i = 0; i < m_tags.size(); ++i)
        if (matches(m_tags[i]))
            out.push_back(static_cast<int>(i));
    return out;
}

void TagCatalogModel::setFilter(const QString& text)
{
    m_filter = text.trimmed();
    showOnly(filtered());
}

void TagCatalogModel::showOnly(const std::vector<int>& wanted)
{
    // Both lists ascend: first remove the rows not wanted (runs from the bottom up, so the rows
    // above keep their numbers), then insert the wanted ones that are missing, in order.
    const std::set<int> keep(wanted.begin(), wanted.end());
    for (int row = rowCount() - 1; row >= 0;) {
        if (keep.count(m_shown[static_cast<std::size_t>(row)])) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !keep.count(m_shown[static_cast<std::size_t>(first - 1)]))
            --first;
        beginRemoveRows({}, first, row);
        m_shown.erase(m_shown.begin() + first, m_shown.begin() + row + 1);
        endRemoveRows();
        row = first - 1;
    }
    std::size_t row = 0;
    for (std::size_t i = 0; i < wanted.size();) {
        if (row < m_shown.size() && m_shown[row] == wanted[i]) {
            ++row;
            ++i;
            continue;
        }
        // The run of wanted rows that belong before the next shown one.
        std::size_t end = i;
        while (end < wanted.size() && (row >= m_shown.size() || wanted[end] < m_shown[row]))
            ++end;
        beginInsertRows({}, static_cast<int>(row), static_cast<int>(row + (end - i)) - 1);
        m_shown.insert(m_shown.begin() + static_cast<std::ptrdiff_t>(row),
                       wanted.begin() + static_cast<std::ptrdiff_t>(i),
                       wanted.begin() + static_cast<std::ptrdiff_t>(end));
        endInsertRows();
        row += end - i;
        i = end;
    }
}

int TagCatalogModel::rowOf(const std::string& tag) const
{
    for (std::size_t row = 0; row < m_shown.size(); ++row)
        if (m_tags[static_cast<std::size_t>(m_shown[row])].tag == tag)
            return static_cast<int>(row);
    return -1;
}

void TagCatalogModel::describe(int first, int last)
{
    if (!m_registry || m_tags.empty())
        return;
    const int listing = m_listing;
    QPointer<TagCatalogModel> self(this);
    for (int row = std::max(0, first); row <= last && row < rowCount(); ++row) {
        const oci::TagInfo& t = m_tags[static_cast<std::size_t>(m_shown[static_cast<std::size_t>(row)])];
        if (!t.info || t.described || !m_describing.insert(t.tag).second)
            continue;
        // By digest: the config of what was listed, even if the tag moves meanwhile.
        m_registry->resolve(m_registryHost, m_repository, t.info->digest,
                            [self, listing, tag = t.tag](net::Result<oci::ManifestInfo> r) {
                                if (self && listing == self->m_listing)
                                    self->described(tag, std::move(r));
                            });
    }
    if (m_describing.empty() && !m_firstScreenSorted)
        sortFirstScreen();
}

void TagCatalogModel::described(const std::string& tag, net::Result<oci::ManifestInfo> r)
{
    m_describing.erase(tag);
    for (auto& t : m_tags) {
        if (t.tag != tag)
            continue;
        t.described = true;
        if (r) {
            const std::string digest = t.info->digest;
            t.info = r.value();
            t.info->digest = digest;
        } else {
            t.error = r.error().message;
        }
    }
    if (!m_firstScreenSorted) {
        if (m_describing.empty())
            sortFirstScreen();
        return;
    }
    if (const int row = rowOf(tag); row >= 0)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1), {Qt::DisplayRole});
}

void TagCatalogModel::sortFirstScreen()
{
    m_firstScreenSorted = true;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    std::vector<std::string> oldRows;
    for (int i : m_shown)
        oldRows.push_back(m_tags[static_cast<std::size_t>(i)].tag);
    oci::RegistryClient::sortNewestFirst(m_tags);
    // The same rows in their new order; the filter is asked again below, of what is now described.
    std::set<std::string> shownTags(oldRows.begin(), oldRows.end());
    m_shown.clear();
    for (std::size_t i = 0; i < m_tags.size(); ++i)
        if (shownTags.count(m_tags[i].tag))
            m_shown.push_back(static_cast<int>(i));
    QModelIndexList from = persistentIndexList(), to;
    for (const QModelIndex& i : from) {
        const int row = rowOf(oldRows[static_cast<std::size_t>(i.row())]);
        to << (row < 0 ? QModelIndex() : index(row, i.column()));
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    m_loaded = true;
    showOnly(filtered());
}

} // namespace model
