/**
 * The one description of the product's runtime shape, read by the CDK stack (lib/) and by the
 * local runtime (local/): which functions exist and what each may touch, which routes they serve,
 * which workflows run which tasks, which events go where, what the scheduler calls.
 * Plain data: no AWS imports, nothing that runs.
 */

import { auditStreamFilter } from './contracts/audit-stream.ts';
import type { WorkflowKey } from './contracts/environment.ts';
import { EVENT_SOURCE } from './contracts/events.ts';
import { outboxStreamFilter } from './contracts/outbox.ts';
import type { AreaRoutes, Method } from './http/route.ts';
import { agreementRoutes } from './http/routes/agreements.routes.ts';
import { auditRoutes } from './http/routes/audit.routes.ts';
import { biddingRoutes } from './http/routes/bidding.routes.ts';
import { docsRoutes } from './http/routes/docs.routes.ts';
import { noticeRoutes } from './http/routes/notices.routes.ts';
import { performanceRoutes } from './http/routes/performance.routes.ts';
import { referenceRoutes } from './http/routes/reference.routes.ts';
import { tenderRoutes } from './http/routes/tenders.routes.ts';

/** DynamoDB actions on the table and its indexes. Scan is never granted. */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'ConditionCheckItem'
  | 'UpdateItem'
  | 'DeleteItem';
/** EventBridge Scheduler actions on schedules of the product's group. */
export type ScheduleAction = 'CreateSchedule' | 'UpdateSchedule' | 'DeleteSchedule' | 'GetSchedule';
/** Step Functions actions that answer a waiting task. */
export type TaskResponseAction = 'SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat';

/**
 * Exactly what a function's code calls, action by action (functions/access.ts turns it into IAM
 * statements and environment variables; test/parity checks it against what the code can call).
 */
export interface FunctionAccess {
  table?: readonly TableAction[];
  /** Put events on the domain bus. */
  bus?: boolean;
  /** Start executions of these workflows. */
  startWorkflows?: readonly WorkflowKey[];
  /** Answer the waiting tasks of these workflows, with these actions. */
  taskResponse?: Partial<Record<WorkflowKey, readonly TaskResponseAction[]>>;
  /** Describe executions of these workflows and read their history. */
  readHistory?: readonly WorkflowKey[];
  /** Schedules in the product's schedule group (a schedule is always created with the scheduler role). */
  schedules?: readonly ScheduleAction[];
  /** Publish to the notification topic. */
  notifications?: boolean;
  /** The signed audit digests in the digest bucket: write new ones, read them, list them. */
  digests?: readonly ('PutObject' | 'GetObject' | 'ListBucket')[];
  /** The audit signing key: sign digests, or read its public key to check them. */
  signing?: readonly ('Sign' | 'GetPublicKey')[];
  /** Read the Doffin secret (base URL and subscription key of the Notices API). */
  doffin?: boolean;
}

/**
 * What a function needs beside its bundle: packages loaded from node_modules as they are (not
 * bundled: a package that reads its own files, such as a WebAssembly module), and folders of data.
 * The stack copies both next to the bundle; the local runtime runs from the tree, where they are.
 */
export interface FunctionPackaging {
  /** Packages kept out of the bundle and copied whole into the bundle's node_modules. */
  packages?: readonly string[];
  /** Folders (from the project root) copied beside the bundle under their last name. */
  folders?: readonly string[];
}

export interface FunctionSpec {
  /** Module path from the project root; the module exports `handler`. */
  entry: string;
  description: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  access: FunctionAccess;
  packaging?: FunctionPackaging;
}

/** A function's timeout: its own, or Lambda's here (the stack and the local runtime both read this). */
export const timeoutSecondsOf = (spec: Pick<FunctionSpec, 'entry' | 'timeoutSeconds'>): number =>
  spec.timeoutSeconds ?? 10;

