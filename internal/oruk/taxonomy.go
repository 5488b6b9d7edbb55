package oruk

import (
	_ "embed"
	"encoding/json"
	"sort"
	"strings"

	"github.com/placemap/placemap/internal/place"
)

// Root is the ORUK API's GET /: which HSDS version and profile it serves,
// and where its OpenAPI description is.
type Root struct {
	Version    string `json:"version"`
	Profile    string `json:"profile"`
	OpenAPIURL string `json:"openapi_url"`
}

// ProfileURL is where the Open Referral UK profile is published.
const ProfileURL = "https://github.com/OpenReferralUK/uk-profile"

// NewRoot answers GET / of the API served at base (an absolute URL
// without a trailing slash).
func NewRoot(base string) Root {
	return Root{Version: "3.0", Profile: ProfileURL, OpenAPIURL: base + "/openapi.json"}
}

//go:embed testdata/schema/openapi.json
var openapiDoc []byte

// OpenAPI is the profile's published OpenAPI description (unmodified but
// for a servers entry naming base), the one GET / points to.
func OpenAPI(base string) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		return nil, err
	}
	doc["servers"] = []map[string]string{{"url": base, "description": "placemap"}}
	return json.Marshal(doc)
}

// Taxonomy is a set of terms services are classified by: placemap's
// categories.
type Taxonomy struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	Version       string         `json:"version"`
	TaxonomyTerms []TaxonomyTerm `json:"taxonomy_terms,omitempty"`
}

// TaxonomyTerm is one category: its id as the term, its OpenStreetMap
// tags in the description and, through the most specific tag, its term
// URI on the OSM wiki.
type TaxonomyTerm struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Taxonomy    string `json:"taxonomy"`
	TaxonomyID  string `json:"taxonomy_id"`
	Term        string `json:"term"`
	TermURI     string `json:"term_uri,omitempty"`
}

// Attribute links a service to a taxonomy term.
type Attribute struct {
	ID             string       `json:"id"`
	LinkID         string       `json:"link_id"`
	TaxonomyTermID string       `json:"taxonomy_term_id"`
	LinkType       string       `json:"link_type"`
	TaxonomyTerm   TaxonomyTerm `json:"taxonomy_term"`
}

// TaxonomyID is the id of placemap's one taxonomy, its categories.
var TaxonomyID = stableID("taxonomy", "placemap categories")

const taxonomyName = "placemap categories"

// Categories is placemap's taxonomy with its terms.
func Categories() Taxonomy {
	return Taxonomy{ID: TaxonomyID, Name: taxonomyName, Version: "1", TaxonomyTerms: Terms(),
		Description: "The controlled list of kinds of community asset placemap records, each mapped to the OpenStreetMap tags that mean it."}
}

// Terms are placemap's categories as taxonomy terms, in the order shown
// to people.
func Terms() []TaxonomyTerm {
	cats := place.Categories()
	out := make([]TaxonomyTerm, len(cats))
	for i, c := range cats {
		out[i] = term(c)
	}
	return out
}

func term(c place.Category) TaxonomyTerm {
	keys := make([]string, 0, len(c.OSM))
	for k := range c.OSM {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := make([]string, len(keys))
	for i, k := range keys {
		tags[i] = k + "=" + c.OSM[k]
	}
	// The most specific tag is the one that is not "amenity" or "leisure"
	// when there are two ("community_centre=youth_centre").
	specific := tags[0]
	for _, t := range tags {
		if !strings.HasPrefix(t, "amenity=") && !strings.HasPrefix(t, "leisure=") {
			specific = t
		}
	}
	return TaxonomyTerm{ID: stableID("taxonomy_term", c.ID), Name: c.Title, Taxonomy: taxonomyName, TaxonomyID: TaxonomyID, Term: c.ID,
		Description: "OpenStreetMap tags: " + strings.Join(tags, ", "), TermURI: "https://wiki.openstreetmap.org/wiki/Tag:" + specific}
}

// TermByCategory is the term of a category id.
func TermByCategory(id string) (TaxonomyTerm, bool) {
	c, ok := place.CategoryByID(id)
	if !ok {
		return TaxonomyTerm{}, false
	}
	return term(c), true
}

// CategoryOfTerm is the category id a term id stands for.
func CategoryOfTerm(termID string) (string, bool) {
	for _, c := range place.Categories() {
		if stableID("taxonomy_term", c.ID) == termID {
			return c.ID, true
		}
	}
	return "", false
}

// ServiceBrief is a service's one-to-one fields: how a service at a
// location names its service, and the first fields of a Service.
type ServiceBrief struct {
	ID             string       `json:"id"`
	OrganizationID string       `json:"organization_id"`
	Name           string       `json:"name"`
	Description    string       `json:"description"`
	URL            string       `json:"url,omitempty"`
	Email          string       `json:"email,omitempty"`
	Status         string       `json:"status"`
	Alert          string       `json:"alert,omitempty"`
	LastModified   string       `json:"last_modified,omitempty"`
	AssuredDate    string       `json:"assured_date,omitempty"`
	Organization   Organization `json:"organization"`
}

// LocatedService is a service at a location as GET /service_at_locations
// answers: the link, its location and its service.
type LocatedService struct {
	ServiceAtLocation
	Service ServiceBrief `json:"service"`
}

// Located is the asset's service at its location.
func Located(a place.Asset) LocatedService {
	s := FromAsset(a)
	return LocatedService{ServiceAtLocation: s.ServiceAtLocations[0], Service: s.ServiceBrief}
}
