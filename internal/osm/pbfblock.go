package osm

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// checkPrimitiveBlock checks an OSMData block's data (its PrimitiveBlock,
// inflated) against every index and length the decoder
// (paulmach/osm/osmpbf, decode_data.go) takes on trust. The decoder runs
// in goroutines of its own, where a panic cannot be recovered and ends
// the whole process, and it panics, rather than failing, on:
//   - a PrimitiveGroup holding plain nodes (field 1), of any wire type;
//   - a string-table index out of range: a dense node's user_sid (a
//     running sum) and keys_vals, a way's or relation's tag keys and
//     values and the user_sid of its Info, a relation's roles_sid;
//   - a way's node-ref, lat and lon arrays of which a later one is longer
//     than the first (it sizes the node list by the first);
//   - a relation's roles_sid longer than its types.
//
// It also takes lengths on trust without panicking, reading wrong objects
// or failing with a misleading "unexpected EOF": dense nodes' ids, lat,
// lon and DenseInfo arrays of unequal length, keys_vals that do not pair
// up into one key-value list per node, tag keys without values (the tags
// are dropped), member arrays of unequal length (the members are dropped),
// a member type other than node, way and relation (an empty type), a
// packed field given twice (the last one wins, not their concatenation)
// and a field of another wire type than the schema's (the decoder reads
// it as its own type). protoscan, which the decoder reads with, skips the
// deprecated groups without reading them, so a group anywhere is refused
// too. Each is refused here, so that the decoder only ever sees data it
// reads as the format means it.
//
// The string table is the last of the block's field 1, as the decoder
// reads it (proto.Unmarshal resets the message it fills).
func checkPrimitiveBlock(b []byte) error {
	var (
		strings int
		groups  [][]byte
	)
	r := pbReader{b: b}
	for {
		f, ok, err := r.next()
		if err != nil {
			return fmt.Errorf("the PrimitiveBlock is not a valid protobuf message: %w", err)
		}
		if !ok {
			break
		}
		switch f.num {
		case 1: // stringtable
			if f.typ != protowire.BytesType {
				return f.wireErr(protowire.BytesType, "the PrimitiveBlock's string table")
			}
			n, err := countStrings(f.val)
			if err != nil {
				return err
			}
			strings = n
		case 2: // primitivegroup
			if f.typ != protowire.BytesType {
				return f.wireErr(protowire.BytesType, "a PrimitiveGroup")
			}
			groups = append(groups, f.val)
		case 17, 18, 19, 20: // granularity, date_granularity, lat_offset, lon_offset
			if f.typ != protowire.VarintType {
				return f.wireErr(protowire.VarintType, "the PrimitiveBlock's granularity or offset")
			}
		}
	}
	objects := 0
	for i, g := range groups {
		n, err := checkGroup(g, strings)
		if err != nil {
			return fmt.Errorf("PrimitiveGroup %d: %w", i, err)
		}
		if objects += n; objects > maxBlockObjects {
			return errTooManyObjects
		}
	}
	return nil
}

// maxBlockObjects bounds the objects of one PrimitiveBlock. The decoder
// makes every object of a block at once, some 230 bytes a node, however
// few the reader keeps: a 26 KB file of 7 million untagged dense nodes in
// one block (four bytes each) took 1.6 GB to read. Writers put 8,000
// objects in a block (osmium, osmosis, the PBF format's own advice); eight
// times that leaves room for any real file and holds a block to ~15 MB.
const maxBlockObjects = 64_000

// errTooManyObjects is a block past maxBlockObjects: the caller refuses
// the file as too large.
var errTooManyObjects = fmt.Errorf("it holds more than %d objects (writers put 8,000 in a block): refused, as decoding it would take far more memory than the file's size suggests", maxBlockObjects)

