/** elbv2/listeners actions (being written). */
import type { ActionTable } from '../../action.ts';

export const listenersActions: ActionTable = {};
