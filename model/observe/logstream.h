#pragma once

#include "kube/client.h"
#include "kube/objects.h"
#include "model/rules/servicespec.h"

#include <QObject>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class QTimer;

namespace kube {
class Informer;
}

namespace model {

// One line of a pod's log, or a note of Signalbox's own about the stream ("uro-b-7d9 went away").
struct LogLine {
    std::int64_t timeNs = 0; // nanoseconds since the epoch (UTC); 0 when the line had no timestamp
    std::string time;        // the timestamp as the server sent it
    std::string pod;
    std::string text;
    bool note = false;
};

// Splits "<RFC 3339 timestamp> <text>" (a log line read with timestamps=true).
LogLine parseLogLine(const std::string& raw);
// Nanoseconds since the epoch of an RFC 3339 time ("2026-11-28T05:04:09.5771534Z", offsets too);
// nullopt when it is not one.
std::optional<std::int64_t> parseRfc3339Nanos(const std::string& text);
// "k=v,k2=v2", as a list or watch takes a label selector.
std::string labelSelectorString(const kube::Labels& labels);

// Which pods one log view reads: those of a slot's Deployment (its selector), or one of them.
struct LogSource {
    std::string ns;
    std::string labelSelector; // the Deployment's spec.selector.matchLabels
    std::string pod;           // empty: every pod the selector matches
    std::string description;   // "uro slot A (Deployment uro-a in uro)", for messages
};

struct LogOptions {
    int tailLines = -1;            // per pod; negative: every line
    std::int64_t sinceSeconds = 0; // 0: from the start
    bool previous = false;         // the previous container of pods that restarted (never followed)
    bool follow = false;
};

// The pods behind a slot of `spec`: "sandbox", "a", "b", or "live"/"staging" (read from the
// Service's selector now). Errors are sentences; reason "NotFound" when the slot has no Deployment.
void findSlotPods(kube::Client* client, const ServiceSpec& spec, const std::string& slot,
                  std::function<void(kube::Result<LogSource>)> done);

// The merged log of one pod or of every pod of a slot. First asks the API server whether the user
// may read pods/log there (failed() with reason "Forbidden" before anything is read when not);
// then reads each pod's log (tail, since, previous) and merges them in time order by their
// timestamps; when following, pods that start join the stream, pods that go leave a note, and
// lines are added as they arrive. The buffer keeps the newest maxLines lines. A line longer than
// kube::Client::maxLogLineBytes is kept cut, with a note after it. A followed pod's log that has
// been silent for silenceTimeout() is reopened from its last line, as after a break, so a
// connection that died without a word is replaced.
class LogStream : public QObject {
    Q_OBJECT

public:
    static constexpr std::size_t maxLines = 50000;
    static constexpr std::chrono::milliseconds defaultSilenceTimeout = std::chrono::minutes(3);

    LogStream(kube::Client* client, LogSource source, LogOptions options, QObject* parent = nullptr);
    ~LogStream() override;

    void start();
    // Closes every stream; nothing is emitted after it.
    void stop();

    const std::deque<LogLine>& lines() const { return m_lines; }
    // The pods whose logs are open now, by name.
    std::vector<std::string> pods() const;
    const LogSource& source() const { return m_source; }
    // How long a followed log may say nothing before it is reopened (set before start()).
    void setSilenceTimeout(std::chrono::milliseconds timeout) { m_silenceTimeout = timeout; }
    std::chrono::milliseconds silenceTimeout() const { return m_silenceTimeout; }
    // Followed logs reopened so far because they had been silent for silenceTimeout().
    int silentReopens() const { return m_silentReopens; }
    // Adds lines as if they had been read (the buffer's bound and the signal apply).
    void append(std::vector<LogLine> batch);

Q_SIGNALS:
    // New lines, in the order they were added to lines(); the oldest may have been dropped.
    void linesAdded(const std::vector<model::LogLine>& batch);
    // Every log was read to its end (not following), or there is nothing to read.
    void finished();
    // The logs cannot be read at all (forbidden, the pods cannot be listed, ...); nothing follows.
    void failed(const kube::Error& error);

private:
    struct Pod {
        std::string name;
        kube::Client::Id request = 0;
        std::int64_t lastNs = 0;
        std::string lastTime;
        bool following = false;
        int restarts = 0;
        std::chrono::steady_clock::time_point heard; // the follow opened, or its last lines came
        bool reopenedAfterSilence = false;           // the open follow replaces a silent one
    };

    void begin();
    void podSeen(const kube::Json& object);
    void podGone(const kube::Json& object);
    void readBacklog(const std::string& name);
    void follow(const std::string& name);
    void checkSilence();
    void backlogRead();
    void fail(const kube::Error& error);
    std::vector<LogLine> accept(Pod& pod, const std::vector<kube::TextLine>& raw);
    void note(const std::string& pod, const std::string& text);

    kube::Client* m_client;
    LogSource m_source;
    LogOptions m_options;
    kube::Informer* m_informer = nullptr;
    std::map<std::string, Pod> m_pods;
    std::vector<LogLine> m_backlog;
    int m_backlogLeft = 0;
    bool m_backlogDone = false;
    bool m_stopped = false;
    std::deque<LogLine> m_lines;
    std::chrono::milliseconds m_silenceTimeout = defaultSilenceTimeout;
    QTimer* m_silenceCheck = nullptr;
    int m_silentReopens = 0;
};

} // namespace model
