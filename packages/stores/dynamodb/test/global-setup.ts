import { startDynamoDBLocal } from '@oncely/testing/dynamodb-local';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the DynamoDB Local that this run started listens, or why it could not start. */
    dynamodbLocal: { endpoint: string } | { unavailable: string };
  }
}

/**
 * One DynamoDB Local for the whole run, stopped by PID in teardown (which vitest runs whether
 * tests pass or fail). A start failure (no Java) is handed to the test files, where
 * `probeService` skips locally and fails under CI.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The SDK warns once per process that its 2027 releases need Node 22: noise in test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const server = await startDynamoDBLocal();
    project.provide('dynamodbLocal', { endpoint: server.endpoint });
    return () => server.stop();
  } catch (error) {
    project.provide('dynamodbLocal', {
      unavailable: error instanceof Error ? error.message : String(error),
    });
    return async () => {};
  }
}
