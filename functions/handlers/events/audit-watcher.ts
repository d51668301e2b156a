/**
 * The audit watcher: the table's stream brings every record of an audit item (the event source
 * mapping's filter, functions/contracts/audit-stream.ts). An audit item is only ever inserted, so:
 * - an INSERT is a chain's new head, noted for the next hourly digest (`DIGEST#PENDING`);
 * - a MODIFY (an overwrite by PutItem, which IAM cannot forbid, or an update) or a REMOVE (a
 *   delete, or a time to live that ran out) is tampering: logged as an error, counted in the
 *   `AuditTampering` metric (its alarm pages the operators), and recorded for the next digest, which
 *   signs it (`DIGEST#ANOMALY`) so that no later rewrite can hide that it happened.
 * A record that fails is reported as the batch's failure from it on, so nothing is skipped.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { count, withObservability } from '../../adapters/observability.ts';
import { AUDIT_PREFIX } from '../../contracts/audit-stream.ts';
import type { AuditAnomaly } from '../../domain/audit-digest.ts';
import { noteAnomaly, notePendingHead } from '../../services/store/digests.ts';
import { log } from '../../shared/log.ts';

type Image = Parameters<typeof unmarshall>[0];

/** A removal's record carries no image to name the entity: it is sealed under this scope (the chain's gap shows in its entity's verification). */
const UNKNOWN_SCOPE = 'unattributed';

const isoOf = (seconds: number | undefined) => new Date(seconds ? seconds * 1000 : Date.now()).toISOString();

const handle = async (record: DynamoDBRecord): Promise<void> => {
  const keys = record.dynamodb?.Keys ? unmarshall(record.dynamodb.Keys as Image) : {};
  const key = { PK: String(keys.PK ?? ''), SK: String(keys.SK ?? '') };
  if (!key.PK.startsWith(AUDIT_PREFIX)) return;
  const image = record.dynamodb?.NewImage ? unmarshall(record.dynamodb.NewImage as Image) : undefined;
  const at = isoOf(record.dynamodb?.ApproximateCreationDateTime);
  if (record.eventName === 'INSERT' && image) {
    await notePendingHead(String(image.entityId), {
      aggregateType: String(image.aggregateType),
      aggregateId: String(image.aggregateId),
      seq: Number(image.seq),
      hash: String(image.hash),
      at: String(image.at),
    });
    return;
  }
  const byTtl =
    record.userIdentity?.type === 'Service' && record.userIdentity.principalId === 'dynamodb.amazonaws.com';
  const anomaly: AuditAnomaly =
    record.eventName === 'REMOVE'
      ? {
          at,
          kind: byTtl ? 'expiring' : 'removed',
          key,
          detail: byTtl
            ? 'The audit item was removed by its time to live'
            : 'The audit item was deleted from the table',
        }
      : {
          at,
          kind: image && 'ttl' in image ? 'expiring' : 'modified',
          key,
          detail:
            image && 'ttl' in image
              ? 'A time to live was set on the audit item'
              : `The audit item was overwritten or updated after it was written (it now says seq ${String(image?.seq)}, hash ${String(image?.hash).slice(0, 16)}…)`,
        };
  count('AuditTampering');
  log.error('an audit item was changed after it was written', { anomaly, eventName: record.eventName });
  await noteAnomaly(typeof image?.entityId === 'string' ? image.entityId : UNKNOWN_SCOPE, anomaly);
};

/** Records noted side by side: each write stands alone (a later head of a chain wins its condition). */
const AT_ONCE = 16;

const lambdaHandler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records;
  for (let i = 0; i < records.length; i += AT_ONCE) {
    const chunk = records.slice(i, i + AT_ONCE);
    const outcomes = await Promise.allSettled(chunk.map(handle));
    const failed = outcomes.findIndex((o) => o.status === 'rejected');
    if (failed >= 0) {
      // Read again from the first record that failed: those after it are noted again, harmlessly.
      const error = (outcomes[failed] as PromiseRejectedResult).reason;
      log.warn('an audit record could not be noted; the batch is read again from it', { error });
      const sequenceNumber = chunk[failed]?.dynamodb?.SequenceNumber;
      return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
    }
  }
  return { batchItemFailures: [] };
};

export const handler = withObservability(lambdaHandler);
