# The harness examples/webhooks_test.go drives: one JSON request per line on
# stdin, "ok" or "error: why" per line out.
require 'json'
require_relative 'signet_webhook'

$stdout.sync = true
$stdin.set_encoding('UTF-8')
$stdin.each_line do |line|
  next if line.strip.empty?
  begin
    r = JSON.parse(line)
    headers = { 'webhook-id' => r['id'], 'webhook-timestamp' => r['timestamp'], 'webhook-signature' => r['signature'] }
    SignetWebhook.verify(r['secret'], headers, r['body'].b, r['now'])
    puts 'ok'
  rescue ArgumentError, JSON::ParserError => e
    puts "error: #{e.message}"
  end
end
