#pragma once

#include "kube/objects.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

// The diff of two slots (issue 24): what differs between the Deployments two slots run, field by field,
// differences first, then how many other fields are equal. A pure rule over typed Deployments; reading
// them, and the ConfigMaps both name, is the caller's job.
namespace model {

// One slot as the diff reads it.
struct SlotSide {
    std::string label; // "live (slot a, uro-a)"
    int replicas = 1;
    kube::PodTemplate podTemplate; // its annotations and labels: the image's commit, build time and source
    kube::PodSpecDetail spec;
};

struct FieldDifference {
    std::string field;               // "container uro: env DATABASE_URL"
    std::optional<std::string> from; // nullopt: this side has no such field
    std::optional<std::string> to;
};

// Two ConfigMaps the sides name at the same place (an env var, an envFrom entry, a volume): the first
// side's and the second's.
using ConfigMapPair = std::pair<std::string, std::string>;

// What the caller found when it read the ConfigMaps of configMapPairs(): the pairs it compared, those
// whose content (data and binaryData) differs among them, and the names it could not read with why
// ("forbidden", "not found"). A pair that names one object twice is not compared: it is the same.
struct ConfigMapContent {
    std::set<ConfigMapPair> compared;
    std::set<ConfigMapPair> differ;
    std::map<std::string, std::string> unreadable;
};

struct SlotDiff {
    std::string from, to;
    std::vector<FieldDifference> differences;
    int equalFields = 0;
    std::string compareUrl;         // the commits in between, when the source is on GitHub and both are known
    std::vector<std::string> notes; // what was not compared, and why
    bool incomplete = false;        // a side's template was cut at the decoder's caps

    // Differences first, one a line, then "N other fields equal".
    std::string describe() const;
    nlohmann::json toJson() const;
};

SlotDiff diffSlots(const SlotSide& from, const SlotSide& to, const ConfigMapContent& content = {});

// The ConfigMaps both sides name at the same place, as (first side's, second side's) pairs.
std::set<ConfigMapPair> configMapPairs(const SlotSide& from, const SlotSide& to);

// https://github.com/OWNER/REPO/compare/FROM...TO when `source` is a GitHub repository's URL and both
// commits are known and differ; empty otherwise.
std::string compareLink(const std::string& source, const std::string& fromCommit, const std::string& toCommit);

} // namespace model
