//! One function of a module on its own, for preparation: the module with every other function
//! body replaced by `unreachable` (types, imports, indices, tables, exports and data stay, so
//! the result is valid whenever the input is) and its custom sections dropped. Preparing it
//! measures mostly that one function, which is how a module class that prepares slowly (one
//! big loop-heavy function) shows up next to the module's overall throughput.

/// The code section's function bodies: (body index, body size in bytes), in order.
pub fn body_sizes(wasm: &[u8]) -> Option<Vec<(usize, usize)>> {
    let (start, len) = section(wasm, 10)?;
    let mut r = Reader { b: &wasm[start..start + len], at: 0 };
    let count = r.leb()?;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        let size = r.leb()? as usize;
        r.at = r.at.checked_add(size).filter(|&e| e <= r.b.len())?;
        out.push((i, size));
    }
    Some(out)
}

/// The index and size of the largest function body.
pub fn largest(wasm: &[u8]) -> Option<(usize, usize)> {
    body_sizes(wasm)?.into_iter().max_by_key(|&(_, size)| size)
}

/// The module with only body `keep` left (see the module doc); `None` if `wasm` is malformed.
pub fn keep_only(wasm: &[u8], keep: usize) -> Option<Vec<u8>> {
    let mut out = wasm.get(..8)?.to_vec();
    let mut r = Reader { b: wasm, at: 8 };
    while r.at < wasm.len() {
        let id = *wasm.get(r.at)?;
        r.at += 1;
        let len = r.leb()? as usize;
        let payload = wasm.get(r.at..r.at.checked_add(len)?)?;
        r.at += len;
        match id {
            0 => {}
            10 => {
                let mut body = Reader { b: payload, at: 0 };
                let count = body.leb()?;
                let mut code = Vec::new();
                leb(&mut code, count);
                for i in 0..count as usize {
                    let size = body.leb()? as usize;
                    let bytes = payload.get(body.at..body.at.checked_add(size)?)?;
                    body.at += size;
                    if i == keep {
                        leb(&mut code, size as u32);
                        code.extend_from_slice(bytes);
                    } else {
                        // size 3: no locals, `unreachable`, `end`
                        code.extend_from_slice(&[3, 0, 0x00, 0x0b]);
                    }
                }
                out.push(10);
                leb(&mut out, code.len() as u32);
                out.extend(code);
            }
            _ => {
                out.push(id);
                leb(&mut out, len as u32);
                out.extend_from_slice(payload);
            }
        }
    }
    Some(out)
}

/// Start and length of the payload of the first section with this id.
fn section(wasm: &[u8], want: u8) -> Option<(usize, usize)> {
    let mut r = Reader { b: wasm, at: 8 };
    while r.at < wasm.len() {
        let id = *wasm.get(r.at)?;
        r.at += 1;
        let len = r.leb()? as usize;
        if id == want {
            return (r.at + len <= wasm.len()).then_some((r.at, len));
        }
        r.at += len;
    }
    None
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn leb(&mut self) -> Option<u32> {
        let mut v = 0u64;
        for shift in (0..35).step_by(7) {
            let byte = *self.b.get(self.at)?;
            self.at += 1;
            v |= ((byte & 0x7f) as u64) << shift;
            if byte & 0x80 == 0 {
                return u32::try_from(v).ok();
            }
        }
        None
    }
}

fn leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAT: &str = r#"(module
        (func (export "a") (result i32) (i32.const 1))
        (func (export "b") (param i32) (result i32) (local i64)
            (loop (br_if 0 (i32.eqz (local.get 0)))) (i32.add (local.get 0) (i32.const 2)))
        (func (export "c") (result i32) (call 0)))"#;

    #[test]
    fn keeps_one_body_and_stays_valid() {
        let wasm = wat::parse_str(WAT).unwrap();
        let sizes = body_sizes(&wasm).unwrap();
        assert_eq!(sizes.len(), 3);
        assert_eq!(largest(&wasm).unwrap().0, 1);
        let alone = keep_only(&wasm, 1).unwrap();
        let engine = gasket::Engine::default();
        let module = gasket::Module::new(&engine, &alone).expect("isolated module validates");
        let mut store = gasket::Store::new(&engine, ());
        let inst = gasket::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let b = inst.get_typed_func::<i32, i32>(&store, "b").unwrap();
        assert_eq!(b.call(&mut store, 5).unwrap(), 7);
        let a = inst.get_typed_func::<(), i32>(&store, "a").unwrap();
        assert!(a.call(&mut store, ()).is_err(), "a stubbed body traps");
        assert_eq!(body_sizes(&alone).unwrap().iter().filter(|(_, s)| *s == 3).count(), 2);
    }

    #[test]
    fn malformed_input_is_none() {
        let wasm = wat::parse_str(WAT).unwrap();
        assert!(keep_only(&wasm[..wasm.len() - 3], 0).is_none());
        assert!(body_sizes(&[0, 97, 115, 109, 1, 0, 0, 0, 10, 5, 1]).is_none());
    }
}
