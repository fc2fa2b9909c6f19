#pragma once

#include "model/actions/swap.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QVBoxLayout;
class QPushButton;

namespace ui {

// Confirms a swap, rollback or repair with the facts that matter: every service that moves,
// from and to which image, digest, commit and build time, readiness, and who the API server
// says you are; a rollback also why one would roll back (SwapPlan::why) and what is live after. The service name must
// be typed; the dangerous button stays disabled until then. When the staging pods fail the app's health check (and
// nothing else fails), a checkbox "Swap without the health check" appears, and only with it ticked does the button
// enable; the plan handed on then says so, and the history records it.
class ConfirmDialog : public QDialog {
    Q_OBJECT

public:
    ConfirmDialog(const model::SwapPlan& plan, QWidget* parent = nullptr);
    const model::SwapPlan& plan() const { return m_plan; }
    QLineEdit* nameField() const { return m_name; }
    QPushButton* confirmButton() const { return m_confirm; }
    QCheckBox* skipHealthCheckBox() const { return m_skipHealth; } // nullptr unless the health check fails
    QString summaryText() const;
    // Every image reference the dialog names, whole, one a line (its tooltip and copy action).
    QString referencesText() const { return m_references; }
    // A rollback: why one would roll back and what is live after it; empty for other kinds.
    QString reasonText() const { return m_reason; }

protected:
    // Enter confirms when the typed name matches and the plan is allowed, and otherwise does
    // nothing; it never falls through to a default button.
    void keyPressEvent(QKeyEvent* event) override;

private:
    void buildMembers(QVBoxLayout* layout);
    void buildRollbackReason(QVBoxLayout* layout);
    void buildHealthSkip(QVBoxLayout* layout);
    void buildButtons(QVBoxLayout* layout, const QString& verb);
    void updateConfirm();

    model::SwapPlan m_plan;
    QCheckBox* m_skipHealth = nullptr;
    QLineEdit* m_name;
    QPushButton* m_confirm;
    QString m_summary;
    QString m_references;
    QString m_reason;
};

} // namespace ui
