#include "confirmdialog.h"

#include "help.h"
#include "planreview.h"
#include "screenfit.h"
#include "style.h"
#include "text.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>

namespace ui {

namespace {

// Plan text interpolated into the HTML built here.
QString q(const std::string& s)
{
    return escaped(s);
}

// `cut` shortens an image reference to the width it may take (the middle goes, the registry and the
// tag stay); the whole reference is in the dialog's tooltip and its copy action.
QString slotFacts(const model::SlotFacts& f, const std::function<QString(const QString&)>& cut)
{
    QString digest = f.digest.empty() ? QObject::tr("not pinned by digest") : q(f.digest.substr(0, 19));
    QString text =
        QStringLiteral("slot %1 · <b>%2</b><br><small>%3 · commit %4%5</small>")
            .arg(q(f.slot ? model::letter(*f.slot) : std::string()), escaped(cut(QString::fromStdString(f.image))),
                 digest, f.commit.empty() ? QObject::tr("unknown") : q(f.commit.substr(0, 12)),
                 f.created.empty() ? QString() : QObject::tr(" · built %1").arg(q(f.created)));
    text += QObject::tr("<br><small>%1 of %2 pods ready</small>").arg(f.ready).arg(f.desired);
    return text;
}

// Each member with its live slot now and the slot it moves to, as a table of escaped values.
QString membersTable(const model::SwapPlan& plan, const std::function<QString(const QString&)>& cut)
{
    QString html = QStringLiteral("<table cellspacing='6'>");
    for (const auto& m : plan.members) {
        html +=
            QStringLiteral("<tr><td colspan='3'><b>%1</b> (namespace %2)</td></tr>").arg(q(m.spec.name), q(m.spec.ns));
        if (plan.kind == model::SwapPlan::Kind::Repair) {
            html += QStringLiteral("<tr><td>%1</td><td>→</td><td>%2</td></tr>")
                        .arg(ConfirmDialog::tr("staging %1").arg(q(m.spec.stagingService)), slotFacts(m.to, cut));
            continue;
        }
        html += QStringLiteral("<tr><td>%1<br>%2</td><td>→</td><td>%3</td></tr>")
                    .arg(ConfirmDialog::tr("<b>LIVE</b> now"), slotFacts(m.from, cut), slotFacts(m.to, cut));
    }
    html += QStringLiteral("</table>");
    return html;
}

// What follows "Allowed:" when every check passes.
QString allowedText(const model::SwapPlan& plan)
{
    return plan.kind == model::SwapPlan::Kind::Repair
               ? ConfirmDialog::tr("every check passes; type the name below to repair.")
               : ConfirmDialog::tr("every check passes; type the name below to go ahead.");
}

} // namespace

ConfirmDialog::ConfirmDialog(const model::SwapPlan& plan, QWidget* parent) : QDialog(parent), m_plan(plan)
{
    setObjectName(QStringLiteral("confirmDialog"));
    const QString verb = plan.kind == model::SwapPlan::Kind::Swap       ? tr("Swap staging and live")
                         : plan.kind == model::SwapPlan::Kind::Rollback ? tr("Roll back")
                                                                        : tr("Repair");
    setWindowTitle(tr("%1 — %2").arg(verb, QString::fromStdString(plan.service)));
    auto* layout = new QVBoxLayout(this);

    // Parts (1) to (3) scroll together rather than growing the dialog past the screen; the widgets are made in
    // reading order, which is the order Tab and a screen reader take.
    auto* body = new QWidget;
    auto* bodyLayout = new QVBoxLayout(body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    buildVerdict(bodyLayout);
    buildChanges(bodyLayout);
    m_checks = new FoldedChecks(QStringLiteral("checks"), body);
    m_checks->setChecks(m_plan.checks);
    bodyLayout->addWidget(m_checks);
    bodyLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("confirmBody"));
    scroll->setAccessibleName(tr("What the %1 does").arg(verb.toLower()));
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // its parts take the focus, and Tab scrolls to them
    scroll->setMinimumHeight(6 * fontMetrics().lineSpacing());
    layout->addWidget(scroll, 1);

    auto* who = richLabel(this, QStringLiteral("user"),
                          tr("You act as <b>%1</b>, as the API server knows you. The change is recorded with "
                             "that name.")
                              .arg(q(plan.user.empty() ? std::string("(unknown)") : plan.user)));
    layout->addWidget(who);

    auto* prompt = richLabel(this, {}, tr("Type <b>%1</b> to confirm:").arg(q(plan.service)));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("confirmName"));
    m_name->setAccessibleName(tr("Service name to confirm"));
    prompt->setBuddy(m_name);
    layout->addWidget(prompt);
    layout->addWidget(m_name);

