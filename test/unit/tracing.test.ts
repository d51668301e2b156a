/**
 * On Lambda (AWS_EXECUTION_ENV set) the Tracer is loaded and captures every AWS SDK client; with
 * POWERTOOLS_TRACE_ENABLED=false it is not. (A file of its own: the Tracer patches http and fetch
 * of the process it runs in.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const load = async () => {
  vi.resetModules();
  const clients = await import('../../functions/adapters/clients.ts');
  const { withObservability } = await import('../../functions/adapters/observability.ts');
  return { tracer: clients.tracer, clients, withObservability };
};

const instrumented = (client: { middlewareStack: { identify: () => string[] } }) =>
  client.middlewareStack.identify().some((m) => m.includes('XRaySDKInstrumentation'));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Tracer', () => {
  it('is off where tracing is switched off, even on Lambda', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    const { tracer, clients } = await load();
    expect(tracer).toBeUndefined();
    expect(instrumented(clients.ddb())).toBe(false);
  });

  it('captures every AWS SDK client on Lambda', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('AWS_REGION', 'eu-north-1');
    const { tracer, clients } = await load();
    expect(tracer?.isTracingEnabled()).toBe(true);
    for (const client of [
      clients.ddb(),
      clients.sfn(),
      clients.eventBridge(),
      clients.scheduler(),
      clients.sns(),
    ]) {
      expect(instrumented(client)).toBe(true);
    }
  });

  it('traces every handler wrapped by withObservability, with the correlation ids as annotations', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    const { tracer, withObservability } = await load();
    if (!tracer) throw new Error('no tracer');
    // No X-Ray daemon here: no segment, only the calls the middleware makes.
    vi.spyOn(tracer, 'getSegment').mockReturnValue(undefined);
    const coldStart = vi.spyOn(tracer, 'annotateColdStart').mockImplementation(() => {});
    const service = vi.spyOn(tracer, 'addServiceNameAnnotation').mockImplementation(() => {});
    const annotations = vi.spyOn(tracer, 'putAnnotation').mockImplementation(() => {});
    const handler = withObservability(async () => 'done');
    const context = { awsRequestId: 'req-1', functionName: 'f' } as never;
    expect(await handler({ tenderId: 'tnd_1' } as never, context)).toBe('done');
    expect(coldStart).toHaveBeenCalledOnce();
    expect(service).toHaveBeenCalledOnce();
    expect(annotations).toHaveBeenCalledWith('tenderId', 'tnd_1');
  });
});
