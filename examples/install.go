package examples

import (
	"embed"
	"fmt"
	"strings"

	"github.com/signet-id/signet/verify"
)

// The snippet files, embedded so that the dashboard shows the very code the
// snippets' test runs (never a second copy).
//
//go:embed go/digests.go go/tokens.go node/snippets.js python/snippets.py java/IdentitySigning.java ruby/signet_snippets.rb php/signet_snippets.php
var files embed.FS

// Language is one language of the snippets.
type Language struct {
	// Name is the folder under examples/ ("go", "node"…); Label is for people.
	Name, Label string
	// File is the snippet file, relative to examples/.
	File string
	// Highlight names the language for a code block (markdown, HTML class).
	Highlight string
	// functions maps a profile to the function's name in File.
	functions map[string]string
	// definition is how a definition of name begins in File.
	definition func(name string) string
	// end is how a definition ends: the closing line at the definition's
	// indentation, or "" for Python (the next line at or left of it).
	end string
}

// Languages are the six languages of the snippets, in the dashboard's order.
var Languages = []Language{
	{Name: "go", Label: "Go", File: "go/digests.go", Highlight: "go", end: "}",
		functions:  names("HelpshiftLegacyUserHash IntercomUserHash AkeceIdentifierHash PylonEmailHash HelpshiftUserHubToken PylonChatWidgetToken SignetToken HelpScoutSignature FrontUserHash PlainEmailHash GleapUserHash KustomerToken FreshdeskWidgetToken IntercomMessengerToken ZendeskMessagingToken DriftUserToken"),
		definition: func(n string) string { return "func " + n + "(" }},
	{Name: "node", Label: "Node.js", File: "node/snippets.js", Highlight: "javascript", end: "}",
		functions:  names("helpshiftLegacyUserHash intercomUserHash akeceIdentifierHash pylonEmailHash helpshiftUserHubToken pylonChatWidgetToken signetIdentityToken helpScoutSignature frontUserHash plainEmailHash gleapUserHash kustomerToken freshdeskWidgetToken intercomMessengerToken zendeskMessagingToken driftUserToken"),
		definition: func(n string) string { return "function " + n + "(" }},
	{Name: "python", Label: "Python", File: "python/snippets.py", Highlight: "python",
		functions:  names("helpshift_legacy_user_hash intercom_user_hash akece_identifier_hash pylon_email_hash helpshift_userhub_token pylon_chat_widget_token signet_identity_token help_scout_signature front_user_hash plain_email_hash gleap_user_hash kustomer_token freshdesk_widget_token intercom_messenger_token zendesk_messaging_token drift_user_token"),
		definition: func(n string) string { return "def " + n + "(" }},
	{Name: "ruby", Label: "Ruby", File: "ruby/signet_snippets.rb", Highlight: "ruby", end: "end",
		functions:  names("helpshift_legacy_user_hash intercom_user_hash akece_identifier_hash pylon_email_hash helpshift_userhub_token pylon_chat_widget_token signet_identity_token help_scout_signature front_user_hash plain_email_hash gleap_user_hash kustomer_token freshdesk_widget_token intercom_messenger_token zendesk_messaging_token drift_user_token"),
		definition: func(n string) string { return "def " + n + "(" }},
	{Name: "php", Label: "PHP", File: "php/signet_snippets.php", Highlight: "php", end: "}",
		functions:  names("helpshift_legacy_user_hash intercom_user_hash akece_identifier_hash pylon_email_hash helpshift_userhub_token pylon_chat_widget_token signet_identity_token help_scout_signature front_user_hash plain_email_hash gleap_user_hash kustomer_token freshdesk_widget_token intercom_messenger_token zendesk_messaging_token drift_user_token"),
		definition: func(n string) string { return "function " + n + "(" }},
	{Name: "java", Label: "Java", File: "java/IdentitySigning.java", Highlight: "java", end: "}",
		functions:  names("helpshiftLegacyUserHash intercomUserHash akeceIdentifierHash pylonEmailHash helpshiftUserHubToken pylonChatWidgetToken signetIdentityToken helpScoutSignature frontUserHash plainEmailHash gleapUserHash kustomerToken freshdeskWidgetToken intercomMessengerToken zendeskMessagingToken driftUserToken"),
		definition: func(n string) string { return "static String " + n + "(" }},
}

// profiles lists the profiles in the order names() reads them.
var profiles = []string{"helpshift-legacy", "intercom", "akece", "pylon-hmac", "helpshift-userhub", "pylon-jwt", "signet",
	"helpscout", "front", "plain", "gleap", "kustomer", "freshdesk-widget",
	"intercom-jwt", "zendesk-messaging", "drift"}

func names(list string) map[string]string {
	m := map[string]string{}
	for i, n := range strings.Fields(list) {
		m[profiles[i]] = n
	}
	return m
}

// Function is a profile's signing function in one language.
type Function struct {
	// Name is the function's name; File the snippet file it comes from.
	Name, File string
	// Code is its definition with its doc comment, as in the file (Java's
	// overloads included).
	Code string
	// Whole is the whole snippet file: the helpers the function calls (the
	// HS256 encoders, the identity checks) are there.
	Whole string
}

// FunctionFor returns profile's signing function in language lang.
func FunctionFor(lang Language, profile string) (Function, error) {
	name, ok := lang.functions[profile]
	if !ok {
		return Function{}, fmt.Errorf("examples: no %s snippet for profile %q", lang.Name, profile)
	}
	file := lang.File
	if lang.Name == "go" && verify.Profile(profile).IsJWT() {
		file = "go/tokens.go" // the Go tokens sit beside the digests
	}
	b, err := files.ReadFile(file)
	if err != nil {
		return Function{}, err
	}
	lines := strings.Split(string(b), "\n")
	var parts []string
	for i := 0; i < len(lines); i++ {
		if !strings.Contains(lines[i], lang.definition(name)) {
			continue
		}
		code, next := definitionAt(lines, i, lang.end)
		parts = append(parts, code)
		i = next
	}
	if len(parts) == 0 {
		return Function{}, fmt.Errorf("examples: %s defines no %s", file, name)
	}
	return Function{Name: name, File: "examples/" + file, Code: strings.Join(parts, "\n\n"), Whole: string(b)}, nil
}

// definitionAt cuts the definition that starts on line i, with the comment
// lines just above it; it returns the text and the definition's last line.
func definitionAt(lines []string, i int, end string) (string, int) {
	indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
	start := i
	for start > 0 && isComment(lines[start-1]) {
		start--
	}
	last := len(lines) - 1
	for j := i + 1; j < len(lines); j++ {
		if end != "" && lines[j] == indent+end {
			last = j
			break
		}
		if end == "" && strings.TrimSpace(lines[j]) != "" && !strings.HasPrefix(lines[j], indent+" ") && !strings.HasPrefix(lines[j], indent+"\t") {
			last = j - 1
			break
		}
	}
	for last > i && strings.TrimSpace(lines[last]) == "" {
		last--
	}
	return strings.Join(lines[start:last+1], "\n"), last
}

func isComment(line string) bool {
	t := strings.TrimSpace(line)
	for _, p := range []string{"//", "#", "/*", "*"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
