/**
 * The one function construct: every Lambda of the product is built here, with the defaults in one
 * place. esbuild bundles locally (no Docker), ESM for Node.js 24 on arm64; `@aws-sdk/*` comes from
 * the runtime (the options are lib/bundling.ts's, which bench/cold-start.ts bundles with too). Each
 * function gets its own role with only what its manifest entry grants, its own log group with a
 * retention, X-Ray tracing and JSON logs. What it may touch and the environment that
 * names it come in one call, `bindAccess`, from functions/access.ts: the same statements and
 * variables the local runtime gives it.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { environmentOf, type Resources, statementsOf } from '../functions/access.ts';
import {
  type FunctionAccess,
  type FunctionKey,
  type FunctionSpec,
  timeoutSecondsOf,
} from '../functions/manifest.ts';
import { functionBundling } from './bundling.ts';
import { nagSpelling } from './naming.ts';

export interface ServiceFunctionProps {
  /** Key in the manifest; also the function's name suffix. */
  name: FunctionKey;
  spec: FunctionSpec;
  projectRoot: string;
  logRetention: logs.RetentionDays;
  /** Files copied next to the bundle (from the project root), e.g. static assets a handler serves. */
  copyFiles?: string[];
}

/**
 * Why a statement of functions/access.ts may hold a wildcard (cdk-nag AwsSolutions-IAM5), by its Sid.
 * A wildcard in a statement not named here fails the synth: a new one needs its reason here first.
 */
const wildcardReason = (sid: string): string | undefined => {
  if (sid.startsWith('Read'))
    return 'Executions are named by tender at run time; the grant is limited to executions of this one state machine.';
  if (sid === 'Schedules')
    return 'Schedules are named by tender and deadline at run time; the grant is limited to the product’s schedule group.';
  if (sid === 'Digests')
    return 'Digests are objects named by scope and number at run time; the grant is limited to the one digest bucket, whose Object Lock keeps every version.';
  if (sid === 'NotificationsKey')
    return 'Publishing to the KMS-encrypted topic needs data keys from its one key (the grant CDK generates).';
  return undefined;
};

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The function's key in the manifest. */
  readonly key: FunctionKey;
  private readonly access: FunctionAccess;
  private bound = false;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.key = props.name;
    this.access = spec.access;
    const functionName = `${Stack.of(this).stackName}-${props.name}`;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: writes to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName}: ${spec.description}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const copyFiles = props.copyFiles ?? [];
    // What the manifest says the function needs beside its bundle: whole packages, data folders.
    const packages = spec.packaging?.packages ?? [];
    const folders = spec.packaging?.folders ?? [];
    const copies = (inputDir: string, outputDir: string) => [
      ...copyFiles.map((f) => `cp "${inputDir}/${f}" "${outputDir}/"`),
      ...(packages.length ? [`mkdir -p "${outputDir}/node_modules"`] : []),
      ...packages.map((p) => `cp -R "${inputDir}/node_modules/${p}" "${outputDir}/node_modules/"`),
      ...folders.map((f) => `cp -R "${inputDir}/${f}" "${outputDir}/"`),
    ];
    this.fn = new NodejsFunction(this, 'Function', {
      functionName,
      description: spec.description,
      entry: `${props.projectRoot}/${spec.entry}`,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 1024,
      timeout: Duration.seconds(timeoutSecondsOf(spec)),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      bundling: {
        // lib/bundling.ts: the one definition, which bench/cold-start.ts bundles with too.
        format: { esm: OutputFormat.ESM }[functionBundling.format],
        target: functionBundling.target,
        platform: functionBundling.platform,
        mainFields: [...functionBundling.mainFields],
        minify: functionBundling.minify,
        sourceMap: true,
        // Linked: the bundle names its map (`//# sourceMappingURL=`), or --enable-source-maps finds none.
        sourceMapMode: { linked: SourceMapMode.DEFAULT }[functionBundling.sourceMap],
        sourcesContent: functionBundling.sourcesContent,
        banner: functionBundling.banner,
        externalModules: [...functionBundling.externalModules, ...packages],
        forceDockerBundling: false,
        ...(copies('', '').length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: copies,
              },
            }
          : {}),
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    });
    this.node.addValidation({
      validate: () =>
        this.bound ? [] : [`${this.key}: bindAccess() was never called (no grants, no environment)`],
    });
  }

  /**
   * Everything the function may touch, in one call: the IAM statements functions/access.ts derives
   * from its manifest access (the ones the local runtime enforces), the environment that names those
   * resources, and the cdk-nag acknowledgement of each wildcard in those statements, with its reason.
   * No function is granted anything any other way.
   */
  bindAccess(resources: Resources): void {
    if (this.bound) throw new Error(`${this.key}: bindAccess() is called once`);
    this.bound = true;
    for (const [name, value] of Object.entries(environmentOf(this.key, this.access, resources)))
      if (value !== undefined) this.fn.addEnvironment(name, value);
    // Source maps: the bundle is built with them (bundling.sourceMap above).
    this.fn.addEnvironment('NODE_OPTIONS', '--enable-source-maps');

    for (const s of statementsOf(this.access, resources)) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: s.sid,
          effect: s.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
          actions: [...s.actions],
          resources: [...s.resources],
          ...(s.leadingKeys
            ? { conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [...s.leadingKeys] } } }
            : {}),
        }),
      );
      const wildcards = [
        ...s.actions.filter((a) => a.includes('*')).map((a) => `Action::${a}`),
        ...s.resources.filter((r) => r.includes('*')).map((r) => `Resource::${nagSpelling(this, r)}`),
      ];
      if (wildcards.length === 0) continue;
      const reason = wildcardReason(s.sid);
      if (!reason)
        throw new Error(
          `${this.key}: statement ${s.sid} holds ${wildcards.join(', ')} and no reason (lib/service-function.ts)`,
        );
      for (const finding of wildcards)
        Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
  }
}
