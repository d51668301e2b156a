/**
 * The environment contract between the description (functions/access.ts decides which function
 * gets which variable) and the code that reads it (functions/adapters/env.ts): the names of the
 * workflows and of every variable a function may be given.
 */

/** The product's workflows, one ASL file each under workflows/. */
export type WorkflowKey = 'tenderLifecycle' | 'annualRenegotiation';

const upperSnake = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toUpperCase();

export type WorkflowArnVariable = `WORKFLOW_${string}_ARN`;

/** The variable that carries a workflow's state machine ARN, e.g. WORKFLOW_TENDER_LIFECYCLE_ARN. */
export const workflowArnVariable = (workflow: WorkflowKey): WorkflowArnVariable =>
  `WORKFLOW_${upperSnake(workflow)}_ARN` as WorkflowArnVariable;

/** Every variable a function may be given; `env()` (functions/adapters/env.ts) reads only these. */
export type VariableName =
  | 'TABLE_NAME'
  | 'LOG_LEVEL'
  | 'NODE_OPTIONS'
  | 'POWERTOOLS_SERVICE_NAME'
  | 'POWERTOOLS_METRICS_NAMESPACE'
  | 'EVENT_BUS_NAME'
  | 'NOTIFICATION_TOPIC_ARN'
  | 'SCHEDULE_GROUP'
  | 'SCHEDULER_ROLE_ARN'
  | 'SCHEDULE_DEAD_LETTER_ARN'
  | 'TIMER_FUNCTION_ARN'
  | 'DIGEST_BUCKET'
  | 'SIGNING_KEY_ID'
  | 'DOFFIN_SECRET_ARN'
  | WorkflowArnVariable;

/** The CloudWatch namespace of the product's own metrics (e.g. HttpServerErrors per function). */
export const METRICS_NAMESPACE = 'Helsekjop';

/**
 * Counted by the daily sweep for each due item it could not handle (a reminder, a timed tender
 * step, an agreement's end): the sweep goes on with the others, and the stack alarms on this.
 */
export const SWEEP_FAILURES = 'SweepFailures';
