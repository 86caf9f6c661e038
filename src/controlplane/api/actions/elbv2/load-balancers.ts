/** elbv2/load-balancers actions (being written). */
import type { ActionTable } from '../../action.ts';

export const loadBalancersActions: ActionTable = {};
