/**
 * The admin API of an `albatross serve` the bench started, for what `apply` files cannot say
 * (listener rules) and for the console's sign-in: the admin port read from serve's log, the
 * `initial` access key from `<data-dir>/admin-credentials`, and Query requests signed with SigV4
 * as the AWS CLI signs them.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { signSigV4 } from '../../src/controlplane/api/sigv4.ts';
import { HOST, sleep, type ServerProc } from './procs.ts';

export class AdminApi {
  private constructor(
    readonly port: number,
    readonly keyId: string,
    readonly secret: string,
  ) {}

  /** Waits (up to `timeoutMs`) for serve to print its admin endpoint, then reads its access key. */
  static async of(proc: ServerProc, dataDir: string, timeoutMs = 20_000): Promise<AdminApi> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /albatross: admin endpoint http:\/\/127\.0\.0\.1:(\d+)\//.exec(readFileSync(proc.logPath, 'utf8'));
      if (m) {
        const creds = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
        const get = (k: string): string => new RegExp(`^${k}\\s*=\\s*(\\S+)`, 'm').exec(creds)?.[1] ?? '';
        return new AdminApi(Number(m[1]), get('aws_access_key_id'), get('aws_secret_access_key'));
      }
      if (proc.exit !== null || Date.now() > deadline) throw new Error(`no admin endpoint in ${proc.logPath}`);
      await sleep(100);
    }
  }

  /** One elasticloadbalancing action; resolves with the XML answer, rejects with AWS's error code and message. */
  call(action: string, params: Record<string, string>): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: '2015-12-01', ...params }).toString();
    const headers = signSigV4(
      { method: 'POST', path: '/', query: '', headers: { host: `${HOST}:${this.port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
      { accessKeyId: this.keyId, secretAccessKey: this.secret },
      { region: 'local', service: 'elasticloadbalancing', nowMs: Date.now() },
    );
    return new Promise((resolve, reject) => {
      const req = http.request({ host: HOST, port: this.port, method: 'POST', path: '/', headers, agent: false, timeout: 10_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          if (res.statusCode === 200) return resolve(text);
          const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP ${res.statusCode}`;
          reject(new Error(`${action}: ${code}: ${/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 200)}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${action}: no answer within 10 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The first `<name>` element's text of an action's answer. */
  async first(action: string, params: Record<string, string>, name: string): Promise<string> {
    const xml = await this.call(action, params);
    const v = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
    if (v === undefined) throw new Error(`${action}: no ${name} in the answer`);
    return v;
  }
}
