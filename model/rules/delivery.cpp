#include "delivery.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace model {

namespace {

bool isAction(const TimelineEntry& e, const char* action)
{
    return e.outcome != EntryOutcome::Unreadable && e.entry.action == action && e.at.has_value();
}

bool failedWatch(const TimelineEntry& e)
{
    return (e.outcome == EntryOutcome::Failed || e.outcome == EntryOutcome::RolledBack) && e.at.has_value();
}

// One entry per change: a group swap (or rollback) writes the same time and user on every member.
std::vector<const TimelineEntry*> changes(const std::vector<const TimelineEntry*>& sorted, const char* action)
{
    std::vector<const TimelineEntry*> out;
    std::set<std::tuple<std::string, std::int64_t, std::string>> seen;
    for (const TimelineEntry* e : sorted)
        if (isAction(*e, action) &&
            seen.emplace(e->group.empty() ? e->service : e->group, *e->at, e->entry.user).second)
            out.push_back(e);
    return out;
}

bool sameChange(const TimelineEntry& a, const TimelineEntry& b)
{
    return a.service == b.service || (!a.group.empty() && a.group == b.group);
}

} // namespace

std::string spanText(std::int64_t seconds)
{
    seconds = std::max<std::int64_t>(0, seconds);
    const std::int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60, s = seconds % 60;
    auto two = [](std::int64_t a, const char* ua, std::int64_t b, const char* ub) {
        return std::to_string(a) + " " + ua + (b ? " " + std::to_string(b) + " " + ub : std::string());
    };
    if (d)
        return two(d, "d", h, "h");
    if (h)
        return two(h, "h", m, "min");
    if (m)
        return two(m, "min", s, "s");
    return std::to_string(s) + " s";
}

std::optional<std::int64_t> parseSinceSeconds(const std::string& text)
{
    if (text.size() < 2 || text.size() > 6)
        return std::nullopt;
    const std::string digits = text.substr(0, text.size() - 1);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const std::int64_t n = std::stoll(digits);
    std::int64_t unit = 0;
    switch (text.back()) {
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    case 'w':
        unit = 7 * 86400;
        break;
    default:
        return std::nullopt;
    }
    if (n <= 0 || n * unit > 400LL * 86400)
        return std::nullopt;
    return n * unit;
}

std::optional<std::int64_t> median(std::vector<std::int64_t> values)
{
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    return values[(values.size() - 1) / 2];
}

DeliveryFigures deliveryFigures(const std::vector<TimelineEntry>& entries, const DeliveryPeriod& period)
{
    DeliveryFigures f;
    std::vector<const TimelineEntry*> sorted;
    for (const TimelineEntry& e : entries)
        if (e.at) {
            sorted.push_back(&e);
            f.recordFrom = f.recordFrom ? std::min(*f.recordFrom, *e.at) : *e.at;
        }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const TimelineEntry* x, const TimelineEntry* y) { return *x->at < *y->at; });
    auto inPeriod = [&period](const TimelineEntry* e) { return *e->at >= period.from && *e->at <= period.to; };

    const auto swaps = changes(sorted, "swap");
    const auto rollbacks = changes(sorted, "rollback");
    std::vector<std::int64_t> leadTimes;
    // Every member of a group swap brings its own image: each one's build time is a lead time.
    for (const TimelineEntry* s : sorted)
        if (isAction(*s, "swap") && inPeriod(s))
            if (auto built = recordedSeconds(s->entry.to.created); built && *built <= *s->at)
                leadTimes.push_back(*s->at - *built);
    for (const TimelineEntry* s : swaps) {
        if (!inPeriod(s))
            continue;
        ++f.swaps;
        const bool failed = std::any_of(sorted.begin(), sorted.end(), [&](const TimelineEntry* e) {
            const bool after = *e->at >= *s->at && *e->at <= *s->at + period.failureWindow;
            return after && sameChange(*e, *s) && (isAction(*e, "rollback") || failedWatch(*e));
        });
        f.failedSwaps += failed ? 1 : 0;
    }
    const double days = std::max<double>(1.0, double(period.to - period.from) / 86400.0);
    f.perDay = f.swaps / days;
    f.perWeek = f.swaps / (days / 7.0);
    f.leadTimeSamples = int(leadTimes.size());
    f.leadTimeMedian = median(leadTimes);
    if (f.swaps > 0)
        f.changeFailureRate = double(f.failedSwaps) / f.swaps;

    // Each failure ends at the first rollback or swap of its service after it began; a rollback the
    // failing watch triggered itself (recorded just before the watch's verdict) starts and ends it.
    std::vector<std::int64_t> restoreTimes;
    std::set<const TimelineEntry*> restoredBy;
    for (const TimelineEntry* w : sorted) {
        if (!failedWatch(*w) || !inPeriod(w))
            continue;
        const std::int64_t watchFrom = w->started.value_or(*w->at - period.failureWindow);
        const TimelineEntry* triggered = nullptr;
        for (const TimelineEntry* r : rollbacks)
            if (sameChange(*r, *w) && *r->at >= watchFrom && *r->at <= *w->at)
                triggered = r;
        const TimelineEntry* restore = triggered;
        std::int64_t began = *w->at;
        if (triggered) {
            began = triggered->started.value_or(*triggered->at);
        } else {
            for (const TimelineEntry* r : sorted)
                if (sameChange(*r, *w) && *r->at >= *w->at && (isAction(*r, "rollback") || isAction(*r, "swap"))) {
                    restore = r;
                    break;
                }
        }
        if (!restore) {
            ++f.unrestored;
        } else if (restoredBy.insert(restore).second) { // a group's members failing together: one outage
            restoreTimes.push_back(std::max<std::int64_t>(0, *restore->at - began));
        }
    }
    f.restores = int(restoreTimes.size());
    f.restoreMedian = median(restoreTimes);
    return f;
}

std::int64_t bucketSecondsFor(std::int64_t periodSeconds)
{
    return periodSeconds <= 7 * 86400 ? 86400 : 7 * 86400;
}

std::vector<DeliveryBucket> deliveryBuckets(const std::vector<TimelineEntry>& entries, const DeliveryPeriod& period,
                                            std::int64_t bucketSeconds)
{
    std::vector<DeliveryBucket> buckets;
    if (bucketSeconds <= 0 || period.to < period.from)
        return buckets;
    const std::int64_t span = period.to - period.from + 1;
    while ((span + bucketSeconds - 1) / bucketSeconds > std::int64_t(maxBuckets))
        bucketSeconds *= 2;
    const DeliveryFigures whole = deliveryFigures(entries, period);
    // From the end back, so that every bucket but the oldest is whole.
    for (std::int64_t to = period.to; to >= period.from; to -= bucketSeconds) {
        DeliveryPeriod stretch = period;
        stretch.to = to;
        stretch.from = std::max(period.from, to - bucketSeconds + 1);
        DeliveryBucket b;
        b.from = stretch.from;
        b.to = stretch.to;
        b.figures = deliveryFigures(entries, stretch);
        b.measured = whole.recordFrom && *whole.recordFrom <= b.to;
        buckets.push_back(std::move(b));
    }
    std::reverse(buckets.begin(), buckets.end());
    return buckets;
}

} // namespace model
