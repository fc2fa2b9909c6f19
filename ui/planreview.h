#pragma once

#include "model/observe/slotdiffread.h"
#include "model/rules/plan.h"

#include <QString>
#include <QWidget>
#include <map>
#include <string>
#include <set>
#include <vector>

class QLabel;
class QToolButton;
class QVBoxLayout;

// The parts every confirm shares, in the order they are read (issue 24): the verdict (allowed, or the failing
// checks by name with what to do), what changes (the diff of the slots that move), then the checks that pass,
// folded. The swap, rollback and deploy dialogs put them in that order; the typed name and the buttons follow.
namespace ui {

// `text` cut to `most` characters, the middle taken out (an image reference keeps its registry and its tag), on
// character boundaries.
QString middleCut(const QString& text, int most = 90);

// What to do about a check that fails, in one sentence: from what kind of check it is (a permission, a state
// that moved on, evidence about staging that may be skipped, or a fact that must hold first).
QString whatToDo(const model::Check& check);

// The verdict as HTML built here: "Allowed: …" (`allowed` says the rest), or each failing check by name with
// what to do. A failing check whose evidence the person ticked to skip is marked "(skipped)" instead;
// when only such checks fail, the verdict is "Allowed by skipping …". Check texts are escaped.
QString verdictHtml(const std::vector<model::Check>& checks, const QString& allowed,
                    const std::set<model::Evidence>& skipped = {});

// The same as plain text, one line per part (the tests and the dialog's accessible description read it).
QString verdictText(const std::vector<model::Check>& checks, const QString& allowed,
                    const std::set<model::Evidence>& skipped = {});

// What differs between two slots, one part per service: "Reading what differs…" until its answer comes, then
// the differences as a table of field, from and to (values shown as text, long ones cut in the middle), how
// many other fields are equal, the commits in between as a plain URL, and the notes; or, when it could not be
// read, one sentence. It never decides anything: the checks do.
class DiffPanel : public QWidget {
    Q_OBJECT

public:
    explicit DiffPanel(QWidget* parent = nullptr);
    // A part for `key` (a service), showing that its diff is being read.
    void expect(const std::string& key, const QString& title);
    void setAnswer(const std::string& key, const model::SlotDiffAnswer& answer);
    void clear();
    // What the panel shows, as plain text, part after part.
    QString text() const;
    bool reading() const;

private:
    struct Part {
        QLabel* label = nullptr;
        QString title;
        bool reading = true;
    };
    QVBoxLayout* m_layout;
    std::map<std::string, Part> m_parts;
    std::vector<std::string> m_order;
};

// "N checks pass", folded: a button (reachable by keyboard, Space toggles it) shows or hides the list. Hidden
// altogether when no check passes.
class FoldedChecks : public QWidget {
    Q_OBJECT

public:
    // `listName`: the object name of the label that holds the list.
    FoldedChecks(const QString& listName, QWidget* parent = nullptr);
    // The passing checks of `checks`, and `extraHtml` (built here) above them.
    void setChecks(const std::vector<model::Check>& checks, const QString& extraHtml = {});
    QToolButton* button() const { return m_button; }
    QLabel* list() const { return m_list; }
    bool unfolded() const;
    void setUnfolded(bool on);

private:
    QToolButton* m_button;
    QLabel* m_list;
};

} // namespace ui
