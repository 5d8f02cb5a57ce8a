package httpapi

//go:generate go run ./cmd/openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file writes openapi.json from the route table (routes.go), the
// schemas' prose (schemas.go) and the Go types themselves, by reflection:
// a struct's JSON fields are its schema's properties, a field that is
// always written (no omitempty) is required, a field whose type is a
// named schema refers to it, and answers admit no other property. The
// prose is checked against the types: documenting a field the type lacks,
// or answering a type that has no schema, fails the generation.

// OpenAPI returns the document generated from the route table; go generate
// writes it to openapi.json, and a test fails while the two differ.
func OpenAPI() ([]byte, error) {
	return document((&server{}).routes(http.NotFoundHandler()))
}

// object is a JSON object being built.
type object = map[string]any

// document builds the OpenAPI document of routes.
func document(routes []Route) ([]byte, error) {
	g := &generator{byType: map[reflect.Type][]*schemaDef{}, byName: map[string]*schemaDef{}}
	for i := range schemaDefs {
		d := &schemaDefs[i]
		if g.byName[d.Name] != nil {
			return nil, fmt.Errorf("schema %s is defined twice", d.Name)
		}
		g.byName[d.Name] = d
		if d.Type != nil {
			g.byType[d.Type] = append(g.byType[d.Type], d)
		}
	}
	schemas := object{}
	for i := range schemaDefs {
		s, err := g.schema(&schemaDefs[i])
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", schemaDefs[i].Name, err)
		}
		schemas[schemaDefs[i].Name] = s
	}
	responses := object{}
	for _, e := range errorAnswers {
		r, err := e.response()
		if err != nil {
			return nil, fmt.Errorf("answer %s: %w", e.Name, err)
		}
		responses[e.Name] = r
	}
	paths := object{}
	ids := map[string]bool{}
	for _, rt := range routes {
		if ids[rt.ID] {
			return nil, fmt.Errorf("%s: operation id %q is used twice", rt.Pattern(), rt.ID)
		}
		ids[rt.ID] = true
		op, err := g.operation(rt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rt.Pattern(), err)
		}
		item, _ := paths[rt.Path].(object)
		if item == nil {
			item = object{}
			if params := pathParams(rt.Path); len(params) > 0 {
				item["parameters"] = params
			}
			paths[rt.Path] = item
		}
		m := strings.ToLower(rt.Method)
		if item[m] != nil {
			return nil, fmt.Errorf("%s is in the table twice", rt.Pattern())
		}
		item[m] = op
	}
	var tags []any
	for _, t := range apiTags {
		tags = append(tags, object{"name": t.Name, "description": t.Doc})
	}
	schemes := object{}
	for _, c := range credentials {
		schemes[string(c.Auth)] = object{"type": "http", "scheme": "bearer", "bearerFormat": c.Format, "description": c.Doc}
	}
	doc := object{
		"openapi": "3.1.0",
		"info":    object{"title": apiInfo.Title, "version": apiInfo.Version, "summary": apiInfo.Summary, "description": apiInfo.Doc},
		"servers": []any{object{"url": "/", "description": "The Signet server that serves this document."}},
		"tags":    tags,
		"paths":   paths,
		"components": object{
			"securitySchemes": schemes,
			"schemas":         schemas,
			"responses":       responses,
			"headers":         securityHeaderDefs(),
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type generator struct {
	byType map[reflect.Type][]*schemaDef
	byName map[string]*schemaDef
}

// ref is a reference to a component schema.
func ref(name string) object { return object{"$ref": "#/components/schemas/" + name} }

// named returns the schema name of a Go type: the one given if any (it must
// be one of the type's), else the type's only or first.
func (g *generator) named(t reflect.Type, name string) (string, error) {
	defs := g.byType[t]
	if name != "" {
		for _, d := range defs {
			if d.Name == name {
				return name, nil
			}
		}
		return "", fmt.Errorf("schema %s is not one of Go type %v's", name, t)
	}
	if len(defs) == 0 {
		return "", fmt.Errorf("Go type %v has no schema: add it to schemaDefs", t)
	}
	return defs[0].Name, nil
}

var timeType = reflect.TypeFor[time.Time]()

// typeSchema is the schema of a value of Go type t, as a property.
func (g *generator) typeSchema(t reflect.Type) (object, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if defs := g.byType[t]; len(defs) > 0 {
		return ref(defs[0].Name), nil
	}
	switch {
	case t == timeType:
		return object{"type": "string", "format": "date-time"}, nil
	case t == reflect.TypeFor[json.RawMessage]():
		return object{}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return object{"type": "string"}, nil
	case reflect.Bool:
		return object{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return object{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return object{"type": "number"}, nil
	case reflect.Slice, reflect.Array:
		items, err := g.typeSchema(t.Elem())
		if err != nil {
			return nil, err
		}
		return object{"type": "array", "items": items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map %v: JSON objects have string keys", t)
		}
		values, err := g.typeSchema(t.Elem())
		if err != nil {
			return nil, err
		}
		if len(values) == 0 {
			return object{"type": "object"}, nil
		}
		return object{"type": "object", "additionalProperties": values}, nil
	case reflect.Interface:
		return object{}, nil
	case reflect.Struct:
		s, _, err := g.structSchema(t, true)
		return s, err
	}
	return nil, fmt.Errorf("Go type %v has no JSON Schema", t)
}

// field is one JSON field of a struct.
type field struct {
	name     string
	t        reflect.Type
	optional bool // omitempty or omitzero: absent when empty
}

// jsonFields lists t's JSON fields in order, embedded structs' included.
func jsonFields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
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
			out = append(out, jsonFields(ft)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		opt := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
		out = append(out, field{name, f.Type, opt})
	}
	return out
}

// structSchema is the object schema of struct t: its properties, the names
// of those always written, no other property.
func (g *generator) structSchema(t reflect.Type, strict bool) (object, []string, error) {
	props := object{}
	required := []string{}
	for _, f := range jsonFields(t) {
		s, err := g.typeSchema(f.t)
		if err != nil {
			return nil, nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		props[f.name] = s
		if !f.optional {
			required = append(required, f.name)
		}
	}
	s := object{"type": "object", "properties": props, "required": required}
	if strict {
		s["additionalProperties"] = false
	}
	return s, required, nil
}

// schema builds one component schema: reflected from its Go type, then
// its prose and constraints laid over.
func (g *generator) schema(d *schemaDef) (object, error) {
	var s object
	switch {
	case d.Type != nil && d.Type.Kind() == reflect.Struct:
		var err error
		s, _, err = g.structSchema(d.Type, true)
		if err != nil {
			return nil, err
		}
		props := s["properties"].(object)
		for _, name := range d.Omit {
			if props[name] == nil {
				return nil, fmt.Errorf("omits %q, which Go type %v has not", name, d.Type)
			}
			delete(props, name)
			s["required"] = slices.DeleteFunc(s["required"].([]string), func(r string) bool { return r == name })
		}
		if d.Request {
			// What a request must hold is the handler's rule, not the
			// type's: say it.
			s["required"] = nonNil(d.Required)
		} else {
			for _, name := range d.Required {
				if props[name] == nil {
					return nil, fmt.Errorf("requires %q, which Go type %v has not", name, d.Type)
				}
				if !slices.Contains(s["required"].([]string), name) {
					s["required"] = append(s["required"].([]string), name)
				}
			}
		}
		for name, p := range d.Props {
			cur, ok := props[name].(object)
			if !ok {
				return nil, fmt.Errorf("documents field %q, which Go type %v has not", name, d.Type)
			}
			np, err := p.over(cur)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", name, err)
			}
			props[name] = np
		}
	case d.Type != nil:
		var err error
		s, err = g.typeSchemaUnnamed(d.Type)
		if err != nil {
			return nil, err
		}
		if d.Enum != nil {
			s["enum"] = d.Enum
		}
	default:
		s = object{}
	}
	if d.Doc != "" {
		s["description"] = d.Doc
	}
	return mergeRaw(s, d.Extra)
}

// typeSchemaUnnamed is typeSchema without the reference to t's own schema.
func (g *generator) typeSchemaUnnamed(t reflect.Type) (object, error) {
	defs := g.byType[t]
	delete(g.byType, t)
	defer func() { g.byType[t] = defs }()
	return g.typeSchema(t)
}

// over lays the prose and constraints of a property over its reflected schema.
func (p prop) over(s object) (object, error) {
	if p.Doc != "" {
		s["description"] = p.Doc
	}
	if p.ID != "" {
		s["pattern"] = "^" + p.ID + "_[a-z2-7]{16}$"
		s["examples"] = []string{p.ID + "_k3jq7m2xw4p5r6t7"}
	}
	return mergeRaw(s, p.Extra)
}

// mergeRaw lays the raw JSON object extra (if any) over s: objects merge
// key by key, anything else replaces.
func mergeRaw(s object, extra string) (object, error) {
	if extra == "" {
		return s, nil
	}
	var over object
	if err := json.Unmarshal([]byte(extra), &over); err != nil {
		return nil, fmt.Errorf("extra %.40q: %w", extra, err)
	}
	return merge(s, over), nil
}

func merge(s, over object) object {
	for k, v := range over {
		if vo, ok := v.(object); ok {
			if so, ok := s[k].(object); ok {
				s[k] = merge(so, vo)
				continue
			}
		}
		s[k] = v
	}
	return s
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// pathParams are the parameters of a path, documented once for every route
// (pathParamDocs).
func pathParams(path string) []any {
	var out []any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		doc, ok := pathParamDocs[m[1]]
		if !ok {
			panic(fmt.Sprintf("path parameter {%s} has no entry in pathParamDocs", m[1]))
		}
		out = append(out, object{"name": m[1], "in": "path", "required": true, "description": doc.Doc,
			"schema": object{"type": "string", "examples": []string{doc.Prefix + "_k3jq7m2xw4p5r6t7"}}})
	}
	return out
}

// securityHeaders are on every answer of the API (middleware.go).
var securityHeaders = []struct{ header, name string }{
	{"Content-Security-Policy", "ContentSecurityPolicy"},
	{"X-Frame-Options", "XFrameOptions"},
	{"Cross-Origin-Opener-Policy", "CrossOriginOpenerPolicy"},
	{"X-Content-Type-Options", "XContentTypeOptions"},
	{"Referrer-Policy", "ReferrerPolicy"},
}

// answerHeaders are the security headers, and extra's.
func answerHeaders(extra string) (object, error) {
	h := object{}
	for _, sh := range securityHeaders {
		h[sh.header] = object{"$ref": "#/components/headers/" + sh.name}
	}
	return mergeRaw(h, extra)
}

// securityHeaderDefs documents the security headers once.
func securityHeaderDefs() object {
	out := object{}
	for _, sh := range securityHeaders {
		d := securityHeaderDocs[sh.header]
		out[sh.name] = object{"description": d.Doc, "required": true, "schema": object{"type": "string", "const": d.Value}}
	}
	return out
}

// response is the component of an error answer: the Error body, its code
// one of Codes.
func (e errorAnswer) response() (object, error) {
	h, err := answerHeaders(e.Headers)
	if err != nil {
		return nil, err
	}
	return object{"description": e.Doc, "headers": h, "content": object{"application/json": object{"schema": object{
		"allOf": []any{ref("Error"), object{"properties": object{"error": object{"properties": object{"code": object{"enum": e.Codes}}}}}},
	}}}}, nil
}

// operation documents one route.
func (g *generator) operation(rt Route) (object, error) {
	doc := rt.Doc
	if rt.Roles != "" {
		doc += "\n\nRoles: " + rt.Roles
	}
	op := object{"operationId": rt.ID, "tags": []string{rt.Tag}, "summary": rt.Summary, "description": doc}
	if rt.Auth == NoAuth {
		op["security"] = []any{}
	} else {
		op["security"] = []any{object{string(rt.Auth): []string{}}}
	}
	if len(rt.Query) > 0 {
		var params []any
		for _, q := range rt.Query {
			var s object
			if err := json.Unmarshal([]byte(q.Schema), &s); err != nil {
				return nil, fmt.Errorf("query %s: %w", q.Name, err)
			}
			params = append(params, object{"name": q.Name, "in": "query", "required": q.Required, "description": q.Doc, "schema": s})
		}
		op["parameters"] = params
	}
	if rt.Request != nil {
		name, err := g.named(rt.Request.Type, rt.Request.Schema)
		if err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
		op["requestBody"] = object{"required": true, "content": object{"application/json": object{"schema": ref(name)}}}
	}
	responses := object{}
	for _, a := range rt.Answers {
		r, err := g.answer(a)
		if err != nil {
			return nil, fmt.Errorf("answer %d: %w", a.Status, err)
		}
		responses[strconv.Itoa(a.Status)] = r
	}
	for _, name := range rt.Errors {
		e, ok := errorAnswerNamed(name)
		if !ok {
			return nil, fmt.Errorf("no error answer %s in errorAnswers", name)
		}
		k := strconv.Itoa(e.Status)
		if responses[k] != nil {
			return nil, fmt.Errorf("two answers of status %s", k)
		}
		responses[k] = object{"$ref": "#/components/responses/" + name}
	}
	op["responses"] = responses
	return mergeRaw(op, rt.Extra)
}

func (g *generator) answer(a Answer) (object, error) {
	h, err := answerHeaders(a.Headers)
	if err != nil {
		return nil, err
	}
	r := object{"description": a.Doc, "headers": h}
	switch {
	case a.Content != "":
		var c object
		if err := json.Unmarshal([]byte(a.Content), &c); err != nil {
			return nil, err
		}
		r["content"] = c
	case a.Type != nil:
		name, err := g.named(a.Type, a.Schema)
		if err != nil {
			return nil, err
		}
		r["content"] = object{"application/json": object{"schema": ref(name)}}
	}
	return r, nil
}

func errorAnswerNamed(name string) (errorAnswer, bool) {
	for _, e := range errorAnswers {
		if e.Name == name {
			return e, true
		}
	}
	return errorAnswer{}, false
}

// schemaDef is a component schema: a Go type's, with its prose.
type schemaDef struct {
	Name string
	// Type is the Go type; nil for a schema written out in Extra.
	Type reflect.Type
	Doc  string
	// Enum lists the values of a string type.
	Enum []string
	// Request: a body the API reads, whose required fields are Required
	// (the handler's rule) rather than those without omitempty.
	Request bool
	// Required lists a request's required fields; for an answer, fields
	// its type may omit that this schema always has.
	Required []string
	// Omit leaves fields of Type out (an answer that never has them).
	Omit []string
	// Props are the fields' prose and constraints.
	Props map[string]prop
	// Extra is raw JSON laid over the schema (conditions, examples).
	Extra string
}

// prop is a field's prose and constraints.
type prop struct {
	Doc string
	// ID, for an id field, is its kind prefix (app, key): the pattern and
	// example follow.
	ID    string
	Extra string
}

// errorAnswer is a shared error answer (components.responses).
type errorAnswer struct {
	Name    string
	Status  int
	Doc     string
	Codes   []string
	Headers string // raw JSON of headers besides the security headers
}

// typeOf is the reflect.Type of T.
func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }
