/** Reminders, the inbox and the entities' reminder settings: keys and queries (no Scan). */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../adapters/clients.ts';
import { getItem, type Keyed, tableName, type Versioned } from '../../adapters/store.ts';
import {
  defaultReminderSettings,
  type PlannedReminder,
  type ReminderSettings,
} from '../../domain/reminders.ts';
import { decodeCursor, encodeCursor, type Page, queryPage, queryPartition } from './query.ts';

export type ReminderStatus = 'pending' | 'delivered' | 'cancelled';

export interface Reminder extends PlannedReminder {
  agreementId: string;
  entityId: string;
  supplierId: string;
  status: ReminderStatus;
  createdAt: string;
  deliveredAt?: string;
  escalated?: boolean;
  notificationIds?: string[];
  cancelledAt?: string;
  cancelReason?: string;
}
export type ReminderItem = Reminder & Versioned & { GSI2PK?: string; GSI2SK?: string };

export const DUE_PARTITION = 'REMINDERS#DUE';

export const reminderKey = (agreementId: string, key: string): Keyed => ({
  PK: `AGREEMENT#${agreementId}`,
  SK: `REMINDER#${key}`,
});

/** A pending reminder is in the due index by its time; delivered and cancelled ones leave it. */
export const reminderItem = (r: Omit<Reminder, never>): Omit<ReminderItem, 'version' | 'auditHead'> => ({
  ...reminderKey(r.agreementId, r.key),
  ...r,
  ...(r.status === 'pending'
    ? { GSI2PK: DUE_PARTITION, GSI2SK: `${r.dueAt}#${r.agreementId}#${r.key}` }
    : {}),
});

export const getReminder = (agreementId: string, key: string) =>
  getItem<ReminderItem>(reminderKey(agreementId, key));

export const listReminders = (agreementId: string): Promise<ReminderItem[]> =>
  queryPartition<ReminderItem>(`AGREEMENT#${agreementId}`, 'REMINDER#');

/** Pending reminders due at or before `now`: reads grow with what is due, not with what is held. */
export const listDueReminders = (now: string, start?: Record<string, unknown>, limit = 100) =>
  queryPage<ReminderItem>(
    {
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :now',
      ExpressionAttributeValues: { ':pk': DUE_PARTITION, ':now': `${now}#~` },
      Limit: limit,
    },
    start,
  );

export interface Notification {
  id: string;
  entityId: string;
  audience: 'officers' | 'manager';
  kind: string;
  title: string;
  text: string;
  agreementId?: string;
  reminderKey?: string;
  escalation: boolean;
  createdAt: string;
}

export const inboxKey = (entityId: string, createdAt: string, id: string): Keyed => ({
  PK: `INBOX#${entityId}`,
  SK: `${createdAt}#${id}`,
});
export const readMarkerKey = (sub: string, notificationId: string): Keyed => ({
  PK: `READ#${sub}`,
  SK: notificationId,
});

/** A page of the entity's inbox, newest first; `nextCursor` continues it. */
export const inboxPage = async (
  entityId: string,
  limit: number,
  cursor?: string,
): Promise<Page<Notification & Keyed>> => {
  const pk = `INBOX#${entityId}`;
  const { items, next } = await queryPage<Notification & Keyed>(
    {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: limit,
    },
    decodeCursor(cursor, { PK: pk }),
  );
  const nextCursor = encodeCursor(next);
  return { items, ...(nextCursor ? { nextCursor } : {}) };
};

export const listInbox = async (entityId: string, limit: number): Promise<(Notification & Keyed)[]> =>
  (await inboxPage(entityId, limit)).items;

export const readMarkers = async (sub: string, ids: string[]): Promise<Set<string>> => {
  const read = new Set<string>();
  for (let i = 0; i < ids.length; i += 100) {
    const keys = ids.slice(i, i + 100).map((id) => readMarkerKey(sub, id));
    if (!keys.length) continue;
    const result = await ddb().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }));
    for (const item of result.Responses?.[tableName()] ?? []) read.add(String(item.SK));
  }
  return read;
};

export const settingsKey = (entityId: string): Keyed => ({
  PK: `ENTITY#${entityId}`,
  SK: 'SETTINGS#reminders',
});
export type SettingsItem = ReminderSettings & Versioned & { entityId: string };

export const getSettings = async (entityId: string): Promise<ReminderSettings & { version?: number }> => {
  const stored = await getItem<SettingsItem>(settingsKey(entityId));
  return stored ?? defaultReminderSettings;
};
