/**
 * Which services emit each event name the CIS monitoring filters name: the `eventSource` values a
 * CloudTrail record with that `eventName` can carry. filter-coverage.ts leaves out of its corpus the
 * records that pair a listed name with any other source, since no such record exists (a filter that
 * adds `$.eventSource = ec2.amazonaws.com` to the route-table names loses nothing). A name not listed
 * pairs with every source. Plain data, kept as a module so the CLI build and the Action bundle carry it.
 */
export const EVENT_SOURCES: Readonly<Record<string, readonly string[]>> = {
  // 4.1
  HeadBucket: ['s3.amazonaws.com'],
  // 4.2, 4.6
  ConsoleLogin: ['signin.amazonaws.com'],
  // 4.4
  DeleteGroupPolicy: ['iam.amazonaws.com'],
  DeleteRolePolicy: ['iam.amazonaws.com'],
  DeleteUserPolicy: ['iam.amazonaws.com'],
  PutGroupPolicy: ['iam.amazonaws.com'],
  PutRolePolicy: ['iam.amazonaws.com'],
  PutUserPolicy: ['iam.amazonaws.com'],
  CreatePolicy: ['iam.amazonaws.com', 'organizations.amazonaws.com', 'iot.amazonaws.com', 'verifiedpermissions.amazonaws.com'],
  DeletePolicy: ['iam.amazonaws.com', 'organizations.amazonaws.com', 'autoscaling.amazonaws.com', 'iot.amazonaws.com', 'verifiedpermissions.amazonaws.com', 'fms.amazonaws.com'],
  CreatePolicyVersion: ['iam.amazonaws.com', 'iot.amazonaws.com'],
  DeletePolicyVersion: ['iam.amazonaws.com', 'iot.amazonaws.com'],
  AttachRolePolicy: ['iam.amazonaws.com'],
  DetachRolePolicy: ['iam.amazonaws.com'],
  AttachUserPolicy: ['iam.amazonaws.com'],
  DetachUserPolicy: ['iam.amazonaws.com'],
  AttachGroupPolicy: ['iam.amazonaws.com'],
  DetachGroupPolicy: ['iam.amazonaws.com'],
  // 4.5
  CreateTrail: ['cloudtrail.amazonaws.com'],
  UpdateTrail: ['cloudtrail.amazonaws.com'],
  DeleteTrail: ['cloudtrail.amazonaws.com'],
  StartLogging: ['cloudtrail.amazonaws.com'],
  StopLogging: ['cloudtrail.amazonaws.com'],
  // 4.7
  DisableKey: ['kms.amazonaws.com'],
  ScheduleKeyDeletion: ['kms.amazonaws.com'],
  // 4.8
  PutBucketAcl: ['s3.amazonaws.com'],
  PutBucketPolicy: ['s3.amazonaws.com'],
  PutBucketCors: ['s3.amazonaws.com'],
  PutBucketLifecycle: ['s3.amazonaws.com'],
  PutBucketReplication: ['s3.amazonaws.com'],
  DeleteBucketPolicy: ['s3.amazonaws.com'],
  DeleteBucketCors: ['s3.amazonaws.com'],
  DeleteBucketLifecycle: ['s3.amazonaws.com'],
  DeleteBucketReplication: ['s3.amazonaws.com'],
  // 4.9
  StopConfigurationRecorder: ['config.amazonaws.com'],
  DeleteDeliveryChannel: ['config.amazonaws.com'],
  PutDeliveryChannel: ['config.amazonaws.com'],
  PutConfigurationRecorder: ['config.amazonaws.com'],
  // 4.10
  AuthorizeSecurityGroupIngress: ['ec2.amazonaws.com'],
  AuthorizeSecurityGroupEgress: ['ec2.amazonaws.com'],
  RevokeSecurityGroupIngress: ['ec2.amazonaws.com'],
  RevokeSecurityGroupEgress: ['ec2.amazonaws.com'],
  CreateSecurityGroup: ['ec2.amazonaws.com'],
  DeleteSecurityGroup: ['ec2.amazonaws.com'],
  ModifySecurityGroupRules: ['ec2.amazonaws.com'],
  // 4.11
  CreateNetworkAcl: ['ec2.amazonaws.com'],
  CreateNetworkAclEntry: ['ec2.amazonaws.com'],
  DeleteNetworkAcl: ['ec2.amazonaws.com'],
  DeleteNetworkAclEntry: ['ec2.amazonaws.com'],
  ReplaceNetworkAclEntry: ['ec2.amazonaws.com'],
  ReplaceNetworkAclAssociation: ['ec2.amazonaws.com'],
  // 4.12
  CreateCustomerGateway: ['ec2.amazonaws.com'],
  DeleteCustomerGateway: ['ec2.amazonaws.com'],
  AttachInternetGateway: ['ec2.amazonaws.com'],
  CreateInternetGateway: ['ec2.amazonaws.com'],
  DeleteInternetGateway: ['ec2.amazonaws.com'],
  DetachInternetGateway: ['ec2.amazonaws.com'],
  // 4.13
  CreateRoute: ['ec2.amazonaws.com'],
  CreateRouteTable: ['ec2.amazonaws.com'],
  ReplaceRoute: ['ec2.amazonaws.com'],
  ReplaceRouteTableAssociation: ['ec2.amazonaws.com'],
  DeleteRouteTable: ['ec2.amazonaws.com'],
  DeleteRoute: ['ec2.amazonaws.com'],
  DisassociateRouteTable: ['ec2.amazonaws.com'],
  // 4.14
  CreateVpc: ['ec2.amazonaws.com'],
  DeleteVpc: ['ec2.amazonaws.com'],
  ModifyVpcAttribute: ['ec2.amazonaws.com'],
  AcceptVpcPeeringConnection: ['ec2.amazonaws.com'],
  CreateVpcPeeringConnection: ['ec2.amazonaws.com'],
  DeleteVpcPeeringConnection: ['ec2.amazonaws.com'],
  RejectVpcPeeringConnection: ['ec2.amazonaws.com'],
  AttachClassicLinkVpc: ['ec2.amazonaws.com'],
  DetachClassicLinkVpc: ['ec2.amazonaws.com'],
  DisableVpcClassicLink: ['ec2.amazonaws.com'],
  EnableVpcClassicLink: ['ec2.amazonaws.com'],
  // 4.15
  AcceptHandshake: ['organizations.amazonaws.com'],
  AttachPolicy: ['organizations.amazonaws.com', 'iot.amazonaws.com'],
  CreateAccount: ['organizations.amazonaws.com', 'chime.amazonaws.com'],
  CreateOrganizationalUnit: ['organizations.amazonaws.com'],
  DeclineHandshake: ['organizations.amazonaws.com'],
  DeleteOrganization: ['organizations.amazonaws.com'],
  DeleteOrganizationalUnit: ['organizations.amazonaws.com'],
  DetachPolicy: ['organizations.amazonaws.com', 'iot.amazonaws.com'],
  DisablePolicyType: ['organizations.amazonaws.com'],
  EnablePolicyType: ['organizations.amazonaws.com'],
  InviteAccountToOrganization: ['organizations.amazonaws.com'],
  LeaveOrganization: ['organizations.amazonaws.com'],
  MoveAccount: ['organizations.amazonaws.com'],
  RemoveAccountFromOrganization: ['organizations.amazonaws.com'],
  UpdatePolicy: ['organizations.amazonaws.com', 'verifiedpermissions.amazonaws.com'],
  UpdateOrganizationalUnit: ['organizations.amazonaws.com'],
}
