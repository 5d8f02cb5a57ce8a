'use strict';
// Interoperability of Signet's CLI with the npm `jsonwebtoken` package and
// node:crypto, as the vendors' JavaScript samples use them.
//
//   SIGNET_BIN=/path/to/signet node --test
//
// SIGNET_BIN (required) is the signet binary; SIGNET_VECTORS (optional) the
// known-answer vectors folder, by default the module's testdata/vectors.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { createHmac } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const jwt = require('jsonwebtoken');

const SIGNET_BIN = process.env.SIGNET_BIN;
if (!SIGNET_BIN) {
  throw new Error('SIGNET_BIN is not set: point it at a signet binary built with `go build -o /tmp/signet ./cmd/signet`');
}
if (SIGNET_BIN.includes(path.sep) && !fs.existsSync(SIGNET_BIN)) {
  throw new Error(`SIGNET_BIN=${SIGNET_BIN} does not exist`);
}
const VECTORS = path.resolve(process.env.SIGNET_VECTORS || path.join(__dirname, '..', '..', 'testdata', 'vectors'));

// A fixed clock: 2026-01-01T00:00:00Z, the vectors' `now`.
const NOW = 1767225600;
const SECRET = 'hs-secret-3f9a1c7e5b2d4f60';
const OTHER_SECRET = 'hs-secret-other-0000000000';
const HEX_SECRET = '9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f';
const APP = 'app_7Hq2';
const KID = 'k_interop_1';

const TWELVE = ['uid', 'email', 'phone_number', 'facebook_id', 'discord_id', 'whatsapp_id',
  'google_playstore_id', 'apple_gamecenter_id', 'nintendo_id', 'psn_id', 'xbox_live_id', 'steam_id'];
const JWT_PROFILES = ['helpshift-userhub', 'pylon-jwt', 'signet'];

// ---------------------------------------------------------------- the CLI

function run(args) {
  const r = spawnSync(SIGNET_BIN, args, { encoding: 'utf8', timeout: 30000 });
  if (r.error) throw r.error;
  return r;
}

