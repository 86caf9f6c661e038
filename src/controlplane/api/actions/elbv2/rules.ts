/** elbv2/rules actions (being written). */
import type { ActionTable } from '../../action.ts';

export const rulesActions: ActionTable = {};
