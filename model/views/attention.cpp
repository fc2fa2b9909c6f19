#include "model/views/attention.h"

#include <tuple>

namespace model {

Attention attentionOf(const ServiceState& s)
{
    return s.attention;
}

bool attentionBefore(const ServiceState& x, const ServiceState& y)
{
    const int ax = static_cast<int>(attentionOf(x)), ay = static_cast<int>(attentionOf(y));
    return std::tie(ax, x.spec.name, x.spec.ns, x.spec.context) < std::tie(ay, y.spec.name, y.spec.ns, y.spec.context);
}

} // namespace model
