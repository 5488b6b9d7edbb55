// Package oruk writes assets as Open Referral UK (HSDS 3.0 UK profile)
// services: each asset a service, delivered by an organization (its
// operator) at a location, open on schedules read from its OSM-style
// opening hours. The shapes follow the profile's compiled service schema
// (testdata/schema, validated against in the tests).
package oruk

import (
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	pgeo "github.com/placemap/placemap/internal/geo"
	"github.com/placemap/placemap/internal/place"
)

// namespace makes stable UUIDs for what placemap does not identify by
// UUID (organizations, locations, schedules, non-UUID asset ids).
var namespace = uuid.MustParse("7d1c7a53-3f0e-4c55-9c2c-5c2a0e8b1f4e")

func stableID(kind, key string) string {
	return uuid.NewSHA1(namespace, []byte(kind+"\x00"+key)).String()
}

// serviceID is the asset's id when it is a UUID, else one made from it.
func serviceID(a place.Asset) string {
	if u, err := uuid.Parse(a.ID); err == nil {
		return u.String()
	}
	return stableID("service", a.ID)
}

// Organization delivers services.
type Organization struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Website     string `json:"website,omitempty"`
}

// Service is one asset as an ORUK service.
type Service struct {
	ServiceBrief
	ServiceAtLocations []ServiceAtLocation `json:"service_at_locations"`
	Schedules          []Schedule          `json:"schedules"`
	Attributes         []Attribute         `json:"attributes"`
	Attribution        string              `json:"-"`
	Licence            string              `json:"-"`
}

// ServiceAtLocation links a service to where it is delivered.
type ServiceAtLocation struct {
	ID         string   `json:"id"`
	ServiceID  string   `json:"service_id"`
	LocationID string   `json:"location_id"`
	Location   Location `json:"location"`
}

// Location is where a service is delivered.
type Location struct {
	ID                     string    `json:"id"`
	LocationType           string    `json:"location_type"`
	Name                   string    `json:"name"`
	Latitude               float64   `json:"latitude"`
	Longitude              float64   `json:"longitude"`
	ExternalIdentifier     string    `json:"external_identifier,omitempty"`
	ExternalIdentifierType string    `json:"external_identifier_type,omitempty"`
	Addresses              []Address `json:"addresses"`
}

