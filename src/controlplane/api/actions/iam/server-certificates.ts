/**
 * IAM server certificates: UploadServerCertificate, GetServerCertificate, ListServerCertificates,
 * DeleteServerCertificate.
 *
 * An upload is parsed and checked by the model (PEM body, key pair, chain, validity), then kept
 * as public material plus the private key sealed under the master key with the purpose
 * `server-certificate:<name>`. No response, error message or log line carries the private key:
 * the handlers never put it anywhere but into `MasterKey.seal`.
 */
import {
  AlbatrossError,
  Problems,
  checkServerCertificateName,
  checkServerCertificatePath,
  parseServerCertificate,
  serverCertificateArn,
  serverCertificateId,
  type ServerCertificate,
  serverCertificateKeyPurpose,
} from '../../../../model/index.ts';
import type { StoredServerCertificate } from '../../../../store/state-store.ts';
import type { ActionContext, ActionTable } from '../../action.ts';
import { asString, type QueryStruct } from '../../query-protocol.ts';
import type { XmlObject } from '../../xml.ts';
import { optionalInt, optionalString, structList } from '../params.ts';


const MAX_TAGS = 50;
const tagPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function validation(message: string): AlbatrossError {
  return new AlbatrossError('ValidationError', message);
}

/** IAM's `Tags.member.N.Key/Value`: keys 1–128, values 0–256, letters, digits, spaces and `_.:/=+-@`. */
function parseIamTags(params: QueryStruct): Record<string, string> {
  const out: Record<string, string> = {};
  structList(params, 'Tags').forEach((s, i) => {
    const where = `Tags.member.${i + 1}`;
    const key = asString(s.Key, `${where}.Key`);
    const value = asString(s.Value, `${where}.Value`) ?? '';
    if (key === undefined || key === '') throw validation(`1 validation error detected: Value at '${where}.Key' failed to satisfy constraint: Member must not be null`);
    if ([...key].length > 128 || !tagPattern.test(key)) {
      throw validation(`1 validation error detected: Value '${key}' at '${where}.Key' failed to satisfy constraint: Member must have length less than or equal to 128 and contain only letters, digits, spaces and _.:/=+-@`);
    }
    if ([...value].length > 256 || !tagPattern.test(value)) {
      throw validation(`1 validation error detected: Value at '${where}.Value' failed to satisfy constraint: Member must have length less than or equal to 256 and contain only letters, digits, spaces and _.:/=+-@`);
    }
    if (key.toLowerCase().startsWith('aws:')) throw new AlbatrossError('InvalidInput', `Tag key '${key}': the prefix 'aws:' is reserved for AWS use`);
    if (Object.keys(out).some((k) => k.toLowerCase() === key.toLowerCase())) {
      throw new AlbatrossError('InvalidInput', `Duplicate tag key '${key}': tag keys are case-insensitive`);
    }
    out[key] = value;
  });
  if (Object.keys(out).length > MAX_TAGS) {
    throw new AlbatrossError('LimitExceeded', `A server certificate can have at most ${MAX_TAGS} tags; ${Object.keys(out).length} were given`);
  }
  return out;
}

function toXmlTags(tags: Record<string, string>): XmlObject[] | undefined {
  const keys = Object.keys(tags).sort();
  return keys.length > 0 ? keys.map((Key) => ({ Key, Value: tags[Key]! })) : undefined;
}

export function toXmlServerCertificateMetadata(c: ServerCertificate): XmlObject {
  return {
    Path: c.path,
    ServerCertificateName: c.name,
    ServerCertificateId: c.id,
    Arn: c.arn,
    UploadDate: new Date(c.uploadedAt),
    Expiration: new Date(c.expiresAt),
  };
}

/** Reads and checks `ServerCertificateName` (MissingParameter / ValidationError). */
function certificateName(params: QueryStruct): string {
  const name = optionalString(params, 'ServerCertificateName');
  const problems = new Problems();
  checkServerCertificateName(name, problems, 'ServerCertificateName');
  if (!problems.empty) throw new AlbatrossError(problems.list[0]!.code, problems.list[0]!.message);
  return name!;
}

function noSuchEntity(name: string): AlbatrossError {
  return new AlbatrossError('NoSuchEntity', `The Server Certificate with name ${name} cannot be found.`);
}

