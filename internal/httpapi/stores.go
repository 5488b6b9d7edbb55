package httpapi

import (
	"context"
	"fmt"

	"github.com/placemap/placemap/internal/auth"
	"github.com/placemap/placemap/internal/place"
	"github.com/placemap/placemap/internal/search"
	"github.com/placemap/placemap/internal/store"
	"github.com/placemap/placemap/internal/tiles"
)

// Stores are the roles the API asks of a store, one per part of the API.
// A deployment fills every field with the same store:
//
//	httpapi.Stores{Areas: st, Assets: st, Releases: st, Places: st, Accounts: st,
//		History: st, Suggestions: st, Conflations: st, Health: st, Search: st, Basemap: st, Proposals: st, Postcodes: st,
//		Networks: st, Access: st, Shapes: st}
//
// Each role is a small interface of the methods its part uses, so a reader
// sees what a handler may touch and a test may serve a part from a fake.
type Stores struct {
	Areas       AreaStore       // /api/sets, OGC collections, tiles, scope checks, area edits
	Assets      AssetStore      // /api/assets, OGC and ORUK items, tiles, asset edits
	Releases    ReleaseStore    // /api/series, successors, change reports
	Places      PlaceStore      // /api/places and indicators (crosswalks, agreement)
	Accounts    AccountStore    // sign-in, sessions, tokens, scopes, who did what
	History     HistoryStore    // asset history, restore, the change feed, OSM contributions
	Suggestions SuggestionStore // suggestions and their moderation
	Conflations ConflationStore // OSM conflation runs and their proposals
	Health      HealthStore     // /readyz, and the data version tiles are cached by
	Search      SearchStore     // /api/search
	Proposals   ProposalStore   // /api/proposals: set proposals and their drafts
	// Basemap is the street basemap (/tiles/basemap); nil serves none, as
	// if none were imported.
	Basemap BasemapStore
	// Postcodes are /api/postcodes; nil serves none, as if none were
	// imported.
	Postcodes PostcodeStore
	// Networks are the routing networks (/api/network, walking times to
	// a postcode's nearest assets); nil serves none, as if none were
	// imported.
	Networks NetworkStore
	// Access keeps access runs (/api/access); nil: this server runs none.
	Access AccessStore
	// Shapes are where tiles read sets' shapes to keep them in memory
	// (Config.ShapeCacheBytes); nil: every tile of boundaries reads Areas.
	Shapes tiles.SetShapeSource
	// Writes says when the store's writes run or queue, for API reads to
	// make way for them; nil: they never do.
	Writes WriteQueue
}

// WriteQueue is the store's queue of writes (store.DB.Writing).
type WriteQueue interface {
	Writing() bool
}

// BasemapStore is what the API asks of the street basemap.
type BasemapStore interface {
	tiles.BasemapSource
}

// AreaStore is what the API asks of boundary sets and their areas.
type AreaStore interface {
	Sets(ctx context.Context) ([]place.SetSummary, error)
	Set(ctx context.Context, slug string) (place.SetSummary, error)
	Areas(ctx context.Context, set string, q store.AreaQuery) ([]place.Area, error)
	Area(ctx context.Context, set, code string) (place.Area, error)
	// AreaNames is every area's name by code, shapes left unread.
	AreaNames(ctx context.Context, set string) (map[string]string, error)
	AreaShapes(ctx context.Context, set string, q store.ShapeQuery) ([]place.Area, error)
	EachAreaShape(ctx context.Context, set string, q store.ShapeQuery, yield func(place.Area) error, restart func()) error
	// AreaCode is the code of the area with a tile feature id.
	AreaCode(ctx context.Context, set string, id int64) (string, error)
	AreaVersion(ctx context.Context, set, code string) (int64, error)
	AddArea(ctx context.Context, a place.Area) error
	UpdateArea(ctx context.Context, a place.Area, ifVersion int64) (int64, error)
	DeleteArea(ctx context.Context, set, code string, ifVersion int64) error
}

