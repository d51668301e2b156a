/**
 * What the deadlines view reads besides agreements: the entity's tenders that still wait for a
 * deadline, and the announced tenders whose bids are open. Index queries narrowed by status; never a Scan.
 */

import { queryAll } from './query.ts';
import type { TenderItem } from './tenders.ts';

/** The statuses in which a tender has a deadline ahead (bids, the award decision, the standstill). */
const WAITING = ['tendering', 'evaluation', 'standstill'];

/** The entity's tenders in a status with a deadline ahead (at most `max`). */
export const entityTendersWaiting = (entityId: string, max = 5000): Promise<TenderItem[]> =>
  queryAll<TenderItem>(
    {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      FilterExpression: '#status IN (:s0, :s1, :s2)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':pk': `ENTITY#${entityId}#TENDERS`,
        ...Object.fromEntries(WAITING.map((s, i) => [`:s${i}`, s])),
      },
    },
    max,
  );

/** Announced tenders whose bids are still open, from every entity (at most `max`). */
export const openTenders = (max = 5000): Promise<TenderItem[]> =>
  queryAll<TenderItem>(
    {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      FilterExpression: '#status = :tendering',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': 'TENDERS#PUBLISHED', ':tendering': 'tendering' },
    },
    max,
  );
