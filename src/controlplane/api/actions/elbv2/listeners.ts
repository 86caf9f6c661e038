/**
 * elasticloadbalancing listener actions: create, describe, modify and delete listeners, their
 * certificate lists, and the predefined SSL policies. A listener's port binds on this host, so
 * ports are unique across every load balancer (as `albatross apply` checks). HTTPS listeners
 * need a certificate from the certificate store and take ELBSecurityPolicy-2016-08 unless told.
 */
import {
  AlbatrossError,
  DEFAULT_SSL_POLICY,
  Problems,
  checkListenerInput,
  findSslPolicy,
  listenerArn,
  normalizeActions,
  resourceId,
  sslPolicies,
  type Action,
  type ActionInput,
  type Listener,
  type ListenerCertificate,
  type ListenerProtocol,
} from '../../../../model/index.ts';
import type { StoreTx } from '../../../../store/state-store.ts';
import type { ActionHandler, ActionTable } from '../../action.ts';
import type { QueryStruct } from '../../query-protocol.ts';
import type { XmlObject } from '../../xml.ts';
import { optionalBool, optionalInt, optionalString, paginate, requiredString, stringList, structList } from '../params.ts';
import {
  addTags,
  canonical,
  checkArn,
  getListenerOrThrow,
  getLoadBalancerOrThrow,
  parseActions,
  parseTags,
  throwProblems,
  toXmlListener,
} from './shapes.ts';

/** ALB's quota of certificates per listener, besides the default one. */
export const MAX_LISTENER_CERTIFICATES = 25;

interface CertificateParam {
  certificateArn: string;
  isDefault?: boolean;
  where: string;
}

function certificateParams(p: QueryStruct): CertificateParam[] {
  return structList(p, 'Certificates').map((s, i) => {
    const where = `Certificates.member.${i + 1}`;
    const certificateArn = optionalString(s, 'CertificateArn');
    if (certificateArn === undefined || certificateArn === '') throw new AlbatrossError('ValidationError', `${where}.CertificateArn is required`);
    const isDefault = optionalBool(s, 'IsDefault');
    return { certificateArn, where, ...(isDefault !== undefined ? { isDefault } : {}) };
  });
}

/** As ALB: on CreateListener and ModifyListener the one certificate given is the default, and saying so is refused. */
function refuseIsDefault(certs: readonly CertificateParam[]): void {
  const given = certs.find((c) => c.isDefault !== undefined);
  if (given) throw new AlbatrossError('ValidationError', `${given.where}: You cannot set the isDefault parameter for a certificate.`);
}

/** Each certificate must be in the certificate store (CertificateNotFound). */
async function checkCertificatesExist(tx: StoreTx, certs: readonly { certificateArn: string }[]): Promise<void> {
  for (const c of certs) {
    if (!(await tx.findServerCertificateByArn(c.certificateArn))) {
      throw new AlbatrossError('CertificateNotFound', `Certificate '${c.certificateArn}' not found (upload it with iam upload-server-certificate)`);
    }
  }
}

function checkSslPolicy(name: string): void {
  if (!findSslPolicy(name)) throw new AlbatrossError('SSLPolicyNotFound', `SSL policy '${name}' not found`);
}

/** Refuses parameters ALB takes only for other load balancer types or features Albatross lacks. */
function refuseUnsupported(p: QueryStruct): void {
  if (p.AlpnPolicy !== undefined && stringList(p, 'AlpnPolicy').length > 0) {
    throw new AlbatrossError('ValidationError', 'AlpnPolicy applies to TLS listeners of Network Load Balancers; HTTPS listeners negotiate HTTP/2 and HTTP/1.1');
  }
  if (p.MutualAuthentication !== undefined) {
    throw new AlbatrossError('ValidationError', 'MutualAuthentication is not supported by Albatross');
  }
}

/** The listener on `port` anywhere on this node, other than `except`. */
async function listenerOnPort(tx: StoreTx, port: number, except?: string): Promise<Listener | undefined> {
  return (await tx.listListeners()).find((l) => l.port === port && l.arn !== except);
}

