#include "model/rules/watchrules.h"

#include "model/rules/counted.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace model {

namespace {

std::string slotName(std::optional<Slot> slot)
{
    return slot ? displayName(*slot) : std::string("the new slot");
}

// "answered 500, expected 200", or why there was no answer.
std::string failureText(const HealthResult& r, int expectStatus)
{
    if (r.status > 0 && r.status != expectStatus)
        return "answered " + std::to_string(r.status) + ", expected " + std::to_string(expectStatus);
    return r.sentence.empty() ? std::string("did not pass") : r.sentence;
}

void count(WatchMemory& m, const HealthResult& r, int expectStatus)
{
    if (r.kind == HealthResult::Kind::Pass) {
        m.failing[r.target] = 0;
        m.lastFailure.erase(r.target);
    } else if (r.kind == HealthResult::Kind::Fail) {
        ++m.failing[r.target];
        m.lastFailure[r.target] = failureText(r, expectStatus);
    }
}

} // namespace

namespace {

// What this look adds to the memory: the pods as they were at the swap (on the first look that read
// them), streaks of pods that are gone dropped, and each check counted.
void remember(WatchMemory& m, const WatchSubject& subject, const WatchLook& look)
{
    const bool podsRead = look.readFailure.empty();
    if (podsRead && !m.started) {
        m.started = true;
        for (const WatchPod& p : look.pods) {
            m.restartsAtSwap[p.name] = p.restarts;
            m.readyAtSwap += p.ready ? 1 : 0;
        }
    }
    if (podsRead) {
        // Streaks of pods that are gone go with them.
        std::set<std::string> present;
        for (const WatchPod& p : look.pods)
            present.insert(p.name);
        for (auto it = m.failing.begin(); it != m.failing.end();) {
            if (it->first != subject.liveService && !present.count(it->first)) {
                m.lastFailure.erase(it->first);
                it = m.failing.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (const HealthResult& r : look.podChecks)
        count(m, r, subject.expectStatus);
    if (look.serviceCheck)
        count(m, *look.serviceCheck, subject.expectStatus);
}

int readyPods(const WatchLook& look)
{
    int ready = 0;
    for (const WatchPod& p : look.pods)
        ready += p.ready ? 1 : 0;
    return ready;
}

// Fewer pods ready than at the swap, or a pod that restarted since: the sentence, or nothing.
std::optional<std::string> podsWorse(const WatchMemory& m, const WatchLook& look, const std::string& slot)
{
    const int ready = readyPods(look);
    const int expected = std::min(m.readyAtSwap, look.desired);
    if (ready < expected) {
        std::string names;
        for (const WatchPod& p : look.pods)
            if (!p.ready)
                names += (names.empty() ? "" : ", ") + p.name;
        return "only " + std::to_string(ready) + " of " + std::to_string(look.desired) + " pods of " + slot +
               " are ready" + (names.empty() ? std::string(" (pods are missing)") : " (not ready: " + names + ")");
    }
    for (const WatchPod& p : look.pods) {
        const auto at = m.restartsAtSwap.find(p.name);
        const int before = at == m.restartsAtSwap.end() ? 0 : at->second;
        if (p.restarts > before)
            return "pod " + p.name + " of " + slot + " restarted " + counted(p.restarts - before, "time", "times") +
                   " since the swap";
    }
    return std::nullopt;
}

// Health checks failing `watchFailuresInARow` times in a row: every pod whose streak reached it,
// named by the first of them, then the live Service. The sentence, or nothing.
std::optional<std::string> checksWorse(WatchMemory& m, const WatchSubject& subject, const WatchLook& look,
                                       const std::string& slot)
{
    int failingPods = 0;
    std::string firstPod;
    for (const WatchPod& p : look.pods) {
        const auto f = m.failing.find(p.name);
        if (f != m.failing.end() && f->second >= watchFailuresInARow) {
            if (firstPod.empty())
                firstPod = p.name;
            ++failingPods;
        }
    }
    if (failingPods > 0)
        return std::to_string(failingPods) + " of " + std::to_string(look.pods.size()) + " pods of " + slot +
               " fail the health check " + std::to_string(watchFailuresInARow) + " times in a row: " + firstPod + " " +
               m.lastFailure[firstPod];
    if (const auto f = m.failing.find(subject.liveService);
        !subject.liveService.empty() && f != m.failing.end() && f->second >= watchFailuresInARow)
        return "the live Service " + subject.liveService + " fails the health check " +
               std::to_string(watchFailuresInARow) + " times in a row: " + m.lastFailure[subject.liveService];
    return std::nullopt;
}

// "slot B holds: 2 of 2 pods ready, no restarts since the swap, health checks pass".
std::string holds(const WatchMemory& m, const WatchLook& look, const std::string& slot)
{
    int failingNow = 0;
    for (const auto& [target, streak] : m.failing)
        failingNow += streak > 0 ? 1 : 0;
    const bool checked = !look.podChecks.empty() || look.serviceCheck.has_value();
    return slot + " holds: " + std::to_string(readyPods(look)) + " of " + std::to_string(look.desired) +
           " pods ready, no restarts since the swap" +
           (!checked         ? std::string()
            : failingNow > 0 ? ", " + counted(failingNow, "health check", "health checks") + " failing (noted)"
                             : ", health checks pass");
}

} // namespace

WatchJudgement judgeWatch(const WatchSubject& subject, const WatchMemory& memory, const WatchLook& look)
{
    WatchJudgement j;
    j.memory = memory;
    remember(j.memory, subject, look);
    const std::string who = subject.service + ": ";
    const std::string slot = slotName(subject.slot);
    const bool podsRead = look.readFailure.empty();
    std::optional<std::string> worse;
    if (podsRead && j.memory.started)
        worse = podsWorse(j.memory, look, slot);
    if (!worse)
        worse = checksWorse(j.memory, subject, look, slot);
    if (worse) {
        j.worse = true;
        j.sentence = who + *worse;
    } else if (!podsRead) {
        j.sentence = who + "the pods of " + slot + " could not be read this time (" + look.readFailure + ")";
    } else {
        j.sentence = who + holds(j.memory, look, slot);
    }
    return j;
}

int watchLookSeconds(int windowSeconds, int healthIntervalSeconds)
{
    int seconds = std::clamp(windowSeconds / 6, 1, 5);
    if (healthIntervalSeconds > 0)
        seconds = std::min(seconds, healthIntervalSeconds);
    return seconds;
}

std::optional<int> parseDurationSeconds(const std::string& text)
{
    if (text.empty())
        return std::nullopt;
    long long total = 0;
    std::size_t i = 0;
    std::string unitsSeen;
    while (i < text.size()) {
        const std::size_t digits = i;
        long long n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            n = n * 10 + (text[i] - '0');
            if (n > 86400)
                return std::nullopt;
            ++i;
        }
        if (i == digits || i == text.size())
            return std::nullopt; // a unit without a number, or a number without a unit
        const char unit = text[i++];
        const long long factor = unit == 'h' ? 3600 : unit == 'm' ? 60 : unit == 's' ? 1 : 0;
        // Each unit once, largest first: "1h30m", never "30m1h" or "5m5m".
        if (factor == 0 ||
            (!unitsSeen.empty() && std::string("hms").find(unit) <= std::string("hms").find(unitsSeen.back())))
            return std::nullopt;
        unitsSeen += unit;
        total += n * factor;
        if (total > 86400)
            return std::nullopt;
    }
    return static_cast<int>(total);
}

std::string durationText(int seconds)
{
    const int h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
    std::string out;
    if (h)
        out += std::to_string(h) + " h";
    if (m)
        out += (out.empty() ? "" : " ") + std::to_string(m) + " min";
    if (s || out.empty())
        out += (out.empty() ? "" : " ") + std::to_string(s) + " s";
    return out;
}

} // namespace model
