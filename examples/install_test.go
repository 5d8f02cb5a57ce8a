package examples

import (
	"strings"
	"testing"
)

// TestFunctionFor cuts every profile's function out of every language's
// snippet file: the definition with its comment, whole, and nothing of the
// next one.
func TestFunctionFor(t *testing.T) {
	for _, lang := range Languages {
		for _, profile := range profiles {
			f, err := FunctionFor(lang, profile)
			if err != nil {
				t.Errorf("%s %s: %v", lang.Name, profile, err)
				continue
			}
			if !strings.Contains(f.Code, lang.definition(f.Name)) || !strings.Contains(f.Whole, f.Code) {
				t.Errorf("%s %s: the code is not the file's definition:\n%s", lang.Name, profile, f.Code)
			}
			if !isComment(strings.SplitN(f.Code, "\n", 2)[0]) && lang.Name != "python" {
				t.Errorf("%s %s: the doc comment is missing:\n%s", lang.Name, profile, f.Code)
			}
			if lang.Name == "python" && !strings.Contains(f.Code, `"""`) {
				t.Errorf("python %s: the docstring is missing:\n%s", profile, f.Code)
			}
			if lang.end != "" && !strings.HasSuffix(f.Code, lang.end) {
				t.Errorf("%s %s: the definition is cut short:\n%s", lang.Name, profile, f.Code)
			}
			// One function only (Java: its overloads).
			for _, other := range lang.functions {
				if other != f.Name && strings.Contains(f.Code, lang.definition(other)) {
					t.Errorf("%s %s: the code runs into %s:\n%s", lang.Name, profile, other, f.Code)
				}
			}
		}
	}
	if _, err := FunctionFor(Languages[0], "zendesk"); err == nil {
		t.Error("an unknown profile has a snippet")
	}
}
