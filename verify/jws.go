package verify

import (
	"encoding/base64"
	"strconv"
	"strings"
	"sync/atomic"
)

// The compact JWS rules of profiles.md: exactly three segments, base64url
// without padding and with canonical trailing bits, no whitespace or line
// breaks anywhere, a header holding only alg, typ and kid.

// compactJWS is a token split and decoded, not yet trusted.
type compactJWS struct {
	signingInput string // header.payload exactly as received: what the MAC covers
	payload      string // decoded claims JSON
	signature    []byte // sig[:], set by parseCompactJWS
	sig          [32]byte
	kid          string
	hasKid       bool
}

var strictRawURL = base64.RawURLEncoding.Strict()

// isBase64URLByte reports whether c belongs to the unpadded base64url alphabet.
func isBase64URLByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// decodeSegment decodes one base64url segment strictly. The explicit alphabet
// check matters: Go's decoders skip CR and LF even in strict mode.
func decodeSegment(seg string, what string) ([]byte, *Error) {
	if e := checkSegment(seg, what); e != nil {
		return nil, e
	}
	out, err := strictRawURL.DecodeString(seg)
	if err != nil {
		return nil, fail(ReasonMalformed, "the token's "+what+" is not canonical base64url")
	}
	return out, nil
}

// decodeSegmentString is decodeSegment returning a string, with a single
// allocation: small segments are decoded on the stack.
func decodeSegmentString(seg string, what string) (string, *Error) {
	// Stack buffers in a few sizes: Go zeroes a buffer when it is declared.
	var buf []byte
	switch n := strictRawURL.DecodedLen(len(seg)); {
	case n <= 64:
		var b [64]byte
		buf = b[:]
	case n <= 256:
		var b [256]byte
		buf = b[:]
	case n <= 1024:
		var b [1024]byte
		buf = b[:]
	default:
		buf = make([]byte, n)
	}
	n, e := decodeSegmentInto(buf, seg, what)
	if e != nil {
		return "", e
	}
	return string(buf[:n]), nil
}

// decodeSegmentInto is decodeSegment into dst, which holds at least
// DecodedLen(len(seg)) bytes. It decodes first and looks for the reason
// only on failure: the decoder refuses every byte outside base64url except
// CR and LF, which it skips, so those are looked for explicitly.
func decodeSegmentInto(dst []byte, seg, what string) (int, *Error) {
	n, err := strictRawURL.Decode(dst, []byte(seg))
	if err != nil || strings.IndexByte(seg, '\n') >= 0 || strings.IndexByte(seg, '\r') >= 0 {
		if e := checkSegment(seg, what); e != nil {
			return 0, e
		}
		return 0, fail(ReasonMalformed, "the token's "+what+" is not canonical base64url")
	}
	return n, nil
}

// checkSegment checks that seg holds base64url characters only.
func checkSegment(seg string, what string) *Error {
	for i := 0; i < len(seg); i++ {
		if !isBase64URLByte(seg[i]) {
			switch c := seg[i]; {
			case c == '=':
				return fail(ReasonMalformed, "the token's "+what+" is padded with '='; JWS uses base64url without padding")
			case c == '+' || c == '/':
				return fail(ReasonMalformed, "the token's "+what+" uses the standard base64 alphabet; JWS uses base64url ('-' and '_')")
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
				return fail(ReasonMalformed, "the token contains whitespace or a line break")
			default:
				return fail(ReasonMalformed, "the token's "+what+" contains a character outside base64url")
			}
		}
	}
	return nil
}

// parseCompactJWS splits and checks a token's structure and header for the
// algorithm alg. It does not check the signature.
func parseCompactJWS(token, alg string) (*compactJWS, *Error) {
	jws := new(compactJWS)
	if e := parseCompactJWSInto(token, alg, jws, nil); e != nil {
		return nil, e
	}
	jws.signature = jws.sig[:]
	return jws, nil
}

