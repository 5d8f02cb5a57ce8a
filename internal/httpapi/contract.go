package httpapi

import (
	"net/http"
	"reflect"
)

// Route is one endpoint of the HTTP API. The table of them (routes.go) is
// the one source of the contract: the server's mux is built from it, and
// openapi.json is generated from it and from the Go types its handlers read
// and write (go generate ./internal/httpapi). Adding an endpoint is adding
// a Route; see CONTRIBUTING.md, "Add an HTTP route".
type Route struct {
	Method  string // GET, POST, PATCH, DELETE
	Path    string // a net/http pattern's path: /api/admin/apps/{app}
	Handler http.Handler

	ID      string // the operationId: the handler's name
	Tag     string // one of docTags
	Summary string // a line
	Doc     string // what it does, in Markdown
	Roles   string // who may call it; appended to Doc as "Roles: …"
	Auth    Auth   // the credential it takes

	Query   []Param  // its query parameters; path parameters come from pathParams
	Request *Body    // the JSON body it reads, or nil
	Answers []Answer // its successful answers
	Errors  []string // its error answers, by name (errorAnswers)
	Extra   string   // raw JSON merged into the operation, rarely needed
}

// Auth is the credential a route takes.
type Auth string

// The credentials (components.securitySchemes).
const (
	NoAuth       Auth = ""
	APIToken     Auth = "apiToken"
	SessionToken Auth = "sessionToken"
)

// Param is a query parameter.
type Param struct {
	Name     string
	Doc      string
	Schema   string // raw JSON Schema of its value
	Required bool
}

// Body is a request body: the Go type the handler decodes.
type Body struct {
	Type reflect.Type
	// Schema names the body's schema when its type has several (AppCreate,
	// AppPatch); empty means the type's only one.
	Schema string
}

// Answer is a successful answer.
type Answer struct {
	Status int
	Doc    string
	// Type is the Go type the handler encodes (nil: no body).
	Type reflect.Type
	// Schema names the answer's schema when its type has several.
	Schema string
	// Content replaces the generated content (a non-JSON answer: an
	// event stream, the metrics); raw JSON.
	Content string
	// Headers are raw JSON of headers besides the security headers.
	Headers string
}

// body is the Body of a request of type T.
func body[T any](schema ...string) *Body {
	b := &Body{Type: reflect.TypeFor[T]()}
	if len(schema) > 0 {
		b.Schema = schema[0]
	}
	return b
}

// answer is an Answer of status with a body of type T.
func answer[T any](status int, doc string, schema ...string) Answer {
	a := Answer{Status: status, Doc: doc, Type: reflect.TypeFor[T]()}
	if len(schema) > 0 {
		a.Schema = schema[0]
	}
	return a
}

// noContent is a 204 answer.
func noContent(doc string) Answer { return Answer{Status: http.StatusNoContent, Doc: doc} }

// Pattern is the route's net/http ServeMux pattern.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }
