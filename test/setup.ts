import 'aws-sdk-client-mock-vitest/extend';

process.env.LOG_LEVEL ??= 'silent';
