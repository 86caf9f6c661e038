/*
 * The declarative file on its own: a good file (YAML or JSON) becomes a DesiredConfig, and a bad
 * one is rejected whole, every problem named by its path in the file with what is wrong, several
 * at once, each reported once, in the model's own words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AlbatrossError, type Problem } from '../../src/model/index.ts';
import { parseConfigText, readConfigFile, type ConfigCheckOptions, type KnownResources } from '../../src/config/config-file.ts';

const tutorialPath = resolve(import.meta.dirname, '../../examples/tutorial.yaml');

/** The problems `text` is rejected with; fails the test when it is accepted. */
function problemsOf(text: string, options?: ConfigCheckOptions): Problem[] {
  try {
    parseConfigText(text, options);
  } catch (err) {
    assert.ok(err instanceof AlbatrossError, `expected an AlbatrossError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('the file was accepted');
}

/** Asserts exactly one problem at `path`, whose message matches `message`. */
function assertProblem(problems: readonly Problem[], path: string, message: RegExp): Problem {
  const at = problems.filter((p) => p.path === path);
  assert.equal(at.length, 1, `expected one problem at ${path}, got:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  assert.match(at[0]!.message, message);
  return at[0]!;
}

const minimal = `
targetGroups:
  - name: web
    port: 8080
    targets: [{ id: 127.0.0.1, port: 8081 }]
loadBalancers:
  - name: web-alb
    listeners:
      - port: 8000
        defaultActions: [{ type: forward, targetGroupName: web }]
`;

test('the tutorial example parses into the tutorial setup', async () => {
  const config = await readConfigFile(tutorialPath);
  assert.equal(config.targetGroups.length, 1);
  const tg = config.targetGroups[0]!;
  assert.equal(tg.input.name, 'tutorial-tg');
  assert.equal(tg.input.protocol, 'HTTP');
  assert.equal(tg.input.port, 8080);
  assert.equal(tg.input.protocolVersion, 'HTTP1');
  assert.equal(tg.input.targetType, 'instance');
  assert.equal(tg.input.healthCheckPath, '/status');
  assert.equal(tg.input.healthCheckIntervalSeconds, 5);
  assert.equal(tg.input.healthCheckTimeoutSeconds, 2);
  assert.equal(tg.input.healthyThresholdCount, 2);
  assert.equal(tg.input.unhealthyThresholdCount, 2);
  // Attribute values written as numbers and booleans are stored as the API's strings.
  assert.equal(tg.input.attributes?.['deregistration_delay.timeout_seconds'], '30');
  assert.equal(tg.input.attributes?.['stickiness.enabled'], 'false');
  assert.deepEqual(tg.targets?.map((t) => `${t.id}:${t.port}`), ['127.0.0.1:8081', '127.0.0.1:8082']);
  const lb = config.loadBalancers[0]!;
  assert.equal(lb.input.name, 'tutorial-alb');
  assert.equal(lb.input.scheme, 'internet-facing');
  assert.equal(lb.input.ipAddressType, 'ipv4');
  assert.equal(lb.listeners?.length, 1);
  assert.equal(lb.listeners?.[0]?.protocol, 'HTTP');
  assert.equal(lb.listeners?.[0]?.port, 8000);
  assert.equal(lb.listeners?.[0]?.defaultActions[0]?.targetGroupName, 'tutorial-tg');
});

test('JSON is accepted and means the same as YAML', () => {
  const json = JSON.stringify(
    {
      targetGroups: [{ name: 'web', port: 8080, targets: [{ id: '127.0.0.1', port: 8081 }] }],
      loadBalancers: [{ name: 'web-alb', listeners: [{ port: 8000, defaultActions: [{ type: 'forward', targetGroupName: 'web' }] }] }],
    },
    null,
    '\t',
  );
  assert.deepEqual(parseConfigText(json), parseConfigText(minimal));
});

test('omitted fields are left to the model; a target without a port takes the group port', () => {
  const config = parseConfigText('targetGroups:\n  - name: web\n    port: 9000\n    targets: [{ id: web1.example.com }]\n  - name: other\n');
  assert.deepEqual(config.targetGroups[0]!.targets?.map((t) => t.port), [9000]);
  assert.equal(config.targetGroups[1]!.input.protocol, undefined);
  // No `targets` key: the file does not manage that group's targets.
  assert.equal(config.targetGroups[1]!.targets, undefined);
  assert.deepEqual(config.loadBalancers, []);
});

test('matcher is accepted as a string, a number or {httpCode}', () => {
  for (const matcher of ['"200-299"', '200', '{ httpCode: "200,202" }', '{ httpCode: 204 }']) {
    const config = parseConfigText(`targetGroups:\n  - name: web\n    matcher: ${matcher}\n`);
    assert.equal(typeof config.targetGroups[0]!.input.matcher, 'string');
  }
  assertProblem(problemsOf('targetGroups:\n  - name: web\n    matcher: { grpcCode: "0" }\n'), 'targetGroups[0].matcher', /HTTP codes/);
  assertProblem(problemsOf('targetGroups:\n  - name: web\n    matcher: "600"\n'), 'targetGroups[0].matcher', /from 200 to 499/);
});

test('YAML and JSON syntax errors are reported with line and column', () => {
  const yaml = problemsOf('targetGroups:\n  - name: web\n    port: [8080\n');
  assert.equal(yaml.length, 1);
  assert.match(yaml[0]!.path, /^line \d+:\d+$/);

  const json = problemsOf('{\n  "targetGroups": [\n    { "name": "web",, }\n  ]\n}\n');
  assert.equal(json[0]!.path, 'line 3:21');
  assert.match(json[0]!.message, /Unexpected ,/);

  const duplicateKey = problemsOf('targetGroups:\n  - name: web\n    port: 1\n    port: 2\n');
  assert.equal(duplicateKey[0]!.path, 'line 4:5');
  assert.match(duplicateKey[0]!.message, /unique/);
});

test('an empty file is rejected rather than read as "nothing wanted"', () => {
  assertProblem(problemsOf(''), '(file)', /empty/);
  assertProblem(problemsOf('# only a comment\n'), '(file)', /empty/);
});

test('unknown keys are problems, with a hint for misspelt or PascalCase names', () => {
  const problems = problemsOf(`
targetGroups:
  - name: web
    HealthCheckPath: /status
    healthCheckPathh: /status
    targets: [{ id: 127.0.0.1, Port: 80 }]
loadBalancers:
  - name: web-alb
    listeners: [{ port: 8000, defaultActions: [{ type: forward, targetGroupName: web, weight: 2 }] }]
version: 1
`);
  assertProblem(problems, 'targetGroups[0].HealthCheckPath', /unknown key 'HealthCheckPath' \(did you mean 'healthCheckPath'\?\)/);
  assertProblem(problems, 'targetGroups[0].healthCheckPathh', /did you mean 'healthCheckPath'/);
  assertProblem(problems, 'targetGroups[0].targets[0].Port', /did you mean 'port'/);
  assertProblem(problems, 'loadBalancers[0].listeners[0].defaultActions[0].weight', /unknown key 'weight'/);
  assertProblem(problems, 'version', /unknown key 'version' \(allowed: targetGroups, loadBalancers\)/);
  assert.equal(problems.length, 5);
});

test('wrong types are problems, each reported once', () => {
  const problems = problemsOf(`
targetGroups:
  - name: web
    port: "8080"
    healthCheckEnabled: "yes"
    targets: 127.0.0.1
  - "just a name"
  - name: api
    targets: [127.0.0.1, { id: 10.0.0.1, port: eighty }]
    attributes: { stickiness.enabled: [true] }
loadBalancers: { name: web-alb }
`);
  assertProblem(problems, 'targetGroups[0].port', /must be a number, got "8080"/);
  assertProblem(problems, 'targetGroups[0].healthCheckEnabled', /must be true or false, got "yes"/);
  assertProblem(problems, 'targetGroups[0].targets', /must be a list, got "127.0.0.1"/);
  assertProblem(problems, 'targetGroups[1]', /must be a mapping, got "just a name"/);
  assertProblem(problems, 'targetGroups[2].targets[0]', /must be a mapping/);
  assertProblem(problems, 'targetGroups[2].targets[1].port', /must be a number, got "eighty"/);
  assertProblem(problems, 'targetGroups[2].attributes.stickiness.enabled', /must be a string, a number or true\/false, got a list/);
  assertProblem(problems, 'loadBalancers', /must be a list, got a mapping/);
  // The element that is not a mapping is not reported again as "name is required".
  assert.equal(problems.filter((p) => p.path.startsWith('targetGroups[1]')).length, 1);
  assert.equal(problems.length, 8);
});

test('out-of-range values get the model\'s messages, several at once', () => {
  const problems = problemsOf(`
targetGroups:
  - name: web
    protocol: HTTPX
    port: 70000
    protocolVersion: HTTP3
    targetType: lambda
    healthCheckPath: status
    healthCheckIntervalSeconds: 1
    healthyThresholdCount: 11
    unhealthyThresholdCount: 1
    attributes:
      deregistration_delay.timeout_seconds: 5000
      slow_start.duration_seconds: 10
      no_such.attribute: 1
  - name: ips
    targetType: ip
    healthCheckIntervalSeconds: 10
    healthCheckTimeoutSeconds: 10
    targets:
      - { id: web1.example.com, port: 80 }
      - { id: 10.0.0.1, port: 0 }
loadBalancers:
  - name: -web-
    scheme: public
    ipAddressType: ipv6
    attributes: { idle_timeout.timeout_seconds: 0 }
    listeners:
      - protocol: TCP
        port: 70000
        defaultActions: [{ type: forward, targetGroupName: web, order: 0 }]
      - port: 8001
        defaultActions:
          - type: redirect
            redirectConfig: { statusCode: HTTP_307, port: 99999, path: nope }
      - port: 8002
        defaultActions:
          - type: fixed-response
            fixedResponseConfig: { statusCode: 600 }
      - port: 8003
        defaultActions: []
      - defaultActions: [{ type: teleport }]
      - protocol: HTTPS
        port: 8443
        defaultActions: [{ type: forward, targetGroupName: web }]
`);
  assertProblem(problems, 'targetGroups[0].protocol', /protocol must be one of HTTP, HTTPS, got "HTTPX"/);
  assertProblem(problems, 'targetGroups[0].port', /port must be an integer from 1 to 65535, got 70000/);
  assertProblem(problems, 'targetGroups[0].protocolVersion', /one of HTTP1, HTTP2, GRPC/);
  assertProblem(problems, 'targetGroups[0].targetType', /one of instance, ip/);
  assertProblem(problems, 'targetGroups[0].healthCheckPath', /must start with '\/'/);
  assertProblem(problems, 'targetGroups[0].healthCheckIntervalSeconds', /from 5 to 300, got 1/);
  assertProblem(problems, 'targetGroups[0].healthyThresholdCount', /from 2 to 10, got 11/);
  assertProblem(problems, 'targetGroups[0].unhealthyThresholdCount', /from 2 to 10, got 1/);
  assertProblem(problems, 'targetGroups[0].attributes.deregistration_delay.timeout_seconds', /from 0 to 3600, got 5000/);
  assertProblem(problems, 'targetGroups[0].attributes.slow_start.duration_seconds', /0 or from 30 to 900/);
  assertProblem(problems, 'targetGroups[0].attributes.no_such.attribute', /unknown attribute/);
  assertProblem(problems, 'targetGroups[1].healthCheckTimeoutSeconds', /must be smaller than the interval/);
  assertProblem(problems, 'targetGroups[1].targets[0].id', /not an IPv4 or IPv6 address \(the target group's targetType is ip\)/);
  assertProblem(problems, 'targetGroups[1].targets[1].port', /from 1 to 65535, got 0/);
  assertProblem(problems, 'loadBalancers[0].name', /can contain only alphanumeric characters and hyphens/);
  assertProblem(problems, 'loadBalancers[0].scheme', /internet-facing, internal/);
  assertProblem(problems, 'loadBalancers[0].ipAddressType', /ipv4, dualstack/);
  assertProblem(problems, 'loadBalancers[0].attributes.idle_timeout.timeout_seconds', /from 1 to 4000/);
  assertProblem(problems, 'loadBalancers[0].listeners[0].protocol', /HTTP, HTTPS/);
  assertProblem(problems, 'loadBalancers[0].listeners[0].port', /from 1 to 65535, got 70000/);
  assertProblem(problems, 'loadBalancers[0].listeners[0].defaultActions[0].order', /from 1 to 50000/);
  assertProblem(problems, 'loadBalancers[0].listeners[1].defaultActions[0].redirectConfig.statusCode', /HTTP_301 or HTTP_302/);
  assertProblem(problems, 'loadBalancers[0].listeners[1].defaultActions[0].redirectConfig.port', /1-65535/);
  assertProblem(problems, 'loadBalancers[0].listeners[1].defaultActions[0].redirectConfig.path', /start with '\/'/);
  assertProblem(problems, 'loadBalancers[0].listeners[2].defaultActions[0].fixedResponseConfig.statusCode', /2XX, 4XX or 5XX/);
  assertProblem(problems, 'loadBalancers[0].listeners[3].defaultActions', /at least one action/);
  assertProblem(problems, 'loadBalancers[0].listeners[4].port', /port is required/);
  assertProblem(problems, 'loadBalancers[0].listeners[4].defaultActions[0].type', /forward, redirect or fixed-response, got "teleport"/);
  assertProblem(problems, 'loadBalancers[0].listeners[5].certificates', /certificate must be specified/);
  // Each problem names its line; a missing key's problem points at its parent mapping.
  assert.match(problems.find((p) => p.path === 'targetGroups[0].protocol')!.message, /\(line 4\)$/);
  assert.match(problems.find((p) => p.path === 'loadBalancers[0].listeners[4].port')!.message, /\(line 42\)$/);
  const lines = problems.map((p) => Number(/\(line (\d+)\)$/.exec(p.message)?.[1]));
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b), 'problems come in file order');
});

test('names used twice, targets listed twice and listener ports used twice are problems', () => {
  const problems = problemsOf(`
targetGroups:
  - name: web
    port: 8080
    targets:
      - { id: 127.0.0.1, port: 8080 }
      - { id: 127.0.0.1 }
      - { id: 127.0.0.1, port: 8081 }
  - name: web
loadBalancers:
  - name: web-alb
    listeners:
      - { port: 8000, defaultActions: [{ type: forward, targetGroupName: web }] }
  - name: web-alb
  - name: other-alb
    listeners:
      - { port: 8000, defaultActions: [{ type: fixed-response, fixedResponseConfig: { statusCode: "404" } }] }
`);
  const target = assertProblem(problems, 'targetGroups[0].targets[1]', /target 127.0.0.1:8080 is listed twice .*targetGroups\[0\]\.targets\[0\]/);
  assert.equal(target.code, 'InvalidTarget');
  assert.equal(assertProblem(problems, 'targetGroups[1].name', /'web' is already used by targetGroups\[0\]/).code, 'DuplicateTargetGroupName');
  assert.equal(assertProblem(problems, 'loadBalancers[1].name', /'web-alb' is already used by loadBalancers\[0\]/).code, 'DuplicateLoadBalancerName');
  const port = assertProblem(problems, 'loadBalancers[2].listeners[0].port', /port 8000 is already used by loadBalancers\[0\]\.listeners\[0\] \(load balancer 'web-alb'\)/);
  assert.equal(port.code, 'DuplicateListener');
  assert.equal(problems.length, 4);
});

test('a targetGroupName must name a group in the file or the store', () => {
  const text = minimal.replace('targetGroupName: web }', 'targetGroupName: api }');
  const problem = assertProblem(problemsOf(text), 'loadBalancers[0].listeners[0].defaultActions[0].targetGroupName', /target group 'api' is not in the file or the store/);
  assert.equal(problem.code, 'TargetGroupNotFound');

  const existing: KnownResources = {
    targetGroups: [{ name: 'api', arn: 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/api/0123456789abcdef' }],
    loadBalancers: [],
    listeners: [],
  };
  assert.doesNotThrow(() => parseConfigText(text, { existing }));
  // With --prune a group that is only in the store would be removed from under the listener.
  assert.equal(
    assertProblem(problemsOf(text, { existing, prune: true }), 'loadBalancers[0].listeners[0].defaultActions[0].targetGroupName', /--prune would remove it/).code,
    'ResourceInUse',
  );
});

test('weighted forwards name each group; ARNs must exist; name and ARN are not both given', () => {
  const problems = problemsOf(`
targetGroups: [{ name: web }]
loadBalancers:
  - name: web-alb
    listeners:
      - port: 8000
        defaultActions:
          - type: forward
            forwardConfig:
              targetGroups:
                - { targetGroupName: web, weight: 1000 }
                - { targetGroupName: nope }
                - { weight: 1 }
                - { targetGroupArn: "arn:aws:elasticloadbalancing:local:000000000000:targetgroup/gone/0123456789abcdef" }
      - port: 8001
        defaultActions: [{ type: forward, targetGroupName: web, targetGroupArn: x }]
`);
  const p = 'loadBalancers[0].listeners[0].defaultActions[0].forwardConfig.targetGroups';
  assertProblem(problems, `${p}[0].weight`, /from 0 to 999, got 1000/);
  assertProblem(problems, `${p}[1].targetGroupName`, /'nope' is not in the file or the store/);
  assertProblem(problems, `${p}[2]`, /give targetGroupName or targetGroupArn/);
  assertProblem(problems, `${p}[3].targetGroupArn`, /not found/);
  assertProblem(problems, 'loadBalancers[0].listeners[1].defaultActions[0]', /not both/);
  const config = parseConfigText(`
targetGroups: [{ name: blue }, { name: green }]
loadBalancers:
  - name: web-alb
    listeners:
      - port: 8000
        defaultActions:
          - type: forward
            forwardConfig:
              targetGroups: [{ targetGroupName: blue, weight: 90 }, { targetGroupName: green, weight: 10 }]
              targetGroupStickinessConfig: { enabled: true, durationSeconds: 60 }
`);
  assert.equal(config.loadBalancers[0]!.listeners![0]!.defaultActions[0]!.forwardConfig?.targetGroups?.length, 2);
});

test('a listener port held by a load balancer of the store that stays is a problem', () => {
  const existing: KnownResources = {
    targetGroups: [],
    loadBalancers: [{ name: 'legacy-alb', arn: 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/legacy-alb/0123456789abcdef' }],
    listeners: [{
      port: 8000,
      protocol: 'HTTP',
      loadBalancerArn: 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/legacy-alb/0123456789abcdef',
      defaultActions: [],
    }],
  };
  const problem = assertProblem(problemsOf(minimal, { existing }), 'loadBalancers[0].listeners[0].port', /port 8000 is already used by load balancer 'legacy-alb'/);
  assert.equal(problem.code, 'DuplicateListener');
  // --prune removes legacy-alb, so its port becomes free for this file.
  assert.doesNotThrow(() => parseConfigText(minimal, { existing, prune: true }));
});

test('fields of another action type are problems', () => {
  const problems = problemsOf(`
loadBalancers:
  - name: web-alb
    listeners:
      - port: 8000
        defaultActions:
          - type: fixed-response
            targetGroupName: web
            fixedResponseConfig: { statusCode: 503, contentType: text/xml }
`);
  assertProblem(problems, 'loadBalancers[0].listeners[0].defaultActions[0].targetGroupName', /only for forward actions/);
  assertProblem(problems, 'loadBalancers[0].listeners[0].defaultActions[0].fixedResponseConfig.contentType', /contentType must be one of/);
  assert.equal(problems.length, 2);
});
