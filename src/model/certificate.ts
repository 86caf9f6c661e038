/**
 * Server certificates in the IAM-style certificate store: metadata and public material only.
 * The private key never appears in this shape; it is kept sealed beside it in the store.
 */
export interface ServerCertificate {
  name: string;
  /** IAM's id: `ASCA` followed by 17 upper-case letters and digits. */
  id: string;
  arn: string;
  path: string;
  uploadedAt: number;
  /** Epoch ms at which the certificate stops being valid. */
  expiresAt: number;
  certificateBody: string;
  certificateChain?: string;
}

export function serverCertificateArn(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:server-certificate${path}${name}`;
}
