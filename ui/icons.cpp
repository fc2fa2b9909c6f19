#include "icons.h"

#include <QPainter>
#include <QPixmapCache>
#include <QSvgRenderer>

namespace ui::style {

namespace {
int renders = 0;
} // namespace

QPixmap iconPixmap(const QString& path, int size, qreal devicePixelRatio)
{
    const QString key = QStringLiteral("signalbox-icon:%1:%2:%3").arg(path).arg(size).arg(devicePixelRatio, 0, 'g', 4);
    QPixmap pm;
    if (QPixmapCache::find(key, &pm))
        return pm;
    const int pixels = qRound(size * devicePixelRatio);
    pm = QPixmap(pixels, pixels);
    pm.fill(Qt::transparent);
    {
        QPainter painter(&pm);
        painter.setRenderHint(QPainter::Antialiasing);
        QSvgRenderer(path).render(&painter, QRectF(0, 0, pixels, pixels));
    }
    pm.setDevicePixelRatio(devicePixelRatio);
    ++renders;
    QPixmapCache::insert(key, pm);
    return pm;
}

int iconRenders()
{
    return renders;
}

} // namespace ui::style
