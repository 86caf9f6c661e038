/** Host-name resolution for `instance` targets: IPv4 first (what targets listen on most often). */
import { lookup } from 'node:dns/promises';

const resolveTimeoutMs = 5000;

export async function resolveHost(host: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), resolveTimeoutMs);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true }).catch(() => undefined), timeout]);
    if (!found || found.length === 0) return undefined;
    return (found.find((a) => a.family === 4) ?? found[0]!).address;
  } finally {
    clearTimeout(timer);
  }
}
