/*
 * The XML writer produces AWS's Query response envelopes (elbv2/iam with <member> lists, EC2 with
 * <item> lists and its own envelope) and AWS's two error shapes, byte for byte, escaping text and
 * leaving out undefined and null.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderResult, renderError, renderXmlFields, escapeXml, XML_NAMESPACES } from '../../../src/controlplane/api/xml.ts';

const ELB = XML_NAMESPACES.elasticloadbalancing;

test('namespaces carry each service API version', () => {
  assert.deepEqual(XML_NAMESPACES, {
    elasticloadbalancing: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
    ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  });
});

test('elbv2: CreateTargetGroup result with a <member> list, numbers and booleans as text', () => {
  const xml = renderResult('CreateTargetGroup', ELB, {
    TargetGroups: [{
      TargetGroupArn: 'arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tg/0123456789abcdef',
      TargetGroupName: 'tg',
      Protocol: 'HTTP',
      Port: 8080,
      HealthCheckEnabled: true,
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [],
      VpcId: undefined,
      HealthCheckPath: null,
    }],
  }, 'req-1');
  assert.equal(xml,
    '<CreateTargetGroupResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">' +
    '<CreateTargetGroupResult><TargetGroups><member>' +
    '<TargetGroupArn>arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tg/0123456789abcdef</TargetGroupArn>' +
    '<TargetGroupName>tg</TargetGroupName><Protocol>HTTP</Protocol><Port>8080</Port><HealthCheckEnabled>true</HealthCheckEnabled>' +
    '<Matcher><HttpCode>200</HttpCode></Matcher><LoadBalancerArns></LoadBalancerArns>' +
    '</member></TargetGroups></CreateTargetGroupResult>' +
    '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTargetGroupResponse>');
});

test('result {} writes an empty Result element; undefined leaves it out', () => {
  assert.equal(renderResult('DeleteTargetGroup', ELB, {}, 'r'),
    `<DeleteTargetGroupResponse xmlns="${ELB}"><DeleteTargetGroupResult></DeleteTargetGroupResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteTargetGroupResponse>`);
  assert.equal(renderResult('DeleteServerCertificate', XML_NAMESPACES.iam, undefined, 'r'),
    `<DeleteServerCertificateResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteServerCertificateResponse>`);
});

test('iam: dates as ISO 8601, nested lists of lists, null list items skipped', () => {
  const xml = renderResult('ListServerCertificates', XML_NAMESPACES.iam, {
    ServerCertificateMetadataList: [{ ServerCertificateName: 'c', UploadDate: new Date(Date.UTC(2026, 10, 25, 10, 15, 0)) }, null],
    IsTruncated: false,
  }, 'r');
  assert.match(xml, /<ServerCertificateMetadataList><member><ServerCertificateName>c<\/ServerCertificateName><UploadDate>2026-11-25T10:15:00\.000Z<\/UploadDate><\/member><\/ServerCertificateMetadataList><IsTruncated>false<\/IsTruncated>/);
  assert.equal(renderXmlFields({ A: [['x', 'y'], [1n]] }), '<A><member><member>x</member><member>y</member></member><member><member>1</member></member></A>');
});

test('ec2: <requestId> first, fields directly in the response, <item> lists, XML declaration', () => {
  const xml = renderResult('DescribeSecurityGroups', XML_NAMESPACES.ec2, {
    securityGroupInfo: [{
      ownerId: '000000000000', groupId: 'sg-1', groupName: 'web', groupDescription: 'Web & API',
      ipPermissions: [{ ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }],
    }],
  }, 'r-9', { ec2: true });
  assert.equal(xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-9</requestId>' +
    '<securityGroupInfo><item><ownerId>000000000000</ownerId><groupId>sg-1</groupId><groupName>web</groupName>' +
    '<groupDescription>Web &amp; API</groupDescription><ipPermissions><item><ipProtocol>tcp</ipProtocol>' +
    '<fromPort>80</fromPort><toPort>80</toPort><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>' +
    '</ipPermissions></item></securityGroupInfo></DescribeSecurityGroupsResponse>');
  assert.equal(renderResult('DeleteSecurityGroup', XML_NAMESPACES.ec2, { return: true }, 'r', { ec2: true }),
    `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteSecurityGroupResponse xmlns="${XML_NAMESPACES.ec2}"><requestId>r</requestId><return>true</return></DeleteSecurityGroupResponse>`);
});

test('escaping: markup characters, CR kept as a reference, characters XML cannot carry replaced', () => {
  assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  assert.equal(escapeXml('line1\r\nline2\ttab'), 'line1&#13;\nline2\ttab');
  assert.equal(escapeXml('nul\u0000 bell\u0007 lone\uD800 pair\uD83D\uDE00'), 'nul\uFFFD bell\uFFFD lone\uFFFD pair\uD83D\uDE00');
  assert.equal(renderXmlFields({ Body: ']]><x/>' }), '<Body>]]&gt;&lt;x/&gt;</Body>');
});

test('programming errors are refused: bad element names, non-finite numbers, invalid dates', () => {
  assert.throws(() => renderXmlFields({ 'bad name': 'x' }), /not an XML element name: 'bad name'/);
  assert.throws(() => renderXmlFields({ '1st': 'x' }), /not an XML element name/);
  assert.throws(() => renderResult('Bad<Action', ELB, {}, 'r'), /not an XML element name/);
  assert.throws(() => renderXmlFields({ Port: Number.NaN }), /Port: NaN cannot be written/);
  assert.throws(() => renderXmlFields({ When: new Date(Number.NaN) }), /invalid Date/);
});

test('Query error: ErrorResponse with Type, Code, Message and RequestId, in the service namespace', () => {
  assert.equal(
    renderError('TargetGroupNotFound', 'One or more target groups not found', 'r-1'),
    `<ErrorResponse xmlns="${ELB}"><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code><Message>One or more target groups not found</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  );
  assert.equal(
    renderError('InternalFailure', 'a <b> & c', 'r-2', { namespace: XML_NAMESPACES.iam, type: 'Receiver' }),
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>a &lt;b&gt; &amp; c</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`,
  );
});

test("EC2 error: Response/Errors/Error and RequestID", () => {
  assert.equal(
    renderError('InvalidGroup.NotFound', "The security group 'sg-1' does not exist", 'r-3', { ec2: true }),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group &apos;sg-1&apos; does not exist</Message></Error></Errors><RequestID>r-3</RequestID></Response>`,
  );
});
