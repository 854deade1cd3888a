//! Big integers with num-bigint: per round, a 1024-bit modular exponentiation (RSA-sized),
//! a multiplication and division of the result, and a decimal conversion. Known answers:
//! 30! and 2^127 − 1 in decimal, and Fermat's little theorem for the prime 2^127 − 1.

use corpus_common::{Fnv, Rng};
use num_bigint::BigUint;
use num_traits::{One, Zero};

fn random(rng: &mut Rng, bits: usize) -> BigUint {
    let digits: Vec<u32> = (0..bits / 32).map(|_| rng.next_u64() as u32).collect();
    BigUint::new(digits)
}

fn check_known() {
    let fact: BigUint = (1..=30u32).map(BigUint::from).product();
    assert_eq!(fact.to_string(), "265252859812191058636308480000000", "30!");
    let m127 = (BigUint::one() << 127u32) - 1u32;
    assert_eq!(m127.to_string(), "170141183460469231731687303715884105727", "2^127 - 1");
    let a = BigUint::from(0xDEAD_BEEFu32);
    assert!(a.modpow(&(&m127 - 1u32), &m127).is_one(), "Fermat for 2^127 - 1");
}

#[no_mangle]
pub extern "C" fn num_bigint_modpow(rounds: i32) -> i64 {
    check_known();
    let mut rng = Rng(0xB161_4700_0000_0001);
    let mut sum = Fnv::default();
    for _ in 0..rounds {
        let m = random(&mut rng, 1024) | BigUint::one();
        let (base, exp) = (random(&mut rng, 1024) % &m, random(&mut rng, 1024));
        let r = base.modpow(&exp, &m);
        let product = &r * &base + 1u32;
        let (q, rem) = (&product / &m, &product % &m);
        assert!(q * &m + &rem == product, "division identity");
        assert!(!m.is_zero());
        sum.bytes(&r.to_bytes_le()).bytes(r.to_str_radix(10).as_bytes());
    }
    sum.finish()
}
