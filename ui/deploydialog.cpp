#include "deploydialog.h"

#include "planreview.h"
#include "screenfit.h"
#include "style.h"
#include "text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace ui {

namespace {
QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

DeployDialog::DeployDialog(const model::ServiceState& state, model::ServiceActions* actions,
                           oci::RegistryClient* registry, QWidget* parent)
    : QDialog(parent), m_state(state), m_actions(actions),
      m_group(actions ? actions->deployGroup() : std::vector<model::ServiceSpec>{}),
      m_catalog(new model::TagCatalogModel(registry, this))
{
    setObjectName(QStringLiteral("deployDialog"));
    setWindowTitle(tr("Deploy — %1").arg(q(state.spec.name)));
    resize(900, 620);
    auto* layout = new QVBoxLayout(this);
    buildForm(layout);
    buildTagTable(layout);
    buildReference(layout);
    buildButtons(layout);
    validate();
    fitToScreen(this);
}

// Where to deploy, the group, the repository the tags come from and the filter over them.
void DeployDialog::buildForm(QVBoxLayout* layout)
{
    auto* form = new QFormLayout;
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("targetBox"));
    m_target->setAccessibleName(tr("Deploy to"));
    // Live is not a choice; the staging slot is named so nobody wonders which one it is.
    if (const model::SlotState* s = m_state.stagingSlot(); s && m_state.staging != m_state.live)
        m_target->addItem(tr("Staging (slot %1, %2)").arg(q(s->label()), q(s->deployment)),
                          static_cast<int>(model::DeployTarget::Staging));
    m_target->addItem(tr("Sandbox (%1/%2)").arg(q(m_state.spec.sandboxNamespace), q(m_state.spec.sandboxDeployment)),
                      static_cast<int>(model::DeployTarget::Sandbox));
    form->addRow(tr("Deploy to:"), m_target);
    m_groupBox = new QCheckBox(this);
    m_groupBox->setObjectName(QStringLiteral("groupBox"));
    m_groupBox->setVisible(m_group.size() > 1);
    connect(m_groupBox, &QCheckBox::toggled, this, &DeployDialog::resetPlan);
    form->addRow(QString(), m_groupBox);

    // Where the tags come from: the configured repository, else the one the staging slot runs.
    std::string repoText = m_state.spec.imageRepository;
    if (repoText.empty())
        if (const model::SlotState* s = m_state.stagingSlot())
            repoText = s->imageRef.registry.empty() ? std::string() : s->imageRef.name();
    m_repo = new QLineEdit(q(repoText), this);
    m_repo->setObjectName(QStringLiteral("repositoryField"));
    m_repo->setAccessibleName(tr("Image repository"));
    auto* load = new QPushButton(tr("&List tags"), this);
    load->setObjectName(QStringLiteral("loadTagsButton"));
    load->setAutoDefault(false); // Enter in the repository field lists them; elsewhere it moves on
    connect(load, &QPushButton::clicked, this, &DeployDialog::loadTags);
    connect(m_repo, &QLineEdit::returnPressed, this, &DeployDialog::loadTags);
    auto* repoRow = new QHBoxLayout;
    repoRow->addWidget(m_repo, 1);
    repoRow->addWidget(load);
    form->addRow(tr("Repository:"), repoRow);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("tagFilter"));
    m_filter->setAccessibleName(tr("Filter tags"));
    m_filter->setPlaceholderText(tr("Filter by tag or commit"));
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_catalog->setFilter(text);
        m_tags->resizeColumnsToContents();
        describeShown();
    });
    form->addRow(tr("Filter:"), m_filter);
    layout->addLayout(form);
}

// The tags, newest first.
void DeployDialog::buildTagTable(QVBoxLayout* layout)
{
    m_tags = new QTableView(this);
    m_tags->setObjectName(QStringLiteral("tagTable"));
    m_tags->setAccessibleName(tr("Tags, newest first"));
    m_tags->setModel(m_catalog);
    m_tags->verticalHeader()->hide();
    m_tags->horizontalHeader()->setStretchLastSection(true);
    m_tags->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tags->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tags->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tags->setTabKeyNavigation(false); // Tab leaves the table; the arrows move in it
    // Enter (or a double-click) chooses the tag: Check becomes the default, so Enter again checks.
    connect(m_tags, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        m_reference->setText(m_repo->text().trimmed() + QLatin1Char(':') + m_catalog->tagAt(index.row()));
        moveOnTo(m_check);
    });
    connect(m_catalog, &model::TagCatalogModel::stateChanged, this, &DeployDialog::showCatalogState);
    // A new listing and the first sort show other rows, with wider cells.
    auto reshown = [this] {
        m_tags->resizeColumnsToContents();
        describeShown();
    };
    connect(m_catalog, &QAbstractItemModel::modelReset, this, reshown);
    connect(m_catalog, &QAbstractItemModel::layoutChanged, this, reshown);
    // A row described later (its build time and commit) is wider than when it was listed.
    connect(m_catalog, &QAbstractItemModel::dataChanged, m_tags, &QTableView::resizeColumnsToContents);
    // Image configs are read for the rows in view only: scrolling or a taller window shows more.
    connect(m_tags->verticalScrollBar(), &QScrollBar::valueChanged, this, &DeployDialog::describeShown);
    connect(m_tags->verticalScrollBar(), &QScrollBar::rangeChanged, this, &DeployDialog::describeShown);
    connect(m_tags->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList rows = m_tags->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        m_reference->setText(m_repo->text().trimmed() + QLatin1Char(':') + m_catalog->tagAt(rows.first().row()));
    });
    layout->addWidget(m_tags, 1);
}

