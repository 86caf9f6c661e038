/**
 * Group stickiness of a weighted forward (`TargetGroupStickinessConfig`): the response carries
 * `AWSALBTG` and `AWSALBTGCORS` naming the target group that served it, and a request with a
 * valid one goes back to that group while the forward still gives it weight and it has a
 * routable target; otherwise the weighted choice is made again (and the response names the new
 * group). A cookie names a group, not a rule: any weighted forward that has the group honours it.
 */
import type { TargetSet } from '../target-set.ts';
import { cookieValue, type StickyCookieDecoder, type StickyCookieIssuer } from './lb-cookie.ts';

/** The `group` field of every AWSALBTG value: the target group is in its `target`. */
const scope = 0;

export class GroupStickiness {
  readonly issuer: StickyCookieIssuer;
  readonly #decoder: StickyCookieDecoder;
  readonly #sets: readonly TargetSet[];
  readonly #weights: readonly number[];

  constructor(decoder: StickyCookieDecoder, sets: readonly TargetSet[], weights: readonly number[], durationSec: number) {
    this.#decoder = decoder;
    this.#sets = sets;
    this.#weights = weights;
    this.issuer = decoder.issuer({ kind: 'tg', name: 'AWSALBTG', corsName: 'AWSALBTGCORS', group: scope, durationSec });
  }

  /** The group a request's AWSALBTG (or AWSALBTGCORS) cookie names, if it may still take it. */
  stuckGroup(raw: readonly string[]): TargetSet | undefined {
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length !== 6 || name.toLowerCase() !== 'cookie') continue;
      const header = raw[i + 1]!;
      const value = cookieValue(header, 'AWSALBTG') ?? cookieValue(header, 'AWSALBTGCORS');
      if (value === undefined) continue;
      const payload = this.#decoder.decode('tg', value, (Date.now() / 1000) | 0);
      if (payload === undefined || payload.group !== scope) continue;
      const sets = this.#sets;
      for (let j = 0; j < sets.length; j++) {
        const set = sets[j]!;
        if (set.stickyToken === payload.target) return this.#weights[j]! > 0 && set.routable.length > 0 ? set : undefined;
      }
      return undefined;
    }
    return undefined;
  }
}
