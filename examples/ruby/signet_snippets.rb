# frozen_string_literal: true

# Signing snippets for a brand's Ruby backend: one method per Signet profile.
# Each returns what your login handler hands to the SDK or web widget: a
# user_hash (HMAC profiles) or an identity_token (JWT profiles). Standard
# library only (openssl, json); the JWTs come from the small HS256 encoder at
# the bottom (the jwt gem's JWT.encode(claims, secret, "HS256") gives tokens
# Signet accepts too).
#
# Sign on your server only: the secret must never reach an app or a web page.
# Read it from your credentials or environment, and never log it (nor a digest
# or token next to the identity it signs). If you ever compare a digest
# yourself, use OpenSSL.secure_compare (or Rack::Utils.secure_compare), never ==.
#
# In a login handler:
#   user_hash = SignetSnippets.intercom_user_hash(ENV.fetch("SIGNET_SECRET"), user_id: user.id.to_s, email: user.email)
#   identity_token = SignetSnippets.signet_identity_token(ENV.fetch("SIGNET_SECRET"), key_id: ENV.fetch("SIGNET_KEY_ID"),
#     app_id: SIGNET_APP_ID, identities: [{ identifier: "uid", value: user.id.to_s }])

require "json"
require "openssl"

module SignetSnippets
  NO_IDENTIFIER = "no identifier to sign: log the user in anonymously, without a user_hash"
  PYLON_IDS = %w[account_id account_external_id contact_id contact_external_id].freeze

  module_function

  # helpshift-legacy: HMAC-SHA256 with the secret as UTF-8, over the user id
  # followed by the email (whichever are present, no separator), in padded
  # standard BASE64.
  # Pitfalls: base64, not hex; and strict base64 (pack("m0"), like
  # Base64.strict_encode64): Base64.encode64 adds a line break that breaks it.
  # With the app's "full privacy" flag, sign the user id only and leave the
  # email out. "12" + "3a@b.co" and "123" + "a@b.co" sign the same message:
  # keep user ids in a shape that cannot run into an email (the app's
  # user_id_pattern), or move to the signet profile.
  def helpshift_legacy_user_hash(secret, user_id: nil, email: nil, full_privacy: false)
    message = full_privacy ? user_id.to_s : "#{user_id}#{email}"
    raise ArgumentError, NO_IDENTIFIER if message.empty?

    [OpenSSL::HMAC.digest("SHA256", secret, message)].pack("m0")
  end

  # intercom: HEX HMAC-SHA256 with the platform's secret as UTF-8, over the
  # user_id if there is one, else the email.
  # Pitfalls: with both user_id and email sent, a hash of the email fails. iOS,
  # Android and web have one secret each (one Signet app each): sign with the
  # secret of the platform that sends the hash.
  def intercom_user_hash(platform_secret, user_id: nil, email: nil)
    message = user_id.to_s.empty? ? email.to_s : user_id
    raise ArgumentError, NO_IDENTIFIER if message.empty?

    OpenSSL::HMAC.hexdigest("SHA256", platform_secret, message)
  end

  # akece: HEX HMAC-SHA256 with the inbox's validation token as UTF-8, over the
  # identifier (sent to Signet as user_id).
  def akece_identifier_hash(inbox_token, identifier)
    raise ArgumentError, NO_IDENTIFIER if identifier.to_s.empty?

    OpenSSL::HMAC.hexdigest("SHA256", inbox_token, identifier)
  end

  # pylon-hmac: HEX HMAC-SHA256 over the email, keyed with the HEX-DECODED secret.
  # Pitfalls: used as text, the secret gives a hash Signet refuses (the doctor
  # says secret_encoding). pack("H*") silently accepts non-hex, hence the
  # check. Pylon's JWT secret, on the contrary, is used as text.
  def pylon_email_hash(hex_secret, email)
    unless hex_secret.to_s.match?(/\A(?:\h\h)+\z/)
      raise ArgumentError, "the pylon-hmac secret must be hex, as Signet or Pylon showed it" # never echo it
    end
    raise ArgumentError, NO_IDENTIFIER if email.to_s.empty?

    OpenSSL::HMAC.hexdigest("SHA256", [hex_secret].pack("H*"), email)
  end

  # helpscout: Help Scout Beacon's signature: HEX HMAC-SHA256 with the Beacon's
  # secret key as UTF-8, over the email.
  # Pitfall: hex (hexdigest), as Help Scout's Ruby sample writes it; its Python
  # sample base64-encodes, which Signet refuses as malformed (wrong_encoding).
  def help_scout_signature(secret_key, email)
    raise ArgumentError, NO_IDENTIFIER if email.to_s.empty?

    OpenSSL::HMAC.hexdigest("SHA256", secret_key, email)
  end

  # front: Front Chat's userHash: HEX HMAC-SHA256 with the verification secret
  # as UTF-8, over the user id when you send one, else the email.
  # Pitfall: Front signs the user id when you send one; with both sent, a hash
  # of the email fails, and only the signed one is verified.
  def front_user_hash(verification_secret, user_id: nil, email: nil)
    message = user_id.to_s.empty? ? email.to_s : user_id
    raise ArgumentError, NO_IDENTIFIER if message.empty?

    OpenSSL::HMAC.hexdigest("SHA256", verification_secret, message)
  end

  # plain: Plain's emailHash: HEX HMAC-SHA256 with the chat secret as UTF-8
  # (not hex-decoded, unlike pylon-hmac's), over the email exactly as sent.
  def plain_email_hash(secret, email)
    raise ArgumentError, NO_IDENTIFIER if email.to_s.empty?

    OpenSSL::HMAC.hexdigest("SHA256", secret, email)
  end

  # gleap: Gleap's userHash (Gleap.identify's third argument): HEX HMAC-SHA256
  # with the identity verification secret as UTF-8, over the user id as a string.
  # Pitfall: a numeric id is signed as its decimal text, user.id.to_s.
  def gleap_user_hash(secret, user_id)
    raise ArgumentError, NO_IDENTIFIER if user_id.to_s.empty?

    OpenSSL::HMAC.hexdigest("SHA256", secret, user_id.to_s)
  end

  # helpshift-userhub: HS256 JWT with the secret as UTF-8; claims
  # {iat, identities}. identities: [{ identifier: "uid" | "email" |
  # "phone_number" | "steam_id" | …, value: …, metadata: {…} }], a uid and/or
  # an email required.
  # Pitfalls: iat in SECONDS (Time.now.to_i, not milliseconds); a token older
  # than 24 hours is refused, so sign one per login and never cache it longer.
  def helpshift_userhub_token(secret, identities, issued_at: Time.now.to_i)
    identities = identities.map { |id| identity_claim(id) }
    raise ArgumentError, "a helpshift-userhub token signs a uid, an email or both" unless uid_or_email?(identities)

    hs256_jwt({ "iat" => issued_at, "identities" => identities }, secret)
  end

  # pylon-jwt: HS256 JWT with the secret AS DISPLAYED (text, not hex-decoded);
  # claims {email, name, aud, iat, exp} and the optional ids (account_id,
  # account_external_id, contact_id, contact_external_id), which the widget
  # must send with the same values.
  # Pitfalls: aud is the app id (the Signet app's, where Pylon had its
  # widget's); exp at most 15 minutes after iat (10 by default).
  def pylon_chat_widget_token(secret, app_id, email:, name: nil, ids: {}, issued_at: Time.now.to_i, lifetime_seconds: 600)
    if email.to_s.empty? || app_id.to_s.empty?
      raise ArgumentError, "a pylon-jwt token signs an email, with the app id as its audience"
    end
    raise ArgumentError, "a pylon-jwt token lives at most 15 minutes" if lifetime_seconds > 900

    claims = { "email" => email }
    claims["name"] = name unless name.to_s.empty?
    claims.merge!("aud" => app_id, "iat" => issued_at, "exp" => issued_at + lifetime_seconds)
    PYLON_IDS.each { |k| claims[k] = ids[k] unless ids[k].to_s.empty? }
    hs256_jwt(claims, secret)
  end

  # signet: HS256 JWT whose kid header names the key; claims {aud, iat, exp,
  # name, identities} (identities as for helpshift-userhub).
  # Pitfalls: key_id is the id Signet showed with the secret (it is what makes
  # rotation possible); aud is the Signet app id; exp - iat may not exceed the
  # app's maximum lifetime (1 hour unless configured).
  def signet_identity_token(secret, key_id:, app_id:, identities:, name: nil, issued_at: Time.now.to_i,
                            lifetime_seconds: 600)
    identities = identities.map { |id| identity_claim(id) }
    if key_id.to_s.empty? || app_id.to_s.empty? || !uid_or_email?(identities)
      raise ArgumentError, "a signet token names its key id and app id, and signs a uid, an email or both"
    end

    claims = { "aud" => app_id, "iat" => issued_at, "exp" => issued_at + lifetime_seconds }
    claims["name"] = name unless name.to_s.empty?
    claims["identities"] = identities
    hs256_jwt(claims, secret, key_id: key_id)
  end

  # signet with a key pair: the same claims, signed ES256 with your P-256
  # private key (PEM); Signet holds only the public key, whose id is the kid.
  # Pitfalls: OpenSSL signs ECDSA as DER; a JWS wants r||s, 32 bytes each.
  def signet_identity_token_es256(private_key_pem, key_id:, app_id:, identities:, name: nil,
                                  issued_at: Time.now.to_i, lifetime_seconds: 600)
    identities = identities.map { |id| identity_claim(id) }
    if key_id.to_s.empty? || app_id.to_s.empty? || !uid_or_email?(identities)
      raise ArgumentError, "a signet token names its key id and app id, and signs a uid, an email or both"
    end

    key = OpenSSL::PKey.read(private_key_pem)
    unless key.is_a?(OpenSSL::PKey::EC) && key.group.curve_name == "prime256v1"
      raise ArgumentError, "an ES256 key is a P-256 private key"
    end

    claims = { "aud" => app_id, "iat" => issued_at, "exp" => issued_at + lifetime_seconds }
    claims["name"] = name unless name.to_s.empty?
    claims["identities"] = identities
    header = { "alg" => "ES256", "typ" => "JWT", "kid" => key_id }
    signing_input = "#{base64url(JSON.generate(header))}.#{base64url(JSON.generate(claims))}"
    r, s = OpenSSL::ASN1.decode(key.sign(OpenSSL::Digest.new("SHA256"), signing_input)).value.map { |i| i.value.to_s(2) }
    "#{signing_input}.#{base64url(r.rjust(32, "\0") + s.rjust(32, "\0"))}"
  end

  # kustomer: HS256 JWT with the secret as UTF-8; claims {externalId, email,
  # iat}, an externalId and/or an email (Kustomer.login's jwtToken; Signet's
  # widget takes it as identityToken).
  # Pitfalls: iat in seconds, at most 15 minutes old: sign a token when the
  # chat opens, not once per session. externalId is a string (user.id.to_s).
  # When the token signs an email, the user is the email: the externalId is
  # then not verified.
  def kustomer_token(secret, external_id: nil, email: nil, issued_at: Time.now.to_i)
    if external_id.to_s.empty? && email.to_s.empty?
      raise ArgumentError, "a kustomer token signs an externalId, an email or both"
    end

    claims = {}
    claims["externalId"] = external_id.to_s unless external_id.to_s.empty?
    claims["email"] = email unless email.to_s.empty?
    claims["iat"] = issued_at
    hs256_jwt(claims, secret)
  end

  # freshdesk-widget: HS256 JWT with the secret as UTF-8; claims {name, email,
  # exp}, the email required (what the help widget's authenticate callback
  # returned). The token has no iat.
  # Pitfalls: exp in seconds, in the future and at most 2 hours ahead of now
  # (10 minutes by default).
  def freshdesk_widget_token(secret, email:, name: nil, now: Time.now.to_i, lifetime_seconds: 600)
    raise ArgumentError, "a freshdesk-widget token signs an email" if email.to_s.empty?
    unless lifetime_seconds.positive? && lifetime_seconds <= 7200
      raise ArgumentError, "a freshdesk-widget token expires in the future, within 2 hours"
    end

    claims = {}
    claims["name"] = name unless name.to_s.empty?
    claims["email"] = email
    claims["exp"] = now + lifetime_seconds
    hs256_jwt(claims, secret)
  end

  # intercom-jwt: Intercom's Messenger JWT (intercom_user_jwt), HS256 with the
  # platform's secret as UTF-8; claims {user_id, email, iat, exp}.
  # Pitfalls: user_id is a STRING (user.id.to_s: a number is refused); iOS,
  # Android and web have one secret each, as for the user_hash; exp is
  # optional and honoured (an hour is usual).
  def intercom_messenger_token(platform_secret, user_id:, email: nil, issued_at: Time.now.to_i, lifetime_seconds: nil)
    unless user_id.is_a?(String) && !user_id.empty?
      raise ArgumentError, "an intercom-jwt token signs a user_id, as a string"
    end

    claims = { "user_id" => user_id }
    claims["email"] = email unless email.to_s.empty?
    claims["iat"] = issued_at
    claims["exp"] = issued_at + lifetime_seconds if lifetime_seconds
    hs256_jwt(claims, platform_secret)
  end

  # zendesk-messaging: Zendesk messaging's JWT, HS256 with the secret as UTF-8
  # and a kid header (the key id Zendesk showed with the secret, app_...);
  # claims {scope: "user", external_id, name, email, email_verified, iat, exp}.
  # Pitfalls: external_id is a STRING of at most 255 characters (a number is
  # refused, the 401 Zendesk users meet most); scope "user" is required; pass
  # the email only once your app has verified it: it is signed with
  # email_verified: true, and without that an email is no identity.
  def zendesk_messaging_token(secret, key_id:, external_id:, name: nil, email: nil, issued_at: Time.now.to_i,
                              lifetime_seconds: nil)
    if key_id.to_s.empty?
      raise ArgumentError, "a zendesk-messaging token names its key id (app_...) in the kid header"
    end
    unless external_id.is_a?(String) && !external_id.empty?
      raise ArgumentError, "a zendesk-messaging token signs an external_id, as a string"
    end
    if external_id.length > 255
      raise ArgumentError, "a zendesk-messaging external_id is at most 255 characters"
    end

    claims = { "scope" => "user", "external_id" => external_id }
    claims["name"] = name unless name.to_s.empty?
    claims.merge!("email" => email, "email_verified" => true) unless email.to_s.empty?
    claims["iat"] = issued_at
    claims["exp"] = issued_at + lifetime_seconds if lifetime_seconds
    hs256_jwt(claims, secret, key_id: key_id)
  end

  # drift: Drift's identity JWT (drift.identify's userJwt), HS256 with the
  # secret as UTF-8; claims {sub: the user id, iat, exp}.
  # Pitfalls: sub is a STRING (user.id.to_s); it is the user id you pass to
  # drift.identify, and the only identity the token signs.
  def drift_user_token(secret, user_id, issued_at: Time.now.to_i, lifetime_seconds: nil)
    raise ArgumentError, "a drift token signs sub, the user id, as a string" unless user_id.is_a?(String) && !user_id.empty?

    claims = { "sub" => user_id, "iat" => issued_at }
    claims["exp"] = issued_at + lifetime_seconds if lifetime_seconds
    hs256_jwt(claims, secret)
  end

  # An identity as Helpshift's format writes it: identifier, value, then
  # metadata when there is some; nothing else, since Signet refuses other
  # members. Symbol or string keys.
  def identity_claim(identity)
    id = identity.transform_keys(&:to_s)
    claim = { "identifier" => id["identifier"], "value" => id["value"] }
    claim["metadata"] = id["metadata"] unless id["metadata"].nil? || id["metadata"].empty?
    claim
  end

  def uid_or_email?(identities)
    identities.any? { |id| %w[uid email].include?(id["identifier"]) && !id["value"].to_s.empty? }
  end

  # A compact HS256 JWS: base64url (no padding) of compact JSON, members in
  # the order given, HMAC-SHA256 keyed with the secret as UTF-8.
  def hs256_jwt(claims, secret, key_id: nil)
    header = { "alg" => "HS256", "typ" => "JWT" }
    header["kid"] = key_id if key_id
    signing_input = "#{base64url(JSON.generate(header))}.#{base64url(JSON.generate(claims))}"
    "#{signing_input}.#{base64url(OpenSSL::HMAC.digest('SHA256', secret, signing_input))}"
  end

  def base64url(bytes)
    [bytes].pack("m0").tr("+/", "-_").delete("=")
  end
end
