package testkit

import (
	"bytes"
	"compress/zlib"

	"google.golang.org/protobuf/encoding/protowire"
)

// Hostile PBF files: small files whose data breaks an assumption of the
// PBF decoder (paulmach/osm/osmpbf), which indexes the string table and
// sizes arrays on trust in goroutines of its own, where a panic ends the
// process. Each is a valid OSMHeader block, a valid OSMData block (block
// 1: a school as a dense node, a way and a relation, all tagged
// amenity=school) and an OSMData block (block 2) breaking one rule.

// HostilePBF is one such file.
type HostilePBF struct {
	Name string // a file name saying what the file breaks
	File []byte
	Want string // a phrase the refusal holds, after "block 2: "
}

// pb builds protobuf messages field by field.
type pb []byte

func (m pb) bytes(num int, v []byte) pb {
	m = protowire.AppendTag(m, protowire.Number(num), protowire.BytesType)
	return protowire.AppendBytes(m, v)
}

func (m pb) varint(num int, v uint64) pb {
	m = protowire.AppendTag(m, protowire.Number(num), protowire.VarintType)
	return protowire.AppendVarint(m, v)
}

// packed appends a packed array of varints.
func (m pb) packed(num int, vs ...uint64) pb {
	var a []byte
	for _, v := range vs {
		a = protowire.AppendVarint(a, v)
	}
	return m.bytes(num, a)
}

// zz is a sint's zigzag encoding.
func zz(v int64) uint64 { return protowire.EncodeZigZag(v) }

// neg1 is -1 as an int32 or int64 field carries it: a 10-byte varint.
const neg1 = ^uint64(0)

// stringTable is the hostile blocks' string table: 0 "", 1 amenity,
// 2 school, 3 outer, 4 mapper.
func stringTable() pb {
	var st pb
	for _, s := range []string{"", "amenity", "school", "outer", "mapper"} {
		st = st.bytes(1, []byte(s))
	}
	return pb(nil).bytes(1, st)
}

// dense is a school as one dense node, id 1 at (53.38, -1.47) with
// granularity 100: fields can be replaced or added by the caller.
type dense struct {
	ids, lats, lons, keysVals []uint64
	info                      pb // DenseInfo; nil: none
	extra                     pb
}

func goodDense() dense {
	return dense{
		ids:      []uint64{zz(1)},
		lats:     []uint64{zz(533_800_000)},
		lons:     []uint64{zz(-14_700_000)},
		keysVals: []uint64{1, 2, 0},
	}
}

func (d dense) msg() pb {
	m := pb(nil).packed(1, d.ids...)
	if d.info != nil {
		m = m.bytes(5, d.info)
	}
	if d.lats != nil {
		m = m.packed(8, d.lats...)
	}
	if d.lons != nil {
		m = m.packed(9, d.lons...)
	}
	if d.keysVals != nil {
		m = m.packed(10, d.keysVals...)
	}
	return append(m, d.extra...)
}

// way is way 10 with node 1, tagged amenity=school.
func goodWay() pb {
	return pb(nil).varint(1, 10).packed(2, 1).packed(3, 2).packed(8, zz(1))
}

// relation is relation 20, a multipolygon-like school with way 10 as
// its outer member.
func goodRelation() pb {
	return pb(nil).varint(1, 20).packed(2, 1).packed(3, 2).packed(8, 3).packed(9, zz(10)).packed(10, 1)
}

// group wraps PrimitiveGroup fields in a PrimitiveBlock with the string
// table.
func block(group pb) pb { return append(stringTable(), pb(nil).bytes(2, group)...) }

func zlibOf(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b) // writes to a bytes.Buffer do not fail
	w.Close()
	return buf.Bytes()
}

// hostileFile frames the header, the good block and the bad block
// (zlib-compressed, or stored raw).
func hostileFile(bad pb, raw bool) []byte {
	good := block(pb(nil).bytes(2, goodDense().msg()).bytes(3, goodWay()).bytes(4, goodRelation()))
	out := append(pbfHeaderBlock(), pbfBlock("OSMData", zlibBlob(int64(len(good)), zlibOf(good)))...)
	if raw {
		return append(out, pbfBlock("OSMData", rawBlob(bad))...)
	}
	return append(out, pbfBlock("OSMData", zlibBlob(int64(len(bad)), zlibOf(bad)))...)
}

// GoodPBF is the hostile files' first two blocks alone: a valid file with
// a school as a node, a way and a relation.
func GoodPBF() []byte {
	good := block(pb(nil).bytes(2, goodDense().msg()).bytes(3, goodWay()).bytes(4, goodRelation()))
	return append(pbfHeaderBlock(), pbfBlock("OSMData", zlibBlob(int64(len(good)), zlibOf(good)))...)
}

