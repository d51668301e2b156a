/**
 * The audit items as the table's stream shows them to the audit watcher
 * (functions/handlers/events/audit-watcher.ts): every record of an item whose key starts `AUDIT#`,
 * whatever happened to it. An audit item is only ever inserted; a MODIFY or REMOVE of one (a
 * TTL's removal included) is tampering.
 */
export const AUDIT_PREFIX = 'AUDIT#';

export const auditStreamFilter = {
  dynamodb: { Keys: { PK: { S: [{ prefix: AUDIT_PREFIX }] } } },
} as const;
