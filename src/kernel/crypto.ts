/**
 * National cryptography on Node's OpenSSL: SM3 (hashes, HMAC), SM4 (secrets at rest), SM2
 * (signatures over SM3 on the SM2 curve). Keys come from config or are generated into
 * `DATA_DIR/keys` on first start with file mode 0600.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/** One-shot SM3 (crypto.hash: no Hash object per call, about three times faster on short inputs). */
export const sm3 = (data: string | Buffer): string => crypto.hash('sm3', data, 'hex');

export interface Keys {
  readonly sm4Key: Buffer;
  readonly hmacKey: Buffer;
  readonly sm2Private: crypto.KeyObject;
  readonly sm2Public: crypto.KeyObject;
  /** SM3 fingerprint of the public key, named in every checkpoint. */
  readonly sm2KeyId: string;
}

export class Crypto {
  constructor(readonly keys: Keys) {}

  /** HMAC-SM3 for look-ups of encrypted values (e.g. a resident ID number). */
  hmac(data: string): string {
    return crypto.createHmac('sm3', this.keys.hmacKey).update(data).digest('hex');
  }

  /**
   * SM4-CBC with a random IV, then HMAC-SM3 over IV and ciphertext (encrypt-then-MAC; this
   * OpenSSL has no SM4-GCM). Output: `v1.<iv>.<ciphertext>.<mac>` in base64url.
   */
  encrypt(plain: string): string {
    const iv = crypto.randomBytes(16);
    const cipher = crypto.createCipheriv('sm4-cbc', this.keys.sm4Key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const mac = crypto.createHmac('sm3', this.keys.hmacKey).update(iv).update(ct).digest();
    return ['v1', iv.toString('base64url'), ct.toString('base64url'), mac.toString('base64url')].join('.');
  }

  decrypt(token: string): string {
    const [v, ivs, cts, macs] = token.split('.');
    if (v !== 'v1' || !ivs || !cts || !macs) throw new Error('malformed SM4 token');
    const iv = Buffer.from(ivs, 'base64url');
    const ct = Buffer.from(cts, 'base64url');
    const mac = crypto.createHmac('sm3', this.keys.hmacKey).update(iv).update(ct).digest();
    if (!crypto.timingSafeEqual(mac, Buffer.from(macs, 'base64url'))) throw new Error('SM4 token failed its integrity check');
    const decipher = crypto.createDecipheriv('sm4-cbc', this.keys.sm4Key, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  }

  /** SM2 signature (SM3 digest) as base64. */
  sign(data: string | Buffer): string {
    return crypto.sign('sm3', Buffer.from(data), this.keys.sm2Private).toString('base64');
  }

  verify(data: string | Buffer, signature: string, publicKey: crypto.KeyObject = this.keys.sm2Public): boolean {
    return crypto.verify('sm3', Buffer.from(data), publicKey, Buffer.from(signature, 'base64'));
  }

  publicKeyPem(): string {
    return this.keys.sm2Public.export({ type: 'spki', format: 'pem' }).toString();
  }
}

function fromPrivate(sm2Private: crypto.KeyObject, sm4Key: Buffer, hmacKey: Buffer): Keys {
  const sm2Public = crypto.createPublicKey(sm2Private);
  const der = sm2Public.export({ type: 'spki', format: 'der' });
  return { sm4Key, hmacKey, sm2Private, sm2Public, sm2KeyId: sm3(der).slice(0, 16) };
}

/** Fresh keys held in memory only (tests). */
export function ephemeralKeys(): Keys {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
  // Through PEM, as `loadKeys` does: OpenSSL then treats the key as SM2 and signs with the SM2
  // scheme; the generated key object would sign with ECDSA on the SM2 curve, which a public key
  // read back from a checkpoint's PEM does not verify.
  const sm2Private = crypto.createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return fromPrivate(sm2Private, crypto.randomBytes(16), crypto.randomBytes(16));
}

function readOrCreate(file: string, create: () => string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const value = create();
    // `wx` refuses to overwrite a key another instance wrote a moment ago.
    try {
      fs.writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
      return value;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8');
      throw e;
    }
  }
}

/** Keys from config where given, otherwise from (or generated into) `DATA_DIR/keys`. */
export function loadKeys(config: Config): Keys {
  const dir = path.join(config.dataDir, 'keys');
  const needFiles = !config.keys.sm4Key || !config.keys.hmacKey || !config.keys.sm2PrivateKeyPem;
  if (needFiles) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hex = () => crypto.randomBytes(16).toString('hex');
  const sm4 = config.keys.sm4Key ?? readOrCreate(path.join(dir, 'sm4.key'), hex).trim();
  const hmac = config.keys.hmacKey ?? readOrCreate(path.join(dir, 'hmac.key'), hex).trim();
  const pem =
    config.keys.sm2PrivateKeyPem ??
    readOrCreate(path.join(dir, 'sm2-private.pem'), () =>
      crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
  return fromPrivate(crypto.createPrivateKey(pem), Buffer.from(sm4, 'hex'), Buffer.from(hmac, 'hex'));
}
