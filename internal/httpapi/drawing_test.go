package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/store/storetest"
)

// TestDrawMyNeighbourhood: a visitor draws "my neighbourhood" for a
// community set and the place it defines; nothing changes until a
// moderator accepts; then the drawing is an area of the set, one of the
// place's definitions, and a member of its agreement surface.
func TestDrawMyNeighbourhood(t *testing.T) {
	stores(t, func(t *testing.T, st *store.DB) {
		srv := writeServer(t, st)
		c := srv.Client()
		ctx := context.Background()
		community := place.BoundarySet{Slug: "drawn", Title: "Drawn by residents", Kind: place.Community, Licence: "CC0-1.0", Attribution: "residents"}
		if _, err := st.ImportSet(ctx, community, storetest.Grid()[:1]); err != nil {
			t.Fatal(err)
		}
		if err := st.SavePlace(ctx, place.Place{Slug: "heeley", Name: "Heeley", Links: []place.PlaceLink{{Set: "grid", Code: "A1", Confirmed: true}, {Set: "drawn", Code: "A1", Confirmed: true}}}); err != nil {
			t.Fatal(err)
		}
		drawing := func(set, placeSlug string) string {
			return `{"kind":"area","set":"` + set + `","place":"` + placeSlug + `","comment":"the streets I walk",
				"feature":{"type":"Feature","properties":{"name":"Heeley <b>as I know it</b>"},
				"geometry":{"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.42,53.26],[-1.42,53.32],[-1.49,53.32],[-1.49,53.26]]]}}}`
		}
		for _, bad := range []struct{ name, body, want string }{
			{"a ward", drawing("grid", "heeley"), "community set"},
			{"no such place", drawing("drawn", "nowhere"), "nowhere"},
			{"no drawing", `{"kind":"area","set":"drawn"}`, "feature"},
			{"a point", strings.Replace(drawing("drawn", ""), `"type":"Polygon","coordinates":[[[-1.49,53.26],[-1.42,53.26],[-1.42,53.32],[-1.49,53.32],[-1.49,53.26]]]`, `"type":"Point","coordinates":[-1.4,53.3]`, 1), "Point"},
		} {
			if code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", bad.body, nil}); code/100 != 4 || !strings.Contains(body, bad.want) {
				t.Errorf("%s: %d %s", bad.name, code, body)
			}
		}
		code, _, body := do(t, c, srv.URL, call{"POST", "/api/suggestions", drawing("drawn", "heeley"), nil})
		if code != http.StatusAccepted {
			t.Fatalf("suggest a drawing: %d %s", code, body)
		}
		var sent struct{ ID string }
		_ = json.Unmarshal([]byte(body), &sent)
		if sum, _ := st.Set(ctx, "drawn"); sum.AreaCount != 1 {
			t.Errorf("a pending drawing changed the set: %d areas", sum.AreaCount)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/suggestions?status=pending", "", bearer("moderator")})
		var queue struct {
			Suggestions []struct {
				ID, Kind, Set, Code, Place string
				Proposed                   struct {
					Geometry   struct{ Type string }
					Properties map[string]any
				}
			}
		}
		_ = json.Unmarshal([]byte(body), &queue)
		if len(queue.Suggestions) != 1 || queue.Suggestions[0].Kind != "area" || queue.Suggestions[0].Proposed.Geometry.Type != "MultiPolygon" ||
			queue.Suggestions[0].Proposed.Properties["name"] != "Heeley <b>as I know it</b>" || queue.Suggestions[0].Place != "heeley" {
			t.Fatalf("queue: %s", body)
		}
		code, _, body = do(t, c, srv.URL, call{"POST", "/api/suggestions/" + sent.ID + "/accept", "", bearer("moderator")})
		if code != 200 {
			t.Fatalf("accept: %d %s", code, body)
		}
		areaCode := queue.Suggestions[0].Code
		if code, _, body := do(t, c, srv.URL, call{"GET", "/api/sets/drawn/areas/" + areaCode, "", nil}); code != 200 || !strings.Contains(body, `"drawn_by":"a resident"`) {
			t.Errorf("the accepted drawing: %d %s", code, body)
		}
		_, _, body = do(t, c, srv.URL, call{"GET", "/api/places/heeley", "", nil})
		if !strings.Contains(body, `"code":"`+areaCode+`"`) {
			t.Errorf("heeley's definitions lack the drawing: %s", body)
		}
		code, _, body = do(t, c, srv.URL, call{"GET", "/api/places/heeley/agreement", "", nil})
		if code != 200 || !strings.Contains(body, "drawn:"+areaCode) {
			t.Errorf("the agreement surface lacks the drawing: %d %.400s", code, body)
		}
	})
}
