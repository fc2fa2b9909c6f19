#pragma once

#include "model/observe/logstream.h"

#include <QColor>
#include <QPointer>
#include <QWidget>
#include <deque>
#include <functional>
#include <map>

class QCheckBox;
class QHBoxLayout;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace ui {

// The merged log of a slot's pods (or of one pod): each line marked with its pod in the pod's
// colour. Lines arrive in batches and are drawn at most every 100 ms, appended at the end of a
// bounded document, so following a busy slot costs the same per line however long it runs.
// Paused, lines keep arriving into the buffer and the view stays still; resumed, they show.
class LogView : public QWidget {
    Q_OBJECT

public:
    // Makes a stream (not started) for the options chosen, owned by `parent`; nullptr when the
    // slot is not there (any more).
    using StreamFactory = std::function<model::LogStream*(const model::LogOptions&, QObject* parent)>;

    LogView(QString title, StreamFactory factory, QWidget* parent = nullptr);
    ~LogView() override;

    // The options that open the next stream; start() opens it (and restart() after a change).
    void setOptions(const model::LogOptions& options);
    model::LogOptions options() const;
    void start();

    // Test hooks: the text shown (one line per log line), the status sentence, the controls.
    QString shownText() const;
    int shownLineCount() const;
    QString statusText() const;
    model::LogStream* stream() const { return m_stream; }
    bool paused() const { return m_paused; }
    void setPaused(bool paused);
    void setFilter(const QString& text);
    QLineEdit* filterEdit() const { return m_filter; }
    QPushButton* pauseButton() const { return m_pause; }
    QCheckBox* timestampsBox() const { return m_timestamps; }
    // Saves what is shown to `path`; false (and the status says why) when it cannot be written.
    bool saveTo(const QString& path);
    // The next Save… writes here instead of asking (GUI tests).
    static void setNextSavePath(const QString& path);
    void copyShown() const;

Q_SIGNALS:
    // Lines were drawn (after a flush), for tests and the benchmark.
    void linesShown(int count);

private:
    // The stream's lines that the filter lets through, less those held back while paused.
    std::vector<const model::LogLine*> drawableLines() const;
    QHBoxLayout* buildBar();
    void restart();
    void received(const std::vector<model::LogLine>& batch);
    void flush();
    void redraw();
    void appendLines(const std::vector<const model::LogLine*>& lines);
    bool matches(const model::LogLine& line) const;
    QColor colourOf(const std::string& pod);
    void updateStatus();
    void updatePauseButton();
    void save();

    QString m_title;
    StreamFactory m_factory;
    QPointer<model::LogStream> m_stream;
    model::LogOptions m_opened; // what the stream was opened with
    QCheckBox* m_follow;
    QSpinBox* m_tail;
    QComboBox* m_since;
    QCheckBox* m_previous;
    QCheckBox* m_timestamps;
    QLineEdit* m_filter;
    QPushButton* m_pause;
    QPushButton* m_copy;
    QPushButton* m_save;
    QPlainTextEdit* m_text;
    QLabel* m_status;
    QTimer* m_flush;
    std::deque<model::LogLine> m_pending; // arrived, not drawn yet (while paused, or until the next flush)
    std::map<std::string, QColor> m_colours;
    QString m_failure;
    bool m_paused = false;
    bool m_finished = false;
    int m_shown = 0;
};

} // namespace ui
