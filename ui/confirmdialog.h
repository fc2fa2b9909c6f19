#pragma once

#include "model/actions/swap.h"
#include "model/observe/slotdiffread.h"

#include <QDialog>
#include <map>

class QCheckBox;
class QLabel;
class QLineEdit;
class QScrollArea;
class QVBoxLayout;
class QPushButton;
class QToolButton;

namespace ui {

class DiffPanel;
class FoldedChecks;

// Confirms a swap, rollback or repair with the facts that matter, in the order they are read (issue 24):
// (1) the verdict: allowed, or the failing checks by name with what to do, the skip checkboxes where evidence about
//     staging fails, the metric analysis; a rollback also why one would roll back (SwapPlan::why) and what is live
//     after;
// (2) what changes: every service that moves, from and to which image, digest, commit, build time and readiness,
//     and what else differs between the slots (model::SlotDiff, handed in by whoever opened the dialog through
//     setDiff: the dialog reads nothing itself);
// (3) "N checks pass", folded;
// (4) who the API server says you are, the service name to type, the buttons.
// Parts (1) to (3) scroll, so the dialog fits the screen. The dangerous button stays disabled until the name is
// typed and the plan allows it; with evidence failing, only with every one of its checkboxes ticked ("Swap without
// the health check"), enabled when nothing else fails. The plan handed on then says so, and the history records it.
class ConfirmDialog : public QDialog {
    Q_OBJECT

public:
    ConfirmDialog(const model::SwapPlan& plan, QWidget* parent = nullptr);
    const model::SwapPlan& plan() const { return m_plan; }
    QLineEdit* nameField() const { return m_name; }
    QPushButton* confirmButton() const { return m_confirm; }
    QCheckBox* skipHealthCheckBox() const { return skipBox(model::Evidence::Health); }
    QCheckBox* skipBox(model::Evidence e) const; // nullptr unless that evidence fails
    QString summaryText() const;
    // Every image reference the dialog names, whole, one a line (its tooltip and copy action).
    QString referencesText() const { return m_references; }
    // A rollback: why one would roll back and what is live after it; empty for other kinds.
    QString reasonText() const { return m_reason; }
    // The metric analysis of staging, one line per metric: "uro: error ratio — staging 20 % — live 0 % — fails";
    // empty when no member has one.
    QString analysisText() const { return m_analysis; }
    // Part (1) as plain text: "Allowed: …", or the failing checks, each followed by what to do.
    QString verdictText() const;
    // What differs between the slots member `index` moves (live against staging); until it comes the dialog
    // says it is being read. A repair shows no diff.
    void setDiff(std::size_t index, const model::SlotDiffAnswer& answer);
    // Part (2)'s diffs as plain text; empty for a repair.
    QString diffText() const;
    bool diffShown() const { return m_diff != nullptr; }
    // A member's diff is still being read.
    bool diffReading() const;
    // The fold of part (3): its button, and whether the passing checks show.
    QToolButton* checksFoldButton() const;
    bool checksUnfolded() const;

protected:
    // Enter confirms when the typed name matches and the plan is allowed, and otherwise does
    // nothing; it never falls through to a default button.
    void keyPressEvent(QKeyEvent* event) override;

private:
    void buildVerdict(QVBoxLayout* layout);
    void buildChanges(QVBoxLayout* layout);
    void buildMembers(QVBoxLayout* layout);
    void buildRollbackReason(QVBoxLayout* layout);
    void buildAnalysis(QVBoxLayout* layout);
    void buildSkip(QVBoxLayout* layout, model::Evidence e);
    void buildButtons(QVBoxLayout* layout, const QString& verb);
    void updateConfirm();
    void growToContent();

    model::SwapPlan m_plan;
    std::map<model::Evidence, QCheckBox*> m_skip;
    QLabel* m_verdict = nullptr;
    DiffPanel* m_diff = nullptr;
    QScrollArea* m_body = nullptr;
    FoldedChecks* m_checks = nullptr;
    QLineEdit* m_name;
    QPushButton* m_confirm;
    QString m_summary;
    QString m_references;
    QString m_reason;
    QString m_analysis;
};

} // namespace ui
