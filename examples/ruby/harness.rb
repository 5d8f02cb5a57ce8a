# frozen_string_literal: true

# The harness examples/snippets_test.go drives: one JSON request per line on
# stdin (see ../README.md), one line out for each: the digest or token the
# snippet makes, or "error: " and why it refused.
#
#   echo '{"profile":"intercom","secret":"…","uid":"user-42"}' | ruby harness.rb

require_relative "signet_snippets"

def identities_of(r)
  return r["identities"] if r["identities"]

  [["uid", r["uid"]], ["email", r["email"]]].reject { |_, v| v.to_s.empty? }
                                            .map { |type, v| { "identifier" => type, "value" => v } }
end

def run(r)
  secret = r["secret"].to_s
  times = {}
  times[:issued_at] = r["iat"] if r["iat"]
  times[:lifetime_seconds] = r["exp"] - r["iat"] if r["iat"] && r["exp"]
  case r["profile"]
  when "helpshift-legacy"
    SignetSnippets.helpshift_legacy_user_hash(secret, user_id: r["uid"], email: r["email"], full_privacy: r["full_privacy"] == true)
  when "intercom"
    SignetSnippets.intercom_user_hash(secret, user_id: r["uid"], email: r["email"])
  when "akece"
    SignetSnippets.akece_identifier_hash(secret, r["identifier"] || r["uid"])
  when "pylon-hmac"
    SignetSnippets.pylon_email_hash(secret, r["email"])
  when "helpscout"
    SignetSnippets.help_scout_signature(secret, r["email"])
  when "front"
    SignetSnippets.front_user_hash(secret, user_id: r["uid"], email: r["email"])
  when "plain"
    SignetSnippets.plain_email_hash(secret, r["email"])
  when "gleap"
    SignetSnippets.gleap_user_hash(secret, r["uid"])
  when "helpshift-userhub"
    SignetSnippets.helpshift_userhub_token(secret, identities_of(r), **times.slice(:issued_at))
  when "pylon-jwt"
    SignetSnippets.pylon_chat_widget_token(secret, r["app_id"], email: r["email"], name: r["name"],
                                                                ids: r["attributes"] || {}, **times)
  when "signet"
    if r["private_key"]
      return SignetSnippets.signet_identity_token_es256(r["private_key"], key_id: r["kid"], app_id: r["app_id"],
                                                        identities: identities_of(r), name: r["name"], **times)
    end
    SignetSnippets.signet_identity_token(secret, key_id: r["kid"], app_id: r["app_id"], identities: identities_of(r),
                                                 name: r["name"], **times)
  when "kustomer"
    SignetSnippets.kustomer_token(secret, external_id: r["uid"], email: r["email"], **times.slice(:issued_at))
  when "freshdesk-widget"
    SignetSnippets.freshdesk_widget_token(secret, email: r["email"], name: r["name"], now: times.fetch(:issued_at, Time.now.to_i),
                                                  lifetime_seconds: times.fetch(:lifetime_seconds, 600))
  when "intercom-jwt"
    SignetSnippets.intercom_messenger_token(secret, user_id: r["uid"], email: r["email"], **times)
  when "zendesk-messaging"
    SignetSnippets.zendesk_messaging_token(secret, key_id: r["kid"], external_id: r["uid"], name: r["name"],
                                                   email: r["email"], **times)
  when "drift"
    SignetSnippets.drift_user_token(secret, r["uid"], **times)
  else
    raise ArgumentError, "unknown profile"
  end
end

$stdin.set_encoding(Encoding::UTF_8)
$stdout.set_encoding(Encoding::UTF_8)
$stdin.each_line do |line|
  next if line.strip.empty?

  begin
    request = JSON.parse(line)
  rescue JSON::ParserError # its message would quote the line, secret and all
    puts "error: the request is not JSON"
    next
  end
  begin
    puts run(request)
  rescue ArgumentError => e
    puts "error: #{e.message.lines.first.chomp}"
  end
end
