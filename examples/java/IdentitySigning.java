import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing snippets for a brand's Java backend: one method per Signet profile. Each returns what
 * your login handler hands to the SDK or web widget: a user_hash (HMAC profiles) or an
 * identity_token (JWT profiles). Java 17 standard library only: the JWTs come from the small
 * HS256 encoder at the bottom.
 *
 * <p>Sign on your server only: the secret must never reach an app or a web page. Read it from
 * your secret store or environment, and never log it (nor a digest or token next to the identity
 * it signs). If you ever compare a digest yourself, use {@link java.security.MessageDigest#isEqual}
 * on the decoded bytes, never equals().
 *
 * <p>In a login handler:
 *
 * <pre>{@code
 * String userHash = IdentitySigning.intercomUserHash(System.getenv("SIGNET_SECRET"), user.id(), user.email());
 * String identityToken = IdentitySigning.signetIdentityToken(System.getenv("SIGNET_SECRET"),
 *     System.getenv("SIGNET_KEY_ID"), SIGNET_APP_ID, List.of(new IdentitySigning.Identity("uid", user.id())), null);
 * }</pre>
 *
 * <p>Copy the class into your own package. Always name the charset: Helpshift's old sample
 * called getBytes() without one, which breaks non-ASCII identities on a server whose default
 * charset is not UTF-8.
 */
public final class IdentitySigning {
    private IdentitySigning() {}

    private static final String NO_IDENTIFIER =
            "no identifier to sign: log the user in anonymously, without a user_hash";

    /** One entry of the identities claim: uid, email, phone_number, steam_id… with metadata. */
    public record Identity(String identifier, String value, Map<String, String> metadata) {
        public Identity(String identifier, String value) {
            this(identifier, value, Map.of());
        }
    }

    /**
     * helpshift-legacy: HMAC-SHA256 with the secret as UTF-8, over the user id followed by the
     * email (whichever are present, no separator), in padded standard BASE64.
     *
     * <p>Pitfalls: base64, not hex (and java.util.Base64, not the removed javax.xml.bind). With the
     * app's "full privacy" flag, sign the user id only and leave the email out. "12" + "3a@b.co"
     * and "123" + "a@b.co" sign the same message: keep user ids in a shape that cannot run into an
     * email (the app's user_id_pattern), or move to the signet profile.
     */
    public static String helpshiftLegacyUserHash(String secret, String userId, String email, boolean fullPrivacy) {
        String message = orEmpty(userId) + (fullPrivacy ? "" : orEmpty(email));
        if (message.isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return Base64.getEncoder().encodeToString(hmacSha256(utf8(secret), message));
    }

    /**
     * intercom: HEX HMAC-SHA256 with the platform's secret as UTF-8, over the user_id if there is
     * one, else the email.
     *
     * <p>Pitfalls: with both user_id and email sent, a hash of the email fails. iOS, Android and
     * web have one secret each (one Signet app each): sign with the secret of the platform that
     * sends the hash.
     */
    public static String intercomUserHash(String platformSecret, String userId, String email) {
        String message = orEmpty(userId).isEmpty() ? orEmpty(email) : userId;
        if (message.isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(utf8(platformSecret), message));
    }

    /**
     * akece: HEX HMAC-SHA256 with the inbox's validation token as UTF-8, over the identifier (sent
     * to Signet as user_id).
     */
    public static String akeceIdentifierHash(String inboxToken, String identifier) {
        if (orEmpty(identifier).isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(utf8(inboxToken), identifier));
    }

    /**
     * pylon-hmac: HEX HMAC-SHA256 over the email, keyed with the HEX-DECODED secret.
     *
     * <p>Pitfall: used as text, the secret gives a hash Signet refuses (the doctor says
     * secret_encoding). Pylon's JWT secret, on the contrary, is used as text.
     */
    public static String pylonEmailHash(String hexSecret, String email) {
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hexSecret);
        } catch (IllegalArgumentException e) { // its message would quote the secret
            key = new byte[0];
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the pylon-hmac secret must be hex, as Signet or Pylon showed it");
        }
        if (orEmpty(email).isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(key, email));
    }

    /**
     * helpscout: Help Scout Beacon's signature: HEX HMAC-SHA256 with the Beacon's secret key as
     * UTF-8, over the email.
     *
     * <p>Pitfall: hex. Help Scout's Python sample base64-encodes, which Signet refuses as malformed
     * (the doctor says wrong_encoding).
     */
    public static String helpScoutSignature(String secretKey, String email) {
        if (orEmpty(email).isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(utf8(secretKey), email));
    }

    /**
     * front: Front Chat's userHash: HEX HMAC-SHA256 with the verification secret as UTF-8, over
     * the user id when you send one, else the email.
     *
     * <p>Pitfall: Front signs the user id when you send one; with both sent, a hash of the email
     * fails, and only the signed one is verified.
     */
    public static String frontUserHash(String verificationSecret, String userId, String email) {
        String message = orEmpty(userId).isEmpty() ? orEmpty(email) : userId;
        if (message.isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(utf8(verificationSecret), message));
    }

    /**
     * plain: Plain's emailHash: HEX HMAC-SHA256 with the chat secret as UTF-8 (not hex-decoded,
     * unlike pylon-hmac's), over the email exactly as sent.
     */
    public static String plainEmailHash(String secret, String email) {
        if (orEmpty(email).isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(utf8(secret), email));
    }

    /**
     * gleap: Gleap's userHash (Gleap.identify's third argument): HEX HMAC-SHA256 with the identity
     * verification secret as UTF-8, over the user id as a string.
     *
     * <p>Pitfall: a numeric id is signed as its decimal text, String.valueOf(user.id()).
     */
    public static String gleapUserHash(String secret, String userId) {
        if (orEmpty(userId).isEmpty()) throw new IllegalArgumentException(NO_IDENTIFIER);
        return HexFormat.of().formatHex(hmacSha256(utf8(secret), userId));
    }

    /** helpshift-userhub, issued now. */
    public static String helpshiftUserHubToken(String secret, List<Identity> identities) {
        return helpshiftUserHubToken(secret, identities, Instant.now().getEpochSecond());
    }

    /**
     * helpshift-userhub: HS256 JWT with the secret as UTF-8; claims {iat, identities}, a uid and/or
     * an email required.
     *
     * <p>Pitfalls: iat in SECONDS (Instant.getEpochSecond(), not currentTimeMillis()); a token
     * older than 24 hours is refused, so sign one per login and never cache it longer.
     */
    public static String helpshiftUserHubToken(String secret, List<Identity> identities, long issuedAt) {
        if (!hasUidOrEmail(identities)) {
            throw new IllegalArgumentException("a helpshift-userhub token signs a uid, an email or both");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", issuedAt);
        claims.put("identities", identities);
        return hs256Jwt(claims, secret, null);
    }

    private static final List<String> PYLON_IDS =
            List.of("account_id", "account_external_id", "contact_id", "contact_external_id");

    /** pylon-jwt, issued now, for 10 minutes. */
    public static String pylonChatWidgetToken(
            String secret, String appId, String email, String name, Map<String, String> ids) {
        return pylonChatWidgetToken(secret, appId, email, name, ids, Instant.now().getEpochSecond(), 600);
    }

    /**
     * pylon-jwt: HS256 JWT with the secret AS DISPLAYED (text, not hex-decoded); claims {email,
     * name, aud, iat, exp} and the optional ids (account_id, account_external_id, contact_id,
     * contact_external_id), which the widget must send with the same values.
     *
     * <p>Pitfalls: aud is the app id (the Signet app's, where Pylon had its widget's); exp at
     * most 15 minutes after iat.
     */
    public static String pylonChatWidgetToken(String secret, String appId, String email, String name,
            Map<String, String> ids, long issuedAt, long lifetimeSeconds) {
        if (orEmpty(email).isEmpty() || orEmpty(appId).isEmpty()) {
            throw new IllegalArgumentException("a pylon-jwt token signs an email, with the app id as its audience");
        }
        if (lifetimeSeconds > 900) throw new IllegalArgumentException("a pylon-jwt token lives at most 15 minutes");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("email", email);
        if (!orEmpty(name).isEmpty()) claims.put("name", name);
        claims.put("aud", appId);
        claims.put("iat", issuedAt);
        claims.put("exp", issuedAt + lifetimeSeconds);
        for (String k : PYLON_IDS) {
            if (ids != null && !orEmpty(ids.get(k)).isEmpty()) claims.put(k, ids.get(k));
        }
        return hs256Jwt(claims, secret, null);
    }

    /** signet, issued now, for 10 minutes. */
    public static String signetIdentityToken(
            String secret, String keyId, String appId, List<Identity> identities, String name) {
        return signetIdentityToken(secret, keyId, appId, identities, name, Instant.now().getEpochSecond(), 600);
    }

    /**
     * signet: HS256 JWT whose kid header names the key; claims {aud, iat, exp, name, identities}.
     *
     * <p>Pitfalls: keyId is the id Signet showed with the secret (it is what makes rotation
     * possible); aud is the Signet app id; exp − iat may not exceed the app's maximum lifetime (1
     * hour unless configured).
     */
    public static String signetIdentityToken(String secret, String keyId, String appId, List<Identity> identities,
            String name, long issuedAt, long lifetimeSeconds) {
        if (orEmpty(keyId).isEmpty() || orEmpty(appId).isEmpty() || !hasUidOrEmail(identities)) {
            throw new IllegalArgumentException(
                    "a signet token names its key id and app id, and signs a uid, an email or both");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", appId);
        claims.put("iat", issuedAt);
        claims.put("exp", issuedAt + lifetimeSeconds);
        if (!orEmpty(name).isEmpty()) claims.put("name", name);
        claims.put("identities", identities);
        return hs256Jwt(claims, secret, keyId);
    }

    /**
     * signet with a key pair: the same claims, signed ES256 with your P-256 private key (PKCS #8
     * PEM, "-----BEGIN PRIVATE KEY-----"); Signet holds only the public key, whose id is the kid.
     *
     * <p>Pitfalls: a JWS ES256 signature is r||s, 64 bytes: "SHA256withECDSAinP1363Format" writes
     * it (plain "SHA256withECDSA" writes DER, which Signet refuses); keep the private key on your
     * server.
     */
    public static String signetIdentityTokenES256(String privateKeyPem, String keyId, String appId,
            List<Identity> identities, String name, long issuedAt, long lifetimeSeconds) {
        if (orEmpty(keyId).isEmpty() || orEmpty(appId).isEmpty() || !hasUidOrEmail(identities)) {
            throw new IllegalArgumentException(
                    "a signet token names its key id and app id, and signs a uid, an email or both");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", appId);
        claims.put("iat", issuedAt);
        claims.put("exp", issuedAt + lifetimeSeconds);
        if (!orEmpty(name).isEmpty()) claims.put("name", name);
        claims.put("identities", identities);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        header.put("typ", "JWT");
        header.put("kid", keyId);
        Base64.Encoder b64url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64url.encodeToString(utf8(json(header))) + "." + b64url.encodeToString(utf8(json(claims)));
        try {
            String base64 = privateKeyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key);
            signer.update(utf8(signingInput));
            return signingInput + "." + b64url.encodeToString(signer.sign());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("an ES256 key is a P-256 private key in PKCS #8 PEM", e);
        }
    }

    /** kustomer, issued now. */
    public static String kustomerToken(String secret, String externalId, String email) {
        return kustomerToken(secret, externalId, email, Instant.now().getEpochSecond());
    }

    /**
     * kustomer: HS256 JWT with the secret as UTF-8; claims {externalId, email, iat}, an externalId
     * and/or an email (Kustomer.login's jwtToken; Signet's widget takes it as identityToken).
     *
     * <p>Pitfalls: iat in seconds, at most 15 minutes old: sign a token when the chat opens, not
     * once per session. externalId is a string (String.valueOf(user.id())). When the token signs
     * an email, the user is the email: the externalId is then not verified.
     */
    public static String kustomerToken(String secret, String externalId, String email, long issuedAt) {
        if (orEmpty(externalId).isEmpty() && orEmpty(email).isEmpty()) {
            throw new IllegalArgumentException("a kustomer token signs an externalId, an email or both");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        if (!orEmpty(externalId).isEmpty()) claims.put("externalId", externalId);
        if (!orEmpty(email).isEmpty()) claims.put("email", email);
        claims.put("iat", issuedAt);
        return hs256Jwt(claims, secret, null);
    }

    /** freshdesk-widget, expiring 10 minutes from now. */
    public static String freshdeskWidgetToken(String secret, String email, String name) {
        return freshdeskWidgetToken(secret, email, name, Instant.now().getEpochSecond(), 600);
    }

    /**
     * freshdesk-widget: HS256 JWT with the secret as UTF-8; claims {name, email, exp}, the email
     * required (what the help widget's authenticate callback returned). The token has no iat.
     *
     * <p>Pitfalls: exp in seconds, in the future and at most 2 hours ahead of now.
     */
    public static String freshdeskWidgetToken(String secret, String email, String name, long now,
            long lifetimeSeconds) {
        if (orEmpty(email).isEmpty()) throw new IllegalArgumentException("a freshdesk-widget token signs an email");
        if (lifetimeSeconds <= 0 || lifetimeSeconds > 7200) {
            throw new IllegalArgumentException("a freshdesk-widget token expires in the future, within 2 hours");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        if (!orEmpty(name).isEmpty()) claims.put("name", name);
        claims.put("email", email);
        claims.put("exp", now + lifetimeSeconds);
        return hs256Jwt(claims, secret, null);
    }

    /** intercom-jwt, issued now, without exp. */
    public static String intercomMessengerToken(String platformSecret, String userId, String email) {
        return intercomMessengerToken(platformSecret, userId, email, Instant.now().getEpochSecond(), null);
    }

    /**
     * intercom-jwt: Intercom's Messenger JWT (intercom_user_jwt), HS256 with the platform's secret
     * as UTF-8; claims {user_id, email, iat, exp}.
     *
     * <p>Pitfalls: user_id is a STRING (String.valueOf(user.id()): a number is refused); iOS,
     * Android and web have one secret each, as for the user_hash; exp is optional and honoured
     * (lifetimeSeconds null: none; an hour is usual).
     */
    public static String intercomMessengerToken(String platformSecret, String userId, String email, long issuedAt,
            Long lifetimeSeconds) {
        if (orEmpty(userId).isEmpty()) throw new IllegalArgumentException("an intercom-jwt token signs a user_id, as a string");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("user_id", userId);
        if (!orEmpty(email).isEmpty()) claims.put("email", email);
        claims.put("iat", issuedAt);
        if (lifetimeSeconds != null) claims.put("exp", issuedAt + lifetimeSeconds);
        return hs256Jwt(claims, platformSecret, null);
    }

    /** zendesk-messaging, issued now, without exp. */
    public static String zendeskMessagingToken(String secret, String keyId, String externalId, String name,
            String email) {
        return zendeskMessagingToken(secret, keyId, externalId, name, email, Instant.now().getEpochSecond(), null);
    }

    /**
     * zendesk-messaging: Zendesk messaging's JWT, HS256 with the secret as UTF-8 and a kid header
     * (the key id Zendesk showed with the secret, app_…); claims {scope: "user", external_id,
     * name, email, email_verified, iat, exp}.
     *
     * <p>Pitfalls: external_id is a STRING of at most 255 characters (a number is refused, the 401
     * Zendesk users meet most); scope "user" is required; pass the email only once your app has
     * verified it: it is signed with email_verified: true, and without that an email is no
     * identity.
     */
    public static String zendeskMessagingToken(String secret, String keyId, String externalId, String name,
            String email, long issuedAt, Long lifetimeSeconds) {
        if (orEmpty(keyId).isEmpty()) {
            throw new IllegalArgumentException("a zendesk-messaging token names its key id (app_…) in the kid header");
        }
        if (orEmpty(externalId).isEmpty()) {
            throw new IllegalArgumentException("a zendesk-messaging token signs an external_id, as a string");
        }
        if (externalId.codePointCount(0, externalId.length()) > 255) { // characters, not UTF-16 units
            throw new IllegalArgumentException("a zendesk-messaging external_id is at most 255 characters");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("scope", "user");
        claims.put("external_id", externalId);
        if (!orEmpty(name).isEmpty()) claims.put("name", name);
        if (!orEmpty(email).isEmpty()) {
            claims.put("email", email);
            claims.put("email_verified", true);
        }
        claims.put("iat", issuedAt);
        if (lifetimeSeconds != null) claims.put("exp", issuedAt + lifetimeSeconds);
        return hs256Jwt(claims, secret, keyId);
    }

    /** drift, issued now, without exp. */
    public static String driftUserToken(String secret, String userId) {
        return driftUserToken(secret, userId, Instant.now().getEpochSecond(), null);
    }

    /**
     * drift: Drift's identity JWT (drift.identify's userJwt), HS256 with the secret as UTF-8;
     * claims {sub: the user id, iat, exp}.
     *
     * <p>Pitfalls: sub is a STRING (String.valueOf(user.id())); it is the user id you pass to
     * drift.identify, and the only identity the token signs.
     */
    public static String driftUserToken(String secret, String userId, long issuedAt, Long lifetimeSeconds) {
        if (orEmpty(userId).isEmpty()) throw new IllegalArgumentException("a drift token signs sub, the user id, as a string");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", userId);
        claims.put("iat", issuedAt);
        if (lifetimeSeconds != null) claims.put("exp", issuedAt + lifetimeSeconds);
        return hs256Jwt(claims, secret, null);
    }

    private static boolean hasUidOrEmail(List<Identity> identities) {
        return identities.stream().anyMatch(id ->
                (id.identifier().equals("uid") || id.identifier().equals("email")) && !orEmpty(id.value()).isEmpty());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmacSha256(byte[] key, String message) {
        if (key.length == 0) throw new IllegalArgumentException("the secret is empty");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(utf8(message));
        } catch (GeneralSecurityException e) { // every Java runtime has HmacSHA256
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    // ---- A minimal HS256 JWT encoder: compact JSON, base64url without padding. ----

    private static String hs256Jwt(Map<String, Object> claims, String secret, String keyId) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "HS256");
        header.put("typ", "JWT");
        if (keyId != null) header.put("kid", keyId);
        Base64.Encoder b64url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64url.encodeToString(utf8(json(header))) + "." + b64url.encodeToString(utf8(json(claims)));
        return signingInput + "." + b64url.encodeToString(hmacSha256(utf8(secret), signingInput));
    }

    /** Compact JSON of strings, whole numbers, booleans, maps (in their order), lists and identities. */
    private static String json(Object value) {
        StringBuilder out = new StringBuilder();
        writeJson(out, value);
        return out.toString();
    }

    private static void writeJson(StringBuilder out, Object value) {
        if (value instanceof String s) {
            writeString(out, s);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Identity id) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("identifier", id.identifier());
            m.put("value", id.value());
            if (id.metadata() != null && !id.metadata().isEmpty()) m.put("metadata", id.metadata());
            writeJson(out, m);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) out.append(',');
                first = false;
                writeString(out, (String) e.getKey());
                out.append(':');
                writeJson(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) out.append(',');
                writeJson(out, list.get(i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot encode " + (value == null ? "null" : value.getClass()));
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