async function checkListener(
  tx: StoreTx,
  fields: { protocol: string; port: number | undefined; defaultActions: ActionInput[]; certificates: ListenerCertificate[] },
): Promise<Action[]> {
  const groups = new Set((await tx.listTargetGroups()).map((tg) => tg.arn));
  const problems = new Problems();
  checkListenerInput(fields, problems, 'l', (arn) => groups.has(arn));
  throwProblems(problems, 'l');
  return normalizeActions(fields.defaultActions);
}

const createListener: ActionHandler = async (p, ctx) => {
  const lbArn = requiredString(p, 'LoadBalancerArn');
  const protocol = optionalString(p, 'Protocol') ?? 'HTTP';
  const port = optionalInt(p, 'Port');
  const sslPolicyParam = optionalString(p, 'SslPolicy');
  const certs = certificateParams(p);
  const defaultActions = parseActions(p, 'DefaultActions');
  refuseUnsupported(p);
  const tags = parseTags(p);
  if (protocol !== 'HTTPS' && certs.length > 0) throw new AlbatrossError('ValidationError', 'Certificates can be given only for HTTPS listeners');
  if (protocol !== 'HTTPS' && sslPolicyParam !== undefined) throw new AlbatrossError('ValidationError', 'SslPolicy can be given only for HTTPS listeners');
  if (certs.length > 1) {
    throw new AlbatrossError('ValidationError', 'Give exactly one certificate (the default); add more with AddListenerCertificates');
  }
  refuseIsDefault(certs);
  if (sslPolicyParam !== undefined) checkSslPolicy(sslPolicyParam);

  return ctx.store.transaction(async (tx) => {
    const lb = await getLoadBalancerOrThrow(tx, lbArn);
    const certificates = certs.map((c) => ({ certificateArn: c.certificateArn }));
    const actions = await checkListener(tx, { protocol, port, defaultActions, certificates });
    await checkCertificatesExist(tx, certificates);
    const sslPolicy = protocol === 'HTTPS' ? sslPolicyParam ?? DEFAULT_SSL_POLICY : undefined;
    const existing = await listenerOnPort(tx, port!);
    if (existing) {
      const same =
        existing.loadBalancerArn === lb.arn &&
        existing.protocol === protocol &&
        existing.sslPolicy === sslPolicy &&
        existing.certificates[0]?.certificateArn === certificates[0]?.certificateArn &&
        canonical(existing.defaultActions) === canonical(actions);
      if (same) return { Listeners: [toXmlListener(existing)] };
      const owner = existing.loadBalancerArn === lb.arn ? 'this load balancer' : `load balancer '${existing.loadBalancerArn}'`;
      throw new AlbatrossError('DuplicateListener', `A listener already exists on port ${port} (on ${owner}); ports are unique on an Albatross node`);
    }
    const listener: Listener = {
      arn: listenerArn(lb.arn, resourceId(ctx.randomHex)),
      loadBalancerArn: lb.arn,
      protocol: protocol as ListenerProtocol,
      port: port!,
      defaultActions: actions,
      certificates,
      ...(sslPolicy !== undefined ? { sslPolicy } : {}),
    };
    await tx.putListener(listener);
    await addTags(tx, listener.arn, tags);
    return { Listeners: [toXmlListener(listener)] };
  });
};

const describeListeners: ActionHandler = async (p, ctx) => {
  const lbArn = optionalString(p, 'LoadBalancerArn');
  const arns = stringList(p, 'ListenerArns');
  if (lbArn === undefined && arns.length === 0) throw new AlbatrossError('ValidationError', 'Give LoadBalancerArn or ListenerArns');
  if (lbArn !== undefined && arns.length > 0) throw new AlbatrossError('ValidationError', 'Give either LoadBalancerArn or ListenerArns, not both');
  arns.forEach((arn, i) => checkArn(arn, 'listener', `ListenerArns.member.${i + 1}`));
  return ctx.store.transaction(async (tx) => {
    let selected: Listener[];
    if (lbArn !== undefined) {
      await getLoadBalancerOrThrow(tx, lbArn);
      selected = await tx.listListeners(lbArn);
    } else {
      const all = await tx.listListeners();
      const missing = arns.filter((a) => !all.some((l) => l.arn === a));
      if (missing.length > 0) throw new AlbatrossError('ListenerNotFound', `One or more listeners not found: ${missing.join(', ')}`);
      selected = all.filter((l) => arns.includes(l.arn));
    }
    const { page, nextMarker } = paginate(selected, p);
    return { Listeners: page.map(toXmlListener), NextMarker: nextMarker };
  });
};

