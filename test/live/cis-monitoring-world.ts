import type {FakeAccount, FakeAlarm, FakeMetricFilter} from './fake-aws/server.js'

/** The CIS AWS Foundations v5.0 (4.x) / v6.0+ (5.x) metric-filter patterns, verbatim (Generation B). */
export const CIS_FILTERS: readonly {topic: string; metricName: string; pattern: string}[] = [
  {topic: 'unauthorized-api-calls', metricName: 'UnauthorizedAPICalls', pattern: '{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }'},
  {topic: 'console-signin-without-mfa', metricName: 'ConsoleSigninWithoutMFA', pattern: '{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }'},
  {topic: 'root-usage', metricName: 'RootAccountUsage', pattern: '{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }'},
  {topic: 'iam-policy-changes', metricName: 'IAMPolicyChanges', pattern: '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}'},
  {topic: 'cloudtrail-changes', metricName: 'CloudTrailChanges', pattern: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'},
  {topic: 'console-auth-failures', metricName: 'ConsoleAuthenticationFailures', pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed authentication) }'},
  {topic: 'cmk-disable-or-deletion', metricName: 'DisableOrDeleteCMK', pattern: '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }'},
  {topic: 's3-bucket-policy-changes', metricName: 'S3BucketPolicyChanges', pattern: '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }'},
  {topic: 'config-changes', metricName: 'AWSConfigChanges', pattern: '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }'},
  {topic: 'security-group-changes', metricName: 'SecurityGroupChanges', pattern: '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }'},
  {topic: 'nacl-changes', metricName: 'NACLChanges', pattern: '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }'},
  {topic: 'network-gateway-changes', metricName: 'NetworkGatewayChanges', pattern: '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }'},
  {topic: 'route-table-changes', metricName: 'RouteTableChanges', pattern: '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }'},
  {topic: 'vpc-changes', metricName: 'VPCChanges', pattern: '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }'},
  {topic: 'organizations-changes', metricName: 'OrganizationsChanges', pattern: '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }'},
]

export const CIS_NAMESPACE = 'CISBenchmark'

/**
 * An account's CloudWatch monitoring as the CIS remediation writes it: the 15 filters on one log
 * group, one alarm per metric notifying `topicArn`, and (when the topic is the account's own) one
 * confirmed email subscription.
 */
export function cisMonitoring(options: {account: string; region: string; logGroupName: string; topicArn: string}): Pick<FakeAccount, 'metricFilters' | 'alarms' | 'topics'> {
  const {account, region, logGroupName, topicArn} = options
  const metricFilters: FakeMetricFilter[] = CIS_FILTERS.map(({topic, metricName, pattern}) => ({
    region,
    logGroupName,
    filterName: `cis-${topic}`,
    filterPattern: pattern,
    metricTransformations: [{metricName, metricNamespace: CIS_NAMESPACE, metricValue: '1'}],
  }))
  const alarms: FakeAlarm[] = CIS_FILTERS.map(({topic, metricName}) => ({
    region,
    AlarmName: `cis-${topic}-alarm`,
    MetricName: metricName,
    Namespace: CIS_NAMESPACE,
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    ActionsEnabled: true,
    AlarmActions: [topicArn],
  }))
  const own = topicArn.split(':')[4] === account
  const topics = own
    ? {[topicArn]: [{SubscriptionArn: `${topicArn}:0b1e2c3d-4e5f-6071-8293-a4b5c6d7e8f9`, Protocol: 'email', Endpoint: 'security@example.com'}]}
    : {}
  return {metricFilters, alarms, topics}
}