const show = (args) => 'signet ' + args.map((a) => (/^[\w@.:=\/+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');

// signet sign: exit 0 and the digest or token alone on one line.
function signetSign(args) {
  const full = ['sign', ...args];
  const r = run(full);
  assert.equal(r.status, 0, `${show(full)} exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  assert.ok(lines.length === 2 && lines[1] === '' && lines[0] !== '',
    `${show(full)} must print the result alone on one line, printed ${JSON.stringify(r.stdout)}`);
  return lines[0];
}

// signet verify --json: exit 0 = valid, 1 = invalid (not an exception).
function signetVerify(args) {
  const full = ['verify', ...args, '--json'];
  const r = run(full);
  assert.ok(r.status === 0 || r.status === 1, `${show(full)} exited ${r.status} (want 0 or 1): ${r.stderr}${r.stdout}`);
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`${show(full)} printed no JSON object: ${JSON.stringify(r.stdout)}`);
  }
  assert.equal(typeof out.valid, 'boolean', `${show(full)}: "valid" must be a boolean: ${r.stdout}`);
  assert.equal(out.valid, r.status === 0, `${show(full)}: exit ${r.status} disagrees with valid=${out.valid}`);
  out.command = show(full);
  return out;
}

function expectValid(args, identities) {
  const out = signetVerify(args);
  assert.equal(out.valid, true, `${out.command} -> ${JSON.stringify(out)}`);
  assert.ok(out.reason === undefined || out.reason === null, `${out.command}: a valid result has no reason: ${JSON.stringify(out)}`);
  if (identities !== undefined) {
    assert.deepEqual(out.identities, identities, `${out.command}: identities`);
  }
  return out;
}

function expectInvalid(args, reasons) {
  const out = signetVerify(args);
  assert.equal(out.valid, false, `${out.command} must fail with ${reasons}, got ${JSON.stringify(out)}`);
  assert.ok([].concat(reasons).includes(out.reason), `${out.command}: reason ${out.reason}, want ${reasons}`);
  return out;
}

// ---------------------------------------------------------------- helpers

const ids = (...pairs) => pairs.map(([type, value]) => ({ type, value }));
// The `identities` claim (helpshift-userhub, signet) as {type, value} pairs, in order.
const claimIds = (payload) => payload.identities.map((i) => ({ type: i.identifier, value: i.value }));

// jsonwebtoken's verification with a fixed clock; throws on any failure.
function jwtVerify(token, secret, { audience } = {}) {
  const opts = { algorithms: ['HS256'], clockTimestamp: NOW, complete: true };
  if (audience !== undefined) opts.audience = audience;
  return jwt.verify(token, secret, opts);
}

// Identity flags for signet: uid and email by their own flags, others as --identity TYPE=VALUE.
function identityFlags(list) {
  const args = [];
  for (const { type, value } of list) {
    if (type === 'uid') args.push('--uid', value);
    else if (type === 'email') args.push('--email', value);
    else args.push('--identity', `${type}=${value}`);
  }
  return args;
}

function audOf(payload) {
  return Array.isArray(payload.aud) ? payload.aud : [payload.aud];
}

// Identity sets signed by the CLI for helpshift-userhub and signet.
const twelve = TWELVE.map((t) => ({ type: t, value: `v-${t}` }));
const IDENTITY_SETS = {
  'uid only': ids(['uid', 'user-42']),
  'email only': ids(['email', 'jane@example.com']),
  'uid and email': ids(['uid', 'user-42'], ['email', 'jane@example.com']),
  'unicode uid and email': ids(['uid', 'ünïcode-ü 用户 😀'], ['email', 'zoë@example.org']),
  'uid, phone and steam': ids(['uid', '12345'], ['phone_number', '+33 6 12 34 56 78'], ['steam_id', '76561198000000000']),
  'all twelve identity types': twelve,
  'all twelve types, unicode values': TWELVE.map((t) => ({ type: t, value: `ü-${t}-名前-🎮` })),
};

function sameSet(actual, expected, msg) {
  const key = (i) => `${i.type}\u0000${i.value}`;
  assert.deepEqual(actual.map(key).sort(), expected.map(key).sort(), msg);
}

// ------------------------------------------- 1. signet sign -> jsonwebtoken

describe('signet sign -> jsonwebtoken.verify', () => {
  for (const [label, set] of Object.entries(IDENTITY_SETS)) {
    test(`helpshift-userhub: ${label}`, () => {
      const iat = NOW - 60;
      const token = signetSign(['--profile', 'helpshift-userhub', '--secret', SECRET, ...identityFlags(set), '--iat', String(iat)]);
      const { header, payload } = jwtVerify(token, SECRET);
      assert.equal(header.alg, 'HS256');
      assert.equal(payload.iat, iat);
      if (payload.exp !== undefined) assert.ok(payload.exp > NOW, `exp ${payload.exp} is not in the future`);
      sameSet(claimIds(payload), set, 'signed identities');
      for (const i of payload.identities) {
        assert.ok(i.metadata === undefined || (typeof i.metadata === 'object' && !Array.isArray(i.metadata)), 'metadata is an object');
      }
      // Signet reads back the same identities, in signed order.
      expectValid(['--profile', 'helpshift-userhub', '--secret', SECRET, '--token', token, '--now', String(NOW)], claimIds(payload));
      // The wrong secret fails in jsonwebtoken too.
      assert.throws(() => jwtVerify(token, OTHER_SECRET), /invalid signature/);
    });
  }

  test('helpshift-userhub: --exp is signed and honoured by jsonwebtoken', () => {
    const iat = NOW - 60;
    const token = signetSign(['--profile', 'helpshift-userhub', '--secret', SECRET, '--uid', 'user-42', '--iat', String(iat), '--exp', String(NOW + 300)]);
    const { payload } = jwtVerify(token, SECRET);
    assert.equal(payload.iat, iat);
    assert.equal(payload.exp, NOW + 300);
    assert.throws(() => jwt.verify(token, SECRET, { algorithms: ['HS256'], clockTimestamp: NOW + 301 }), /jwt expired/);
  });

  for (const [label, extra, email] of [
    ['email and name', ['--name', 'Jane'], 'jane@example.com'],
    ['email only', [], 'jane@example.com'],
    ['unicode email and name', ['--name', 'Zoë 山田 😀'], 'zoë@example.org'],
  ]) {
    test(`pylon-jwt: ${label}`, () => {
      const iat = NOW - 30;
      const exp = iat + 600;
      const token = signetSign(['--profile', 'pylon-jwt', '--secret', SECRET, '--email', email, '--aud', APP,
        '--iat', String(iat), '--exp', String(exp), ...extra]);
      const { header, payload } = jwtVerify(token, SECRET, { audience: APP });
      assert.equal(header.alg, 'HS256');
      assert.equal(payload.email, email);
      assert.deepEqual(audOf(payload), [APP]);
      assert.equal(payload.iat, iat);
      assert.equal(payload.exp, exp);
      if (extra.length) assert.equal(payload.name, extra[1]);
      assert.equal(payload.identities, undefined, 'a pylon-jwt token has no identities claim');
      assert.throws(() => jwtVerify(token, SECRET, { audience: 'app_other' }), /jwt audience invalid/);
      expectValid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], ids(['email', email]));
    });
  }

  test('pylon-jwt: optional account and contact ids (--attr) are signed claims', () => {
    const attrs = { account_id: 'acc_1', account_external_id: 'ext-ü-1', contact_id: 'con_1', contact_external_id: 'c-9' };
    const iat = NOW - 30;
    const token = signetSign(['--profile', 'pylon-jwt', '--secret', SECRET, '--email', 'jane@example.com', '--aud', APP, '--name', 'Jane',
      '--iat', String(iat), '--exp', String(iat + 600), ...Object.entries(attrs).flatMap(([k, v]) => ['--attr', `${k}=${v}`])]);
    const { payload } = jwtVerify(token, SECRET, { audience: APP });
    for (const [k, v] of Object.entries(attrs)) assert.equal(payload[k], v, k);
    assert.equal(payload.name, 'Jane');
    // The widget sends the same ids next to the token: valid; another contact id: identity_mismatch.
    const base = ['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--email', 'jane@example.com', '--token', token, '--now', String(NOW)];
    expectValid([...base, '--attr', 'contact_id=con_1', '--attr', 'account_id=acc_1'], ids(['email', 'jane@example.com']));
    expectInvalid([...base, '--attr', 'contact_id=con_2'], 'identity_mismatch');
  });

  test('pylon-jwt: default lifetime stays within Pylon\'s 15 minutes', () => {
    const iat = NOW - 30;
    const token = signetSign(['--profile', 'pylon-jwt', '--secret', SECRET, '--email', 'jane@example.com', '--aud', APP, '--iat', String(iat)]);
    const { payload } = jwtVerify(token, SECRET, { audience: APP });
    assert.equal(payload.iat, iat);
    assert.equal(typeof payload.exp, 'number');
    assert.ok(payload.exp > iat && payload.exp - iat <= 900, `exp - iat = ${payload.exp - iat}`);
  });

  test('pylon-jwt: a hex-looking secret is used as text, as jsonwebtoken does', () => {
    const token = signetSign(['--profile', 'pylon-jwt', '--secret', HEX_SECRET, '--email', 'jane@example.com', '--aud', APP,
      '--iat', String(NOW - 30), '--exp', String(NOW + 570)]);
    const { payload } = jwtVerify(token, HEX_SECRET, { audience: APP });
    assert.equal(payload.email, 'jane@example.com');
    assert.throws(() => jwtVerify(token, Buffer.from(HEX_SECRET, 'hex'), { audience: APP }), /invalid signature/);
  });

  for (const [label, set] of Object.entries(IDENTITY_SETS)) {
    test(`signet: ${label}`, () => {
      const iat = NOW - 10;
      const exp = iat + 600;
      const token = signetSign(['--profile', 'signet', '--secret', SECRET, '--kid', KID, '--aud', APP, ...identityFlags(set),
        '--iat', String(iat), '--exp', String(exp)]);
      const { header, payload } = jwtVerify(token, SECRET, { audience: APP });
      assert.equal(header.alg, 'HS256');
      assert.equal(header.kid, KID);
      assert.deepEqual(audOf(payload), [APP]);
      assert.equal(payload.iat, iat);
      assert.equal(payload.exp, exp);
      sameSet(claimIds(payload), set, 'signed identities');
      expectValid(['--profile', 'signet', '--secret', SECRET, '--kid', KID, '--aud', APP, '--token', token, '--now', String(NOW)], claimIds(payload));
      assert.throws(() => jwtVerify(token, OTHER_SECRET, { audience: APP }), /invalid signature/);
    });
  }

  for (const profile of ['helpshift-userhub', 'signet']) {
    test(`${profile}: --metadata goes on the uid identity`, () => {
      const flags = profile === 'signet' ? ['--kid', KID, '--aud', APP] : [];
      const token = signetSign(['--profile', profile, '--secret', SECRET, ...flags, '--uid', 'user-42', '--email', 'jane@example.com',
        '--metadata', 'plan=gold', '--metadata', 'région=Île-de-France', '--iat', String(NOW - 10)]);
      const { payload } = jwtVerify(token, SECRET, profile === 'signet' ? { audience: APP } : {});
      const uid = payload.identities.find((i) => i.identifier === 'uid');
      assert.deepEqual(uid.metadata, { plan: 'gold', 'région': 'Île-de-France' });
      expectValid(['--profile', profile, '--secret', SECRET, ...flags, '--token', token, '--now', String(NOW)], claimIds(payload));
    });
  }

  test('signet: default lifetime stays within the default maximum (1 h)', () => {
    const iat = NOW - 10;
    const token = signetSign(['--profile', 'signet', '--secret', SECRET, '--kid', KID, '--aud', APP, '--uid', 'user-42', '--iat', String(iat)]);
    const { payload } = jwtVerify(token, SECRET, { audience: APP });
    assert.equal(payload.iat, iat);
    assert.ok(payload.exp > iat && payload.exp - iat <= 3600, `exp - iat = ${payload.exp - iat}`);
  });
});

// ------------------------------------------- 2. jsonwebtoken -> signet verify

describe('jsonwebtoken.sign (vendor samples) -> signet verify', () => {
  // helpshift-userhub, as Helpshift's JavaScript sample: jwt.sign({iat, identities}, secret, {algorithm: 'HS256'}).
  const userhubCases = {
    'uid and email': [{ identifier: 'uid', value: 'user-42' }, { identifier: 'email', value: 'jane@example.com' }],
    'uid only': [{ identifier: 'uid', value: 'user-42' }],
    'email only': [{ identifier: 'email', value: 'jane@example.com' }],
    'unicode values': [{ identifier: 'uid', value: 'ünïcode-ü 用户 😀' }, { identifier: 'email', value: 'zoë@example.org' }],
    'email with metadata': [{ identifier: 'email', value: 'jane@example.com', metadata: { plan: 'gold', 'région': 'Île-de-France' } }],
    'all twelve identity types': TWELVE.map((t) => ({ identifier: t, value: `v-${t}` })),
  };
  for (const [label, identities] of Object.entries(userhubCases)) {
    test(`helpshift-userhub: ${label}`, () => {
      const token = jwt.sign({ iat: NOW - 60, identities }, SECRET, { algorithm: 'HS256' });
      const expected = identities.map((i) => ({ type: i.identifier, value: i.value }));
      expectValid(['--profile', 'helpshift-userhub', '--secret', SECRET, '--token', token, '--now', String(NOW)], expected);
      // The identifiers sent next to the token, when equal to the signed ones, pass.
      const sent = expected.filter((i) => i.type === 'uid' || i.type === 'email');
      expectValid(['--profile', 'helpshift-userhub', '--secret', SECRET, ...identityFlags(sent), '--token', token, '--now', String(NOW)], expected);
    });
  }

  test('helpshift-userhub: issued exactly 24 h ago passes, 24 h + 1 s fails', () => {
    const uid = [{ identifier: 'uid', value: 'user-42' }];
    const ok = jwt.sign({ iat: NOW - 86400, identities: uid }, SECRET, { algorithm: 'HS256' });
    expectValid(['--profile', 'helpshift-userhub', '--secret', SECRET, '--token', ok, '--now', String(NOW)], ids(['uid', 'user-42']));
    const old = jwt.sign({ iat: NOW - 86401, identities: uid }, SECRET, { algorithm: 'HS256' });
    expectInvalid(['--profile', 'helpshift-userhub', '--secret', SECRET, '--token', old, '--now', String(NOW)], 'issued_too_long_ago');
  });

  // pylon-jwt, as Pylon's JavaScript sample: jwt.sign({email, name, aud: appID, iat, exp}, secret, {algorithm: 'HS256'}).
  const pylonCases = {
    'email and name': { email: 'jane@example.com', name: 'Jane' },
    'empty name, as the sample\'s default': { email: 'jane@example.com', name: '' },
    'unicode email and name': { email: 'zoë@example.org', name: 'Zoë 山田 😀' },
    'optional account and contact ids': { email: 'jane@example.com', name: 'Jane', account_id: 'acc_1', account_external_id: 'ext-1', contact_id: 'con_1', contact_external_id: 'c-9' },
  };
  for (const [label, claims] of Object.entries(pylonCases)) {
    test(`pylon-jwt: ${label}`, () => {
      const iat = NOW - 30;
      const token = jwt.sign({ ...claims, aud: APP, iat, exp: iat + 10 * 60 }, SECRET, { algorithm: 'HS256' });
      expectValid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], ids(['email', claims.email]));
      expectValid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--email', claims.email, '--token', token, '--now', String(NOW)], ids(['email', claims.email]));
    });
  }

  test('pylon-jwt: aud as a one-element array (golang-jwt style)', () => {
    const token = jwt.sign({ email: 'jane@example.com', aud: [APP], iat: NOW - 30, exp: NOW + 570 }, SECRET, { algorithm: 'HS256' });
    expectValid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], ids(['email', 'jane@example.com']));
  });

  test('pylon-jwt: jsonwebtoken options audience/expiresIn', () => {
    const token = jwt.sign({ email: 'jane@example.com', iat: NOW - 30 }, SECRET, { algorithm: 'HS256', audience: APP, expiresIn: 600 });
    assert.equal(jwt.decode(token).exp, NOW - 30 + 600);
    expectValid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], ids(['email', 'jane@example.com']));
  });

  // signet: jwt.sign({aud, iat, exp, identities}, secret, {algorithm: 'HS256', keyid}).
  const signetCases = {
    'uid and email': [{ identifier: 'uid', value: 'user-42' }, { identifier: 'email', value: 'jane@example.com' }],
    'unicode values': [{ identifier: 'uid', value: 'ünïcode-ü 用户 😀' }, { identifier: 'email', value: 'zoë@example.org' }],
    'all twelve identity types': TWELVE.map((t) => ({ identifier: t, value: `v-${t}` })),
  };
  for (const [label, identities] of Object.entries(signetCases)) {
    test(`signet: ${label}`, () => {
      const iat = NOW - 10;
      const token = jwt.sign({ aud: APP, iat, exp: iat + 600, identities }, SECRET, { algorithm: 'HS256', keyid: KID });
      assert.equal(jwt.decode(token, { complete: true }).header.kid, KID);
      const expected = identities.map((i) => ({ type: i.identifier, value: i.value }));
      expectValid(['--profile', 'signet', '--secret', SECRET, '--kid', KID, '--aud', APP, '--token', token, '--now', String(NOW)], expected);
    });
  }

  test('signet: jsonwebtoken options audience/expiresIn/keyid', () => {
    const identities = [{ identifier: 'uid', value: 'user-42' }, { identifier: 'steam_id', value: '76561198000000000' }];
    const token = jwt.sign({ identities, iat: NOW - 10 }, SECRET, { algorithm: 'HS256', keyid: KID, audience: APP, expiresIn: '10m' });
    expectValid(['--profile', 'signet', '--secret', SECRET, '--kid', KID, '--aud', APP, '--token', token, '--now', String(NOW)],
      ids(['uid', 'user-42'], ['steam_id', '76561198000000000']));
  });
});

// ------------------------------------------- 3. negative checks

describe('tokens signet verify must reject', () => {
  const good = {
    'helpshift-userhub': { payload: { iat: NOW - 60, identities: [{ identifier: 'uid', value: 'user-42' }] }, flags: [], opts: {} },
    'pylon-jwt': { payload: { email: 'jane@example.com', name: 'Jane', aud: APP, iat: NOW - 30, exp: NOW + 570 }, flags: ['--aud', APP], opts: {} },
    signet: { payload: { aud: APP, iat: NOW - 10, exp: NOW + 590, identities: [{ identifier: 'uid', value: 'user-42' }] }, flags: ['--aud', APP, '--kid', KID], opts: { keyid: KID } },
  };
  for (const profile of JWT_PROFILES) {
    const { payload, flags, opts } = good[profile];
    const verifyArgs = (token, secret = SECRET) => ['--profile', profile, '--secret', secret, ...flags, '--token', token, '--now', String(NOW)];

    test(`${profile}: the same token signed with HS256 passes (control)`, () => {
      const token = jwt.sign(payload, SECRET, { algorithm: 'HS256', ...opts });
      expectValid(verifyArgs(token));
    });
    test(`${profile}: HS384 -> algorithm_not_allowed`, () => {
      const token = jwt.sign(payload, SECRET, { algorithm: 'HS384', ...opts });
      assert.equal(jwt.decode(token, { complete: true }).header.alg, 'HS384');
      expectInvalid(verifyArgs(token), 'algorithm_not_allowed');
    });
    test(`${profile}: HS512 -> algorithm_not_allowed`, () => {
      const token = jwt.sign(payload, SECRET, { algorithm: 'HS512', ...opts });
      expectInvalid(verifyArgs(token), 'algorithm_not_allowed');
    });
    test(`${profile}: wrong secret -> signature_mismatch`, () => {
      const token = jwt.sign(payload, OTHER_SECRET, { algorithm: 'HS256', ...opts });
      expectInvalid(verifyArgs(token), 'signature_mismatch');
    });
    test(`${profile}: alg none -> algorithm_not_allowed or malformed`, () => {
      const token = jwt.sign(payload, null, { algorithm: 'none', ...opts });
      assert.equal(token.split('.')[2], '');
      expectInvalid(verifyArgs(token), ['algorithm_not_allowed', 'malformed']);
    });
  }

  test('pylon-jwt: expired -> expired', () => {
    const token = jwt.sign({ email: 'jane@example.com', name: 'Jane', aud: APP, iat: NOW - 700, exp: NOW - 100 }, SECRET, { algorithm: 'HS256' });
    assert.throws(() => jwtVerify(token, SECRET, { audience: APP }), /jwt expired/);
    expectInvalid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], 'expired');
  });

  test('pylon-jwt: another app\'s audience -> audience_mismatch', () => {
    const token = jwt.sign({ email: 'jane@example.com', aud: 'app_other', iat: NOW - 30, exp: NOW + 570 }, SECRET, { algorithm: 'HS256' });
    expectInvalid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], 'audience_mismatch');
  });

  test('pylon-jwt: lifetime over 15 minutes -> lifetime_too_long', () => {
    const token = jwt.sign({ email: 'jane@example.com', aud: APP, iat: NOW - 30, exp: NOW - 30 + 901 }, SECRET, { algorithm: 'HS256' });
    expectInvalid(['--profile', 'pylon-jwt', '--secret', SECRET, '--aud', APP, '--token', token, '--now', String(NOW)], 'lifetime_too_long');
  });

  test('helpshift-userhub: client sends another uid than the signed one -> identity_mismatch', () => {
    const token = jwt.sign({ iat: NOW - 60, identities: [{ identifier: 'uid', value: 'user-42' }] }, SECRET, { algorithm: 'HS256' });
    expectInvalid(['--profile', 'helpshift-userhub', '--secret', SECRET, '--uid', 'user-43', '--token', token, '--now', String(NOW)], 'identity_mismatch');
  });

  test('signet: a kid the CLI does not know -> key_unknown', () => {
    const token = jwt.sign(good.signet.payload, SECRET, { algorithm: 'HS256', keyid: 'k_someone_else' });
    expectInvalid(['--profile', 'signet', '--secret', SECRET, '--kid', KID, '--aud', APP, '--token', token, '--now', String(NOW)], 'key_unknown');
  });
});

// ------------------------------------------- 3b. HMAC digests: node:crypto as the vendors' Node samples

// Helpshift's Node sample: message = uid then email (whichever present), key = secret, base64.
function helpshiftLegacyDigest(secret, uid, email, fullPrivacy) {
  let message = '';
  if (uid !== null) message = message + uid;
  if (email !== null && !fullPrivacy) message = message + email;
  return createHmac('sha256', secret).update(message).digest('base64');
}
// Intercom: user_id if present, else email; hex.
const intercomDigest = (secret, uid, email) => createHmac('sha256', secret).update(uid !== null ? uid : email).digest('hex');
// akece's Node sample: createHmac('sha256', key).update(message).digest('hex').
const akeceDigest = (secret, identifier) => createHmac('sha256', secret).update(identifier).digest('hex');
// Pylon's Node sample: Buffer.from(secret, 'hex'), then hex.
const pylonHmacDigest = (secret, email) => createHmac('sha256', Buffer.from(secret, 'hex')).update(email).digest('hex');

function flagsFor(uid, email) {
  const a = [];
  if (uid !== null) a.push('--uid', uid);
  if (email !== null) a.push('--email', email);
  return a;
}

describe('HMAC digests: node:crypto (vendor samples) == signet sign, accepted by signet verify', () => {
  const pairs = [
    ['user-42', 'jane@example.com'],
    ['user-42', null],
    [null, 'jane@example.com'],
    ['ünïcode-ü 用户 😀', 'zoë@example.org'],
  ];

  for (const [uid, email] of pairs) {
    test(`helpshift-legacy: uid=${JSON.stringify(uid)} email=${JSON.stringify(email)}`, () => {
      const want = helpshiftLegacyDigest(SECRET, uid, email, false);
      assert.equal(want.length, 44);
      const args = ['--profile', 'helpshift-legacy', '--secret', SECRET, ...flagsFor(uid, email)];
      assert.equal(signetSign(args), want);
      const expected = [];
      if (uid !== null) expected.push({ type: 'uid', value: uid });
      if (email !== null) expected.push({ type: 'email', value: email });
      expectValid([...args, '--digest', want], expected);
      // A digest over another message is no fallback.
      if (uid !== null && email !== null) {
        expectInvalid([...args, '--digest', helpshiftLegacyDigest(SECRET, null, email, false)], 'signature_mismatch');
      }
    });
  }

  test('helpshift-legacy: full privacy signs the uid only', () => {
    const want = helpshiftLegacyDigest(SECRET, 'user-42', 'jane@example.com', true);
    assert.equal(want, createHmac('sha256', SECRET).update('user-42').digest('base64'));
    const args = ['--profile', 'helpshift-legacy', '--secret', SECRET, '--uid', 'user-42', '--email', 'jane@example.com', '--full-privacy'];
    assert.equal(signetSign(args), want);
    expectValid([...args, '--digest', want], ids(['uid', 'user-42']));
  });

  test('helpshift-legacy: "12"+"3a@b.co" and "123"+"a@b.co" share a digest, both accepted', () => {
    const a = helpshiftLegacyDigest(SECRET, '12', '3a@b.co', false);
    assert.equal(a, helpshiftLegacyDigest(SECRET, '123', 'a@b.co', false));
    assert.equal(signetSign(['--profile', 'helpshift-legacy', '--secret', SECRET, '--uid', '12', '--email', '3a@b.co']), a);
    expectValid(['--profile', 'helpshift-legacy', '--secret', SECRET, '--uid', '123', '--email', 'a@b.co', '--digest', a], ids(['uid', '123'], ['email', 'a@b.co']));
  });

  for (const [uid, email] of pairs) {
    test(`intercom: user_id=${JSON.stringify(uid)} email=${JSON.stringify(email)}`, () => {
      const want = intercomDigest(SECRET, uid, email);
      const args = ['--profile', 'intercom', '--secret', SECRET, ...flagsFor(uid, email)];
      assert.equal(signetSign(args), want);
      const covered = uid !== null ? ids(['uid', uid]) : ids(['email', email]);
      expectValid([...args, '--digest', want], covered);
      expectValid([...args, '--digest', want.toUpperCase()], covered);
      if (uid !== null && email !== null) {
        // With both, a digest over the email is a signature_mismatch, never a fallback.
        expectInvalid([...args, '--digest', intercomDigest(SECRET, null, email)], 'signature_mismatch');
      }
    });
  }

  for (const identifier of ['user-42', 'jane@example.com', 'ünïcode-ü 用户 😀']) {
    test(`akece: identifier=${JSON.stringify(identifier)}`, () => {
      const want = akeceDigest(SECRET, identifier);
      const args = ['--profile', 'akece', '--secret', SECRET, '--uid', identifier];
      assert.equal(signetSign(args), want);
      expectValid([...args, '--digest', want], ids(['uid', identifier]));
      expectValid([...args, '--digest', want.toUpperCase()], ids(['uid', identifier]));
      expectInvalid([...args, '--digest', akeceDigest(OTHER_SECRET, identifier)], 'signature_mismatch');
    });
  }

  for (const email of ['jane@example.com', 'Jane.Doe+support@Example.com', 'zoë@example.org']) {
    test(`pylon-hmac: email=${JSON.stringify(email)}`, () => {
      const want = pylonHmacDigest(HEX_SECRET, email);
      const args = ['--profile', 'pylon-hmac', '--secret', HEX_SECRET, '--email', email];
      assert.equal(signetSign(args), want);
      expectValid([...args, '--digest', want], ids(['email', email]));
      expectValid([...args, '--digest', want.toUpperCase()], ids(['email', email]));
      // The secret used as text instead of hex-decoded is a mismatch.
      const asText = createHmac('sha256', HEX_SECRET).update(email).digest('hex');
      assert.notEqual(asText, want);
      expectInvalid([...args, '--digest', asText], 'signature_mismatch');
    });
  }

  test('pylon-hmac: a secret that is not hex is refused (usage error, exit 2)', () => {
    const r = run(['verify', '--profile', 'pylon-hmac', '--secret', SECRET, '--email', 'jane@example.com', '--digest', pylonHmacDigest(HEX_SECRET, 'jane@example.com'), '--json']);
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stdout}${r.stderr}`);
  });
});

