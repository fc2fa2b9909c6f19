#include "eventrecord.h"

namespace kube {

nlohmann::json eventBody(const EventRecord& e)
{
    const EventRecord::Object& o = e.involved;
    return {{"apiVersion", "v1"},
            {"kind", "Event"},
            {"metadata", {{"generateName", o.name + ".signalbox-"}, {"namespace", o.ns}}},
            {"involvedObject", {{"apiVersion", o.apiVersion}, {"kind", o.kind}, {"name", o.name}, {"namespace", o.ns}}},
            {"reason", e.reason},
            {"message", e.message},
            {"type", e.type},
            {"source", {{"component", e.component}}},
            {"firstTimestamp", e.time},
            {"lastTimestamp", e.time},
            {"count", 1}};
}

} // namespace kube
