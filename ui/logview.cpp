#include "logview.h"

#include "help.h"
#include "model/rules/displaytext.h"
#include "screenfit.h"
#include "text.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QTextBlock>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace ui {

namespace {

QString s_nextSavePath;

QString count(int n, const QString& one, const QString& many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

// Distinct hues that read on light and dark backgrounds, none of them red or green: a pod's colour
// must not read as an error or as success.
const char* const podPalette[] = {"#1f77b4", "#9467bd", "#e07b00", "#17a2b8",
                                  "#d15bb5", "#8c6d4b", "#7f7f7f", "#6b6ecf"};

struct Since {
    const char* label;
    std::int64_t seconds;
};
const Since sinceChoices[] = {{"all", 0},    {"1 min", 60},     {"10 min", 600},
                              {"1 h", 3600}, {"6 h", 6 * 3600}, {"24 h", 24 * 3600}};

} // namespace

LogView::LogView(QString title, StreamFactory factory, QWidget* parent)
    : QWidget(parent), m_title(std::move(title)), m_factory(std::move(factory))
{
    setObjectName(QStringLiteral("logView"));
    setWindowTitle(tr("Logs · %1").arg(m_title));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buildBar());
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("logText"));
    m_text->setAccessibleName(tr("Log lines"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setMaximumBlockCount(static_cast<int>(model::LogStream::maxLines));
    m_text->setUndoRedoEnabled(false);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_text, 1);
    m_text->setTabChangesFocus(true); // read-only: Tab moves on rather than staying in the text
    m_text->setFocus();               // the keys (arrows, Page Up, Ctrl+Space) work as soon as the window opens
    m_status = plainLabel(this, QStringLiteral("logStatus"));
    m_status->setAccessibleName(tr("Log status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_flush = new QTimer(this);
    m_flush->setSingleShot(true);
    m_flush->setInterval(100);
    connect(m_flush, &QTimer::timeout, this, &LogView::flush);

    // Another tail, since, previous or follow needs another stream; the same ones do not.
    auto restartSoon = [this] {
        const model::LogOptions o = options();
        if (m_stream && (o.follow != m_opened.follow || o.tailLines != m_opened.tailLines ||
                         o.sinceSeconds != m_opened.sinceSeconds || o.previous != m_opened.previous))
            restart();
    };
    connect(m_follow, &QCheckBox::toggled, this, restartSoon);
    connect(m_tail, &QSpinBox::editingFinished, this, restartSoon);
    connect(m_since, &QComboBox::currentIndexChanged, this, restartSoon);
    connect(m_previous, &QCheckBox::toggled, this, restartSoon);
    connect(m_timestamps, &QCheckBox::toggled, this, &LogView::redraw);
    connect(m_filter, &QLineEdit::textChanged, this, &LogView::redraw);
    connect(m_pause, &QPushButton::toggled, this, &LogView::setPaused);
    connect(m_copy, &QPushButton::clicked, this, &LogView::copyShown);
    connect(m_save, &QPushButton::clicked, this, &LogView::save);
    // Keys of the whole window, wherever the focus is in it: a shortcut of its own (not the
    // button's mnemonic-like one) so no child's key handling comes first.
    auto* pause = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space), this);
    pause->setObjectName(QStringLiteral("pauseShortcut"));
    connect(pause, &QShortcut::activated, this, [this] { setPaused(!m_paused); });
    for (const QKeySequence& key : {QKeySequence(Qt::Key_Escape), QKeySequence(keys::closeWindow)})
        connect(new QShortcut(key, this), &QShortcut::activated, this, &QWidget::close);
    resize(1000, 600);
    fitToScreen(this);
}

