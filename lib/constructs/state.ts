/** The one table: created, or the table a deleted stack retained (docs/operations.md, "Redeploy"). */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableShape } from '../../functions/contracts/table.ts';
import { Part } from './part.ts';

export interface StateProps {
  /** Use this existing table: the stack then neither creates nor deletes it. */
  existingTableName?: string | undefined;
}

export class State extends Part {
  readonly table: dynamodb.ITableV2;

  constructor(scope: Construct, id: string, props: StateProps) {
    super(scope, id);
    this.table = props.existingTableName
      ? dynamodb.TableV2.fromTableName(this, 'Table', props.existingTableName)
      : // On-demand, PITR, deletion-protected, retained when the stack goes.
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
        });
  }
}
