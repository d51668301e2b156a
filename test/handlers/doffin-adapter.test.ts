/**
 * The Doffin port (functions/adapters/doffin.ts) with Secrets Manager mocked (aws-sdk-client-mock)
 * and fetch stubbed: what it sends, the secret read once per container, and how each failure comes
 * back, so that a caller can tell a retryable one (DoffinUnavailable: the HTTP edge's 503) from a
 * rejected notice and from a call Doffin refuses. Nothing here reaches Doffin or AWS.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DOFFIN_API,
  DoffinError,
  DoffinUnavailable,
  noticeStatus,
  resetDoffinPort,
  submitNotice,
  validateNotice,
  type WireAnswer,
} from '../../functions/adapters/doffin.ts';
import { resetEnvCache } from '../../functions/adapters/env.ts';
import { isTransient } from '../../functions/adapters/transient.ts';
import { asProblem } from '../../functions/http/http.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-north-1:111122223333:secret:helsekjop-doffin-AbCdEf';
const BASE_URL = 'https://doffin.example.test/api';
const KEY = 'subscription-key-1';
const submission = {
  noticeId: '3f0c2a1e-8b7d-4c52-9e41-2d6f0a9b7c11',
  version: '01',
  subtype: '20',
  xml: '<ContractNotice/>',
};

const secrets = mockClient(SecretsManagerClient);
const fetchMock = vi.fn<typeof fetch>();
const previous = process.env.DOFFIN_SECRET_ARN;

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
};

beforeEach(() => {
  process.env.DOFFIN_SECRET_ARN = SECRET_ARN;
  resetEnvCache();
  resetDoffinPort();
  secrets.reset();
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ baseUrl: `${BASE_URL}/`, subscriptionKey: KEY }) });
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.unstubAllGlobals();
});
afterAll(() => {
  if (previous === undefined) delete process.env.DOFFIN_SECRET_ARN;
  else process.env.DOFFIN_SECRET_ARN = previous;
  resetEnvCache();
  resetDoffinPort();
  secrets.restore();
});

describe('what the port sends', () => {
  it('posts the XML with the subscription key, a timeout, and reads the secret once', async () => {
    fetchMock.mockImplementation(async () =>
      answer(201, {
        noticeId: submission.noticeId,
        noticeVersion: '01',
        status: 'ACCEPTED',
        validationReport: {
          valid: true,
          items: [{ severity: 'WARNING', ruleId: 'BR-X', message: 'mind this', location: '/*/cbc:ID' }],
        },
      } satisfies WireAnswer),
    );
    const first = await submitNotice(submission);
    expect(first).toEqual({
      status: 'accepted',
      noticeId: submission.noticeId,
      version: '01',
      messages: [{ severity: 'warning', rule: 'BR-X', text: 'mind this', location: '/*/cbc:ID' }],
    });
    await submitNotice({ ...submission, version: '02' });
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`${BASE_URL}${DOFFIN_API.submit.path()}`);
    expect(init.method).toBe('POST');
    expect(init.body).toBe(submission.xml);
    expect(init.headers).toMatchObject({
      'Ocp-Apim-Subscription-Key': KEY,
      'content-type': 'application/xml',
    });
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it("reads a notice version's status by its business id, with the public ids once published", async () => {
    fetchMock.mockResolvedValue(
      answer(200, {
        noticeId: submission.noticeId,
        noticeVersion: '01',
        status: 'PUBLISHED',
        doffinId: '2026-123456',
        publicationDate: '2026-11-23T09:01:00.000Z',
        tedPublicationNumber: '00123456-2026',
      }),
    );
    expect(await noticeStatus(submission.noticeId, '01')).toEqual({
      status: 'published',
      noticeId: submission.noticeId,
      version: '01',
      messages: [],
      publicationId: '2026-123456',
      publishedAt: '2026-11-23T09:01:00.000Z',
      tedPublicationId: '00123456-2026',
    });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`${BASE_URL}/notices/${submission.noticeId}-01/status`);
    expect(init.method).toBe('GET');
    expect(init.body).toBeUndefined();
  });

  it('refuses an identity that is not a UUID and a two-digit version before calling', async () => {
    await expect(submitNotice({ ...submission, noticeId: 'x' })).rejects.toThrow(TypeError);
    await expect(noticeStatus(submission.noticeId, '1')).rejects.toThrow(/two digits/);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('answers a caller can tell apart', () => {
  it('a notice Doffin rejects is an answer with its messages, not an error', async () => {
    fetchMock.mockResolvedValue(
      answer(400, {
        noticeId: submission.noticeId,
        noticeVersion: '01',
        validationReport: {
          valid: false,
          items: [{ severity: 'ERROR', ruleId: 'BR-BT-00701-0027', message: 'no notice id', location: '/*' }],
        },
      }),
    );
    expect(await submitNotice(submission)).toEqual({
      status: 'rejected',
      noticeId: submission.noticeId,
      version: '01',
      messages: [{ severity: 'error', rule: 'BR-BT-00701-0027', text: 'no notice id', location: '/*' }],
    });
  });

  it('validation: 200 valid or not', async () => {
    fetchMock.mockResolvedValueOnce(
      answer(200, { status: 'VALID', validationReport: { valid: true, items: [] } }),
    );
    fetchMock.mockResolvedValueOnce(
      answer(200, {
        status: 'INVALID',
        validationReport: { valid: false, items: [{ severity: 'ERROR', message: 'bad' }] },
      }),
    );
    expect((await validateNotice(submission)).status).toBe('accepted');
    expect(await validateNotice(submission)).toMatchObject({
      status: 'rejected',
      messages: [{ severity: 'error', text: 'bad' }],
    });
    expect(fetchMock.mock.calls[0]?.[0]).toBe(`${BASE_URL}/notices/validate?debug=true`);
  });

  it.each([
    [503, { 'retry-after': '30' }, 30, false],
    [502, {}, undefined, false],
    [429, { 'retry-after': '5' }, 5, true],
    [408, {}, undefined, false],
  ])(
    'a %i is DoffinUnavailable: retryable, the edge answers 503',
    async (status, headers, retryAfter, throttling) => {
      fetchMock.mockResolvedValue(answer(status, { statusCode: status, message: 'busy' }, headers));
      const error = await failure(submitNotice(submission));
      expect(error).toBeInstanceOf(DoffinUnavailable);
      expect(error).toMatchObject({ status, retryAfterSeconds: retryAfter, $retryable: { throttling } });
      expect(isTransient(error)).toBe(true);
      expect(asProblem(error)?.status).toBe(503);
    },
  );

  it('a connection that fails or a call that times out is DoffinUnavailable', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));
    const refused = await failure(submitNotice(submission));
    expect(refused).toBeInstanceOf(DoffinUnavailable);
    expect(refused.message).toMatch(/could not be reached for submit \(fetch failed\)/);
    fetchMock.mockRejectedValueOnce(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    );
    const late = await failure(noticeStatus(submission.noticeId, '01'));
    expect(late).toBeInstanceOf(DoffinUnavailable);
    expect(late.message).toMatch(/did not answer status within 10 s/);
    expect(isTransient(late)).toBe(true);
  });

  it('a version Doffin has already (409) is a DoffinError conflict, not retryable', async () => {
    fetchMock.mockResolvedValue(answer(409, { statusCode: 409, message: 'exists' }));
    const error = await failure(submitNotice(submission));
    expect(error).toBeInstanceOf(DoffinError);
    expect(error).toMatchObject({ code: 'conflict', status: 409 });
    expect(error.message).toContain('exists');
    expect(isTransient(error)).toBe(false);
  });

  it('an unknown notice (404 on status) is not-found; another 4xx is refused', async () => {
    fetchMock.mockResolvedValueOnce(answer(404, { statusCode: 404, message: 'none' }));
    await expect(noticeStatus(submission.noticeId, '01')).rejects.toMatchObject({ code: 'not-found' });
    fetchMock.mockResolvedValueOnce(answer(400, { statusCode: 400, message: 'Bad request' }));
    await expect(submitNotice(submission)).rejects.toMatchObject({ code: 'refused', status: 400 });
    fetchMock.mockResolvedValueOnce(answer(413, 'too large'));
    await expect(submitNotice(submission)).rejects.toMatchObject({ code: 'refused', status: 413 });
  });

  it('an answer the port cannot read is unexpected-answer', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, '<html>maintenance</html>'));
    await expect(submitNotice(submission)).rejects.toMatchObject({ code: 'unexpected-answer' });
    fetchMock.mockResolvedValueOnce(answer(200, { status: 'SOMETHING_NEW' }));
    await expect(noticeStatus(submission.noticeId, '01')).rejects.toMatchObject({
      code: 'unexpected-answer',
    });
  });

  it('a refused subscription key is unauthorised, and the next call reads the secret again (a rotated key)', async () => {
    fetchMock.mockResolvedValueOnce(answer(401, { statusCode: 401, message: 'Access denied' }));
    await expect(submitNotice(submission)).rejects.toMatchObject({ code: 'unauthorised', status: 401 });
    fetchMock.mockResolvedValueOnce(answer(201, { status: 'ACCEPTED' }));
    expect((await submitNotice(submission)).status).toBe('accepted');
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});

