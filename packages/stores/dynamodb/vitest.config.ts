import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The README example imports the package by name; point it at the source under test.
    alias: { '@oncely/dynamodb': new URL('./src/index.ts', import.meta.url).pathname },
  },
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // The SDK warns once per process that its 2027 releases will need Node 22; noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // DynamoDB Local is a JVM sharing two cores with other work: give it room.
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
