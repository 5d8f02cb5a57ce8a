import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness examples/snippets_test.go drives: one JSON request per line on stdin (see
 * ../README.md), one line out for each: the digest or token the snippet makes, or "error: " and
 * why it refused.
 *
 * <pre>
 *   javac -d /tmp/signet-java *.java
 *   echo '{"profile":"intercom","secret":"…","uid":"user-42"}' | java -cp /tmp/signet-java Harness
 * </pre>
 */
public final class Harness {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            Map<String, Object> r;
            try {
                r = asMap(new JsonReader(line).read());
            } catch (RuntimeException e) {
                out.println("error: the request is not JSON");
                continue;
            }
            try {
                out.println(run(r));
            } catch (IllegalArgumentException e) {
                out.println("error: " + e.getMessage());
            }
        }
        out.flush();
    }

    private static String run(Map<String, Object> r) {
        String secret = str(r, "secret");
        Long iat = (Long) r.get("iat");
        Long exp = (Long) r.get("exp");
        long issuedAt = iat != null ? iat : java.time.Instant.now().getEpochSecond();
        long lifetime = iat != null && exp != null ? exp - iat : 600;
        Long optionalLifetime = iat != null && exp != null ? exp - iat : null; // where exp is optional
        switch (String.valueOf(r.get("profile"))) {
            case "helpshift-legacy":
                return IdentitySigning.helpshiftLegacyUserHash(
                        secret, str(r, "uid"), str(r, "email"), Boolean.TRUE.equals(r.get("full_privacy")));
            case "intercom":
                return IdentitySigning.intercomUserHash(secret, str(r, "uid"), str(r, "email"));
            case "akece":
                String id = str(r, "identifier");
                return IdentitySigning.akeceIdentifierHash(secret, id != null ? id : str(r, "uid"));
            case "pylon-hmac":
                return IdentitySigning.pylonEmailHash(secret, str(r, "email"));
            case "helpscout":
                return IdentitySigning.helpScoutSignature(secret, str(r, "email"));
            case "front":
                return IdentitySigning.frontUserHash(secret, str(r, "uid"), str(r, "email"));
            case "plain":
                return IdentitySigning.plainEmailHash(secret, str(r, "email"));
            case "gleap":
                return IdentitySigning.gleapUserHash(secret, str(r, "uid"));
            case "helpshift-userhub":
                return IdentitySigning.helpshiftUserHubToken(secret, identities(r), issuedAt);
            case "pylon-jwt":
                Map<String, String> ids = new LinkedHashMap<>();
                asMap(r.getOrDefault("attributes", Map.of())).forEach((k, v) -> ids.put(k, (String) v));
                return IdentitySigning.pylonChatWidgetToken(
                        secret, str(r, "app_id"), str(r, "email"), str(r, "name"), ids, issuedAt, lifetime);
            case "signet":
                if (str(r, "private_key") != null) {
                    return IdentitySigning.signetIdentityTokenES256(str(r, "private_key"), str(r, "kid"), str(r, "app_id"),
                            identities(r), str(r, "name"), issuedAt, lifetime);
                }
                return IdentitySigning.signetIdentityToken(secret, str(r, "kid"), str(r, "app_id"), identities(r),
                        str(r, "name"), issuedAt, lifetime);
            case "kustomer":
                return IdentitySigning.kustomerToken(secret, str(r, "uid"), str(r, "email"), issuedAt);
            case "freshdesk-widget":
                return IdentitySigning.freshdeskWidgetToken(secret, str(r, "email"), str(r, "name"), issuedAt, lifetime);
            case "intercom-jwt":
                return IdentitySigning.intercomMessengerToken(secret, str(r, "uid"), str(r, "email"), issuedAt, optionalLifetime);
            case "zendesk-messaging":
                return IdentitySigning.zendeskMessagingToken(secret, str(r, "kid"), str(r, "uid"), str(r, "name"),
                        str(r, "email"), issuedAt, optionalLifetime);
            case "drift":
                return IdentitySigning.driftUserToken(secret, str(r, "uid"), issuedAt, optionalLifetime);
            default:
                throw new IllegalArgumentException("unknown profile");
        }
    }

    private static List<IdentitySigning.Identity> identities(Map<String, Object> r) {
        List<IdentitySigning.Identity> ids = new ArrayList<>();
        if (r.get("identities") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> m = asMap(o);
                Map<String, String> metadata = new LinkedHashMap<>();
                asMap(m.getOrDefault("metadata", Map.of())).forEach((k, v) -> metadata.put(k, (String) v));
                ids.add(new IdentitySigning.Identity(str(m, "identifier"), str(m, "value"), metadata));
            }
            return ids;
        }
        if (str(r, "uid") != null) ids.add(new IdentitySigning.Identity("uid", str(r, "uid")));
        if (str(r, "email") != null) ids.add(new IdentitySigning.Identity("email", str(r, "email")));
        return ids;
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof String s && !s.isEmpty() ? s : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) throw new IllegalArgumentException("expected a JSON object");
        return (Map<String, Object>) o;
    }

    /** Just enough JSON for the requests: objects, arrays, strings, integers, booleans, null. */
    private static final class JsonReader {
        private final String s;
        private int i;

        JsonReader(String s) {
            this.s = s;
        }

        Object read() {
            Object v = value();
            skipSpace();
            if (i != s.length()) throw new IllegalStateException("trailing data");
            return v;
        }

        private Object value() {
            skipSpace();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    skipSpace();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        skipSpace();
                        String k = string();
                        skipSpace();
                        expect(':');
                        m.put(k, value());
                        skipSpace();
                        if (s.charAt(i++) == '}') return m;
                        if (s.charAt(i - 1) != ',') throw new IllegalStateException("expected , or }");
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    skipSpace();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        skipSpace();
                        if (s.charAt(i++) == ']') return l;
                        if (s.charAt(i - 1) != ',') throw new IllegalStateException("expected , or ]");
                    }
                }
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    int start = i;
                    while (i < s.length() && "-0123456789".indexOf(s.charAt(i)) >= 0) i++;
                    return Long.parseLong(s.substring(start, i));
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e); // " \ /
                }
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) throw new IllegalStateException("bad literal");
            i += word.length();
            return v;
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) throw new IllegalStateException("expected " + c);
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
