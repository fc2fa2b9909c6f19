#include "planreview.h"

#include "screenfit.h"
#include "style.h"
#include "text.h"

#include <QLabel>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

namespace ui {

namespace {

QString shown(const std::optional<std::string>& value);

} // namespace

QString middleCut(const QString& text, int most)
{
    if (text.size() <= most)
        return text;
    int head = most / 2, tail = most - head - 1;
    if (head > 0 && text.at(head - 1).isHighSurrogate())
        --head;
    if (tail > 0 && text.at(text.size() - tail).isLowSurrogate())
        --tail;
    return text.left(head) + QStringLiteral("…") + text.right(tail);
}

namespace {

// "1 check fails", "2 checks fail": whole words, without a translation file to choose the plural.
QString counted(int n, const char* one, const char* many)
{
    return (n == 1 ? QObject::tr(one) : QObject::tr(many)).arg(n);
}

// A value of the diff, cut so three columns fit beside each other (a digest is 71 characters): the whole diff is in the
// part's tooltip and copy action.
QString shown(const std::optional<std::string>& value)
{
    return value ? escaped(middleCut(QString::fromStdString(*value), 48)) : DiffPanel::tr("<i>(none)</i>");
}

QString diffHtml(const QString& title, const model::SlotDiff& d)
{
    QString html = DiffPanel::tr("<b>%1</b>: %2 → %3").arg(escaped(title), escaped(d.from), escaped(d.to));
    if (d.differences.empty()) {
        html += QStringLiteral("<br>") +
                counted(d.equalFields, "No differences: %1 field is equal.", "No differences: %1 fields are equal.");
    } else {
        html += DiffPanel::tr("<table cellspacing='3'><tr><th align='left'>Field</th><th align='left'>From</th>"
                              "<th align='left'>To</th></tr>");
        for (const model::FieldDifference& f : d.differences)
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                        .arg(escaped(middleCut(QString::fromStdString(f.field), 48)), shown(f.from), shown(f.to));
        html += QStringLiteral("</table>");
        html += counted(d.equalFields, "%1 other field is equal.", "%1 other fields are equal.");
    }
    // The link as text: nothing here opens a URL the cluster wrote.
    if (!d.compareUrl.empty())
        html += DiffPanel::tr("<br>Commits in between: %1").arg(escaped(d.compareUrl));
    for (const std::string& note : d.notes)
        html += QStringLiteral("<br><i>%1</i>").arg(escaped(note));
    return html;
}

QString plainOf(const QLabel* label)
{
    if (label->textFormat() == Qt::PlainText)
        return label->text();
    QTextDocument doc;
    doc.setHtml(label->text());
    return doc.toPlainText();
}

} // namespace

QString whatToDo(const model::Check& c)
{
    if (!c.fix.empty())
        return QString::fromStdString(c.fix);
    if (c.permission)
        return QObject::tr("Ask whoever manages access to the cluster for this permission, or pick a context whose "
                           "user has it.");
    if (c.changed)
        return QObject::tr("Someone changed the service since it was read: close this and start again, to confirm "
                           "what is there now.");
    if (c.evidence)
        return QObject::tr("Look at staging on the service page (its pods, health and metrics) and deploy a fix; if "
                           "you know why this fails, tick the box below to go ahead without %1.")
            .arg(QString::fromStdString(model::evidenceText(*c.evidence)));
    return QObject::tr("This has to hold first: set it right as the check says, then try again.");
}

namespace {

// The failing checks as the verdict tells them: first those that still stop the action, with what to
// do, then those the person chose to skip. `line(check, skipped)` makes each one's part.
struct Verdict {
    QString headline;
    QStringList parts;
};

template <typename Line>
Verdict verdictOf(const std::vector<model::Check>& checks, const QString& allowed,
                  const std::set<model::Evidence>& skipped, Line line)
{
    auto isSkipped = [&skipped](const model::Check& c) { return c.evidence && skipped.count(*c.evidence) > 0; };
    Verdict v;
    int open = 0;
    QStringList kinds;
    for (const model::Check& c : checks)
        if (!c.holds && !isSkipped(c)) {
            ++open;
            v.parts << line(c, false);
        }
    for (const model::Check& c : checks)
        if (!c.holds && isSkipped(c)) {
            v.parts << line(c, true);
            const QString kind = QString::fromStdString(model::evidenceText(*c.evidence));
            if (!kinds.contains(kind))
                kinds << kind;
        }
    if (open > 0)
        v.headline = counted(open, "Not allowed: %1 check fails.", "Not allowed: %1 checks fail.");
    else if (!kinds.isEmpty())
        v.headline = QObject::tr("Allowed by skipping %1: the history records that it was skipped.")
                         .arg(kinds.join(QObject::tr(" and ")));
    else
        v.headline = QObject::tr("Allowed: %1").arg(allowed);
    return v;
}

} // namespace

QString verdictHtml(const std::vector<model::Check>& checks, const QString& allowed,
                    const std::set<model::Evidence>& skipped)
{
    const Verdict v = verdictOf(checks, allowed, skipped, [](const model::Check& c, bool skip) {
        if (skip)
            return QStringLiteral("<span style=\"color:%1\"><b>✘ %2</b></span> %3")
                .arg(style::colorOf(style::Tone::Rolling), escaped(c.text), QObject::tr("(skipped)"));
        return QStringLiteral("<span style=\"color:%1\"><b>✘ %2</b></span><br>%3")
            .arg(style::colorOf(style::Tone::Attention), escaped(c.text), escaped(whatToDo(c)));
    });
    if (v.parts.isEmpty())
        return QObject::tr("<span style=\"color:%1\"><b>Allowed:</b></span> %2")
            .arg(style::colorOf(style::Tone::Healthy), escaped(allowed));
    return QStringLiteral("<b>%1</b><br>").arg(escaped(v.headline)) + v.parts.join(QStringLiteral("<br>"));
}

QString verdictText(const std::vector<model::Check>& checks, const QString& allowed,
                    const std::set<model::Evidence>& skipped)
{
    const Verdict v = verdictOf(checks, allowed, skipped, [](const model::Check& c, bool skip) {
        const QString name = QStringLiteral("✘ ") + QString::fromStdString(c.text);
        return skip ? name + QStringLiteral(" ") + QObject::tr("(skipped)")
                    : name + QLatin1Char('\n') + whatToDo(c);
    });
    return (QStringList{v.headline} + v.parts).join(QLatin1Char('\n'));
}

DiffPanel::DiffPanel(QWidget* parent) : QWidget(parent), m_layout(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("diffPanel"));
    m_layout->setContentsMargins(0, 0, 0, 0);
}

