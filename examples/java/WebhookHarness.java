import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The harness examples/webhooks_test.go drives: one request per line on stdin, here as
 * tab-separated fields (secret, id, timestamp, signature, now, body base64), so that no JSON
 * library is needed; "ok" or "error: why" per line out.
 */
public final class WebhookHarness {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Map<String, String> headers = new HashMap<>();
            headers.put("webhook-id", f[1]);
            headers.put("webhook-timestamp", f[2]);
            headers.put("webhook-signature", f[3]);
            try {
                WebhookVerification.verify(f[0], headers, java.util.Base64.getDecoder().decode(f[5]), Long.parseLong(f[4]));
                System.out.println("ok");
            } catch (IllegalArgumentException e) {
                System.out.println("error: " + e.getMessage());
            }
        }
    }
}
