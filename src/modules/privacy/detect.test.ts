/** `POST /api/v1/privacy/detect`: the kind of each value, signed-in users only, at most 1000 values per call, values not echoed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { ok, refused, signIn } from '../../../test/assert.js';
import { synthBankCard, synthIdNumber, synthUscc } from '../ingest/synth.js';
import type { Client } from '../../../test/harness.js';

let env: TestEnv;
let as: (login: string) => Client;

beforeAll(async () => {
  env = await testEnv();
  as = await signIn(env.app, ['gat_clerk', 'zhangsan']);
});
afterAll(async () => env.close());

const ID = synthIdNumber('460105', '19900307', 123);

describe('POST /api/v1/privacy/detect', () => {
  it('returns the kind of each value by its index, without echoing the values', async () => {
    const values = [ID, synthUscc('460100', 42), '+86 139 1234 5678', '0898-66668888', synthBankCard(7), 'li@hainan.gov.cn', '琼A12345', 'E12345678', 'C12345678', '海南省海口市龙华区滨海大道123号', '3000.5', ''];
    const body = ok(await as('gat_clerk').post('/api/v1/privacy/detect', { values }));
    expect(body.results.map((r: { kind: string | null }) => r.kind)).toEqual(['id_number', 'uscc', 'mobile', 'phone', 'bank_card', 'email', 'plate', 'passport', 'permit', 'address', null, null]);
    expect(body.results[0]).toEqual({ index: 0, kind: 'id_number', kindLabel: '身份证件号码', confidence: 'certain', reason: expect.stringContaining('校验位正确') });
    expect(body.results[10]).toEqual({ index: 10, kind: null, kindLabel: null, confidence: null, reason: null });
    const text = JSON.stringify(body);
    for (const v of [ID, '13912345678', 'li@hainan.gov.cn']) expect(text).not.toContain(v);
  });

  it('checks region codes against the regions table and birth dates against the platform clock', async () => {
    const [known, unknownCounty, future] = (
      ok(await as('gat_clerk').post('/api/v1/privacy/detect', { values: [ID, synthIdNumber('460199', '19900307', 1), synthIdNumber('460105', '20260919', 1)] })) as { results: Array<{ kind: string | null; confidence: string | null; reason: string | null }> }
    ).results;
    expect(known).toMatchObject({ kind: 'id_number', confidence: 'certain' });
    expect(unknownCounty).toMatchObject({ kind: 'id_number', confidence: 'likely', reason: expect.stringContaining('460199') });
    // The test clock stands at 2026-09-18: a birth on the 19th has not happened.
    expect(future).toMatchObject({ kind: null });
  });

  it('uses the label as context: a bare name is only possible, under 联系人 it is likely', async () => {
    const bare = ok(await as('zhangsan').post('/api/v1/privacy/detect', { values: ['张伟', '已办结'] }));
    expect(bare.results).toMatchObject([{ kind: 'name', confidence: 'possible' }, { kind: null }]);
    const labelled = ok(await as('zhangsan').post('/api/v1/privacy/detect', { values: ['张伟'], label: '联系人' }));
    expect(labelled.results).toMatchObject([{ kind: 'name', confidence: 'likely' }]);
  });

  it('takes 1000 values and refuses 1001, naming the limit', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? `139${String(i).padStart(8, '0')}` : String(i)));
    const body = ok(await as('gat_clerk').post('/api/v1/privacy/detect', { values: many(1000) }));
    expect(body.results).toHaveLength(1000);
    expect(body.results[999]).toMatchObject({ index: 999, kind: 'mobile' });
    const e = refused(await as('gat_clerk').post('/api/v1/privacy/detect', { values: many(1001) }), 422, 'RULE_VIOLATION');
    expect(e.message).toContain('1000');
    expect(e.fields).toEqual([{ field: 'values', message: expect.stringContaining('1000') }]);
  });

  it('refuses a caller who is not signed in', async () => {
    refused(await env.app.inject({ method: 'POST', url: '/api/v1/privacy/detect', payload: { values: [ID] } }), 401, 'UNAUTHENTICATED');
  });

  it('refuses a body without values or with a value that is not text', async () => {
    refused(await as('gat_clerk').post('/api/v1/privacy/detect', { label: '姓名' }), 400, 'VALIDATION');
    refused(await as('gat_clerk').post('/api/v1/privacy/detect', { values: [{ a: 1 }] }), 400, 'VALIDATION');
  });

  it('writes no audit event: it reads no platform data', async () => {
    const count = async () => Number((await env.k.db.kysely.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    ok(await as('gat_clerk').post('/api/v1/privacy/detect', { values: [ID] }));
    expect(await count()).toBe(before);
  });
});
