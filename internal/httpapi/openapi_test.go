package httpapi

// The OpenAPI document (openapi.json, served at GET /openapi.json) is checked
// twice: statically against the route table and the Go types it describes,
// and live against the handlers, by driving a real server over HTTP through
// every route and validating every answer against the document.
//
// The live server is wired as internal/server wires it (SQLite store, sealed
// keys, login service, this package's handler, over real HTTP); it cannot be
// internal/server.New itself, because that package imports this one.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/signet-id/signet/internal/admin"
	"github.com/signet-id/signet/internal/conversation"
	"github.com/signet-id/signet/internal/events"
	"github.com/signet-id/signet/internal/jwks"
	"github.com/signet-id/signet/internal/login"
	"github.com/signet-id/signet/internal/model"
	"github.com/signet-id/signet/internal/outbound"
	"github.com/signet-id/signet/internal/secretbox"
	"github.com/signet-id/signet/internal/staff"
	"github.com/signet-id/signet/internal/store/sqlite"
	"github.com/signet-id/signet/internal/store/sqlstore"
	"github.com/signet-id/signet/sign"
	"github.com/signet-id/signet/verify"
)

// oaDocURL is the base URL the document is registered under in the validator.
const oaDocURL = "https://signet.invalid/openapi.json"

var oaMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// oaLoadDoc parses the embedded document (the bytes GET /openapi.json serves)
// the way the validator reads JSON (numbers as json.Number).
func oaLoadDoc(t testing.TB) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPI))
	if err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("openapi.json is not a JSON object")
	}
	return doc
}

// oaRouteTable returns the route table as "METHOD /path/{param}" keys.
func oaRouteTable(t testing.TB) []string {
	t.Helper()
	var out []string
	wildcard := regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)
	for _, rt := range (&server{}).routes(http.NotFoundHandler()) {
		method, path, ok := strings.Cut(rt.Pattern(), " ")
		if !ok || !strings.HasPrefix(path, "/") {
			t.Errorf("route %q has no method: every route must name one so the document can describe it", rt.Pattern())
			continue
		}
		path = strings.TrimSuffix(path, "{$}")
		path = wildcard.ReplaceAllString(path, "{$1}")
		out = append(out, method+" "+path)
	}
	return out
}

// oaOperation is one operation of the document.
type oaOperation struct {
	key    string // "POST /api/admin/workspaces"
	method string
	path   string
	segs   []string
	item   map[string]any // the path item
	op     map[string]any
}

func oaOperations(t testing.TB, doc map[string]any) []*oaOperation {
	t.Helper()
	paths, _ := doc["paths"].(map[string]any)
	var out []*oaOperation
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item, _ := paths[path].(map[string]any)
		for _, m := range oaMethods {
			op, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			out = append(out, &oaOperation{key: strings.ToUpper(m) + " " + path, method: strings.ToUpper(m), path: path,
				segs: strings.Split(path, "/"), item: item, op: op})
		}
	}
	return out
}

// oaPointer resolves a local reference "#/a/b~1c" in doc.
func oaPointer(doc map[string]any, ref string) (any, bool) {
	rest, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	var cur any = doc
	if rest == "" {
		return cur, true
	}
	if !strings.HasPrefix(rest, "/") {
		return nil, false
	}
	for _, tok := range strings.Split(rest[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			if cur, ok = c[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// oaDeref follows $ref chains of OpenAPI objects (responses, parameters…).
func oaDeref(doc map[string]any, v any) map[string]any {
	for range 10 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		v, _ = oaPointer(doc, ref)
	}
	return nil
}

// oaWalk calls f on every JSON object within v.
func oaWalk(v any, f func(map[string]any)) {
	switch c := v.(type) {
	case map[string]any:
		f(c)
		for _, x := range c {
			oaWalk(x, f)
		}
	case []any:
		for _, x := range c {
			oaWalk(x, f)
		}
	}
}

// oaRefersTo reports whether schema v refers (through any chain of $refs) to target.
func oaRefersTo(doc map[string]any, v any, target string, seen map[string]bool) bool {
	found := false
	oaWalk(v, func(m map[string]any) {
		ref, ok := m["$ref"].(string)
		if !ok || found {
			return
		}
		if ref == target {
			found = true
			return
		}
		if !seen[ref] {
			seen[ref] = true
			if r, ok := oaPointer(doc, ref); ok && oaRefersTo(doc, r, target, seen) {
				found = true
			}
		}
	})
	return found
}

func TestOpenAPIDocument(t *testing.T) {
	doc := oaLoadDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		t.Errorf("info needs a title and a version")
	}

	// The document describes exactly the route table.
	ops := oaOperations(t, doc)
	var documented []string
	for _, o := range ops {
		documented = append(documented, o.key)
	}
	routes := oaRouteTable(t)
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which is not in the route table", d)
		}
	}
	if len(routes) != len(documented) {
		t.Errorf("%d routes, %d documented operations", len(routes), len(documented))
	}

	schemes := map[string]bool{}
	if comps, ok := doc["components"].(map[string]any); ok {
		if ss, ok := comps["securitySchemes"].(map[string]any); ok {
			for name := range ss {
				schemes[name] = true
			}
		}
	}
	ids := map[string]string{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for _, o := range ops {
		// operationId, unique.
		id, _ := o.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", o.key)
		} else if prev, dup := ids[id]; dup {
			t.Errorf("%s and %s share operationId %q", prev, o.key, id)
		}
		ids[id] = o.key
		if s, _ := o.op["summary"].(string); s == "" {
			t.Errorf("%s has no summary", o.key)
		}
		if s, _ := o.op["description"].(string); s == "" {
			t.Errorf("%s has no description", o.key)
		}

		// Responses: a 2xx, and an error answer with the Error schema.
		responses, _ := o.op["responses"].(map[string]any)
		var success, errorBody bool
		for status, r := range responses {
			code, err := strconv.Atoi(status)
			if err != nil {
				t.Errorf("%s: response %q: use explicit status codes", o.key, status)
				continue
			}
			resp := oaDeref(doc, r)
			if resp == nil || resp["description"] == nil {
				t.Errorf("%s %d: unresolved or without a description", o.key, code)
				continue
			}
			if code >= 200 && code < 300 {
				success = true
			}
			if code >= 400 {
				content, _ := resp["content"].(map[string]any)
				media, _ := content["application/json"].(map[string]any)
				if oaRefersTo(doc, media["schema"], "#/components/schemas/Error", map[string]bool{}) {
					errorBody = true
				} else if o.key != "GET /readyz" || code != 503 {
					t.Errorf("%s %d: an error answer must use the Error schema", o.key, code)
				}
			}
		}
		if !success {
			t.Errorf("%s documents no 2xx answer", o.key)
		}
		if !errorBody {
			t.Errorf("%s documents no error answer with the Error schema", o.key)
		}

		// Every {param} of the path is declared, in path, required; and
		// nothing else is declared in path.
		declared := map[string]bool{}
		for _, list := range []any{o.item["parameters"], o.op["parameters"]} {
			ps, _ := list.([]any)
			for _, p := range ps {
				pm := oaDeref(doc, p)
				if pm["in"] == "path" {
					name, _ := pm["name"].(string)
					declared[name] = true
					if pm["required"] != true {
						t.Errorf("%s: path parameter %s must be required", o.key, name)
					}
					if pm["schema"] == nil {
						t.Errorf("%s: path parameter %s has no schema", o.key, name)
					}
				}
			}
		}
		inPath := map[string]bool{}
		for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
			inPath[m[1]] = true
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", o.key, m[1])
			}
		}
		for name := range declared {
			if !inPath[name] {
				t.Errorf("%s declares path parameter %s, which is not in its path", o.key, name)
			}
		}

		// Security: API token on /api/ (admin and agent) and /metrics (an
		// owner's: it names every workspace's apps), session token on /v1/
		// but login, none elsewhere.
		want := ""
		switch {
		case strings.HasPrefix(o.path, "/api/"), o.path == "/metrics":
			want = "apiToken"
		case strings.HasPrefix(o.path, "/v1/") && !strings.HasSuffix(o.path, "/login"):
			want = "sessionToken"
		}
		sec, ok := o.op["security"].([]any)
		if !ok {
			t.Errorf("%s: state its security (an empty list when none)", o.key)
			continue
		}
		var got []string
		for _, req := range sec {
			for name := range req.(map[string]any) {
				got = append(got, name)
				if !schemes[name] {
					t.Errorf("%s: security scheme %s is not defined", o.key, name)
				}
			}
		}
		if want == "" && len(got) != 0 || want != "" && !slices.Equal(got, []string{want}) {
			t.Errorf("%s: security %v, want [%s]", o.key, got, want)
		}

		// A body is declared exactly where the handler reads one.
		if rb := oaDeref(doc, o.op["requestBody"]); rb != nil {
			content, _ := rb["content"].(map[string]any)
			if _, ok := content["application/json"]; !ok || rb["required"] != true {
				t.Errorf("%s: the request body must be required application/json", o.key)
			}
		}
	}

	// Every answer documents the security headers the middleware sets on
	// all of them (required, with their value as const: the live test checks
	// each answer against it).
	for _, o := range ops {
		for status, r := range oaMapOf(o.op["responses"]) {
			headers := oaMapOf(oaDeref(doc, r)["headers"])
			for _, name := range oaSecurityHeaders {
				h := oaDeref(doc, headers[name])
				if h == nil || h["required"] != true || oaMapOf(h["schema"])["const"] == nil {
					t.Errorf("%s %s: document the security header %s (required, its value as const)", o.key, status, name)
				}
			}
		}
	}

	// Every $ref resolves.
	oaWalk(doc, func(m map[string]any) {
		if ref, ok := m["$ref"].(string); ok {
			if _, ok := oaPointer(doc, ref); !ok {
				t.Errorf("$ref %q does not resolve", ref)
			}
		}
	})

	// The document's schemas compile as JSON Schema 2020-12.
	c := oaCompiler(t, doc)
	schemas, _ := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		if _, err := c.Compile(oaDocURL + "#/components/schemas/" + name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}

	// A server-sent-events answer names the schema of each event's data, and
	// the schemas compile.
	for _, o := range ops {
		for status, r := range oaMapOf(o.op["responses"]) {
			media, ok := oaMapOf(oaDeref(doc, r)["content"])["text/event-stream"]
			if !ok {
				continue
			}
			evs := oaMapOf(oaMapOf(media)["x-sse-events"])
			if len(evs) == 0 {
				t.Errorf("%s %s: a text/event-stream answer needs x-sse-events: each event's name and data schema", o.key, status)
			}
			for name, v := range evs {
				url := fmt.Sprintf("https://signet.invalid/events/%s/%s/%s", o.method, strings.Trim(o.path, "/"), name)
				if err := c.AddResource(url, oaAbsolute(v)); err != nil {
					t.Errorf("%s event %s: %v", o.key, name, err)
				} else if _, err := c.Compile(url); err != nil {
					t.Errorf("%s event %s: %v", o.key, name, err)
				}
			}
		}
	}

	// The Error code enum lists every stable code: the model's and the
	// verification reasons.
	enum := map[string]bool{}
	for _, v := range schemas["ErrorCode"].(map[string]any)["enum"].([]any) {
		enum[v.(string)] = true
	}
	want := oaModelCodes(t)
	for _, r := range verify.Reasons() {
		want = append(want, string(r))
	}
	for _, code := range want {
		if !enum[code] {
			t.Errorf("ErrorCode does not list %q", code)
		}
	}
	if len(enum) != len(want) {
		t.Errorf("ErrorCode lists %d codes, the code base has %d", len(enum), len(want))
	}

	// A session's revoke_reason lists every model.RevokedBy… reason.
	var reasons []string
	for _, v := range oaMapOf(oaMapOf(schemas["Session"])["properties"])["revoke_reason"].(map[string]any)["enum"].([]any) {
		reasons = append(reasons, v.(string))
	}
	if want := oaModelConsts(t, "RevokedBy"); !slices.Equal(slices.Sorted(slices.Values(reasons)), slices.Sorted(slices.Values(want))) {
		t.Errorf("Session revoke_reason lists %v, the model has %v", slices.Sorted(slices.Values(reasons)), slices.Sorted(slices.Values(want)))
	}
}

// oaSecurityHeaders are the headers the middleware sets on every answer.
var oaSecurityHeaders = []string{"Content-Security-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy",
	"X-Content-Type-Options", "Referrer-Policy"}

// oaModelConsts reads the string constants of the model package whose name
// starts with prefix.
func oaModelConsts(t testing.TB, prefix string) []string {
	t.Helper()
	var out []string
	for _, f := range oaParse(t, filepath.Join("..", "model", "*.go")) {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, prefix) || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out = append(out, v)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no model constant named %s…", prefix)
	}
	return out
}

// oaParse parses the Go files (tests left out) that pattern matches.
func oaParse(t testing.TB, pattern string) []*ast.File {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: %v", pattern, err)
	}
	var out []*ast.File
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// oaModelCodes reads every model.Code constant from the model package's source.
func oaModelCodes(t testing.TB) []string {
	t.Helper()
	var codes []string
	for _, f := range oaParse(t, filepath.Join("..", "model", "*.go")) {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						codes = append(codes, s)
					}
				}
			}
		}
	}
	if len(codes) < 10 {
		t.Fatalf("found only %d model codes", len(codes))
	}
	return codes
}

// oaJSONFields returns the JSON field names of a Go type, as encoding/json
// writes them, each with whether it may be omitted.
func oaJSONFields(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			maps.Copy(out, oaJSONFields(ft))
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
	}
	return out
}

// auditWriters are the packages whose actor.Audit calls write the audit log.
// (The staff service's account lifecycle, accounts.go, is checked; its
// sign-in and setup entries are not documented yet.)
var auditWriters = []string{"../admin/", "../staff/accounts"}

