#pragma once

#include "timeline.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Delivery figures (DORA's four) from the recorded history, for one service or one group:
//  - deployment frequency: swaps to live in the period, per day and per week;
//  - lead time for changes: from the image's build time (the `created` the swap recorded) to live;
//  - change failure rate: the share of swaps followed, within `failureWindow`, by a rollback or by a
//    watch that failed or rolled back;
//  - time to restore: from a failing watch to live restored (the rollback it triggered, or the next
//    rollback or swap of that service).
// A group swap writes one entry per member; for a group's figures it counts once as a swap, and each
// member's image gives a lead time. Pure.
namespace model {

struct DeliveryPeriod {
    std::int64_t from = 0, to = 0;        // seconds since the epoch; `to` inclusive
    std::int64_t failureWindow = 60 * 60; // seconds after a swap in which a failure counts against it
};

struct DeliveryFigures {
    int swaps = 0;
    double perDay = 0, perWeek = 0;
    std::optional<std::int64_t> leadTimeMedian; // seconds; nothing without a swap with a build time
    int leadTimeSamples = 0;
    int failedSwaps = 0;
    std::optional<double> changeFailureRate;   // nothing without a swap
    std::optional<std::int64_t> restoreMedian; // seconds; nothing without a restored failure
    int restores = 0;
    int unrestored = 0; // failures with nothing after them that restored live yet
    // The oldest entry the record holds: figures before it are not known (the record is capped).
    std::optional<std::int64_t> recordFrom;
};

// The figures of the entries given (one service's, or a group's members'), any order.
DeliveryFigures deliveryFigures(const std::vector<TimelineEntry>& entries, const DeliveryPeriod& period);

// One stretch of a period (a day or a week) and its figures, for the console's charts.
struct DeliveryBucket {
    std::int64_t from = 0, to = 0; // `to` inclusive; the next bucket starts a second later
    DeliveryFigures figures;
    // Whether the record reaches into it: a bucket wholly before the oldest entry (or without any entry
    // recorded) was not measured, and its figures say nothing, not zero.
    bool measured = false;
};

// The period cut into buckets of `bucketSeconds`, oldest first, the last ending at `period.to` (the
// first may be shorter); each bucket's figures as deliveryFigures gives them for that stretch, so a
// rollback in the next bucket still counts against the swap it followed. At most `maxBuckets`: a
// longer cut widens the buckets. Pure.
inline constexpr std::size_t maxBuckets = 120;
std::vector<DeliveryBucket> deliveryBuckets(const std::vector<TimelineEntry>& entries, const DeliveryPeriod& period,
                                            std::int64_t bucketSeconds);
// The bucket the console uses for a period: a day up to 7 days, else a week.
std::int64_t bucketSecondsFor(std::int64_t periodSeconds);

// "3 d 4 h", "2 h 10 min", "4 min 5 s", "12 s": a span of the record for a sentence.
std::string spanText(std::int64_t seconds);
// How far back to look, as people write it: "30m", "12h", "7d", "2w"; at most 400 days. Nothing
// when it cannot be read.
std::optional<std::int64_t> parseSinceSeconds(const std::string& text);

// The median of `values` (the lower middle of an even count); nothing when empty.
std::optional<std::int64_t> median(std::vector<std::int64_t> values);

} // namespace model
