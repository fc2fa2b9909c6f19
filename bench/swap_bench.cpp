// Swap latency, interleaved with its baselines on the same client and transport: a swap from the
// confirmed plan to verified endpoints (model::Swapper::execute), the same two selector changes
// as raw JSON Patches with their `test` ops (no reads, no history, no verification), and the
// endpoint controller's propagation alone (one selector change, timed until the live Service's
// EndpointSlices hold the new slot's ready pods, seen by watch). Round after round:
// swap, raw, propagation, ... Median and p10-p90 of each, and the ratio swap / (raw + propagation).
#include "kube/client.h"
#include "kube/informer.h"
#include "kube/kubeconfig.h"
#include "model/actions/swap.h"
#include "model/rules/rules.h"
#include "model/state/servicelookup.h"
#include "net/transport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <curl/curl.h>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace {

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double at = p * (v.size() - 1);
    const auto lo = static_cast<std::size_t>(at);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (at - lo);
}

void row(const char* what, const std::vector<double>& v)
{
    std::printf("| %-44s | %8.1f | %7.1f - %-7.1f | %3zu |\n", what, percentile(v, 0.5), percentile(v, 0.1),
                percentile(v, 0.9), v.size());
}

template <typename T> std::vector<T> typed(const kube::Informer* informer, kube::Result<T> (*parse)(const kube::Json&))
{
    std::vector<T> out;
    for (const auto& [key, object] : informer->objects())
        if (auto t = parse(object))
            out.push_back(std::move(t).value());
    return out;
}