// ------------------------------------------- 4. the known-answer vectors

function loadVectors() {
  if (!fs.existsSync(VECTORS)) {
    throw new Error(`no vectors folder at ${VECTORS}: set SIGNET_VECTORS`);
  }
  return fs.readdirSync(VECTORS).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(VECTORS, f), 'utf8')) }));
}

function requestFlags(request = {}) {
  const a = [];
  if (request.uid != null) a.push('--uid', request.uid);
  if (request.user_id != null) a.push('--uid', request.user_id);
  if (request.email != null) a.push('--email', request.email);
  for (const [k, v] of Object.entries(request)) {
    if (!['uid', 'user_id', 'email'].includes(k) && v != null) a.push('--identity', `${k}=${v}`);
  }
  return a;
}

const vectorFiles = loadVectors();

test('vectors: the folder holds JWT vectors', () => {
  const jwtFiles = vectorFiles.filter((v) => JWT_PROFILES.includes(v.scheme));
  assert.ok(jwtFiles.length >= 2, `found ${jwtFiles.map((v) => v.file)}`);
  assert.ok(jwtFiles.every((v) => v.cases.length > 0));
});

describe('vectors: jsonwebtoken and signet agree', () => {
  for (const v of vectorFiles.filter((x) => JWT_PROFILES.includes(x.scheme))) {
    for (const c of v.cases) {
      test(`${v.scheme}: ${c.name}`, () => {
        const secret = c.secret ?? v.secret;
        const now = c.now ?? v.now;
        const appId = c.app_id ?? v.app_id;
        const needsAud = v.scheme === 'pylon-jwt' || v.scheme === 'signet';
        assert.equal(typeof now, 'number', 'a JWT vector has a now');
        const jwtOpts = { algorithms: ['HS256'], clockTimestamp: now, complete: true };
        if (needsAud) jwtOpts.audience = appId;
        if (c.valid) {
          const { payload } = jwt.verify(c.token, secret, jwtOpts);
          if (c.identities) {
            const got = v.scheme === 'pylon-jwt' ? [['email', payload.email]] : payload.identities.map((i) => [i.identifier, i.value]);
            assert.deepEqual(got, c.identities, 'identities in the payload');
          }
        } else if ((c.reason || []).includes('signature_mismatch')) {
          assert.throws(() => jwt.verify(c.token, secret, jwtOpts), /invalid signature/);
        }
        // And signet's verdict on the same vector.
        const args = ['--profile', v.scheme, '--secret', secret, ...requestFlags(c.request), '--token', c.token, '--now', String(now)];
        if (needsAud) args.push('--aud', appId);
        if (v.scheme === 'signet' && (c.kid ?? v.kid)) args.push('--kid', c.kid ?? v.kid);
        if (c.valid) {
          expectValid(args, c.identities ? c.identities.map(([type, value]) => ({ type, value })) : undefined);
        } else {
          expectInvalid(args, c.reason);
        }
      });
    }
  }
});

describe('vectors: node:crypto reproduces the HMAC digests', () => {
  const compute = {
    'helpshift-legacy': (s, c) => helpshiftLegacyDigest(s, c.uid ?? null, c.email ?? null, !!c.full_privacy),
    intercom: (s, c) => intercomDigest(s, c.uid ?? null, c.email ?? null),
    akece: (s, c) => akeceDigest(s, c.identifier),
    'pylon-hmac': (s, c) => pylonHmacDigest(s, c.email),
  };
  for (const v of vectorFiles.filter((x) => compute[x.scheme])) {
    for (const c of v.cases.filter((x) => x.valid)) {
      test(`${v.scheme}: ${c.name}`, () => {
        const secret = c.secret ?? v.secret;
        const got = compute[v.scheme](secret, c);
        if (v.scheme === 'helpshift-legacy') assert.equal(got, c.digest);
        else assert.equal(got, c.digest.toLowerCase());
      });
    }
  }
});
