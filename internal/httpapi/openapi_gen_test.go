package httpapi

import (
	"bytes"
	"strings"
	"testing"
)

// TestOpenAPIGenerated fails while the committed openapi.json is not what
// the route table and the Go types generate: change routes.go, schemas.go
// or a type, then run go generate ./internal/httpapi.
func TestOpenAPIGenerated(t *testing.T) {
	doc, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, openAPI) {
		a, b := strings.Split(string(openAPI), "\n"), strings.Split(string(doc), "\n")
		for i := 0; i < len(a) && i < len(b); i++ {
			if a[i] != b[i] {
				t.Fatalf("openapi.json is out of date (first difference at line %d: committed %q, generated %q): run go generate ./internal/httpapi", i+1, a[i], b[i])
			}
		}
		t.Fatalf("openapi.json is out of date (%d lines committed, %d generated): run go generate ./internal/httpapi", len(a), len(b))
	}
}

// TestOpenAPIGeneratorRefusesDrift: the prose cannot name a field the Go
// type lacks, a route cannot name an error answer that does not exist, and
// an operation id is used once.
func TestOpenAPIGeneratorRefusesDrift(t *testing.T) {
	routes := (&server{}).routes(nil)
	for _, tc := range []struct {
		name   string
		change func() func()
		want   string
	}{
		{"a documented field the type lacks", func() func() {
			i := schemaIndex(t, "Workspace")
			old := schemaDefs[i].Props
			schemaDefs[i].Props = map[string]prop{"no_such_field": {Doc: "x"}}
			return func() { schemaDefs[i].Props = old }
		}, `documents field "no_such_field"`},
		{"a request type without a schema", func() func() {
			old := routes[0].Request
			routes[0].Request = body[struct{ X int }]()
			return func() { routes[0].Request = old }
		}, "has no schema"},
		{"an unknown error answer", func() func() {
			old := routes[0].Errors
			routes[0].Errors = []string{"NoSuchAnswer"}
			return func() { routes[0].Errors = old }
		}, "no error answer NoSuchAnswer"},
		{"an operation id twice", func() func() {
			old := routes[1].ID
			routes[1].ID = routes[0].ID
			return func() { routes[1].ID = old }
		}, "is used twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.change()()
			_, err := document(routes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := document(routes); err != nil {
		t.Fatalf("the table, restored: %v", err)
	}
}

func schemaIndex(t *testing.T, name string) int {
	for i := range schemaDefs {
		if schemaDefs[i].Name == name {
			return i
		}
	}
	t.Fatalf("no schema %s", name)
	return -1
}
