/**
 * The audit archive outside the table (docs/audit.md): the bucket the signed digests are kept in,
 * under S3 Object Lock in compliance mode (no one, the account's root included, can delete or
 * overwrite a version before its retention ends; the retention an operator sets, 10 years by
 * default as Norwegian accounting and archive rules expect), and the asymmetric KMS key that signs
 * them (ECC_NIST_P256, SIGN_VERIFY: its private half never leaves KMS). Both are retained when the
 * stack goes. The functions get exactly what functions/access.ts says: the digest function
 * kms:Sign and s3:PutObject on the digests, the audit API kms:GetPublicKey and read; none
 * may change the key's policy or the bucket's lock.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/contracts/environment.ts';
import { named } from '../naming.ts';
import { type Alarming, PERIOD } from './messaging.ts';
import { Part } from './part.ts';

export interface AuditArchiveProps {
  /** Years a digest is kept under compliance-mode Object Lock (`-c auditRetentionYears=N`, default 10). */
  retentionYears: number;
  alarms: Alarming;
}

export class AuditArchive extends Part {
  readonly bucket: s3.Bucket;
  readonly signingKey: kms.Key;

  constructor(scope: Construct, id: string, props: AuditArchiveProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'AuditDigests', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(props.retentionYears * 365),
      ),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Nobody changes the lock's default retention downwards or removes a version through a policy
    // change either: deleting versions and bypassing governance are refused to every principal.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DigestsAreNeverDeleted',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs of the digest bucket would need another bucket that outlives it; every write to it is a signed digest whose number and link show a missing or extra object, and CloudTrail records the API calls',
    });
    this.signingKey = new kms.Key(this, 'AuditSigningKey', {
      description: 'Signs the hourly audit digests (ECDSA P-256); the public key verifies them anywhere',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.signingKey.addAlias(`alias/${named(this, 'audit-signing')}`);
    // Counted by the audit watcher for every change or removal of an audit item it sees on the stream.
    props.alarms.alarm(
      this,
      'AuditTampering',
      'An audit item was changed or removed after it was written: the audit trail has been tampered with. The next digest records it; run GET /audit/verify for the entity and read the audit watcher log group for the item key, and CloudTrail for who made the call.',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'AuditTampering',
        dimensionsMap: { service: 'auditWatcher' },
        statistic: 'Sum',
        period: PERIOD,
      }),
    );
  }
}
