#include "text.h"

#include "model/rules/displaytext.h"

#include <QLabel>
#include <QMessageBox>

namespace ui {

QLabel* plainLabel(QWidget* parent, const QString& objectName, const QString& text)
{
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    if (!objectName.isEmpty())
        label->setObjectName(objectName);
    label->setText(text);
    return label;
}

QLabel* richLabel(QWidget* parent, const QString& objectName, const QString& html)
{
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::RichText);
    label->setProperty("builtHtml", true);
    if (!objectName.isEmpty())
        label->setObjectName(objectName);
    label->setText(html);
    return label;
}

QString escaped(const QString& text)
{
    return text.toHtmlEscaped();
}

QString escaped(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

QString tip(const QString& text)
{
    return model::plainTooltip(text);
}

QString tip(const std::string& text)
{
    return model::plainTooltip(QString::fromStdString(text));
}

void setPlainText(QMessageBox* box, const QString& text)
{
    box->setTextFormat(Qt::PlainText);
    box->setText(text);
}

} // namespace ui