// TestOpenAPIAuditActions checks the audit log's document against the
// services that write it (internal/admin, internal/staff): every
// actor.Audit call's action is in the AuditAction
// enum (and nothing else is), with a branch of AuditEntry naming its target
// type and exactly the details it writes.
func TestOpenAPIAuditActions(t *testing.T) {
	doc := oaLoadDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	type written struct {
		target  string
		details []string // nil: AppSettings.changes(), any of the settings given
	}
	calls := map[string]written{}
	var files []*ast.File
	for _, dir := range auditWriters {
		files = append(files, oaParse(t, dir+"*.go")...)
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Audit" || len(call.Args) != 6 {
				return true
			}
			str := func(e ast.Expr) string {
				lit, ok := e.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("an audit call's action and target type must be string literals, so the document can be checked")
					return ""
				}
				v, _ := strconv.Unquote(lit.Value)
				return v
			}
			action, w := str(call.Args[2]), written{target: str(call.Args[3])}
			switch d := call.Args[5].(type) {
			case *ast.CompositeLit:
				w.details = []string{}
				for _, el := range d.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						w.details = append(w.details, str(kv.Key))
					}
				}
			case *ast.CallExpr:
				if s, ok := d.Fun.(*ast.SelectorExpr); !ok || s.Sel.Name != "changes" {
					t.Errorf("audit %s: details must be a map literal or AppSettings.changes()", action)
				}
			default:
				t.Errorf("audit %s: details must be a map literal or AppSettings.changes()", action)
			}
			if prev, dup := calls[action]; dup && (prev.target != w.target || !slices.Equal(prev.details, w.details)) {
				t.Errorf("audit %s is written twice with different targets or details", action)
			}
			calls[action] = w
			return true
		})
	}
	if len(calls) < 10 {
		t.Fatalf("found only %d audit calls", len(calls))
	}
	var enum []string
	for _, v := range oaMapOf(schemas["AuditAction"])["enum"].([]any) {
		enum = append(enum, v.(string))
	}
	if got, want := slices.Sorted(slices.Values(enum)), slices.Sorted(maps.Keys(calls)); !slices.Equal(got, want) {
		t.Errorf("AuditAction lists %v, the handlers write %v", got, want)
	}
	branches := map[string]map[string]any{} // action → then
	for _, b := range oaMapOf(schemas["AuditEntry"])["allOf"].([]any) {
		action, _ := oaMapOf(oaMapOf(oaMapOf(oaMapOf(b)["if"])["properties"])["action"])["const"].(string)
		branches[action] = oaMapOf(oaMapOf(b)["then"])
	}
	settings := slices.Sorted(maps.Keys(oaJSONFields(reflect.TypeOf(admin.AppSettings{}))))
	for action, w := range calls {
		then := branches[action]
		if then == nil {
			t.Errorf("AuditEntry has no branch for %s", action)
			continue
		}
		props := oaMapOf(then["properties"])
		if target := oaMapOf(props["target_type"])["const"]; target != w.target {
			t.Errorf("audit %s: the document's target type %v, the handler writes %q", action, target, w.target)
		}
		details := oaMapOf(props["details"])
		keys := slices.Sorted(maps.Keys(oaMapOf(details["properties"])))
		var required []string
		detailsReq, _ := details["required"].([]any)
		for _, r := range detailsReq {
			required = append(required, r.(string))
		}
		slices.Sort(required)
		thenRequired, _ := then["required"].([]any)
		detailsRequired := slices.Contains(thenRequired, any("details"))
		if details["additionalProperties"] != false {
			t.Errorf("audit %s: details are strict: additionalProperties must be false", action)
		}
		switch {
		case w.details == nil: // any of the settings given, maybe none
			if !slices.Equal(keys, settings) || len(required) != 0 || detailsRequired {
				t.Errorf("audit %s: details %v (required %v), the handler writes any of %v", action, keys, required, settings)
			}
		default: // a literal: every key, always
			want := slices.Sorted(slices.Values(w.details))
			if !slices.Equal(keys, want) || !slices.Equal(required, want) || !detailsRequired {
				t.Errorf("audit %s: details %v (required %v), the handler always writes %v", action, keys, required, want)
			}
		}
	}
}

// oaCompiler returns a JSON Schema 2020-12 compiler that knows the document.
func oaCompiler(t testing.TB, doc map[string]any) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(oaDocURL, doc); err != nil {
		t.Fatal(err)
	}
	return c
}

// oaAbsolute copies schema v with its local $refs made absolute, so that it
// compiles as a resource of its own.
func oaAbsolute(v any) any {
	switch c := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(c))
		for k, x := range c {
			if s, ok := x.(string); ok && k == "$ref" && strings.HasPrefix(s, "#") {
				out[k] = oaDocURL + s
				continue
			}
			out[k] = oaAbsolute(x)
		}
		return out
	case []any:
		out := make([]any, len(c))
		for i, x := range c {
			out[i] = oaAbsolute(x)
		}
		return out
	}
	return v
}

// --- the live check -----------------------------------------------------------

// oaClock is a settable clock shared by the server and the signers.
type oaClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *oaClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *oaClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// oaChecker sends requests and validates every answer against the document.
type oaChecker struct {
	t        *testing.T
	base     string
	client   *http.Client
	doc      map[string]any
	ops      []*oaOperation
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
	inline   int

	seen      map[string]map[int]int // operation → status → answers
	validated int                    // answers validated
	bodies    int                    // answer bodies validated against a schema
	requests  int                    // request bodies checked against the document
	samples   map[string]any         // operation → a 2xx JSON object answer
	events    int                    // server-sent events validated against a schema
	streams   []*oaStream            // streams opened, closed by closeStreams
}

// oaAnswer is one answer.
type oaAnswer struct {
	status int
	header http.Header
	raw    []byte
	v      any // encoding/json's reading of a JSON body
}

