// Package propose builds a boundary set from building blocks (output areas,
// LSOAs): every block in exactly one area, each area contiguous and,
// optionally, nested in one area of another set and within a population
// band, grouped to agree best with the fit sets, by a deterministic local
// search. It is pure: the problem comes in as numbers and codes, the plan
// goes out as a label per block (internal/reconcile builds both from a
// store).
package propose

// Measure states, in words, how agreement is measured (in every report).
const Measure = "Each partition is read as a label per block (the proposal's area, or the block's best-fit area in an input set); " +
	"over the blocks labelled in both, M[x][y] is the population labelled x and y; purity = Σx maxy M[x][y] / N, inverse = Σy maxx M[x][y] / N, " +
	"agreement = (purity + inverse) / 2 (1 = the same grouping). The objective is the weighted mean of the proposal's agreement with each fit set."

// Search states the search in words.
const Search = "Blocks grouped by best fit (first fit set that has one) within each nest area and split into edge-connected pieces; " +
	"areas under the population band merged into the neighbour of the same nest area that costs least, areas over it split by regions grown from far-apart seeds; " +
	"then boundary blocks moved to neighbouring areas of the same nest area while that raises the objective, keeping every area contiguous, nested and in the band, " +
	"in an order drawn from a PCG seeded by the seed."

// CrossingShare is the least share of a block's area inside its nest area
// for the block not to count as crossing the nest-in set.
const CrossingShare = 0.95

// FitSet is a set the proposal should agree with: its areas' codes and
// names, and the weight of its agreement in the objective.
type FitSet struct {
	Slug   string   `json:"slug"`
	Weight float64  `json:"weight"`
	Codes  []string `json:"codes"`
	Names  []string `json:"names"`
}

// Block is a building block: its population, its best-fit area in each fit
// set and its nest area.
type Block struct {
	Code      string  `json:"code"`
	Pop       float64 `json:"pop"`
	Fit       []int32 `json:"fit"`        // per fit set: index into FitSet.Codes of the block's best-fit area, -1 none
	Nest      int32   `json:"nest"`       // index into Problem.NestCodes, -1 when no nest-in set
	NestShare float64 `json:"nest_share"` // share of the block's area inside Nest (for the crossing report)
	// Reassigned: Nest is not the block's best-fit nest area but its
	// neighbours' (see Reassign): set by Reassign, named in reports.
	Reassigned bool `json:"reassigned,omitempty"`
}

// Problem is everything Solve needs.
type Problem struct {
	BlockSet  string    `json:"block_set"`
	Blocks    []Block   `json:"blocks"`
	Adj       [][]int32 `json:"adj"` // edge-sharing neighbours of each block, ascending
	Fits      []FitSet  `json:"fits"`
	NestSet   string    `json:"nest_set,omitempty"`
	NestCodes []string  `json:"nest_codes,omitempty"` // empty when no nest-in
	NestNames []string  `json:"nest_names,omitempty"`
	MinPop    float64   `json:"min_pop"` // 0 = unbounded
	MaxPop    float64   `json:"max_pop"` // 0 = unbounded
	Seed      uint64    `json:"seed"`
	// Slug prefixes the areas' codes (SLUG-001, …); "area" when empty.
	Slug string `json:"slug,omitempty"`
}

// Plan is a grouping of blocks into areas.
type Plan struct {
	Area  []int32  `json:"area"`  // per block, its area
	Codes []string `json:"codes"` // per area
	Names []string `json:"names"` // per area
}

// FitScore is the proposal's agreement with one fit set.
type FitScore struct {
	Slug      string  `json:"slug"`
	Weight    float64 `json:"weight"`
	Purity    float64 `json:"purity"`
	Inverse   float64 `json:"inverse"`
	Agreement float64 `json:"agreement"`
}

// InputScore is one input set's agreement with a fit set, by the same
// measure: what the proposal is compared with.
type InputScore struct {
	Set       string  `json:"set"`
	Against   string  `json:"against"`
	Agreement float64 `json:"agreement"`
}

// AreaFit is how much of a proposal area lies in its best-matching area of
// one fit set.
type AreaFit struct {
	Slug  string  `json:"slug"`
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Share float64 `json:"share"`
}

// AreaScore describes one area of the proposal.
type AreaScore struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Blocks     int       `json:"blocks"`
	Population float64   `json:"population"`
	Nest       string    `json:"nest,omitempty"`
	Contiguous bool      `json:"contiguous"`
	Fits       []AreaFit `json:"fits"`
}

// Checks are the rules a plan must keep, each with the offenders.
type Checks struct {
	EveryBlockOnce bool     `json:"every_block_once"`
	Contiguous     bool     `json:"contiguous"`
	Nested         bool     `json:"nested"`
	PopulationBand bool     `json:"population_band"`
	Unassigned     []string `json:"unassigned"`     // blocks in no (valid) area
	Empty          []string `json:"empty"`          // areas with no block
	NotContiguous  []string `json:"not_contiguous"` // area codes
	NotNested      []string `json:"not_nested"`     // area codes
	OutOfBand      []string `json:"out_of_band"`    // area codes
}

// Uncovered lists the areas of a fit set that no block best-fits: the
// proposal cannot follow them.
type Uncovered struct {
	Slug  string   `json:"slug"`
	Codes []string `json:"codes"`
}

// Report scores a plan and checks it.
type Report struct {
	Method         string       `json:"method"`
	Overall        float64      `json:"overall"`
	Fits           []FitScore   `json:"fits"`
	Inputs         []InputScore `json:"inputs"`
	Areas          []AreaScore  `json:"areas"`
	Checks         Checks       `json:"checks"`
	CrossingBlocks []string     `json:"crossing_blocks"`
	// ReassignedBlocks are crossing blocks put in their neighbours' nest
	// area because their best-fit one could not hold them (see Reassign).
	ReassignedBlocks []string    `json:"reassigned_blocks"`
	Uncovered        []Uncovered `json:"uncovered"`
	Iterations       int         `json:"iterations"`
	Moves            int         `json:"moves"`
	Seed             uint64      `json:"seed"`
}

// OK reports whether every check passed.
func (c Checks) OK() bool {
	return c.EveryBlockOnce && c.Contiguous && c.Nested && c.PopulationBand
}