async function uploadServerCertificate(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const name = certificateName(params);
  const path = optionalString(params, 'Path') ?? '/';
  const pathProblems = new Problems();
  checkServerCertificatePath(path, pathProblems, 'Path');
  if (!pathProblems.empty) throw validation(pathProblems.list[0]!.message);
  const certificateBody = optionalString(params, 'CertificateBody') ?? '';
  const privateKey = optionalString(params, 'PrivateKey') ?? '';
  const certificateChain = optionalString(params, 'CertificateChain');
  const tags = parseIamTags(params);
  const now = ctx.now();
  const parsed = parseServerCertificate({ certificateBody, privateKey, ...(certificateChain !== undefined ? { certificateChain } : {}) }, now);

  return ctx.store.transaction(async (tx) => {
    if (await tx.getServerCertificate(name)) {
      throw new AlbatrossError('EntityAlreadyExists', `The Server Certificate with name ${name} already exists.`);
    }
    const certificate: ServerCertificate = {
      name,
      id: serverCertificateId(ctx.randomHex),
      arn: serverCertificateArn(ctx.arnContext.account, path, name),
      path,
      uploadedAt: now,
      expiresAt: parsed.expiresAt,
      certificateBody: parsed.certificateBody,
      ...(parsed.certificateChain !== undefined ? { certificateChain: parsed.certificateChain } : {}),
    };
    const stored: StoredServerCertificate = {
      certificate,
      privateKeySealed: ctx.masterKey.seal(privateKey, serverCertificateKeyPurpose(name)),
    };
    await tx.putServerCertificate(stored);
    if (Object.keys(tags).length > 0) await tx.putTags(certificate.arn, tags);
    return { ServerCertificateMetadata: toXmlServerCertificateMetadata(certificate), Tags: toXmlTags(tags) };
  });
}

async function getServerCertificate(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const name = certificateName(params);
  return ctx.store.transaction(async (tx) => {
    const stored = await tx.getServerCertificate(name);
    if (!stored) throw noSuchEntity(name);
    const c = stored.certificate;
    return {
      ServerCertificate: {
        ServerCertificateMetadata: toXmlServerCertificateMetadata(c),
        CertificateBody: c.certificateBody,
        CertificateChain: c.certificateChain,
        Tags: toXmlTags(await tx.getTags(c.arn)),
      },
    };
  });
}

/** IAM's Marker: opaque to callers; here the name of the first certificate of the next page. */
function encodeMarker(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  const name = Buffer.from(marker, 'base64url').toString('utf8');
  if (name === '' || encodeMarker(name) !== marker) throw validation('Invalid Marker: pass the Marker of a previous ListServerCertificates response');
  return name;
}

async function listServerCertificates(params: QueryStruct, ctx: ActionContext): Promise<XmlObject> {
  const prefix = optionalString(params, 'PathPrefix') ?? '/';
  if (prefix.length < 1 || prefix.length > 512 || !/^\/[\x21-\x7f]*$/.test(prefix)) {
    throw validation(`1 validation error detected: Value '${prefix}' at 'pathPrefix' failed to satisfy constraint: Member must begin with '/' and contain only printable ASCII characters without spaces (at most 512)`);
  }
  const maxItems = optionalInt(params, 'MaxItems') ?? 100;
  if (maxItems < 1 || maxItems > 1000) {
    throw validation(`1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  }
  const marker = optionalString(params, 'Marker');
  const start = marker !== undefined && marker !== '' ? decodeMarker(marker) : undefined;
  return ctx.store.transaction(async (tx) => {
    const all = (await tx.listServerCertificates())
      .map((s) => s.certificate)
      .filter((c) => c.path.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const from = start === undefined ? 0 : all.findIndex((c) => c.name >= start);
    const rest = from < 0 ? [] : all.slice(from);
    const page = rest.slice(0, maxItems);
    const next = rest[maxItems];
    return {
      ServerCertificateMetadataList: page.map(toXmlServerCertificateMetadata),
      IsTruncated: next !== undefined,
      Marker: next !== undefined ? encodeMarker(next.name) : undefined,
    };
  });
}

async function deleteServerCertificate(params: QueryStruct, ctx: ActionContext): Promise<undefined> {
  const name = certificateName(params);
  return ctx.store.transaction(async (tx) => {
    const stored = await tx.getServerCertificate(name);
    if (!stored) throw noSuchEntity(name);
    const arn = stored.certificate.arn;
    const users = (await tx.listListeners()).filter((l) => l.certificates.some((c) => c.certificateArn === arn));
    if (users.length > 0) {
      throw new AlbatrossError(
        'DeleteConflict',
        `Certificate: ${stored.certificate.id} is currently in use by ${users.map((l) => l.arn).join(', ')}. Please remove it from the listener${users.length > 1 ? 's' : ''} first.`,
      );
    }
    const tags = await tx.getTags(arn);
    if (Object.keys(tags).length > 0) await tx.removeTags(arn, Object.keys(tags));
    await tx.deleteServerCertificate(name);
    return undefined;
  });
}

export const serverCertificatesActions: ActionTable = {
  UploadServerCertificate: uploadServerCertificate,
  GetServerCertificate: getServerCertificate,
  ListServerCertificates: listServerCertificates,
  DeleteServerCertificate: deleteServerCertificate,
};
