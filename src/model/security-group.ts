/** Security groups: named sets of inbound rules attached to load balancers (EC2's shape). */

export interface IpRange {
  cidr: string;
  description?: string;
}

export interface IpPermission {
  /** `tcp`, `udp`, `icmp`, or `-1` for all. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipv4Ranges: IpRange[];
  ipv6Ranges: IpRange[];
}

export interface SecurityGroup {
  /** `sg-` followed by 17 hex digits. */
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ingress: IpPermission[];
  egress: IpPermission[];
  createdAt: number;
}
