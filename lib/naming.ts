/**
 * How the product's resources are named, and how cdk-nag spells their ARNs in its findings.
 */
import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { WorkflowKey } from '../functions/contracts/environment.ts';

/** `<stack name>-<suffix>`: the name of a resource that goes with the stack. */
export const named = (scope: IConstruct, suffix: string): string => `${Stack.of(scope).stackName}-${suffix}`;

/**
 * Resources that outlive the stack (RemovalPolicy.RETAIN) never carry a fixed name: a stack created
 * again (after `cdk destroy`, or after a failed first deploy rolled back) would collide with what the
 * old one left behind. Where a readable name helps, it ends with the first part of the stack id, a
 * UUID CloudFormation draws anew for every stack it creates.
 */
export const retainedName = (scope: IConstruct, readable: string): string => {
  const stackCreation = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(scope).stackId))));
  return `${readable}-${stackCreation}`;
};

export const workflowName = (scope: IConstruct, key: WorkflowKey): string => named(scope, key);

/**
 * A workflow's ARN, built from its name (not referenced): functions that start or answer a workflow
 * form no dependency cycle with the workflow that invokes them.
 */
export const workflowArn = (scope: IConstruct, key: WorkflowKey): string =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: workflowName(scope, key),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** A value as cdk-nag spells it in a finding: `<AWS::Partition>`, `<LogicalId.Arn>` for what CloudFormation fills in. */
export const nagSpelling = (scope: IConstruct, value: string): string => {
  const spell = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as { 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: string[]; Ref?: string };
    if (o['Fn::Join']) return o['Fn::Join'][1].map(spell).join(o['Fn::Join'][0]);
    if (o['Fn::GetAtt']) return `<${o['Fn::GetAtt'].join('.')}>`;
    if (o.Ref) return `<${o.Ref}>`;
    throw new Error(`cdk-nag's spelling of ${JSON.stringify(v)} is not known here`);
  };
  return spell(Stack.of(scope).resolve(value));
};
