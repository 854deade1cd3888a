//! Loading a module file for `run`, `inspect` and `deploy`: binary or text decided by the
//! magic number first (`\0asm`), then by the extension (`.wasm` must be binary; anything else
//! is read as text). Every error is an [`InputError`] naming the file; a text error gives the
//! line and column in the text and quotes at most [`EXCERPT`] characters around them.

use std::path::{Path, PathBuf};

/// The most characters of an offending line that an error quotes.
pub const EXCERPT: usize = 60;

/// Why a module file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is empty (0 bytes): not a module", path.display())]
    Empty { path: PathBuf },
    #[error("{} is not a Wasm binary: a .wasm file must start with \\0asm, this one starts with {head}", path.display())]
    NotBinary { path: PathBuf, head: String },
    #[error("{} is neither a Wasm binary (no \\0asm magic number) nor text: invalid UTF-8 at byte {offset}", path.display())]
    NotText { path: PathBuf, offset: usize },
    /// The text does not parse as WebAssembly text format.
    #[error("{}:{line}:{column}: {message}\n    {excerpt}", path.display())]
    Text { path: PathBuf, line: usize, column: usize, message: String, excerpt: String },
}

/// A loaded module: its binary, and whether it came from text.
pub struct Loaded {
    pub binary: Vec<u8>,
    pub from_text: bool,
}

/// The first bytes of a file, for an error message.
fn head(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("0x{hex}")
}

/// At most [`EXCERPT`] characters of `line` around character `column` (0-based), with `…`
/// where it was cut.
pub fn excerpt(line: &str, column: usize) -> String {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(EXCERPT / 2).min(chars.len().saturating_sub(EXCERPT));
    let end = (start + EXCERPT).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

/// Compiles WebAssembly text; errors carry the line, column and an excerpt.
pub fn compile_text(path: &Path, text: &str) -> Result<Vec<u8>, InputError> {
    let located = |e: wast::Error| {
        let (line, col) = e.span().linecol_in(text);
        let source_line = text.lines().nth(line).unwrap_or("");
        // Columns count characters, as editors do.
        let column = source_line.char_indices().take_while(|(i, _)| *i < col).count();
        InputError::Text {
            path: path.to_path_buf(),
            line: line + 1,
            column: column + 1,
            message: e.message().chars().take(200).collect(),
            excerpt: excerpt(source_line, column),
        }
    };
    let buf = wast::parser::ParseBuffer::new(text).map_err(located)?;
    let mut wat = wast::parser::parse::<wast::Wat>(&buf).map_err(located)?;
    wat.encode().map_err(located)
}

/// Reads `path` and returns the module's binary.
pub fn load(path: &Path) -> Result<Loaded, InputError> {
    let bytes = std::fs::read(path).map_err(|source| InputError::Read { path: path.to_path_buf(), source })?;
    if bytes.is_empty() {
        return Err(InputError::Empty { path: path.to_path_buf() });
    }
    if bytes.starts_with(b"\0asm") {
        return Ok(Loaded { binary: bytes, from_text: false });
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wasm")) {
        return Err(InputError::NotBinary { path: path.to_path_buf(), head: head(&bytes) });
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| InputError::NotText { path: path.to_path_buf(), offset: e.valid_up_to() })?;
    Ok(Loaded { binary: compile_text(path, text)?, from_text: true })
}

/// Where an engine error's offset points, for a module loaded from `path`.
pub fn offsets_note(loaded: &Loaded) -> &'static str {
    if loaded.from_text {
        " (offsets are in the binary compiled from the text)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_and_marks_cuts() {
        assert_eq!(excerpt("abc", 1), "abc");
        let long = "x".repeat(2_000_000);
        let e = excerpt(&long, 1_000_000);
        assert_eq!(e.chars().count(), EXCERPT + 2);
        assert!(e.starts_with('…') && e.ends_with('…'));
        assert_eq!(excerpt(&long, 0).chars().count(), EXCERPT + 1);
    }

    #[test]
    fn text_errors_give_line_column_and_file() {
        let e = compile_text(Path::new("m.wat"), "(module\n  (func (result i32) i32.const x))").unwrap_err();
        let InputError::Text { line, column, .. } = &e else { panic!("{e}") };
        assert_eq!((*line, *column), (2, 32));
        assert!(e.to_string().starts_with("m.wat:2:32: "), "{e}");
    }
}
