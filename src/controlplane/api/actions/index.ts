/** Every service and action the admin endpoint answers, by SigV4 signing name. */
import type { ApiService } from '../action.ts';
import { XML_NAMESPACES } from '../xml.ts';
import { targetGroupsActions } from './elbv2/target-groups.ts';
import { loadBalancersActions } from './elbv2/load-balancers.ts';
import { listenersActions } from './elbv2/listeners.ts';
import { tagsActions } from './elbv2/tags.ts';
import { rulesActions } from './elbv2/rules.ts';
import { serverCertificatesActions } from './iam/server-certificates.ts';
import { securityGroupsActions } from './ec2/security-groups.ts';
import { targetHealthEventsActions } from './elbv2/target-health-events.ts';
import { CLOUDWATCH_NAMESPACE, CLOUDWATCH_VERSION, cloudwatchActions } from './cloudwatch.ts';

export const services: Readonly<Record<ApiService['signingName'], ApiService>> = {
  elasticloadbalancing: {
    signingName: 'elasticloadbalancing',
    version: '2015-12-01',
    namespace: XML_NAMESPACES.elasticloadbalancing,
    ec2: false,
    actions: { ...targetGroupsActions, ...loadBalancersActions, ...listenersActions, ...tagsActions, ...rulesActions, ...targetHealthEventsActions },
  },
  iam: {
    signingName: 'iam',
    version: '2010-05-08',
    namespace: XML_NAMESPACES.iam,
    ec2: false,
    actions: serverCertificatesActions,
  },
  ec2: {
    signingName: 'ec2',
    version: '2016-11-15',
    namespace: XML_NAMESPACES.ec2,
    ec2: true,
    actions: securityGroupsActions,
  },
  monitoring: {
    signingName: 'monitoring',
    version: CLOUDWATCH_VERSION,
    namespace: CLOUDWATCH_NAMESPACE,
    ec2: false,
    actions: cloudwatchActions,
  },
};
