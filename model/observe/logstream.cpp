#include "model/observe/logstream.h"

#include "kube/informer.h"
#include "kube/objects.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <chrono>

namespace model {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(const std::string& s, std::size_t at, std::size_t n, int& out)
{
    if (at + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
}

bool started(const kube::Pod& pod)
{
    return !pod.phase.empty() && pod.phase != "Pending";
}

} // namespace

std::optional<std::int64_t> parseRfc3339Nanos(const std::string& t)
{
    int year, month, day, hour, minute, second;
    if (!digits(t, 0, 4, year) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' ||
        !digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't') || !digits(t, 11, 2, hour) || t[13] != ':' ||
        !digits(t, 14, 2, minute) || t[16] != ':' || !digits(t, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t fraction = 0;
    if (i < t.size() && t[i] == '.') {
        ++i;
        int n = 0;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
            if (n < 9) {
                fraction = fraction * 10 + (t[i] - '0');
                ++n;
            }
            ++i;
        }
        if (n == 0)
            return std::nullopt;
        for (; n < 9; ++n)
            fraction *= 10;
    }
    std::int64_t offsetSeconds = 0;
    if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
        ++i;
    } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
        int oh, om;
        if (!digits(t, i + 1, 2, oh) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(t, i + 4, 2, om))
            return std::nullopt;
        offsetSeconds = (oh * 3600 + om * 60) * (t[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != t.size())
        return std::nullopt;
    const std::int64_t seconds = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                                 hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * 1000000000 + fraction;
}

LogLine parseLogLine(const std::string& raw)
{
    LogLine line;
    const std::size_t space = raw.find(' ');
    if (space != std::string::npos) {
        const std::string head = raw.substr(0, space);
        if (auto ns = parseRfc3339Nanos(head)) {
            line.timeNs = *ns;
            line.time = head;
            line.text = raw.substr(space + 1);
            return line;
        }
    }
    line.text = raw;
    return line;
}

std::string labelSelectorString(const kube::Labels& labels)
{
    std::string s;
    for (const auto& [k, v] : labels)
        s += (s.empty() ? "" : ",") + k + "=" + v;
    return s;
}

void findSlotPods(kube::Client* client, const ServiceSpec& spec, const std::string& slot,
                  std::function<void(kube::Result<LogSource>)> done)
{
    auto fromDeployment = [client, spec, done](const std::string& ns, const std::string& name,
                                               const std::string& what) {
        client->getDeployment(ns, name, [=](kube::Result<kube::Deployment> d) {
            if (!d) {
                done(d.error());
                return;
            }
            if (d->selector.empty()) {
                done(kube::Error::config("The Deployment " + name + " in namespace " + ns +
                                         " selects its pods by expressions only, which Signalbox does not read; give "
                                         "it matchLabels."));
                return;
            }
            done(LogSource{ns,
                           labelSelectorString(d->selector),
                           {},
                           spec.name + " " + what + " (Deployment " + name + " in " + ns + ")"});
        });
    };
    if (slot == "sandbox") {
        fromDeployment(spec.sandboxNamespace, spec.sandboxDeployment, "sandbox");
    } else if (const std::optional<Slot> named = parseSlot(slot)) {
        fromDeployment(spec.ns, spec.slotDeployment(*named), displayName(*named));
    } else if (slot == "live" || slot == "staging") {
        const std::string service = slot == "live" ? spec.liveService : spec.stagingService;
        client->getService(spec.ns, service, [=](kube::Result<kube::Service> s) {
            if (!s) {
                done(s.error());
                return;
            }
            const auto it = s->selector.find(spec.slotLabel);
            const std::string to = it == s->selector.end() ? std::string() : it->second;
            const std::optional<Slot> selected = parseSlot(to);
            if (!selected) {
                done(kube::Error::config("The " + slot + " Service " + service + " in namespace " + spec.ns +
                                         " selects no slot (its selector has no " + spec.slotLabel +
                                         ": a or b); repair it before reading its logs."));
                return;
            }
            fromDeployment(spec.ns, spec.slotDeployment(*selected), slot + " (" + displayName(*selected) + ")");
        });
    } else {
        done(kube::Error::config("There is no slot \"" + slot + "\"; use sandbox, a, b, live or staging."));
    }
}

LogStream::LogStream(kube::Client* client, LogSource source, LogOptions options, QObject* parent)
    : QObject(parent), m_client(client), m_source(std::move(source)), m_options(options)
{
    if (m_options.previous)
        m_options.follow = false; // a container that ended has no more lines to follow
}

LogStream::~LogStream()
{
    stop();
}

void LogStream::start()
{
    kube::AccessCheck check{"get", kube::resources::pods, m_source.ns, m_source.pod, "log"};
    QPointer<LogStream> self(this);
    m_client->checkAccess(check, [self](kube::Result<kube::AccessDecision> r) {
        if (!self || self->m_stopped)
            return;
        if (!r) {
            self->fail(r.error());
            return;
        }
        if (!r->allowed) {
            kube::Error e;
            e.kind = kube::Error::Kind::Api;
            e.httpStatus = 403;
            e.setReason(kube::Error::Reason::Forbidden);
            e.message = "User \"" + self->m_client->config().user.name + "\" may not read pod logs (get on pods/log) " +
                        "in namespace \"" + self->m_source.ns +
                        "\". Ask a cluster administrator for that permission, or use a kubeconfig user that has it.";
            self->fail(e);
            return;
        }
        self->begin();
    });
}

void LogStream::begin()
{
    m_informer = new kube::Informer(m_client, {kube::resources::pods, m_source.ns, m_source.labelSelector}, this);
    connect(m_informer, &kube::Informer::added, this, &LogStream::podSeen);
    connect(m_informer, &kube::Informer::modified, this, &LogStream::podSeen);
    connect(m_informer, &kube::Informer::removed, this, &LogStream::podGone);
    connect(m_informer, &kube::Informer::stateChanged, this, [this](kube::Informer::State state) {
        if (state == kube::Informer::State::Disconnected && !m_informer->hasSynced())
            fail(m_informer->lastError());
    });
    connect(m_informer, &kube::Informer::synced, this, [this] {
        if (m_backlogDone || m_backlogLeft > 0 || m_stopped)
            return; // a relist, not the first list
        std::vector<std::string> names;
        for (const auto& [name, pod] : m_pods)
            if (!m_options.previous || pod.restarts > 0)
                names.push_back(name);
        if (m_options.previous && names.empty() && !m_pods.empty()) {
            fail(kube::Error::config(
                (m_source.pod.empty() ? "No pod of " + m_source.description : "The pod " + m_source.pod) +
                " has restarted, so there is no previous container log; leave out --previous."));
            return;
        }
        if (names.empty() && !m_source.pod.empty()) {
            kube::Error e;
            e.kind = kube::Error::Kind::Api;
            e.httpStatus = 404;
            e.setReason(kube::Error::Reason::NotFound);
            e.message = "There is no running pod \"" + m_source.pod + "\" in " + m_source.description +
                        ". Check the name; it may have been replaced.";
            fail(e);
            return;
        }
        m_backlogLeft = static_cast<int>(names.size());
        for (const auto& name : names)
            readBacklog(name);
        if (names.empty())
            backlogRead();
    });
    m_informer->start();
}

void LogStream::stop()
{
    m_stopped = true;
    if (m_silenceCheck)
        m_silenceCheck->stop();
    for (auto& [name, pod] : m_pods)
        if (pod.request) {
            m_client->cancel(pod.request);
            pod.request = 0;
        }
    // Stopping can happen inside one of the informer's own signals (a failure seen on its first
    // list), so it is deleted once that signal has returned, and tells this stream nothing more.
    if (m_informer) {
        m_informer->disconnect(this);
        m_informer->deleteLater();
        m_informer = nullptr;
    }
}

std::vector<std::string> LogStream::pods() const
{
    std::vector<std::string> names;
    for (const auto& [name, pod] : m_pods)
        if (pod.request)
            names.push_back(name);
    return names;
}

void LogStream::fail(const kube::Error& error)
{
    if (m_stopped)
        return;
    stop();
    Q_EMIT failed(error);
}

void LogStream::podSeen(const kube::Json& object)
{
    auto pod = kube::parsePod(object);
    if (!pod || m_stopped || (!m_source.pod.empty() && pod->meta.name != m_source.pod) || !started(*pod) ||
        !pod->meta.deletionTimestamp.empty())
        return;
    const bool known = m_pods.count(pod->meta.name) > 0;
    Pod& p = m_pods[pod->meta.name];
    p.name = pod->meta.name;
    p.restarts = pod->restarts();
    // A pod that starts after the first list joins a followed stream with its whole log.
    if (!known && m_informer->hasSynced() && m_options.follow && m_backlogDone)
        follow(p.name);
    else if (!known && m_informer->hasSynced() && m_options.follow && m_backlogLeft > 0) {
        ++m_backlogLeft;
        readBacklog(p.name);
    }
}

void LogStream::podGone(const kube::Json& object)
{
    auto pod = kube::parsePod(object);
    if (!pod || m_stopped)
        return;
    auto it = m_pods.find(pod->meta.name);
    if (it == m_pods.end())
        return;
    const bool inBacklog = it->second.request && !it->second.following;
    if (it->second.request)
        m_client->cancel(it->second.request);
    m_pods.erase(it);
    if (m_informer->hasSynced() && (m_options.follow || !m_backlogDone))
        note(pod->meta.name, pod->meta.name + " went away");
    if (inBacklog && --m_backlogLeft == 0)
        backlogRead();
}

std::vector<LogLine> LogStream::accept(Pod& pod, const std::vector<kube::TextLine>& raw)
{
    std::vector<LogLine> out;
    out.reserve(raw.size());
    for (const auto& r : raw) {
        LogLine line = parseLogLine(r.text);
        // A resumed follow starts at the last line's second again: drop what was already read.
        if (pod.following && line.timeNs && line.timeNs <= pod.lastNs)
            continue;
        if (line.timeNs) {
            pod.lastNs = line.timeNs;
            pod.lastTime = line.time;
        }
        line.pod = pod.name;
        out.push_back(std::move(line));
        if (r.cut) {
            // Right after the line, with its time, so the merge keeps the two together.
            const LogLine& cut = out.back();
            out.push_back(LogLine{cut.timeNs, cut.time, pod.name,
                                  "A line of " + pod.name + "'s log was longer than " +
                                      kube::sizeText(kube::Client::maxLogLineBytes) + "; only its first " +
                                      kube::sizeText(kube::Client::maxLogLineBytes) + " are shown.",
                                  true});
        }
    }
    return out;
}

void LogStream::readBacklog(const std::string& name)
{
    kube::LogOptions o;
    o.tailLines = m_options.tailLines;
    o.sinceSeconds = m_options.sinceSeconds;
    o.previous = m_options.previous;
    o.timestamps = true;
    QPointer<LogStream> self(this);
    m_pods[name].request = m_client->streamLogs(
        m_source.ns, name, o,
        [self, name](std::vector<kube::TextLine> raw) {
            if (!self || self->m_stopped)
                return;
            auto it = self->m_pods.find(name);
            if (it == self->m_pods.end())
                return;
            auto lines = self->accept(it->second, raw);
            self->m_backlog.insert(self->m_backlog.end(), std::make_move_iterator(lines.begin()),
                                   std::make_move_iterator(lines.end()));
        },
        [self, name](kube::Result<kube::Unit> end) {
            if (!self || self->m_stopped)
                return;
            auto it = self->m_pods.find(name);
            if (it != self->m_pods.end())
                it->second.request = 0;
            if (!end) {
                if (end.error().apiReason == kube::Error::Reason::Forbidden) {
                    self->fail(end.error());
                    return;
                }
                self->note(name, end.error().message);
            }
            if (--self->m_backlogLeft == 0)
                self->backlogRead();
        });
}

void LogStream::backlogRead()
{
    m_backlogDone = true;
    std::stable_sort(m_backlog.begin(), m_backlog.end(),
                     [](const LogLine& a, const LogLine& b) { return a.timeNs < b.timeNs; });
    std::vector<LogLine> batch;
    batch.swap(m_backlog);
    append(std::move(batch));
    if (m_stopped)
        return;
    if (!m_options.follow) {
        Q_EMIT finished();
        return;
    }
    for (auto& [name, pod] : m_pods)
        if (!pod.request)
            follow(name);
}

void LogStream::follow(const std::string& name)
{
    Pod& pod = m_pods[name];
    const auto now = std::chrono::steady_clock::now();
    kube::LogOptions o;
    o.follow = true;
    o.timestamps = true;
    if (!pod.lastTime.empty()) {
        o.sinceTime = pod.lastTime;
    } else if (pod.following) {
        // Reopened before any line came: what the node stamped since the last opening, by the
        // node's clock (a second more, so nothing at the edge is lost; nothing was read to repeat).
        o.sinceSeconds = std::chrono::duration_cast<std::chrono::seconds>(now - pod.heard).count() + 1;
    } else {
        o.sinceSeconds = m_options.sinceSeconds;
    }
    pod.following = true;
    pod.heard = now;
    if (!m_silenceCheck) {
        m_silenceCheck = new QTimer(this);
        connect(m_silenceCheck, &QTimer::timeout, this, &LogStream::checkSilence);
    }
    if (!m_silenceCheck->isActive() && m_silenceTimeout.count() > 0)
        m_silenceCheck->start(
            std::max<std::chrono::milliseconds>(m_silenceTimeout / 4, std::chrono::milliseconds(100)));
    QPointer<LogStream> self(this);
    pod.request = m_client->streamLogs(
        m_source.ns, name, o,
        [self, name](std::vector<kube::TextLine> raw) {
            if (!self || self->m_stopped)
                return;
            auto it = self->m_pods.find(name);
            if (it == self->m_pods.end())
                return;
            it->second.heard = std::chrono::steady_clock::now();
            it->second.reopenedAfterSilence = false;
            self->append(self->accept(it->second, raw));
        },
        [self, name](kube::Result<kube::Unit> end) {
            if (!self || self->m_stopped)
                return;
            auto it = self->m_pods.find(name);
            if (it == self->m_pods.end())
                return;
            it->second.request = 0;
            if (!end && end.error().apiReason == kube::Error::Reason::Forbidden) {
                self->fail(end.error());
                return;
            }
            if (!end && end.error().apiReason == kube::Error::Reason::NotFound) {
                self->m_pods.erase(it);
                self->note(name, name + " went away");
                return;
            }
            if (!end && it->second.reopenedAfterSilence)
                self->note(name, "The log of " + name + " had been silent for " +
                                     std::to_string(std::max<long long>(1, self->m_silenceTimeout.count() / 1000)) +
                                     " s and reopening it failed: " + end.error().message + " Trying again.");
            else if (!end)
                self->note(name, "The log of " + name + " broke off: " + end.error().message + " Reopening it.");
            // The server ended the stream (the container stopped, or the connection closed):
            // follow again from the last line while the pod is there.
            QTimer::singleShot(1000, self, [self, name] {
                if (self && !self->m_stopped && self->m_pods.count(name) && !self->m_pods[name].request)
                    self->follow(name);
            });
        });
}

void LogStream::checkSilence()
{
    if (m_stopped)
        return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::string> silent;
    for (const auto& [name, pod] : m_pods)
        if (pod.following && pod.request && now - pod.heard >= m_silenceTimeout)
            silent.push_back(name);
    // A silent stream and a dead connection look the same from here (no keepalive comes through
    // the API server's proxying); reopening from the last line costs one request and loses nothing.
    for (const auto& name : silent) {
        Pod& pod = m_pods[name];
        m_client->cancel(pod.request);
        pod.request = 0;
        pod.reopenedAfterSilence = true;
        ++m_silentReopens;
        follow(name);
    }
}

void LogStream::note(const std::string& pod, const std::string& text)
{
    LogLine line{nowNs(), nowText(), pod, text, true};
    if (!m_backlogDone)
        m_backlog.push_back(std::move(line));
    else
        append({std::move(line)});
}

void LogStream::append(std::vector<LogLine> batch)
{
    if (batch.empty())
        return;
    for (const auto& line : batch)
        m_lines.push_back(line);
    while (m_lines.size() > maxLines)
        m_lines.pop_front();
    Q_EMIT linesAdded(batch);
}

} // namespace model
