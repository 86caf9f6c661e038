/*
 * The Query-protocol decoder turns the form bodies the AWS CLI sends for elbv2, iam and ec2
 * (`.member.N` lists, EC2's bare `.N` lists, nested structures) into plain objects of strings,
 * and refuses bad encodings with a ValidationError before anything is acted on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlbatrossError } from '../../../src/model/errors.ts';
import {
  decodeQueryRequest, parseFormPairs, expandQueryParams, asList, asString, asStruct, isFormUrlEncoded,
  MAX_QUERY_BODY_BYTES, MAX_QUERY_PARAMETERS,
} from '../../../src/controlplane/api/query-protocol.ts';

function validationError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AlbatrossError, String(err));
    assert.equal(err.code, 'ValidationError');
    assert.equal(err.httpStatus, 400);
    assert.match(err.message, message);
    return true;
  });
}

test('elbv2 lists: .member.N of values and of structures', () => {
  assert.deepEqual(
    decodeQueryRequest('', 'Action=DescribeTargetGroups&Version=2015-12-01&TargetGroupArns.member.1=a&TargetGroupArns.member.2=b'),
    { Action: 'DescribeTargetGroups', Version: '2015-12-01', TargetGroupArns: ['a', 'b'] },
  );
  assert.deepEqual(
    decodeQueryRequest('', 'Targets.member.1.Id=i&Targets.member.1.Port=80&Targets.member.2.Id=j'),
    { Targets: [{ Id: 'i', Port: '80' }, { Id: 'j' }] },
  );
  assert.deepEqual(
    decodeQueryRequest('', 'Attributes.member.1.Key=stickiness.enabled&Attributes.member.1.Value=true&Attributes.member.2.Key=stickiness.type&Attributes.member.2.Value=lb_cookie'),
    { Attributes: [{ Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.type', Value: 'lb_cookie' }] },
  );
});

test('nested structures and lists: a weighted forward action of CreateListener', () => {
  const body = [
    'Action=CreateListener',
    'LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Alocal%3A000000000000%3Aloadbalancer%2Fapp%2Falb%2F0123456789abcdef',
    'Protocol=HTTP', 'Port=80',
    'DefaultActions.member.1.Type=forward',
    'DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=tg-a',
    'DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=80',
    'DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=tg-b',
    'DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=20',
    'DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=true',
    'DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds=60',
  ].join('&');
  assert.deepEqual(decodeQueryRequest('', body), {
    Action: 'CreateListener',
    LoadBalancerArn: 'arn:aws:elasticloadbalancing:local:000000000000:loadbalancer/app/alb/0123456789abcdef',
    Protocol: 'HTTP',
    Port: '80',
    DefaultActions: [{
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [{ TargetGroupArn: 'tg-a', Weight: '80' }, { TargetGroupArn: 'tg-b', Weight: '20' }],
        TargetGroupStickinessConfig: { Enabled: 'true', DurationSeconds: '60' },
      },
    }],
  });
});

test("EC2's lists without .member", () => {
  assert.deepEqual(
    decodeQueryRequest('', 'Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-1&GroupId.2=sg-2'),
    { Action: 'DescribeSecurityGroups', Version: '2016-11-15', GroupId: ['sg-1', 'sg-2'] },
  );
  assert.deepEqual(
    decodeQueryRequest('', 'IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8&IpPermissions.1.IpRanges.2.CidrIp=192.168.0.0%2F16&IpPermissions.1.IpRanges.2.Description=home+lan'),
    { IpPermissions: [{ IpProtocol: 'tcp', FromPort: '80', ToPort: '80', IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '192.168.0.0/16', Description: 'home lan' }] }] },
  );
});

test('list elements are ordered by index, whatever the order of the parameters', () => {
  assert.deepEqual(decodeQueryRequest('', 'Names.member.3=c&Names.member.1=a&Names.member.2=b'), { Names: ['a', 'b', 'c'] });
  assert.deepEqual(decodeQueryRequest('', 'Names.member.10=j&' + Array.from({ length: 9 }, (_, i) => `Names.member.${i + 1}=${i + 1}`).join('&')),
    { Names: ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'j'] });
});

test("form decoding: '+' is a space, %XX are UTF-8, a name without '=' has the value ''", () => {
  assert.deepEqual(parseFormPairs('a=x+y%2Bz&b=%C3%A9%E2%82%AC&c&&d='), [['a', 'x y+z'], ['b', 'é€'], ['c', ''], ['d', '']]);
  assert.deepEqual(decodeQueryRequest('', 'CertificateBody=-----BEGIN+CERTIFICATE-----%0AMIIB%2F%3D%3D%0A-----END+CERTIFICATE-----%0A'),
    { CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIB/==\n-----END CERTIFICATE-----\n' });
});

test("the CLI's empty list (`Names=`) stays '' and asList reads it as []", () => {
  const params = decodeQueryRequest('', 'Action=DescribeLoadBalancers&Names=');
  assert.deepEqual(params, { Action: 'DescribeLoadBalancers', Names: '' });
  assert.deepEqual(asList(params.Names, 'Names'), []);
  assert.deepEqual(asList(undefined, 'Names'), []);
  assert.deepEqual(asList(['a'], 'Names'), ['a']);
  validationError(() => asList('a', 'Names'), /'Names' must be a list/);
  assert.equal(asString('x', 'Name'), 'x');
  assert.equal(asString(undefined, 'Name'), undefined);
  validationError(() => asString(['x'], 'Name'), /'Name' must be a single value/);
  assert.deepEqual(asStruct({ Enabled: 'true' }, 'S'), { Enabled: 'true' });
  validationError(() => asStruct('x', 'S'), /'S' must be a structure/);
});

test('GET: the same parameters on the query string, merged with the body; X-Amz-* signing parameters dropped', () => {
  assert.deepEqual(
    decodeQueryRequest('Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=web&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc'),
    { Action: 'DescribeLoadBalancers', Version: '2015-12-01', Names: ['web'] },
  );
  assert.deepEqual(decodeQueryRequest('Action=DescribeLoadBalancers', Buffer.from('Version=2015-12-01')), { Action: 'DescribeLoadBalancers', Version: '2015-12-01' });
  validationError(() => decodeQueryRequest('Action=A', 'Action=B'), /'Action' is given more than once/);
});

test('names that are properties of Object.prototype are plain parameters', () => {
  assert.deepEqual(decodeQueryRequest('', 'constructor=1&toString.member.1=x&hasOwnProperty.A=b'),
    { constructor: '1', toString: ['x'], hasOwnProperty: { A: 'b' } });
});

test('bad encodings are a ValidationError naming the parameter', () => {
  validationError(() => decodeQueryRequest('', 'Name=%zz'), /Invalid percent-encoding in the value of 'Name'/);
  validationError(() => decodeQueryRequest('', 'Name=%E2%82'), /Invalid percent-encoding/);
  validationError(() => decodeQueryRequest('', 'Na%4=x'), /Invalid percent-encoding in a parameter name/);
  validationError(() => decodeQueryRequest('', 'Names.member.0=a'), /'Names.member.0'.*'0' must be a positive integer/);
  validationError(() => decodeQueryRequest('', 'Names.member.01=a'), /'01' must be a positive integer/);
  validationError(() => decodeQueryRequest('', 'Names.member.x=a'), /'x' must be a positive integer/);
  validationError(() => decodeQueryRequest('', 'GroupId.-1=a'), /'-1' must be a positive integer/);
  validationError(() => decodeQueryRequest('', 'Names.member=a'), /'member' must be followed by a list index/);
  validationError(() => decodeQueryRequest('', 'Names.member.1=a&Names.member.3=c'), /List 'Names' has element 3 but no element 2/);
  validationError(() => decodeQueryRequest('', 'Names=a&Names.member.1=b'), /'Names' is used both as a single value and as a list/);
  validationError(() => decodeQueryRequest('', 'Names.member.1=b&Names=a'), /'Names' is used both as a list and as a single value/);
  validationError(() => decodeQueryRequest('', 'Matcher.HttpCode=200&Matcher.1=x'), /'Matcher' is used both as a structure and as a list/);
  validationError(() => decodeQueryRequest('', 'Targets.member.1.Id=a&Targets.member.1=b'), /'Targets.member.1' is used both as a structure and as a single value/);
  validationError(() => decodeQueryRequest('', 'Name=a&Name=b'), /'Name' is given more than once/);
  validationError(() => decodeQueryRequest('', 'Names.member.1=a&Names.1=b'), /'Names.1' is given more than once/);
  validationError(() => decodeQueryRequest('', '=x'), /empty name/);
  validationError(() => decodeQueryRequest('', 'A..B=x'), /Invalid parameter name 'A..B'/);
  validationError(() => decodeQueryRequest('', 'A.=x'), /Invalid parameter name 'A.'/);
  validationError(() => decodeQueryRequest('', '1=x'), /Invalid parameter name '1'/);
  validationError(() => decodeQueryRequest('', '__proto__.x=1'), /Invalid parameter name '__proto__.x'/);
  validationError(() => decodeQueryRequest('', 'A.b c=1'), /'b c' is neither a name nor a list index/);
  validationError(() => decodeQueryRequest('', Buffer.from([0x41, 0x3d, 0xff])), /not valid UTF-8/);
});

test('limits: body size, parameter count, name length and depth, list index', () => {
  validationError(() => decodeQueryRequest('', Buffer.alloc(MAX_QUERY_BODY_BYTES + 1, 0x61)), /larger than 1048576 bytes/);
  const many = Array.from({ length: MAX_QUERY_PARAMETERS + 1 }, (_, i) => `P${i}=1`).join('&');
  validationError(() => decodeQueryRequest('', many), /Too many parameters/);
  validationError(() => decodeQueryRequest('', `${'A'.repeat(300)}=1`), /longer than 256 characters/);
  validationError(() => decodeQueryRequest('', `${Array.from({ length: 17 }, () => 'A').join('.')}=1`), /nested more than 16 levels/);
  validationError(() => decodeQueryRequest('', 'Names.member.99999999999999999999=a'), /larger than 10000/);
  assert.equal(asList(decodeQueryRequest('', Array.from({ length: 1000 }, (_, i) => `T.member.${i + 1}.Id=i-${i}`).join('&')).T, 'T').length, 1000);
});

test('expandQueryParams works on already-decoded pairs', () => {
  assert.deepEqual(expandQueryParams([['Tags.member.1.Key', 'env'], ['Tags.member.1.Value', 'a=b&c']]), { Tags: [{ Key: 'env', Value: 'a=b&c' }] });
});

test('content type check', () => {
  assert.equal(isFormUrlEncoded('application/x-www-form-urlencoded; charset=utf-8'), true);
  assert.equal(isFormUrlEncoded('Application/X-WWW-Form-Urlencoded'), true);
  assert.equal(isFormUrlEncoded('application/json'), false);
  assert.equal(isFormUrlEncoded(undefined), false);
});
