/** Access keys that sign API requests (SigV4). The secret is sealed in the store, never kept in clear. */
export interface AccessKey {
  /** `AKIA` followed by 16 upper-case letters and digits, as AWS's. */
  accessKeyId: string;
  name: string;
  createdAt: number;
  status: 'Active' | 'Inactive';
}
