/** iam/server-certificates actions (being written). */
import type { ActionTable } from '../../action.ts';

export const serverCertificatesActions: ActionTable = {};
