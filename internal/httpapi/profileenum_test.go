package httpapi

import (
	"slices"
	"testing"

	"github.com/signet-id/signet/verify"
)

// TestOpenAPIProfileEnum: the document's Profile enum lists exactly the
// profiles Signet speaks (verify.Profiles), so a client generated from it
// accepts every profile app creation accepts.
func TestOpenAPIProfileEnum(t *testing.T) {
	doc := oaLoadDoc(t)
	schema := doc["components"].(map[string]any)["schemas"].(map[string]any)["Profile"].(map[string]any)
	var got []string
	for _, v := range schema["enum"].([]any) {
		got = append(got, v.(string))
	}
	var want []string
	for _, p := range verify.Profiles() {
		want = append(want, string(p))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the Profile enum lists %v, Signet speaks %v", got, want)
	}
}