// The image reference as it will be deployed, what is wrong with it, the checks and the status.
void DeployDialog::buildReference(QVBoxLayout* layout)
{
    m_reference = new QLineEdit(this);
    m_reference->setObjectName(QStringLiteral("referenceField"));
    m_reference->setAccessibleName(tr("Image reference"));
    m_reference->setPlaceholderText(tr("registry/repository:tag or registry/repository@sha256:…"));
    connect(m_reference, &QLineEdit::textChanged, this, &DeployDialog::validate);
    m_referenceError = plainLabel(this, QStringLiteral("referenceError"));
    m_referenceError->setStyleSheet(
        QStringLiteral("QLabel { color: %1; }").arg(style::colorOf(style::Tone::Attention)));
    auto* refForm = new QFormLayout;
    refForm->addRow(tr("Image:"), m_reference);
    layout->addLayout(refForm);
    layout->addWidget(m_referenceError);

    // What Check found, in the confirm dialogs' reading order; it scrolls rather than pushing the buttons away.
    auto* review = new QWidget;
    auto* reviewLayout = new QVBoxLayout(review);
    reviewLayout->setContentsMargins(0, 0, 0, 0);
    m_verdict = richLabel(this, QStringLiteral("deployVerdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_verdict->setFocusPolicy(Qt::StrongFocus); // Tab reaches it (a selectable label takes clicks only)
    m_verdict->setAccessibleName(tr("Verdict"));
    reviewLayout->addWidget(m_verdict);
    m_diff = new DiffPanel(this);
    reviewLayout->addWidget(m_diff);
    m_checks = new FoldedChecks(QStringLiteral("deployChecks"), this);
    m_checks->hide();
    reviewLayout->addWidget(m_checks);
    reviewLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("deployReview"));
    scroll->setWidget(review);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // its parts take the focus
    scroll->setMinimumHeight(4 * fontMetrics().lineSpacing());
    layout->addWidget(scroll, 2); // after a Check, what it found matters more than the other tags
    m_status = plainLabel(this, QStringLiteral("deployStatus")); // quotes what registries said
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
}

// Check, Deploy, Close.
void DeployDialog::buildButtons(QVBoxLayout* layout)
{
    auto* buttons = new QDialogButtonBox(this);
    m_check = buttons->addButton(tr("&Check"), QDialogButtonBox::ActionRole);
    m_check->setObjectName(QStringLiteral("checkButton"));
    m_deploy = buttons->addButton(tr("&Deploy"), QDialogButtonBox::ActionRole);
    m_deploy->setObjectName(QStringLiteral("deployButton"));
    m_deploy->setEnabled(false);
    // Close is never the default: Enter moves the flow on (choose, check, deploy); Esc closes.
    buttons->addButton(QDialogButtonBox::Close)->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_check, &QPushButton::clicked, this, &DeployDialog::check);
    connect(m_deploy, &QPushButton::clicked, this, &DeployDialog::deploy);
    connect(m_target, &QComboBox::currentIndexChanged, this, &DeployDialog::resetPlan);
    layout->addWidget(buttons);
}

void DeployDialog::moveOnTo(QPushButton* next)
{
    next->setDefault(true);
    if (next->isEnabled())
        next->setFocus(Qt::OtherFocusReason);
}

QString DeployDialog::statusText() const
{
    return m_status->text();
}

void DeployDialog::setStatus(const QString& text, bool bad)
{
    m_status->setText(text);
    style::applySheet(
        m_status,
        bad ? QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(style::colorOf(style::Tone::Attention))
            : QString());
}

void DeployDialog::loadTags()
{
    m_catalog->load(m_repo->text());
}

void DeployDialog::showCatalogState()
{
    setStatus(m_catalog->statusText(), m_catalog->state() == model::TagCatalogModel::State::Failed);
}

