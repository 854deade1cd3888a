//! BLS12-381 pairing check (the zkcrypto `bls12_381` crate): per round, two scalar
//! multiplications in G1, one in G2 and the two-pair check e(a·P, b·Q) · e(−ab·P, Q) = 1 of a
//! multi-Miller loop and one final exponentiation, the check a chain's pairing precompile does.
//! Known answers: the compressed G1 and G2 generators of the standard encoding, and every
//! round's check must hold (a product that is not the identity panics, which traps).

use bls12_381::{multi_miller_loop, G1Affine, G2Affine, G2Prepared, Gt, Scalar};
use corpus_common::{hex, Fnv, Rng};

/// The compressed generators (the curve's standard serialization).
const G1_GEN: &str = "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
const G2_GEN: &str = "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e\
                      024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8";

/// `rounds` pairing checks; the checksum covers every point.
#[no_mangle]
pub extern "C" fn bls12_381_pairing(rounds: i32) -> i64 {
    let (g1, g2) = (G1Affine::generator(), G2Affine::generator());
    assert_eq!(g1.to_compressed(), hex::<48>(G1_GEN), "G1 generator encoding");
    assert_eq!(g2.to_compressed(), hex::<96>(G2_GEN), "G2 generator encoding");
    let mut rng = Rng(0xB15_1238_1A5E_ED01);
    let mut sum = Fnv::default();
    for _ in 0..rounds {
        let (a, b) = (Scalar::from(rng.next_u64()), Scalar::from(rng.next_u64()));
        let p = G1Affine::from(g1 * a);
        let q = G2Affine::from(g2 * b);
        let r = G1Affine::from(g1 * (a * b));
        let (q, g2p) = (G2Prepared::from(q), G2Prepared::from(g2));
        let product = multi_miller_loop(&[(&p, &q), (&-r, &g2p)]).final_exponentiation();
        assert!(product == Gt::identity(), "pairing check failed");
        sum.bytes(&p.to_compressed()).bytes(&r.to_compressed());
    }
    sum.finish()
}