// countStrings counts the strings of a StringTable message.
func countStrings(b []byte) (int, error) {
	n := 0
	r := pbReader{b: b}
	for {
		f, ok, err := r.next()
		if err != nil {
			return 0, fmt.Errorf("the string table is not a valid protobuf message: %w", err)
		}
		if !ok {
			return n, nil
		}
		if f.num == 1 {
			if f.typ != protowire.BytesType {
				return 0, f.wireErr(protowire.BytesType, "a string of the string table")
			}
			n++
		}
	}
}

// checkGroup checks a PrimitiveGroup and returns how many objects it
// holds.
func checkGroup(b []byte, strings int) (int, error) {
	var dense, ways, rels, nodes int
	r := pbReader{b: b}
	for {
		f, ok, err := r.next()
		if err != nil {
			return 0, fmt.Errorf("not a valid protobuf message: %w", err)
		}
		if !ok {
			return nodes + ways + rels, nil
		}
		switch f.num {
		case 1:
			return 0, errors.New("it holds plain nodes (PrimitiveGroup field 1), which placemap does not read: write the file with dense nodes, as osmium and osmosis do")
		case 2:
			if f.typ != protowire.BytesType {
				return 0, f.wireErr(protowire.BytesType, "dense nodes")
			}
			n, err := checkDense(f.val, strings)
			if err != nil {
				return 0, fmt.Errorf("dense nodes %d: %w", dense, err)
			}
			nodes += n
			dense++
		case 3:
			if f.typ != protowire.BytesType {
				return 0, f.wireErr(protowire.BytesType, "a way")
			}
			if err := checkWay(f.val, strings); err != nil {
				return 0, fmt.Errorf("way %d of the group: %w", ways, err)
			}
			ways++
		case 4:
			if f.typ != protowire.BytesType {
				return 0, f.wireErr(protowire.BytesType, "a relation")
			}
			if err := checkRelation(f.val, strings); err != nil {
				return 0, fmt.Errorf("relation %d of the group: %w", rels, err)
			}
			rels++
		}
	}
}

// packedMessage is a message whose fields the decoder reads are packed
// arrays, varints and sub-messages (Info, DenseInfo).
type packedMessage struct {
	arrays [16][]byte // packed arrays by field number; nil when absent
	has    uint32     // bit n: packed array n is present
	id     int64      // field 1, when a varint field
	hasID  bool
	info   []byte // the sub-message field's value
	nInfo  int    // how many times it is given
}

// read reads such a message: packed and varints are bit sets of
// field numbers (under 16), sub the sub-message field's number (0: none).
// A field of another wire type than the schema's, and a packed array
// given twice, are refused.
func (m *packedMessage) read(b []byte, what string, packed, varints uint32, sub protowire.Number) error {
	r := pbReader{b: b}
	for {
		f, ok, err := r.next()
		if err != nil {
			return fmt.Errorf("not a valid protobuf message: %w", err)
		}
		if !ok {
			return nil
		}
		if f.num >= 16 {
			continue
		}
		bit := uint32(1) << f.num
		switch {
		case packed&bit != 0:
			if f.typ != protowire.BytesType {
				return f.wireErr(protowire.BytesType, "%s field %d (a packed array)", what, f.num)
			}
			if m.has&bit != 0 {
				return fmt.Errorf("%s field %d is given twice: the decoder would read only the second", what, f.num)
			}
			m.arrays[f.num], m.has = f.val, m.has|bit
		case varints&bit != 0:
			if f.typ != protowire.VarintType {
				return f.wireErr(protowire.VarintType, "%s field %d", what, f.num)
			}
			if f.num == 1 {
				m.id, m.hasID = int64(f.v), true
			}
		case f.num == sub:
			if f.typ != protowire.BytesType {
				return f.wireErr(protowire.BytesType, "%s field %d (a message)", what, f.num)
			}
			m.info, m.nInfo = f.val, m.nInfo+1
		}
	}
}

// count is the number of values in packed array n, 0 when absent.
func (m *packedMessage) count(n int, what string) (int, error) {
	c, ok := countVarints(m.arrays[n])
	if !ok {
		return 0, fmt.Errorf("its %s are not a valid packed array of varints", what)
	}
	return c, nil
}

