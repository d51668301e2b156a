/**
 * CDK entry: the product's stack, checked by cdk-nag's AwsSolutions rules at every synth
 * (`npm run synth`, `cdk deploy`). A finding that is not acknowledged with a reason fails the synth.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HelsekjopStack } from '../lib/helsekjop-stack.ts';
import { deploymentTarget } from '../lib/region.ts';

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const stack = new HelsekjopStack(app, app.node.tryGetContext('stackName') ?? 'Helsekjop', {
  projectRoot: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  // eu-north-1 unless -c region=... names another EEA region (lib/region.ts); the profile's region is ignored.
  env: deploymentTarget(context, process.env),
  ...(context('alarmEmail') ? { alarmEmail: String(context('alarmEmail')) } : {}),
  // Reattach what a deleted stack retained (docs/operations.md, "Redeploy").
  ...(context('existingTableName') ? { existingTableName: String(context('existingTableName')) } : {}),
  ...(context('existingTableStreamArn')
    ? { existingTableStreamArn: String(context('existingTableStreamArn')) }
    : {}),
  ...(context('existingUserPoolId') ? { existingUserPoolId: String(context('existingUserPoolId')) } : {}),
  // How long the signed audit digests are kept, locked (docs/audit.md): -c auditRetentionYears=N.
  ...(context('auditRetentionYears') ? { auditRetentionYears: Number(context('auditRetentionYears')) } : {}),
  description: 'Helsekjøp: tender lifecycle for public health purchasers',
});
Tags.of(stack).add('application', 'helsekjop');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