    buildButtons(layout, verb);
    setAccessibleDescription(verdictText());
    m_body = scroll;
    growToContent();
    fitToScreen(this);
}

// As large as the parts that scroll ask for (the members' table, a diff's three columns), never smaller than it
// is, and never past the screen (fitToScreen set the limit): whatever is left scrolls.
void ConfirmDialog::growToContent()
{
    QWidget* body = m_body->widget();
    const int bar = style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    const QSize extra = (sizeHint() - m_body->sizeHint()).expandedTo(QSize(0, 0));
    const int w = std::min(std::max({width(), body->sizeHint().width() + bar + extra.width(),
                                     64 * fontMetrics().averageCharWidth() + extra.width()}),
                           maximumWidth());
    // Word-wrapped text is as tall as the width it gets.
    const int bodyWidth = w - extra.width() - bar;
    const int bodyHeight = body->hasHeightForWidth() ? body->heightForWidth(bodyWidth) : body->sizeHint().height();
    resize(w, std::min(std::max(height(), bodyHeight + extra.height()), maximumHeight()));
}

void ConfirmDialog::buildVerdict(QVBoxLayout* layout)
{
    m_verdict = richLabel(this, QStringLiteral("verdict"), verdictHtml(m_plan.checks, allowedText(m_plan)));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_verdict->setFocusPolicy(Qt::StrongFocus); // Tab reaches it (a selectable label takes clicks only)
    m_verdict->setAccessibleName(tr("Verdict"));
    m_verdict->setAccessibleDescription(verdictText());
    layout->addWidget(m_verdict);
    if (m_plan.kind == model::SwapPlan::Kind::Rollback)
        buildRollbackReason(layout);
    if (m_plan.kind == model::SwapPlan::Kind::Swap) {
        for (model::Evidence e : m_plan.failingEvidence())
            buildSkip(layout, e);
        buildAnalysis(layout);
    }
}

// (2) What changes: what the action does to live users, who moves from what to what, and what else differs
// between the slots.
void ConfirmDialog::buildChanges(QVBoxLayout* layout)
{
    auto* heading = richLabel(this, QStringLiteral("changesHeading"), tr("<b>What changes</b>"));
    layout->addWidget(heading);
    auto* warning = richLabel(this, QStringLiteral("warning"));
    warning->setWordWrap(true);
    warning->setText(m_plan.kind == model::SwapPlan::Kind::Repair
                         ? tr("<b>This points the staging Service at the slot live does not use.</b> Live traffic "
                              "is not touched.")
                     : m_plan.kind == model::SwapPlan::Kind::Rollback
                         ? tr("<b>This brings back what was live before the last swap.</b> Live users get the "
                              "earlier release again, for every service below at once; the release live now goes "
                              "back to staging, where it can be looked into.")
                         : tr("<b>This changes what live users get.</b> The staging release becomes live for every "
                              "service below at once; the live release moves to staging, where a rollback can bring "
                              "it back."));
    layout->addWidget(warning);
    buildMembers(layout);
    if (m_plan.kind == model::SwapPlan::Kind::Repair)
        return;
    m_diff = new DiffPanel(this);
    for (const auto& m : m_plan.members)
        m_diff->expect(m.spec.ns + "/" + m.spec.name, QString::fromStdString(m.spec.name));
    layout->addWidget(m_diff);
}

void ConfirmDialog::setDiff(std::size_t index, const model::SlotDiffAnswer& answer)
{
    if (!m_diff || index >= m_plan.members.size())
        return;
    m_diff->setAnswer(m_plan.members[index].spec.ns + "/" + m_plan.members[index].spec.name, answer);
    growToContent();
}

QString ConfirmDialog::diffText() const
{
    return m_diff ? m_diff->text() : QString();
}

