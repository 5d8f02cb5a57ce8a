# Checks that a webhook delivery comes from your Signet (Standard Webhooks
# signatures). The standard library only.
require 'base64'
require 'openssl'

module SignetWebhook
  TOLERANCE_SECONDS = 5 * 60 # older deliveries are refused (replays)

  # secret: the endpoint's whsec_... secret; headers: a Hash with
  # webhook-id, webhook-timestamp and webhook-signature; body: the raw body
  # exactly as received (request.raw_post), before JSON.parse. Returns true,
  # or raises ArgumentError. Keep webhook-id to drop a delivery processed already.
  def self.verify(secret, headers, body, now = Time.now.to_i)
    raise ArgumentError, 'the secret is not a whsec_ secret' unless secret.start_with?('whsec_')
    key = Base64.strict_decode64(secret.delete_prefix('whsec_'))
    id = headers['webhook-id'].to_s
    ts = headers['webhook-timestamp'].to_s
    raise ArgumentError, 'webhook-id or webhook-timestamp is missing' if id.empty? || ts !~ /\A\d+\z/
    raise ArgumentError, 'webhook-timestamp is too far from now' if (now - ts.to_i).abs > TOLERANCE_SECONDS
    mac = OpenSSL::HMAC.digest('SHA256', key, "#{id}.#{ts}." + body)
    want = 'v1,' + Base64.strict_encode64(mac)
    # Several signatures during a secret rotation: one matching is enough.
    headers['webhook-signature'].to_s.split(' ').each do |sig|
      return true if sig.bytesize == want.bytesize && OpenSSL.fixed_length_secure_compare(sig, want)
    end
    raise ArgumentError, 'no signature matches'
  rescue ::ArgumentError => e
    raise ArgumentError, e.message.start_with?('invalid base64') ? 'the secret is not a whsec_ secret' : e.message
  end
end
