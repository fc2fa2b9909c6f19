#pragma once

#include <QString>
#include <QTextDocument>
#include <QTextDocumentFragment>

namespace guisupport {

// What a tooltip shows: its text, rendered as a view renders it (tooltips are escaped rich text).
inline QString shownTip(const QString& tip)
{
    return Qt::mightBeRichText(tip) ? QTextDocumentFragment::fromHtml(tip).toPlainText() : tip;
}

} // namespace guisupport
