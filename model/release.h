#pragma once

#include "imageref.h"
#include "kube/objects.h"

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

// Counts down parallel calls and runs `done` when the last one reports.
struct Countdown {
    int left;
    std::function<void()> done;
    void tick()
    {
        if (--left == 0)
            done();
    }
};

std::string nowUtcText();

} // namespace model
