#include "watchbanner.h"

#include "style.h"
#include "text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QWidget>

namespace ui {

WatchBanner makeWatchBanner(QWidget* parent, const QString& name)
{
    WatchBanner b;
    b.banner = new QWidget(parent);
    b.banner->setObjectName(name);
    b.banner->setAttribute(Qt::WA_StyledBackground);
    b.banner->setStyleSheet(QStringLiteral("#%1 { background: %2; border-radius: 4px; } "
                                           "#%1 QLabel { color: white; font-weight: bold; }")
                                .arg(name, style::fillOf(style::Tone::Attention)));
    auto* layout = new QHBoxLayout(b.banner);
    b.text = plainLabel(b.banner, name + QStringLiteral("Text"));
    b.text->setWordWrap(true);
    b.text->setAccessibleName(QObject::tr("Watch after the swap"));
    b.rollback = new QPushButton(QObject::tr("Roll back"), b.banner);
    b.rollback->setObjectName(name + QStringLiteral("Rollback"));
    b.rollback->setAccessibleName(QObject::tr("Roll back"));
    layout->addWidget(b.text, 1);
    layout->addWidget(b.rollback);
    b.banner->hide();
    return b;
}

} // namespace ui