std::string selectorText(const kube::Labels& labels)
{
    std::string s;
    for (const auto& [k, v] : labels)
        s += (s.empty() ? "" : ",") + k + "=" + v;
    return s;
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
    const int rounds = arg(QStringLiteral("--rounds"), QStringLiteral("30")).toInt();
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
    QObject watches; // parent of the informers, destroyed before the client they use
    std::vector<model::ServiceSpec> specs;
    model::ServiceSpec spec;
    std::vector<double> swaps, raws, propagations, requests, proxied;
    // When each of the swap's steps began, ms after execute(): the n-th step of every round.
    std::vector<std::pair<std::string, std::vector<double>>> steps;
    std::unique_ptr<model::Swapper> planner, swapper; // never replaced from inside their own callbacks
    // Long-lived watches of both slots' pods and of the live Service's EndpointSlices, for the
    // propagation rounds and to let each round start on settled endpoints.
    std::map<model::Slot, kube::Informer*> podsOf;
    kube::Informer* slices = nullptr;
    model::Slot live = model::Slot::A;
    std::function<void()> onSlices; // called on every change of the slices or pods

    const auto endpointsOn = [&](model::Slot slot) {
        return model::endpointsMatch(model::readyPodIPs(typed(podsOf[slot], kube::parsePod)),
                                     model::readyEndpointAddresses(typed(slices, kube::parseEndpointSlice)));
    };
    // Runs `next` once live's endpoints are `slot`'s pods (at once if they are), after `settleMs`.
    const auto whenSettled = [&](model::Slot slot, int settleMs, std::function<void()> next) {
        auto go = [&, settleMs, next] {
            onSlices = nullptr;
            QTimer::singleShot(settleMs, next);
        };
        if (endpointsOn(slot)) {
            go();
            return;
        }
        onSlices = [&, slot, go] {
            if (endpointsOn(slot))
                go();
        };
    };
    const auto fail = [](const std::string& why) {
        std::fprintf(stderr, "bench: %s\n", why.c_str());
        QCoreApplication::exit(1);
    };
    const auto selectorPatch = [&](model::Slot from, model::Slot to) {
        const std::string path = "/spec/selector/" + model::pointerEscape(spec.slotLabel);
        return kube::Json::array({{{"op", "test"}, {"path", path}, {"value", model::name(from)}},
                                  {{"op", "replace"}, {"path", path}, {"value", model::name(to)}}});
    };

    std::function<void(int)> swapRound, rawRound, propagationRound;
    const auto report = [&] {
        std::printf("| %-44s | %8s | %-17s | %3s |\n", "ms, same client and transport, interleaved", "median",
                    "p10 - p90", "n");
        std::printf("|----------------------------------------------|----------|-------------------|-----|\n");
        row("swap, confirmed plan to verified endpoints", swaps);
        row("the swap's two JSON Patches, raw", raws);
        row("EndpointSlice propagation (patch to watch)", propagations);
        const double s = percentile(swaps, 0.5), r = percentile(raws, 0.5), p = percentile(propagations, 0.5);
        std::printf("\nthe swap's steps, median ms from execute() to the step's start:\n");
        for (const auto& [label, at] : steps)
            std::printf("  %8.1f  %s\n", percentile(at, 0.5), label.c_str());
        std::printf("\nratio swap / (raw + propagation), medians: %.2f (goal: at most 2)\n", s / (r + p));
        std::printf("requests per swap (health-check proxy GETs apart): median %.0f; proxy GETs: median %.0f\n",
                    percentile(requests, 0.5), percentile(proxied, 0.5));
        std::printf("connections opened by the transport: %llu\n",
                    static_cast<unsigned long long>(transport.connectionsOpened()));
        QCoreApplication::exit(0);
    };
    swapRound = [&](int i) {
        if (i == rounds) {
            report();
            return;
        }
        planner = std::make_unique<model::Swapper>(&client, model::groupOf(specs, service));
        planner->plan({model::SwapPlan::Kind::Swap, service, live}, [&, i](model::SwapPlan plan) {
            if (!plan.allowed()) {
                fail(plan.describe());
                return;
            }
            swapper = std::make_unique<model::Swapper>(&client, model::groupOf(specs, service));
            swapper->setFreshGroup({});
            auto t = std::make_shared<QElapsedTimer>();
            const std::uint64_t sent = client.requestCount(), proxy = client.proxyRequestCount();
            t->start();
            auto step = std::make_shared<std::size_t>(0);
            swapper->execute(
                plan,
                [&, t, step](const std::string& label) {
                    if (steps.size() <= *step)
                        steps.emplace_back(label, std::vector<double>{});
                    steps[(*step)++].second.push_back(t->nsecsElapsed() / 1e6);
                },
                [&, t, i, sent, proxy, to = plan.members.front().liveTo](model::SwapOutcome o) {
                    const double ms = t->nsecsElapsed() / 1e6;
                    if (!o.succeeded()) {
                        fail(o.message);
                        return;
                    }
                    swaps.push_back(ms);
                    const std::uint64_t p = client.proxyRequestCount() - proxy;
                    proxied.push_back(static_cast<double>(p));
                    requests.push_back(static_cast<double>(client.requestCount() - sent - p));
                    live = to;
                    whenSettled(live, 300, [&, i] { rawRound(i); });
                });
        });
    };
    rawRound = [&](int i) {
        const model::Slot from = live, to = model::other(live);
        auto t = std::make_shared<QElapsedTimer>();
        t->start();
        client.patch(kube::resources::services, spec.ns, spec.liveService, kube::PatchType::Json,
                     selectorPatch(from, to), [&, t, i, from, to](kube::Result<kube::Json> first) {
                         if (!first) {
                             fail(first.error().message);
                             return;
                         }
                         client.patch(kube::resources::services, spec.ns, spec.stagingService, kube::PatchType::Json,
                                      selectorPatch(to, from), [&, t, i, to](kube::Result<kube::Json> second) {
                                          if (!second) {
                                              fail(second.error().message);
                                              return;
                                          }
                                          raws.push_back(t->nsecsElapsed() / 1e6);
                                          live = to;
                                          whenSettled(live, 300, [&, i] { propagationRound(i); });
                                      });
                     });
    };
    propagationRound = [&](int i) {
        const model::Slot from = live, to = model::other(live);
        auto t = std::make_shared<QElapsedTimer>();
        t->start();
        client.patch(kube::resources::services, spec.ns, spec.liveService, kube::PatchType::Json,
                     selectorPatch(from, to), [&, t, i, from, to](kube::Result<kube::Json> r) {
                         if (!r) {
                             fail(r.error().message);
                             return;
                         }
                         live = to;
                         whenSettled(to, 0, [&, t, i, from, to] {
                             propagations.push_back(t->nsecsElapsed() / 1e6);
                             // Staging follows, untimed, so the next swap finds the pair consistent.
                             client.patch(kube::resources::services, spec.ns, spec.stagingService,
                                          kube::PatchType::Json, selectorPatch(to, from),
                                          [&, i](kube::Result<kube::Json> s) {
                                              if (!s) {
                                                  fail(s.error().message);
                                                  return;
                                              }
                                              QTimer::singleShot(300, [&, i] { swapRound(i + 1); });
                                          });
                         });
                     });
    };

    model::lookupServices(&client, {}, options.namespaceOverride, [&](kube::Result<std::vector<model::ServiceSpec>> r) {
        if (!r || model::groupOf(r.value(), service).empty()) {
            fail("no service " + service);
            return;
        }
        specs = r.value();
        spec = model::groupOf(specs, service).front();
        auto pending = std::make_shared<int>(2);
        for (model::Slot slot : {model::Slot::A, model::Slot::B})
            client.get(
                kube::resources::deployments, spec.ns, spec.slotDeployment(slot),
                [&, slot, pending](kube::Result<kube::Json> d) {
                    auto deployment = d ? kube::parseDeployment(d.value()) : kube::Result<kube::Deployment>(d.error());
                    if (!deployment) {
                        fail(deployment.error().message);
                        return;
                    }
                    podsOf[slot] = new kube::Informer(
                        &client, {kube::resources::pods, spec.ns, selectorText(deployment->selector)}, &watches);
                    if (--*pending)
                        return;
                    slices = new kube::Informer(
                        &client,
                        {kube::resources::endpointSlices, spec.ns, "kubernetes.io/service-name=" + spec.liveService},
                        &watches);
                    for (kube::Informer* informer : {podsOf[model::Slot::A], podsOf[model::Slot::B], slices}) {
                        for (auto signal :
                             {&kube::Informer::added, &kube::Informer::modified, &kube::Informer::removed})
                            QObject::connect(informer, signal, &app, [&] {
                                if (auto f = onSlices) // a copy: calling it may clear onSlices
                                    f();
                            });
                        QObject::connect(informer, &kube::Informer::synced, &app, [&] {
                            if (auto f = onSlices)
                                f();
                        });
                        informer->start();
                    }
                    client.get(kube::resources::services, spec.ns, spec.liveService, [&](kube::Result<kube::Json> s) {
                        auto svc = s ? kube::parseService(s.value()) : kube::Result<kube::Service>(s.error());
                        if (!svc) {
                            fail(svc.error().message);
                            return;
                        }
                        const auto it = svc->selector.find(spec.slotLabel);
                        live = model::parseSlot(it == svc->selector.end() ? std::string() : it->second)
                                   .value_or(model::Slot::A);
                        QTimer::singleShot(100, [&] { whenSettled(live, 300, [&] { swapRound(0); }); });
                    });
                });
    });
    const int code = QCoreApplication::exec();
    curl_global_cleanup();
    return code;
}