void DiffPanel::expect(const std::string& key, const QString& title)
{
    Part& part = m_parts[key];
    if (!part.label) {
        // Reachable by Tab in reading order, so a keyboard reaches (and scrolls to) what differs and a
        // screen reader reads it there.
        part.label = richLabel(this, QStringLiteral("diff"));
        part.label->setWordWrap(true);
        part.label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        part.label->setFocusPolicy(Qt::StrongFocus); // Tab reaches it (a selectable label takes clicks only)
        part.label->setAccessibleName(tr("What differs: %1").arg(title));
        m_layout->addWidget(part.label);
        m_order.push_back(key);
    }
    part.title = title;
    part.reading = true;
    part.label->setText(tr("<b>%1</b>: reading what differs…").arg(escaped(title)));
    part.label->setAccessibleDescription(plainOf(part.label));
}

void DiffPanel::setAnswer(const std::string& key, const model::SlotDiffAnswer& answer)
{
    const auto it = m_parts.find(key);
    if (it == m_parts.end())
        return;
    Part& part = it->second;
    part.reading = false;
    if (answer.diff) {
        part.label->setText(diffHtml(part.title, *answer.diff));
        keepWhole(part.label, QString::fromStdString(answer.diff->describe()), tr("Copy what differs"));
    } else {
        part.label->setText(tr("<b>%1</b>: what differs could not be read (%2). The checks above decide.")
                                .arg(escaped(part.title), escaped(answer.problem)));
    }
    part.label->setAccessibleDescription(plainOf(part.label));
}

void DiffPanel::clear()
{
    for (auto& [key, part] : m_parts)
        delete part.label;
    m_parts.clear();
    m_order.clear();
}

QString DiffPanel::text() const
{
    QStringList parts;
    for (const std::string& key : m_order)
        parts << plainOf(m_parts.at(key).label);
    return parts.join(QLatin1Char('\n'));
}

bool DiffPanel::reading() const
{
    for (const auto& [key, part] : m_parts)
        if (part.reading)
            return true;
    return false;
}

FoldedChecks::FoldedChecks(const QString& listName, QWidget* parent)
    : QWidget(parent), m_button(new QToolButton(this)), m_list(richLabel(this, listName))
{
    setObjectName(QStringLiteral("foldedChecks"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_button->setObjectName(QStringLiteral("checksFold"));
    m_button->setCheckable(true);
    m_button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_button->setArrowType(Qt::RightArrow);
    m_button->setAutoRaise(true);
    m_button->setFocusPolicy(Qt::StrongFocus);
    m_list->setWordWrap(true);
    m_list->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_list->hide();
    connect(m_button, &QToolButton::toggled, this, [this](bool on) {
        m_button->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        m_list->setVisible(on);
    });
    layout->addWidget(m_button);
    layout->addWidget(m_list);
}

void FoldedChecks::setChecks(const std::vector<model::Check>& checks, const QString& extraHtml)
{
    QStringList lines;
    if (!extraHtml.isEmpty())
        lines << extraHtml;
    int passing = 0;
    for (const model::Check& c : checks)
        if (c.holds) {
            lines << QStringLiteral("✔ %1").arg(escaped(c.text));
            ++passing;
        }
    m_list->setText(lines.join(QStringLiteral("<br>")));
    m_button->setText(counted(passing, "%1 check passes", "%1 checks pass"));
    m_button->setAccessibleName(counted(passing, "%1 check passes: show it", "%1 checks pass: show them"));
    m_button->setToolTip(tip(tr("Shows or hides the checks that pass.")));
    setVisible(passing > 0 || !extraHtml.isEmpty());
}

bool FoldedChecks::unfolded() const
{
    return m_button->isChecked();
}

void FoldedChecks::setUnfolded(bool on)
{
    m_button->setChecked(on);
}

} // namespace ui
