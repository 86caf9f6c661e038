/** elbv2/tags actions (being written). */
import type { ActionTable } from '../../action.ts';

export const tagsActions: ActionTable = {};
