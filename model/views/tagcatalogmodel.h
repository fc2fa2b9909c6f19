#pragma once

#include "oci/registry.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <set>
#include <vector>

namespace model {

// The tags of one image repository, for the deploy dialog's picker: listed from its registry with
// each tag's digest (HEAD requests, which Docker Hub does not count as pulls), then described
// (creation time, commit: a manifest and an image config each) only for the rows the view says it
// shows. Once the rows first shown are described the tags are sorted newest first; later
// descriptions change their rows' cells in place, so nothing moves under the person's eyes. A
// filter keeps the rows whose tag or commit holds the text. Changes are fine-grained: a filter
// inserts and removes rows, the first sort moves them (persistent indexes follow), a description
// changes its row; only a new listing resets the model.
class TagCatalogModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { TagColumn, BuiltColumn, CommitColumn, DigestColumn, ColumnCount };
    // Idle: nothing asked yet. Failed: the repository is not valid or the registry refused; the
    // status text says why.
    enum class State { Idle, Loading, Failed, Empty, Listed };

    explicit TagCatalogModel(oci::RegistryClient* registry, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Lists the tags of `repository` ("registry/name", without a tag or digest); what an earlier
    // listing still answers is dropped. A repository that is not valid fails at once, and the rows
    // of the listing before stay.
    void load(const QString& repository);
    // Keeps the rows whose tag or commit contains `text`, in any case; empty: every row.
    void setFilter(const QString& text);
    // Reads the image configs of the rows from `first` to `last` that are not described yet.
    void describe(int first, int last);

    State state() const { return m_state; }
    // What the listing came to, as a sentence: "Listing the tags of …", "7 tag(s), newest first.",
    // or why there are none.
    QString statusText() const { return m_status; }
    // The tags are listed with their digests and the rows first shown are described (then sorted).
    bool loaded() const { return m_loaded; }
    QString tagAt(int row) const;

Q_SIGNALS:
    // state() or statusText() changed.
    void stateChanged();

private:
    void setState(State state, const QString& status);
    void listed(std::vector<oci::TagInfo> tags);
    void described(const std::string& tag, net::Result<oci::ManifestInfo> r);
    // Newest first among the rows first shown; the filter is asked again of the described rows.
    void sortFirstScreen();
    bool matches(const oci::TagInfo& t) const;
    std::vector<int> filtered() const;
    // Removes and inserts rows so the shown ones are `wanted` (positions in m_tags, ascending).
    void showOnly(const std::vector<int>& wanted);
    int rowOf(const std::string& tag) const;

    QPointer<oci::RegistryClient> m_registry;
    std::string m_registryHost, m_repository;
    std::vector<oci::TagInfo> m_tags;   // every tag listed, in the order shown
    std::vector<int> m_shown;           // the rows: positions in m_tags, ascending
    std::set<std::string> m_describing; // tags whose image config is being read
    QString m_filter;
    State m_state = State::Idle;
    QString m_status;
    int m_listing = 0; // which listing the answers belong to
    bool m_loaded = false;
    bool m_firstScreenSorted = false;
};

} // namespace model
