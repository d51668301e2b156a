/**
 * AWS SDK clients: module-scope singletons, created on first use. Locally the SDK is pointed at the
 * stand-ins by the standard AWS_ENDPOINT_URL_<SERVICE> variables; nothing here knows the difference.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const resets: (() => void)[] = [];
const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  resets.push(() => {
    value = undefined;
  });
  return () => {
    value ??= make();
    return value;
  };
};

/** Forgets the clients so the next use reads the endpoints again (a local runtime restarted in-process). */
export const resetClients = (): void => {
  for (const reset of resets) reset();
};

export const ddb = lazy(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  }),
);
export const sfn = lazy(() => new SFNClient({}));
export const eventBridge = lazy(() => new EventBridgeClient({}));
export const scheduler = lazy(() => new SchedulerClient({}));
export const sns = lazy(() => new SNSClient({}));
