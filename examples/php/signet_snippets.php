<?php
// Signing snippets for a brand's PHP backend: one function per Signet profile.
// Each returns what your login handler hands to the SDK or web widget: a
// user_hash (HMAC profiles) or an identity_token (JWT profiles). PHP 8
// standard library only (hash, json); the JWTs come from the small HS256
// encoder at the bottom (firebase/php-jwt's JWT::encode($claims, $secret,
// 'HS256') gives tokens Signet accepts too).
//
// Sign on your server only: the secret must never reach an app or a web page.
// Read it from your secret store or environment, and never log it (nor a
// digest or token next to the identity it signs). If you ever compare a digest
// yourself, use hash_equals(), never == or ===.
//
// In a login handler:
//   $userHash = intercom_user_hash(getenv('SIGNET_SECRET'), (string) $user->id, $user->email);
//   $identityToken = signet_identity_token(getenv('SIGNET_SECRET'), getenv('SIGNET_KEY_ID'), SIGNET_APP_ID,
//       [['identifier' => 'uid', 'value' => (string) $user->id]]);

declare(strict_types=1);

const SIGNET_NO_IDENTIFIER = 'no identifier to sign: log the user in anonymously, without a user_hash';

/**
 * helpshift-legacy: HMAC-SHA256 with the secret as UTF-8, over the user id
 * followed by the email (whichever are present, no separator), in padded
 * standard BASE64.
 *
 * Pitfalls: base64 of the raw digest (hash_hmac(..., true)), not of the hex
 * string. With the app's "full privacy" flag, sign the user id only and leave
 * the email out. "12" + "3a@b.co" and "123" + "a@b.co" sign the same message:
 * keep user ids in a shape that cannot run into an email (the app's
 * user_id_pattern), or move to the signet profile.
 */
