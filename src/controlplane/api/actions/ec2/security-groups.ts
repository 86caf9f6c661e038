/** ec2/security-groups actions (being written). */
import type { ActionTable } from '../../action.ts';

export const securityGroupsActions: ActionTable = {};
