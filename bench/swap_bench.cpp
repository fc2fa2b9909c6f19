// Swap latency: from the confirmed plan to verified endpoints (model::Swapper::execute), median
// of N, against the same two selector changes sent as raw JSON Patches on the same client and
// transport in the same run.
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "model/servicelookup.h"
#include "model/swap.h"
#include "net/transport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <curl/curl.h>
#include <functional>
#include <memory>
#include <vector>

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

int main(int argc, char** argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const auto arg = [&args](const QString& name, const QString& fallback) {
        const int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
    };
    const int rounds = arg(QStringLiteral("--rounds"), QStringLiteral("50")).toInt();
    const std::string service = arg(QStringLiteral("--service"), QStringLiteral("bench")).toStdString();
    kube::KubeconfigOptions options;
    options.explicitPath = arg(QStringLiteral("--kubeconfig"), QString()).toStdString();
    options.namespaceOverride = arg(QStringLiteral("-n"), QStringLiteral("bench")).toStdString();
    auto rest = kube::loadRestConfig(options);
    if (!rest) {
        std::fprintf(stderr, "bench: %s\n", rest.error().message.c_str());
        return 1;
    }
    kube::Transport transport;
    kube::Client client(rest.value(), &transport);
    std::vector<double> swaps, raw;
    std::vector<model::ServiceSpec> specs;
    auto swapper = std::make_shared<std::unique_ptr<model::Swapper>>();
    int rc = 0;

    std::function<void(int)> swapRound;
    std::function<void(int)> rawRound;
    std::function<void(int)> touchRound;
    std::vector<double> touches;
    char rawLive = 'a'; // where live points: after the swaps, where the last one put it
    // Two JSON Patches one after the other, live then staging; `done` gets the milliseconds.
    auto patchPair = [&](const kube::Json& live, const kube::Json& staging, std::function<void(double)> done) {
        const auto& spec = specs.front();
        auto t = std::make_shared<QElapsedTimer>();
        t->start();
        auto report = [&rc](const kube::Result<kube::Json>& r) {
            if (!r) {
                std::fprintf(stderr, "bench: %s\n", r.error().message.c_str());
                rc = 1;
            }
        };
        client.patch(kube::resources::services, spec.ns, spec.liveService, kube::PatchType::Json, live,
                     [&, t, spec, staging, report, done](kube::Result<kube::Json> first) {
                         report(first);
                         client.patch(kube::resources::services, spec.ns, spec.stagingService, kube::PatchType::Json,
                                      staging, [t, report, done](kube::Result<kube::Json> r) {
                                          report(r);
                                          done(t->nsecsElapsed() / 1e6);
                                      });
                     });
    };
    rawRound = [&](int i) {
        if (i == rounds) {
            touchRound(0);
            return;
        }
        // The same two selector changes a swap makes, without its checks, its history or its
        // verification: live to the other slot, then staging to the slot live left.
        const std::string path = "/spec/selector/" + model::pointerEscape(specs.front().slotLabel);
        const char liveTo = (rawLive == 'a') ? 'b' : 'a';
        auto flip = [path](char slot) {
            return kube::Json::array({{{"op", "replace"}, {"path", path}, {"value", std::string(1, slot)}}});
        };
        patchPair(flip(liveTo), flip(rawLive), [&, i, liveTo](double ms) {
            raw.push_back(ms);
            rawLive = liveTo;
            // Settled as the swaps are, so both meet the same cluster.
            QTimer::singleShot(500, [&, i] { rawRound(i + 1); });
        });
    };
    // For scale: two patches that change only an annotation, which no controller reacts to.
    touchRound = [&](int i) {
        if (i == rounds) {
            const double s = median(swaps), r = median(raw);
            std::printf("swap, confirm to verified endpoints: median %.1f ms over %d swaps\n", s, rounds);
            std::printf("the same two selector changes, raw:  median %.1f ms over %d pairs\n", r, rounds);
            std::printf("ratio: %.2fx (target: at most 3x)\n", s / r);
            std::printf("two raw annotation-only patches:     median %.1f ms over %d pairs (%.2fx)\n", median(touches),
                        rounds, s / median(touches));
            QCoreApplication::exit(rc);
            return;
        }
        const kube::Json touch =
            kube::Json::array({{{"op", "add"}, {"path", "/metadata/annotations/bench"}, {"value", std::to_string(i)}}});
        patchPair(touch, touch, [&, i](double ms) {
            touches.push_back(ms);
            touchRound(i + 1);
        });
    };
    swapRound = [&](int i) {
        if (i == rounds) {
            rawRound(0);
            return;
        }
        *swapper = std::make_unique<model::Swapper>(&client, model::groupOf(specs, service));
        (*swapper)->plan(model::SwapPlan::Kind::Swap, service, 0, [&, i](model::SwapPlan plan) {
            if (!plan.allowed()) {
                std::fprintf(stderr, "bench: %s\n", plan.describe().c_str());
                QCoreApplication::exit(1);
                return;
            }
            auto t = std::make_shared<QElapsedTimer>();
            t->start();
            auto steps = std::make_shared<std::string>();
            (*swapper)->execute(
                plan,
                [t, steps](const std::string& step) {
                    *steps += "  " + std::to_string(t->nsecsElapsed() / 1000000) + " ms  " + step + "\n";
                },
                [&, t, i, steps, liveTo = plan.members.front().liveTo](model::SwapOutcome o) {
                    if (i == 0 && qEnvironmentVariableIsSet("SIGNALBOX_BENCH_STEPS"))
                        std::printf("first swap, step by step:\n%s  %lld ms  done\n", steps->c_str(),
                                    static_cast<long long>(t->nsecsElapsed() / 1000000));
                    if (!o.succeeded()) {
                        std::fprintf(stderr, "bench: %s\n", o.message.c_str());
                        QCoreApplication::exit(1);
                        return;
                    }
                    swaps.push_back(t->nsecsElapsed() / 1e6);
                    rawLive = liveTo;
                    // Operators do not swap twenty times a second: let the endpoint controller settle
                    // (it delays a sync while its cache still lags its own last write).
                    QTimer::singleShot(500, [&, i] { swapRound(i + 1); });
                });
        });
    };
    model::lookupServices(&client, {}, options.namespaceOverride, [&](kube::Result<std::vector<model::ServiceSpec>> r) {
        if (!r || model::groupOf(r.value(), service).empty()) {
            std::fprintf(stderr, "bench: no service %s\n", service.c_str());
            QCoreApplication::exit(1);
            return;
        }
        specs = r.value();
        swapRound(0);
    });
    const int code = QCoreApplication::exec();
    curl_global_cleanup();
    return code;
}
