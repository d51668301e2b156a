/**
 * One loopback endpoint that speaks the wire protocols of the AWS services the handlers call, so
 * the AWS SDK clients work unchanged (AWS_ENDPOINT_URL_SFN, _EVENTBRIDGE, _SCHEDULER, _SNS, _S3,
 * _KMS, _SECRETS_MANAGER): Step Functions (awsJson1_0), EventBridge (awsJson1_1), Scheduler (restJson),
 * SNS (awsQuery), S3 (restXml, path style `/<bucket>/<key>`: the objects of the configured buckets,
 * versioned under Object Lock in compliance mode, local/object-store.ts), KMS (awsJson1_1: Sign,
 * Verify and GetPublicKey with the configured ECC_NIST_P256 keys, local/signing-key.ts) and Secrets
 * Manager (awsJson1_1: GetSecretValue of the configured secrets: the Doffin port's, local/doffin.ts).
 * A request is S3's when its SigV4 credential scope names the service `s3`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Request } from '../functions/access.ts';
import { log } from '../functions/shared/log.ts';
import {
  AccessDenied,
  type LocalAccessControl,
  OPERATOR_ACCESS_KEY,
  signingAccessKey,
} from './access-control.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { FaultInjector, FaultService } from './faults.ts';
import { ACCOUNT, REGION } from './functions.ts';
import { closeServer, listenOnLoopback, readRawBody } from './loopback.ts';
import { LocalBucket, type ObjectVersion, S3Error } from './object-store.ts';
import type { LocalScheduler } from './scheduler.ts';
import { LocalSigningKeys, type SignInput } from './signing-key.ts';
import { AwsError, type LocalStepFunctions } from './stepfunctions.ts';

export interface SnsMessage {
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, string>;
  at: string;
}

/** What the S3 and KMS stand-ins serve, and where they keep it. */
export interface AwsEndpointStorage {
  /** S3 objects under `<dataDir>/s3/<bucket>`, KMS keys under `<dataDir>/kms`; in memory when undefined. */
  dataDir?: string;
  /** The buckets that exist (versioned, Object Lock in compliance mode); any other is NoSuchBucket. */
  buckets?: readonly string[];
  /** The buckets' default retention, in years from each version's creation (default 10). */
  retentionYears?: number;
  /** The ARNs of the KMS keys that exist (ECC_NIST_P256, SIGN_VERIFY). */
  signingKeys?: readonly string[];
  /** The Secrets Manager secrets that exist: ARN → SecretString (the Doffin port's, local/doffin.ts). */
  secrets?: Readonly<Record<string, string>>;
}

/** The service a SigV4 signature is for: `Credential=AKID/<date>/<region>/<service>/aws4_request`. */
const signedService = (req: IncomingMessage, url: URL): string | undefined =>
  /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    String(req.headers.authorization ?? ''),
  )?.[1] ?? url.searchParams.get('X-Amz-Credential')?.split('/')[3];

