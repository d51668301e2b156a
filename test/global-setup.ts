/**
 * One DynamoDB Local (in memory) for the whole test run, instead of one Java process per test file
 * that starts the local runtime: its endpoint goes to the test workers (`inject('dynamodbEndpoint')`,
 * test/support/local-stack.ts), where each local runtime keeps a table of its own in it.
 */
import type { TestProject } from 'vitest/node';
import { startDynamo } from '../local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamo({ javaOptions: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' });
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