// Address is a location's postal address.
type Address struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// Schedule is when a service is open: a weekly RFC 5545 rule with
// opening and closing times, or, for hours that do not reduce to one, a
// description only.
type Schedule struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id"`
	Freq        string `json:"freq,omitempty"`
	Interval    int    `json:"interval,omitempty"`
	ByDay       string `json:"byday,omitempty"`
	OpensAt     string `json:"opens_at,omitempty"`
	ClosesAt    string `json:"closes_at,omitempty"`
	Description string `json:"description,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// statuses maps placemap's statuses to ORUK's.
var statuses = map[place.Status]string{place.Open: "active", place.AtRisk: "active", place.Closed: "defunct", place.Proposed: "inactive"}

// FromAsset makes an asset an ORUK service.
func FromAsset(a place.Asset) Service {
	id := serviceID(a)
	orgName := strings.TrimSpace(a.Operator)
	orgDesc := "Runs services listed on placemap."
	if orgName == "" {
		orgName = "Operator not recorded"
		orgDesc = "Services whose operator placemap does not know."
	}
	cat := a.Category
	if c, ok := place.CategoryByID(a.Category); ok {
		cat = c.Title
	}
	desc := cat
	if a.Address != "" {
		desc += ", " + a.Address
	}
	s := Service{ServiceBrief: ServiceBrief{ID: id, OrganizationID: stableID("organization", orgName), Name: a.Name, Description: desc,
		URL: validURL(a.Website), Email: validEmail(a.Email), Status: statuses[a.Status],
		Organization: Organization{ID: stableID("organization", orgName), Name: orgName, Description: orgDesc}},
		Attribution: a.Attribution, Licence: a.Licence}
	if s.Status == "" {
		s.Status = "active"
	}
	if a.Status == place.AtRisk {
		s.Alert = "At risk of closure."
	}
	if !a.UpdatedAt.IsZero() {
		s.LastModified = a.UpdatedAt.UTC().Format(time.RFC3339)
	}
	if !a.LastReviewed.IsZero() {
		s.AssuredDate = a.LastReviewed.UTC().Format("2006-01-02")
	}
	pt := pgeo.PointOnSurface(a.Geometry)
	locID := stableID("location", a.ID)
	loc := Location{ID: locID, LocationType: "physical", Name: a.Name, Latitude: round(pt[1]), Longitude: round(pt[0]),
		ExternalIdentifier: a.SourceID, Addresses: []Address{}}
	if a.SourceID != "" {
		loc.ExternalIdentifierType = a.Source
	}
	if line1, city, ok := splitAddress(a.Address); ok || a.Postcode != "" {
		loc.Addresses = append(loc.Addresses, Address{ID: stableID("address", a.ID), LocationID: locID, Address1: line1, City: city,
			StateProvince: "", PostalCode: a.Postcode, Country: "GB", AddressType: "physical"})
	}
	s.ServiceAtLocations = []ServiceAtLocation{{ID: stableID("service_at_location", a.ID), ServiceID: id, LocationID: locID, Location: loc}}
	s.Schedules = Schedules(id, a.OpeningHours)
	s.Attributes = []Attribute{}
	if t, ok := TermByCategory(a.Category); ok {
		s.Attributes = append(s.Attributes, Attribute{ID: stableID("attribute", a.ID+"/"+t.ID), LinkID: id, LinkType: "service",
			TaxonomyTermID: t.ID, TaxonomyTerm: t})
	}
	return s
}

func round(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 7, 64), 64)
	return v
}

func validURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func validEmail(s string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" {
		return ""
	}
	return a.Address
}

// splitAddress reads "12 High Street, Sheffield" as the first line and the
// town: the last comma-separated part is the town when there are two or
// more.
func splitAddress(s string) (line1, city string, ok bool) {
	parts := strings.Split(s, ",")
	var clean []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			clean = append(clean, p)
		}
	}
	switch len(clean) {
	case 0:
		return "", "", false
	case 1:
		return clean[0], "", true
	}
	return strings.Join(clean[:len(clean)-1], ", "), clean[len(clean)-1], true
}

var (
	dayNames = []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
	icalDays = map[string]string{"Mo": "MO", "Tu": "TU", "We": "WE", "Th": "TH", "Fr": "FR", "Sa": "SA", "Su": "SU"}
	timeSpan = regexp.MustCompile(`^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$`)
)

// Schedules reads OSM opening_hours into weekly schedules: each rule
// "Mo-Fr 09:00-17:00" (days as ranges or lists, one or more time spans,
// "24/7") becomes one schedule per time span; "off" rules and public
// holidays (PH) are left out. Hours outside that grammar (seasons, weeks,
// comments) become one schedule describing them in words, so nothing is
// lost. Times are local (Europe/London).
func Schedules(serviceID, hours string) []Schedule {
	hours = strings.TrimSpace(hours)
	if hours == "" {
		return []Schedule{}
	}
	note := "Times are local (Europe/London). From OpenStreetMap opening_hours: " + hours
	if hours == "24/7" {
		return []Schedule{{ID: stableID("schedule", serviceID+"/24/7"), ServiceID: serviceID, Freq: "WEEKLY", Interval: 1,
			ByDay: "MO,TU,WE,TH,FR,SA,SU", OpensAt: "00:00", ClosesAt: "24:00", Description: "Open all day, every day.", Notes: note}}
	}
	// As in OSM, a later rule for a day replaces what earlier rules said of
	// it: "Mo-Fr 09:00-17:00; Th off" is closed on Thursdays.
	spans := map[string][]string{}
	for _, rule := range strings.Split(hours, ";") {
		rule = strings.TrimSpace(rule)
		if rule == "" {
			continue
		}
		days, times, found := strings.Cut(rule, " ")
		if !found {
			return described(serviceID, hours, note)
		}
		times = strings.TrimSpace(times)
		if strings.HasPrefix(days, "PH") {
			continue
		}
		byday, ok := parseDays(days)
		if !ok {
			return described(serviceID, hours, note)
		}
		var ts []string
		if times != "off" && times != "closed" {
			for _, span := range strings.Split(times, ",") {
				span = strings.TrimSpace(span)
				if !timeSpan.MatchString(span) {
					return described(serviceID, hours, note)
				}
				ts = append(ts, span)
			}
		}
		for _, d := range strings.Split(byday, ",") {
			spans[d] = ts
		}
	}
	// Days with the same spans share a schedule, in week order.
	var out []Schedule
	done := map[string]bool{}
	for _, d := range dayNames {
		day := icalDays[d]
		if done[day] || len(spans[day]) == 0 {
			continue
		}
		key := strings.Join(spans[day], ",")
		var same []string
		for _, e := range dayNames {
			if other := icalDays[e]; strings.Join(spans[other], ",") == key {
				same = append(same, other)
				done[other] = true
			}
		}
		byday := strings.Join(same, ",")
		for _, span := range spans[day] {
			m := timeSpan.FindStringSubmatch(span)
			out = append(out, Schedule{ID: stableID("schedule", serviceID+"/"+byday+"/"+span), ServiceID: serviceID, Freq: "WEEKLY", Interval: 1,
				ByDay: byday, OpensAt: m[1] + ":" + m[2], ClosesAt: m[3] + ":" + m[4], Notes: note})
		}
	}
	if out == nil {
		return described(serviceID, hours, note)
	}
	return out
}

func described(serviceID, hours, note string) []Schedule {
	return []Schedule{{ID: stableID("schedule", serviceID+"/"+hours), ServiceID: serviceID, Description: "Opening hours: " + hours, Notes: note}}
}

// parseDays reads "Mo-Fr", "Mo,We,Fr", "Mo-We,Sa" into "MO,TU,WE,SA".
func parseDays(s string) (string, bool) {
	idx := func(d string) int {
		for i, n := range dayNames {
			if n == d {
				return i
			}
		}
		return -1
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a := idx(from)
		if a < 0 {
			return "", false
		}
		if !isRange {
			out = append(out, icalDays[from])
			continue
		}
		b := idx(to)
		if b < 0 {
			return "", false
		}
		for i := a; ; i = (i + 1) % 7 {
			out = append(out, icalDays[dayNames[i]])
			if i == b {
				break
			}
		}
	}
	return strings.Join(out, ","), true
}

// PageInfo is where a page lies in a list, as the ORUK API's Page schema
// says: the fields every paged answer carries beside its contents.
type PageInfo struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"` // the number of entities on this page
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"` // no entities on this page
}

