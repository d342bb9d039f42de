package main

import "encoding/binary"

// idSet is a set of deal ids kept as 64-bit hashes, not the ids
// themselves: the top 16 bits of an id's hash pick one of 65,536 buckets,
// and the bucket holds the other 48 bits in 6 bytes.
//
// The hash is FNV-1a 64 with a fixed offset, finished by the MurmurHash3
// 64-bit mixer (a bijection, so it adds no collision): the same ids get
// the same hashes in every run, so the verdict on a pair of ids is the
// same in every run of the same input. Two different ids with the same
// 64-bit hash (about one chance in 3.6 x 10^7 for a million deals,
// n^2/2^65) would be taken for a repeat, as with any hash set that does
// not keep the ids.
//
// A bucket is a chain of 64-byte blocks (ten hashes and the index of the
// next block), newest first, cut in order from 1 MiB slabs that are never
// copied: growing the set makes no garbage, so its cost in peak memory is
// what it holds, about 7 bytes a deal plus up to 4 MiB of partly filled
// blocks and 320 KiB of bucket heads. On Unix the slabs are mapped outside
// the Go heap (idset_unix.go): the garbage collector neither scans them
// nor counts them when it sets the next heap goal (which is twice what is
// live), so a million ids cost their 7 MB once, not twice, in peak RSS.
type idSet struct {
	head   []uint32 // per bucket: 1 + the index of its newest block, 0 for none
	fill   []uint8  // per bucket: hashes in its newest block
	slabs  *idSlabs
	blocks uint32 // blocks cut so far
}

// idSlabs holds the slabs; the slabs mapped outside the Go heap are
// unmapped once it is unreachable (see newSlab).
type idSlabs struct{ s [][]idBlock }

// idBlock holds idPerBlock hashes of 6 bytes, then the index of the next
// (older) block of its bucket, plus one (0 ends the chain).
type idBlock [64]byte

const (
	// idBuckets is the number of buckets; idSet takes the top 16 bits of
	// a hash as the bucket.
	idBuckets = 1 << 16
	// idPerBlock is the number of 6-byte hashes a block holds.
	idPerBlock = 10
	// idSlabBlocks is the number of blocks in a slab (1 MiB).
	idSlabBlocks = 1 << 14
)

// idHash is the fixed 64-bit hash of an id: FNV-1a 64, then the
// MurmurHash3 finalizer so that the top bits (the bucket) depend on every
// byte.
func idHash(id string) uint64 {
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= prime64
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// block returns block i (0-based).
func (s *idSet) block(i uint32) *idBlock {
	return &s.slabs.s[i/idSlabBlocks][i%idSlabBlocks]
}

// add records id and reports whether it was new.
func (s *idSet) add(id string) bool {
	if s.head == nil {
		s.head = make([]uint32, idBuckets)
		s.fill = make([]uint8, idBuckets)
	}
	h := idHash(id)
	bucket := h >> 48
	lo32, hi16 := uint32(h), uint16(h>>32)
	n := int(s.fill[bucket]) // hashes in the newest block
	for next := s.head[bucket]; next != 0; n = idPerBlock {
		blk := s.block(next - 1)
		for i := 0; i < n; i++ {
			e := blk[6*i : 6*i+6 : 6*i+6]
			if binary.LittleEndian.Uint32(e) == lo32 && binary.LittleEndian.Uint16(e[4:]) == hi16 {
				return false
			}
		}
		next = binary.LittleEndian.Uint32(blk[6*idPerBlock:])
	}
	if s.head[bucket] == 0 || s.fill[bucket] == idPerBlock {
		s.newBlock(bucket)
	}
	blk := s.block(s.head[bucket] - 1)
	i := int(s.fill[bucket])
	binary.LittleEndian.PutUint32(blk[6*i:], lo32)
	binary.LittleEndian.PutUint16(blk[6*i+4:], hi16)
	s.fill[bucket]++
	return true
}

// newBlock puts a new, empty block at the head of the bucket's chain.
func (s *idSet) newBlock(bucket uint64) {
	if s.blocks%idSlabBlocks == 0 {
		if s.slabs == nil {
			s.slabs = &idSlabs{}
		}
		s.slabs.s = append(s.slabs.s, newSlab(s.slabs))
	}
	i := s.blocks
	s.blocks++
	binary.LittleEndian.PutUint32(s.block(i)[6*idPerBlock:], s.head[bucket])
	s.head[bucket] = i + 1
	s.fill[bucket] = 0
}

// len is the number of hashes the set holds.
func (s *idSet) len() int {
	n := 0
	for b, h := range s.head {
		for next := h; next != 0; next = binary.LittleEndian.Uint32(s.block(next - 1)[6*idPerBlock:]) {
			if next == h {
				n += int(s.fill[b])
			} else {
				n += idPerBlock
			}
		}
	}
	return n
}