// present reports whether field n was given.
func (m *packedMessage) present(n int) bool { return m.has&(1<<n) != 0 }

// checkDense checks a DenseNodes message and returns how many nodes it
// holds.
func checkDense(b []byte, strings int) (int, error) {
	const (
		fields   = 1<<1 | 1<<8 | 1<<9 | 1<<10 // id, lat, lon, keys_vals
		infoBits = 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5 | 1<<6
	)
	var m packedMessage
	if err := m.read(b, "DenseNodes", fields, 0, 5); err != nil {
		return 0, err
	}
	if m.nInfo > 1 {
		return 0, errors.New("DenseInfo is given twice: the decoder would read only the second")
	}
	for _, f := range []struct {
		n    int
		what string
	}{{1, "ids"}, {8, "latitudes"}, {9, "longitudes"}} {
		if !m.present(f.n) {
			return 0, fmt.Errorf("they have no %s", f.what)
		}
	}
	n, err := m.count(1, "ids")
	if err != nil {
		return 0, err
	}
	for _, f := range []struct {
		n    int
		what string
	}{{8, "latitude"}, {9, "longitude"}} {
		c, err := m.count(f.n, f.what+"s")
		if err != nil {
			return 0, err
		}
		if c != n {
			return 0, fmt.Errorf("%s but %s", plural(int64(n), "id"), plural(int64(c), f.what))
		}
	}
	if m.nInfo == 1 {
		var di packedMessage
		if err := di.read(m.info, "DenseInfo", infoBits, 0, 0); err != nil {
			return 0, err
		}
		for i, what := range []string{1: "version", 2: "timestamp", 3: "changeset", 4: "user id", 5: "user_sid", 6: "visible flag"} {
			if i == 0 || !di.present(i) {
				continue
			}
			c, err := di.count(i, what+"s")
			if err != nil {
				return 0, err
			}
			if c != n {
				return 0, fmt.Errorf("%s but %s in DenseInfo", plural(int64(n), "id"), plural(int64(c), what))
			}
		}
		// user_sid is delta coded: each node's is the running sum, in
		// int32 as the decoder adds them.
		var sid int32
		for i, a := 0, di.arrays[5]; len(a) > 0; i++ {
			v, l := varint(a)
			a = a[l:]
			sid += int32(protowire.DecodeZigZag(v))
			if sid < 0 || int(sid) >= strings {
				return 0, fmt.Errorf("node %d's user name is string %d, outside the block's string table of %s", i, sid, plural(int64(strings), "string"))
			}
		}
	}
	if m.present(10) {
		if err := checkKeysVals(m.arrays[10], n, strings); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// checkKeysVals checks dense nodes' keys_vals: for each of the n nodes,
// key and value string indexes in pairs, then a 0; nothing after.
func checkKeysVals(a []byte, n, strings int) error {
	for node := 0; node < n; node++ {
		for {
			if len(a) == 0 {
				return fmt.Errorf("keys_vals ends inside node %d's tags (of %s): keys and values do not pair up", node, plural(int64(n), "node"))
			}
			k, l := varint(a)
			if l < 0 {
				return errors.New("keys_vals is not a valid packed array of varints")
			}
			a = a[l:]
			if k == 0 {
				break
			}
			if len(a) == 0 {
				return fmt.Errorf("in keys_vals, node %d has a tag key (string %d) without a value", node, k)
			}
			v, l := varint(a)
			if l < 0 {
				return errors.New("keys_vals is not a valid packed array of varints")
			}
			a = a[l:]
			if k >= uint64(strings) {
				return outside(k, strings, "node %d's tag key", node)
			}
			if v >= uint64(strings) {
				return outside(v, strings, "node %d's tag value", node)
			}
		}
	}
	if len(a) > 0 {
		return fmt.Errorf("keys_vals goes on past the tags of its %s: keys and values do not pair up", plural(int64(n), "node"))
	}
	return nil
}

// outside describes string index i outside a table of n strings; what
// (with args) names what it is for.
func outside(i uint64, n int, what string, args ...any) error {
	return fmt.Errorf("%s is string %d, outside the block's string table of %s", fmt.Sprintf(what, args...), i, plural(int64(n), "string"))
}

// checkIndexes checks that every value of a packed array is a string
// index; the decoder reads them as uint32 or int32, which a varint of at
// most 5 bytes below the table's size reads as itself.
func checkIndexes(a []byte, strings int, what string) error {
	for i := 0; len(a) > 0; i++ {
		v, l := varint(a)
		if l < 0 {
			return fmt.Errorf("its %ss are not a valid packed array of varints", what)
		}
		a = a[l:]
		if v >= uint64(strings) {
			return outside(v, strings, "%s %d", what, i)
		}
	}
	return nil
}

// checkTagsAndInfo checks a way's or relation's tags (keys field 2, values
// field 3) and Infos.
func checkTagsAndInfo(m *packedMessage, strings int) error {
	nk, err := m.count(2, "tag keys")
	if err != nil {
		return err
	}
	nv, err := m.count(3, "tag values")
	if err != nil {
		return err
	}
	if nk != nv {
		return fmt.Errorf("%s but %s: keys and values do not pair up", plural(int64(nk), "tag key"), plural(int64(nv), "tag value"))
	}
	if err := checkIndexes(m.arrays[2], strings, "tag key"); err != nil {
		return err
	}
	if err := checkIndexes(m.arrays[3], strings, "tag value"); err != nil {
		return err
	}
	if m.nInfo > 1 {
		return errors.New("its Info is given twice")
	}
	if m.nInfo == 1 {
		return checkInfo(m.info, strings)
	}
	return nil
}

// checkInfo checks an Info message: the decoder reads its fields 1 to 6
// as varints, user_sid (5) as a string index.
func checkInfo(b []byte, strings int) error {
	r := pbReader{b: b}
	for {
		f, ok, err := r.next()
		if err != nil {
			return fmt.Errorf("its Info is not a valid protobuf message: %w", err)
		}
		if !ok {
			return nil
		}
		if f.num < 1 || f.num > 6 {
			continue
		}
		if f.typ != protowire.VarintType {
			return f.wireErr(protowire.VarintType, "Info field %d", f.num)
		}
		if f.num == 5 {
			if f.v >= uint64(strings) {
				return outside(f.v, strings, "its user name (user_sid)")
			}
		}
	}
}

func checkWay(b []byte, strings int) error {
	var m packedMessage
	if err := m.read(b, "Way", 1<<2|1<<3|1<<8|1<<9|1<<10, 1<<1, 4); err != nil {
		return idErr(&m, err)
	}
	if err := checkTagsAndInfo(&m, strings); err != nil {
		return idErr(&m, err)
	}
	// The decoder sizes the node list by the first of refs, lat and lon
	// it meets and writes the others into it.
	refs, err := m.count(8, "node refs")
	if err != nil {
		return idErr(&m, err)
	}
	if m.present(9) != m.present(10) {
		return idErr(&m, errors.New("it has node latitudes or longitudes without the other (LocationsOnWays needs both)"))
	}
	for _, f := range []struct {
		n    int
		what string
	}{{9, "node latitude"}, {10, "node longitude"}} {
		if !m.present(f.n) {
			continue
		}
		c, err := m.count(f.n, f.what+"s")
		if err != nil {
			return idErr(&m, err)
		}
		if c != refs {
			return idErr(&m, fmt.Errorf("%s but %s", plural(int64(refs), "node ref"), plural(int64(c), f.what)))
		}
	}
	return nil
}

func checkRelation(b []byte, strings int) error {
	var m packedMessage
	if err := m.read(b, "Relation", 1<<2|1<<3|1<<8|1<<9|1<<10, 1<<1, 4); err != nil {
		return idErr(&m, err)
	}
	if err := checkTagsAndInfo(&m, strings); err != nil {
		return idErr(&m, err)
	}
	roles, err := m.count(8, "member roles")
	if err != nil {
		return idErr(&m, err)
	}
	ids, err := m.count(9, "member ids")
	if err != nil {
		return idErr(&m, err)
	}
	types, err := m.count(10, "member types")
	if err != nil {
		return idErr(&m, err)
	}
	if roles != ids || ids != types {
		return idErr(&m, fmt.Errorf("%s, %s and %s: the members' arrays must be of one length", plural(int64(roles), "member role"), plural(int64(ids), "member id"), plural(int64(types), "member type")))
	}
	if err := checkIndexes(m.arrays[8], strings, "member role"); err != nil {
		return idErr(&m, err)
	}
	for i, a := 0, m.arrays[10]; len(a) > 0; i++ {
		v, l := varint(a)
		a = a[l:]
		if v > 2 { // NODE, WAY, RELATION
			return idErr(&m, fmt.Errorf("member %d is of type %d, not a node (0), way (1) or relation (2)", i, v))
		}
	}
	return nil
}

// idErr adds the object's id to err, when the object has one.
func idErr(m *packedMessage, err error) error {
	if m.hasID {
		return fmt.Errorf("(id %d) %w", m.id, err)
	}
	return err
}

// countVarints counts the varints of a packed array; ok is false when
// one is cut short or longer than 64 bits allow.
func countVarints(b []byte) (n int, ok bool) {
	run := 0 // continuation bytes of the varint under way
	for _, c := range b {
		if c < 0x80 {
			if run == 9 && c > 1 {
				return 0, false
			}
			n, run = n+1, 0
			continue
		}
		if run++; run > 9 {
			return 0, false
		}
	}
	return n, run == 0
}

// pbReader reads a protobuf message's fields one at a time, refusing the
// wire types no PBF message uses (groups) or that do not exist.
type pbReader struct{ b []byte }

type pbField struct {
	num protowire.Number
	typ protowire.Type
	v   uint64 // a varint's value
	val []byte // a length-delimited field's bytes
}

// wireErr refuses a field of another wire type than the schema's, typ;
// what (with args) names the field. Callers compare the types first, so
// that the arguments are only boxed for an error.
func (f pbField) wireErr(typ protowire.Type, what string, args ...any) error {
	return fmt.Errorf("%s is of wire type %d, not %d", fmt.Sprintf(what, args...), f.typ, typ)
}

func (r *pbReader) next() (pbField, bool, error) {
	if len(r.b) == 0 {
		return pbField{}, false, nil
	}
	num, typ, l := protowire.ConsumeTag(r.b)
	if l < 0 {
		return pbField{}, false, protowire.ParseError(l)
	}
	r.b = r.b[l:]
	f := pbField{num: num, typ: typ}
	switch typ {
	case protowire.VarintType:
		f.v, l = protowire.ConsumeVarint(r.b)
	case protowire.BytesType:
		f.val, l = protowire.ConsumeBytes(r.b)
	case protowire.Fixed32Type:
		_, l = protowire.ConsumeFixed32(r.b)
	case protowire.Fixed64Type:
		_, l = protowire.ConsumeFixed64(r.b)
	default:
		return f, false, fmt.Errorf("field %d is of wire type %d (a group or no type), which no PBF message uses", num, typ)
	}
	if l < 0 {
		return f, false, protowire.ParseError(l)
	}
	r.b = r.b[l:]
	return f, true, nil
}

// varint reads a varint, the one-byte ones (most string indexes and
// deltas) without a call.
func varint(a []byte) (uint64, int) {
	if len(a) > 0 && a[0] < 0x80 {
		return uint64(a[0]), 1
	}
	return protowire.ConsumeVarint(a)
}
