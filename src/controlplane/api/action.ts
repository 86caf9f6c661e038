/**
 * The contract between the API server and the actions: each action is a function from the
 * decoded Query parameters to the XML result object, run with everything it may touch.
 */
import type { ArnContext, TargetHealth } from '../../model/index.ts';
import type { StateStore } from '../../store/state-store.ts';
import type { MasterKey } from '../../secrets/master-key.ts';
import type { QueryStruct } from './query-protocol.ts';
import type { XmlObject } from './xml.ts';
import type { Monitoring } from '../../monitoring/index.ts';

/** Observed target health as this node's health checker sees it (DescribeTargetHealth). */
export interface HealthView {
  get(targetGroupArn: string, targetKey: string): TargetHealth | undefined;
}

export interface ActionContext {
  store: StateStore;
  masterKey: MasterKey;
  arnContext: ArnContext;
  now: () => number;
  randomHex: (bytes: number) => string;
  health: HealthView;
  requestId: string;
  /** This node's metric history and health timelines; absent, the monitoring actions find no data. */
  monitoring?: Monitoring;
}

/**
 * Runs one action. Throws AlbatrossError for the caller's mistakes (rendered as AWS's error
 * XML); returns the `<ActionResult>` content, or undefined for actions whose result is empty.
 * Every write happens inside one `ctx.store.transaction`, so a failed call changes nothing.
 */
export type ActionHandler = (params: QueryStruct, ctx: ActionContext) => Promise<XmlObject | undefined>;

export type ActionTable = Readonly<Record<string, ActionHandler>>;

export interface ApiService {
  /** The SigV4 credential-scope service name that selects it. */
  signingName: 'elasticloadbalancing' | 'iam' | 'ec2' | 'monitoring';
  version: string;
  namespace: string;
  /** EC2's XML envelope and error shape. */
  ec2: boolean;
  actions: ActionTable;
}
