#pragma once

#include "model/actions/swap.h"

#include <QDialog>
#include <map>

class QCheckBox;
class QLineEdit;
class QVBoxLayout;
class QPushButton;

namespace ui {

// Confirms a swap, rollback or repair with the facts that matter: every service that moves,
// from and to which image, digest, commit and build time, readiness, and who the API server
// says you are; a rollback also why one would roll back (SwapPlan::why) and what is live after. The service name must
// be typed; the dangerous button stays disabled until then. When evidence about staging fails (the app's health
// check, the smoke requests, the metric analysis), a checkbox per failing kind appears ("Swap without the health
// check"), enabled when nothing else fails; only with every one ticked does the button enable. The plan handed on
// then says so, and the history records it.
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

protected:
    // Enter confirms when the typed name matches and the plan is allowed, and otherwise does
    // nothing; it never falls through to a default button.
    void keyPressEvent(QKeyEvent* event) override;

private:
    void buildMembers(QVBoxLayout* layout);
    void buildRollbackReason(QVBoxLayout* layout);
    void buildAnalysis(QVBoxLayout* layout);
    void buildSkip(QVBoxLayout* layout, model::Evidence e);
    void buildButtons(QVBoxLayout* layout, const QString& verb);
    void updateConfirm();

    model::SwapPlan m_plan;
    std::map<model::Evidence, QCheckBox*> m_skip;
    QLineEdit* m_name;
    QPushButton* m_confirm;
    QString m_summary;
    QString m_references;
    QString m_reason;
    QString m_analysis;
};

} // namespace ui
