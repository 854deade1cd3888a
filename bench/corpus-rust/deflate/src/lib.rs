//! DEFLATE with miniz_oxide: `kib` KiB of generated text compressed at levels 1, 6 and 9 and
//! each result decompressed; a round trip that does not give the input back panics (traps).
//! The checksum covers the compressed streams, so it equals the native build's only if every
//! engine produced the same bytes.

use corpus_common::{text, Fnv};
use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec;

#[no_mangle]
pub extern "C" fn miniz_deflate(kib: i32) -> i64 {
    let input = text(kib.max(1) as usize * 1024, 0xDEF1_A7E0_0000_0001);
    let input = input.as_bytes();
    let mut sum = Fnv::default();
    for level in [1, 6, 9] {
        let packed = compress_to_vec(input, level);
        let unpacked = decompress_to_vec(&packed).expect("inflate of our own stream");
        assert!(unpacked == input, "DEFLATE round trip at level {level} changed the data");
        sum.u64(packed.len() as u64).bytes(&packed);
    }
    sum.finish()
}
