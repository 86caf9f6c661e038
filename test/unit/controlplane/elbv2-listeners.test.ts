/*
 * Listener actions run directly against a real SQLite store: HTTP and HTTPS listeners (default
 * SSL policy, certificates from the store), default actions checked by the model, ports unique
 * on the node, modify, delete, certificate lists and DescribeSSLPolicies; refused calls change
 * nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certArn, fixture, get, seedCertificateAndGroup, type Fixture } from './elbv2-fixture.ts';

async function setup(): Promise<{ f: Fixture; lb: string; lb2: string; tg: string; tg2: string }> {
  const f = await fixture();
  await seedCertificateAndGroup(f);
  const lb = get(await f.call('CreateLoadBalancer', { Name: 'lb' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const lb2 = get(await f.call('CreateLoadBalancer', { Name: 'lb2' }), 'LoadBalancers', 0, 'LoadBalancerArn');
  const tg = get(await f.call('CreateTargetGroup', { Name: 'tg', Port: 8080 }), 'TargetGroups', 0, 'TargetGroupArn');
  const tg2 = get(await f.call('CreateTargetGroup', { Name: 'tg2', Port: 8081 }), 'TargetGroups', 0, 'TargetGroupArn');
  return { f, lb, lb2, tg, tg2 };
}

const missing = (arn: string) => arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff');

test('CreateListener (HTTP, forward) returns ALB\'s shape, with both forms of a single-group forward', async () => {
  const { f, lb, tg } = await setup();
  const r = await f.call('CreateListener', { LoadBalancerArn: lb, Protocol: 'HTTP', Port: 18100, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });
  const l = get(r, 'Listeners', 0);
  assert.match(l.ListenerArn, /^arn:aws:elasticloadbalancing:local:000000000000:listener\/app\/lb\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
  assert.ok(l.ListenerArn.startsWith(lb.replace(':loadbalancer/', ':listener/') + '/'));
  assert.deepEqual(l, {
    ListenerArn: l.ListenerArn,
    LoadBalancerArn: lb,
    Port: 18100,
    Protocol: 'HTTP',
    Certificates: undefined,
    SslPolicy: undefined,
    DefaultActions: [
      {
        Type: 'forward',
        TargetGroupArn: tg,
        Order: 1,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false, DurationSeconds: undefined } },
      },
    ],
  });
  assert.deepEqual(get(await f.call('DescribeTargetGroups', { TargetGroupArns: [tg] }), 'TargetGroups', 0, 'LoadBalancerArns'), [lb]);
});

test('CreateListener takes redirect, fixed-response and weighted forward actions', async () => {
  const { f, lb, tg, tg2 } = await setup();
  const redirect = get(
    await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18101, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }] }),
    'Listeners', 0, 'DefaultActions', 0,
  );
  assert.deepEqual(redirect, {
    Type: 'redirect',
    Order: 1,
    RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' },
  });
  const fixed = get(
    await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18102, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', MessageBody: 'nothing here' } }] }),
    'Listeners', 0, 'DefaultActions', 0,
  );
  assert.deepEqual(fixed, { Type: 'fixed-response', Order: 1, FixedResponseConfig: { MessageBody: 'nothing here', StatusCode: '404', ContentType: 'text/plain' } });
  const weighted = get(
    await f.call('CreateListener', {
      LoadBalancerArn: lb,
      Port: 18103,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: tg, Weight: 3 }, { TargetGroupArn: tg2, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
          },
        },
      ],
    }),
    'Listeners', 0, 'DefaultActions', 0,
  );
  assert.equal(weighted.TargetGroupArn, undefined, 'a weighted forward has no single TargetGroupArn');
  assert.deepEqual(weighted.ForwardConfig, {
    TargetGroups: [{ TargetGroupArn: tg, Weight: 3 }, { TargetGroupArn: tg2, Weight: 1 }],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
  });
});

test('CreateListener refuses bad listeners with ALB\'s codes and changes nothing', async () => {
  const { f, lb, tg } = await setup();
  const fwd = [{ Type: 'forward', TargetGroupArn: tg }];
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 0, DefaultActions: fwd }, 'ValidationError', /port/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 65536, DefaultActions: fwd }, 'ValidationError');
  await f.fails('CreateListener', { LoadBalancerArn: lb, DefaultActions: fwd }, 'ValidationError', /port is required/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, Protocol: 'TCP', DefaultActions: fwd }, 'ValidationError', /protocol/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110 }, 'ValidationError', /at least one action/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'forward', TargetGroupArn: missing(tg) }] }, 'TargetGroupNotFound');
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'forward' }] }, 'ValidationError', /needs a target group/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ TargetGroupArn: tg }] }, 'ValidationError', /Type is required/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'teleport' }] }, 'ValidationError', /action type/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'authenticate-oidc' }] }, 'InvalidConfigurationRequest', /not supported/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_307' } }] }, 'ValidationError', /HTTP_301/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '302' } }] }, 'ValidationError');
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg, Order: 'first' }] }, 'ValidationError', /integer/);
  await f.fails(
    'CreateListener',
    { LoadBalancerArn: lb, Port: 18110, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1000 }] } }] },
    'ValidationError',
    /weight/,
  );
  await f.fails('CreateListener', { LoadBalancerArn: missing(lb), Port: 18110, DefaultActions: fwd }, 'LoadBalancerNotFound');
  await f.fails('CreateListener', { LoadBalancerArn: 'lb', Port: 18110, DefaultActions: fwd }, 'ValidationError', /load balancer ARN/);
  await f.fails('CreateListener', { Port: 18110, DefaultActions: fwd }, 'MissingParameter');
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: fwd, Certificates: [{ CertificateArn: certArn('site') }] }, 'ValidationError', /only for HTTPS/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: fwd, SslPolicy: 'ELBSecurityPolicy-2016-08' }, 'ValidationError', /only for HTTPS/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18110, DefaultActions: fwd, AlpnPolicy: ['HTTP2Only'] }, 'ValidationError', /AlpnPolicy/);
  // HTTPS: a certificate from the store, a known policy.
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18443, Protocol: 'HTTPS', DefaultActions: fwd }, 'ValidationError', /certificate must be specified/);
  await f.fails('CreateListener', { LoadBalancerArn: lb, Port: 18443, Protocol: 'HTTPS', DefaultActions: fwd, Certificates: [{ CertificateArn: certArn('nope') }] }, 'CertificateNotFound');
  await f.fails(
    'CreateListener',
    { LoadBalancerArn: lb, Port: 18443, Protocol: 'HTTPS', DefaultActions: fwd, Certificates: [{ CertificateArn: certArn('site') }], SslPolicy: 'ELBSecurityPolicy-Nope' },
    'SSLPolicyNotFound',
  );
  await f.fails(
    'CreateListener',
    { LoadBalancerArn: lb, Port: 18443, Protocol: 'HTTPS', DefaultActions: fwd, Certificates: [{ CertificateArn: certArn('site') }, { CertificateArn: certArn('other') }] },
    'ValidationError',
    /exactly one certificate/,
  );
  await f.fails(
    'CreateListener',
    { LoadBalancerArn: lb, Port: 18443, Protocol: 'HTTPS', DefaultActions: fwd, Certificates: [{ CertificateArn: certArn('site'), IsDefault: true }] },
    'ValidationError',
    /cannot set the isDefault parameter/,
  );
  assert.deepEqual(get(await f.call('DescribeListeners', { LoadBalancerArn: lb }), 'Listeners'), []);
});

test('HTTPS listeners get ELBSecurityPolicy-2016-08 unless told; DescribeListeners shows the default certificate', async () => {
  const { f, lb, tg } = await setup();
  const fwd = [{ Type: 'forward', TargetGroupArn: tg }];
  const l = get(
    await f.call('CreateListener', { LoadBalancerArn: lb, Protocol: 'HTTPS', Port: 18443, DefaultActions: fwd, Certificates: [{ CertificateArn: certArn('site') }] }),
    'Listeners', 0,
  );
  assert.equal(l.SslPolicy, 'ELBSecurityPolicy-2016-08');
  assert.deepEqual(l.Certificates, [{ CertificateArn: certArn('site') }]);
  const tls13 = get(
    await f.call('CreateListener', {
      LoadBalancerArn: lb,
      Protocol: 'HTTPS',
      Port: 18444,
      DefaultActions: fwd,
      Certificates: [{ CertificateArn: certArn('site') }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    }),
    'Listeners', 0,
  );
  assert.equal(tls13.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
});

test('ports are unique on the node; an identical CreateListener returns the existing listener', async () => {
  const { f, lb, lb2, tg, tg2 } = await setup();
  const params = { LoadBalancerArn: lb, Protocol: 'HTTP', Port: 18120, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] };
  const arn = get(await f.call('CreateListener', params), 'Listeners', 0, 'ListenerArn');
  const version = await f.store.configVersion();
  assert.equal(get(await f.call('CreateListener', params), 'Listeners', 0, 'ListenerArn'), arn);
  assert.equal(await f.store.configVersion(), version);
  await f.fails('CreateListener', { ...params, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg2 }] }, 'DuplicateListener', /port 18120/);
  await f.fails('CreateListener', { ...params, LoadBalancerArn: lb2 }, 'DuplicateListener', /load balancer/);
});

test('DescribeListeners by load balancer or ARNs, paginated; unknown ones are not found', async () => {
  const { f, lb, lb2, tg } = await setup();
  const fwd = [{ Type: 'forward', TargetGroupArn: tg }];
  const a = get(await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18131, DefaultActions: fwd }), 'Listeners', 0, 'ListenerArn');
  const b = get(await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18130, DefaultActions: fwd }), 'Listeners', 0, 'ListenerArn');
  const c = get(await f.call('CreateListener', { LoadBalancerArn: lb2, Port: 18132, DefaultActions: fwd }), 'Listeners', 0, 'ListenerArn');
  const ports = (r: unknown) => get(r, 'Listeners').map((l: any) => l.Port);
  assert.deepEqual(ports(await f.call('DescribeListeners', { LoadBalancerArn: lb })), [18130, 18131]);
  assert.deepEqual(ports(await f.call('DescribeListeners', { ListenerArns: [c, a] })), [18131, 18132]);
  const p1 = await f.call('DescribeListeners', { LoadBalancerArn: lb, PageSize: 1 });
  assert.deepEqual(ports(p1), [18130]);
  assert.deepEqual(ports(await f.call('DescribeListeners', { LoadBalancerArn: lb, PageSize: 1, Marker: p1.NextMarker as string })), [18131]);
  await f.fails('DescribeListeners', { ListenerArns: [missing(b)] }, 'ListenerNotFound');
  await f.fails('DescribeListeners', { LoadBalancerArn: missing(lb) }, 'LoadBalancerNotFound');
  await f.fails('DescribeListeners', {}, 'ValidationError', /LoadBalancerArn or ListenerArns/);
  await f.fails('DescribeListeners', { ListenerArns: [lb] }, 'ValidationError', /listener ARN/);
});

test('ModifyListener changes port, actions, protocol, certificate and policy', async () => {
  const { f, lb, lb2, tg, tg2 } = await setup();
  const arn = get(await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18140, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }), 'Listeners', 0, 'ListenerArn');
  await f.call('CreateListener', { LoadBalancerArn: lb2, Port: 18141, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] });

  let l = get(await f.call('ModifyListener', { ListenerArn: arn, Port: 18142, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg2 }] }), 'Listeners', 0);
  assert.equal(l.Port, 18142);
  assert.equal(l.DefaultActions[0].TargetGroupArn, tg2);
  assert.deepEqual(get(await f.call('DescribeTargetGroups', { TargetGroupArns: [tg2] }), 'TargetGroups', 0, 'LoadBalancerArns'), [lb]);

  await f.fails('ModifyListener', { ListenerArn: arn, Port: 18141 }, 'DuplicateListener');
  await f.fails('ModifyListener', { ListenerArn: arn, Protocol: 'HTTPS' }, 'ValidationError', /certificate must be specified/);
  await f.fails('ModifyListener', { ListenerArn: arn, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certArn('site'), IsDefault: true }] }, 'ValidationError', /cannot set the isDefault parameter/);
  await f.fails('ModifyListener', { ListenerArn: arn, DefaultActions: [{ Type: 'forward', TargetGroupArn: missing(tg) }] }, 'TargetGroupNotFound');
  await f.fails('ModifyListener', { ListenerArn: arn, SslPolicy: 'ELBSecurityPolicy-2016-08' }, 'ValidationError', /only for HTTPS/);
  await f.fails('ModifyListener', { ListenerArn: missing(arn), Port: 18150 }, 'ListenerNotFound');

  l = get(await f.call('ModifyListener', { ListenerArn: arn, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certArn('site') }] }), 'Listeners', 0);
  assert.equal(l.Protocol, 'HTTPS');
  assert.equal(l.SslPolicy, 'ELBSecurityPolicy-2016-08');
  assert.deepEqual(l.Certificates, [{ CertificateArn: certArn('site') }]);
  l = get(await f.call('ModifyListener', { ListenerArn: arn, SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06', Certificates: [{ CertificateArn: certArn('other') }] }), 'Listeners', 0);
  assert.equal(l.SslPolicy, 'ELBSecurityPolicy-TLS13-1-3-2021-06');
  assert.deepEqual(l.Certificates, [{ CertificateArn: certArn('other') }]);
  await f.fails('ModifyListener', { ListenerArn: arn, SslPolicy: 'ELBSecurityPolicy-Nope' }, 'SSLPolicyNotFound');
  await f.fails('ModifyListener', { ListenerArn: arn, Certificates: [{ CertificateArn: certArn('nope') }] }, 'CertificateNotFound');
  // Back to HTTP: certificates and policy go.
  l = get(await f.call('ModifyListener', { ListenerArn: arn, Protocol: 'HTTP' }), 'Listeners', 0);
  assert.equal(l.SslPolicy, undefined);
  assert.equal(l.Certificates, undefined);
  const stored = await f.store.transaction((tx) => tx.getListener(arn));
  assert.deepEqual(stored?.certificates, []);
});

test('DeleteListener deletes it (and frees its port); unknown is ListenerNotFound', async () => {
  const { f, lb, tg } = await setup();
  const params = { LoadBalancerArn: lb, Port: 18160, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] };
  const arn = get(await f.call('CreateListener', params), 'Listeners', 0, 'ListenerArn');
  assert.deepEqual(await f.call('DeleteListener', { ListenerArn: arn }), {});
  await f.fails('DeleteListener', { ListenerArn: arn }, 'ListenerNotFound');
  await f.fails('DeleteListener', { ListenerArn: 'x' }, 'ValidationError');
  await f.call('CreateListener', params);
});

test('listener certificate lists: add, describe (IsDefault), remove; the default cannot be removed', async () => {
  const { f, lb, tg } = await setup();
  const https = get(
    await f.call('CreateListener', { LoadBalancerArn: lb, Protocol: 'HTTPS', Port: 18170, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }], Certificates: [{ CertificateArn: certArn('site') }] }),
    'Listeners', 0, 'ListenerArn',
  );
  const http = get(await f.call('CreateListener', { LoadBalancerArn: lb, Port: 18171, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }), 'Listeners', 0, 'ListenerArn');
  assert.deepEqual(await f.call('AddListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('other') }, { CertificateArn: certArn('third') }] }), {
    Certificates: [{ CertificateArn: certArn('other'), IsDefault: false }, { CertificateArn: certArn('third'), IsDefault: false }],
  });
  // Adding one already there is fine and adds nothing.
  await f.call('AddListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('other') }] });
  const list = await f.call('DescribeListenerCertificates', { ListenerArn: https });
  assert.deepEqual(get(list, 'Certificates'), [
    { CertificateArn: certArn('site'), IsDefault: true },
    { CertificateArn: certArn('other'), IsDefault: false },
    { CertificateArn: certArn('third'), IsDefault: false },
  ]);
  const page = await f.call('DescribeListenerCertificates', { ListenerArn: https, PageSize: 2 });
  assert.equal(get(page, 'Certificates').length, 2);
  assert.ok(page.NextMarker);
  assert.deepEqual(get(await f.call('DescribeListeners', { ListenerArns: [https] }), 'Listeners', 0, 'Certificates'), [{ CertificateArn: certArn('site') }]);

  await f.call('RemoveListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('other') }] });
  assert.deepEqual(get(await f.call('DescribeListenerCertificates', { ListenerArn: https }), 'Certificates').map((c: any) => c.CertificateArn), [certArn('site'), certArn('third')]);

  await f.fails('RemoveListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('site') }] }, 'OperationNotPermitted', /default certificate/);
  // As ALB: a certificate that is not on the listener (here: just removed) is not found, and nothing changes.
  await f.fails('RemoveListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('third') }, { CertificateArn: certArn('other') }] }, 'CertificateNotFound', /Certificates\.member\.2/);
  assert.deepEqual(get(await f.call('DescribeListenerCertificates', { ListenerArn: https }), 'Certificates').map((c: any) => c.CertificateArn), [certArn('site'), certArn('third')]);
  await f.fails('AddListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('nope') }] }, 'CertificateNotFound');
  await f.fails('AddListenerCertificates', { ListenerArn: https, Certificates: [{ CertificateArn: certArn('other'), IsDefault: true }] }, 'ValidationError', /ModifyListener/);
  await f.fails('AddListenerCertificates', { ListenerArn: http, Certificates: [{ CertificateArn: certArn('other') }] }, 'ValidationError', /HTTPS/);
  await f.fails('AddListenerCertificates', { ListenerArn: https }, 'MissingParameter');
  await f.fails('AddListenerCertificates', { ListenerArn: missing(https), Certificates: [{ CertificateArn: certArn('other') }] }, 'ListenerNotFound');
  await f.fails('DescribeListenerCertificates', { ListenerArn: missing(https) }, 'ListenerNotFound');
  assert.deepEqual(get(await f.call('DescribeListenerCertificates', { ListenerArn: http }), 'Certificates'), []);
});

test('DescribeSSLPolicies lists ALB\'s policies with protocols and ciphers; unknown names are SSLPolicyNotFound', async () => {
  const f = await fixture();
  const all = get(await f.call('DescribeSSLPolicies'), 'SslPolicies');
  const names = all.map((p: any) => p.Name);
  for (const n of ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06', 'ELBSecurityPolicy-FS-1-2-Res-2020-10', 'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04']) {
    assert.ok(names.includes(n), n);
  }
  const [p] = get(await f.call('DescribeSSLPolicies', { Names: ['ELBSecurityPolicy-TLS13-1-2-2021-06'] }), 'SslPolicies');
  assert.deepEqual(p.SslProtocols, ['TLSv1.2', 'TLSv1.3']);
  assert.deepEqual(p.Ciphers.slice(0, 4), [
    { Name: 'TLS_AES_128_GCM_SHA256', Priority: 1 },
    { Name: 'TLS_AES_256_GCM_SHA384', Priority: 2 },
    { Name: 'TLS_CHACHA20_POLY1305_SHA256', Priority: 3 },
    { Name: 'ECDHE-ECDSA-AES128-GCM-SHA256', Priority: 4 },
  ]);
  assert.equal(p.Ciphers.length, 11);
  assert.deepEqual(p.SupportedLoadBalancerTypes, ['application', 'network']);
  const legacy = get(await f.call('DescribeSSLPolicies', { Names: ['ELBSecurityPolicy-2016-08'] }), 'SslPolicies', 0);
  assert.deepEqual(legacy.SslProtocols, ['TLSv1', 'TLSv1.1', 'TLSv1.2']);
  assert.equal(legacy.Ciphers.length, 18);
  assert.ok(!legacy.Ciphers.some((c: any) => c.Name.startsWith('TLS_')));
  const page = await f.call('DescribeSSLPolicies', { PageSize: 5 });
  assert.equal(get(page, 'SslPolicies').length, 5);
  assert.ok(page.NextMarker);
  await f.fails('DescribeSSLPolicies', { Names: ['ELBSecurityPolicy-Nope'] }, 'SSLPolicyNotFound', /Nope/);
  await f.fails('DescribeSSLPolicies', { LoadBalancerType: 'classic' }, 'ValidationError');
});
