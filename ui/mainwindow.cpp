#include "mainwindow.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Signalbox"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_connection = new QLabel(central);
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_connection->setAccessibleName(QStringLiteral("Connection"));
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connection->setWordWrap(true);
    m_problem = new QLabel(central);
    m_problem->setObjectName(QStringLiteral("problemLabel"));
    m_problem->setAccessibleName(QStringLiteral("Problem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_connection);
    layout->addWidget(m_problem);
    layout->addStretch(1);
    setCentralWidget(central);
    resize(900, 560);
}

void MainWindow::setConnection(const model::ConnectionInfo& info)
{
    if (!info.usable) {
        m_connection->setText(tr("Not connected."));
        m_problem->setText(info.problem);
        m_problem->setVisible(true);
        return;
    }
    m_connection->setText(tr("Context <b>%1</b> — server %2 — user %3 (%4) — namespace %5<br>Kubeconfig: %6")
                              .arg(info.context.toHtmlEscaped(), info.server.toHtmlEscaped(),
                                   info.user.toHtmlEscaped(), info.authMethod.toHtmlEscaped(),
                                   info.namespaceName.toHtmlEscaped(),
                                   info.files.join(QStringLiteral(", ")).toHtmlEscaped()));
    m_problem->setText(info.warning);
    m_problem->setVisible(!info.warning.isEmpty());
}

} // namespace ui