void DeployDialog::describeShown()
{
    if (m_describeQueued)
        return;
    // Once the view has laid out what changed: during a change its rows are not yet where they will be.
    m_describeQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_describeQueued = false;
        const int rows = m_catalog->rowCount();
        if (rows == 0)
            return;
        const int first = std::max(0, m_tags->rowAt(0));
        const int lastShown = m_tags->rowAt(m_tags->viewport()->height() - 1);
        m_catalog->describe(first, lastShown < 0 ? rows - 1 : lastShown);
    });
}

void DeployDialog::resetPlan()
{
    m_plan.reset();
    m_groupPlan.reset();
    m_deploy->setEnabled(false);
    clearReview();
}

void DeployDialog::clearReview()
{
    ++m_review;
    m_verdict->clear();
    m_verdict->setAccessibleDescription(QString());
    m_diff->clear();
    m_checks->hide();
}

void DeployDialog::readDiffs(const std::vector<model::DeployPlan>& plans)
{
    if (!m_actions)
        return;
    const int review = m_review;
    for (const model::DeployPlan& plan : plans) {
        if (plan.pinned.empty() || !plan.current.exists)
            continue;
        m_diff->expect(plan.service, q(plan.service));
        m_actions->readDeployDiff(plan, this, [this, review, key = plan.service](model::SlotDiffAnswer answer) {
            if (review == m_review)
                m_diff->setAnswer(key, answer);
        });
    }
}

QString DeployDialog::verdictText() const
{
    return m_verdict->accessibleDescription();
}

bool DeployDialog::diffReading() const
{
    return m_diff->reading();
}

QString DeployDialog::diffText() const
{
    return m_diff->text();
}

std::string DeployDialog::currentTag() const
{
    const auto ref = model::parseImageRef(m_reference->text().trimmed().toStdString());
    return ref ? ref->tag : std::string();
}

void DeployDialog::validate()
{
    m_plan.reset();
    m_groupPlan.reset();
    m_deploy->setEnabled(false);
    clearReview();
    QStringList others;
    for (const auto& s : m_group)
        if (s.name != m_state.spec.name)
            others << q(s.name);
    const std::string tag = currentTag();
    m_groupBox->setText(
        tr("All services of group %1 (with %2), tag %3")
            .arg(q(m_state.spec.group), others.join(QStringLiteral(", ")), tag.empty() ? tr("(pick a tag)") : q(tag)));
    const QString text = m_reference->text().trimmed();
    if (text.isEmpty()) {
        m_referenceError->clear();
        m_check->setEnabled(false);
        return;
    }
    std::string why;
    const bool ok = model::parseImageRef(text.toStdString(), &why).has_value();
    m_referenceError->setText(ok ? QString() : tr("Not an image reference: %1.").arg(q(why)));
    m_check->setEnabled(ok);
}

void DeployDialog::check()
{
    const auto target = static_cast<model::DeployTarget>(m_target->currentData().toInt());
    if (m_groupBox->isVisible() && m_groupBox->isChecked()) {
        checkGroup(target);
        return;
    }
    if (!m_actions)
        return;
    setStatus(tr("Checking…"));
    m_check->setEnabled(false);
    QPointer<DeployDialog> self(this);
    m_actions->planDeploy(target, m_reference->text().trimmed().toStdString(), [self](model::DeployPlan plan) {
        if (!self)
            return;
        self->m_check->setEnabled(true);
        self->clearReview();
        // References cut in the middle, so a digest cannot widen the dialog; whole in the tooltip.
        const QString allowed =
            plan.current.exists
                ? tr("deploys %1 to %2, replacing %3.")
                      .arg(middleCut(q(plan.pinned), 60), q(plan.place()), middleCut(q(plan.current.image), 60))
                : tr("deploys %1 to %2.").arg(middleCut(q(plan.pinned), 60), q(plan.place()));
        keepWhole(self->m_verdict, q(plan.pinned + (plan.current.exists ? "\n" + plan.current.image : std::string())),
                  tr("Copy the image references"));
        self->showVerdict(plan.checks, allowed, plan.warning.empty() ? QStringList() : QStringList{q(plan.warning)});
        self->m_checks->setChecks(plan.checks);
        self->readDiffs({plan});
        const bool ok = plan.allowed();
        self->setStatus(ok ? tr("Ready to deploy as %1.").arg(q(plan.user))
                           : tr("Cannot deploy: %1").arg(q(plan.firstFailure() ? plan.firstFailure()->text : "")),
                        !ok);
        self->m_deploy->setEnabled(ok);
        self->moveOnTo(ok ? self->m_deploy : self->m_check);
        self->m_plan = std::move(plan);
    });
}

