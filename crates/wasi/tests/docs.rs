//! docs/wasi.md's function table lists exactly the 46 functions of the ABI table, in its
//! order, and gives each the gas its base charge says.

#[test]
fn the_docs_table_is_the_function_table() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/wasi.md")).unwrap();
    let start = doc.find("## The 46 functions").expect("docs/wasi.md has the function table");
    let end = start + doc[start..].find("\n## ").map_or(doc.len() - start, |e| e + 1);
    let rows: Vec<(String, String)> = doc[start..end]
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_string(), cells.get(4)?.to_string()))
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    let expected: Vec<&str> = gasket_wasi::FUNCTIONS.iter().map(|s| s.name).collect();
    assert_eq!(names, expected);
    for ((name, gas), spec) in rows.iter().zip(&gasket_wasi::FUNCTIONS) {
        assert!(gas.starts_with(&spec.base_gas.to_string()), "{name}: docs say {gas:?}, base is {}", spec.base_gas);
    }
}
