/**
 * One Standard state machine per manifest workflow, defined by its ASL file with the task functions
 * substituted; its log group (kept when the stack goes: the history is evidence) and its alarms.
 */
import { join } from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { WorkflowKey } from '../../functions/contracts/environment.ts';
import { type FunctionKey, workflows } from '../../functions/manifest.ts';
import { nagSpelling, retainedName, workflowName } from '../naming.ts';
import type { Functions } from './functions.ts';
import { type Alarming, PERIOD } from './messaging.ts';
import { Part } from './part.ts';

export interface WorkflowsProps {
  /** Project root (where workflows/ is). */
  projectRoot: string;
  functions: Functions;
  alarms: Alarming;
}

export class Workflows extends Part {
  readonly stateMachines = {} as Record<WorkflowKey, sfn.StateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    for (const [key, spec] of Object.entries(workflows) as [WorkflowKey, (typeof workflows)[WorkflowKey]][]) {
      const tasks = [...new Set(Object.values(spec.tasks))].map((fnKey) =>
        props.functions.of(fnKey as FunctionKey),
      );
      const logGroup = new logs.LogGroup(this, `${key}Logs`, {
        // Kept when the stack goes (the workflow history is evidence), so named per stack creation;
        // the /aws/vendedlogs/ prefix keeps log delivery out of the account's log resource policy.
        logGroupName: retainedName(this, `/aws/vendedlogs/states/${workflowName(this, key)}`),
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const sm = new sfn.StateMachine(this, `${key[0]?.toUpperCase()}${key.slice(1)}`, {
        stateMachineName: workflowName(this, key),
        stateMachineType: sfn.StateMachineType.STANDARD,
        comment: spec.description,
        definitionBody: sfn.DefinitionBody.fromFile(join(props.projectRoot, spec.file)),
        definitionSubstitutions: Object.fromEntries(
          Object.entries(spec.tasks).map(([sub, fnKey]) => [
            sub,
            props.functions.of(fnKey as FunctionKey).fn.functionArn,
          ]),
        ),
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
        tracingEnabled: true,
      });
      for (const task of tasks) task.fn.grantInvoke(sm);
      this.stateMachines[key] = sm;
      Validations.of(sm.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray do not support resource-level permissions.',
      });
      for (const task of tasks) {
        Validations.of(sm.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagSpelling(this, `${task.fn.functionArn}:*`)}]`,
          reason:
            'Invoking the task function includes its published versions (the grant CDK generates for lambda:invoke).',
        });
      }
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'] as const) {
        props.alarms.alarm(
          this,
          `${key}${metric}`,
          `${workflowName(this, key)}: ${metric}. An execution stopped before its end; see its execution history, fix the cause, then redrive it (npm run redrive -- --workflow ${key}).`,
          sm.metric(metric, { period: PERIOD, statistic: 'Sum' }),
        );
      }
    }
  }
}
