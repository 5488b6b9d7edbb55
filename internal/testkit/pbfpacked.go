package testkit

// PackedPBF returns a lawful-looking PBF file of blocks OSMData blocks,
// each one dense-node group of n nodes one id apart at one place (six
// bytes a node when tagged amenity=library, four untagged): a few kilobytes
// that decode to n objects a block. Such files stay far inside the
// decompressed-size limit while the decoder and the reader would hold
// hundreds of bytes for every node.
func PackedPBF(n, blocks int, tagged bool) []byte {
	ids := make([]uint64, n)
	lats := make([]uint64, n)
	lons := make([]uint64, n)
	kv := make([]uint64, 0, 3*n)
	for i := range ids {
		ids[i] = zz(1)
		if tagged {
			kv = append(kv, 1, 2, 0)
		} else {
			kv = append(kv, 0)
		}
	}
	lats[0], lons[0] = zz(533_800_000), zz(-14_700_000)
	out := pbfHeaderBlock()
	for b := 0; b < blocks; b++ {
		ids[0] = zz(int64(b*n + 1)) // each block's ids go on from the last block's
		d := dense{ids: ids, lats: lats, lons: lons, keysVals: kv}
		raw := append(libraryStrings(), pb(nil).bytes(2, pb(nil).bytes(2, d.msg()))...)
		out = append(out, pbfBlock("OSMData", zlibBlob(int64(len(raw)), zlibOf(raw)))...)
	}
	return out
}

// libraryStrings is a string table: 0 "", 1 amenity, 2 library.
func libraryStrings() pb {
	var st pb
	for _, s := range []string{"", "amenity", "library"} {
		st = st.bytes(1, []byte(s))
	}
	return pb(nil).bytes(1, st)
}
