package verify

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// A strict JSON reader for JWS headers and claims. It is hand-written rather
// than encoding/json because the rules here are part of the security model:
// a member name that appears twice in one object is an error (encoding/json
// silently keeps the last), invalid UTF-8 and lone surrogates are errors
// (encoding/json replaces them), nesting and sizes are bounded, and numbers
// keep their exact text so time claims can be range-checked without surprises.

const (
	maxJSONDepth   = 16  // identities → identity → metadata is depth 4
	maxJSONMembers = 256 // per object or array
)

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is one parsed JSON value. Strings hold the unescaped text,
// numbers their exact literal.
type jsonValue struct {
	kind    jsonKind
	boolean bool
	text    string
	array   []jsonValue
	object  []jsonMember
}

type jsonMember struct {
	name  string
	value jsonValue
}

func (k jsonKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

type jsonError struct{ msg string }

func (e *jsonError) Error() string { return e.msg }

// parseJSONObject parses s, which must be exactly one JSON object (with
// optional surrounding JSON whitespace).
func parseJSONObject(s string) ([]jsonMember, error) {
	sc := getJSONScratch()
	members, err := sc.parse(s, false)
	sc.release()
	return members, err
}

// jsonScratch is a parser's scratch stacks, reused: a parse then allocates
// only the objects and arrays it returns; a temporary parse (parse with
// temp) allocates nothing, its tree lives in the scratch's arenas.
type jsonScratch struct {
	members []jsonMember
	elems   []jsonValue
	// The arenas of a temporary parse's finished objects and arrays.
	memberArena []jsonMember
	elemArena   []jsonValue
}

var jsonScratchPool = sync.Pool{New: func() any {
	return &jsonScratch{members: make([]jsonMember, 0, 32), elems: make([]jsonValue, 0, 32)}
}}

func getJSONScratch() *jsonScratch { return jsonScratchPool.Get().(*jsonScratch) }

// parse is parseJSONObject with sc's stacks. With temp, the tree it returns
// (the members and every object and array nested in them) lives in sc and is
// valid only until sc.release: the caller must keep no slice of it, only the
// strings, which are the input's.
func (sc *jsonScratch) parse(s string, temp bool) ([]jsonMember, error) {
	p := jsonParser{s: s, members: sc.members[:0], elems: sc.elems[:0], temp: temp,
		memberArena: sc.memberArena[:0], elemArena: sc.elemArena[:0]}
	members, err := p.object()
	// Keep the used lengths, for release to clear: after an error or with
	// temp, values are still on the stacks.
	sc.members = p.members[:max(len(p.members), p.usedMembers)]
	sc.elems = p.elems[:max(len(p.elems), p.usedElems)]
	sc.memberArena, sc.elemArena = p.memberArena, p.elemArena
	return members, err
}

// release clears what parse left in sc and hands sc back for reuse.
func (sc *jsonScratch) release() {
	clear(sc.members)
	clear(sc.elems)
	clear(sc.memberArena)
	clear(sc.elemArena)
	if max(cap(sc.members), cap(sc.elems), cap(sc.memberArena), cap(sc.elemArena)) <= 4*maxJSONMembers {
		sc.members, sc.elems = sc.members[:0], sc.elems[:0]
		sc.memberArena, sc.elemArena = sc.memberArena[:0], sc.elemArena[:0]
		jsonScratchPool.Put(sc)
	}
}

// finishedMembers returns room for the n members of a finished object: from
// the arena in a temporary parse, else fresh.
func (p *jsonParser) finishedMembers(n int) []jsonMember {
	if !p.temp {
		return make([]jsonMember, n)
	}
	a := p.memberArena
	if cap(a)-len(a) < n {
		a = make([]jsonMember, 0, max(2*cap(a), n, 16)) // the old one stays with its objects
	}
	p.memberArena = a[:len(a)+n]
	return a[len(a) : len(a)+n : len(a)+n]
}

// finishedElems is finishedMembers for the n elements of a finished array.
func (p *jsonParser) finishedElems(n int) []jsonValue {
	if !p.temp {
		return make([]jsonValue, n)
	}
	a := p.elemArena
	if cap(a)-len(a) < n {
		a = make([]jsonValue, 0, max(2*cap(a), n, 16))
	}
	p.elemArena = a[:len(a)+n]
	return a[len(a) : len(a)+n : len(a)+n]
}

func (p *jsonParser) object() ([]jsonMember, error) {
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return nil, &jsonError{"not a JSON object"}
	}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return nil, &jsonError{"trailing data after the JSON object"}
	}
	return v.object, nil
}

