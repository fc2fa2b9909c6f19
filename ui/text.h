#pragma once

#include <QString>
#include <string>

class QLabel;
class QMessageBox;
class QWidget;

// How the console puts text on screen. Much of it was written by someone less trusted than the
// person reading it (annotations and images CI wrote, an app's answers, a registry's errors, log
// lines), and Qt renders anything that looks like markup unless told otherwise (<img src> even
// reads local files). So: every label is made here, plain unless it holds HTML this program
// built; such HTML interpolates only escaped() values; every tooltip goes through tip().
namespace ui {

// A label that shows its text as the characters they are (Qt::PlainText).
QLabel* plainLabel(QWidget* parent, const QString& objectName = {}, const QString& text = {});
// A label for HTML built here, from our own words and escaped() values only (Qt::RichText; the
// property "builtHtml" marks it for the tests that check every label).
QLabel* richLabel(QWidget* parent, const QString& objectName = {}, const QString& html = {});
// Text to interpolate into HTML built here.
QString escaped(const QString& text);
QString escaped(const std::string& text);
// A tooltip showing `text` as the characters they are; empty for empty text.
QString tip(const QString& text);
QString tip(const std::string& text);
// A message box's text is plain too.
void setPlainText(QMessageBox* box, const QString& text);

} // namespace ui