void DeployDialog::checkGroup(model::DeployTarget target)
{
    const std::string tag = currentTag();
    if (tag.empty()) {
        setStatus(tr("A group deploy gives every member the same tag: pick a tag, not a digest."), true);
        return;
    }
    if (!m_actions)
        return;
    setStatus(tr("Checking every member of group %1…").arg(q(m_state.spec.group)));
    m_check->setEnabled(false);
    QPointer<DeployDialog> self(this);
    m_actions->planGroupDeploy(target, tag, [self](model::GroupDeployPlan plan) {
        if (self)
            self->showGroupPlan(plan);
    });
}

void DeployDialog::showGroupPlan(const model::GroupDeployPlan& plan)
{
    m_check->setEnabled(true);
    clearReview();
    std::vector<model::Check> checks;
    QStringList deploys, warnings;
    for (const auto& p : plan.members) {
        checks.insert(checks.end(), p.checks.begin(), p.checks.end());
        deploys << QStringLiteral("<b>%1</b>: %2")
                       .arg(escaped(p.service),
                            p.pinned.empty() ? tr("no image") : tr("deploys %1").arg(escaped(q(p.pinned))));
        if (!p.warning.empty())
            warnings << q(p.service + ": " + p.warning);
    }
    showVerdict(
        checks,
        tr("all %1 services of group %2 deploy tag %3.").arg(plan.members.size()).arg(q(plan.group), q(plan.tag)),
        warnings);
    m_checks->setChecks(checks, deploys.join(QStringLiteral("<br>")));
    readDiffs(plan.members);
    const model::DeployPlan* refused = plan.firstRefused();
    const model::Check* f = refused ? refused->firstFailure() : nullptr;
    const bool ok = plan.allowed();
    setStatus(
        ok ? tr("Ready to deploy all %n service(s) of group %1 as %2.", nullptr, static_cast<int>(plan.members.size()))
                 .arg(q(plan.group), q(plan.members.front().user))
           : tr("Cannot deploy the group: %1: %2. Nothing will be deployed unless every member passes.")
                 .arg(q(refused ? refused->service : plan.service), q(f ? f->text : "")),
        !ok);
    m_deploy->setEnabled(ok);
    moveOnTo(ok ? m_deploy : m_check);
    m_plan.reset();
    m_groupPlan = plan;
}

void DeployDialog::showVerdict(const std::vector<model::Check>& checks, const QString& allowed,
                               const QStringList& warnings)
{
    QString html = verdictHtml(checks, allowed);
    QString text = ui::verdictText(checks, allowed);
    for (const QString& w : warnings) {
        html +=
            QStringLiteral("<br><b style='color:%1'>⚠ %2</b>").arg(style::colorOf(style::Tone::Attention), escaped(w));
        text += QStringLiteral("\n⚠ ") + w;
    }
    m_verdict->setText(html);
    m_verdict->setAccessibleDescription(text);
}

void DeployDialog::deploy()
{
    if (m_groupPlan && m_groupPlan->allowed()) {
        m_deploy->setEnabled(false);
        m_check->setEnabled(false);
        setStatus(tr("Starting…"));
        follow(m_actions ? m_actions->runner() : nullptr, m_actions ? m_actions->runGroupDeploy(*m_groupPlan) : 0);
        return;
    }
    if (!m_plan || !m_plan->allowed())
        return;
    m_deploy->setEnabled(false);
    m_check->setEnabled(false);
    setStatus(tr("Starting…"));
    follow(m_actions ? m_actions->runner() : nullptr, m_actions ? m_actions->runDeploy(*m_plan) : 0);
}

void DeployDialog::follow(model::ActionRunner* runner, int id)
{
    if (!runner || !id) {
        setStatus(tr("Cannot deploy: there is no connection to the service's cluster. Nothing was changed."), true);
        m_check->setEnabled(true);
        return;
    }
    auto show = [this, runner, id] {
        const model::Activity* a = runner->activity(id);
        if (!a)
            return;
        if (a->running())
            setStatus(q(a->step) + tr("… (you may close this window: the deploy goes on, and its outcome shows "
                                      "under Activity)"));
        else
            setStatus(q(a->message), a->state != model::Activity::State::Succeeded);
        m_check->setEnabled(!a->running());
    };
    connect(runner, &model::ActionRunner::progressed, this, [show, id](int which) {
        if (which == id)
            show();
    });
    connect(runner, &model::ActionRunner::deployFinished, this,
            [this, show, id](int which, const model::DeployOutcome& o) {
                if (which != id)
                    return;
                show();
                Q_EMIT deployFinished(o);
            });
    show();
}

} // namespace ui
