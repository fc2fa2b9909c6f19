#include "model/rules/release.h"

#include "model/rules/keys.h"

#include <QDateTime>

namespace model {

Release releaseOf(const kube::PodTemplate& t)
{
    Release r;
    if (!t.containers.empty())
        r.image = t.containers.front().image;
    if (auto ref = parseImageRef(r.image))
        r.ref = *ref;
    auto annotation = [&t](const std::string& key) {
        auto it = t.annotations.find(key);
        return it == t.annotations.end() ? std::string() : it->second;
    };
    r.tag = !r.ref.tag.empty() ? r.ref.tag : annotation(tagAnnotation);
    r.commit = annotation(revisionAnnotation);
    if (r.commit.empty()) {
        auto it = t.labels.find(commitLabel);
        if (it != t.labels.end())
            r.commit = it->second;
    }
    if (r.commit.empty())
        r.commit = commitFromTag(r.tag);
    r.created = annotation(createdAnnotation);
    return r;
}

std::string nowUtcText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
}

} // namespace model