// NewPageInfo places page number (from 1) of size per page, holding n of
// total entities.
func NewPageInfo(number, size, n, total int) PageInfo {
	pages := (total + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	return PageInfo{TotalItems: total, TotalPages: pages, PageNumber: number, Size: n, FirstPage: number == 1,
		LastPage: number >= pages, Empty: n == 0}
}

// List is a page of any kind of entity (taxonomies, taxonomy terms,
// services at locations).
type List[T any] struct {
	PageInfo
	Contents []T `json:"contents"`
}

// NewList makes page number (from 1) of size per page out of all.
func NewList[T any](all []T, number, size int) List[T] {
	from := min(len(all), (number-1)*size)
	to := min(len(all), from+size)
	contents := append([]T{}, all[from:to]...)
	return List[T]{PageInfo: NewPageInfo(number, size, len(contents), len(all)), Contents: contents}
}

// Page is a page of services as the ORUK API's GET /services answers,
// with the credit of every source of the assets in it.
type Page struct {
	PageInfo
	Contents    []Service `json:"contents"`
	Attribution []string  `json:"attribution"`
	Licences    []string  `json:"licences"`
}

// NewPage makes page number (from 1) of services, size per page, out of
// total.
func NewPage(services []Service, number, size, total int) Page {
	p := Page{PageInfo: NewPageInfo(number, size, len(services), total), Contents: services, Attribution: []string{}, Licences: []string{}}
	seenA, seenL := map[string]bool{}, map[string]bool{}
	for _, s := range services {
		if s.Attribution != "" && !seenA[s.Attribution] {
			seenA[s.Attribution] = true
			p.Attribution = append(p.Attribution, s.Attribution)
		}
		if s.Licence != "" && !seenL[s.Licence] {
			seenL[s.Licence] = true
			p.Licences = append(p.Licences, s.Licence)
		}
	}
	if p.Contents == nil {
		p.Contents = []Service{}
	}
	return p
}