// The options of the stream (follow, tail, since, previous), how lines are shown (timestamps,
// filter) and what can be done with them (pause, copy, save).
QHBoxLayout* LogView::buildBar()
{
    auto* bar = new QHBoxLayout;
    m_follow = new QCheckBox(tr("F&ollow"), this);
    m_follow->setObjectName(QStringLiteral("follow"));
    m_follow->setChecked(true);
    m_tail = new QSpinBox(this);
    m_tail->setObjectName(QStringLiteral("tail"));
    m_tail->setRange(0, static_cast<int>(model::LogStream::maxLines));
    m_tail->setSpecialValueText(tr("all"));
    m_tail->setPrefix(tr("tail "));
    m_tail->setValue(500);
    m_tail->setAccessibleName(tr("Lines of each pod's past"));
    m_tail->setToolTip(tip(tr("How many lines of each pod's past to read (all: every line)")));
    m_since = new QComboBox(this);
    m_since->setObjectName(QStringLiteral("since"));
    m_since->setAccessibleName(tr("Read since"));
    for (const Since& s : sinceChoices)
        m_since->addItem(tr("since %1").arg(tr(s.label)), QVariant::fromValue<qint64>(s.seconds));
    m_previous = new QCheckBox(tr("Pre&vious container"), this);
    m_previous->setObjectName(QStringLiteral("previous"));
    m_previous->setToolTip(tip(tr("The log of each pod's container before its last restart (not followed)")));
    m_timestamps = new QCheckBox(tr("T&imestamps"), this);
    m_timestamps->setObjectName(QStringLiteral("timestamps"));
    m_timestamps->setToolTip(
        tip(tr("Each line's time, in local time (%1)")
                .arg(QTimeZone::systemTimeZone().displayName(QDateTime::currentDateTime(), QTimeZone::OffsetName))));
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter (text)"));
    m_filter->setAccessibleName(tr("Filter lines"));
    m_filter->setClearButtonEnabled(true);
    m_pause = new QPushButton(tr("&Pause"), this);
    m_pause->setObjectName(QStringLiteral("pause"));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tip(tr("Hold the view still; lines keep arriving and show on resume (Ctrl+Space)")));
    m_copy = new QPushButton(tr("&Copy"), this);
    m_copy->setObjectName(QStringLiteral("copy"));
    m_copy->setToolTip(tip(tr("Copy the selection, or every shown line when nothing is selected")));
    m_save = new QPushButton(tr("&Save…"), this);
    m_save->setObjectName(QStringLiteral("save"));
    updatePauseButton();
    m_copy->setIcon(standardIcon(QStringLiteral("edit-copy"), QStyle::SP_FileDialogContentsView));
    m_save->setIcon(standardIcon(QStringLiteral("document-save"), QStyle::SP_DialogSaveButton));
    for (QWidget* w : std::initializer_list<QWidget*>{m_follow, m_tail, m_since, m_previous, m_timestamps})
        bar->addWidget(w);
    bar->addWidget(m_filter, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{m_pause, m_copy, m_save})
        bar->addWidget(w);
    return bar;
}

LogView::~LogView()
{
    if (m_stream)
        m_stream->stop();
}

void LogView::setOptions(const model::LogOptions& options)
{
    const QSignalBlocker b1(m_follow), b2(m_tail), b3(m_since), b4(m_previous);
    m_follow->setChecked(options.follow);
    m_tail->setValue(options.tailLines < 0 ? 0 : options.tailLines);
    m_previous->setChecked(options.previous);
    int index = 0;
    for (int i = 0; i < m_since->count(); ++i)
        if (m_since->itemData(i).toLongLong() == options.sinceSeconds)
            index = i;
    m_since->setCurrentIndex(index);
}

model::LogOptions LogView::options() const
{
    model::LogOptions o;
    o.follow = m_follow->isChecked();
    o.tailLines = m_tail->value() == 0 ? -1 : m_tail->value();
    o.sinceSeconds = m_since->currentData().toLongLong();
    o.previous = m_previous->isChecked();
    return o;
}

void LogView::start()
{
    restart();
}