/**
 * Changes what is given. Going to HTTP drops the certificates and policy; going to HTTPS needs a
 * certificate (given, or kept from before). `Certificates` replaces the default certificate.
 */
const modifyListener: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'ListenerArn');
  const protocolParam = optionalString(p, 'Protocol');
  const portParam = optionalInt(p, 'Port');
  const sslPolicyParam = optionalString(p, 'SslPolicy');
  const certs = certificateParams(p);
  const actionsGiven = p.DefaultActions !== undefined;
  const defaultActionsParam = parseActions(p, 'DefaultActions');
  refuseUnsupported(p);
  if (certs.length > 1) throw new AlbatrossError('ValidationError', 'Give exactly one certificate (the new default); add more with AddListenerCertificates');
  refuseIsDefault(certs);
  if (sslPolicyParam !== undefined) checkSslPolicy(sslPolicyParam);

  return ctx.store.transaction(async (tx) => {
    const current = await getListenerOrThrow(tx, arn);
    const protocol = protocolParam ?? current.protocol;
    const port = portParam ?? current.port;
    if (protocol !== 'HTTPS' && certs.length > 0) throw new AlbatrossError('ValidationError', 'Certificates can be given only for HTTPS listeners');
    if (protocol !== 'HTTPS' && sslPolicyParam !== undefined) throw new AlbatrossError('ValidationError', 'SslPolicy can be given only for HTTPS listeners');
    let certificates: ListenerCertificate[] = [];
    if (protocol === 'HTTPS') {
      const kept = current.protocol === 'HTTPS' ? current.certificates : [];
      certificates = certs.length > 0 ? [{ certificateArn: certs[0]!.certificateArn }, ...kept.slice(1).filter((c) => c.certificateArn !== certs[0]!.certificateArn)] : kept;
    }
    const defaultActions: ActionInput[] = actionsGiven ? defaultActionsParam : current.defaultActions;
    const checked = await checkListener(tx, { protocol, port, defaultActions, certificates });
    const actions = actionsGiven ? checked : current.defaultActions;
    await checkCertificatesExist(tx, certs);
    const sslPolicy = protocol === 'HTTPS' ? sslPolicyParam ?? current.sslPolicy ?? DEFAULT_SSL_POLICY : undefined;
    if (port !== current.port) {
      const other = await listenerOnPort(tx, port, current.arn);
      if (other) throw new AlbatrossError('DuplicateListener', `A listener already exists on port ${port}; ports are unique on an Albatross node`);
    }
    const next: Listener = {
      arn: current.arn,
      loadBalancerArn: current.loadBalancerArn,
      protocol: protocol as ListenerProtocol,
      port,
      defaultActions: actions,
      certificates,
      ...(sslPolicy !== undefined ? { sslPolicy } : {}),
    };
    if (canonical(next) !== canonical(current)) await tx.putListener(next);
    return { Listeners: [toXmlListener(next)] };
  });
};

const deleteListener: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'ListenerArn');
  return ctx.store.transaction(async (tx) => {
    await getListenerOrThrow(tx, arn);
    await tx.deleteListener(arn);
    return {};
  });
};

function toXmlCertificateList(l: Listener): XmlObject[] {
  return l.certificates.map((c, i) => ({ CertificateArn: c.certificateArn, IsDefault: i === 0 }));
}

