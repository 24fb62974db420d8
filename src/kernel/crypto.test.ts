import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { Crypto, ephemeralKeys, loadKeys, sm3 } from './crypto.js';

const c = new Crypto(ephemeralKeys());

/** Changes one base64url character of part `i` of a `v1.iv.ct.mac` token. */
function tamper(token: string, part: number): string {
  const parts = token.split('.');
  const p = parts[part] as string;
  parts[part] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1);
  return parts.join('.');
}

describe('SM3', () => {
  it('matches the GB/T 32905 test vector for "abc"', () => {
    expect(sm3('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe('SM4 encryption at rest', () => {
  it('round-trips text, Chinese and empty included', () => {
    for (const plain of ['11010519491231002X', '张三 海南省海口市', '', 'x'.repeat(1000)]) {
      const token = c.encrypt(plain);
      expect(token.startsWith('v1.')).toBe(true);
      expect(token).not.toContain(plain || '\u0000');
      expect(c.decrypt(token)).toBe(plain);
    }
  });

  it('uses a fresh IV each time, so equal values encrypt differently', () => {
    expect(c.encrypt('11010519491231002X')).not.toBe(c.encrypt('11010519491231002X'));
  });

  it('refuses a token whose ciphertext, IV or MAC was changed', () => {
    const token = c.encrypt('11010519491231002X');
    for (const part of [1, 2, 3]) {
      expect(() => c.decrypt(tamper(token, part)), `part ${part}`).toThrow(/integrity/);
    }
  });

  it('refuses a malformed token', () => {
    expect(() => c.decrypt('v2.a.b.c')).toThrow(/malformed/);
    expect(() => c.decrypt('v1.a.b')).toThrow(/malformed/);
    expect(() => c.decrypt('plain text')).toThrow(/malformed/);
  });

  it('refuses a token made with other keys', () => {
    const other = new Crypto(ephemeralKeys());
    expect(() => c.decrypt(other.encrypt('secret'))).toThrow();
  });
});

describe('SM2 signatures', () => {
  it('verifies its own signature', () => {
    const sig = c.sign('gongshu-audit-checkpoint:v1:3:abc');
    expect(c.verify('gongshu-audit-checkpoint:v1:3:abc', sig)).toBe(true);
  });

  it('rejects a signature over other data', () => {
    const sig = c.sign('payload one');
    expect(c.verify('payload two', sig)).toBe(false);
  });

  it('rejects a signature made with another key, and accepts it with that key', () => {
    const other = new Crypto(ephemeralKeys());
    const sig = other.sign('payload');
    expect(c.verify('payload', sig)).toBe(false);
    expect(c.verify('payload', sig, other.keys.sm2Public)).toBe(true);
  });

  it('exports a PEM public key that verifies its signatures', () => {
    const pem = c.publicKeyPem();
    expect(pem).toContain('BEGIN PUBLIC KEY');
    expect(c.verify('x', c.sign('x'), crypto.createPublicKey(pem))).toBe(true);
  });

  it('names the key by a 16-hex SM3 fingerprint', () => {
    expect(c.keys.sm2KeyId).toMatch(/^[0-9a-f]{16}$/);
    expect(new Crypto(ephemeralKeys()).keys.sm2KeyId).not.toBe(c.keys.sm2KeyId);
  });
});

describe('HMAC-SM3', () => {
  it('is stable for one key and differs between keys and values', () => {
    expect(c.hmac('11010519491231002X')).toBe(c.hmac('11010519491231002X'));
    expect(c.hmac('11010519491231002X')).toMatch(/^[0-9a-f]{64}$/);
    expect(c.hmac('11010519491231002X')).not.toBe(c.hmac('110105194912310029'));
    expect(new Crypto(ephemeralKeys()).hmac('11010519491231002X')).not.toBe(c.hmac('11010519491231002X'));
  });
});

describe('loadKeys', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-keys-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('generates the keys into DATA_DIR/keys with mode 0600 on first call and reuses them after', () => {
    const dataDir = path.join(tmp, 'data');
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = loadKeys(config);
    const dir = path.join(dataDir, 'keys');
    expect(fs.readdirSync(dir).sort()).toEqual(['hmac.key', 'sm2-private.pem', 'sm4.key']);
    for (const f of fs.readdirSync(dir)) {
      expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
    }
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(dir, 'sm4.key'), 'utf8')).toMatch(/^[0-9a-f]{32}$/);

    const contents = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    const second = loadKeys(config);
    expect(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))).toEqual(contents);
    expect(second.sm2KeyId).toBe(first.sm2KeyId);
    expect(second.sm4Key.equals(first.sm4Key)).toBe(true);
    expect(second.hmacKey.equals(first.hmacKey)).toBe(true);

    // What one start encrypted and signed, the next start reads and verifies.
    const a = new Crypto(first);
    const b = new Crypto(second);
    expect(b.decrypt(a.encrypt('11010519491231002X'))).toBe('11010519491231002X');
    expect(b.verify('p', a.sign('p'))).toBe(true);
    expect(b.verify('p', a.sign('p'), crypto.createPublicKey(a.publicKeyPem()))).toBe(true);
    expect(b.hmac('v')).toBe(a.hmac('v'));
  });

  it('uses keys from config and writes no files when all three are given', () => {
    const dataDir = path.join(tmp, 'configured');
    const pem = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = loadConfig({
      DATA_DIR: dataDir,
      GONGSHU_SM4_KEY: '00112233445566778899aabbccddeeff',
      GONGSHU_HMAC_KEY: 'ffeeddccbbaa99887766554433221100',
      GONGSHU_SM2_PRIVATE_KEY: pem,
    });
    const keys = loadKeys(config);
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(keys.sm4Key.toString('hex')).toBe('00112233445566778899aabbccddeeff');
    expect(keys.hmacKey.toString('hex')).toBe('ffeeddccbbaa99887766554433221100');
    expect(loadKeys(config).sm2KeyId).toBe(keys.sm2KeyId);
  });
});