describe('the secret', () => {
  it('Secrets Manager throttled is DoffinUnavailable, and the next call reads it again', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: JSON.stringify({ baseUrl: BASE_URL, subscriptionKey: KEY }) });
    const error = await failure(submitNotice(submission));
    expect(error).toBeInstanceOf(DoffinUnavailable);
    expect(isTransient(error)).toBe(true);
    expect(fetchMock).not.toHaveBeenCalled();
    fetchMock.mockResolvedValueOnce(answer(201, { status: 'ACCEPTED' }));
    expect((await submitNotice(submission)).status).toBe('accepted');
  });

  it('a missing secret, or one without the base URL and key, is misconfigured (its value never in the message)', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(
        Object.assign(new Error("Secrets Manager can't find the specified secret."), {
          name: 'ResourceNotFoundException',
        }),
      )
      .resolvesOnce({ SecretString: JSON.stringify({ baseUrl: BASE_URL, subscriptionKey: '' }) })
      .resolvesOnce({ SecretString: 'secret-not-json' });
    for (let i = 0; i < 3; i++) {
      const error = await failure(submitNotice(submission));
      expect(error).toMatchObject({ name: 'DoffinError', code: 'misconfigured' });
      expect(error.message).not.toContain('secret-not-json');
      expect(isTransient(error)).toBe(false);
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('a missing DOFFIN_SECRET_ARN fails fast', async () => {
    delete process.env.DOFFIN_SECRET_ARN;
    resetEnvCache();
    await expect(submitNotice(submission)).rejects.toThrow(
      /Missing required environment variable DOFFIN_SECRET_ARN/,
    );
  });
});