// AssetStore is what the API asks of assets and the areas they lie in.
type AssetStore interface {
	Assets(ctx context.Context, q store.AssetQuery) (store.AssetPage, error)
	Asset(ctx context.Context, id string) (place.Asset, error)
	AssetCells(ctx context.Context, q store.CellQuery) ([]store.AssetCell, error)
	AssetStats(ctx context.Context) (store.AssetStats, error)
	Memberships(ctx context.Context, assetID string) ([]place.Membership, error)
	AddAssets(ctx context.Context, assets []place.Asset) (store.ImportReport, error)
	UpdateAsset(ctx context.Context, a place.Asset, ifVersion int64) (place.Asset, error)
	DeleteAsset(ctx context.Context, id string, ifVersion int64) error
	MarkReviewed(ctx context.Context, id string, ifVersion int64) (place.Asset, error)
	// AssetsByFID names the assets an indicator of kind asset holds.
	AssetsByFID(ctx context.Context, fids []int64) (map[int64]store.AssetRef, error)
}

// ReleaseStore is what the API asks of the series of boundary releases and
// the successor links between their areas.
type ReleaseStore interface {
	Series(ctx context.Context) ([]place.Series, error)
	Successors(ctx context.Context, q store.SuccessorQuery) ([]place.Successor, error)
	DecideSuccessors(ctx context.Context, oldSet, oldCode, newSet string, keep []place.Successor, by, note string) ([]place.Successor, error)
}

// PlaceStore is what the API asks of places and the indicators of sets.
type PlaceStore interface {
	Places(ctx context.Context) ([]place.Place, error)
	Place(ctx context.Context, slug string) (place.Place, error)
	Indicators(ctx context.Context, set string) ([]place.Indicator, error)
	IndicatorValues(ctx context.Context, set, name string) (map[string]float64, error)
	AssetCounts(ctx context.Context, set string) (map[string]map[string]int, error)
}

// SearchStore is what /api/search asks: the candidates of a query, which
// search.Rank orders.
type SearchStore interface {
	SearchCandidates(ctx context.Context, q search.Query) ([]search.Candidate, error)
}

// AccountStore is what signing in, API tokens and the scope checks of
// writes ask of accounts.
type AccountStore interface {
	UserByEmail(ctx context.Context, email string) (auth.User, error)
	User(ctx context.Context, id string) (auth.User, error)
	SetDisplayName(ctx context.Context, userID, name string) error
	// GrantedScopes is every scope granted to any account.
	GrantedScopes(ctx context.Context) ([]place.Scope, error)
	CreateSession(ctx context.Context, s auth.Session) error
	Session(ctx context.Context, hash string) (auth.Session, error)
	DeleteSession(ctx context.Context, hash string) error
	CreateToken(ctx context.Context, t auth.Token) error
	Token(ctx context.Context, hash string) (auth.Token, error)
	Tokens(ctx context.Context, userID string) ([]auth.Token, error)
	DeleteTokens(ctx context.Context, userID, id string) (int, error)
}

// HistoryStore is what the API asks of the revisions writes leave.
type HistoryStore interface {
	Revisions(ctx context.Context, entity, id string) ([]store.Revision, error)
	Changes(ctx context.Context, since int64, limit int) ([]store.Revision, error)
}

// SuggestionStore is what the API asks of suggestions and their moderation.
type SuggestionStore interface {
	CreateSuggestion(ctx context.Context, sg place.Suggestion) error
	Suggestion(ctx context.Context, id string) (place.Suggestion, error)
	Suggestions(ctx context.Context, q store.SuggestionQuery) (store.SuggestionPage, error)
	DecideSuggestion(ctx context.Context, id string, d place.SuggestionDecision) (place.Suggestion, error)
	DrawingStore
}