void LogView::restart()
{
    if (m_stream) {
        m_stream->stop();
        m_stream->deleteLater();
    }
    m_pending.clear();
    m_text->clear();
    m_shown = 0;
    m_failure.clear();
    m_finished = false;
    m_opened = options();
    m_stream = m_factory ? m_factory(m_opened, this) : nullptr;
    if (!m_stream) {
        m_failure = tr("The slot is not shown any more; close this window and open the logs from its tile again.");
        updateStatus();
        return;
    }
    connect(m_stream, &model::LogStream::linesAdded, this, &LogView::received);
    connect(m_stream, &model::LogStream::finished, this, [this] {
        m_finished = true;
        flush(); // the last lines, before the status says they are all there
        updateStatus();
    });
    connect(m_stream, &model::LogStream::failed, this, [this](const kube::Error& e) {
        m_failure = QString::fromStdString(e.message);
        updateStatus();
    });
    updateStatus();
    m_stream->start();
}

void LogView::received(const std::vector<model::LogLine>& batch)
{
    m_pending.insert(m_pending.end(), batch.begin(), batch.end());
    // The stream keeps the newest lines; so does the queue of lines not drawn yet.
    while (m_pending.size() > model::LogStream::maxLines)
        m_pending.pop_front();
    if (!m_paused && !m_flush->isActive())
        m_flush->start();
}

void LogView::flush()
{
    if (m_paused || m_pending.empty())
        return;
    std::vector<const model::LogLine*> lines;
    lines.reserve(m_pending.size());
    for (const auto& l : m_pending)
        if (matches(l))
            lines.push_back(&l);
    appendLines(lines);
    m_pending.clear();
    updateStatus();
    Q_EMIT linesShown(static_cast<int>(lines.size()));
}

bool LogView::matches(const model::LogLine& line) const
{
    const QString filter = m_filter->text();
    if (filter.isEmpty())
        return true;
    return QString::fromStdString(line.text).contains(filter, Qt::CaseInsensitive) ||
           QString::fromStdString(line.pod).contains(filter, Qt::CaseInsensitive);
}

QColor LogView::colourOf(const std::string& pod)
{
    auto it = m_colours.find(pod);
    if (it != m_colours.end())
        return it->second;
    const QColor c(QString::fromLatin1(podPalette[m_colours.size() % std::size(podPalette)]));
    m_colours.emplace(pod, c);
    return c;
}

void LogView::appendLines(const std::vector<const model::LogLine*>& lines)
{
    if (lines.empty())
        return;
    QScrollBar* bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    const bool stamps = m_timestamps->isChecked();
    const QDateTime now = QDateTime::currentDateTime();
    const QTimeZone zone = QTimeZone::systemTimeZone();
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    QTextCharFormat plain;
    QTextCharFormat note;
    note.setFontItalic(true);
    note.setForeground(QColor(QStringLiteral("#6c757d")));
    // Only the newest lines can stay; drawing older ones would be thrown away at once.
    const std::size_t first =
        lines.size() > model::LogStream::maxLines ? lines.size() - model::LogStream::maxLines : std::size_t(0);
    for (std::size_t i = first; i < lines.size(); ++i) {
        const model::LogLine& l = *lines[i];
        if (m_shown > 0 || i > first)
            cursor.insertBlock();
        if (stamps && !l.time.empty()) {
            // Local time as in every view, to the millisecond; the kubelet's text when it is not a time.
            const QDateTime at = model::parseTime(QString::fromStdString(l.time));
            cursor.insertText((at.isValid() ? model::shortTime(at, now, zone, model::TimePrecision::Milliseconds)
                                            : QString::fromStdString(l.time)) +
                                  QLatin1Char(' '),
                              plain);
        }
        QTextCharFormat pod;
        pod.setForeground(colourOf(l.pod));
        pod.setFontWeight(QFont::DemiBold);
        cursor.insertText(QString::fromStdString(l.pod), pod);
        cursor.insertText(QStringLiteral(" | "), plain);
        cursor.insertText(QString::fromStdString(l.text), l.note ? note : plain);
    }
    cursor.endEditBlock();
    m_shown =
        std::min<int>(m_shown + static_cast<int>(lines.size() - first), static_cast<int>(model::LogStream::maxLines));
    if (m_follow->isChecked() && atEnd)
        bar->setValue(bar->maximum());
}

