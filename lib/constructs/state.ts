/** The one table: created, or the table a deleted stack retained (docs/operations.md, "Redeploy"). */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableShape } from '../../functions/contracts/table.ts';
import { Part } from './part.ts';

export interface StateProps {
  /** Use this existing table: the stack then neither creates nor deletes it. */
  existingTableName?: string | undefined;
  /** Its stream (the outbox relay reads it): required with `existingTableName`. */
  existingTableStreamArn?: string | undefined;
}

export class State extends Part {
  readonly table: dynamodb.ITableV2;

  constructor(scope: Construct, id: string, props: StateProps) {
    super(scope, id);
    if (props.existingTableName && !props.existingTableStreamArn)
      throw new Error(
        'With -c existingTableName, give its stream too: -c existingTableStreamArn=<the LatestStreamArn of aws dynamodb describe-table --table-name <name>> (the outbox relay reads it; docs/operations.md, "Redeploy")',
      );
    this.table = props.existingTableName
      ? dynamodb.TableV2.fromTableAttributes(this, 'Table', {
          tableName: props.existingTableName,
          tableStreamArn: props.existingTableStreamArn,
        })
      : // On-demand, PITR, deletion-protected, retained when the stack goes; its stream carries
        // the outbox to the relay (functions/contracts/outbox.ts).
        new dynamodb.TableV2(this, 'Table', {
          partitionKey: { name: tableShape.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: tableShape.sortKey, type: dynamodb.AttributeType.STRING },
          globalSecondaryIndexes: tableShape.globalIndexes.map((index) => ({
            indexName: index.name,
            partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
            sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
          })),
          billing: dynamodb.Billing.onDemand(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
          timeToLiveAttribute: tableShape.timeToLiveAttribute,
          dynamoStream: dynamodb.StreamViewType[tableShape.streamView],
        });
  }
}
