// The harness examples/snippets_test.go drives: one JSON request per line on
// stdin (see ../README.md), one line out for each: the digest or token the
// snippet makes, or "error: " and why it refused.
//
//   echo '{"profile":"intercom","secret":"…","uid":"user-42"}' | node harness.js
'use strict';

const s = require('./snippets');

function identitiesOf(r) {
  if (r.identities) return r.identities;
  const ids = [];
  if (r.uid) ids.push({ identifier: 'uid', value: r.uid });
  if (r.email) ids.push({ identifier: 'email', value: r.email });
  return ids;
}


function run(r) {
  const when = {};
  if (r.iat) when.issuedAt = r.iat;
  if (r.iat && r.exp) when.lifetimeSeconds = r.exp - r.iat;
  switch (r.profile) {
    case 'helpshift-legacy':
      return s.helpshiftLegacyUserHash(r.secret, { userId: r.uid, email: r.email, fullPrivacy: r.full_privacy });
    case 'intercom':
      return s.intercomUserHash(r.secret, { userId: r.uid, email: r.email });
    case 'akece':
      return s.akeceIdentifierHash(r.secret, r.identifier || r.uid);
    case 'pylon-hmac':
      return s.pylonEmailHash(r.secret, r.email);
    case 'helpscout':
      return s.helpScoutSignature(r.secret, r.email);
    case 'front':
      return s.frontUserHash(r.secret, { userId: r.uid, email: r.email });
    case 'plain':
      return s.plainEmailHash(r.secret, r.email);
    case 'gleap':
      return s.gleapUserHash(r.secret, r.uid);
    case 'helpshift-userhub':
      return s.helpshiftUserHubToken(r.secret, identitiesOf(r), when);
    case 'pylon-jwt':
      return s.pylonChatWidgetToken(r.secret, r.app_id, { email: r.email, name: r.name, ...(r.attributes || {}) }, when);
    case 'signet':
      if (r.private_key) {
        return s.signetIdentityTokenES256(r.private_key, { keyId: r.kid, appId: r.app_id, identities: identitiesOf(r), name: r.name }, when);
      }
      return s.signetIdentityToken(r.secret, { keyId: r.kid, appId: r.app_id, identities: identitiesOf(r), name: r.name }, when);
    case 'kustomer':
      return s.kustomerToken(r.secret, { externalId: r.uid, email: r.email }, when);
    case 'freshdesk-widget':
      return s.freshdeskWidgetToken(r.secret, { name: r.name, email: r.email }, when);
    case 'intercom-jwt':
      return s.intercomMessengerToken(r.secret, { userId: r.uid, email: r.email }, when);
    case 'zendesk-messaging':
      return s.zendeskMessagingToken(r.secret, r.kid, { externalId: r.uid, name: r.name, email: r.email }, when);
    case 'drift':
      return s.driftUserToken(r.secret, r.uid, when);
    default:
      throw new Error('unknown profile');
  }
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const out = [];
  for (const line of input.split('\n')) {
    if (!line.trim()) continue;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      out.push('error: the request is not JSON'); // the parser's message would quote the line, secret and all
      continue;
    }
    try {
      out.push(run(r));
    } catch (e) {
      out.push('error: ' + e.message.split('\n')[0]);
    }
  }
  process.stdout.write(out.map((l) => l + '\n').join(''));
});
