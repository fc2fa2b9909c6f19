#pragma once

#include "model/swap.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace ui {

// Confirms a swap, rollback or repair with the facts that matter: every service that moves,
// from and to which image, digest, commit and build time, readiness, and who the API server
// says you are. The service name must be typed; the dangerous button stays disabled until then.
class ConfirmDialog : public QDialog {
    Q_OBJECT

public:
    ConfirmDialog(const model::SwapPlan& plan, QWidget* parent = nullptr);
    const model::SwapPlan& plan() const { return m_plan; }
    QLineEdit* nameField() const { return m_name; }
    QPushButton* confirmButton() const { return m_confirm; }
    QString summaryText() const;

protected:
    // Enter confirms when the typed name matches and the plan is allowed, and otherwise does
    // nothing; it never falls through to a default button.
    void keyPressEvent(QKeyEvent* event) override;

private:
    model::SwapPlan m_plan;
    QLineEdit* m_name;
    QPushButton* m_confirm;
    QString m_summary;
};

} // namespace ui