// scanFlatObject reads s when it is a JSON object of at most cap(out)
// members whose values are all strings of printable ASCII without escapes,
// no member twice: a usual JWS header. It then returns exactly the members
// parseJSONObject would, without allocating. ok is false for anything else,
// which the caller hands to parseJSONObject.
func scanFlatObject(s string, out []jsonMember) (members []jsonMember, ok bool) {
	p := jsonParser{s: s}
	p.skipSpace()
	if p.i >= len(s) || s[p.i] != '{' {
		return nil, false
	}
	p.i++
	p.skipSpace()
	if p.i < len(s) && s[p.i] == '}' {
		p.i++
		p.skipSpace()
		return out, p.i == len(s)
	}
	for {
		name, ok := p.plainString()
		if !ok || len(out) == cap(out) {
			return nil, false
		}
		for _, m := range out {
			if m.name == name {
				return nil, false
			}
		}
		p.skipSpace()
		if p.i >= len(s) || s[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.skipSpace()
		text, ok := p.plainString()
		if !ok {
			return nil, false
		}
		out = append(out, jsonMember{name, jsonValue{kind: jsonString, text: text}})
		p.skipSpace()
		if p.i >= len(s) {
			return nil, false
		}
		switch s[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case '}':
			p.i++
			p.skipSpace()
			return out, p.i == len(s)
		default:
			return nil, false
		}
	}
}

// plainString scans a JSON string at p.i made of printable ASCII without
// escapes; ok is false for any other string.
func (p *jsonParser) plainString() (string, bool) {
	if p.i >= len(p.s) || p.s[p.i] != '"' {
		return "", false
	}
	start := p.i + 1
	for i := start; i < len(p.s); i++ {
		switch c := p.s[i]; {
		case c == '"':
			p.i = i + 1
			return p.s[start:i], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return "", false
		}
	}
	return "", false
}

type jsonParser struct {
	s string
	i int
	// members and elems are scratch stacks: the members of the objects and
	// the elements of the arrays being parsed, innermost last. A finished
	// object or array is copied out at its exact size.
	members []jsonMember
	elems   []jsonValue
	// usedMembers and usedElems are the most the stacks held, for release.
	usedMembers, usedElems int
	// temp: the tree lives in the scratch (see jsonScratch.parse); the top
	// object's members stay on the stack.
	temp        bool
	memberArena []jsonMember
	elemArena   []jsonValue
}

func (p *jsonParser) errorf(msg string) error {
	return &jsonError{msg + " at offset " + strconv.Itoa(p.i)}
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (jsonValue, error) {
	if depth > maxJSONDepth {
		return jsonValue{}, p.errorf("JSON nested too deeply")
	}
	p.skipSpace()
	if p.i >= len(p.s) {
		return jsonValue{}, p.errorf("unexpected end of JSON")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.objectValue(depth)
	case c == '[':
		return p.arrayValue(depth)
	case c == '"':
		s, err := p.str()
		return jsonValue{kind: jsonString, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return jsonValue{kind: jsonBool, boolean: true}, nil
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return jsonValue{kind: jsonBool}, nil
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return jsonValue{kind: jsonNull}, nil
	}
	return jsonValue{}, p.errorf("invalid JSON value")
}

func (p *jsonParser) objectValue(depth int) (jsonValue, error) {
	p.i++ // {
	start := len(p.members)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return jsonValue{kind: jsonObject}, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return jsonValue{}, p.errorf("expected a member name")
		}
		name, err := p.str()
		if err != nil {
			return jsonValue{}, err
		}
		for _, m := range p.members[start:] {
			if m.name == name {
				return jsonValue{}, &jsonError{"member " + quoteShort(name) + " appears twice"}
			}
		}
		if len(p.members)-start == maxJSONMembers {
			return jsonValue{}, p.errorf("too many members in a JSON object")
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return jsonValue{}, p.errorf("expected ':'")
		}
		p.i++
		p.skipSpace()
		if depth < maxJSONDepth && p.i < len(p.s) && p.s[p.i] == '"' {
			// A string, the usual member value: what value would do.
			text, err := p.str()
			if err != nil {
				return jsonValue{}, err
			}
			p.members = append(p.members, jsonMember{name, jsonValue{kind: jsonString, text: text}})
		} else {
			v, err := p.value(depth + 1)
			if err != nil {
				return jsonValue{}, err
			}
			p.members = append(p.members, jsonMember{name, v})
		}
		p.skipSpace()
		if p.i >= len(p.s) {
			return jsonValue{}, p.errorf("unexpected end of JSON")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			if depth == 0 && p.temp {
				return jsonValue{kind: jsonObject, object: p.members[start:]}, nil
			}
			members := p.finishedMembers(len(p.members) - start)
			copy(members, p.members[start:])
			p.usedMembers = max(p.usedMembers, len(p.members))
			p.members = p.members[:start]
			return jsonValue{kind: jsonObject, object: members}, nil
		default:
			return jsonValue{}, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *jsonParser) arrayValue(depth int) (jsonValue, error) {
	p.i++ // [
	start := len(p.elems)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return jsonValue{kind: jsonArray}, nil
	}
	for {
		if len(p.elems)-start == maxJSONMembers {
			return jsonValue{}, p.errorf("too many elements in a JSON array")
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return jsonValue{}, err
		}
		p.elems = append(p.elems, v)
		p.skipSpace()
		if p.i >= len(p.s) {
			return jsonValue{}, p.errorf("unexpected end of JSON")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			elems := p.finishedElems(len(p.elems) - start)
			copy(elems, p.elems[start:])
			p.usedElems = max(p.usedElems, len(p.elems))
			p.elems = p.elems[:start]
			return jsonValue{kind: jsonArray, array: elems}, nil
		default:
			return jsonValue{}, p.errorf("expected ',' or ']'")
		}
	}
}

// number scans a JSON number literal (RFC 8259 grammar, nothing more).
func (p *jsonParser) number() (jsonValue, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	intStart := p.i
	n := digits()
	if n == 0 || (n > 1 && p.s[intStart] == '0') {
		return jsonValue{}, p.errorf("invalid JSON number")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return jsonValue{}, p.errorf("invalid JSON number")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return jsonValue{}, p.errorf("invalid JSON number")
		}
	}
	return jsonValue{kind: jsonNumber, text: p.s[start:p.i]}, nil
}

// str scans a JSON string and returns its unescaped value. A string without
// escapes is returned as a substring of the input, without copying.
func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			return s, nil
		case c == '\\':
			return p.escapedStr(start)
		case c < 0x20:
			return "", p.errorf("control character in a JSON string")
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.errorf("invalid UTF-8 in a JSON string")
			}
			p.i += size
		}
	}
	return "", p.errorf("unterminated JSON string")
}

func (p *jsonParser) escapedStr(start int) (string, error) {
	var b strings.Builder
	b.WriteString(p.s[start:p.i])
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "", p.errorf("unterminated escape")
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.errorf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					// Only a high surrogate followed by an escaped low one is a character.
					if r >= 0xDC00 || !strings.HasPrefix(p.s[p.i:], `\u`) {
						return "", p.errorf("lone surrogate in a JSON string")
					}
					p.i += 2
					r2, ok := p.hex4()
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return "", p.errorf("lone surrogate in a JSON string")
					}
					r = utf16.DecodeRune(r, r2)
				}
				b.WriteRune(r)
			default:
				return "", p.errorf("invalid escape")
			}
		case c < 0x20:
			return "", p.errorf("control character in a JSON string")
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.errorf("invalid UTF-8 in a JSON string")
			}
			b.WriteString(p.s[p.i : p.i+size])
			p.i += size
		}
	}
	return "", p.errorf("unterminated JSON string")
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(p.s[p.i : p.i+4]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	p.i += 4
	return r, true
}