bool ConfirmDialog::diffReading() const
{
    return m_diff && m_diff->reading();
}

QString ConfirmDialog::verdictText() const
{
    return ui::verdictText(m_plan.checks, allowedText(m_plan), m_plan.skipped);
}

QToolButton* ConfirmDialog::checksFoldButton() const
{
    return m_checks->button();
}

bool ConfirmDialog::checksUnfolded() const
{
    return m_checks->unfolded();
}

// Who moves from what to what. A long image reference is cut in the middle to a share of the
// screen; hovering shows every reference whole, and the label's menu copies them.
void ConfirmDialog::buildMembers(QVBoxLayout* layout)
{
    auto* members = richLabel(this, QStringLiteral("members"));
    const int width = referenceWidth(this, 0.3);
    members->setText(
        membersTable(m_plan, [members, width](const QString& image) { return elidedMiddle(members, image, width); }));
    members->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QStringList references;
    for (const auto& m : m_plan.members)
        for (const model::SlotFacts* f : {&m.from, &m.to})
            if (!f->image.empty() && !references.contains(QString::fromStdString(f->image)))
                references << QString::fromStdString(f->image);
    m_references = references.join(QLatin1Char('\n'));
    keepWhole(members, m_references, tr("Copy the image references"));
    layout->addWidget(members);
    m_summary = members->text();
}

// Why one would roll back (the watch's verdict, the failing pods) and what is live after it: text
// read from the cluster, so plain.
void ConfirmDialog::buildRollbackReason(QVBoxLayout* layout)
{
    m_reason = m_plan.why.empty()
                   ? tr("Why: no watch or health check has found the live release worse; roll back if you know it "
                        "misbehaves.")
                   : tr("Why: %1").arg(QString::fromStdString(m_plan.why));
    // The reasons text keeps each reference whole (the tests and the copy action read it); the label
    // shows them cut in the middle like the table above, so a long one cannot widen the dialog.
    auto* label = plainLabel(this, QStringLiteral("rollbackReason"));
    const int width = referenceWidth(this, 0.3);
    const auto liveAfter = [this](const std::function<QString(const QString&)>& cut) {
        QStringList after;
        for (const auto& m : m_plan.members) {
            const std::string image = m.to.image.empty() ? std::string("no image read") : m.to.image;
            after << tr("%1: slot %2, %3")
                         .arg(QString::fromStdString(m.spec.name), QString::fromStdString(model::letter(m.liveTo)),
                              cut(QString::fromStdString(image)));
        }
        return tr("Live after the rollback: %1").arg(after.join(QStringLiteral("; ")));
    };
    const QString why = m_reason;
    m_reason += QLatin1Char('\n') + liveAfter([](const QString& image) { return image; });
    label->setText(why + QLatin1Char('\n') +
                   liveAfter([label, width](const QString& image) { return elidedMiddle(label, image, width); }));
    keepWhole(label, m_reason, tr("Copy the reason"));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
}

// The metric analysis of each member's staging against live, one row per metric: what Prometheus answered,
// shown as text, with each metric's verdict.
void ConfirmDialog::buildAnalysis(QVBoxLayout* layout)
{
    QString html = tr("<table cellspacing='4'><tr><th align='left'>Metric</th><th align='left'>Staging</th>"
                      "<th align='left'>Live</th><th align='left'>Verdict</th></tr>");
    QStringList lines;
    for (const auto& m : m_plan.members) {
        if (!m.analysis || !m.analysis->look)
            continue;
        for (const model::MetricReading& r : m.analysis->look->metrics) {
            const auto shown = [&r](const std::optional<double>& v) {
                return v ? model::formatValue(*v, r.unit) : std::string("no data");
            };
            const QString verdict = r.outcome == model::Outcome::Pass   ? tr("passes")
                                    : r.outcome == model::Outcome::Fail ? tr("fails")
                                                                        : tr("inconclusive");
            const QString name = QString::fromStdString(m.spec.name + ": " + r.name);
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                        .arg(escaped(name), q(shown(r.candidate)), q(shown(r.baseline)), verdict);
            lines << tr("%1 — staging %2 — live %3 — %4")
                         .arg(name, QString::fromStdString(shown(r.candidate)),
                              QString::fromStdString(shown(r.baseline)), verdict);
        }
    }
    if (lines.isEmpty())
        return;
    m_analysis = lines.join(QLatin1Char('\n'));
    auto* label = richLabel(this, QStringLiteral("analysis"), html + QStringLiteral("</table>"));
    layout->addWidget(label);
}