// HostilePBFs returns a file for each assumption of the decoder: those
// marked "panics" crash the decoder, the others make it fail with a
// misleading message or read the data other than the format means.
func HostilePBFs() []HostilePBF {
	withDense := func(f func(*dense)) []byte {
		d := goodDense()
		f(&d)
		return hostileFile(block(pb(nil).bytes(2, d.msg())), false)
	}
	withWay := func(w pb) []byte { return hostileFile(block(pb(nil).bytes(3, w)), false) }
	withRel := func(r pb) []byte { return hostileFile(block(pb(nil).bytes(4, r)), false) }
	way := pb(nil).varint(1, 11)
	rel := pb(nil).varint(1, 21)
	// A plain Node: id 1, lat, lon.
	node := pb(nil).varint(1, zz(1)).varint(8, zz(533_800_000)).varint(9, zz(-14_700_000))
	return []HostilePBF{
		// panics: "nodes are not supported"
		{"plain-nodes.osm.pbf", hostileFile(block(pb(nil).bytes(1, node)), true), "plain nodes"},
		{"plain-nodes-zlib.osm.pbf", hostileFile(block(pb(nil).bytes(1, node)), false), "plain nodes"},
		// panics: st[usid]
		{"dense-user-sid.osm.pbf", withDense(func(d *dense) { d.info = pb(nil).packed(1, 1).packed(5, zz(7)) }), "node 0's user name is string 7, outside the block's string table of 5 strings"},
		{"dense-user-sid-sum.osm.pbf", withDense(func(d *dense) {
			d.ids, d.lats, d.lons, d.keysVals = []uint64{zz(1), zz(1)}, []uint64{0, 0}, []uint64{0, 0}, nil
			d.info = pb(nil).packed(5, zz(4), zz(1)) // 4, then 5
		}), "node 1's user name is string 5"},
		{"dense-user-sid-negative.osm.pbf", withDense(func(d *dense) { d.info = pb(nil).packed(5, zz(-1)) }), "node 0's user name is string -1"},
		// panics: st[k], st[v] in dense nodes
		{"dense-key.osm.pbf", withDense(func(d *dense) { d.keysVals = []uint64{9, 2, 0} }), "node 0's tag key is string 9"},
		{"dense-value.osm.pbf", withDense(func(d *dense) { d.keysVals = []uint64{1, 9, 0} }), "node 0's tag value is string 9"},
		{"dense-key-negative.osm.pbf", withDense(func(d *dense) { d.keysVals = []uint64{neg1, 2, 0} }), "tag key is string 18446744073709551615"},
		// panics: st[k], st[v], st[user_sid] in ways
		{"way-key.osm.pbf", withWay(way.packed(2, 9).packed(3, 2)), "way 0 of the group: (id 11) tag key 0 is string 9"},
		{"way-value.osm.pbf", withWay(way.packed(2, 1, 1).packed(3, 2, 5)), "tag value 1 is string 5"},
		{"way-user-sid.osm.pbf", withWay(way.bytes(4, pb(nil).varint(1, 1).varint(5, 5))), "its user name (user_sid) is string 5"},
		// panics: st[r], st[k], st[user_sid] in relations
		{"relation-role.osm.pbf", withRel(rel.packed(8, 5).packed(9, zz(10)).packed(10, 1)), "member role 0 is string 5"},
		{"relation-role-negative.osm.pbf", withRel(rel.packed(8, neg1).packed(9, zz(10)).packed(10, 1)), "member role 0 is string 18446744073709551615"},
		{"relation-key.osm.pbf", withRel(rel.packed(2, 7).packed(3, 2)), "tag key 0 is string 7"},
		{"relation-user-sid.osm.pbf", withRel(rel.bytes(4, pb(nil).varint(5, 99))), "user name (user_sid) is string 99"},
		// panics: way.Nodes sized by the refs, written by lat and lon
		{"way-locations-longer.osm.pbf", withWay(way.packed(8, zz(1)).packed(9, zz(1), zz(2)).packed(10, zz(1), zz(2))), "1 node ref but 2 node latitudes"},
		{"way-lat-before-refs.osm.pbf", withWay(way.packed(9, zz(1)).packed(10, zz(1)).packed(8, zz(1), zz(1))), "2 node refs but 1 node latitude"},
		{"way-lat-without-lon.osm.pbf", withWay(way.packed(8, zz(1)).packed(9, zz(1))), "latitudes or longitudes without the other"},
		// panics: members sized by the types, indexed by the roles
		{"relation-roles-longer.osm.pbf", withRel(rel.packed(8, 3, 3).packed(9, zz(10), zz(1)).packed(10, 1)), "2 member roles, 2 member ids and 1 member type"},
		{"relation-memids-shorter.osm.pbf", withRel(rel.packed(8, 3, 3).packed(9, zz(10)).packed(10, 1, 1)), "2 member roles, 1 member id and 2 member types"},
		{"relation-types-longer.osm.pbf", withRel(rel.packed(8, 3).packed(9, zz(10)).packed(10, 1, 1)), "1 member role, 1 member id and 2 member types"},
		{"relation-no-types.osm.pbf", withRel(rel.packed(8, 3).packed(9, zz(10))), "1 member role, 1 member id and 0 member types"},
		{"relation-member-type.osm.pbf", withRel(rel.packed(8, 3).packed(9, zz(10)).packed(10, 7)), "member 0 is of type 7"},
		// dense nodes' arrays of unequal length
		{"dense-lat-shorter.osm.pbf", withDense(func(d *dense) { d.ids, d.keysVals = []uint64{zz(1), zz(1)}, nil; d.lons = []uint64{0, 0} }), "2 ids but 1 latitude"},
		{"dense-lon-longer.osm.pbf", withDense(func(d *dense) { d.lons = []uint64{0, 0} }), "1 id but 2 longitudes"},
		{"dense-no-lats.osm.pbf", withDense(func(d *dense) { d.lats = nil }), "no latitudes"},
		{"dense-versions-shorter.osm.pbf", withDense(func(d *dense) {
			d.ids, d.lats, d.lons, d.keysVals = []uint64{zz(1), zz(1)}, []uint64{0, 0}, []uint64{0, 0}, nil
			d.info = pb(nil).packed(1, 1)
		}), "2 ids but 1 version in DenseInfo"},
		{"dense-visible-longer.osm.pbf", withDense(func(d *dense) { d.info = pb(nil).packed(6, 1, 1) }), "1 id but 2 visible flags in DenseInfo"},
		// keys_vals not pairing up
		{"keys-vals-key-alone.osm.pbf", withDense(func(d *dense) { d.keysVals = []uint64{1} }), "node 0 has a tag key (string 1) without a value"},
		{"keys-vals-short.osm.pbf", withDense(func(d *dense) {
			d.ids, d.lats, d.lons = []uint64{zz(1), zz(1)}, []uint64{0, 0}, []uint64{0, 0}
			d.keysVals = []uint64{1, 2, 0}
		}), "keys_vals ends inside node 1's tags"},
		{"keys-vals-trailing.osm.pbf", withDense(func(d *dense) { d.keysVals = []uint64{1, 2, 0, 1, 2, 0} }), "keys_vals goes on past the tags of its 1 node"},
		{"keys-vals-empty.osm.pbf", withDense(func(d *dense) { d.keysVals = []uint64{} }), "keys_vals ends inside node 0's tags"},
		// way keys and values not pairing up
		{"way-key-without-value.osm.pbf", withWay(way.packed(2, 1, 1).packed(3, 2)), "2 tag keys but 1 tag value"},
		{"way-keys-no-values.osm.pbf", withWay(way.packed(2, 1)), "1 tag key but 0 tag values"},
		// read otherwise than the format means
		{"way-refs-twice.osm.pbf", withWay(way.packed(8, zz(1)).packed(8, zz(1), zz(1))), "Way field 8 is given twice"},
		{"way-as-varint.osm.pbf", hostileFile(block(pb(nil).varint(3, 5)), false), "a way is of wire type 0, not 2"},
		{"dense-ids-as-varint.osm.pbf", hostileFile(block(pb(nil).bytes(2, pb(nil).varint(1, 1).packed(8, 0).packed(9, 0))), false), "DenseNodes field 1 (a packed array) is of wire type 0, not 2"},
		{"group-in-block.osm.pbf", hostileFile(append(block(pb(nil).bytes(3, goodWay())), 0x0b, 0x0c), false), "wire type 3"},
		{"string-table-varint.osm.pbf", hostileFile(append(pb(nil).bytes(1, pb(nil).varint(1, 3)), pb(nil).bytes(2, pb(nil).bytes(3, goodWay()))...), false), "a string of the string table is of wire type 0, not 2"},
		{"refs-cut.osm.pbf", withWay(way.bytes(8, []byte{0x02, 0x80})), "node refs are not a valid packed array"},
		{"second-header.osm.pbf", append(GoodPBF(), pbfHeaderBlock()...), "a second OSMHeader block"},
		{"block-type.osm.pbf", append(GoodPBF(), pbfBlock("OSMNothing", rawBlob(nil))...), `a block of type "OSMNothing"`},
	}
}
