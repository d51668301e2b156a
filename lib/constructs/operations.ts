/**
 * What the operations team needs to recover (docs/operations.md): find the product's workflows, list
 * and read their executions, redrive the failed ones (npm run redrive), and read and clear the
 * dead-letter queues. Nothing else: no starting executions, no invoking functions.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { executionArns, type Resources } from '../../functions/access.ts';
import type { WorkflowKey } from '../../functions/contracts/environment.ts';
import { workflows } from '../../functions/manifest.ts';
import { nagSpelling } from '../naming.ts';
import { Part } from './part.ts';

export interface OperationsProps {
  /** The names and ARNs of the product's resources (its workflows'). */
  resources: Resources;
  deadLetters: sqs.IQueue[];
}

export class Operations extends Part {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { resources } = props;
    const workflowKeys = Object.keys(workflows) as WorkflowKey[];
    this.policy = new iam.ManagedPolicy(this, 'OperationsPolicy', {
      description: `${Stack.of(this).stackName}: recovery by the operations team (redrive workflows, inspect dead letters)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'FindWorkflows',
          actions: ['states:ListStateMachines'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ReadWorkflows',
          actions: ['states:DescribeStateMachine', 'states:ListExecutions'],
          resources: workflowKeys.map((w) => resources.workflowArn(w)),
        }),
        new iam.PolicyStatement({
          sid: 'RedriveExecutions',
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
          resources: workflowKeys.map((w) => executionArns(resources, w)),
        }),
        new iam.PolicyStatement({
          sid: 'InspectDeadLetters',
          actions: [
            'sqs:GetQueueAttributes',
            'sqs:ReceiveMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
          ],
          resources: props.deadLetters.map((queue) => queue.queueArn),
        }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:ListStateMachines has no resource-level permissions; the redrive command uses it to find the product’s state machines by name.',
    });
    for (const w of workflowKeys) {
      Validations.of(this.policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagSpelling(this, executionArns(resources, w))}]`,
        reason:
          'Executions are named by tender or agreement at run time; the grant is limited to executions of this one state machine.',
      });
    }
  }
}
