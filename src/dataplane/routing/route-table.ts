/**
 * A listener's rules as one table, compiled per config change: rules in priority order (lowest
 * first), each a list of compiled conditions, then the default action. `match` walks it for one
 * request without allocating: the query string is split and the client address parsed only if
 * a condition asks, and at most once per request.
 */
import type { RuleCondition } from '../../model/index.ts';
import { compileConditions, conditionMatches, MatchScratch, type CompiledCondition, type RouteRequest } from './conditions.ts';

export type { RouteRequest } from './conditions.ts';

/** A rule as the table takes it: what to match and what to return when it does. */
export interface RouteRule<T> {
  /** 1–50000; lower is tested first. */
  priority: number;
  conditions: readonly RuleCondition[];
  action: T;
}

/** The compiled rules of one listener. */
export class RouteTable<T> {
  /** Non-default rules; 0 means every request takes the default action. */
  readonly ruleCount: number;
  /** Every rule's conditions, one rule after another (flat: one array load per condition). */
  readonly #conditions: readonly CompiledCondition[];
  /** Rule r's conditions end (exclusive) at `#ends[r]`. */
  readonly #ends: Int32Array;
  readonly #actions: readonly T[];
  readonly #defaultAction: T;
  readonly #scratch = new MatchScratch();

  constructor(rules: readonly (readonly CompiledCondition[])[], actions: readonly T[], defaultAction: T) {
    this.ruleCount = actions.length;
    this.#conditions = rules.flat();
    this.#ends = new Int32Array(rules.length);
    let end = 0;
    rules.forEach((r, i) => {
      end += r.length;
      this.#ends[i] = end;
    });
    this.#actions = actions;
    this.#defaultAction = defaultAction;
  }

  /** The action of the first rule whose conditions all match, else the default action. */
  match(req: RouteRequest): T {
    const ends = this.#ends;
    const n = ends.length;
    if (n === 0) return this.#defaultAction;
    const conditions = this.#conditions;
    const scratch = this.#scratch;
    scratch.reset();
    let c = 0;
    for (let r = 0; r < n; r++) {
      const end = ends[r]!;
      while (c < end && conditionMatches(conditions[c]!, req, scratch)) c++;
      if (c === end) return this.#actions[r]!;
      c = end;
    }
    return this.#defaultAction;
  }
}

/**
 * Compiles a listener's rules (checked by the model: priorities unique, conditions valid).
 * A rule without conditions matches every request, as ALB's default rule does.
 */
export function compileRouteTable<T>(rules: readonly RouteRule<T>[], defaultAction: T): RouteTable<T> {
  const sorted = [...rules].sort((a, b) => a.priority - b.priority);
  return new RouteTable(
    sorted.map((r) => compileConditions(r.conditions)),
    sorted.map((r) => r.action),
    defaultAction,
  );
}

let lastHostIn = '';
let lastHostOut = '';

/**
 * The host-header condition's subject from a Host header value: the name without the port
 * (`[::1]:8080` gives `[::1]`), lower case. Remembers the last answer, since a worker sees the
 * same few Host values over and over.
 */
export function routingHost(host: string): string {
  if (host === lastHostIn) return lastHostOut;
  let name = host;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    if (close > 0) name = host.slice(0, close + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) name = host.slice(0, colon);
  }
  name = name.toLowerCase();
  lastHostIn = host;
  lastHostOut = name;
  return name;
}