function helpshift_legacy_user_hash(string $secret, ?string $userId, ?string $email, bool $fullPrivacy = false): string
{
    $message = $fullPrivacy ? (string) $userId : $userId . $email;
    if ($message === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return base64_encode(hash_hmac('sha256', $message, $secret, true));
}

/**
 * intercom: HEX HMAC-SHA256 with the platform's secret as UTF-8, over the
 * user_id if there is one, else the email.
 *
 * Pitfalls: with both user_id and email sent, a hash of the email fails. iOS,
 * Android and web have one secret each (one Signet app each): sign with the
 * secret of the platform that sends the hash.
 */
function intercom_user_hash(string $platformSecret, ?string $userId, ?string $email): string
{
    $message = ($userId ?? '') !== '' ? $userId : (string) $email;
    if ($message === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $message, $platformSecret);
}

/**
 * akece: HEX HMAC-SHA256 with the inbox's validation token as UTF-8, over the
 * identifier (sent to Signet as user_id). Note hash_hmac's order: data, then key.
 */
function akece_identifier_hash(string $inboxToken, string $identifier): string
{
    if ($identifier === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $identifier, $inboxToken);
}

/**
 * pylon-hmac: HEX HMAC-SHA256 over the email, keyed with the HEX-DECODED secret.
 *
 * Pitfalls: used as text, the secret gives a hash Signet refuses (the doctor
 * says secret_encoding). hex2bin() only warns on bad input, hence the check.
 * Pylon's JWT secret, on the contrary, is used as text.
 */
function pylon_email_hash(string $hexSecret, string $email): string
{
    if ($hexSecret === '' || strlen($hexSecret) % 2 !== 0 || !ctype_xdigit($hexSecret)) {
        throw new InvalidArgumentException('the pylon-hmac secret must be hex, as Signet or Pylon showed it'); // never echo it
    }
    if ($email === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $email, hex2bin($hexSecret));
}

/**
 * helpscout: Help Scout Beacon's signature: HEX HMAC-SHA256 with the Beacon's
 * secret key as UTF-8, over the email. Note hash_hmac's order: data, then key.
 *
 * Pitfall: hex (hash_hmac's default). Help Scout's Python sample base64-encodes,
 * which Signet refuses as malformed (the doctor says wrong_encoding).
 */
function help_scout_signature(string $secretKey, string $email): string
{
    if ($email === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $email, $secretKey);
}

/**
 * front: Front Chat's userHash: HEX HMAC-SHA256 with the verification secret as
 * UTF-8, over the user id when you send one, else the email.
 *
 * Pitfall: Front signs the user id when you send one; with both sent, a hash of
 * the email fails, and only the signed one is verified.
 */
function front_user_hash(string $verificationSecret, ?string $userId, ?string $email): string
{
    $message = ($userId ?? '') !== '' ? $userId : ($email ?? '');
    if ($message === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $message, $verificationSecret);
}

/**
 * plain: Plain's emailHash: HEX HMAC-SHA256 with the chat secret as UTF-8 (not
 * hex-decoded, unlike pylon-hmac's), over the email exactly as sent.
 */
function plain_email_hash(string $secret, string $email): string
{
    if ($email === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $email, $secret);
}

/**
 * gleap: Gleap's userHash (Gleap.identify's third argument): HEX HMAC-SHA256
 * with the identity verification secret as UTF-8, over the user id as a string.
 *
 * Pitfall: a numeric id is signed as its decimal text, (string) $user->id.
 */
function gleap_user_hash(string $secret, string $userId): string
{
    if ($userId === '') {
        throw new InvalidArgumentException(SIGNET_NO_IDENTIFIER);
    }
    return hash_hmac('sha256', $userId, $secret);
}

/**
 * helpshift-userhub: HS256 JWT with the secret as UTF-8; claims {iat, identities}.
 * $identities: [['identifier' => 'uid' | 'email' | 'phone_number' | 'steam_id' | …,
 * 'value' => …, 'metadata' => [...]]], a uid and/or an email required.
 *
 * Pitfalls: iat in SECONDS (time(), not milliseconds); a token older than 24
 * hours is refused, so sign one per login and never cache it longer.
 */
function helpshift_userhub_token(string $secret, array $identities, ?int $issuedAt = null): string
{
    if (!signet_has_uid_or_email($identities)) {
        throw new InvalidArgumentException('a helpshift-userhub token signs a uid, an email or both');
    }
    return signet_hs256_jwt(['iat' => $issuedAt ?? time(), 'identities' => signet_identities_claim($identities)], $secret);
}

/**
 * pylon-jwt: HS256 JWT with the secret AS DISPLAYED (text, not hex-decoded);
 * claims {email, name, aud, iat, exp} and the optional ids (account_id,
 * account_external_id, contact_id, contact_external_id), which the widget
 * must send with the same values.
 *
 * Pitfalls: aud is the app id (the Signet app's, where Pylon had its widget's);
 * exp at most 15 minutes after iat (10 by default).
 */
function pylon_chat_widget_token(string $secret, string $appId, string $email, ?string $name = null, array $ids = [],
    ?int $issuedAt = null, int $lifetimeSeconds = 600): string
{
    if ($email === '' || $appId === '') {
        throw new InvalidArgumentException('a pylon-jwt token signs an email, with the app id as its audience');
    }
    if ($lifetimeSeconds > 900) {
        throw new InvalidArgumentException('a pylon-jwt token lives at most 15 minutes');
    }
    $iat = $issuedAt ?? time();
    $claims = ['email' => $email];
    if (($name ?? '') !== '') {
        $claims['name'] = $name;
    }
    $claims += ['aud' => $appId, 'iat' => $iat, 'exp' => $iat + $lifetimeSeconds];
    foreach (['account_id', 'account_external_id', 'contact_id', 'contact_external_id'] as $k) {
        if (($ids[$k] ?? '') !== '') {
            $claims[$k] = $ids[$k];
        }
    }
    return signet_hs256_jwt($claims, $secret);
}

/**
 * signet: HS256 JWT whose kid header names the key; claims {aud, iat, exp,
 * name, identities} (identities as for helpshift-userhub).
 *
 * Pitfalls: $keyId is the id Signet showed with the secret (it is what makes
 * rotation possible); aud is the Signet app id; exp - iat may not exceed the
 * app's maximum lifetime (1 hour unless configured).
 */
function signet_identity_token(string $secret, string $keyId, string $appId, array $identities, ?string $name = null,
    ?int $issuedAt = null, int $lifetimeSeconds = 600): string
{
    if ($keyId === '' || $appId === '' || !signet_has_uid_or_email($identities)) {
        throw new InvalidArgumentException('a signet token names its key id and app id, and signs a uid, an email or both');
    }
    $iat = $issuedAt ?? time();
    $claims = ['aud' => $appId, 'iat' => $iat, 'exp' => $iat + $lifetimeSeconds];
    if (($name ?? '') !== '') {
        $claims['name'] = $name;
    }
    $claims['identities'] = signet_identities_claim($identities);
    return signet_hs256_jwt($claims, $secret, $keyId);
}

/**
 * signet with a key pair: the same claims, signed ES256 with your P-256
 * private key (PEM); Signet holds only the public key, whose id is the kid.
 *
 * Pitfalls: openssl_sign writes ECDSA as DER; a JWS wants r||s, 32 bytes
 * each (signet_es256_signature converts); keep the private key on your server.
 */
function signet_identity_token_es256(string $privateKeyPem, string $keyId, string $appId, array $identities,
    ?string $name = null, ?int $issuedAt = null, int $lifetimeSeconds = 600): string
{
    if ($keyId === '' || $appId === '' || !signet_has_uid_or_email($identities)) {
        throw new InvalidArgumentException('a signet token names its key id and app id, and signs a uid, an email or both');
    }
    $key = openssl_pkey_get_private($privateKeyPem);
    $details = $key === false ? false : openssl_pkey_get_details($key);
    if ($details === false || ($details['ec']['curve_name'] ?? '') !== 'prime256v1') {
        throw new InvalidArgumentException('an ES256 key is a P-256 private key');
    }
    $iat = $issuedAt ?? time();
    $claims = ['aud' => $appId, 'iat' => $iat, 'exp' => $iat + $lifetimeSeconds];
    if (($name ?? '') !== '') {
        $claims['name'] = $name;
    }
    $claims['identities'] = signet_identities_claim($identities);
    $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
    $header = ['alg' => 'ES256', 'typ' => 'JWT', 'kid' => $keyId];
    $signingInput = signet_base64url(json_encode($header, $flags)) . '.' . signet_base64url(json_encode($claims, $flags));
    if (!openssl_sign($signingInput, $der, $key, OPENSSL_ALGO_SHA256)) {
        throw new RuntimeException('openssl_sign failed');
    }
    return $signingInput . '.' . signet_base64url(signet_es256_signature($der));
}

// signet_es256_signature turns a DER ECDSA signature (SEQUENCE of two
// INTEGERs) into JWS's r||s, each left-padded to 32 bytes.
function signet_es256_signature(string $der): string
{
    $pos = 2; // SEQUENCE tag and length (a P-256 signature is under 128 bytes)
    $out = '';
    for ($i = 0; $i < 2; $i++) {
        $len = ord($der[$pos + 1]);
        $int = ltrim(substr($der, $pos + 2, $len), "\0");
        $out .= str_pad($int, 32, "\0", STR_PAD_LEFT);
        $pos += 2 + $len;
    }
    return $out;
}

/**
 * kustomer: HS256 JWT with the secret as UTF-8; claims {externalId, email, iat},
 * an externalId and/or an email (Kustomer.login's jwtToken; Signet's widget
 * takes it as identityToken).
 *
 * Pitfalls: iat in seconds, at most 15 minutes old: sign a token when the chat
 * opens, not once per session. externalId is a string ((string) $user->id).
 * When the token signs an email, the user is the email: the externalId is then
 * not verified.
 */
function kustomer_token(string $secret, ?string $externalId = null, ?string $email = null, ?int $issuedAt = null): string
{
    if (($externalId ?? '') === '' && ($email ?? '') === '') {
        throw new InvalidArgumentException('a kustomer token signs an externalId, an email or both');
    }
    $claims = [];
    if (($externalId ?? '') !== '') {
        $claims['externalId'] = $externalId;
    }
    if (($email ?? '') !== '') {
        $claims['email'] = $email;
    }
    $claims['iat'] = $issuedAt ?? time();
    return signet_hs256_jwt($claims, $secret);
}

/**
 * freshdesk-widget: HS256 JWT with the secret as UTF-8; claims {name, email,
 * exp}, the email required (what the help widget's authenticate callback
 * returned). The token has no iat.
 *
 * Pitfalls: exp in seconds, in the future and at most 2 hours ahead of now (10
 * minutes by default).
 */
function freshdesk_widget_token(string $secret, string $email, ?string $name = null, ?int $now = null,
    int $lifetimeSeconds = 600): string
{
    if ($email === '') {
        throw new InvalidArgumentException('a freshdesk-widget token signs an email');
    }
    if ($lifetimeSeconds <= 0 || $lifetimeSeconds > 7200) {
        throw new InvalidArgumentException('a freshdesk-widget token expires in the future, within 2 hours');
    }
    $claims = [];
    if (($name ?? '') !== '') {
        $claims['name'] = $name;
    }
    $claims['email'] = $email;
    $claims['exp'] = ($now ?? time()) + $lifetimeSeconds;
    return signet_hs256_jwt($claims, $secret);
}

/**
 * intercom-jwt: Intercom's Messenger JWT (intercom_user_jwt), HS256 with the
 * platform's secret as UTF-8; claims {user_id, email, iat, exp}.
 *
 * Pitfalls: user_id is a STRING ((string) $user->id: a number is refused);
 * iOS, Android and web have one secret each, as for the user_hash; exp is
 * optional and honoured (an hour is usual).
 */
function intercom_messenger_token(string $platformSecret, string $userId, ?string $email = null, ?int $issuedAt = null,
    ?int $lifetimeSeconds = null): string
{
    if ($userId === '') {
        throw new InvalidArgumentException('an intercom-jwt token signs a user_id, as a string');
    }
    $claims = ['user_id' => $userId];
    if (($email ?? '') !== '') {
        $claims['email'] = $email;
    }
    $claims['iat'] = $issuedAt ?? time();
    if ($lifetimeSeconds !== null) {
        $claims['exp'] = $claims['iat'] + $lifetimeSeconds;
    }
    return signet_hs256_jwt($claims, $platformSecret);
}

/**
 * zendesk-messaging: Zendesk messaging's JWT, HS256 with the secret as UTF-8
 * and a kid header (the key id Zendesk showed with the secret, app_...);
 * claims {scope: "user", external_id, name, email, email_verified, iat, exp}.
 *
 * Pitfalls: external_id is a STRING of at most 255 characters (a number is
 * refused, the 401 Zendesk users meet most); scope "user" is required; pass
 * the email only once your app has verified it: it is signed with
 * email_verified: true, and without that an email is no identity.
 */
function zendesk_messaging_token(string $secret, string $keyId, string $externalId, ?string $name = null,
    ?string $email = null, ?int $issuedAt = null, ?int $lifetimeSeconds = null): string
{
    if ($keyId === '') {
        throw new InvalidArgumentException('a zendesk-messaging token names its key id (app_...) in the kid header');
    }
    if ($externalId === '') {
        throw new InvalidArgumentException('a zendesk-messaging token signs an external_id, as a string');
    }
    if (preg_match_all('/./su', $externalId) > 255) { // characters, not bytes (no mbstring needed)
        throw new InvalidArgumentException('a zendesk-messaging external_id is at most 255 characters');
    }
    $claims = ['scope' => 'user', 'external_id' => $externalId];
    if (($name ?? '') !== '') {
        $claims['name'] = $name;
    }
    if (($email ?? '') !== '') {
        $claims['email'] = $email;
        $claims['email_verified'] = true;
    }
    $claims['iat'] = $issuedAt ?? time();
    if ($lifetimeSeconds !== null) {
        $claims['exp'] = $claims['iat'] + $lifetimeSeconds;
    }
    return signet_hs256_jwt($claims, $secret, $keyId);
}

/**
 * drift: Drift's identity JWT (drift.identify's userJwt), HS256 with the
 * secret as UTF-8; claims {sub: the user id, iat, exp}.
 *
 * Pitfalls: sub is a STRING ((string) $user->id); it is the user id you pass
 * to drift.identify, and the only identity the token signs.
 */
function drift_user_token(string $secret, string $userId, ?int $issuedAt = null, ?int $lifetimeSeconds = null): string
{
    if ($userId === '') {
        throw new InvalidArgumentException('a drift token signs sub, the user id, as a string');
    }
    $claims = ['sub' => $userId, 'iat' => $issuedAt ?? time()];
    if ($lifetimeSeconds !== null) {
        $claims['exp'] = $claims['iat'] + $lifetimeSeconds;
    }
    return signet_hs256_jwt($claims, $secret);
}

function signet_has_uid_or_email(array $identities): bool
{
    foreach ($identities as $id) {
        if (in_array($id['identifier'] ?? null, ['uid', 'email'], true) && ($id['value'] ?? '') !== '') {
            return true;
        }
    }
    return false;
}

// Metadata must encode as a JSON object even when empty or keyed "0", "1"…:
// a PHP array would become [] or a list.
function signet_identities_claim(array $identities): array
{
    return array_map(function (array $id): array {
        $claim = ['identifier' => $id['identifier'], 'value' => $id['value']];
        if (!empty($id['metadata'])) {
            $claim['metadata'] = (object) $id['metadata'];
        }
        return $claim;
    }, array_values($identities));
}

// A compact HS256 JWS: base64url (no padding) of compact JSON, members in the
// order given, HMAC-SHA256 keyed with the secret as UTF-8. The flags keep
// UTF-8 and "/" as they are, as other languages' encoders do.
function signet_hs256_jwt(array $claims, string $secret, ?string $keyId = null): string
{
    $header = ['alg' => 'HS256', 'typ' => 'JWT'];
    if ($keyId !== null) {
        $header['kid'] = $keyId;
    }
    $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;
    $signingInput = signet_base64url(json_encode($header, $flags)) . '.' . signet_base64url(json_encode($claims, $flags));
    return $signingInput . '.' . signet_base64url(hash_hmac('sha256', $signingInput, $secret, true));
}

function signet_base64url(string $bytes): string
{
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}