// DrawingStore is what the API asks of residents' drawings: a resident's
// own (by its private key), a place's published ones and the state they
// are in (what their agreement surface is kept under), and the consensus
// a moderator adopts from them.
type DrawingStore interface {
	Drawing(ctx context.Context, id string) (place.Drawing, error)
	Drawings(ctx context.Context, q store.DrawingQuery) (store.DrawingPage, error)
	DrawingsVersion(ctx context.Context, placeSlug string) (string, error)
	AdoptConsensus(ctx context.Context, a place.Area, placeSlug, note string) (int64, error)
}

// ConflationStore is what the API asks of OSM conflation runs and the
// proposals they leave for review.
type ConflationStore interface {
	SaveConflation(ctx context.Context, run place.ConflationRun, ps []place.Proposal, supersede []string) error
	ConflationRuns(ctx context.Context, limit int) ([]place.ConflationRun, error)
	ConflationVerdicts(ctx context.Context) ([]place.Verdict, error)
	Proposals(ctx context.Context, status string) ([]place.Proposal, error)
	Proposal(ctx context.Context, id string) (place.Proposal, error)
	DecideProposal(ctx context.Context, id string, d place.ProposalDecision) (place.Proposal, error)
}

// ProposalStore is what the API asks of set proposals (the proposals
// workflow reads sets, series and places through the other roles).
type ProposalStore interface {
	CreateSetProposal(ctx context.Context, p place.SetProposal, set place.BoundarySet, areas []place.Area) (place.SetProposal, error)
	SetProposal(ctx context.Context, slug string) (place.SetProposal, error)
	SetProposals(ctx context.Context) ([]place.SetProposal, error)
	UpdateSetProposal(ctx context.Context, p place.SetProposal, ifVersion int64) (int64, error)
	PublishSetProposal(ctx context.Context, slug string, ifVersion int64, set place.BoundarySet, areas []place.Area, r place.Release) (place.SetProposal, error)
}

// HealthStore says whether the store answers, and which version of the
// data it holds, all of it and each tile layer's (what cached tiles are
// checked against).
type HealthStore interface {
	DataVersion(ctx context.Context) (int64, error)
	TileVersions(ctx context.Context) (store.TileVersions, error)
	Ping(ctx context.Context) error
}

// check panics naming the first role left nil: a server without one would
// fail only when a request reached it.
func (st Stores) check() {
	for _, r := range []struct {
		name string
		nil  bool
	}{
		{"Areas", st.Areas == nil}, {"Assets", st.Assets == nil}, {"Releases", st.Releases == nil},
		{"Places", st.Places == nil}, {"Accounts", st.Accounts == nil}, {"History", st.History == nil},
		{"Suggestions", st.Suggestions == nil}, {"Conflations", st.Conflations == nil}, {"Health", st.Health == nil},
		{"Search", st.Search == nil}, {"Proposals", st.Proposals == nil},
	} {
		if r.nil {
			panic(fmt.Sprintf("httpapi.New: Stores.%s is nil", r.name))
		}
	}
}

// catalog joins the reading roles for the packages that ask for several
// at once: tiles.Source, reconcile.Source and ChangeSource, export.Reader.
type catalog struct {
	AreaStore
	AssetStore
	ReleaseStore
	PlaceStore
	HealthStore
}

// proposalSource joins the roles the proposals workflow asks for
// (proposals.Store).
type proposalSource struct {
	ProposalStore
	AreaStore
	ReleaseStore
	PlaceStore
}

// review joins the roles importer's conflation review asks for
// (importer.ReviewStore, importer.ContributionStore).
type review struct {
	AssetStore
	ConflationStore
	HistoryStore
}

// catalog is the server's reading roles joined.
func (s *Server) catalog() catalog {
	return catalog{AreaStore: s.areas, AssetStore: s.assets, ReleaseStore: s.releases, PlaceStore: s.places, HealthStore: s.health}
}

// review is the server's roles for conflation review joined.
func (s *Server) review() review {
	return review{AssetStore: s.assets, ConflationStore: s.conflations, HistoryStore: s.history}
}
