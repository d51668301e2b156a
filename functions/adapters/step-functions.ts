/** Starting and reading Step Functions executions (the same calls locally and on AWS). */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { type WorkflowKey, workflowArnVariable } from '../contracts/environment.ts';
import { sdk, sfn } from './clients.ts';
import { env } from './env.ts';

export const stateMachineArn = (workflow: WorkflowKey): string => env(workflowArnVariable(workflow));

export const executionArnFor = (workflow: WorkflowKey, name: string): string =>
  `${stateMachineArn(workflow).replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Starts the execution named `name`, or finds it running: Standard workflows treat a repeated
 * StartExecution with the same name and input as the same execution.
 */
export const startWorkflow = async (workflow: WorkflowKey, name: string, input: unknown): Promise<string> => {
  const { StartExecutionCommand } = sdk('@aws-sdk/client-sfn');
  const result = await sfn().send(
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn(workflow),
      name,
      input: JSON.stringify(input),
    }),
  );
  if (!result.executionArn) throw new Error(`StartExecution returned no executionArn for ${name}`);
  return result.executionArn;
};

export interface ExecutionView {
  executionArn: string;
  status: string;
  startDate?: string;
  stopDate?: string;
  events: Record<string, unknown>[];
}

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

export const readExecution = async (executionArn: string): Promise<ExecutionView | undefined> => {
  const { DescribeExecutionCommand, ExecutionDoesNotExist, GetExecutionHistoryCommand } =
    sdk('@aws-sdk/client-sfn');
  try {
    const described = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn().send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 500, nextToken }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return {
      executionArn,
      status: described.status ?? 'UNKNOWN',
      ...(described.startDate ? { startDate: iso(described.startDate) } : {}),
      ...(described.stopDate ? { stopDate: iso(described.stopDate) } : {}),
      events: events.map((e) => ({ ...e, timestamp: iso(e.timestamp) })) as Record<string, unknown>[],
    };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist')
      return undefined;
    throw error;
  }
};

export const completeTask = (taskToken: string, output: unknown) => {
  const { SendTaskSuccessCommand } = sdk('@aws-sdk/client-sfn');
  return sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
};

export const failTask = (taskToken: string, error: string, cause: string) => {
  const { SendTaskFailureCommand } = sdk('@aws-sdk/client-sfn');
  return sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
};