/** XML text, with the five entities every XML parser knows. */
const xmlText = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
const xml = (tag: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : `<${tag}>${xmlText(String(value))}</${tag}>`;
const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** The payload of an `aws-chunked` body (what the SDK streams with a trailing checksum), and its trailers. */
const decodeAwsChunked = (raw: Buffer): { payload: Buffer; trailers: Record<string, string> } => {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  for (;;) {
    const end = raw.indexOf('\r\n', at);
    if (end < 0)
      throw new S3Error('IncompleteBody', 'The request body is not valid aws-chunked encoding', 400);
    const size = Number.parseInt(raw.subarray(at, end).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new S3Error('IncompleteBody', 'A chunk size is not valid', 400);
    at = end + 2;
    if (size === 0) break;
    chunks.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  for (const line of raw.subarray(at).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(chunks), trailers };
};

/** The checksums S3 verifies here; the others (CRC32C, CRC64NVME) are kept and given back unchecked. */
const checksumOf = (algorithm: string, payload: Buffer): string | undefined => {
  if (algorithm === 'crc32') {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(payload));
    return crc.toString('base64');
  }
  if (algorithm === 'sha1' || algorithm === 'sha256')
    return createHash(algorithm).update(payload).digest('base64');
  return undefined;
};

const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

const busArn = (name = 'default') =>
  name.startsWith('arn:') ? name : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class AwsEndpoint {
  private server: Server | undefined;
  readonly sns: SnsMessage[] = [];
  /** The S3 stand-in's buckets, by name. */
  readonly buckets = new Map<string, LocalBucket>();
  /** The KMS stand-in's signing keys. */
  readonly signingKeys: LocalSigningKeys;
  /** The Secrets Manager stand-in's secrets: ARN → SecretString. */
  private readonly secrets: ReadonlyMap<string, string>;

  constructor(
    private readonly sfn: LocalStepFunctions,
    private readonly bus: LocalEventBus,
    private readonly scheduler: LocalScheduler,
    private readonly now: () => Date,
    private readonly access: LocalAccessControl,
    private readonly faults?: FaultInjector,
    storage: AwsEndpointStorage = {},
  ) {
    const { dataDir, retentionYears = 10 } = storage;
    for (const name of storage.buckets ?? [])
      this.buckets.set(
        name,
        new LocalBucket(name, dataDir && resolve(dataDir, 's3', name), retentionYears, now),
      );
    this.signingKeys = new LocalSigningKeys(
      storage.signingKeys ?? [],
      dataDir && resolve(dataDir, 'kms'),
      now,
    );
    this.secrets = new Map(Object.entries(storage.secrets ?? {}));
  }

  /** The public key of a signing key (its ARN, id or alias; the first one by default) as PEM. */
  publicKeyPem(keyId = this.signingKeys.arns[0] ?? ''): string {
    return this.signingKeys.publicKeyPem(keyId);
  }

  /**
   * The current objects of a bucket (the first one by default), each with its content: JSON parsed,
   * other text as it is (what an auditor copies; `bucket.copyTo(dir)` writes them as files).
   */
  objects(bucketName = [...this.buckets.keys()][0] ?? '') {
    const bucket = this.buckets.get(bucketName);
    if (!bucket) return [];
    return bucket.keys().map((key) => {
      const version = bucket.version(key);
      const text = bucket.content(key, version).toString('utf8');
      let content: unknown = text;
      try {
        content = JSON.parse(text);
      } catch {
        // Not JSON: the text.
      }
      const { versionId, lastModified, size, etag, retainUntil } = version;
      return { key, versionId, lastModified, size, etag, retainUntil, content };
    });
  }

  /**
   * An auditor's copy of a bucket (GET /_local/audit/digests): the keys of its current objects and,
   * in the same order, each file's content (JSON parsed), ready to be written out one file each.
   */
  bucketCopy(bucketName = [...this.buckets.keys()][0] ?? '') {
    const objects = this.objects(bucketName);
    return { bucket: bucketName, keys: objects.map((o) => o.key), items: objects.map((o) => o.content) };
  }

  /** The fault switch's verdict on this call: thrown as the service would answer it. */
  private maybeFail(service: FaultService, req: IncomingMessage): boolean {
    // Only the functions' calls fail: the operator (the runtime itself, tests, scripts) is spared.
    if (!this.faults || signingAccessKey(req.headers) === OPERATOR_ACCESS_KEY) return false;
    const fault = this.faults.next(service);
    if (!fault) return false;
    if (fault === 'timeout') {
      req.socket.destroy();
      return true;
    }
    if (fault === 'throttling')
      throw service === 'sns'
        ? new AwsError('Throttling', 'Rate exceeded (fault switch)', 400)
        : new AwsError(
            'ThrottlingException',
            'Rate exceeded (fault switch)',
            service === 'scheduler' ? 429 : 400,
          );
    throw new AwsError(
      service === 'scheduler'
        ? 'InternalServerException'
        : service === 'sns'
          ? 'InternalError'
          : 'InternalFailure',
      'Internal failure (fault switch)',
      500,
    );
  }

  async start(port = 0): Promise<string> {
    const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res), port);
    this.server = server;
    return url;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readRawBody(req);
    const body = raw.toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    const url = new URL(req.url ?? '/', 'http://local');
    // S3's requests by their signature's scope (or, unsigned, by a bucket's path): not by a body
    // that could be anything, nor by a path that could be another service's.
    if (!target && (signedService(req, url) === 's3' || this.buckets.has(url.pathname.split('/')[1] ?? '')))
      return this.s3(req, res, raw);
    const isSns = /Action=/.test(body) && !target;
    try {
      if (target.startsWith('AWSStepFunctions.')) {
        const op = target.slice(17);
        const input = JSON.parse(body || '{}');
        this.access.check(req.headers, this.stepFunctionsRequests(op, input));
        if (this.maybeFail('stepfunctions', req)) return;
        return this.json(res, 200, this.stepFunctions(op, input), '1.0');
      }
      if (target.startsWith('AWSEvents.')) {
        const op = target.slice(10);
        const input = JSON.parse(body || '{}');
        this.access.check(
          req.headers,
          ((input.Entries ?? []) as { EventBusName?: string }[]).map((e) => ({
            action: `events:${op}`,
            resource: busArn(e.EventBusName),
          })),
        );
        if (this.maybeFail('events', req)) return;
        return this.json(res, 200, this.events(op, input), '1.1');
      }
      if (target.startsWith('TrentService.')) {
        const op = target.slice(13);
        const input = JSON.parse(body || '{}') as SignInput;
        const keyId = String(input.KeyId ?? '');
        // IAM decides on the key an alias or id names; an unknown key is for KMS to refuse.
        const resource =
          this.signingKeys.resolve(keyId) ??
          (keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`);
        this.access.check(req.headers, [{ action: `kms:${op}`, resource }]);
        return this.json(res, 200, this.kms(op, input), '1.1');
      }
      if (target.startsWith('secretsmanager.')) {
        const op = target.slice(15);
        const input = JSON.parse(body || '{}') as {
          SecretId?: string;
          VersionId?: string;
          VersionStage?: string;
        };
        const secretId = String(input.SecretId ?? '');
        // IAM decides on the secret the id names; an unknown secret is for Secrets Manager to refuse.
        const resource =
          this.secretArn(secretId) ??
          (secretId.startsWith('arn:')
            ? secretId
            : `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${secretId}`);
        this.access.check(req.headers, [{ action: `secretsmanager:${op}`, resource }]);
        return this.json(res, 200, this.secretsManager(op, input), '1.1');
      }
      if (url.pathname.startsWith('/schedules')) {
        this.access.check(req.headers, this.scheduleRequests(req.method ?? 'GET', url, body));
        if (this.maybeFail('scheduler', req)) return;
        return this.json(res, 200, this.schedules(req.method ?? 'GET', url, body));
      }
      if (isSns) {
        const form = new URLSearchParams(body);
        const action = form.get('Action') ?? '';
        this.access.check(req.headers, [{ action: `sns:${action}`, resource: form.get('TopicArn') ?? '*' }]);
        if (this.maybeFail('sns', req)) return;
        if (action === 'Publish') return this.publish(res, form);
      }
      throw new AwsError(
        'UnknownOperationException',
        `The local AWS endpoint does not serve ${req.method} ${url.pathname} ${target}`,
      );
    } catch (error) {
      const e =
        error instanceof AwsError
          ? error
          : error instanceof AccessDenied
            ? new AwsError(
                'AccessDeniedException',
                error.message,
                url.pathname.startsWith('/schedules') ? 403 : 400,
              )
            : new AwsError(
                error instanceof SyntaxError ? 'SerializationException' : 'InternalFailure',
                (error as Error).message,
                error instanceof SyntaxError ? 400 : 500,
              );
      if (e.status >= 500 && !e.message.includes('(fault switch)'))
        log.error('local AWS endpoint failed', { error });
      if (isSns) {
        // SNS speaks the query protocol: XML errors, and IAM refusals are AuthorizationError.
        const code = e.name === 'AccessDeniedException' ? 'AuthorizationError' : e.name;
        res.writeHead(e.name === 'AccessDeniedException' ? 403 : e.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
        return;
      }
      res.writeHead(e.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': e.name,
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify({ __type: e.name, message: e.message, Message: e.message }));
    }
  }

  /** What IAM checks for a Step Functions call: the state machine, or the execution it names. */
  // biome-ignore lint/suspicious/noExplicitAny: protocol payloads are validated by the operations
  private stepFunctionsRequests(op: string, input: any): Request[] {
    const action = `states:${op}`;
    if (op === 'StartExecution' || op === 'ListExecutions')
      return [{ action, resource: String(input.stateMachineArn ?? '') }];
    if (op.startsWith('SendTask')) {
      // A task token belongs to an execution of one state machine; an unknown token is for
      // Step Functions to refuse (TaskDoesNotExist), not IAM.
      const machine = this.sfn.stateMachineOfTask(String(input.taskToken ?? ''));
      return machine ? [{ action, resource: machine }] : [];
    }
    return [{ action, resource: String(input.executionArn ?? '') }];
  }

  private scheduleRequests(method: string, url: URL, body: string): Request[] {
    const name = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const input = body ? JSON.parse(body) : {};
    const group = url.searchParams.get('groupName') ?? input.GroupName ?? 'default';
    const resource = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group}/${name || '*'}`;
    const action =
      {
        POST: 'scheduler:CreateSchedule',
        PUT: 'scheduler:UpdateSchedule',
        DELETE: 'scheduler:DeleteSchedule',
        GET: name ? 'scheduler:GetSchedule' : 'scheduler:ListSchedules',
      }[method] ?? `scheduler:${method}`;
    const passRole: Request[] =
      (method === 'POST' || method === 'PUT') && input.Target?.RoleArn
        ? [{ action: 'iam:PassRole', resource: String(input.Target.RoleArn) }]
        : [];
    return [{ action, resource }, ...passRole];
  }

  private json(res: ServerResponse, status: number, payload: unknown, version?: '1.0' | '1.1'): void {
    res.writeHead(status, {
      'content-type': version ? `application/x-amz-json-${version}` : 'application/json',
      'x-amzn-requestid': randomUUID(),
    });
    res.end(JSON.stringify(payload ?? {}));
  }

  // biome-ignore lint/suspicious/noExplicitAny: protocol payloads are validated by the operations
  private stepFunctions(op: string, input: any): unknown {
    switch (op) {
      case 'StartExecution':
        return this.sfn.startExecution(input);
      case 'DescribeExecution':
        return this.sfn.describeExecution(input.executionArn);
      case 'ListStateMachines':
        return this.sfn.listStateMachines();
      case 'ListExecutions':
        return this.sfn.listExecutions(input.stateMachineArn, input.statusFilter);
      case 'GetExecutionHistory':
        return this.sfn.getExecutionHistory(input);
      case 'RedriveExecution':
        return this.sfn.redriveExecution(input.executionArn);
      case 'StopExecution':
        return this.sfn.stopExecution(input.executionArn, input.error, input.cause);
      case 'SendTaskSuccess':
        return this.sfn.sendTaskSuccess(input.taskToken, input.output);
      case 'SendTaskFailure':
        return this.sfn.sendTaskFailure(input.taskToken, input.error, input.cause);
      case 'SendTaskHeartbeat':
        return this.sfn.sendTaskHeartbeat(input.taskToken);
      default:
        throw new AwsError('UnknownOperationException', `Step Functions ${op} is not served locally`);
    }
  }

  private kms(op: string, input: SignInput): unknown {
    if (op === 'Sign') return this.signingKeys.sign(input);
    if (op === 'Verify') return this.signingKeys.verify(input);
    if (op === 'GetPublicKey') return this.signingKeys.getPublicKey(input);
    throw new AwsError('UnknownOperationException', `KMS ${op} is not served locally`);
  }

  /** The ARN of the secret an id names: its ARN, or its name. */
  private secretArn(secretId: string): string | undefined {
    if (this.secrets.has(secretId)) return secretId;
    return [...this.secrets.keys()].find((arn) => arn.slice(arn.indexOf(':secret:') + 8) === secretId);
  }

  /** Secrets Manager: GetSecretValue of the configured secrets, their current version only. */
  private secretsManager(
    op: string,
    input: { SecretId?: string; VersionId?: string; VersionStage?: string },
  ): unknown {
    if (op !== 'GetSecretValue')
      throw new AwsError('UnknownOperationException', `Secrets Manager ${op} is not served locally`);
    const arn = this.secretArn(String(input.SecretId ?? ''));
    const value = arn && this.secrets.get(arn);
    if (!arn || value === undefined)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const versionId = createHash('sha256').update(`${arn}\n${value}`).digest('hex').slice(0, 32);
    if (
      (input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT') ||
      (input.VersionId !== undefined && input.VersionId !== versionId)
    )
      throw new AwsError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label or version.",
      );
    return {
      ARN: arn,
      Name: arn.slice(arn.indexOf(':secret:') + 8),
      VersionId: versionId,
      SecretString: value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 0,
    };
  }

  /** One S3 call: IAM first (as on AWS), then the bucket, then the operation; errors as S3's XML. */
  private async s3(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    // The raw path: the URL parser would resolve `.` and `..` segments, which are a key's own.
    const [rawPath = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const params = new URLSearchParams(query);
    const slash = rawPath.indexOf('/', 1);
    let bucketName = '';
    let key = '';
    try {
      bucketName = decodeURIComponent(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
      key = slash < 0 ? '' : decodeURIComponent(rawPath.slice(slash + 1));
      const bucketArn = `arn:aws:s3:::${bucketName}`;
      const versionId = params.get('versionId') ?? undefined;
      const subresources = [...params.keys()].filter(
        (p) =>
          !/^(x-id|versionId|X-Amz-.*|list-type|prefix|delimiter|max-keys|continuation-token|start-after|encoding-type|fetch-owner|key-marker|version-id-marker)$/.test(
            p,
          ),
      );
      const operation = ((): { action: string; resource: string; run: () => void } | undefined => {
        if (!bucketName && method === 'GET')
          return { action: 's3:ListAllMyBuckets', resource: '*', run: () => this.listBuckets(res) };
        if (!bucketName) return undefined;
        const bucket = () => {
          const found = this.buckets.get(bucketName);
          if (!found)
            throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, {
              BucketName: bucketName,
            });
          return found;
        };
        if (!key) {
          if (method === 'HEAD')
            return {
              action: 's3:ListBucket',
              resource: bucketArn,
              run: () => {
                bucket();
                res.writeHead(200, { 'x-amz-bucket-region': REGION, 'x-amz-request-id': randomUUID() });
                res.end();
              },
            };
          if (method !== 'GET') return undefined;
          if (subresources.length === 1 && subresources[0] === 'versioning')
            return {
              action: 's3:GetBucketVersioning',
              resource: bucketArn,
              run: () => {
                bucket();
                this.xml(
                  res,
                  200,
                  `<VersioningConfiguration xmlns="${S3_XMLNS}"><Status>Enabled</Status></VersioningConfiguration>`,
                );
              },
            };
          if (subresources.length === 1 && subresources[0] === 'object-lock')
            return {
              action: 's3:GetBucketObjectLockConfiguration',
              resource: bucketArn,
              run: () =>
                this.xml(
                  res,
                  200,
                  `<ObjectLockConfiguration xmlns="${S3_XMLNS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode>${xml('Years', bucket().retentionYears)}</DefaultRetention></Rule></ObjectLockConfiguration>`,
                ),
            };
          if (subresources.length === 1 && subresources[0] === 'versions')
            return {
              action: 's3:ListBucketVersions',
              resource: bucketArn,
              run: () => this.listVersions(res, bucket(), params),
            };
          if (!subresources.length && params.get('list-type') === '2')
            return {
              action: 's3:ListBucket',
              resource: bucketArn,
              run: () => this.listObjects(res, bucket(), params),
            };
          return undefined;
        }
        if (subresources.length) return undefined;
        const objectArn = `${bucketArn}/${key}`;
        if (method === 'PUT' && !req.headers['x-amz-copy-source'])
          return {
            action: 's3:PutObject',
            resource: objectArn,
            run: () => this.putObject(req, res, bucket(), key, raw),
          };
        if (method === 'GET' || method === 'HEAD')
          return {
            action: versionId ? 's3:GetObjectVersion' : 's3:GetObject',
            resource: objectArn,
            run: () => {
              try {
                this.getObject(req, res, bucket(), key, versionId, method === 'HEAD');
              } catch (error) {
                // S3 tells a missing key (NoSuchKey, 404) only to a caller who may list the bucket:
                // to any other, 403 AccessDenied, as it would a key that exists.
                if (!(error instanceof S3Error) || error.code !== 'NoSuchKey') throw error;
                try {
                  this.access.check(req.headers, [{ action: 's3:ListBucket', resource: bucketArn }]);
                } catch (denied) {
                  if (denied instanceof AccessDenied) throw new S3Error('AccessDenied', 'Access Denied', 403);
                  throw denied;
                }
                throw error;
              }
            },
          };
        if (method === 'DELETE')
          return {
            action: versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
            resource: objectArn,
            run: () => {
              const deleted = bucket().delete(key, versionId);
              res.writeHead(204, {
                'x-amz-request-id': randomUUID(),
                ...(deleted.versionId ? { 'x-amz-version-id': deleted.versionId } : {}),
                ...(deleted.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
              });
              res.end();
            },
          };
        return undefined;
      })();
      if (!operation)
        throw new S3Error(
          'NotImplemented',
          `The local S3 does not serve ${method} ${rawPath}${query ? `?${query}` : ''}`,
          501,
        );
      try {
        this.access.check(req.headers, [{ action: operation.action, resource: operation.resource }]);
      } catch (error) {
        if (error instanceof AccessDenied) throw new S3Error('AccessDenied', error.message, 403);
        throw error;
      }
      operation.run();
    } catch (error) {
      const e =
        error instanceof S3Error
          ? error
          : error instanceof URIError
            ? new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400)
            : new S3Error('InternalError', (error as Error).message, 500);
      if (e.status >= 500 && e.code !== 'NotImplemented') log.error('local S3 failed', { error });
      const requestId = randomUUID();
      if (method === 'HEAD') {
        res.writeHead(e.status, {
          'x-amz-request-id': requestId,
          ...(e.extra.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
        });
        res.end();
        return;
      }
      const extra = Object.entries(e.extra)
        .filter(([name]) => name !== 'deleteMarker')
        .map(([name, value]) => xml(name, value))
        .join('');
      res.writeHead(e.status, {
        'content-type': 'application/xml',
        'x-amz-request-id': requestId,
        ...(e.extra.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
      });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${xml('Code', e.code)}${xml('Message', e.message)}${extra}${xml('RequestId', requestId)}</Error>`,
      );
    }
  }

  private xml(
    res: ServerResponse,
    status: number,
    document: string,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'content-type': 'application/xml',
      'x-amz-request-id': randomUUID(),
      ...headers,
    });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${document}`);
  }

  private listBuckets(res: ServerResponse): void {
    const buckets = [...this.buckets.keys()]
      .map((name) => `<Bucket>${xml('Name', name)}${xml('CreationDate', new Date(0).toISOString())}</Bucket>`)
      .join('');
    this.xml(
      res,
      200,
      `<ListAllMyBucketsResult xmlns="${S3_XMLNS}"><Owner><ID>local</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
    );
  }

  private putObject(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: LocalBucket,
    key: string,
    raw: Buffer,
  ): void {
    const headers = req.headers;
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const chunked =
      /aws-chunked/.test(header('content-encoding') ?? '') ||
      (header('x-amz-content-sha256') ?? '').startsWith('STREAMING-');
    const { payload, trailers } = chunked ? decodeAwsChunked(raw) : { payload: raw, trailers: {} };
    const sent = (name: string) => header(name) ?? trailers[name];
    const md5 = header('content-md5');
    if (md5 && createHash('md5').update(payload).digest('base64') !== md5)
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    let checksum: { algorithm: string; value: string } | undefined;
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = sent(`x-amz-checksum-${algorithm}`);
      if (!value) continue;
      const computed = checksumOf(algorithm, payload);
      if (computed !== undefined && computed !== value)
        throw new S3Error(
          'BadDigest',
          `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
          400,
        );
      checksum = { algorithm, value };
    }
    // A bucket with a default retention takes no object without an integrity check (S3's rule).
    if (!md5 && !checksum)
      throw new S3Error(
        'InvalidRequest',
        'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
        400,
      );
    const mode = header('x-amz-object-lock-mode');
    const until = header('x-amz-object-lock-retain-until-date');
    if (Boolean(mode) !== Boolean(until))
      throw new S3Error(
        'InvalidArgument',
        'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
        400,
      );
    if (mode && mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE')
      throw new S3Error('InvalidArgument', 'Unknown wormMode directive.', 400);
    const retainUntil = until ? new Date(until) : undefined;
    if (retainUntil && !(retainUntil.getTime() > this.now().getTime()))
      throw new S3Error('InvalidArgument', 'The retain until date must be in the future!', 400);
    const ifNoneMatch = header('if-none-match');
    const ifMatch = header('if-match');
    if (ifNoneMatch === '*' && bucket.exists(key))
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
        {
          Condition: 'If-None-Match',
        },
      );
    if (ifMatch !== undefined) {
      if (!bucket.exists(key))
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
      if (bucket.version(key).etag !== ifMatch && ifMatch !== '*')
        throw new S3Error(
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          412,
          {
            Condition: 'If-Match',
          },
        );
    }
    const metadata = Object.fromEntries(
      Object.entries(headers)
        .filter(([name]) => name.startsWith('x-amz-meta-'))
        .map(([name, value]) => [name.slice(11), Array.isArray(value) ? value.join(',') : String(value)]),
    );
    const contentType = header('content-type');
    const version = bucket.put(key, payload, {
      ...(contentType ? { contentType } : {}),
      metadata,
      ...(checksum ? { checksum } : {}),
      ...(mode ? { lockMode: mode as 'COMPLIANCE' | 'GOVERNANCE' } : {}),
      ...(retainUntil ? { retainUntil } : {}),
    });
    res.writeHead(200, {
      etag: version.etag,
      'x-amz-version-id': version.versionId,
      'x-amz-request-id': randomUUID(),
      ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {}),
    });
    res.end();
  }

  private getObject(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: LocalBucket,
    key: string,
    versionId: string | undefined,
    head: boolean,
  ): void {
    let version: ObjectVersion;
    try {
      version = bucket.version(key, versionId);
    } catch (error) {
      // A key whose latest version is a delete marker says so.
      if (error instanceof S3Error && !versionId && bucket.versions(key).some((v) => v.key === key))
        throw new S3Error(error.code, error.message, error.status, { ...error.extra, deleteMarker: 'true' });
      throw error;
    }
    const content = head ? undefined : bucket.content(key, version);
    const checksum =
      version.checksum && req.headers['x-amz-checksum-mode'] === 'ENABLED'
        ? { [`x-amz-checksum-${version.checksum.algorithm}`]: version.checksum.value }
        : {};
    res.writeHead(200, {
      'content-type': version.contentType ?? 'binary/octet-stream',
      'content-length': String(version.size),
      etag: version.etag,
      'last-modified': new Date(version.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      'x-amz-version-id': version.versionId,
      'x-amz-request-id': randomUUID(),
      ...(version.retainUntil
        ? {
            'x-amz-object-lock-mode': version.lockMode ?? 'COMPLIANCE',
            'x-amz-object-lock-retain-until-date': version.retainUntil,
          }
        : {}),
      ...Object.fromEntries(
        Object.entries(version.metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value]),
      ),
      ...checksum,
    });
    res.end(content);
  }

  /** ListObjectsV2: keys in UTF-8 order, common prefixes under a delimiter, pages by continuation token. */
  private listObjects(res: ServerResponse, bucket: LocalBucket, params: URLSearchParams): void {
    const prefix = params.get('prefix') ?? '';
    const delimiter = params.get('delimiter') ?? '';
    const maxKeysParam = params.get('max-keys');
    const maxKeys = maxKeysParam === null ? 1000 : Number(maxKeysParam);
    if (!Number.isInteger(maxKeys) || maxKeys < 0)
      throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400);
    const token = params.get('continuation-token');
    let after = params.get('start-after') ?? '';
    if (token !== null) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (!token || Buffer.from(after).toString('base64url') !== token)
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400);
    }
    const urlEncoded = params.get('encoding-type') === 'url';
    const encode = (s: string) => (urlEncoded ? encodeURIComponent(s).replaceAll('%2F', '/') : s);
    const items: ({ key: string } | { commonPrefix: string })[] = [];
    let truncated = false;
    let last = '';
    for (const key of bucket.keys(prefix)) {
      if (Buffer.compare(Buffer.from(key), Buffer.from(after)) <= 0) continue;
      const rest = key.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
      // What a page that ended on a common prefix has given already.
      if (common !== undefined && (after === common || (last === common && items.length))) continue;
      if (items.length >= Math.min(maxKeys, 1000)) {
        truncated = maxKeys > 0;
        break;
      }
      items.push(common !== undefined ? { commonPrefix: common } : { key });
      last = common ?? key;
    }
    const contents = items
      .map((item) => {
        if (!('key' in item)) return '';
        const v = bucket.version(item.key);
        return `<Contents>${xml('Key', encode(item.key))}${xml('LastModified', v.lastModified)}${xml('ETag', v.etag)}${xml('Size', v.size)}<StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    const commonPrefixes = items
      .map((item) =>
        'commonPrefix' in item
          ? `<CommonPrefixes>${xml('Prefix', encode(item.commonPrefix))}</CommonPrefixes>`
          : '',
      )
      .join('');
    this.xml(
      res,
      200,
      `<ListBucketResult xmlns="${S3_XMLNS}">${xml('Name', bucket.name)}${xml('Prefix', encode(prefix))}${delimiter ? xml('Delimiter', encode(delimiter)) : ''}${xml('MaxKeys', maxKeys)}${xml('KeyCount', items.length)}${xml('IsTruncated', truncated)}${token !== null ? xml('ContinuationToken', token) : ''}${truncated ? xml('NextContinuationToken', Buffer.from(last).toString('base64url')) : ''}${params.has('start-after') ? xml('StartAfter', encode(params.get('start-after') ?? '')) : ''}${urlEncoded ? xml('EncodingType', 'url') : ''}${contents}${commonPrefixes}</ListBucketResult>`,
    );
  }

  /** ListObjectVersions: every version and delete marker, newest first per key, paged by markers. */
  private listVersions(res: ServerResponse, bucket: LocalBucket, params: URLSearchParams): void {
    const prefix = params.get('prefix') ?? '';
    const maxKeys = Math.min(Number(params.get('max-keys') ?? 1000) || 1000, 1000);
    const keyMarker = params.get('key-marker') ?? '';
    const versionIdMarker = params.get('version-id-marker') ?? '';
    let all = bucket.versions(prefix);
    if (keyMarker) {
      const at = versionIdMarker
        ? all.findIndex((v) => v.key === keyMarker && v.version.versionId === versionIdMarker)
        : all.findLastIndex((v) => v.key === keyMarker);
      all =
        at >= 0
          ? all.slice(at + 1)
          : all.filter((v) => Buffer.compare(Buffer.from(v.key), Buffer.from(keyMarker)) > 0);
    }
    const page = all.slice(0, maxKeys);
    const truncated = all.length > page.length;
    const lastOfPage = page.at(-1);
    const entries = page
      .map(({ key, version: v, latest }) =>
        v.deleteMarker
          ? `<DeleteMarker>${xml('Key', key)}${xml('VersionId', v.versionId)}${xml('IsLatest', latest)}${xml('LastModified', v.lastModified)}</DeleteMarker>`
          : `<Version>${xml('Key', key)}${xml('VersionId', v.versionId)}${xml('IsLatest', latest)}${xml('LastModified', v.lastModified)}${xml('ETag', v.etag)}${xml('Size', v.size)}<StorageClass>STANDARD</StorageClass></Version>`,
      )
      .join('');
    this.xml(
      res,
      200,
      `<ListVersionsResult xmlns="${S3_XMLNS}">${xml('Name', bucket.name)}${xml('Prefix', prefix)}${xml('KeyMarker', keyMarker)}${xml('VersionIdMarker', versionIdMarker)}${xml('MaxKeys', maxKeys)}${xml('IsTruncated', truncated)}${truncated && lastOfPage ? xml('NextKeyMarker', lastOfPage.key) + xml('NextVersionIdMarker', lastOfPage.version.versionId) : ''}${entries}</ListVersionsResult>`,
    );
  }

  // biome-ignore lint/suspicious/noExplicitAny: protocol payloads are validated by the operations
  private events(op: string, input: any): unknown {
    if (op !== 'PutEvents')
      throw new AwsError('UnknownOperationException', `EventBridge ${op} is not served locally`);
    return this.bus.putEvents(input.Entries ?? []);
  }

  private schedules(method: string, url: URL, body: string): unknown {
    const name = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const group = url.searchParams.get('groupName') ?? undefined;
    const input = body ? JSON.parse(body) : {};
    if (method === 'GET' && !name)
      return {
        Schedules: this.scheduler
          .list(group)
          .map((s) => ({ Name: s.Name, GroupName: s.GroupName, Arn: s.Arn, State: s.State ?? 'ENABLED' })),
      };
    if (method === 'POST') return this.scheduler.create(name, input);
    if (method === 'PUT') return this.scheduler.update(name, input);
    if (method === 'GET') {
      const s = this.scheduler.get(name, group);
      return {
        ...s,
        CreationDate: s.CreationDate / 1000,
        LastModificationDate: s.LastModificationDate / 1000,
      };
    }
    if (method === 'DELETE') {
      this.scheduler.delete(name, group);
      return {};
    }
    throw new AwsError('ValidationException', `Unsupported ${method} on schedules`);
  }

  private publish(res: ServerResponse, form: URLSearchParams): void {
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ''] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const message: SnsMessage = {
      topicArn: form.get('TopicArn') ?? '',
      ...(form.get('Subject') ? { subject: form.get('Subject') ?? '' } : {}),
      message: form.get('Message') ?? '',
      attributes,
      at: this.now().toISOString(),
    };
    this.sns.push(message);
    log.info('notification (SNS email stand-in)', {
      subject: message.subject,
      entityId: attributes.entityId,
    });
    const id = randomUUID();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${xmlEscape(id)}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }
}