// headerMemo remembers a header segment that passed, with what it says: a
// brand's tokens all carry the same header, which then is neither decoded
// nor parsed again. The outcome depends on the segment and alg only.
type headerMemo struct {
	seg, alg, kid string
	hasKid        bool
}

// parseCompactJWSInto is parseCompactJWS into j, which it does not retain,
// so that j can live on the caller's stack; j.signature stays unset (the
// signature is j.sig). memo, when not nil, holds the last header that passed.
func parseCompactJWSInto(token, alg string, j *compactJWS, memo *atomic.Pointer[headerMemo]) *Error {
	first := strings.IndexByte(token, '.')
	last := strings.LastIndexByte(token, '.')
	if first < 0 || first == last || strings.IndexByte(token[first+1:last], '.') >= 0 {
		n := strings.Count(token, ".") + 1
		if n == 5 {
			return fail(ReasonMalformed, "the token has five segments: it is an encrypted JWE, not a signed JWS")
		}
		return fail(ReasonMalformed, "a compact JWS has exactly three segments separated by '.'")
	}
	hSeg, pSeg, sSeg := token[:first], token[first+1:last], token[last+1:]
	if hSeg == "" || pSeg == "" {
		return fail(ReasonMalformed, "the token's header or payload is empty")
	}
	*j = compactJWS{signingInput: token[:last]}
	var m *headerMemo
	if memo != nil {
		m = memo.Load()
	}
	if m != nil && m.seg == hSeg && m.alg == alg {
		j.kid, j.hasKid = m.kid, m.hasKid
	} else {
		header, e := decodeSegmentString(hSeg, "header")
		if e != nil {
			return e
		}
		if e := j.readHeaderString(header, alg); e != nil {
			return e
		}
		if memo != nil && len(hSeg) <= 512 {
			memo.Store(&headerMemo{seg: strings.Clone(hSeg), alg: alg, kid: j.kid, hasKid: j.hasKid})
		}
	}
	payload, e := decodeSegmentString(pSeg, "payload")
	if e != nil {
		return e
	}
	const sigLen = 43        // 32 bytes in unpadded base64url
	if len(sSeg) != sigLen { // decodes to another length, or not at all
		if _, e := decodeSegment(sSeg, "signature"); e != nil {
			return e
		}
		return fail(ReasonMalformed, "an HS256 signature is 32 bytes")
	}
	if _, e := decodeSegmentInto(j.sig[:], sSeg, "signature"); e != nil {
		return e
	}
	j.payload = payload
	return nil
}

func (j *compactJWS) readHeader(header []byte, alg string) *Error {
	return j.readHeaderString(string(header), alg)
}

func (j *compactJWS) readHeaderString(header string, alg string) *Error {
	var buf [4]jsonMember
	members, ok := scanFlatObject(header, buf[:0])
	if !ok {
		var err error
		if members, err = parseJSONObject(header); err != nil {
			return fail(ReasonMalformed, "the token's header is not a JSON object: "+err.Error())
		}
	}
	var gotAlg bool
	for _, m := range members {
		switch m.name {
		case "alg":
			if m.value.kind != jsonString || m.value.text != alg {
				return fail(ReasonAlgorithmNotAllowed, "the token's alg must be exactly "+alg)
			}
			gotAlg = true
		case "typ":
			if m.value.kind != jsonString || !strings.EqualFold(m.value.text, "JWT") {
				return fail(ReasonHeaderNotAllowed, `the token's typ, when present, must be "JWT"`)
			}
		case "kid":
			if m.value.kind != jsonString {
				return fail(ReasonHeaderNotAllowed, "the token's kid must be a string")
			}
			j.kid, j.hasKid = m.value.text, true
		default:
			return fail(ReasonHeaderNotAllowed, "header parameter "+quoteShort(m.name)+" is not allowed: only alg, typ and kid are")
		}
	}
	if !gotAlg {
		return fail(ReasonAlgorithmNotAllowed, "the token's header has no alg")
	}
	return nil
}

// quoteShort quotes an attacker-chosen name for a message, cut to a sane length.
func quoteShort(s string) string {
	const max = 40
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}