// The box that lets one kind of evidence about staging be skipped.
void ConfirmDialog::buildSkip(QVBoxLayout* layout, model::Evidence e)
{
    static const std::map<model::Evidence, std::pair<const char*, const char*>> names = {
        {model::Evidence::Health, {"skipHealthCheck", "A staging pod does not answer the app's health check"}},
        {model::Evidence::Smoke, {"skipSmoke", "Smoke requests to staging fail"}},
        {model::Evidence::Analysis, {"skipAnalysis", "The metric analysis of staging fails or is inconclusive"}},
    };
    const auto& [objectName, what] = names.at(e);
    auto* box = new QCheckBox(tr("Swap without %1").arg(QString::fromStdString(model::evidenceText(e))), this);
    box->setObjectName(QString::fromLatin1(objectName));
    // A warning, not an ordinary option: the warning sign, in the warning colour, bold.
    box->setIcon(standardIcon(QStringLiteral("dialog-warning"), QStyle::SP_MessageBoxWarning));
    box->setStyleSheet(
        QStringLiteral("QCheckBox { color: %1; font-weight: bold; }").arg(style::colorOf(style::Tone::Rolling)));
    box->setToolTip(tip(tr("%1 (see above). Tick this to swap anyway; the history records that it was skipped.")
                            .arg(QString::fromUtf8(what))));
    // Only evidence may be skipped: with anything else failing, the box cannot help.
    box->setEnabled(m_plan.onlyEvidenceFails());
    connect(box, &QCheckBox::toggled, this, [this, e](bool on) {
        if (on)
            m_plan.skipped.insert(e);
        else
            m_plan.skipped.erase(e);
        // The verdict says what the ticks make of it: still not allowed, or allowed by skipping.
        m_verdict->setText(verdictHtml(m_plan.checks, allowedText(m_plan), m_plan.skipped));
        m_verdict->setAccessibleDescription(verdictText());
        updateConfirm();
    });
    m_skip[e] = box;
    layout->addWidget(box);
}

QCheckBox* ConfirmDialog::skipBox(model::Evidence e) const
{
    const auto it = m_skip.find(e);
    return it == m_skip.end() ? nullptr : it->second;
}

// The confirm button, named by the action and in the attention colour, and Cancel.
void ConfirmDialog::buildButtons(QVBoxLayout* layout, const QString& verb)
{
    auto* buttons = new QDialogButtonBox(this);
    m_confirm = buttons->addButton(verb, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirmButton"));
    m_confirm->setEnabled(false);
    m_confirm->setAutoDefault(false);
    m_confirm->setStyleSheet(QStringLiteral("QPushButton:enabled { background: %1; color: white; font-weight: bold; "
                                            "border-radius: 3px; padding: 5px; }")
                                 .arg(style::fillOf(style::Tone::Attention)));
    QFont bold = m_confirm->font();
    bold.setBold(true);
    m_confirm->setMinimumWidth(QFontMetrics(bold).horizontalAdvance(verb) + 36);
    // No default button: Enter confirms only through keyPressEvent, and only when the typed name
    // is right; Escape cancels.
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &ConfirmDialog::updateConfirm);
    layout->addWidget(buttons);
}

void ConfirmDialog::updateConfirm()
{
    const bool passes = m_plan.allowed() || m_plan.allowedSkipping(m_plan.skipped);
    m_confirm->setEnabled(m_name->text() == QString::fromStdString(m_plan.service) && passes);
}

void ConfirmDialog::keyPressEvent(QKeyEvent* event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier) {
        // The confirm button is enabled exactly when the name matches and the plan is allowed (or
        // only evidence fails and the person ticked to swap without each kind that does).
        if (m_confirm->isEnabled())
            m_confirm->click();
        event->accept();
        return;
    }
    QDialog::keyPressEvent(event);
}

QString ConfirmDialog::summaryText() const
{
    return m_summary;
}

} // namespace ui
