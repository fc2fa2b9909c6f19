#pragma once

#include "kube/objects.h"
#include "model/rules/imageref.h"

#include <functional>
#include <string>

namespace model {

// What a pod template runs, as people name it: the image, its tag (also when pinned by digest,
// from the annotation kept beside it), the commit and the build time.
struct Release {
    std::string image;
    ImageRef ref;
    std::string tag, commit, created;
};

Release releaseOf(const kube::PodTemplate& podTemplate);

std::string nowUtcText();

} // namespace model
