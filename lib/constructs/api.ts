/**
 * Users and the HTTP API: the Cognito user pool (created with a group per role, or the pool a deleted
 * stack retained), the web client whose ID tokens the API accepts, the HTTP API with its access log,
 * and every manifest route, signed in with the JWT unless public by design.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { roles } from '../../functions/domain/actors.ts';
import { type FunctionKey, routes } from '../../functions/manifest.ts';
import { named, retainedName } from '../naming.ts';
import type { Functions } from './functions.ts';
import { Part } from './part.ts';

export interface ApiProps {
  /** Use this existing user pool (with its users and groups): a new app client is created in it. */
  existingUserPoolId?: string | undefined;
  functions: Functions;
}

export class Api extends Part {
  readonly userPool: cognito.IUserPool;
  readonly client: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.userPool = props.existingUserPoolId
      ? cognito.UserPool.fromUserPoolId(this, 'Users', props.existingUserPoolId)
      : this.createUserPool(retainedName(this, named(this, 'users')));
    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: named(this, 'web'),
      generateSecret: false,
      // Sign-in with SRP only (and refreshing its tokens); the ID token is the API's bearer token.
      // No hosted UI, so no OAuth: no authorization-code or implicit grant, no callback URL.
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      // Users may not set their own tenant: custom attributes are written by administrators only.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, fullname: true })
        .withCustomAttributes('entity', 'supplier'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    this.accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.httpApi = new apigw.HttpApi(this, 'Api', {
      apiName: named(this, 'api'),
      description: 'Helsekjøp HTTP API',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    const authorizer = new HttpJwtAuthorizer(
      'Jwt',
      `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`,
      { jwtAudience: [this.client.userPoolClientId], identitySource: ['$request.header.Authorization'] },
    );
    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    for (const r of routes) {
      let integration = integrations.get(r.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${r.function}Integration`,
          props.functions.of(r.function).fn,
        );
        integrations.set(r.function, integration);
      }
      const [added] = this.httpApi.addRoutes({
        path: r.path,
        methods: [r.method as apigw.HttpMethod],
        integration,
        ...(r.auth === 'jwt' ? { authorizer } : { authorizer: new apigw.HttpNoneAuthorizer() }),
      });
      if (r.auth === 'none' && added) {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Public by design: the API documentation (OpenAPI document and its page) needs no sign-in.',
        });
      }
    }
  }

  /** The user pool with a group per role: MFA, threat protection (Plus), retained when the stack goes. */
  private createUserPool(userPoolName: string): cognito.UserPool {
    const userPool = new cognito.UserPool(this, 'Users', {
      // A label, not an identifier (user pools are found by id), still kept apart per stack creation.
      userPoolName,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      customAttributes: {
        entity: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        supplier: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The roles of functions/http/auth.ts, the policy that decides who may do what.
    for (const role of roles) {
      // Retained with the pool: deleting a group would drop every user's membership, and with it
      // their role, from the pool a new stack reattaches (docs/operations.md).
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Helsekjøp ${role}s`,
      }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    return userPool;
  }
}
