#include "compareview.h"

#include "help.h"
#include "text.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace ui {

namespace {

QComboBox* sideBox(QWidget* parent, const QString& name, const QString& accessible, const QString& current)
{
    QComboBox* box = choiceBox(parent, name, accessible);
    const std::pair<const char*, QString> sides[] = {{"live", QObject::tr("live")},
                                                     {"staging", QObject::tr("staging")},
                                                     {"a", QObject::tr("slot A")},
                                                     {"b", QObject::tr("slot B")},
                                                     {"sandbox", QObject::tr("sandbox")}};
    for (const auto& [key, text] : sides)
        box->addItem(text, QString::fromLatin1(key));
    box->setCurrentIndex(box->findData(current));
    return box;
}

} // namespace

CompareView::CompareView(const QString& service, Reader reader, QWidget* parent)
    : ToolWindow(parent), m_service(service), m_reader(std::move(reader)), m_model(new model::SlotDiffModel(this)),
      m_from(sideBox(this, QStringLiteral("compareFrom"), tr("Compare from"), QStringLiteral("live"))),
      m_to(sideBox(this, QStringLiteral("compareTo"), tr("Compare with"), QStringLiteral("staging"))),
      m_again(new QPushButton(tr("&Read again"), this)), m_status(plainLabel(this, QStringLiteral("compareStatus"))),
      m_table(new QTableView(this)), m_summary(plainLabel(this, QStringLiteral("compareSummary"))),
      m_compare(plainLabel(this, QStringLiteral("compareCommits")))
{
    setObjectName(QStringLiteral("compareView"));
    setWindowTitle(tr("Compare slots of %1").arg(service));
    auto* layout = new QVBoxLayout(this);
    auto* sides = new QHBoxLayout;
    auto* fromLabel = plainLabel(this, QString(), tr("&From"));
    fromLabel->setBuddy(m_from);
    auto* toLabel = plainLabel(this, QString(), tr("&with"));
    toLabel->setBuddy(m_to);
    sides->addWidget(fromLabel);
    sides->addWidget(m_from);
    sides->addWidget(toLabel);
    sides->addWidget(m_to);
    sides->addWidget(m_again);
    sides->addStretch(1);
    layout->addLayout(sides);
    m_again->setObjectName(QStringLiteral("compareReadAgain"));
    m_again->setToolTip(tip(tr("Read both slots again (F5)")));
    m_again->setShortcut(Qt::Key_F5);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setAccessibleName(tr("Fields that differ"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // The field as long as it is; the two sides share the rest, each value whole in its tooltip.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(model::SlotDiffModel::FieldColumn, QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_compare->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_compare->setAccessibleName(tr("Commits in between"));
    layout->addWidget(m_summary);
    layout->addWidget(m_compare);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QWidget::close);
    layout->addWidget(buttons);
    connect(m_from, &QComboBox::currentIndexChanged, this, &CompareView::read);
    connect(m_to, &QComboBox::currentIndexChanged, this, &CompareView::read);
    connect(m_again, &QPushButton::clicked, this, &CompareView::read);
    setTabOrder(m_from, m_to);
    setTabOrder(m_to, m_again);
    setTabOrder(m_again, m_table);
    resize(900, 440);
}

void CompareView::read()
{
    const int request = ++m_request;
    m_answered = false;
    m_status->setText(tr("Reading what differs…"));
    m_status->show();
    if (!m_reader)
        return;
    m_reader(m_from->currentData().toString().toStdString(), m_to->currentData().toString().toStdString(), this,
             [this, request](model::SlotDiffAnswer answer) {
                 if (request == m_request)
                     showAnswer(answer);
             });
}

void CompareView::showAnswer(const model::SlotDiffAnswer& answer)
{
    m_answered = true;
    if (!answer.diff) {
        m_model->clear();
        m_status->setText(tr("Cannot compare: %1").arg(QString::fromStdString(answer.problem)));
        m_summary->clear();
        m_compare->clear();
        return;
    }
    m_model->setDiff(*answer.diff);
    m_status->clear();
    m_status->hide();
    m_summary->setText(m_model->summary());
    m_compare->setText(m_model->compareUrl().isEmpty() ? QString()
                                                       : tr("Commits in between: %1").arg(m_model->compareUrl()));
}

QString CompareView::statusText() const
{
    return m_status->text();
}

QString CompareView::summaryText() const
{
    return m_summary->text();
}

QString CompareView::compareText() const
{
    return m_compare->text();
}

} // namespace ui
