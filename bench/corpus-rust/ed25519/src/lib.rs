//! Ed25519 (ed25519-dalek over curve25519-dalek): the three RFC 8032 §7.1 test vectors are
//! signed and verified first (published known answers: a different signature or a failed
//! verification panics, which traps), then per round a 256-byte message is signed with a key
//! derived from the seed, verified, and a one-bit-altered copy must fail to verify.

use corpus_common::{hex, Fnv, Rng};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// RFC 8032 §7.1 TEST 1, 2 and 3: secret key, public key, message, signature.
const RFC8032: [(&str, &str, &str, &str); 3] = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
];

fn bytes(h: &str) -> Vec<u8> {
    (0..h.len() / 2).map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("hex")).collect()
}

fn check_vectors() {
    for (secret, public, msg, sig) in RFC8032 {
        let key = SigningKey::from_bytes(&hex::<32>(secret));
        assert_eq!(key.verifying_key().to_bytes(), hex::<32>(public), "RFC 8032 public key");
        let msg = bytes(msg);
        let signature = key.sign(&msg);
        assert_eq!(signature.to_bytes(), hex::<64>(sig), "RFC 8032 signature");
        let vk = VerifyingKey::from_bytes(&hex::<32>(public)).expect("RFC 8032 public key decodes");
        vk.verify_strict(&msg, &Signature::from_bytes(&hex::<64>(sig))).expect("RFC 8032 signature verifies");
    }
}

/// `rounds` sign + verify + rejected-forgery rounds.
#[no_mangle]
pub extern "C" fn ed25519_sign_verify(rounds: i32) -> i64 {
    check_vectors();
    let mut rng = Rng(0xED25_5190_0000_0001);
    let mut sum = Fnv::default();
    let mut msg = [0u8; 256];
    for _ in 0..rounds {
        let mut secret = [0u8; 32];
        secret.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
        msg.iter_mut().for_each(|b| *b = rng.next_u64() as u8);
        let key = SigningKey::from_bytes(&secret);
        let sig = key.sign(&msg);
        let vk = key.verifying_key();
        vk.verify(&msg, &sig).expect("own signature verifies");
        let mut forged = msg;
        forged[rng.below(256) as usize] ^= 1 << rng.below(8);
        assert!(vk.verify(&forged, &sig).is_err(), "altered message verified");
        sum.bytes(&sig.to_bytes()).bytes(vk.as_bytes());
    }
    sum.finish()
}
