// The service configuration file: names override the convention, and every mistake is
// reported with the file, the line and the key.
#include "model/rules/servicespec.h"

#include <QTemporaryDir>
#include <QTest>

class TestServiceConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fullEntry()
    {
        const auto c = model::parseServiceConfig(R"(
pollIntervalSeconds: 10
namespaces: [tools]
services:
  - name: uro
    namespace: prod
    context: prod-ctx
    group: uro
    slots: {a: uro-blue, b: uro-green}
    services: {live: uro-live, staging: uro-next}
    sandbox: {context: dev, namespace: sandbox, deployment: uro-dev}
    image: ghcr.io/v-sekai/uro
    runsMigrationsAtStart: true
    stagingSharesLiveDatabase: true
    health: {port: 4000, path: /ready, expectStatus: 204, timeoutSeconds: 3, intervalSeconds: 30}
  - name: uro-frontend
    namespace: prod
    health:
      port: http
)",
                                                 "/etc/sb.yaml");
        QVERIFY2(c, c ? "" : c.error().message.c_str());
        QCOMPARE(c->pollIntervalSeconds.value_or(-1), 10);
        QCOMPARE(c->namespaces, std::vector<std::string>{"tools"});
        QCOMPARE(c->services.size(), std::size_t(2));
        const auto& u = c->services[0];
        QCOMPARE(u.slotA, std::string("uro-blue"));
        QCOMPARE(u.slotB, std::string("uro-green"));
        QCOMPARE(u.liveService, std::string("uro-live"));
        QCOMPARE(u.stagingService, std::string("uro-next"));
        QCOMPARE(u.sandboxContext, std::string("dev"));
        QCOMPARE(u.sandboxNamespace, std::string("sandbox"));
        QCOMPARE(u.sandboxDeployment, std::string("uro-dev"));
        QCOMPARE(u.imageRepository, std::string("ghcr.io/v-sekai/uro"));
        QVERIFY(u.runsMigrationsAtStart && u.stagingSharesLiveDatabase);
        QCOMPARE(u.health.port.value_or(""), std::string("4000"));
        QCOMPARE(u.health.path.value_or(""), std::string("/ready"));
        QCOMPARE(u.health.expectStatus.value_or(0), 204);
        QCOMPARE(u.health.timeoutSeconds.value_or(0), 3);
        QCOMPARE(u.health.intervalSeconds.value_or(0), 30);
        const auto& f = c->services[1];
        QCOMPARE(f.slotA, std::string("uro-frontend-a"));
        QCOMPARE(f.stagingService, std::string("uro-frontend-staging"));
        QCOMPARE(f.sandboxNamespace, std::string("uro-frontend-sandbox"));
        QCOMPARE(f.group, std::string("uro-frontend"));
        QVERIFY(!f.runsMigrationsAtStart);
        // Fields not named stay unset, so the live Service's annotations fill them.
        QCOMPARE(f.health.port.value_or(""), std::string("http"));
        QVERIFY(!f.health.path && !f.health.expectStatus && !f.health.timeoutSeconds && !f.health.intervalSeconds);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("what");
        QTest::newRow("unknown key") << "services:\n  - name: uro\n    namespace: x\n    slot: {a: b}\n"
                                     << 4 << "unknown key \"services[0].slot\"";
        QTest::newRow("wrong type") << "services:\n  - name: uro\n    namespace: [x]\n"
                                    << 3 << "\"services[0].namespace\" must be a text value";
        QTest::newRow("missing namespace") << "services:\n  - name: uro\n"
                                           << 2 << "\"services[0].namespace\" is missing";
        QTest::newRow("duplicate") << "services:\n  - {name: uro, namespace: a}\n  - {name: uro, namespace: b}\n"
                                   << 3 << "listed twice";
        QTest::newRow("not a flag") << "services:\n  - name: uro\n    namespace: a\n    runsMigrationsAtStart: maybe\n"
                                    << 4 << "must be true or false";
        QTest::newRow("bad yaml") << "services:\n  - name: uro\n   namespace: a\n" << 3 << "not valid YAML";
        QTest::newRow("same services")
            << "services:\n  - name: u\n    namespace: a\n    services: {live: x, staging: x}\n"
            << 2 << "are the same object";
        QTest::newRow("poll range") << "pollIntervalSeconds: 99999\n" << 1 << "between 0";
        QTest::newRow("watch not a number") << "namespaces: [uro]\nwatchAfterSwapSeconds: 5m\n"
                                            << 2 << "\"watchAfterSwapSeconds\" must be a whole number of seconds";
        QTest::newRow("watch negative") << "watchAfterSwapSeconds: -1\n" << 1 << "between 0 (no watch) and 86400";
        QTest::newRow("watch too long") << "watchAfterSwapSeconds: 90000\n" << 1 << "between 0 (no watch) and 86400";
        QTest::newRow("notifications: unknown kind") << "notifications:\n  swaps: false\n"
                                                     << 2 << "unknown key \"notifications.swaps\"";
        QTest::newRow("notifications: not a flag") << "notifications:\n  longActions: sometimes\n"
                                                   << 2 << "\"notifications.longActions\" must be true or false";
        QTest::newRow("notifications: not a mapping") << "notifications: false\n" << 1 << "must be a mapping";
        const char* head = "services:\n  - name: uro\n    namespace: a\n    health:\n";
        QTest::newRow("health: unknown key") << QString::fromLatin1(head) + "      port: 4000\n      url: /x\n"
                                             << 6 << "unknown key \"services[0].health.url\"";
        QTest::newRow("health: port out of range") << QString::fromLatin1(head) + "      port: 70000\n"
                                                   << 5 << "\"services[0].health.port\" must be between 1 and 65535";
        QTest::newRow("health: path without slash")
            << QString::fromLatin1(head) + "      port: 4000\n      path: health\n"
            << 6 << "\"services[0].health.path\" must start with /";
        QTest::newRow("health: status not a number")
            << QString::fromLatin1(head) + "      port: 4000\n      expectStatus: ok\n"
            << 6 << "\"services[0].health.expectStatus\" must be a whole number";
        QTest::newRow("health: timeout out of range")
            << QString::fromLatin1(head) + "      port: 4000\n      timeoutSeconds: 0\n"
            << 6 << "\"services[0].health.timeoutSeconds\" must be between 1 and 60 seconds";
        QTest::newRow("health: not a mapping") << "services:\n  - name: uro\n    namespace: a\n    health: 4000\n"
                                               << 4 << "\"services[0].health\" must be a mapping";
        const QString svc = QStringLiteral("services:\n  - name: uro\n    namespace: a\n");
        QTest::newRow("smoke: unknown key") << svc + "    smoke:\n      repeats: 3\n"
                                            << 5 << "unknown key \"services[0].smoke.repeats\"";
        QTest::newRow("smoke: repeat bound") << svc + "    smoke:\n      repeat: 1000\n"
                                             << 5 << "\"services[0].smoke.repeat\" must be between 1 and 100";
        QTest::newRow("smoke: rate bound") << svc + "    smoke:\n      ratePerSecond: 500\n"
                                           << 5 << "\"services[0].smoke.ratePerSecond\" must be between 1 and 20";
        QTest::newRow("smoke: method") << svc + "    smoke:\n      requests:\n        - {method: TRACE, path: /}\n"
                                       << 6 << "\"services[0].smoke.requests[0].method\" is refused";
        QTest::newRow("smoke: climbing path") << svc + "    smoke:\n      requests:\n        - path: /a/%2E%2E/b\n"
                                              << 6 << "\"services[0].smoke.requests[0].path\" is refused";
        QTest::newRow("smoke: no path") << svc + "    smoke:\n      requests:\n        - method: GET\n"
                                        << 6 << "\"services[0].smoke.requests[0].path\" is missing";
        QTest::newRow("smoke: header injection")
            << svc +
                   "    smoke:\n      requests:\n        - path: /\n          headers: {\"X-A\": \"1\\r\\nHost: x\"}\n"
            << 7 << "line break";
        QTest::newRow("smoke: huge body") << svc + "    smoke:\n      requests:\n        - path: /\n          body: " +
                                                 QString(70000, QLatin1Char('x')) + "\n"
                                          << 7 << "longer than 64 KiB";
        QTest::newRow("smoke: json field alone")
            << svc + "    smoke:\n      requests:\n        - {path: /, expectJsonField: a.b}\n"
            << 6 << "go together";
        QTest::newRow("smoke: too many requests")
            << svc + "    smoke:\n      requests:\n" + QStringLiteral("        - path: /\n").repeated(21) << 6
            << "lists more than 20 entries";
        QTest::newRow("analysis: unknown variable")
            << svc + "    analysis:\n      metrics:\n        - name: x\n          query: up{pod=~\"{{pod}}\"}\n"
                     "          condition: < 1\n"
            << 7 << "unknown variable {{pod}}";
        QTest::newRow("analysis: condition column")
            << svc + "    analysis:\n      metrics:\n        - name: x\n          query: up\n"
                     "          condition: candidate <= baseline ** 2\n"
            << 8 << "column 24";
        QTest::newRow("analysis: no condition")
            << svc + "    analysis:\n      metrics:\n        - {name: x, query: up}\n"
            << 6 << "\"services[0].analysis.metrics[0].condition\" is refused";
        QTest::newRow("analysis: unit") << svc + "    analysis:\n      metrics:\n        - {name: x, query: up, "
                                                 "condition: < 1, unit: percent}\n"
                                        << 6 << "must be ratio, seconds";
        QTest::newRow("analysis: window") << svc + "    analysis:\n      defaults: true\n      window: soon\n"
                                          << 6 << "\"services[0].analysis.window\" must be a duration";
        QTest::newRow("analysis: failureLimit above count")
            << svc + "    analysis:\n      defaults: true\n      count: 2\n      failureLimit: 3\n"
            << 7 << "\"services[0].analysis.failureLimit\" must be between 1 and 2";
        QTest::newRow("analysis: labels without defaults")
            << svc + "    analysis:\n      labels: {pod: kubernetes_pod_name}\n"
            << 5 << "set \"services[0].analysis.defaults: true\" too";
        QTest::newRow("analysis: label name")
            << svc + "    analysis:\n      defaults: true\n      labels: {pod: \"a-b\"}\n"
            << 6 << "must be a Prometheus label name";
        QTest::newRow("prometheus: service") << svc + "    prometheus: monitoring/prometheus\n"
                                             << 4 << "\"services[0].prometheus\" is refused";
        QTest::newRow("prometheus: both") << "prometheus: {service: a/b:1, url: http://x}\n"
                                          << 1 << "needs either service";
        QTest::newRow("prometheus: token via proxy") << "prometheus: {service: a/b:1, bearerTokenFile: /t}\n"
                                                     << 1 << "is for a url";
    }

    void errors()
    {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, what);
        const auto c = model::parseServiceConfig(yaml.toStdString(), "/home/me/.config/signalbox/services.yaml");
        QVERIFY(!c);
        const QString msg = QString::fromStdString(c.error().message);
        QVERIFY2(msg.contains(QStringLiteral("/home/me/.config/signalbox/services.yaml")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("line %1:").arg(line)), qPrintable(msg));
        QVERIFY2(msg.contains(what), qPrintable(msg));
    }

    // The file's setting wins over the window's saved choice only when the file names one.
    void pollIntervalIsUnsetUnlessNamed()
    {
        const auto without = model::parseServiceConfig("namespaces: [uro]\n", "/etc/sb.yaml");
        QVERIFY(without);
        QVERIFY(!without->pollIntervalSeconds);
        const auto watch = model::parseServiceConfig("pollIntervalSeconds: 0\n", "/etc/sb.yaml");
        QVERIFY(watch);
        QCOMPARE(watch->pollIntervalSeconds.value_or(-1), 0);
        const auto empty = model::parseServiceConfig("", "/etc/sb.yaml");
        QVERIFY(empty);
        QVERIFY(!empty->pollIntervalSeconds);
    }

    void watchAfterSwap()
    {
        const auto without = model::parseServiceConfig("namespaces: [uro]\n", "/etc/sb.yaml");
        QVERIFY(without);
        QVERIFY(!without->watchAfterSwapSeconds);
        const auto off = model::parseServiceConfig("watchAfterSwapSeconds: 0\n", "/etc/sb.yaml");
        QVERIFY(off);
        QCOMPARE(off->watchAfterSwapSeconds.value_or(-1), 0);
        const auto ten = model::parseServiceConfig("watchAfterSwapSeconds: 600\nservices: []\n", "/etc/sb.yaml");
        QVERIFY(ten);
        QCOMPARE(ten->watchAfterSwapSeconds.value_or(-1), 600);
    }

    void notifications()
    {
        const auto without = model::parseServiceConfig("namespaces: [uro]\n", "/etc/sb.yaml");
        QVERIFY(without);
        QVERIFY(!without->notifications.liveUnhealthy && !without->notifications.changedByOthers &&
                !without->notifications.longActions);
        const auto some = model::parseServiceConfig("notifications:\n  changedByOthers: false\n  longActions: true\n",
                                                    "/etc/sb.yaml");
        QVERIFY(some);
        QVERIFY(!some->notifications.liveUnhealthy);
        QCOMPARE(some->notifications.changedByOthers, std::optional<bool>(false));
        QCOMPARE(some->notifications.longActions, std::optional<bool>(true));
    }

    void smokeAnalysisPrometheus()
    {
        const auto c = model::parseServiceConfig(R"(
prometheus: monitoring/prometheus:9090
services:
  - name: uro
    namespace: uro
    smoke:
      repeat: 20
      ratePerSecond: 10
      timeoutSeconds: 3
      requests:
        - path: /api/v1/shards
          expectStatus: 200
          expectJsonField: data.ok
          expectJsonEquals: "true"
        - method: POST
          path: /api/v1/echo
          headers: {Content-Type: application/json}
          body: '{"x": 1}'
          expectBodyContains: x
    analysis:
      defaults: true
      labels: {namespace: kubernetes_namespace, pod: kubernetes_pod_name}
      window: 5m
      interval: 15s
      count: 4
      failureLimit: 2
      inconclusiveLimit: 1
      metrics:
        - name: error ratio
          query: sum(rate(x{pod=~"{{pods}}"}[{{window}}]))
          condition: < 0.01
          unit: ratio
        - name: queue depth
          query: max(queue_depth{namespace="{{namespace}}"})
          condition: candidate <= baseline + 10
    prometheus:
      url: https://prom.example/
      bearerTokenFile: /run/secrets/prom-token
      caFile: /etc/ssl/prom-ca.pem
  - name: uro-frontend
    namespace: uro
)",
                                                 "/etc/sb.yaml");
        QVERIFY2(c, c ? "" : c.error().message.c_str());
        QCOMPARE(c->prometheus.serviceName, std::string("prometheus"));
        const auto& u = c->services[0];
        QCOMPARE(u.smoke.repeat, 20);
        QCOMPARE(u.smoke.ratePerSecond, 10);
        QCOMPARE(u.smoke.timeoutSeconds, 3);
        QCOMPARE(u.smoke.requests.size(), std::size_t(2));
        QCOMPARE(u.smoke.requests[0].method, std::string("GET"));
        QCOMPARE(u.smoke.requests[0].expectJsonEquals, std::string("true"));
        QCOMPARE(u.smoke.requests[1].headers.front().first, std::string("Content-Type"));
        QCOMPARE(u.smoke.requests[1].body, std::string("{\"x\": 1}"));
        QCOMPARE(u.analysis.windowSeconds, 300);
        QCOMPARE(u.analysis.intervalSeconds, 15);
        QCOMPARE(u.analysis.count, 4);
        QCOMPARE(u.analysis.failureLimit, 2);
        QCOMPARE(u.analysis.inconclusiveLimit, 1);
        QCOMPARE(u.analysis.metrics.size(), std::size_t(3)); // the defaults, the error ratio replaced
        QCOMPARE(u.analysis.metrics[0].condition.text, std::string("< 0.01"));
        QCOMPARE(u.analysis.metrics[1].name, std::string("p99 latency"));
        QVERIFY(u.analysis.metrics[1].queryTemplate.find("kubernetes_pod_name=~") != std::string::npos);
        QCOMPARE(u.analysis.metrics[2].name, std::string("queue depth"));
        QCOMPARE(u.prometheus.url, std::string("https://prom.example"));
        QCOMPARE(u.prometheus.bearerTokenFile, std::string("/run/secrets/prom-token"));
        QCOMPARE(u.prometheus.caFile, std::string("/etc/ssl/prom-ca.pem"));
        // Unset: defaults, no metrics, the top-level Prometheus applies (prometheusTargetFor).
        const auto& f = c->services[1];
        QCOMPARE(f.smoke, model::SmokeSpec{});
        QVERIFY(f.analysis.metrics.empty());
        QVERIFY(!f.prometheus.configured());
        QCOMPARE(model::prometheusTargetFor(f, c->prometheus, nullptr, nullptr).serviceName, std::string("prometheus"));
    }

    void missingFiles()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("none.yaml")).toStdString();
        const auto quiet = model::loadServiceConfig(path, false);
        QVERIFY(quiet);
        QVERIFY(quiet->services.empty());
        const auto loud = model::loadServiceConfig(path, true);
        QVERIFY(!loud);
        QVERIFY(QString::fromStdString(loud.error().message).contains(QString::fromStdString(path)));
    }

    void configuredAndDiscoveredAreOne()
    {
        model::ServiceSpec configured;
        configured.name = "uro";
        configured.ns = "uro";
        configured.slotA = "uro-blue";
        configured.fromConfig = true;
        configured.applyDefaults();
        model::ServiceSpec found = configured;
        found.slotA = "uro-a";
        found.group = "uro";
        found.fromConfig = false;
        found.discovered = true;
        model::ServiceSpec other;
        other.name = "api";
        other.ns = "api";
        other.applyDefaults();
        const auto merged = model::mergeServices({configured}, {found, other});
        QCOMPARE(merged.size(), std::size_t(2));
        const auto& uro = merged[1].name == "uro" ? merged[1] : merged[0];
        QCOMPARE(uro.slotA, std::string("uro-blue"));
        QVERIFY(uro.fromConfig && uro.discovered);
    }
};

QTEST_APPLESS_MAIN(TestServiceConfig)
#include "tst_serviceconfig.moc"
