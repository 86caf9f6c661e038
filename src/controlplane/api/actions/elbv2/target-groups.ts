/** elbv2/target-groups actions (being written). */
import type { ActionTable } from '../../action.ts';

export const targetGroupsActions: ActionTable = {};