void LogView::redraw()
{
    m_text->clear();
    m_shown = 0;
    if (!m_stream)
        return;
    // What is waiting to be drawn is already in the stream's buffer: draw the buffer once.
    const std::vector<const model::LogLine*> lines = drawableLines();
    if (!m_paused)
        m_pending.clear();
    appendLines(lines);
    updateStatus();
}

std::vector<const model::LogLine*> LogView::drawableLines() const
{
    std::vector<const model::LogLine*> lines;
    if (!m_stream)
        return lines;
    const auto& all = m_stream->lines();
    const std::size_t drawable = all.size() - std::min(all.size(), m_paused ? m_pending.size() : std::size_t(0));
    for (std::size_t i = 0; i < drawable; ++i)
        if (matches(all[i]))
            lines.push_back(&all[i]);
    return lines;
}

void LogView::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(paused);
    }
    updatePauseButton();
    if (!paused)
        flush();
    updateStatus();
}

void LogView::updatePauseButton()
{
    // The button says what it does next.
    m_pause->setText(m_paused ? tr("&Resume") : tr("&Pause"));
    m_pause->setIcon(m_paused ? standardIcon(QStringLiteral("media-playback-start"), QStyle::SP_MediaPlay)
                              : standardIcon(QStringLiteral("media-playback-pause"), QStyle::SP_MediaPause));
}

void LogView::setFilter(const QString& text)
{
    m_filter->setText(text);
}

void LogView::updateStatus()
{
    if (!m_failure.isEmpty()) {
        m_status->setText(m_failure);
        return;
    }
    QString text = tr("%1 shown").arg(count(m_shown, tr("line"), tr("lines")));
    if (m_stream)
        text += QStringLiteral(" · ") + count(static_cast<int>(m_stream->pods().size()), tr("pod"), tr("pods"));
    if (m_paused)
        text +=
            tr(" · paused, %1 waiting").arg(count(static_cast<int>(m_pending.size()), tr("new line"), tr("new lines")));
    else if (m_finished)
        text += tr(" · read to the end");
    else if (m_follow->isChecked())
        text += tr(" · following");
    m_status->setText(text);
}

QString LogView::shownText() const
{
    return m_text->toPlainText();
}

int LogView::shownLineCount() const
{
    return m_shown;
}

QString LogView::statusText() const
{
    return m_status->text();
}

void LogView::copyShown() const
{
    QString selected = m_text->textCursor().selectedText();
    QApplication::clipboard()->setText(selected.isEmpty() ? m_text->toPlainText()
                                                          : selected.replace(QChar::ParagraphSeparator, u'\n'));
}

void LogView::setNextSavePath(const QString& path)
{
    s_nextSavePath = path;
}

bool LogView::saveTo(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        m_status->setText(tr("Cannot write %1 (%2); choose another file.").arg(path, file.errorString()));
        return false;
    }
    // The lines shown, but with the kubelet's own times (RFC 3339: the date and the zone) rather than
    // the view's short local ones: a saved log is read later, elsewhere.
    const bool stamps = m_timestamps->isChecked();
    std::vector<const model::LogLine*> lines = drawableLines();
    if (lines.size() > model::LogStream::maxLines)
        lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(model::LogStream::maxLines));
    for (const model::LogLine* l : lines) {
        std::string line = stamps && !l->time.empty() ? l->time + ' ' : std::string();
        line += l->pod + " | " + l->text + '\n';
        file.write(line.data(), static_cast<qint64>(line.size()));
    }
    if (!file.flush()) {
        m_status->setText(tr("Cannot write %1 (%2); choose another file.").arg(path, file.errorString()));
        return false;
    }
    m_status->setText(tr("Saved %1 to %2.").arg(count(m_shown, tr("line"), tr("lines")), path));
    return true;
}

void LogView::save()
{
    if (!s_nextSavePath.isEmpty()) {
        const QString path = std::exchange(s_nextSavePath, QString());
        saveTo(path);
        return;
    }
    // Not a nested event loop: the dialog answers through its signal.
    auto* dialog = new QFileDialog(this, tr("Save the log"), QString(), tr("Log files (*.log *.txt);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("log"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { saveTo(path); });
    dialog->open();
}

} // namespace ui
