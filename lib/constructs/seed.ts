/**
 * The deploy-time seed: a custom resource that runs the seed function (reference suppliers, and the
 * yearly renegotiation timer it arms) at every deploy whose seed data changed.
 */
import { createHash } from 'node:crypto';
import { CustomResource, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { seedSuppliers } from '../../functions/domain/reference-data.ts';
import { seedFunction, timerFunction } from '../../functions/manifest.ts';
import { nagSpelling } from '../naming.ts';
import type { Events } from './events.ts';
import type { Functions } from './functions.ts';
import { Part } from './part.ts';

export interface SeedProps {
  functions: Functions;
  events: Events;
  logRetention: logs.RetentionDays;
}

export class Seed extends Part {
  constructor(scope: Construct, id: string, props: SeedProps) {
    super(scope, id);
    const seed = props.functions.of(seedFunction);
    const provider = new cr.Provider(this, 'SeedProvider', {
      onEventHandler: seed.fn,
      logGroup: new logs.LogGroup(this, 'SeedProviderLogs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    const resource = new CustomResource(this, 'SeedSuppliers', {
      serviceToken: provider.serviceToken,
      properties: {
        // Runs again when the seed data changes.
        seedVersion: createHash('sha256').update(JSON.stringify(seedSuppliers)).digest('hex').slice(0, 16),
      },
    });
    // The seed arms the yearly renegotiation timer: a schedule in the group (named, not referenced,
    // in its environment), run by the scheduler role, calling the timer function.
    resource.node.addDependency(
      props.events.scheduleGroup,
      props.events.schedulerRole,
      props.functions.of(timerFunction),
    );
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `AwsSolutions-IAM5[Resource::${nagSpelling(this, `${seed.fn.functionArn}:*`)}]`,
    ]) {
      Validations.of(provider).acknowledge({
        id,
        reason:
          'The custom-resource provider framework of aws-cdk-lib: its role and its grant to invoke the seed function.',
      });
    }
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The provider framework function’s runtime is chosen by aws-cdk-lib and updated with it.',
    });
  }
}