const addListenerCertificates: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'ListenerArn');
  const certs = certificateParams(p);
  if (certs.length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Certificates');
  const isDefault = certs.find((c) => c.isDefault === true);
  if (isDefault) throw new AlbatrossError('ValidationError', `${isDefault.where}: the default certificate is set with ModifyListener, not AddListenerCertificates`);
  return ctx.store.transaction(async (tx) => {
    const l = await getListenerOrThrow(tx, arn);
    if (l.protocol !== 'HTTPS') throw new AlbatrossError('ValidationError', 'Certificates can be added only to HTTPS listeners');
    await checkCertificatesExist(tx, certs);
    const certificates = [...l.certificates];
    for (const c of certs) if (!certificates.some((x) => x.certificateArn === c.certificateArn)) certificates.push({ certificateArn: c.certificateArn });
    if (certificates.length - 1 > MAX_LISTENER_CERTIFICATES) {
      throw new AlbatrossError('TooManyCertificates', `A listener can have at most ${MAX_LISTENER_CERTIFICATES} certificates besides the default one`);
    }
    if (certificates.length !== l.certificates.length) await tx.putListener({ ...l, certificates });
    return { Certificates: certificates.slice(1).map((c) => ({ CertificateArn: c.certificateArn, IsDefault: false })) };
  });
};

const removeListenerCertificates: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'ListenerArn');
  const certs = certificateParams(p);
  if (certs.length === 0) throw new AlbatrossError('MissingParameter', 'The request must contain the parameter Certificates');
  return ctx.store.transaction(async (tx) => {
    const l = await getListenerOrThrow(tx, arn);
    const defaultArn = l.certificates[0]?.certificateArn;
    const removing = certs.find((c) => c.certificateArn === defaultArn || c.isDefault === true);
    if (removing) {
      throw new AlbatrossError('OperationNotPermitted', `${removing.where}: the default certificate cannot be removed; set another default with ModifyListener first`);
    }
    const missing = certs.find((c) => !l.certificates.some((x) => x.certificateArn === c.certificateArn));
    if (missing) throw new AlbatrossError('CertificateNotFound', `${missing.where}: certificate '${missing.certificateArn}' is not in the listener's certificate list`);
    const gone = new Set(certs.map((c) => c.certificateArn));
    const certificates = l.certificates.filter((c, i) => i === 0 || !gone.has(c.certificateArn));
    if (certificates.length !== l.certificates.length) await tx.putListener({ ...l, certificates });
    return {};
  });
};

const describeListenerCertificates: ActionHandler = async (p, ctx) => {
  const arn = requiredString(p, 'ListenerArn');
  return ctx.store.transaction(async (tx) => {
    const l = await getListenerOrThrow(tx, arn);
    const { page, nextMarker } = paginate(toXmlCertificateList(l), p);
    return { Certificates: page, NextMarker: nextMarker };
  });
};

const describeSslPolicies: ActionHandler = async (p) => {
  const names = stringList(p, 'Names');
  const type = optionalString(p, 'LoadBalancerType');
  if (type !== undefined && !['application', 'network', 'gateway'].includes(type)) {
    throw new AlbatrossError('ValidationError', `LoadBalancerType must be application, network or gateway, got '${type}'`);
  }
  const missing = names.filter((n) => !findSslPolicy(n));
  if (missing.length > 0) throw new AlbatrossError('SSLPolicyNotFound', `SSL policy not found: ${missing.join(', ')}`);
  const selected = sslPolicies
    .filter((sp) => names.length === 0 || names.includes(sp.name))
    .filter((sp) => type === undefined || (sp.supportedLoadBalancerTypes as string[]).includes(type));
  const { page, nextMarker } = paginate(selected, p);
  return {
    SslPolicies: page.map((sp) => ({
      SslProtocols: sp.sslProtocols,
      Ciphers: sp.ciphers.map((c) => ({ Name: c.name, Priority: c.priority })),
      Name: sp.name,
      SupportedLoadBalancerTypes: sp.supportedLoadBalancerTypes,
    })),
    NextMarker: nextMarker,
  };
};

export const listenersActions: ActionTable = {
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
  AddListenerCertificates: addListenerCertificates,
  RemoveListenerCertificates: removeListenerCertificates,
  DescribeListenerCertificates: describeListenerCertificates,
  DescribeSSLPolicies: describeSslPolicies,
};
