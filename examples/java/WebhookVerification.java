import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks that a webhook delivery comes from your Signet (Standard Webhooks signatures). The JDK only. */
public final class WebhookVerification {
    /** Older deliveries are refused, so a captured one cannot be replayed. */
    public static final long TOLERANCE_SECONDS = 5 * 60;

    private WebhookVerification() {}

    /**
     * secret: the endpoint's whsec_… secret; headers: webhook-id, webhook-timestamp and
     * webhook-signature; body: the raw body bytes exactly as received, before any JSON parsing.
     * Returns normally, or throws IllegalArgumentException. Keep webhook-id to drop a delivery
     * processed already.
     */
    public static void verify(String secret, Map<String, String> headers, byte[] body, long nowSeconds) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalArgumentException("the secret is not a whsec_ secret");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret is not a whsec_ secret");
        }
        String id = headers.getOrDefault("webhook-id", "");
        String ts = headers.getOrDefault("webhook-timestamp", "");
        if (id.isEmpty() || !ts.matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException("webhook-id or webhook-timestamp is missing");
        }
        if (Math.abs(nowSeconds - Long.parseLong(ts)) > TOLERANCE_SECONDS) {
            throw new IllegalArgumentException("webhook-timestamp is too far from now");
        }
        byte[] want;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
            want = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
        // Several signatures during a secret rotation: one matching is enough.
        for (String sig : headers.getOrDefault("webhook-signature", "").split(" ")) {
            if (MessageDigest.isEqual(sig.getBytes(StandardCharsets.UTF_8), want)) {
                return;
            }
        }
        throw new IllegalArgumentException("no signature matches");
    }
}
