#pragma once

#include "model/actions/actionrunner.h"
#include "model/actions/deploy.h"
#include "model/actions/groupdeploy.h"
#include "model/actions/serviceactions.h"
#include "model/state/servicestate.h"
#include "model/views/tagcatalogmodel.h"
#include "oci/registry.h"

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QVBoxLayout;
class QPushButton;
class QTableView;

namespace ui {

class DiffPanel;
class FoldedChecks;

// Deploys an image to sandbox or to the staging slot (live is not offered). The tag picker shows
// the repository's tags (model::TagCatalogModel), newest first, with creation time, commit and
// digest, and asks the model to describe the rows in view; picking one fills the reference, which is checked against
// the image grammar as it is typed. "Check" plans the deploy on fresh reads; "Deploy" hands that plan to the
// application's runner and shows how it goes. Closing the dialog does not stop a deploy that was started. When the
// service's group has more members, "All services of group G" deploys the same tag to every member (each from its own
// repository): Check plans them all, Deploy needs all to pass. What Check found reads as the confirm dialogs do: the
// verdict (allowed, or the failing checks with what to do), what differs between what the slot runs and what it will
// run (read through ServiceActions::readDeployDiff), then the checks that pass, folded.
class DeployDialog : public QDialog {
    Q_OBJECT

public:
    // `actions` plans and starts the deploys (a group deploy is offered when the service's group
    // has more than one member); `registry` lists the tags (through the dialog's TagCatalogModel).
    DeployDialog(const model::ServiceState& state, model::ServiceActions* actions, oci::RegistryClient* registry,
                 QWidget* parent = nullptr);

    QComboBox* targetBox() const { return m_target; }
    QLineEdit* filterField() const { return m_filter; }
    QLineEdit* referenceField() const { return m_reference; }
    QTableView* tagTable() const { return m_tags; }
    model::TagCatalogModel* tagCatalog() const { return m_catalog; }
    QPushButton* checkButton() const { return m_check; }
    QPushButton* deployButton() const { return m_deploy; }
    QCheckBox* groupBox() const { return m_groupBox; }
    QString statusText() const;
    // What Check found, as plain text: the verdict, and what differs (empty before a Check).
    QString verdictText() const;
    QString diffText() const;
    bool diffReading() const;
    // The tags are listed with their digests and the rows first shown are described.
    bool tagsLoaded() const { return m_catalog->loaded(); }
    void loadTags();
    // Shows the progress and the outcome of the runner's activity `id` (the deploy started here).
    void follow(model::ActionRunner* runner, int id);

Q_SIGNALS:
    void deployFinished(const model::DeployOutcome& outcome);

private:
    void buildForm(QVBoxLayout* layout);
    void buildTagTable(QVBoxLayout* layout);
    void buildReference(QVBoxLayout* layout);
    void buildButtons(QVBoxLayout* layout);
    // Has the catalogue read the image configs (creation time, commit) of the rows in view, once
    // the view has settled (after a listing, a filter, a scroll or a resize).
    void describeShown();
    void showCatalogState();
    void validate();
    void check();
    // The button Enter presses next (and the focus, when it can be pressed).
    void moveOnTo(QPushButton* next);
    void checkGroup(model::DeployTarget target);
    void showGroupPlan(const model::GroupDeployPlan& plan);
    void resetPlan();
    void clearReview();
    // The verdict of what Check planned: "Allowed: `allowed`", or the failing checks; then the warnings.
    void showVerdict(const std::vector<model::Check>& checks, const QString& allowed, const QStringList& warnings);
    // The diff of each planned deploy, read for the current Check only.
    void readDiffs(const std::vector<model::DeployPlan>& plans);
    std::string currentTag() const;
    void deploy();
    void setStatus(const QString& text, bool bad = false);

    model::ServiceState m_state;
    QPointer<model::ServiceActions> m_actions;
    std::optional<model::DeployPlan> m_plan;
    std::vector<model::ServiceSpec> m_group;
    std::optional<model::GroupDeployPlan> m_groupPlan;
    model::TagCatalogModel* m_catalog;
    bool m_describeQueued = false;
    QComboBox* m_target;
    QCheckBox* m_groupBox;
    QLineEdit* m_repo;
    QLineEdit* m_filter;
    QTableView* m_tags;
    QLineEdit* m_reference;
    QLabel* m_referenceError;
    QLabel* m_verdict;
    DiffPanel* m_diff;
    FoldedChecks* m_checks;
    int m_review = 0; // counts the Checks, so a late diff of an earlier one is dropped
    QLabel* m_status;
    QPushButton* m_check;
    QPushButton* m_deploy;
};

} // namespace ui