export const functions = {
  tendersApi: {
    entry: 'functions/handlers/api/tenders.ts',
    description: 'HTTP API: tenders (draft, announce, change, cancel, ranking, award)',
    access: {
      table: ['GetItem', 'Query', 'PutItem'],
      startWorkflows: ['tenderLifecycle'],
      readHistory: ['tenderLifecycle'],
      taskResponse: { tenderLifecycle: ['SendTaskSuccess', 'SendTaskFailure'] },
    },
  },
  biddingApi: {
    entry: 'functions/handlers/api/bidding.ts',
    description: 'HTTP API: questions, sealed bids, qualification and scores',
    access: {
      table: ['GetItem', 'Query', 'PutItem'],
    },
  },
  agreementsApi: {
    entry: 'functions/handlers/api/agreements.ts',
    description: 'HTTP API: framework agreements, options, termination, renewal decisions, reminders',
    access: {
      table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem'],
      // Reminder and expiry schedules are armed with the agreement (registration, option, termination).
      schedules: ['CreateSchedule', 'UpdateSchedule', 'DeleteSchedule'],
    },
  },
  performanceApi: {
    entry: 'functions/handlers/api/performance.ts',
    description: 'HTTP API: annual performance agreements (yearly negotiation), amendments, usage reports',
    access: {
      table: ['GetItem', 'Query', 'PutItem'],
      // The yearly negotiation runs in the renegotiation workflow: started (or resumed) here, its
      // waiting task answered when a step is done, its history read.
      startWorkflows: ['annualRenegotiation'],
      readHistory: ['annualRenegotiation'],
      taskResponse: { annualRenegotiation: ['SendTaskSuccess'] },
    },
  },
  auditApi: {
    entry: 'functions/handlers/api/audit.ts',
    description: 'HTTP API: audit verification and merged histories (read only)',
    memoryMb: 1024,
    timeoutSeconds: 29,
    access: {
      table: ['GetItem', 'BatchGetItem', 'Query'],
      readHistory: ['tenderLifecycle', 'annualRenegotiation'],
      // Verification against the signed digests: read them and the key's public half, never sign.
      digests: ['GetObject', 'ListBucket'],
      signing: ['GetPublicKey'],
    },
  },
  referenceApi: {
    entry: 'functions/handlers/api/reference.ts',
    description: 'HTTP API: reference data and suppliers',
    access: {
      table: ['GetItem', 'Query', 'PutItem'],
    },
  },
  noticesApi: {
    entry: 'functions/handlers/api/notices.ts',
    description: 'HTTP API: eForms notices of tenders (made, checked against the XSDs, submitted to Doffin)',
    memoryMb: 1024,
    // A submission waits for Doffin (10 s at most) after the XSD check (a few hundred ms cold).
    timeoutSeconds: 29,
    access: {
      table: ['GetItem', 'Query', 'PutItem'],
      doffin: true,
    },
    packaging: {
      packages: ['xmllint-wasm'],
      folders: ['functions/adapters/eforms-xsd'],
    },
  },
  docsApi: {
    entry: 'functions/handlers/api/docs.ts',
    description: 'HTTP API: OpenAPI document and interactive documentation',
    memoryMb: 512,
    // No AWS access: it serves the OpenAPI document and static files.
    access: {},
  },
  tenderWorkflow: {
    entry: 'functions/handlers/tasks/tender-tasks.ts',
    description: 'Step Functions tasks of the tender lifecycle',
    timeoutSeconds: 30,
    access: {
      table: ['GetItem', 'Query', 'PutItem', 'ConditionCheckItem'],
      bus: true,
      schedules: ['CreateSchedule', 'UpdateSchedule', 'DeleteSchedule'],
      taskResponse: { tenderLifecycle: ['SendTaskSuccess'] },
    },
  },
  agreementWorkflow: {
    entry: 'functions/handlers/tasks/renegotiation-tasks.ts',
    description: 'Step Functions tasks of the yearly renegotiation',
    timeoutSeconds: 30,
    access: {
      table: ['GetItem', 'Query', 'PutItem', 'ConditionCheckItem'],
      bus: true,
      schedules: ['CreateSchedule', 'UpdateSchedule'],
      taskResponse: { annualRenegotiation: ['SendTaskSuccess'] },
    },
  },
  timer: {
    entry: 'functions/handlers/events/timer.ts',
    description: 'EventBridge Scheduler target: deadlines, renegotiation calendar and reminders',
    timeoutSeconds: 60,
    access: {
      table: ['GetItem', 'Query', 'PutItem'],
      bus: true,
      schedules: ['CreateSchedule', 'UpdateSchedule', 'DeleteSchedule'],
      startWorkflows: ['annualRenegotiation'],
      taskResponse: { tenderLifecycle: ['SendTaskSuccess'], annualRenegotiation: ['SendTaskSuccess'] },
    },
  },
  notifier: {
    entry: 'functions/handlers/events/notifier.ts',
    description: 'Domain events to notifications (SNS), each event once',
    timeoutSeconds: 30,
    access: {
      // A delivery record per event (NOTIFIED#<eventId>): an event delivered again is not notified twice.
      table: ['GetItem', 'PutItem'],
      notifications: true,
    },
  },
  outboxRelay: {
    entry: 'functions/handlers/events/outbox-relay.ts',
    description: 'Outbox relay: the domain events of committed changes, from the table stream to the bus',
    timeoutSeconds: 60,
    access: {
      // Rewrites an outbox item as sent. (Reading the stream is the event source mapping's grant.)
      table: ['PutItem'],
      bus: true,
    },
  },
  auditWatcher: {
    entry: 'functions/handlers/events/audit-watcher.ts',
    description:
      'Audit items on the table stream: new chain heads for the next digest; any change or removal of one raised and recorded',
    timeoutSeconds: 60,
    access: {
      // Pending heads (DIGEST#PENDING) and anomalies (DIGEST#ANOMALY); never an audit item.
      table: ['PutItem'],
    },
  },
  auditDigest: {
    entry: 'functions/handlers/events/audit-digest.ts',
    description:
      'Every hour: the changed chain heads of each scope, signed with the KMS key, into the locked bucket',
    timeoutSeconds: 300,
    access: {
      table: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
      // Writes each new digest (the previous one's number and hash are in its state item); signs,
      // never reads the key's policy.
      digests: ['PutObject'],
      signing: ['Sign'],
    },
  },
  noticeWatcher: {
    entry: 'functions/handlers/events/notice-watcher.ts',
    description: 'Every hour: records what Doffin has published of the notices it took',
    timeoutSeconds: 120,
    access: {
      // The index of notices awaiting publication; each publication a commit with its audit event.
      table: ['GetItem', 'Query', 'PutItem'],
      doffin: true,
    },
  },
  seed: {
    entry: 'functions/handlers/events/seed.ts',
    description:
      'Seeds reference suppliers and arms the yearly renegotiation timer (deploy-time custom resource)',
    timeoutSeconds: 120,
    access: {
      table: ['GetItem', 'PutItem'],
      schedules: ['CreateSchedule', 'UpdateSchedule'],
    },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof functions;

export interface RouteBinding {
  method: Method;
  path: string;
  function: FunctionKey;
  auth: 'jwt' | 'none';
}

const bind = (area: AreaRoutes): RouteBinding[] =>
  Object.values(area.routes).map((r) => ({
    method: r.method,
    path: r.path,
    function: area.function as FunctionKey,
    auth: r.action === null ? 'none' : 'jwt',
  }));

export const areas: AreaRoutes[] = [
  tenderRoutes,
  biddingRoutes,
  agreementRoutes,
  performanceRoutes,
  auditRoutes,
  referenceRoutes,
  noticeRoutes,
  docsRoutes,
];
export const routes: RouteBinding[] = areas.flatMap(bind);

export interface WorkflowSpec {
  file: string;
  description: string;
  /** Substitution name used in the ASL file → the function that serves it. */
  tasks: Record<string, FunctionKey>;
}

export const workflows = {
  tenderLifecycle: {
    file: 'workflows/tender-lifecycle.asl.json',
    description:
      'One execution per announced tender: from announcement to agreements, cancellation or no result',
    tasks: { TenderTasksFunction: 'tenderWorkflow' },
  },
  annualRenegotiation: {
    file: 'workflows/annual-renegotiation.asl.json',
    description:
      'One execution per agreement and year: the annual performance agreement, proposed, answered, approved, published',
    tasks: { RenegotiationTasksFunction: 'agreementWorkflow' },
  },
} as const satisfies Record<WorkflowKey, WorkflowSpec>;

/** EventBridge event pattern (the subset the local bus matches is documented in local/event-pattern.ts). */
export type EventPattern = Record<string, unknown>;

/**
 * How a rule's target is retried when its invocation fails, before the event goes to the delivery
 * dead-letter queue: the stack's rule targets and the local bus both read it.
 */
export const DELIVERY_RETRY = { attempts: 8, maxEventAgeHours: 24 } as const;

export interface SubscriptionSpec {
  name: string;
  description: string;
  pattern: EventPattern;
  target: FunctionKey;
}

export const subscriptions: SubscriptionSpec[] = [
  {
    name: 'notify-participants',
    description: 'Tell the people concerned about tender, agreement and annual performance agreement events',
    // Every detail-type the notifier formats (test/contracts/notifier-routing.test.ts).
    pattern: {
      source: [EVENT_SOURCE],
      'detail-type': [{ prefix: 'Tender.' }, { prefix: 'Agreement.' }, { prefix: 'PerformanceAgreement.' }],
    },
    target: 'notifier',
  },
];

/**
 * A function fed by the table's stream: a Lambda event source mapping on AWS (lib/constructs/events.ts),
 * local/stream-poller.ts locally, both with this filter, batch size and retry budget. A batch whose
 * response names a failed record is read again from that record on; one that failed
 * `retryAttempts` times is given up (to the dead-letter queue on AWS) and the next is read.
 */
export interface StreamConsumerSpec {
  name: string;
  description: string;
  target: FunctionKey;
  /** Event source mapping filter (EventBridge pattern syntax over the stream record). */
  filter: Record<string, unknown>;
  batchSize: number;
  retryAttempts: number;
}

export const streamConsumers: StreamConsumerSpec[] = [
  {
    name: 'outbox-relay',
    description: 'Domain events written with their changes (the outbox) to the bus, at least once',
    target: 'outboxRelay',
    filter: outboxStreamFilter,
    batchSize: 100,
    retryAttempts: 100,
  },
  {
    name: 'audit-watcher',
    description:
      'Every write to an audit item: an insert is a chain head for the next digest; a change, a removal or a TTL is tampering',
    target: 'auditWatcher',
    filter: auditStreamFilter,
    batchSize: 100,
    retryAttempts: 100,
  },
];

/**
 * Jobs that run every hour, on the hour: an EventBridge rule `rate(1 hour)` on AWS. Locally the
 * clock runs one at the next full hour after the work it waits for appeared (local/runtime.ts),
 * and again the hour after a run that answered `{ more: true }`: an hour with nothing to do is one
 * run that does nothing on AWS, and none locally.
 */
export interface HourlyJob {
  name: string;
  description: string;
  target: FunctionKey;
  input: Record<string, unknown>;
  /** The stream consumer whose work the job waits for (locally: armed when it delivered records). */
  after: string;
}

export const hourlyJobs: HourlyJob[] = [
  {
    name: 'audit-digest',
    description: 'Signs a digest of every audit chain head that changed in the hour, per scope',
    target: 'auditDigest',
    input: { type: 'audit.digest' },
    after: 'audit-watcher',
  },
  {
    name: 'notice-publications',
    description:
      'Records what Doffin has published of the notices it took (the index of notices awaiting publication)',
    target: 'noticeWatcher',
    input: { type: 'notices.publications' },
    // A submission is audited: the audit watcher sees it, and the check runs in the hour after.
    after: 'audit-watcher',
  },
];

/** The function EventBridge Scheduler schedules invoke (input: a TimerEvent, functions/handlers/events/timer.ts). */
export const timerFunction: FunctionKey = 'timer';

/**
 * Jobs that run every day at a fixed UTC hour: an EventBridge rule on AWS, the local clock locally.
 * The input is what the target receives.
 */
export interface DailyJob {
  name: string;
  description: string;
  hourUtc: number;
  target: FunctionKey;
  input: Record<string, unknown>;
}

export const dailyJobs: DailyJob[] = [
  {
    name: 'reminder-sweep',
    description:
      'Safety sweep: delivers every reminder that is due and still pending (a lost or failed schedule), completes timed steps whose schedule did not, sends again outbox events still pending',
    hourUtc: 5,
    target: 'timer',
    input: { type: 'reminder.sweep' },
  },
];

/** Run once at deploy (custom resource on AWS) and at every local start. */
export const seedFunction: FunctionKey = 'seed';
