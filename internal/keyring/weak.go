package keyring

import (
	"math"
	"strings"
	"unicode"
)

// MinStrength is the estimated strength, in bits, below which an imported
// secret is refused without force (see Strength). A random 16-character
// base64 text scores about 96; a 16-digit random number about 53.
const MinStrength = 56

// commonSecrets are passwords and vendor placeholders that end up as
// "secrets": documentation samples, framework defaults, the first words
// people type. Lower case; compared with separators removed too.
var commonSecrets = strings.Fields(`
	secret secretkey secret_key yoursecret yoursecretkey your_secret_key your-secret-key
	mysecret mysecretkey my_secret_key supersecret supersecretkey super_secret_key
	topsecret changeme change_me changethis changeit replaceme replace_me replacethis
	insertsecrethere your_secret_here yoursecrethere secrethere putyoursecrethere
	your_api_secret yourapisecret apisecret api_secret apikey api_key yourapikey
	hmacsecret hmac_secret hmackey jwtsecret jwt_secret yourjwtsecret jwtkey
	signingkey signing_key signingsecret identityverificationsecret identity_secret
	verificationsecret usersecret userhash sharedsecret shared_secret appsecret app_secret
	clientsecret client_secret privatekey private_key secretpassword password passw0rd
	p4ssw0rd password1 password123 passwordpassword letmein welcome welcome1 admin
	administrator admin123 root toor default test testing testsecret test_secret
	testkey example examplesecret sample samplesecret demo demosecret development
	devsecret dev_secret staging production prodsecret qwerty qwertyuiop asdfghjkl
	zxcvbnm qwerty123 iloveyou monkey dragon football baseball master sunshine
	princess shadow superman batman trustno1 abc123 123456 1234567 12345678
	123456789 1234567890 0123456789 abcdef abcdefgh abcdefghijklmnop
	0123456789abcdef deadbeef cafebabe foobar foobarbaz helloworld hello world
	intercom zendesk helpshift pylon drift freshdesk kustomer gleap plain front
	helpscout signet xxxxxxxx todo fixme null undefined none empty
`)

// commonSet holds commonSecrets and their forms without separators.
var commonSet = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range commonSecrets {
		m[w] = true
		m[stripSeparators(w)] = true
	}
	return m
}()

// wordBits is what guessing one word of commonSecrets costs: about a
// thousand candidates, with case and separator variants.
const wordBits = 12

func stripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// Strength estimates, in bits, how hard secret is to guess for someone who
// tries common passwords and vendor placeholders first, then patterns: a
// repeated block counts once, runs of one character and sequences (abc,
// 321) count a bit or two per character, common words a dozen bits each,
// and any other character log2 of the alphabet the secret draws from.
// An estimate in the manner of zxcvbn, much simplified: it is meant to
// refuse `aaaaaaaaaaaaaaaa`, `passwordpassword` or `your_secret_key`, not
// to rank strong secrets.
func Strength(secret string) float64 {
	lower := strings.ToLower(secret)
	if commonSet[lower] || commonSet[stripSeparators(lower)] {
		return wordBits
	}
	// A block repeated: only the block counts (plus the repetition).
	if p := period(lower); p < len(lower) {
		return Strength(secret[:p]) + math.Log2(float64(len(lower)/p))
	}
	perChar := math.Log2(float64(alphabet(secret)))
	bits := 0.0
	for i := 0; i < len(lower); {
		if n := commonWordAt(lower, i); n > 0 {
			bits += wordBits
			i += n
			continue
		}
		switch {
		case i > 0 && lower[i] == lower[i-1]:
			bits++ // a run of one character
		case i > 0 && (lower[i] == lower[i-1]+1 || lower[i]+1 == lower[i-1]) && isAlnum(lower[i]) && isAlnum(lower[i-1]):
			bits += 2 // a sequence: abc, 123, 987
		default:
			bits += perChar
		}
		i++
	}
	return bits
}

// Weak reports whether an imported secret is too weak to accept without
// force: shorter than MinSecretLength, or estimated under MinStrength bits.
func Weak(secret string) bool {
	return len(secret) < MinSecretLength || Strength(secret) < MinStrength
}

// period is the length of the shortest block s repeats (len(s) when none).
func period(s string) int {
	for p := 1; p <= len(s)/2; p++ {
		if len(s)%p != 0 {
			continue
		}
		if strings.Repeat(s[:p], len(s)/p) == s {
			return p
		}
	}
	return len(s)
}

// commonWordAt returns the length of the longest common word (4 letters or
// more) at s[i:], or 0.
func commonWordAt(s string, i int) int {
	for n := min(len(s)-i, 32); n >= 4; n-- {
		if commonSet[s[i:i+n]] {
			return n
		}
	}
	return 0
}

// alphabet is the size of the character classes secret draws from.
func alphabet(secret string) int {
	var lower, upper, digit, other bool
	for _, r := range secret {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.on {
			n += c.size
		}
	}
	return max(n, 2)
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
