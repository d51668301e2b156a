/**
 * The table's shape, read by the CDK stack and by the local runtime that creates the same table in
 * DynamoDB Local. Item layouts are in docs/architecture.md.
 */
export const tableShape = {
  partitionKey: 'PK',
  sortKey: 'SK',
  globalIndexes: [
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
  timeToLiveAttribute: 'ttl',
  /** What the table's stream carries: the new image of each write (the outbox relay reads it). */
  streamView: 'NEW_IMAGE',
} as const;
