/**
 * Where the CLI's access key comes from, in the AWS CLI's order, then Albatross's own file:
 *   1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (skipped when `--profile` is given, as botocore
 *      does: an explicit profile wins over the environment);
 *   2. the profile (`--profile`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`) of the
 *      shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`);
 *   3. the same profile in the config file (`AWS_CONFIG_FILE`, else `~/.aws/config`, as `[profile name]`);
 *   4. `<data-dir>/admin-credentials`, which `albatross serve` writes at its first start (the shared
 *      credentials format, `[default]`), unless a profile was named and does not exist, which is an
 *      error as in the AWS CLI.
 * The region (only the SigV4 scope; Albatross accepts any) comes from `--region`, `AWS_REGION`,
 * `AWS_DEFAULT_REGION`, the profile in the config file, the admin-credentials file, else `local`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_CREDENTIALS_FILE = 'admin-credentials';
export const DEFAULT_REGION = 'local';

export interface CredentialInputs {
  env: Readonly<Record<string, string | undefined>>;
  /** `--profile`, when given. */
  profile?: string;
  /** `--region`, when given. */
  region?: string;
  dataDir: string;
  /** The home directory for `~/.aws`; default os.homedir(). */
  home?: string;
}

export interface ResolvedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Where the key came from, for messages: `environment`, `shared credentials file /root/.aws/credentials (profile default)`, ... */
  source: string;
}

/** No credentials, or a profile that does not exist: the message and the AWS CLI's exit code. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

type IniSections = Map<string, Map<string, string>>;

/**
 * The sections of an AWS-style INI file: `[name]` headers, `key = value` lines, `#`/`;` comments;
 * indented lines (nested settings such as `s3 =`) are skipped. Undefined when the file cannot be read.
 */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const header = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/.exec(raw);
    if (header) {
      const name = header[1]!;
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    if (/^\s/.test(raw) || current === undefined) continue;
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    current.set(raw.slice(0, eq).trim().toLowerCase(), raw.slice(eq + 1).trim());
  }
  return sections;
}

function readIni(path: string): IniSections | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseIni(text);
}

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
}

function keyPair(section: Map<string, string> | undefined): { accessKeyId: string; secretAccessKey: string } | undefined {
  const accessKeyId = section?.get('aws_access_key_id');
  const secretAccessKey = section?.get('aws_secret_access_key');
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
  return undefined;
}

/** Resolves the access key and region; throws CredentialsError when there is none. */
export function resolveCredentials(inputs: CredentialInputs): ResolvedCredentials {
  const { env } = inputs;
  const home = inputs.home ?? homedir();
  const explicitProfile = inputs.profile !== undefined && inputs.profile !== '';
  const namedProfile = explicitProfile ? inputs.profile : env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || undefined;
  const profile = namedProfile ?? 'default';

  const credentialsPath = expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), home);
  const configPath = expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), home);
  const credentialsFile = readIni(credentialsPath);
  const configFile = readIni(configPath);
  const configSection = configFile?.get(profile === 'default' ? 'default' : `profile ${profile}`) ??
    (profile === 'default' ? configFile?.get('profile default') : undefined);
  const credentialsSection = credentialsFile?.get(profile);

  if (namedProfile !== undefined && credentialsSection === undefined && configSection === undefined) {
    throw new CredentialsError(`The config profile (${namedProfile}) could not be found`, 255);
  }

  const envRegion = inputs.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const profileRegion = configSection?.get('region') || undefined;
  const region = (fallback?: string): string => envRegion ?? profileRegion ?? fallback ?? DEFAULT_REGION;

  if (!explicitProfile) {
    const id = env.AWS_ACCESS_KEY_ID;
    const secret = env.AWS_SECRET_ACCESS_KEY;
    if (id && secret) return { accessKeyId: id, secretAccessKey: secret, region: region(), source: 'environment' };
    if (id || secret) {
      throw new CredentialsError(
        `Partial credentials found in env, missing: ${id ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'}`,
        255,
      );
    }
  }

  const fromCredentials = keyPair(credentialsSection);
  if (fromCredentials) {
    return { ...fromCredentials, region: region(), source: `shared credentials file ${credentialsPath} (profile ${profile})` };
  }
  const fromConfig = keyPair(configSection);
  if (fromConfig) return { ...fromConfig, region: region(), source: `config file ${configPath} (profile ${profile})` };

  if (namedProfile === undefined) {
    const adminPath = join(inputs.dataDir, ADMIN_CREDENTIALS_FILE);
    const admin = readIni(adminPath);
    const section = admin?.get('default') ?? (admin ? [...admin.values()][0] : undefined);
    const pair = keyPair(section);
    if (pair) return { ...pair, region: region(section?.get('region') || undefined), source: adminPath };
  }

  throw new CredentialsError(
    'Unable to locate credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, use a profile of ' +
      `${credentialsPath} (--profile), or point --data-dir at the data directory of albatross serve ` +
      `(it writes ${ADMIN_CREDENTIALS_FILE} there; looked in ${join(inputs.dataDir, ADMIN_CREDENTIALS_FILE)}).`,
    253,
  );
}