func (a *oaAnswer) obj() map[string]any { m, _ := a.v.(map[string]any); return m }
func (a *oaAnswer) str(name string) string {
	s, _ := a.obj()[name].(string)
	return s
}
func (a *oaAnswer) code() string {
	e, _ := a.obj()["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// match finds the documented operation of a request, preferring literal
// segments over parameters, as http.ServeMux does.
func (c *oaChecker) match(method, path string) *oaOperation {
	segs := strings.Split(path, "/")
	var best *oaOperation
	bestLit := -1
	for _, o := range c.ops {
		if o.method != method || len(o.segs) != len(segs) {
			continue
		}
		lit, ok := 0, true
		for i, s := range o.segs {
			switch {
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
				ok = ok && segs[i] != ""
			case s == segs[i]:
				lit++
			default:
				ok = false
			}
		}
		if ok && lit > bestLit {
			best, bestLit = o, lit
		}
	}
	return best
}

// schema compiles (once) the schema at the location named key.
func (c *oaChecker) schema(key string, v any) *jsonschema.Schema {
	if s, ok := c.schemas[key]; ok {
		return s
	}
	c.inline++
	url := fmt.Sprintf("https://signet.invalid/inline/%d.json", c.inline)
	if err := c.compiler.AddResource(url, oaAbsolute(v)); err != nil {
		c.t.Fatalf("%s: %v", key, err)
	}
	s, err := c.compiler.Compile(url)
	if err != nil {
		c.t.Fatalf("%s: %v", key, err)
	}
	c.schemas[key] = s
	return s
}

type oaOption func(*http.Request)

func oaContentType(ct string) oaOption {
	return func(r *http.Request) { r.Header.Set("Content-Type", ct) }
}

func oaHeader(name, value string) oaOption {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

// do sends a request; body is nil (none), a string (sent as is) or a value
// (sent as JSON). The answer is validated against the document.
func (c *oaChecker) do(method, path, bearer string, body any, opts ...oaOption) *oaAnswer {
	c.t.Helper()
	var sent []byte
	switch b := body.(type) {
	case nil:
	case string:
		sent = []byte(b)
	default:
		var err error
		if sent, err = json.Marshal(b); err != nil {
			c.t.Fatal(err)
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(sent)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	a := &oaAnswer{status: resp.StatusCode, header: resp.Header, raw: raw}
	json.Unmarshal(raw, &a.v)
	c.check(method, path, sent, body != nil, a)
	return a
}

// check validates one answer against the document.
func (c *oaChecker) check(method, path string, sent []byte, hasBody bool, a *oaAnswer) {
	c.t.Helper()
	urlPath, _, _ := strings.Cut(path, "?")
	o := c.match(method, urlPath)
	if o == nil {
		c.t.Errorf("%s %s: no documented operation", method, path)
		return
	}
	where := fmt.Sprintf("%s %s (%s) → %d", method, path, o.key, a.status)
	if c.seen[o.key] == nil {
		c.seen[o.key] = map[int]int{}
	}
	c.seen[o.key][a.status]++
	c.validated++

	responses := o.op["responses"].(map[string]any)
	r, ok := responses[strconv.Itoa(a.status)]
	if !ok {
		c.t.Errorf("%s: status not documented; body %.300s", where, a.raw)
		return
	}
	resp := oaDeref(c.doc, r)
	for name, ref := range oaMapOf(resp["headers"]) {
		h := oaDeref(c.doc, ref)
		value := a.header.Get(name)
		if value == "" {
			if h["required"] == true {
				c.t.Errorf("%s: header %s is documented as required and missing", where, name)
			}
			continue
		}
		// The value, against the header's schema (an integer or a string).
		schema := h["schema"]
		var inst any = value
		if oaMapOf(schema)["type"] == "integer" {
			if _, err := strconv.Atoi(value); err != nil {
				c.t.Errorf("%s: header %s: %q is not an integer", where, name, value)
				continue
			}
			inst = json.Number(value)
		}
		if err := c.schema(o.key+" "+strconv.Itoa(a.status)+" header "+name, schema).Validate(inst); err != nil {
			c.t.Errorf("%s: header %s does not match the document: %v", where, name, err)
		}
	}
	content := oaMapOf(resp["content"])
	if len(content) == 0 {
		if len(a.raw) != 0 {
			c.t.Errorf("%s: documented without a body, answered %.300q", where, a.raw)
		}
	} else {
		mt, _, err := mime.ParseMediaType(a.header.Get("Content-Type"))
		media := oaMapOf(content[mt])
		switch {
		case err != nil || media == nil:
			c.t.Errorf("%s: Content-Type %q; documented: %v", where, a.header.Get("Content-Type"), slices.Sorted(maps.Keys(content)))
		default:
			var inst any = string(a.raw)
			if mt == "application/json" {
				if inst, err = jsonschema.UnmarshalJSON(bytes.NewReader(a.raw)); err != nil {
					c.t.Errorf("%s: the body is not JSON: %v: %.300q", where, err, a.raw)
					break
				}
			}
			s := c.schema(o.key+" "+strconv.Itoa(a.status)+" "+mt, media["schema"])
			if err := s.Validate(inst); err != nil {
				c.t.Errorf("%s: the body does not match the document: %v\nbody: %.1000s", where, err, a.raw)
			}
			c.bodies++
			if m, ok := inst.(map[string]any); ok && a.status < 300 && c.samples[o.key] == nil {
				c.samples[o.key] = m
			}
		}
	}

	// The request body: what the handler took must be what the document
	// allows, and an unknown field it refused must be one the document refuses.
	rb := oaDeref(c.doc, o.op["requestBody"])
	if !hasBody || rb == nil {
		return
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sent))
	if err != nil {
		return // not JSON: nothing to compare
	}
	s := c.schema(o.key+" request", oaMapOf(oaMapOf(rb["content"])["application/json"])["schema"])
	verr := s.Validate(inst)
	switch {
	case a.status < 300 && verr != nil:
		c.t.Errorf("%s: the handler took a body the document refuses: %v\nbody: %s", where, verr, sent)
	case a.code() == "unknown_field" && verr == nil:
		c.t.Errorf("%s: the handler refused an unknown field the document allows: %s", where, sent)
	}
	c.requests++
}

func oaMapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }

// oaStream is an open server-sent-events stream. Its answer is checked
// against the document when it closes: status, headers, media type, and the
// text read (as a string); each event is checked as it is read, its data
// against the schema the media type's x-sse-events names for it.
type oaStream struct {
	c      *oaChecker
	path   string
	cancel context.CancelFunc
	resp   *http.Response
	lines  chan string
	done   chan struct{}
	raw    bytes.Buffer // what was read, as sent
	closed bool
}

// oaEvent is one event of a stream.
type oaEvent struct {
	name, id string
	data     map[string]any
}

// stream opens GET path as a stream and reads until its ": connected"
// comment. An answer that is not a stream is read and checked as do checks
// it, and returned instead.
func (c *oaChecker) stream(path, bearer string) (*oaStream, *oaAnswer) {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := (&http.Client{Transport: c.client.Transport}).Do(req)
	if err != nil {
		cancel()
		c.t.Fatalf("GET %s: %v", path, err)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); resp.StatusCode != http.StatusOK || mt != "text/event-stream" {
		defer cancel()
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			c.t.Fatalf("GET %s: %v", path, err)
		}
		a := &oaAnswer{status: resp.StatusCode, header: resp.Header, raw: raw}
		json.Unmarshal(raw, &a.v)
		c.check("GET", path, nil, false, a)
		return nil, a
	}
	s := &oaStream{c: c, path: path, cancel: cancel, resp: resp, lines: make(chan string), done: make(chan struct{})}
	c.streams = append(c.streams, s)
	go func() {
		defer close(s.done)
		defer close(s.lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			select {
			case s.lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	if comments, ev := s.block(); ev != nil || !slices.Equal(comments, []string{"connected"}) {
		c.t.Fatalf("GET %s: the stream starts with %q %v, want the comment \": connected\"", path, comments, ev)
	}
	return s, nil
}

// block reads one block of lines up to a blank line: its comments, and its
// event if it has fields.
func (s *oaStream) block() (comments []string, ev *oaEvent) {
	s.c.t.Helper()
	var data []string
	timeout := time.After(10 * time.Second)
	for {
		var line string
		var ok bool
		select {
		case line, ok = <-s.lines:
		case <-timeout:
			s.c.t.Fatalf("GET %s: nothing for 10 s; read so far:\n%s", s.path, s.raw.String())
		}
		if !ok {
			s.c.t.Fatalf("GET %s: the stream ended; read:\n%s", s.path, s.raw.String())
		}
		s.raw.WriteString(line + "\n")
		if line == "" {
			if ev != nil {
				var v any
				if err := json.Unmarshal([]byte(strings.Join(data, "\n")), &v); err != nil {
					s.c.t.Errorf("GET %s: event %s: the data is not JSON: %v: %q", s.path, ev.name, err, data)
				}
				ev.data, _ = v.(map[string]any)
			}
			if ev == nil && comments == nil {
				continue // a stray blank line
			}
			return comments, ev
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		if field == "" {
			comments = append(comments, value)
			continue
		}
		if ev == nil {
			ev = &oaEvent{}
		}
		switch field {
		case "event":
			ev.name = value
		case "id":
			ev.id = value
		case "data":
			data = append(data, value)
		default:
			s.c.t.Errorf("GET %s: unknown field %q", s.path, line)
		}
	}
}

// event reads up to the next event (skipping ": ping" comments), checks
// that it is named name, and validates its data against the document.
func (s *oaStream) event(name string) *oaEvent {
	s.c.t.Helper()
	c := s.c
	var ev *oaEvent
	for ev == nil {
		var comments []string
		comments, ev = s.block()
		for _, cm := range comments {
			if cm != "ping" {
				c.t.Errorf("GET %s: unexpected comment %q", s.path, cm)
			}
		}
	}
	if ev.name != name {
		c.t.Fatalf("GET %s: event %q, want %q; data %v", s.path, ev.name, name, ev.data)
	}
	o := c.match("GET", strings.SplitN(s.path, "?", 2)[0])
	media := oaMapOf(oaMapOf(oaMapOf(oaDeref(c.doc, oaMapOf(o.op["responses"])["200"]))["content"])["text/event-stream"])
	schema, ok := oaMapOf(media["x-sse-events"])[name]
	if !ok {
		c.t.Errorf("%s: event %q is not documented in x-sse-events", o.key, name)
		return ev
	}
	sc := c.schema(o.key+" event "+name, schema)
	if ev.data == nil {
		c.t.Fatalf("%s: event %s: the data is not a JSON object", o.key, name)
	}
	raw, _ := json.Marshal(ev.data)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	if err := sc.Validate(inst); err != nil {
		c.t.Errorf("%s: event %s does not match the document: %v\ndata: %s", o.key, name, err, raw)
	}
	// Strict, as the JSON answers: a renamed field fails.
	for field := range ev.data {
		m := maps.Clone(inst.(map[string]any))
		m[field+"_renamed"] = m[field]
		delete(m, field)
		if sc.Validate(m) == nil {
			c.t.Errorf("%s: event %s: the schema accepts the data with %q renamed", o.key, name, field)
		}
	}
	c.events++
	return ev
}

// ended reads until the server ends the stream, with no event on the way.
func (s *oaStream) ended() {
	s.c.t.Helper()
	select {
	case line, ok := <-s.lines:
		if ok {
			s.c.t.Fatalf("GET %s: read %q, want the end of the stream", s.path, line)
		}
	case <-time.After(10 * time.Second):
		s.c.t.Fatalf("GET %s: the stream did not end", s.path)
	}
}

// close ends the stream and checks its answer against the document.
func (s *oaStream) close() {
	s.c.t.Helper()
	if s.closed {
		return
	}
	s.closed = true
	s.cancel()
	<-s.done
	s.resp.Body.Close()
	s.c.check("GET", s.path, nil, false, &oaAnswer{status: s.resp.StatusCode, header: s.resp.Header, raw: s.raw.Bytes()})
}

// closeStreams ends every stream still open (a test that failed midway), so
// that the servers can stop.
func (c *oaChecker) closeStreams() {
	for _, s := range c.streams {
		if !s.closed {
			s.closed = true
			s.cancel()
			<-s.done
			s.resp.Body.Close()
		}
	}
}

// want asserts an answer's status and, for an error, its code.
func (c *oaChecker) want(a *oaAnswer, status int, code string) *oaAnswer {
	c.t.Helper()
	if a.status != status || code != "" && a.code() != code {
		c.t.Fatalf("answered %d %s, want %d %s; body %.500s", a.status, a.code(), status, code, a.raw)
	}
	return a
}

// oaScenario is one request of a live test and the answer it must get: a
// status and, for an error, its code ("" for any). The checker validates
// every answer, and every body sent, against openapi.json.
type oaScenario struct {
	method, path, bearer string
	body                 any
	status               int
	code                 string
}

// run sends each scenario in order, failing at the first whose answer is
// not the one wanted.
func (c *oaChecker) run(scenarios []oaScenario) {
	c.t.Helper()
	for _, s := range scenarios {
		c.want(c.do(s.method, s.path, s.bearer, s.body), s.status, s.code)
	}
}

// oaStore opens a fresh SQLite store and a secret box under a random
// master key, for a live test; the store closes at cleanup.
func oaStore(t *testing.T) (*sqlstore.Store, *secretbox.Box) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "signet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	master := make([]byte, 32)
	rand.Read(master)
	box, err := secretbox.New(master)
	if err != nil {
		t.Fatal(err)
	}
	return st, box
}

// newOAChecker checks every answer of srv, and every request body sent to
// it, against openapi.json.
func newOAChecker(t *testing.T, srv *httptest.Server) *oaChecker {
	doc := oaLoadDoc(t)
	return &oaChecker{t: t, base: srv.URL, client: srv.Client(), doc: doc, ops: oaOperations(t, doc),
		compiler: oaCompiler(t, doc), schemas: map[string]*jsonschema.Schema{},
		seen: map[string]map[int]int{}, samples: map[string]any{}}
}

func TestOpenAPILive(t *testing.T) {
	ctx := t.Context()
	st, box := oaStore(t)
	clock := &oaClock{now: time.Now().UTC().Truncate(time.Second)}
	var draining atomic.Bool
	const owner = "owner-token-for-the-openapi-live-test-0123456789"
	// newServer wires a server as internal/server does, with its own
	// live-update bus (nil: live updates off) and shutdown signal; opts
	// change its configuration (brute-force limits, trusted proxies).
	// A brand's JWKS on loopback HTTPS, which the outbound policy lets through.
	jwksKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwksSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		x, y := make([]byte, 32), make([]byte, 32)
		jwksKey.X.FillBytes(x)
		jwksKey.Y.FillBytes(y)
		fmt.Fprintf(w, `{"keys":[{"kty":"EC","crv":"P-256","kid":"2026-12","x":"%s","y":"%s"}]}`,
			base64.RawURLEncoding.EncodeToString(x), base64.RawURLEncoding.EncodeToString(y))
	}))
	defer jwksSrv.Close()
	policy, _ := outbound.ParsePolicy("127.0.0.1")
	policy.RootCAs = jwksSrv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	fetcher := jwks.New(st, box, policy, nil)
	defer fetcher.Close()
	newServer := func(bus events.Bus, stopping <-chan struct{}, opts ...func(*Config)) *httptest.Server {
		conv := &conversation.Service{Store: st, Bus: bus, Now: clock.Now}
		adm := admin.New(st, box, clock.Now, nil)
		adm.UseJWKS(fetcher)
		cfg := Config{Database: st, Logins: &login.Service{Store: st, Box: box, Now: clock.Now}, Admin: adm,
			Registry: prometheus.NewRegistry(), AdminToken: owner, Now: clock.Now, Draining: draining.Load,
			Conversations: conv, Bus: bus, Stopping: stopping,
			Staff: staff.New(staff.Config{Store: st, Now: clock.Now, AdminToken: owner})}
		for _, o := range opts {
			o(&cfg)
		}
		return httptest.NewServer(New(cfg))
	}
	start := clock.Now()
	bus := events.NewLocal()
	defer bus.Close()
	srv := newServer(bus, nil)
	defer srv.Close()

	c := newOAChecker(t, srv)
	c.client.Timeout = time.Minute // do never reads a stream: a stream answered by mistake fails, not hangs
	defer c.closeStreams()         // before the servers close, which waits for open requests
	// on runs f against another server (same store and clock).
	on := func(other *httptest.Server, f func()) {
		defer func(base string) { c.base = base }(c.base)
		c.base = other.URL
		f()
	}

	// --- operations
	c.want(c.do("GET", "/healthz", "", nil), 200, "")
	c.want(c.do("GET", "/readyz", "", nil), 200, "")
	draining.Store(true)
	c.want(c.do("GET", "/readyz", "", nil), 503, "")
	draining.Store(false)
	c.want(c.do("GET", "/metrics", "", nil), 401, "unauthenticated")
	c.want(c.do("GET", "/metrics", owner, nil), 200, "")
	if a := c.want(c.do("GET", "/openapi.json", "", nil), 200, ""); !bytes.Equal(a.raw, openAPI) {
		t.Errorf("GET /openapi.json does not serve openapi.json")
	}

	// --- workspaces
	c.run([]oaScenario{
		{"GET", "/api/admin/workspaces", "", nil, 401, "unauthenticated"},
		{"GET", "/api/admin/workspaces", "not-a-token", nil, 401, "unauthenticated"},
		{"GET", "/api/admin/workspaces", "sat_" + strings.Repeat("A", 43), nil, 401, "unauthenticated"},
	})
	ws := c.want(c.do("POST", "/api/admin/workspaces", owner, map[string]any{"name": "Acme Games"}), 201, "").str("id")
	ws2 := c.want(c.do("POST", "/api/admin/workspaces", owner, map[string]any{"name": "Other brand"}), 201, "").str("id")
	c.run([]oaScenario{
		{"POST", "/api/admin/workspaces", owner, map[string]any{}, 400, "invalid_request"},
		{"POST", "/api/admin/workspaces", owner, map[string]any{"name": "x", "nmae": "typo"}, 400, "unknown_field"},
		{"POST", "/api/admin/workspaces", owner, `{"name": `, 400, "invalid_json"},
		{"POST", "/api/admin/workspaces", owner, `{"name": 7}`, 400, "invalid_json"},
		{"POST", "/api/admin/workspaces", owner, ``, 400, "invalid_json"},
	})
	c.want(c.do("POST", "/api/admin/workspaces", owner, `{"name":"a"}`, oaContentType("text/html")), 400, "invalid_json")
	c.run([]oaScenario{
		{"POST", "/api/admin/workspaces", owner, `{"name":"` + strings.Repeat("a", maxBody) + `"}`, 413, "body_too_large"},
		{"GET", "/api/admin/workspaces", owner, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws, owner, nil, 200, ""},
		{"GET", "/api/admin/workspaces/ws_aaaaaaaaaaaaaaaa", owner, nil, 404, "not_found"},
		{"GET", "/api/admin/workspaces/nonsense", owner, nil, 404, "not_found"},
	})

	// --- apps, one per profile
	apps := map[verify.Profile]string{}
	for _, a := range []struct {
		profile  verify.Profile
		settings map[string]any
	}{
		{verify.Signet, map[string]any{"platform": "web"}},
		{verify.HelpshiftLegacy, map[string]any{"platform": "ios", "enforcement": "enforce", "on_failure": "anonymous", "user_id_pattern": "[0-9a-z-]+"}},
		{verify.Intercom, map[string]any{"platform": "android", "enforcement": "monitor"}},
		{verify.Akece, map[string]any{"platform": "web", "max_token_lifetime": 600}},
		{verify.PylonHMAC, map[string]any{"platform": "web", "on_failure": "reject"}},
		{verify.HelpshiftUserHub, map[string]any{"platform": "android", "full_privacy": false}},
		{verify.PylonJWT, map[string]any{"platform": "web"}},
	} {
		body := map[string]any{"name": "App " + string(a.profile), "profile": a.profile}
		maps.Copy(body, a.settings)
		app := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/apps", owner, body), 201, "")
		if app.str("profile") != string(a.profile) {
			t.Fatalf("created app has profile %q, want %s", app.str("profile"), a.profile)
		}
		apps[a.profile] = app.str("id")
	}
	offApp := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/apps", owner,
		map[string]any{"name": "Legacy web", "platform": "web", "profile": "intercom", "enforcement": "off"}), 201, "").str("id")
	c.run([]oaScenario{
		{"POST", "/api/admin/workspaces/" + ws + "/apps", owner, map[string]any{"name": "x", "platform": "windows"}, 400, ""},
		{"POST", "/api/admin/workspaces/" + ws + "/apps", owner, map[string]any{"name": "x", "platform": "ios", "profile": "okta"}, 400, "invalid_request"},
		{"POST", "/api/admin/workspaces/" + ws + "/apps", owner, map[string]any{"name": "x", "platform": "ios", "enforce": "on"}, 400, "unknown_field"},
		{"POST", "/api/admin/workspaces/ws_aaaaaaaaaaaaaaaa/apps", owner, map[string]any{"name": "x", "platform": "ios"}, 404, "not_found"},
		{"GET", "/api/admin/workspaces/" + ws + "/apps", owner, nil, 200, ""},
		{"GET", "/api/admin/workspaces/ws_aaaaaaaaaaaaaaaa/apps", owner, nil, 404, "not_found"},
		{"GET", "/api/admin/apps/" + apps[verify.Signet], owner, nil, 200, ""},
		{"GET", "/api/admin/apps/app_aaaaaaaaaaaaaaaa", owner, nil, 404, "not_found"},
		{"PATCH", "/api/admin/apps/" + apps[verify.Intercom], owner, map[string]any{"name": "Android app"}, 200, ""},
		{"PATCH", "/api/admin/apps/" + apps[verify.Intercom], owner, map[string]any{"enforcement": "strict"}, 400, "invalid_request"},
		{"PATCH", "/api/admin/apps/" + apps[verify.Intercom], owner, map[string]any{"max_token_lifetime": 5}, 400, "invalid_request"},
		{"PATCH", "/api/admin/apps/" + apps[verify.Intercom], owner, map[string]any{"full_privacy": "yes"}, 400, "invalid_json"},
		{"PATCH", "/api/admin/apps/app_aaaaaaaaaaaaaaaa", owner, map[string]any{"name": "x"}, 404, "not_found"},
	})

	// --- keys: generated for every app, one imported
	secrets := map[verify.Profile]string{}
	keyIDs := map[verify.Profile]string{}
	for p, app := range apps {
		k := c.want(c.do("POST", "/api/admin/apps/"+app+"/keys", owner, map[string]any{}), 201, "")
		if k.str("secret") == "" || k.str("state") != "active" {
			t.Fatalf("created key: %s", k.raw)
		}
		secrets[p], keyIDs[p] = k.str("secret"), k.str("id")
	}
	imported := c.want(c.do("POST", "/api/admin/apps/"+apps[verify.HelpshiftLegacy]+"/keys", owner,
		map[string]any{"secret": "acme-helpshift-secret-2019"}), 201, "")
	if imported.obj()["imported"] != true || imported.obj()["weak"] != false || imported.str("secret") != "acme-helpshift-secret-2019" {
		t.Fatalf("imported key: %s", imported.raw)
	}
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.HelpshiftLegacy]+"/keys", owner, map[string]any{"secret": "short"}), 400, "weak_secret")
	weakKey := c.want(c.do("POST", "/api/admin/apps/"+apps[verify.HelpshiftLegacy]+"/keys", owner, map[string]any{"secret": "short", "force": true}), 201, "")
	if weakKey.obj()["weak"] != true || weakKey.obj()["imported"] != true {
		t.Errorf("a forced short secret: %s", weakKey.raw)
	}
	if l := c.want(c.do("GET", "/api/admin/apps/"+apps[verify.HelpshiftLegacy]+"/keys", owner, nil), 200, ""); !bytes.Contains(l.raw, []byte(`"weak":true`)) {
		t.Errorf("the key list does not flag the weak key: %s", l.raw)
	}
	// One secret never serves two profiles in a workspace; another workspace may use it.
	c.run([]oaScenario{
		{"POST", "/api/admin/apps/" + apps[verify.Intercom] + "/keys", owner, map[string]any{"secret": "acme-helpshift-secret-2019"}, 409, "conflict"},
		{"POST", "/api/admin/apps/" + apps[verify.PylonJWT] + "/keys", owner, map[string]any{"secret": secrets[verify.Signet]}, 409, "conflict"},
		{"POST", "/api/admin/apps/" + apps[verify.PylonHMAC] + "/keys", owner, map[string]any{"secret": "not hex at all, not hex at all"}, 400, "invalid_request"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys", owner, map[string]any{"secret": 12}, 400, "invalid_json"},
		{"POST", "/api/admin/apps/app_aaaaaaaaaaaaaaaa/keys", owner, map[string]any{}, 404, "not_found"},
	})
	spare := c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, map[string]any{}), 201, "").str("id")
	if a := c.want(c.do("GET", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, nil), 200, ""); bytes.Contains(a.raw, []byte(secrets[verify.Signet])) {
		t.Errorf("the key list shows a secret")
	}
	c.want(c.do("PATCH", "/api/admin/apps/"+apps[verify.Signet], owner, map[string]any{"profile": "intercom"}), 409, "conflict")

	// --- public keys (signet apps), and a JWKS
	pubPEM, _ := verify.MarshalPublicKey(&jwksKey.PublicKey)
	pk := c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, map[string]any{"algorithm": "ES256", "public_key": pubPEM}), 201, "")
	if pk.str("algorithm") != "ES256" || pk.obj()["secret"] != nil || pk.str("state") != "active" {
		t.Errorf("created public key: %s", pk.raw)
	}
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, map[string]any{"algorithm": "RS256", "public_key": pubPEM}), 400, "invalid_request")
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, map[string]any{"algorithm": "HS256", "public_key": pubPEM}), 400, "invalid_request")
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, map[string]any{"algorithm": "ES256", "public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}), 400, "invalid_request")
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, map[string]any{"algorithm": "ES256", "public_key": pubPEM, "secret": "x"}), 400, "invalid_request")
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Intercom]+"/keys", owner, map[string]any{"algorithm": "ES256", "public_key": pubPEM}), 400, "invalid_request")
	c.want(c.do("PATCH", "/api/admin/apps/"+apps[verify.Signet], owner, map[string]any{"jwks_url": "http://brand.example/jwks.json"}), 400, "invalid_request")
	c.want(c.do("PATCH", "/api/admin/apps/"+apps[verify.Signet], owner, map[string]any{"jwks_url": "https://169.254.169.254/latest"}), 400, "invalid_request")
	c.want(c.do("PATCH", "/api/admin/apps/"+apps[verify.Intercom], owner, map[string]any{"jwks_url": jwksSrv.URL + "/jwks.json"}), 400, "invalid_request")
	c.want(c.do("GET", "/api/admin/apps/"+apps[verify.Signet]+"/jwks", owner, nil), 404, "not_found")
	if a := c.want(c.do("PATCH", "/api/admin/apps/"+apps[verify.Signet], owner, map[string]any{"jwks_url": jwksSrv.URL + "/jwks.json"}), 200, ""); a.str("jwks_url") != jwksSrv.URL+"/jwks.json" {
		t.Errorf("jwks_url not saved: %s", a.raw)
	}
	if f := c.want(c.do("GET", "/api/admin/apps/"+apps[verify.Signet]+"/jwks", owner, nil), 200, ""); f.obj()["key_count"] != 1.0 || f.obj()["error"] != nil {
		t.Errorf("the first fetch: %s", f.raw)
	}
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/jwks/refresh", owner, nil), 200, "")
	c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Intercom]+"/jwks/refresh", owner, nil), 404, "not_found")
	if l := c.want(c.do("GET", "/api/admin/apps/"+apps[verify.Signet]+"/keys", owner, nil), 200, ""); !bytes.Contains(l.raw, []byte(`"kid":"2026-12"`)) {
		t.Errorf("the JWKS key is not among the app's keys: %s", l.raw)
	}

	// --- API tokens and accounts
	adminAns := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/tokens", owner, map[string]any{"role": "admin", "name": "deploy script"}), 201, "")
	adminTok, adminID := adminAns.str("token"), adminAns.str("id")
	agent := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/tokens", adminTok, map[string]any{"role": "agent"}), 201, "")
	agentTok, agentID := agent.str("token"), agent.str("id")
	otherTok := c.want(c.do("POST", "/api/admin/workspaces/"+ws2+"/tokens", owner, map[string]any{"role": "admin"}), 201, "").str("token")
	c.run([]oaScenario{
		{"POST", "/api/admin/workspaces/" + ws + "/tokens", owner, map[string]any{"role": "owner"}, 400, "invalid_request"},
		{"POST", "/api/admin/workspaces/" + ws + "/tokens", agentTok, map[string]any{"role": "admin"}, 403, "forbidden"},
		{"POST", "/api/admin/workspaces/" + ws + "/tokens", otherTok, map[string]any{"role": "admin"}, 404, "not_found"},
		{"GET", "/api/admin/workspaces/" + ws + "/tokens", adminTok, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws + "/tokens", agentTok, nil, 403, "forbidden"},
		{"POST", "/api/admin/workspaces", adminTok, map[string]any{"name": "Mine"}, 403, "forbidden"},
		{"GET", "/api/admin/workspaces", agentTok, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws, agentTok, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws, otherTok, nil, 404, "not_found"},
		{"GET", "/api/admin/apps/" + apps[verify.Signet], agentTok, nil, 403, "forbidden"},
		{"GET", "/api/admin/apps/" + apps[verify.Signet], otherTok, nil, 404, "not_found"},
		{"GET", "/api/admin/workspaces/" + ws + "/apps", agentTok, nil, 403, "forbidden"},
		{"POST", "/api/admin/workspaces/" + ws + "/apps", agentTok, map[string]any{"name": "x", "platform": "ios"}, 403, "forbidden"},
		{"PATCH", "/api/admin/apps/" + apps[verify.Signet], agentTok, map[string]any{"name": "x"}, 403, "forbidden"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys", agentTok, map[string]any{}, 403, "forbidden"},
		{"GET", "/api/admin/apps/" + apps[verify.Signet] + "/keys", agentTok, nil, 403, "forbidden"},
		{"GET", "/api/admin/apps/" + apps[verify.Signet] + "/keys", adminTok, nil, 200, ""},
		{"POST", "/api/admin/workspaces/" + ws + "/accounts", adminTok, map[string]any{"email": "agent@acme.example", "password": "correct horse battery", "role": "agent"}, 201, ""},
		{"POST", "/api/admin/workspaces/" + ws + "/accounts", adminTok, map[string]any{"email": "agent@acme.example", "password": "correct horse battery", "role": "agent"}, 409, "conflict"},
		{"POST", "/api/admin/workspaces/" + ws + "/accounts", adminTok, map[string]any{"email": "admin@acme.example", "password": "short", "role": "admin"}, 400, "invalid_request"},
		{"POST", "/api/admin/workspaces/" + ws + "/accounts", agentTok, map[string]any{"email": "x@acme.example", "password": "correct horse battery", "role": "agent"}, 403, "forbidden"},
		{"GET", "/api/admin/workspaces/" + ws + "/accounts", adminTok, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws + "/accounts", agentTok, nil, 403, "forbidden"},
		{"GET", "/api/admin/workspaces/" + ws + "/audit", agentTok, nil, 403, "forbidden"},
		{"GET", "/api/admin/audit", agentTok, nil, 403, "forbidden"},
		{"GET", "/api/admin/audit", adminTok, nil, 403, "forbidden"},
	})
	// The account lifecycle (staff_accounts.go): a workspace admin acts
	// on its workspace's accounts only.
	keptAcc := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminTok,
		map[string]any{"email": "kept@acme.example", "password": "correct horse battery", "role": "agent"}), 201, "").str("id")
	leaver := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/accounts", adminTok,
		map[string]any{"email": "leaver@acme.example", "password": "correct horse battery", "role": "agent"}), 201, "").str("id")
	c.want(c.do("GET", "/api/admin/accounts/"+leaver, adminTok, nil), 200, "")
	c.want(c.do("GET", "/api/admin/accounts/"+leaver, otherTok, nil), 404, "not_found")
	c.want(c.do("GET", "/api/admin/accounts/"+leaver, agentTok, nil), 403, "forbidden")
	c.want(c.do("PATCH", "/api/admin/accounts/"+leaver, adminTok, map[string]any{"role": "admin"}), 200, "")
	c.want(c.do("PATCH", "/api/admin/accounts/"+leaver, adminTok, map[string]any{"role": "owner"}), 403, "forbidden")
	c.want(c.do("PATCH", "/api/admin/accounts/"+leaver, adminTok, map[string]any{"role": "boss"}), 400, "invalid_request")
	c.want(c.do("PATCH", "/api/admin/accounts/"+leaver, otherTok, map[string]any{"role": "agent"}), 404, "not_found")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/password-reset", adminTok, nil), 201, "")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/password-reset", agentTok, nil), 403, "forbidden")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/disable", agentTok, nil), 403, "forbidden")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/disable", adminTok, nil), 200, "")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/password-reset", adminTok, nil), 409, "conflict")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/enable", otherTok, nil), 404, "not_found")
	c.want(c.do("POST", "/api/admin/accounts/"+leaver+"/enable", adminTok, nil), 200, "")
	c.want(c.do("DELETE", "/api/admin/accounts/"+leaver, agentTok, nil), 403, "forbidden")
	c.want(c.do("DELETE", "/api/admin/accounts/"+leaver, adminTok, nil), 204, "")
	c.want(c.do("DELETE", "/api/admin/accounts/"+leaver, adminTok, nil), 404, "not_found")
	// One's own password, with a dashboard session as the bearer token.
	sessText, sessHash := admin.NewTokenText()
	if err := st.CreateAPIToken(ctx, &model.APIToken{ID: model.NewID("tok"), WorkspaceID: ws, Role: model.RoleAgent, Kind: model.TokenDashboard,
		Name: "dashboard: kept@acme.example", TokenHash: sessHash, CreatedAt: clock.Now(), AccountID: keptAcc}, nil); err != nil {
		t.Fatal(err)
	}
	c.want(c.do("POST", "/api/admin/account/password", sessText,
		map[string]any{"current_password": "not the password", "new_password": "a new horse battery"}), 403, "forbidden")
	c.want(c.do("POST", "/api/admin/account/password", sessText,
		map[string]any{"current_password": "correct horse battery", "new_password": "short"}), 400, "invalid_request")
	c.want(c.do("POST", "/api/admin/account/password", adminTok,
		map[string]any{"current_password": "correct horse battery", "new_password": "a new horse battery"}), 403, "forbidden")
	c.want(c.do("POST", "/api/admin/account/password", sessText,
		map[string]any{"current_password": "correct horse battery", "new_password": "a new horse battery"}), 204, "")
	// Instance-wide tokens: owner and metrics.
	c.want(c.do("GET", "/api/admin/tokens", owner, nil), 200, "")
	c.want(c.do("GET", "/api/admin/tokens", adminTok, nil), 403, "forbidden")
	c.want(c.do("POST", "/api/admin/tokens", owner, map[string]any{"role": "admin"}), 400, "invalid_request")
	c.want(c.do("POST", "/api/admin/tokens", adminTok, map[string]any{"role": "metrics"}), 403, "forbidden")
	metricsAns := c.want(c.do("POST", "/api/admin/tokens", owner, map[string]any{"role": "metrics", "name": "prometheus"}), 201, "")
	c.want(c.do("GET", "/metrics", metricsAns.str("token"), nil), 200, "")
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/tokens", metricsAns.str("token"), nil), 403, "forbidden")
	c.want(c.do("DELETE", "/api/admin/tokens/"+metricsAns.str("id"), adminTok, nil), 404, "not_found")
	c.want(c.do("DELETE", "/api/admin/tokens/"+metricsAns.str("id"), owner, nil), 204, "")
	c.want(c.do("GET", "/metrics", metricsAns.str("token"), nil), 401, "unauthenticated")

	// --- logins, verified on every profile
	signer := func(p verify.Profile) sign.Signer {
		return sign.Signer{Profile: p, Secret: secrets[p], KeyID: keyIDs[p], AppID: apps[p], Now: clock.Now}
	}
	mustSign := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	loginPath := func(app string) string { return "/v1/apps/" + app + "/login" }
	signetToken := mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-1", Email: "ann@example.com", Name: "Ann"}))
	ann := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{"user_id": "u-1", "email": "ann@example.com",
		"identity_token": signetToken, "device_id": "iphone-1", "app_version": "4.2.0"}), 200, "")
	if ann.obj()["verified"] != true {
		t.Fatalf("signet login not verified: %s", ann.raw)
	}
	annSession, annUser := ann.str("session_token"), oaMapOf(ann.obj()["user"])["id"].(string)
	c.want(c.do("GET", "/v1/me", annSession, nil), 200, "")

	legacy := sign.Signer{Profile: verify.HelpshiftLegacy, Secret: "acme-helpshift-secret-2019"}
	digest := mustSign(legacy.Digest(sign.Claims{UserID: "u-3", Email: "cy@example.com"}))
	c.want(c.do("POST", loginPath(apps[verify.HelpshiftLegacy]), "", map[string]any{"user_id": "u-3", "email": "cy@example.com", "user_hash": digest}), 200, "")
	anon := c.want(c.do("POST", loginPath(apps[verify.HelpshiftLegacy]), "", map[string]any{"user_id": "u-3", "email": "cy@example.com",
		"user_hash": strings.Repeat("A", 43) + "="}), 200, "") // enforce + on_failure anonymous
	if anon.obj()["anonymous"] != true {
		t.Errorf("a failure on an anonymous app: %s", anon.raw)
	}
	c.run([]oaScenario{
		{"POST", loginPath(apps[verify.Intercom]), "", map[string]any{"user_id": "u-4", "email": "dee@example.com", "user_hash": mustSign(signer(verify.Intercom).Digest(sign.Claims{UserID: "u-4"}))}, 200, ""},
		{"POST", loginPath(apps[verify.Intercom]), "", map[string]any{"user_id": "u-4", "user_hash": strings.Repeat("0", 64)}, 200, ""}, // monitor
		{"POST", loginPath(apps[verify.Akece]), "", map[string]any{"user_id": "u-5", "user_hash": mustSign(signer(verify.Akece).Digest(sign.Claims{UserID: "u-5"}))}, 200, ""},
		{"POST", loginPath(apps[verify.PylonHMAC]), "", map[string]any{"email": "eve@example.com", "user_hash": mustSign(signer(verify.PylonHMAC).Digest(sign.Claims{Email: "eve@example.com"}))}, 200, ""},
	})
	c.want(c.do("POST", loginPath(apps[verify.HelpshiftUserHub]), "", map[string]any{"identity_token": mustSign(signer(verify.HelpshiftUserHub).Token(sign.Claims{
		UserID: "u-6", Email: "fay@example.com", Metadata: map[string]string{"tier": "gold"},
		Identities: []verify.Identity{{Type: verify.PhoneNumber, Value: "+15550100"}, {Type: verify.SteamID, Value: "7656119"}}}))}), 200, "")
	c.run([]oaScenario{
		{"POST", loginPath(apps[verify.PylonJWT]), "", map[string]any{"email": "gus@example.com", "identity_token": mustSign(signer(verify.PylonJWT).Token(sign.Claims{Email: "gus@example.com", Name: "Gus"}))}, 200, ""},
		{"POST", loginPath(offApp), "", map[string]any{"user_id": "u-7", "email": "hal@example.com", "name": "Hal"}, 200, ""},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{}, 200, ""}, // anonymous
		// The same email signed for another uid: a conflict, never a merge.
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-2", Email: "ann@example.com"}))}, 200, ""},
	})

	// Login failures.
	wrong := sign.Signer{Profile: verify.Signet, Secret: "not-the-secret-of-this-app-at-all", KeyID: keyIDs[verify.Signet], AppID: apps[verify.Signet], Now: clock.Now}
	c.run([]oaScenario{
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": mustSign(wrong.Token(sign.Claims{UserID: "u-1"}))}, 401, "signature_mismatch"},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": "not.a.jwt"}, 401, ""},
		{"POST", loginPath(apps[verify.PylonHMAC]), "", map[string]any{"email": "eve@example.com", "user_hash": strings.Repeat("0", 64)}, 401, "signature_mismatch"},
		{"POST", loginPath("app_aaaaaaaaaaaaaaaa"), "", map[string]any{}, 404, "not_found"},
		{"POST", loginPath("nonsense"), "", map[string]any{}, 404, "not_found"},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"userId": "u-1"}, 400, "unknown_field"},
		{"POST", loginPath(apps[verify.Signet]), "", `[1, 2]`, 400, "invalid_json"},
		{"POST", loginPath(apps[verify.Signet]), "", `{} {}`, 400, "invalid_json"},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"name": strings.Repeat("n", 201)}, 400, "invalid_request"},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"user_id": "bell\a"}, 400, "invalid_request"},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": strings.Repeat("x", maxBody)}, 413, "body_too_large"},
		{"GET", "/v1/me", "", nil, 401, "unauthenticated"},
		{"GET", "/v1/me", "sst_" + strings.Repeat("A", 43), nil, 401, "unauthenticated"},
		{"POST", "/v1/logout", "", nil, 401, "unauthenticated"},
	})

	// --- brute force, on a server that takes the test's loopback for its
	// proxy (X-Forwarded-For names the client) and has small limits. The
	// counters are in the store, shared as by the nodes of a cluster.
	guarded := newServer(nil, nil, func(cfg *Config) {
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}
		cfg.Logins.Guard = login.Guard{Window: time.Minute, IdentityFailures: 3, AddressFailures: 4, FailuresThenSuccess: 2,
			Devices: 2, DeviceWindow: time.Minute}
	})
	defer guarded.Close()
	from := func(addr string) oaOption { return oaHeader("X-Forwarded-For", addr) }
	throttled := func(a *oaAnswer) {
		t.Helper()
		c.want(a, 429, "rate_limited")
		if got := a.header.Get("Retry-After"); got != "60" {
			t.Errorf("Retry-After %q, want 60 (the window's end)", got)
		}
		if !strings.Contains(a.header.Get("Access-Control-Expose-Headers"), "Retry-After") {
			t.Errorf("a browser cannot read Retry-After: %v", a.header)
		}
	}
	pylon := func(email, hash, addr string) *oaAnswer {
		return c.do("POST", loginPath(apps[verify.PylonHMAC]), "", map[string]any{"email": email, "user_hash": hash}, from(addr))
	}
	pylonHash := func(email string) string { return mustSign(signer(verify.PylonHMAC).Digest(sign.Claims{Email: email})) }
	intercom := func(uid, hash, device, addr string) *oaAnswer {
		return c.do("POST", loginPath(apps[verify.Intercom]), "", map[string]any{"user_id": uid, "user_hash": hash, "device_id": device}, from(addr))
	}
	intercomHash := func(uid string) string { return mustSign(signer(verify.Intercom).Digest(sign.Claims{UserID: uid})) }
	badHash := strings.Repeat("0", 64)
	var suspect, roamer, roamerFirst string
	on(guarded, func() {
		// An identity's failures (401 on a reject app): then 429 before any
		// verification, even for the right digest, from any address.
		for range 3 {
			c.want(pylon("target@example.com", badHash, "198.51.100.1"), 401, "signature_mismatch")
		}
		throttled(pylon("target@example.com", pylonHash("target@example.com"), "198.51.100.1"))
		throttled(pylon("target@example.com", pylonHash("target@example.com"), "198.51.100.2"))
		// An address's failures, over several identities.
		for i := range 4 {
			c.want(pylon(fmt.Sprintf("spray-%d@example.com", i), badHash, "198.51.100.3"), 401, "signature_mismatch")
		}
		throttled(pylon("fresh@example.com", pylonHash("fresh@example.com"), "198.51.100.3"))
		c.want(pylon("fresh@example.com", pylonHash("fresh@example.com"), "198.51.100.4"), 200, "")
		// An anonymous visitor from a throttled address is never refused.
		c.want(c.do("POST", loginPath(apps[verify.PylonHMAC]), "", map[string]any{}, from("198.51.100.3")), 200, "")

		// A verified login right after failures (200 unverified: the app
		// monitors): every session of the user ends, and 429.
		first := c.want(intercom("u-31", intercomHash("u-31"), "pixel-1", "198.51.100.5"), 200, "")
		suspect = oaMapOf(first.obj()["user"])["id"].(string)
		for range 2 {
			if a := c.want(intercom("u-31", badHash, "pixel-1", "198.51.100.5"), 200, ""); a.obj()["verified"] != false {
				t.Errorf("a bad digest under monitor: %s", a.raw)
			}
		}
		throttled(intercom("u-31", intercomHash("u-31"), "pixel-1", "198.51.100.5"))
		c.want(c.do("GET", "/v1/me", first.str("session_token"), nil), 401, "session_revoked")

		// One user on more devices than allowed at once.
		r1 := c.want(intercom("u-32", intercomHash("u-32"), "phone", "198.51.100.6"), 200, "")
		roamer, roamerFirst = oaMapOf(r1.obj()["user"])["id"].(string), r1.str("session_token")
		c.want(intercom("u-32", intercomHash("u-32"), "tablet", "198.51.100.6"), 200, "")
		throttled(intercom("u-32", intercomHash("u-32"), "laptop", "198.51.100.6"))
		c.want(c.do("GET", "/v1/me", roamerFirst, nil), 401, "session_revoked")

		// As Retry-After said: a minute later, all are let in again.
		clock.Add(time.Minute)
		c.want(pylon("target@example.com", pylonHash("target@example.com"), "198.51.100.1"), 200, "")
		c.want(pylon("fresh@example.com", pylonHash("fresh@example.com"), "198.51.100.3"), 200, "")
		c.want(intercom("u-31", intercomHash("u-31"), "pixel-1", "198.51.100.5"), 200, "")
		c.want(intercom("u-32", intercomHash("u-32"), "desktop", "198.51.100.6"), 200, "")
	})
	for _, u := range []string{suspect, roamer} {
		if l := c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/sessions?user="+u, adminTok, nil), 200, ""); !bytes.Contains(l.raw, []byte(`"revoke_reason":"suspicious_activity"`)) {
			t.Errorf("sessions ended by a suspicious-activity signal: %s", l.raw)
		}
	}

	// --- conversations, the SDK side: a session sees its user's issues only
	issueID := func(a *oaAnswer) string { return a.str("id") }
	contains := func(list *oaAnswer, key, id string) bool {
		for _, v := range list.obj()[key].([]any) {
			if oaMapOf(v)["id"] == id {
				return true
			}
		}
		return false
	}
	c.run([]oaScenario{
		{"GET", "/v1/issues", "", nil, 401, "unauthenticated"},
		{"POST", "/v1/issues", "", map[string]any{"message": "hello"}, 401, "unauthenticated"},
		{"GET", "/v1/issues/iss_aaaaaaaaaaaaaaaa/messages", "sst_" + strings.Repeat("A", 43), nil, 401, "unauthenticated"},
		{"POST", "/v1/issues/iss_aaaaaaaaaaaaaaaa/messages", "", map[string]any{"body": "hello"}, 401, "unauthenticated"},
	})
	opened := c.want(c.do("POST", "/v1/issues", annSession, map[string]any{"message": "My order #1234 never arrived.\r\n\tCan you check?"}), 201, "")
	annIssue := issueID(opened)
	if first := opened.obj()["messages"].([]any); opened.str("status") != "open" || len(first) != 1 || oaMapOf(first[0])["author"] != "user" {
		t.Errorf("opened issue: %s", opened.raw)
	}
	annFirst := oaMapOf(opened.obj()["messages"].([]any)[0])["id"].(string)
	for _, bad := range []string{"", " \n\t ", "bell\a", "nul\x00", "c1\u0085", strings.Repeat("x", 10_001), strings.Repeat("é", 5000) + "x"} {
		c.want(c.do("POST", "/v1/issues", annSession, map[string]any{"message": bad}), 400, "invalid_request")
	}
	c.run([]oaScenario{
		{"POST", "/v1/issues", annSession, map[string]any{}, 400, "invalid_request"},
		{"POST", "/v1/issues", annSession, map[string]any{"body": "wrong field name"}, 400, "unknown_field"},
		{"POST", "/v1/issues", annSession, map[string]any{"message": 7}, 400, "invalid_json"},
		{"POST", "/v1/issues", annSession, `{"message": "x"} trailing`, 400, "invalid_json"},
		{"POST", "/v1/issues", annSession, `{"message":"` + strings.Repeat("a", maxBody) + `"}`, 413, "body_too_large"},
	})
	if l := c.want(c.do("GET", "/v1/issues", annSession, nil), 200, ""); !contains(l, "issues", annIssue) {
		t.Errorf("the issue is not in its user's list: %s", l.raw)
	}
	c.run([]oaScenario{
		{"GET", "/v1/issues?status=open&limit=10", annSession, nil, 200, ""},
		{"GET", "/v1/issues?before=" + annIssue + "&limit=500", annSession, nil, 200, ""},
		{"GET", "/v1/issues?limit=0", annSession, nil, 400, "invalid_request"},
		{"GET", "/v1/issues?limit=501", annSession, nil, 400, "invalid_request"},
		{"GET", "/v1/issues/" + annIssue + "/messages", annSession, nil, 200, ""},
	})
	if l := c.want(c.do("GET", "/v1/issues/"+annIssue+"/messages?after="+annFirst+"&limit=5", annSession, nil), 200, ""); len(l.obj()["messages"].([]any)) != 0 {
		t.Errorf("messages after the only one: %s", l.raw)
	}
	c.run([]oaScenario{
		{"GET", "/v1/issues/" + annIssue + "/messages?limit=none", annSession, nil, 400, "invalid_request"},
		{"POST", "/v1/issues/" + annIssue + "/messages", annSession, map[string]any{"body": "I ordered it on the 3rd."}, 201, ""},
		{"POST", "/v1/issues/" + annIssue + "/messages", annSession, map[string]any{"body": strings.Repeat("é", 5000)}, 201, ""}, // 10,000 bytes
		{"POST", "/v1/issues/" + annIssue + "/messages", annSession, map[string]any{"body": strings.Repeat("é", 5000) + "x"}, 400, "invalid_request"},
		{"POST", "/v1/issues/" + annIssue + "/messages", annSession, map[string]any{"body": "tab\v"}, 400, "invalid_request"},
		{"POST", "/v1/issues/" + annIssue + "/messages", annSession, map[string]any{"message": "wrong field name"}, 400, "unknown_field"},
		{"POST", "/v1/issues/" + annIssue + "/messages", annSession, `{"body": ["x"]}`, 400, "invalid_json"},
	})

	// Someone else's issue is 404, as an unknown one: here an anonymous visitor.
	visitor := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{"device_id": "browser-9"}), 200, "").str("session_token")
	visitorIssue := issueID(c.want(c.do("POST", "/v1/issues", visitor, map[string]any{"message": "Just browsing: do you ship to Peru?"}), 201, ""))
	c.run([]oaScenario{
		{"GET", "/v1/issues/" + annIssue + "/messages", visitor, nil, 404, "not_found"},
		{"POST", "/v1/issues/" + annIssue + "/messages", visitor, map[string]any{"body": "let me in"}, 404, "not_found"},
		{"GET", "/v1/issues/" + visitorIssue + "/messages", annSession, nil, 404, "not_found"},
		{"GET", "/v1/issues/iss_aaaaaaaaaaaaaaaa/messages", annSession, nil, 404, "not_found"},
		{"GET", "/v1/issues/nonsense/messages", annSession, nil, 404, "not_found"},
		{"POST", "/v1/issues/nonsense/messages", annSession, map[string]any{"body": "x"}, 404, "not_found"},
	})
	if l := c.want(c.do("GET", "/v1/issues", visitor, nil), 200, ""); contains(l, "issues", annIssue) || !contains(l, "issues", visitorIssue) {
		t.Errorf("the visitor's list: %s", l.raw)
	}
	// Someone else's issue as a cursor reads as an unknown one: an empty page.
	if l := c.want(c.do("GET", "/v1/issues?before="+visitorIssue, annSession, nil), 200, ""); len(l.obj()["issues"].([]any)) != 0 {
		t.Errorf("a page after another user's issue: %s", l.raw)
	}
	c.want(c.do("GET", "/v1/issues?status=closed", annSession, nil), 400, "invalid_request")

	// Rate limits, per session: 5 new issues a minute, 30 messages.
	spammer := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{}), 200, "").str("session_token")
	var spam []string
	for i := range 5 {
		spam = append(spam, issueID(c.want(c.do("POST", "/v1/issues", spammer, map[string]any{"message": fmt.Sprintf("spam %d", i)}), 201, "")))
	}
	if a := c.want(c.do("POST", "/v1/issues", spammer, map[string]any{"message": "spam 5"}), 429, "rate_limited"); a.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After: %q", a.header.Get("Retry-After"))
	}
	for i := 5; i < 30; i++ { // the first messages of the issues count
		c.want(c.do("POST", "/v1/issues/"+spam[0]+"/messages", spammer, map[string]any{"body": fmt.Sprintf("more spam %d", i)}), 201, "")
	}
	if a := c.want(c.do("POST", "/v1/issues/"+spam[0]+"/messages", spammer, map[string]any{"body": "one too many"}), 429, "rate_limited"); a.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After: %q", a.header.Get("Retry-After"))
	}
	c.want(c.do("POST", "/v1/issues/"+spam[0]+"/messages", annSession, map[string]any{"body": "not mine"}), 404, "not_found")
	clock.Add(time.Minute) // as Retry-After said
	c.want(c.do("POST", "/v1/issues/"+spam[0]+"/messages", spammer, map[string]any{"body": "a minute later"}), 201, "")
	c.want(c.do("POST", "/v1/issues", spammer, map[string]any{"message": "a minute later"}), 201, "")

	// --- conversations, the agent side
	issuesPath := "/api/agent/workspaces/" + ws + "/issues"
	if l := c.want(c.do("GET", issuesPath, agentTok, nil), 200, ""); !contains(l, "issues", annIssue) || !contains(l, "issues", visitorIssue) {
		t.Errorf("the inbox: %.2000s", l.raw)
	}
	if l := c.want(c.do("GET", issuesPath+"?status=open&app="+apps[verify.Signet]+"&user="+annUser+"&limit=5", adminTok, nil), 200, ""); len(l.obj()["issues"].([]any)) != 1 {
		t.Errorf("ann's open issues: %s", l.raw)
	}
	c.run([]oaScenario{
		{"GET", issuesPath + "?before=" + annIssue, owner, nil, 200, ""},
		{"GET", issuesPath + "?status=closed", agentTok, nil, 400, "invalid_request"},
		{"GET", issuesPath + "?limit=0", agentTok, nil, 400, "invalid_request"},
		{"GET", issuesPath, "", nil, 401, "unauthenticated"},
		{"GET", issuesPath, otherTok, nil, 404, "not_found"},
		{"GET", "/api/agent/workspaces/ws_aaaaaaaaaaaaaaaa/issues", owner, nil, 404, "not_found"},
		{"GET", "/api/agent/workspaces/" + ws2 + "/issues", owner, nil, 200, ""},
	})

	detail := c.want(c.do("GET", "/api/agent/issues/"+annIssue, agentTok, nil), 200, "")
	if u := oaMapOf(detail.obj()["user"]); u["id"] != annUser || len(detail.obj()["messages"].([]any)) != 3 ||
		!bytes.Contains(detail.raw, []byte(`"app_name":"App signet"`)) || !bytes.Contains(detail.raw, []byte(`"verified":true`)) {
		t.Errorf("issue detail: %.3000s", detail.raw)
	}
	c.run([]oaScenario{
		{"GET", "/api/agent/issues/" + annIssue, otherTok, nil, 404, "not_found"},
		{"GET", "/api/agent/issues/iss_aaaaaaaaaaaaaaaa", owner, nil, 404, "not_found"},
		{"GET", "/api/agent/issues/nonsense", owner, nil, 404, "not_found"},
		{"GET", "/api/agent/issues/" + annIssue, "", nil, 401, "unauthenticated"},
		{"GET", "/api/agent/issues/" + annIssue + "/messages", adminTok, nil, 200, ""},
	})
	if l := c.want(c.do("GET", "/api/agent/issues/"+annIssue+"/messages?after="+annFirst+"&limit=1", agentTok, nil), 200, ""); len(l.obj()["messages"].([]any)) != 1 {
		t.Errorf("one message after the first: %s", l.raw)
	}
	c.want(c.do("GET", "/api/agent/issues/"+annIssue+"/messages?limit=-1", agentTok, nil), 400, "invalid_request")
	c.want(c.do("GET", "/api/agent/issues/"+annIssue+"/messages", otherTok, nil), 404, "not_found")
	if m := c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/messages", agentTok, map[string]any{"body": "Sorry! It ships today."}), 201, ""); m.str("author") != "agent" || m.str("agent_id") != agentID {
		t.Errorf("agent reply: %s", m.raw)
	}
	if m := c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/messages", owner, map[string]any{"body": "(owner)"}), 201, ""); m.str("agent_id") != "owner" {
		t.Errorf("owner reply: %s", m.raw)
	}
	c.run([]oaScenario{
		{"POST", "/api/agent/issues/" + annIssue + "/messages", agentTok, map[string]any{}, 400, "invalid_request"},
		{"POST", "/api/agent/issues/" + annIssue + "/messages", agentTok, map[string]any{"body": strings.Repeat("x", 10_001)}, 400, "invalid_request"},
		{"POST", "/api/agent/issues/" + annIssue + "/messages", agentTok, map[string]any{"body": "x", "internal": true}, 400, "unknown_field"},
		{"POST", "/api/agent/issues/" + annIssue + "/messages", agentTok, `{"body": `, 400, "invalid_json"},
		{"POST", "/api/agent/issues/" + annIssue + "/messages", otherTok, map[string]any{"body": "x"}, 404, "not_found"},
		{"POST", "/api/agent/issues/iss_aaaaaaaaaaaaaaaa/messages", owner, map[string]any{"body": "x"}, 404, "not_found"},
	})

	// Resolve and reopen; a reply of the user reopens.
	if a := c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/resolve", agentTok, nil), 200, ""); a.str("status") != "resolved" {
		t.Errorf("resolved: %s", a.raw)
	}
	c.run([]oaScenario{
		{"POST", "/api/agent/issues/" + annIssue + "/resolve", agentTok, nil, 200, ""}, // already: no change
		{"POST", "/api/agent/issues/" + annIssue + "/resolve", otherTok, nil, 404, "not_found"},
		{"POST", "/api/agent/issues/iss_aaaaaaaaaaaaaaaa/resolve", owner, nil, 404, "not_found"},
	})
	if l := c.want(c.do("GET", "/v1/issues?status=resolved", annSession, nil), 200, ""); !contains(l, "issues", annIssue) {
		t.Errorf("resolved issues: %s", l.raw)
	}
	c.want(c.do("POST", "/v1/issues/"+annIssue+"/messages", annSession, map[string]any{"body": "It did not arrive yet."}), 201, "")
	if l := c.want(c.do("GET", "/v1/issues?status=open", annSession, nil), 200, ""); !contains(l, "issues", annIssue) {
		t.Errorf("a reply did not reopen the issue: %s", l.raw)
	}
	c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/resolve", adminTok, nil), 200, "")
	if a := c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/reopen", agentTok, nil), 200, ""); a.str("status") != "open" {
		t.Errorf("reopened: %s", a.raw)
	}
	c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/reopen", otherTok, nil), 404, "not_found")
	c.want(c.do("POST", "/api/agent/issues/nonsense/reopen", owner, nil), 404, "not_found")

	// --- live updates: the session user's stream
	c.want(c.do("GET", "/v1/events", "", nil), 401, "unauthenticated")
	if _, a := c.stream("/v1/events", "sst_"+strings.Repeat("A", 43)); a == nil || a.status != 401 {
		t.Fatalf("a stream opened with an unknown session")
	}
	mine, _ := c.stream("/v1/events", annSession)
	// The visitor's conversation is not ann's: the first event ann gets is the reply.
	c.want(c.do("POST", "/v1/issues/"+visitorIssue+"/messages", visitor, map[string]any{"body": "hello?"}), 201, "")
	c.want(c.do("POST", "/api/agent/issues/"+visitorIssue+"/messages", agentTok, map[string]any{"body": "Yes, we ship to Peru."}), 201, "")
	reply := c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/messages", agentTok, map[string]any{"body": "Tracking: ZX-1."}), 201, "")
	if ev := mine.event("message"); ev.data["id"] != reply.str("id") || ev.id != reply.str("id") || ev.data["issue_id"] != annIssue || ev.data["author"] != "agent" {
		t.Errorf("message event: id %q, %v", ev.id, ev.data)
	}
	c.want(c.do("POST", "/api/agent/issues/"+annIssue+"/resolve", agentTok, nil), 200, "")
	if ev := mine.event("issue"); ev.data["id"] != annIssue || ev.data["status"] != "resolved" {
		t.Errorf("issue event: %v", ev.data)
	}
	newIssue := issueID(c.want(c.do("POST", "/v1/issues", annSession, map[string]any{"message": "Another question (from my tablet)."}), 201, ""))
	if ev := mine.event("message"); ev.data["issue_id"] != newIssue || ev.data["author"] != "user" {
		t.Errorf("a new issue's message event: %v", ev.data)
	}
	mine.close()

	// The agents' stream.
	eventsPath := "/api/agent/workspaces/" + ws + "/events"
	c.run([]oaScenario{
		{"GET", eventsPath, "", nil, 401, "unauthenticated"},
		{"GET", eventsPath, otherTok, nil, 404, "not_found"},
		{"GET", "/api/agent/workspaces/nonsense/events", owner, nil, 404, "not_found"},
	})
	inbox, _ := c.stream(eventsPath, agentTok)
	userMsg := c.want(c.do("POST", "/v1/issues/"+annIssue+"/messages", annSession, map[string]any{"body": "Still nothing."}), 201, "")
	if ev := inbox.event("message"); ev.id != userMsg.str("id") || oaMapOf(ev.data["message"])["verified"] != true || oaMapOf(ev.data["issue"])["id"] != annIssue {
		t.Errorf("message event: id %q, %v", ev.id, ev.data)
	}
	if ev := inbox.event("issue"); ev.data["id"] != annIssue || ev.data["status"] != "open" { // the reply reopened it
		t.Errorf("issue event: %v", ev.data)
	}
	visitorIssue2 := issueID(c.want(c.do("POST", "/v1/issues", visitor, map[string]any{"message": "And to Chile?"}), 201, ""))
	if ev := inbox.event("issue"); ev.data["id"] != visitorIssue2 || ev.data["status"] != "open" {
		t.Errorf("new issue event: %v", ev.data)
	}
	c.want(c.do("POST", "/api/agent/issues/"+visitorIssue2+"/messages", owner, map[string]any{"body": "Yes."}), 201, "")
	if ev := inbox.event("message"); oaMapOf(ev.data["message"])["agent_id"] != "owner" {
		t.Errorf("agent message event: %v", ev.data)
	}
	inbox.close()

	// An update whose subject cannot be read: resync, and the stream ends.
	mine, _ = c.stream("/v1/events", annSession)
	inbox, _ = c.stream(eventsPath, agentTok)
	if err := bus.Publish(ctx, events.Event{Kind: events.MessageCreated, WorkspaceID: ws, IssueID: annIssue, UserID: annUser,
		MessageID: "msg_aaaaaaaaaaaaaaaa"}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*oaStream{mine, inbox} {
		s.event("resync")
		s.ended()
		s.close()
	}

	// Live updates off: 503. A server stopping: bye. Updates missed: resync.
	noBus := newServer(nil, nil)
	defer noBus.Close()
	on(noBus, func() {
		c.want(c.do("GET", "/v1/events", annSession, nil), 503, "unavailable")
		c.want(c.do("GET", eventsPath, agentTok, nil), 503, "unavailable")
	})
	stop := make(chan struct{})
	stopping := newServer(events.NewLocal(), stop)
	defer stopping.Close()
	defer c.closeStreams()
	on(stopping, func() {
		s1, _ := c.stream("/v1/events", annSession)
		s2, _ := c.stream(eventsPath, agentTok)
		close(stop)
		for _, s := range []*oaStream{s1, s2} {
			s.event("bye")
			s.ended()
			s.close()
		}
	})
	lossy := events.NewLocal()
	resyncing := newServer(lossy, nil)
	defer resyncing.Close()
	defer c.closeStreams()
	on(resyncing, func() {
		s1, _ := c.stream("/v1/events", annSession)
		s2, _ := c.stream(eventsPath, adminTok)
		lossy.Close() // every subscription is lost
		for _, s := range []*oaStream{s1, s2} {
			s.event("resync")
			s.ended()
			s.close()
		}
	})

	// --- hand-over: an anonymous visitor logs in verified and keeps their issues
	anonLogin := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{"device_id": "iphone-9"}), 200, "")
	anonTok := anonLogin.str("session_token")
	anonIssue := issueID(c.want(c.do("POST", "/v1/issues", anonTok, map[string]any{"message": "I can't log in to my account."}), 201, ""))
	// A login that is not verified hands nothing over (monitor, bad digest).
	c.run([]oaScenario{
		{"POST", loginPath(apps[verify.Intercom]), "", map[string]any{"user_id": "u-9", "user_hash": strings.Repeat("0", 64), "anonymous_session": anonTok}, 200, ""},
		{"GET", "/v1/issues/" + anonIssue + "/messages", anonTok, nil, 200, ""},
		// Nor does a token that is not a live anonymous session of the workspace.
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-10"})), "anonymous_session": "sst_" + strings.Repeat("A", 43)}, 200, ""},
	})
	verified := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{
		"identity_token":    mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-9", Email: "ivy@example.com"})),
		"anonymous_session": anonTok, "device_id": "iphone-9"}), 200, "")
	ivyUser := oaMapOf(verified.obj()["user"])["id"].(string)
	if verified.obj()["verified"] != true {
		t.Fatalf("hand-over login: %s", verified.raw)
	}
	if l := c.want(c.do("GET", "/v1/issues", verified.str("session_token"), nil), 200, ""); !contains(l, "issues", anonIssue) {
		t.Errorf("the verified user does not have the anonymous issue: %s", l.raw)
	}
	c.want(c.do("GET", "/v1/issues", anonTok, nil), 401, "session_revoked")
	if d := c.want(c.do("GET", "/api/agent/issues/"+anonIssue, agentTok, nil), 200, ""); oaMapOf(d.obj()["user"])["id"] != ivyUser ||
		d.obj()["issue"].(map[string]any)["user_id"] != ivyUser {
		t.Errorf("handed-over issue: %s", d.raw)
	}
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/sessions?user="+oaMapOf(anonLogin.obj()["user"])["id"].(string), adminTok, nil), 200, "")

	// --- users, sessions, the verification log
	users := c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/users", agentTok, nil), 200, "")
	if n := len(users.obj()["users"].([]any)); n < 8 {
		t.Errorf("%d users listed", n)
	}
	c.run([]oaScenario{
		{"GET", "/api/admin/workspaces/" + ws + "/users?identity=ann%40example.com&limit=5", adminTok, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws + "/users?limit=0", adminTok, nil, 400, "invalid_request"},
		{"GET", "/api/admin/workspaces/" + ws + "/users", otherTok, nil, 404, "not_found"},
		{"GET", "/api/admin/users/" + annUser, agentTok, nil, 200, ""},
		{"GET", "/api/admin/users/" + annUser, otherTok, nil, 404, "not_found"},
		{"GET", "/api/admin/users/usr_aaaaaaaaaaaaaaaa", owner, nil, 404, "not_found"},
	})
	sessions := c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/sessions?live=true&limit=500", adminTok, nil), 200, "")
	if n := len(sessions.obj()["sessions"].([]any)); n < 8 {
		t.Errorf("%d sessions listed", n)
	}
	c.run([]oaScenario{
		{"GET", "/api/admin/workspaces/" + ws + "/sessions?user=" + annUser + "&app=" + apps[verify.Signet], adminTok, nil, 200, ""},
		{"GET", "/api/admin/workspaces/" + ws + "/sessions?limit=many", adminTok, nil, 400, "invalid_request"},
		{"GET", "/api/admin/workspaces/" + ws + "/sessions", agentTok, nil, 403, "forbidden"},
	})
	attempts := c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/attempts", adminTok, nil), 200, "")
	if !bytes.Contains(attempts.raw, []byte(`"cause"`)) || !bytes.Contains(attempts.raw, []byte(`"rejected"`)) {
		t.Errorf("the verification log has no rejected attempt with a cause: %.2000s", attempts.raw)
	}
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/attempts?result=rejected&reason=signature_mismatch&app="+apps[verify.Signet]+
		"&since="+clock.Now().Add(-time.Hour).Format(time.RFC3339)+"&until="+clock.Now().Add(time.Hour).Format(time.RFC3339)+"&limit=10", adminTok, nil), 200, "")
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/attempts?since=yesterday", adminTok, nil), 400, "invalid_request")
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/attempts", agentTok, nil), 403, "forbidden")
	conflicts := c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/conflicts", adminTok, nil), 200, "")
	if n := len(conflicts.obj()["conflicts"].([]any)); n == 0 {
		t.Errorf("no identity conflict listed after the same email was signed for two uids")
	}
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/conflicts", agentTok, nil), 403, "forbidden")

	// --- rollout readiness: a monitor app's checked logins per UTC day,
	// platform and app version. Two days of logins of every kind.
	rollout := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/apps", adminTok, map[string]any{"name": "Rollout", "platform": "ios",
		"profile": "intercom", "enforcement": "monitor"}), 201, "").str("id")
	rolloutKey := c.want(c.do("POST", "/api/admin/apps/"+rollout+"/keys", adminTok, map[string]any{}), 201, "")
	rolloutSigner := sign.Signer{Profile: verify.Intercom, Secret: rolloutKey.str("secret")}
	rolloutN := 0
	// rolloutLogin logs a new user in to the rollout app: with a good proof,
	// a bad one, none (an app version that does not sign yet), or as an
	// anonymous visitor; version "" sends no app_version.
	rolloutLogin := func(version, proof string, status int) {
		t.Helper()
		rolloutN++
		uid := fmt.Sprintf("r-%d", rolloutN)
		body := map[string]any{"user_id": uid}
		switch proof {
		case "good":
			body["user_hash"] = mustSign(rolloutSigner.Digest(sign.Claims{UserID: uid}))
		case "bad":
			body["user_hash"] = badHash
		case "anonymous":
			body = map[string]any{}
		}
		if version != "" {
			body["app_version"] = version
		}
		a := c.want(c.do("POST", loginPath(rollout), "", body), status, "")
		if status == 200 && a.obj()["verified"] != (proof == "good") {
			t.Errorf("rollout login %s (%s, %s): %s", uid, version, proof, a.raw)
		}
	}
	setRollout := func(settings map[string]any) {
		t.Helper()
		c.want(c.do("PATCH", "/api/admin/apps/"+rollout, adminTok, settings), 200, "")
	}
	dayA := clock.Now().UTC().Format(time.DateOnly)
	rolloutLogin("4.0", "good", 200)
	rolloutLogin("4.0", "good", 200)
	rolloutLogin("4.0", "bad", 200)
	rolloutLogin("4.0", "anonymous", 200) // nothing to check: not counted
	setRollout(map[string]any{"enforcement": "off"})
	rolloutLogin("4.0", "none", 200) // never checked: not counted
	setRollout(map[string]any{"enforcement": "monitor"})
	clock.Add(24 * time.Hour)
	dayB := clock.Now().UTC().Format(time.DateOnly)
	rolloutLogin("4.1", "good", 200)
	rolloutLogin("4.1", "good", 200)
	rolloutLogin("4.1", "none", 200) // a claim without a proof fails (malformed: no digest)
	rolloutLogin("", "good", 200)
	rolloutLogin("", "anonymous", 200)
	setRollout(map[string]any{"platform": "android"})
	rolloutLogin("4.1", "bad", 200)
	rolloutLogin("4.1", "good", 200)
	// Enforce, on_failure reject: a rejection (401) is a checked failure too.
	setRollout(map[string]any{"enforcement": "enforce"})
	rolloutLogin("4.1", "bad", 401)
	setRollout(map[string]any{"enforcement": "monitor"})
	midnight := func(daysAgo int) string {
		now := clock.Now().UTC()
		return time.Date(now.Year(), now.Month(), now.Day()-daysAgo, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	}
	readinessPath := "/api/admin/apps/" + rollout + "/readiness"
	readiness := func(bearer, query string, days int, want ...string) {
		t.Helper()
		a := c.want(c.do("GET", readinessPath+query, bearer, nil), 200, "")
		var got []string
		for _, b := range a.obj()["buckets"].([]any) {
			m := oaMapOf(b)
			got = append(got, fmt.Sprintf("%s %s %q %v/%v", m["day"], m["platform"], m["app_version"], m["total"], m["verified"]))
		}
		if !slices.Equal(got, want) {
			t.Errorf("readiness%s: buckets\n%s\nwant\n%s", query, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		o := a.obj()
		if o["app_id"] != rollout || o["enforcement"] != "monitor" || o["days"] != float64(days) || o["since"] != midnight(days-1) || o["truncated"] != false {
			t.Errorf("readiness%s: %s", query, a.raw)
		}
	}
	yesterday := dayA + ` ios "4.0" 3/2`
	today := []string{dayB + ` android "4.1" 3/1`, dayB + ` ios "" 1/1`, dayB + ` ios "4.1" 3/2`}
	readiness(adminTok, "?days=2", 2, append([]string{yesterday}, today...)...)
	readiness(adminTok, "?days=1", 1, today...)
	readiness(owner, "", 7, append([]string{yesterday}, today...)...)
	readiness(owner, "?days=90", 90, append([]string{yesterday}, today...)...)
	readiness(adminTok, "?days=", 7, append([]string{yesterday}, today...)...) // empty: the default
	if a := c.want(c.do("GET", "/api/admin/apps/"+offApp+"/readiness", owner, nil), 200, ""); len(a.obj()["buckets"].([]any)) != 0 || a.str("enforcement") != "off" {
		t.Errorf("readiness of an app under enforcement off: %s", a.raw)
	}
	for _, bad := range []string{"0", "91", "-1", "x", "1.5", "7d"} {
		c.want(c.do("GET", readinessPath+"?days="+bad, adminTok, nil), 400, "invalid_request")
	}
	c.run([]oaScenario{
		{"GET", readinessPath, agentTok, nil, 403, "forbidden"},
		{"GET", readinessPath + "?days=0", agentTok, nil, 403, "forbidden"}, // the app is checked first
		{"GET", readinessPath, otherTok, nil, 404, "not_found"},
		{"GET", readinessPath, "", nil, 401, "unauthenticated"},
		{"GET", "/api/admin/apps/app_aaaaaaaaaaaaaaaa/readiness", owner, nil, 404, "not_found"},
		{"GET", "/api/admin/apps/nonsense/readiness", owner, nil, 404, "not_found"},
	})

	// --- test your setup: a proof checked as a login would, with the doctor;
	// nothing written, nothing counted.
	logged := func(app string) (attempts, sessions int) {
		t.Helper()
		attempts = len(c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/attempts?limit=500&app="+app, adminTok, nil), 200, "").obj()["attempts"].([]any))
		sessions = len(c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/sessions?limit=500&app="+app, adminTok, nil), 200, "").obj()["sessions"].([]any))
		return attempts, sessions
	}
	attemptsBefore, sessionsBefore := logged(rollout)
	if attemptsBefore != rolloutN {
		t.Errorf("the rollout app's verification log has %d attempts, want %d", attemptsBefore, rolloutN)
	}
	testPath := "/api/admin/apps/" + rollout + "/test"
	identities := func(a *oaAnswer) []string {
		var out []string
		for _, v := range a.obj()["identities"].([]any) {
			out = append(out, fmt.Sprintf("%s=%s", oaMapOf(v)["type"], oaMapOf(v)["value"]))
		}
		return out
	}
	// verdict checks a failed proof's reason and cause ("" when none).
	verdict := func(a *oaAnswer, reason, cause string) {
		t.Helper()
		o := a.obj()
		if o["valid"] != false || a.str("reason") != reason || a.str("cause") != cause || (cause != "") != (a.str("diagnosis") != "") ||
			o["key_id"] != nil || len(o["identities"].([]any)) != 0 || a.str("message") == "" {
			t.Errorf("want invalid, %s, cause %q: %s", reason, cause, a.raw)
		}
	}
	good := c.want(c.do("POST", testPath, adminTok, map[string]any{"user_id": "r-t1",
		"user_hash": mustSign(rolloutSigner.Digest(sign.Claims{UserID: "r-t1"}))}), 200, "")
	if good.obj()["valid"] != true || good.str("key_id") != rolloutKey.str("id") || !slices.Equal(identities(good), []string{"uid=r-t1"}) ||
		good.obj()["reason"] != nil || good.obj()["cause"] != nil || good.obj()["diagnosis"] != nil {
		t.Errorf("a valid proof: %s", good.raw)
	}
	// The digest of the email where intercom signs the user_id.
	wrongMessage := c.want(c.do("POST", testPath, adminTok, map[string]any{"user_id": "r-t2", "email": "t2@example.com",
		"user_hash": mustSign(rolloutSigner.Digest(sign.Claims{Email: "t2@example.com"}))}), 200, "")
	verdict(wrongMessage, "signature_mismatch", "wrong_message")
	if !strings.Contains(wrongMessage.str("diagnosis"), "intercom signs the user_id") {
		t.Errorf("the wrong message's diagnosis: %s", wrongMessage.raw)
	}
	// Signed with another app's key of the workspace, or keyed with the app id.
	otherKey := c.want(c.do("POST", testPath, owner, map[string]any{"user_id": "r-t2",
		"user_hash": mustSign(signer(verify.Intercom).Digest(sign.Claims{UserID: "r-t2"}))}), 200, "")
	verdict(otherKey, "signature_mismatch", "other_key")
	if !strings.Contains(otherKey.str("diagnosis"), keyIDs[verify.Intercom]) {
		t.Errorf("the other key's diagnosis does not name it: %s", otherKey.raw)
	}
	verdict(c.want(c.do("POST", testPath, adminTok, map[string]any{"user_id": "r-t2",
		"user_hash": mustSign(sign.Signer{Profile: verify.Intercom, Secret: rollout}.Digest(sign.Claims{UserID: "r-t2"}))}), 200, ""),
		"signature_mismatch", "not_the_secret")
	verdict(c.want(c.do("POST", testPath, adminTok, map[string]any{"user_id": "r-t2"}), 200, ""), "malformed", "")
	verdict(c.want(c.do("POST", testPath, adminTok, map[string]any{}), 200, ""), "identity_required", "")
	// A JWT profile: the signed identities, the key; a token too large.
	signetTest := "/api/admin/apps/" + apps[verify.Signet] + "/test"
	jwt := c.want(c.do("POST", signetTest, owner, map[string]any{"identity_token": mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-1",
		Email: "ann@example.com", Identities: []verify.Identity{{Type: verify.SteamID, Value: "7656119"}}, Metadata: map[string]string{"tier": "gold"}}))}), 200, "")
	if jwt.obj()["valid"] != true || jwt.str("key_id") != keyIDs[verify.Signet] ||
		!slices.Equal(slices.Sorted(slices.Values(identities(jwt))), []string{"email=ann@example.com", "steam_id=7656119", "uid=u-1"}) {
		t.Errorf("a valid token: %s", jwt.raw)
	}
	verdict(c.want(c.do("POST", signetTest, adminTok, map[string]any{"identity_token": mustSign(wrong.Token(sign.Claims{UserID: "u-1"}))}), 200, ""),
		"signature_mismatch", "unknown")
	verdict(c.want(c.do("POST", signetTest, adminTok, map[string]any{"identity_token": strings.Repeat("x", 9000)}), 200, ""), "too_large", "")
	verdict(c.want(c.do("POST", signetTest, adminTok, map[string]any{}), 200, ""), "malformed", "")
	// Failures are not counted: past the identity's limit (10), a login
	// with the right digest is let in.
	for range 11 {
		verdict(c.want(c.do("POST", testPath, adminTok, map[string]any{"user_id": "r-t3", "user_hash": badHash}), 200, ""), "signature_mismatch", "unknown")
	}
	if attempts, sessions := logged(rollout); attempts != attemptsBefore || sessions != sessionsBefore {
		t.Errorf("testing proofs wrote %d attempts and %d sessions", attempts-attemptsBefore, sessions-sessionsBefore)
	}
	if a := c.want(c.do("POST", loginPath(rollout), "", map[string]any{"user_id": "r-t3",
		"user_hash": mustSign(rolloutSigner.Digest(sign.Claims{UserID: "r-t3"}))}), 200, ""); a.obj()["verified"] != true {
		t.Errorf("a login after failed tests: %s", a.raw)
	}
	// The request's failures.
	c.run([]oaScenario{
		{"POST", testPath, adminTok, map[string]any{"userId": "r-t1"}, 400, "unknown_field"},
		{"POST", testPath, adminTok, map[string]any{"user_id": 7}, 400, "invalid_json"},
		{"POST", testPath, adminTok, ``, 400, "invalid_json"},
		{"POST", testPath, adminTok, `{"user_id": "r-t1"} {}`, 400, "invalid_json"},
		{"POST", testPath, adminTok, map[string]any{"user_id": "bell\a"}, 400, "invalid_request"},
		{"POST", testPath, adminTok, map[string]any{"email": strings.Repeat("e", 1025)}, 400, "invalid_request"},
		{"POST", testPath, adminTok, map[string]any{"identity_token": strings.Repeat("x", maxBody)}, 413, "body_too_large"},
		{"POST", testPath, agentTok, map[string]any{}, 403, "forbidden"},
		{"POST", testPath, agentTok, `{"user_id": `, 403, "forbidden"}, // the app is checked first
		{"POST", testPath, otherTok, map[string]any{}, 404, "not_found"},
		{"POST", testPath, "", map[string]any{}, 401, "unauthenticated"},
		{"POST", "/api/admin/apps/app_aaaaaaaaaaaaaaaa/test", owner, map[string]any{}, 404, "not_found"},
		{"POST", "/api/admin/apps/nonsense/test", owner, map[string]any{}, 404, "not_found"},
	})

	// Ending sessions: one by one, a user's, by logout, by revoking the key.
	ses := oaMapOf(sessions.obj()["sessions"].([]any)[0])["id"].(string)
	c.run([]oaScenario{
		{"DELETE", "/api/admin/sessions/" + ses, agentTok, nil, 403, "forbidden"},
		{"DELETE", "/api/admin/sessions/" + ses, otherTok, nil, 404, "not_found"},
		{"DELETE", "/api/admin/sessions/" + ses, adminTok, nil, 204, ""},
		{"DELETE", "/api/admin/sessions/ses_aaaaaaaaaaaaaaaa", adminTok, nil, 404, "not_found"},
	})
	bee := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-8"}))}), 200, "")
	beeUser := oaMapOf(bee.obj()["user"])["id"].(string)
	c.want(c.do("POST", "/api/admin/users/"+beeUser+"/sessions/revoke", agentTok, nil), 403, "forbidden")
	c.want(c.do("POST", "/api/admin/users/usr_aaaaaaaaaaaaaaaa/sessions/revoke", adminTok, nil), 404, "not_found")
	if a := c.want(c.do("POST", "/api/admin/users/"+beeUser+"/sessions/revoke", adminTok, nil), 200, ""); a.obj()["ended"] != 1.0 {
		t.Errorf("ended %v sessions, want 1", a.obj()["ended"])
	}
	c.want(c.do("GET", "/v1/me", bee.str("session_token"), nil), 401, "session_revoked")
	// An app's sessions, all at once (gus logged in to it before).
	jwtApp := apps[verify.PylonJWT]
	gus := c.want(c.do("POST", loginPath(jwtApp), "", map[string]any{"email": "gus@example.com",
		"identity_token": mustSign(signer(verify.PylonJWT).Token(sign.Claims{Email: "gus@example.com"}))}), 200, "").str("session_token")
	c.run([]oaScenario{
		{"POST", "/api/admin/apps/" + jwtApp + "/sessions/revoke", agentTok, nil, 403, "forbidden"},
		{"POST", "/api/admin/apps/app_aaaaaaaaaaaaaaaa/sessions/revoke", adminTok, nil, 404, "not_found"},
		{"POST", "/api/admin/apps/nonsense/sessions/revoke", owner, nil, 404, "not_found"},
	})
	if a := c.want(c.do("POST", "/api/admin/apps/"+jwtApp+"/sessions/revoke", adminTok, nil), 200, ""); a.obj()["ended"] != 2.0 {
		t.Errorf("ended %v sessions of the app, want 2", a.obj()["ended"])
	}
	c.want(c.do("GET", "/v1/me", gus, nil), 401, "session_revoked")
	on(guarded, func() { // from behind the proxy: the audit log names the client
		if a := c.want(c.do("POST", "/api/admin/apps/"+jwtApp+"/sessions/revoke", owner, nil, from("203.0.113.50")), 200, ""); a.obj()["ended"] != 0.0 {
			t.Errorf("ended %v sessions again, want 0", a.obj()["ended"])
		}
	})
	if l := c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/sessions?app="+jwtApp, adminTok, nil), 200, ""); !bytes.Contains(l.raw, []byte(`"revoke_reason":"app_sessions_ended"`)) {
		t.Errorf("the app's ended sessions: %s", l.raw)
	}
	cal := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{}), 200, "").str("session_token")
	c.want(c.do("POST", "/v1/logout", cal, nil), 204, "")
	c.want(c.do("POST", "/v1/logout", cal, nil), 401, "session_revoked")

	// Deleting an app and a workspace: a typed confirmation, the admin's
	// own apps only, the owner alone for a workspace; their sessions end.
	doomed := c.want(c.do("POST", "/api/admin/workspaces/"+ws+"/apps", adminTok, map[string]any{"name": "Old app", "platform": "web"}), 201, "").str("id")
	doomedVisitor := c.want(c.do("POST", loginPath(doomed), "", map[string]any{}), 200, "").str("session_token")
	c.want(c.do("DELETE", "/api/admin/apps/"+doomed+"?confirm=Old+app", agentTok, nil), 403, "forbidden")
	c.want(c.do("DELETE", "/api/admin/apps/"+doomed+"?confirm=Old+app", otherTok, nil), 404, "not_found")
	c.want(c.do("DELETE", "/api/admin/apps/"+doomed+"?confirm=old+app", adminTok, nil), 400, "invalid_request")
	c.want(c.do("DELETE", "/api/admin/apps/"+doomed, adminTok, nil), 400, "invalid_request")
	c.want(c.do("GET", "/v1/me", doomedVisitor, nil), 200, "")
	if a := c.want(c.do("DELETE", "/api/admin/apps/"+doomed+"?confirm=Old+app", adminTok, nil), 200, ""); a.obj()["ended"] != 1.0 {
		t.Errorf("deleting the app ended %v sessions, want 1", a.obj()["ended"])
	}
	c.want(c.do("GET", "/v1/me", doomedVisitor, nil), 401, "unauthenticated")
	c.want(c.do("GET", "/api/admin/apps/"+doomed, adminTok, nil), 404, "not_found")
	c.want(c.do("POST", loginPath(doomed), "", map[string]any{}), 404, "not_found")
	c.want(c.do("DELETE", "/api/admin/apps/"+doomed+"?confirm=Old+app", adminTok, nil), 404, "not_found")
	goneWS := c.want(c.do("POST", "/api/admin/workspaces", owner, map[string]any{"name": "Gone brand"}), 201, "").str("id")
	goneAdmin := c.want(c.do("POST", "/api/admin/workspaces/"+goneWS+"/tokens", owner, map[string]any{"role": "admin"}), 201, "").str("token")
	c.want(c.do("DELETE", "/api/admin/workspaces/"+goneWS+"?confirm=Gone+brand", goneAdmin, nil), 403, "forbidden")
	c.want(c.do("DELETE", "/api/admin/workspaces/"+goneWS+"?confirm=Gone+brand", adminTok, nil), 404, "not_found")
	c.want(c.do("DELETE", "/api/admin/workspaces/"+goneWS+"?confirm=Gone", owner, nil), 400, "invalid_request")
	if a := c.want(c.do("DELETE", "/api/admin/workspaces/"+goneWS+"?confirm=Gone+brand", owner, nil), 200, ""); a.obj()["ended"] != 0.0 {
		t.Errorf("deleting the workspace ended %v sessions, want 0", a.obj()["ended"])
	}
	c.want(c.do("GET", "/api/admin/workspaces/"+goneWS, owner, nil), 404, "not_found")
	c.want(c.do("GET", "/api/admin/workspaces/"+goneWS+"/apps", goneAdmin, nil), 401, "unauthenticated")
	c.want(c.do("DELETE", "/api/admin/workspaces/"+goneWS+"?confirm=Gone+brand", owner, nil), 404, "not_found")
	if l := c.want(c.do("GET", "/api/admin/workspaces/"+goneWS+"/audit", owner, nil), 200, "").obj()["entries"].([]any); len(l) == 0 {
		t.Errorf("the deleted workspace's audit log is gone")
	}

	// Keys: retire with a grace period, revoke (its sessions end).
	c.run([]oaScenario{
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + spare + "/retire", owner, map[string]any{"grace_seconds": -1}, 400, "invalid_request"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + spare + "/retire", owner, map[string]any{"grace": 60}, 400, "unknown_field"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys/key_aaaaaaaaaaaaaaaa/retire", owner, map[string]any{}, 404, "not_found"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + keyIDs[verify.Intercom] + "/retire", owner, map[string]any{}, 404, "not_found"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + spare + "/retire", agentTok, map[string]any{}, 403, "forbidden"},
	})
	if k := c.want(c.do("POST", "/api/admin/apps/"+apps[verify.Signet]+"/keys/"+spare+"/retire", adminTok, map[string]any{"grace_seconds": 3600}), 200, ""); k.str("state") != "retiring" || k.str("retires_at") == "" {
		t.Errorf("retired key: %s", k.raw)
	}
	c.run([]oaScenario{
		{"DELETE", "/api/admin/apps/" + apps[verify.Signet] + "/keys/key_aaaaaaaaaaaaaaaa", adminTok, nil, 404, "not_found"},
		{"DELETE", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + keyIDs[verify.Signet], agentTok, nil, 403, "forbidden"},
		{"DELETE", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + keyIDs[verify.Signet], adminTok, nil, 204, ""},
		{"GET", "/v1/me", annSession, nil, 401, "session_revoked"},
		{"POST", "/api/admin/apps/" + apps[verify.Signet] + "/keys/" + keyIDs[verify.Signet] + "/retire", adminTok, map[string]any{}, 409, "conflict"},
		{"POST", loginPath(apps[verify.Signet]), "", map[string]any{"identity_token": mustSign(signer(verify.Signet).Token(sign.Claims{UserID: "u-1"}))}, 401, "key_revoked"},
		{"GET", "/api/admin/apps/" + apps[verify.Signet] + "/keys", owner, nil, 200, ""},
	})

	// Tokens: revoke, and the token stops working.
	c.run([]oaScenario{
		{"DELETE", "/api/admin/workspaces/" + ws + "/tokens/tok_aaaaaaaaaaaaaaaa", adminTok, nil, 404, "not_found"},
		{"DELETE", "/api/admin/workspaces/" + ws + "/tokens/" + agentID, agentTok, nil, 403, "forbidden"},
		{"DELETE", "/api/admin/workspaces/" + ws + "/tokens/" + agentID, adminTok, nil, 204, ""},
		{"GET", "/api/admin/workspaces/" + ws + "/users", agentTok, nil, 401, "unauthenticated"},
		{"GET", "/api/admin/workspaces/" + ws + "/tokens", owner, nil, 200, ""},
	})

	// --- the audit log: what the scenario did, by whom, from where.
	auditPath := "/api/admin/workspaces/" + ws + "/audit"
	audit := func(bearer, query string) []map[string]any {
		t.Helper()
		var out []map[string]any
		for _, v := range c.want(c.do("GET", auditPath+query, bearer, nil), 200, "").obj()["entries"].([]any) {
			out = append(out, oaMapOf(v))
		}
		return out
	}
	entries := audit(adminTok, "?limit=500")
	entrySchema := c.schema("AuditEntry", map[string]any{"$ref": "#/components/schemas/AuditEntry"})
	written := map[string]int{}
	for _, e := range entries {
		written[e["action"].(string)]++
		if e["workspace_id"] != ws || e["ip"] != "127.0.0.1" && e["ip"] != "203.0.113.50" || e["user_agent"] != "Go-http-client/1.1" {
			t.Errorf("audit entry: %v", e)
		}
		// Strict down to the details: a renamed detail fails.
		raw, _ := json.Marshal(e)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		for name := range oaMapOf(e["details"]) {
			m := maps.Clone(inst.(map[string]any))
			d := maps.Clone(m["details"].(map[string]any))
			d[name+"_renamed"] = d[name]
			delete(d, name)
			m["details"] = d
			if entrySchema.Validate(m) == nil {
				t.Errorf("AuditEntry accepts %s details with %q renamed", e["action"], name)
			}
		}
	}
	// Creating a workspace is an instance-wide action: the owner's log has it.
	instanceWide := c.want(c.do("GET", "/api/admin/audit?limit=500&action=workspace.create&actor=owner&target="+ws, owner, nil), 200, "").obj()["entries"].([]any)
	if len(instanceWide) != 1 || oaMapOf(instanceWide[0])["actor_role"] != "owner" || oaMapOf(instanceWide[0])["workspace_id"] != nil {
		t.Errorf("workspace.create in the instance-wide log: %v", instanceWide)
	}
	written["workspace.create"] += len(instanceWide)
	written["workspace.delete"] += len(c.want(c.do("GET", "/api/admin/audit?limit=500&action=workspace.delete&target="+goneWS, owner, nil), 200, "").obj()["entries"].([]any))
	for _, a := range oaMapOf(oaMapOf(c.doc["components"])["schemas"])["AuditAction"].(map[string]any)["enum"].([]any) {
		if written[a.(string)] == 0 {
			t.Errorf("the scenario wrote no %s entry: %v", a, written)
		}
	}
	if l := audit(adminTok, "?actor="+adminID+"&action=token.create"); len(l) != 1 || l[0]["target_id"] != agentID ||
		l[0]["actor_role"] != "admin" || oaMapOf(l[0]["details"])["role"] != "agent" {
		t.Errorf("the admin token's token.create: %v", l)
	}
	if l := audit(owner, "?actor=owner&action=workspace.create"); len(l) != 0 {
		t.Errorf("workspace.create filed under the workspace: %v", l)
	}
	if l := audit(adminTok, "?target="+weakKey.str("id")); len(l) != 1 || oaMapOf(l[0]["details"])["weak"] != true {
		t.Errorf("the weak key's key.create: %v", l)
	}
	if l := audit(adminTok, "?action=app.sessions.revoke&limit=1"); len(l) != 1 || l[0]["ip"] != "203.0.113.50" {
		t.Errorf("an action from behind the trusted proxy: %v", l)
	}
	// Pages of 2 walk the whole listing, newest first.
	all := audit(adminTok, "?action=key.create&since="+start.Format(time.RFC3339))
	var paged []any
	for before := ""; ; {
		page := audit(adminTok, "?action=key.create&limit=2"+before)
		if len(page) > 2 {
			t.Fatalf("a page of %d entries, limit 2", len(page))
		}
		for _, e := range page {
			paged = append(paged, e["id"])
		}
		if len(page) < 2 {
			break
		}
		before = "&before=" + page[1]["id"].(string)
	}
	var ids []any
	for _, e := range all {
		ids = append(ids, e["id"])
	}
	if len(all) < 10 || !slices.Equal(paged, ids) {
		t.Errorf("paging key.create by 2: %v, want %v", paged, ids)
	}
	if l := audit(owner, "?since="+clock.Now().Add(time.Hour).Format(time.RFC3339)); len(l) != 0 {
		t.Errorf("entries from the future: %v", l)
	}
	other := c.want(c.do("GET", "/api/admin/workspaces/"+ws2+"/audit", owner, nil), 200, "").obj()["entries"].([]any)
	if len(other) == 0 {
		t.Fatalf("the other workspace's log is empty")
	}
	for _, cursor := range []string{"aud_aaaaaaaaaaaaaaaa", oaMapOf(other[0])["id"].(string), "nonsense"} {
		if l := audit(adminTok, "?before="+cursor); len(l) != 0 {
			t.Errorf("a cursor outside the log (%s): %v", cursor, l)
		}
	}
	c.run([]oaScenario{
		{"GET", auditPath + "?since=yesterday", adminTok, nil, 400, "invalid_request"},
		{"GET", auditPath + "?limit=0", adminTok, nil, 400, "invalid_request"},
		{"GET", auditPath, otherTok, nil, 404, "not_found"},
		{"GET", "/api/admin/workspaces/ws_aaaaaaaaaaaaaaaa/audit", owner, nil, 404, "not_found"},
	})
	// The instance-wide log: entries filed under no workspace, never a workspace's.
	for _, v := range c.want(c.do("GET", "/api/admin/audit?limit=500&since="+start.Format(time.RFC3339), owner, nil), 200, "").obj()["entries"].([]any) {
		if e := oaMapOf(v); e["workspace_id"] != nil || slices.ContainsFunc(entries, func(w map[string]any) bool { return w["id"] == e["id"] }) {
			t.Errorf("a workspace's entry in the instance-wide log: %v", e)
		}
	}
	c.run([]oaScenario{
		{"GET", "/api/admin/audit?action=workspace.create&actor=owner&target=" + ws + "&before=aud_aaaaaaaaaaaaaaaa", owner, nil, 200, ""},
		{"GET", "/api/admin/audit?since=2026-13-01T00:00:00Z", owner, nil, 400, "invalid_request"},
		{"GET", "/api/admin/audit?limit=501", owner, nil, 400, "invalid_request"},
		{"GET", "/api/admin/audit", otherTok, nil, 403, "forbidden"},
	})

	// Sessions expire.
	dan := c.want(c.do("POST", loginPath(apps[verify.Akece]), "", map[string]any{"user_id": "u-5",
		"user_hash": mustSign(signer(verify.Akece).Digest(sign.Claims{UserID: "u-5"}))}), 200, "").str("session_token")
	clock.Add(model.DefaultSessionLifetime + time.Minute)
	c.want(c.do("GET", "/v1/me", dan, nil), 401, "session_expired")
	c.want(c.do("GET", "/api/admin/workspaces/"+ws+"/sessions", owner, nil), 200, "")

	// --- the failures every route shares, on every route that has them: no
	// token or a revoked one; a body that is not JSON, has an unknown field,
	// or is too large.
	params := map[string]string{"ws": ws, "app": apps[verify.Signet], "key": spare, "token": agentID, "user": annUser, "session": ses, "account": keptAcc,
		"issue": annIssue}
	live := c.want(c.do("POST", loginPath(apps[verify.Signet]), "", map[string]any{}), 200, "").str("session_token")
	for _, o := range c.ops {
		path := o.path
		for name, v := range params {
			path = strings.ReplaceAll(path, "{"+name+"}", v)
		}
		var empty any
		if o.op["requestBody"] != nil {
			empty = map[string]any{}
		}
		bearer := owner
		switch {
		case strings.HasPrefix(o.path, "/api/"):
			c.want(c.do(o.method, path, "", empty), 401, "unauthenticated")
			c.want(c.do(o.method, path, agentTok, empty), 401, "unauthenticated")
			if strings.Contains(o.path, "{") {
				c.want(c.do(o.method, path, otherTok, empty), 404, "not_found")
			}
		case strings.HasPrefix(o.path, "/v1/") && !strings.HasSuffix(o.path, "/login"):
			c.want(c.do(o.method, path, annSession, empty), 401, "session_revoked")
			bearer = live
		}
		if empty == nil {
			continue
		}
		c.run([]oaScenario{
			{o.method, path, bearer, `{"name": "unterminated`, 400, "invalid_json"},
			{o.method, path, bearer, map[string]any{"zz_not_a_field": 1}, 400, "unknown_field"},
			{o.method, path, bearer, `{"name":"` + strings.Repeat("a", maxBody) + `"}`, 413, "body_too_large"},
		})
	}

	// --- the database goes away: every route answers as documented (readyz
	// says so; the others answer an error body).
	st.Close()
	for _, o := range c.ops {
		path := o.path
		for name, v := range params {
			path = strings.ReplaceAll(path, "{"+name+"}", v)
		}
		var body any
		if o.op["requestBody"] != nil {
			body = map[string]any{}
		}
		if o.key == "POST /api/admin/workspaces" {
			body = map[string]any{"name": "Unreachable"}
		}
		bearer := owner
		if strings.HasPrefix(o.path, "/v1/") {
			bearer = dan
		}
		a := c.do(o.method, path, bearer, body)
		switch o.key {
		case "GET /healthz", "GET /metrics", "GET /openapi.json":
			c.want(a, 200, "")
		case "GET /readyz":
			c.want(a, 503, "")
		case "GET /api/admin/apps/{app}/readiness", "POST /api/admin/apps/{app}/test":
			c.want(a, 500, "internal") // documented without 503: the store has no "unavailable" error
		case "POST /api/admin/account/password", "POST /api/admin/tokens":
			// Refused before any read: an API token has no password; an empty body has no role.
			if a.status != 403 && a.status != 400 {
				t.Errorf("%s without a database: %d %s", o.key, a.status, a.raw)
			}
		default:
			if a.status != 500 && a.status != 503 {
				t.Errorf("%s without a database: %d %s", o.key, a.status, a.raw)
			}
		}
	}

	// --- every route was exercised, with a success, and (but the operations
	// endpoints) with a failure.
	var lines []string
	documented := 0
	for _, o := range c.ops {
		statuses := c.seen[o.key]
		documented += len(oaMapOf(o.op["responses"]))
		var ok, failed bool
		for s := range statuses {
			ok = ok || s >= 200 && s < 300
			failed = failed || s >= 400
		}
		if !ok {
			t.Errorf("%s was never answered with a success", o.key)
		}
		if !failed && (strings.HasPrefix(o.path, "/api/") || strings.HasPrefix(o.path, "/v1/")) {
			t.Errorf("%s was never answered with a failure", o.key)
		}
		var unseen []string
		for st := range oaMapOf(o.op["responses"]) {
			if n, _ := strconv.Atoi(st); statuses[n] == 0 {
				unseen = append(unseen, st)
			}
		}
		sort.Strings(unseen)
		lines = append(lines, fmt.Sprintf("%-50s seen %v, not seen %v", o.key, slices.Sorted(maps.Keys(statuses)), unseen))
	}
	for _, r := range oaRouteTable(t) {
		if c.seen[r] == nil {
			t.Errorf("route %s was not exercised", r)
		}
	}
	pairs := 0
	for _, s := range c.seen {
		pairs += len(s)
	}
	sort.Strings(lines)
	t.Logf("validated %d answers (%d bodies against a schema, %d request bodies checked, %d server-sent events) over %d operations; "+
		"%d of the %d documented (operation, status) pairs seen:\n%s",
		c.validated, c.bodies, c.requests, c.events, len(c.seen), pairs, documented, strings.Join(lines, "\n"))

	// The schemas are strict: a renamed or extra field in any answer fails.
	for key, v := range c.samples {
		if key == "GET /openapi.json" {
			continue // a document, not a strict answer
		}
		method, path, _ := strings.Cut(key, " ")
		o := c.match(method, path)
		var st string
		for s := range c.seen[key] {
			if s >= 200 && s < 300 && oaMapOf(oaDeref(c.doc, oaMapOf(o.op["responses"])[strconv.Itoa(s)])["content"])["application/json"] != nil {
				st = strconv.Itoa(s)
			}
		}
		s := c.schemas[key+" "+st+" application/json"]
		if s == nil {
			continue
		}
		for name, field := range v.(map[string]any) {
			m := maps.Clone(v.(map[string]any))
			m[name+"_renamed"] = m[name]
			delete(m, name)
			if s.Validate(m) == nil {
				t.Errorf("%s %s: the schema accepts the answer with %q renamed", key, st, name)
			}
			// The items of a list, as strict: rename each field of the first.
			list, _ := field.([]any)
			if len(list) == 0 {
				continue
			}
			item, ok := list[0].(map[string]any)
			if !ok {
				continue
			}
			for inner := range item {
				it := maps.Clone(item)
				it[inner+"_renamed"] = it[inner]
				delete(it, inner)
				m := maps.Clone(v.(map[string]any))
				m[name] = append([]any{it}, list[1:]...)
				if s.Validate(m) == nil {
					t.Errorf("%s %s: the schema accepts the answer with %s[0].%s renamed", key, st, name, inner)
				}
			}
		}
	}
}
